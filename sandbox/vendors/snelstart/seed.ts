/**
 * Seed file format (`seed.json`) and loading it into administraties.
 * Entities use the spec's field names; seeds may carry readOnly fields,
 * fixed ids and fixed modifiedOn values. A verkoopboeking may carry
 * `openstaandSaldo` to seed a partly or fully paid verkoopfactuur.
 */
import { readFileSync } from "node:fs";
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { PAKKETTEN } from "./types";
import type { JsonObject } from "./types";
import { Administratie, type Clock } from "./store";
import {
  SCHEMA,
  createGrootboek,
  insertPlain,
  saveArtikel,
  saveRelatie,
  saveVerkoopboeking,
  saveVerkooporder,
  type Ctx,
  type DomainOptions,
  type Result,
} from "./domain";
import { pickKnown, type SpecValidator } from "./spec";

const entities = z.array(z.record(z.string(), z.unknown())).default([]);

export const AdministratieSeedSchema = z.object({
  id: z.string().uuid().optional(),
  naam: z.string().min(1),
  pakket: z.enum(PAKKETTEN),
  /** The koppelsleutel for `grant_type=clientkey`. */
  koppelsleutel: z.string().min(1).optional(),
  /** Credentials for `grant_type=password`. */
  username: z.string().min(1).optional(),
  password: z.string().min(1).optional(),
  companyInfo: z.record(z.string(), z.unknown()).optional(),
  grootboeken: entities,
  dagboeken: entities,
  btwtarieven: entities,
  artikelomzetgroepen: entities,
  relaties: entities,
  artikelen: entities,
  verkoopordersjablonen: entities,
  doorlopendeIncassoMachtigingen: entities,
  verkoopboekingen: entities,
  verkooporders: entities,
});
export type AdministratieSeed = z.input<typeof AdministratieSeedSchema>;

export const SeedSchema = z.object({ administraties: z.array(AdministratieSeedSchema) });
export type SeedFile = z.input<typeof SeedSchema>;

export function readSeedFile(path: string): SeedFile {
  return parseSeed(JSON.parse(readFileSync(path, "utf8")));
}

export function parseSeed(data: unknown): SeedFile {
  const r = SeedSchema.safeParse(data);
  if (!r.success) throw new Error(`invalid SnelStart seed: ${r.error.message}`);
  return r.data;
}

export class SeedError extends Error {}

function must<T>(what: string, r: Result<T>): T {
  if (r.ok) return r.value;
  const why = r.status === 404 ? r.message : r.errors.map((e) => `${e.kenmerk}: ${e.message}`).join("; ");
  throw new SeedError(`seed ${what}: ${why}`);
}

export function buildAdministratie(
  raw: AdministratieSeed,
  deps: { spec: SpecValidator; options: DomainOptions; clock: Clock },
): Administratie {
  const s = AdministratieSeedSchema.parse(raw);
  const id = (s.id ?? randomUUID()).toLowerCase();
  const adm = new Administratie(
    id,
    s.naam,
    s.pakket,
    s.koppelsleutel ?? `koppelsleutel-${id}`,
    s.username ?? `${id}@sandbox.snelstart.test`,
    s.password ?? `password-${id}`,
    deps.clock,
  );
  const ctx: Ctx = { adm, spec: deps.spec, options: deps.options, seeding: true };
  adm.companyInfo = {
    ...(pickKnown(deps.spec.schema(SCHEMA.companyInfo), s.companyInfo ?? {}, false) as JsonObject),
    administratieIdentifier: id,
    administratieNaam: s.naam,
  };
  if (typeof adm.companyInfo.bedrijfsnaam !== "string") adm.companyInfo.bedrijfsnaam = s.naam;

  for (const g of s.grootboeken) must(`grootboek ${String(g.nummer)}`, createGrootboek(ctx, g));
  for (const d of s.dagboeken) insertPlain(ctx, "dagboek", d);
  adm.btwtarieven = s.btwtarieven.map(
    (b) => pickKnown(deps.spec.schema(SCHEMA.btwtarief), b, false) as JsonObject,
  );
  for (const g of s.artikelomzetgroepen) insertPlain(ctx, "artikelomzetgroep", g);
  for (const r of s.relaties) must(`relatie ${String(r.naam)}`, saveRelatie(ctx, r));
  for (const a of s.artikelen) must(`artikel ${String(a.artikelcode)}`, saveArtikel(ctx, a));
  for (const t of s.verkoopordersjablonen) insertPlain(ctx, "sjabloon", t);
  for (const m of s.doorlopendeIncassoMachtigingen) insertPlain(ctx, "machtiging", m);
  for (const b of s.verkoopboekingen) must(`verkoopboeking ${String(b.factuurnummer)}`, saveVerkoopboeking(ctx, b));
  for (const o of s.verkooporders) must(`verkooporder ${String(o.nummer)}`, saveVerkooporder(ctx, o));
  if (typeof adm.companyInfo.volgendVerkoopordernummer === "number")
    adm.maxOrdernummer = Math.max(adm.maxOrdernummer, adm.companyInfo.volgendVerkoopordernummer - 1);
  adm.companyInfo.volgendVerkoopordernummer = adm.maxOrdernummer + 1;
  return adm;
}
