/**
 * Business rules of the simulated administratie: creating, replacing and
 * deleting entities, with the checks SnelStart performs beyond the schema.
 */
import { createHash } from "node:crypto";
import { pickKnown, type SpecValidator } from "./spec";
import { Administratie, ref } from "./store";
import type {
  ApiError,
  Artikel,
  DocumentType,
  Entity,
  Grootboek,
  JsonObject,
  JsonValue,
  Relatie,
  StoredDocument,
  VerkoopBoeking,
  Verkoopfactuur,
  Verkooporder,
} from "./types";

export const SCHEMA = {
  relatieWrite: "SnelStart.B2B.Api.V2.Models.Relaties.RelatieWriteModel",
  relatie: "SnelStart.B2B.Api.V2.Models.Relaties.RelatieModel",
  artikel: "SnelStart.B2B.Api.V2.Models.Artikelen.ArtikelModel",
  artikelQuery: "SnelStart.B2B.Api.V2.Models.Artikelen.ArtikelQueryModel",
  artikelomzetgroep: "SnelStart.B2B.Api.V2.Models.Artikelen.ArtikelOmzetGroepModel",
  grootboek: "SnelStart.B2B.Api.V2.Models.Grootboeken.GrootboekModel",
  dagboek: "SnelStart.B2B.Api.V2.Models.Dagboeken.DagboekModel",
  btwtarief: "SnelStart.B2B.Api.V2.Models.BtwTarieven.BtwTariefModel",
  companyInfo: "SnelStart.B2B.Api.V2.Models.CompanyInfo.CompanyInfoModel",
  verkoopboeking: "SnelStart.B2B.Api.V2.Models.VerkoopBoekingen.VerkoopBoekingModel",
  verkoopfactuur: "SnelStart.B2B.Api.V2.Models.Verkoopfacturen.VerkoopfactuurModel",
  verkooporder: "SnelStart.B2B.Api.V2.Models.Verkooporders.VerkoopOrderModel",
  sjabloon: "SnelStart.B2B.Api.V2.Models.Verkoopordersjablonen.VerkoopOrderSjabloonModel",
  machtiging: "SnelStart.B2B.Api.V2.Models.Relaties.DoorlopendeIncassoMachtigingModel",
  documentContent: "SnelStart.B2B.Api.V2.Models.Documenten.DocumentContentModel",
} as const;

export interface DomainOptions {
  /** Refuse a verkoopboeking whose factuurbedrag ≠ Σ boekingsregels.bedrag + Σ btw.btwBedrag. */
  checkBalance: boolean;
  /** Betalingstermijn (days) when neither the boeking nor the klant gives one. */
  defaultBetalingstermijn: number;
}

export interface Ctx {
  adm: Administratie;
  spec: SpecValidator;
  options: DomainOptions;
  /** Seeding: keep given ids/modifiedOn/readOnly fields. */
  seeding?: boolean;
}

export type Result<T> =
  | { ok: true; value: T }
  | { ok: false; status: 400; errors: ApiError[] }
  | { ok: false; status: 404; message: string };

const ok = <T>(value: T): Result<T> => ({ ok: true, value });
const bad = <T>(errors: ApiError[]): Result<T> => ({ ok: false, status: 400, errors });
const notFound = <T>(message: string): Result<T> => ({ ok: false, status: 404, message });

export function biz(kenmerk: string, message: string, rule: string): ApiError {
  return { kenmerk, message, errorCode: `Business.${rule}`, location: "body" };
}

const round2 = (n: number) => Math.round(n * 100) / 100;

function asObject(v: unknown): JsonObject {
  return v && typeof v === "object" && !Array.isArray(v) ? (v as JsonObject) : {};
}

function refId(v: JsonValue | undefined): string | undefined {
  const id = asObject(v).id;
  return typeof id === "string" && id ? id.toLowerCase() : undefined;
}

function pick(ctx: Ctx, schemaName: string, input: unknown): JsonObject {
  return asObject(pickKnown(ctx.spec.schema(schemaName), input, !ctx.seeding));
}

function seedId(ctx: Ctx, input: JsonObject): string {
  const id = input.id;
  return ctx.seeding && typeof id === "string" && id ? id.toLowerCase() : ctx.adm.newId();
}

function seedStamp(ctx: Ctx, input: JsonObject): string {
  const m = input.modifiedOn;
  if (ctx.seeding && typeof m === "string" && !Number.isNaN(Date.parse(m))) {
    const iso = new Date(m).toISOString();
    ctx.adm.observeStamp(iso);
    return iso;
  }
  return ctx.adm.stamp();
}

/** Rewrites `{id}` references so they carry the canonical `uri`. */
function normRef(kind: string, v: JsonValue | undefined): { id: string; uri: string } | undefined {
  const id = refId(v);
  return id ? ref(kind, id) : undefined;
}

function setRef(o: JsonObject, key: string, kind: string): void {
  if (!(key in o)) return;
  const r = normRef(kind, o[key]);
  if (r) o[key] = r;
  else delete o[key];
}

function normAdres(o: JsonObject, key: string): void {
  const a = o[key];
  if (a && typeof a === "object" && !Array.isArray(a)) setRef(a, "land", "landen");
}

function documentRefs(ctx: Ctx, parentId: string): JsonObject[] {
  return ctx.adm.documentsOf(parentId).map((d) => ({
    parentIdentifier: d.parentIdentifier,
    fileName: d.fileName,
    readOnly: d.readOnly,
    id: d.id,
    uri: `/documenten/${d.id}`,
  }));
}

// ---------------------------------------------------------------- relaties

export const RELATIESOORTEN = ["Klant", "Leverancier"];

export function saveRelatie(ctx: Ctx, input: unknown, existingId?: string): Result<Relatie> {
  const { adm } = ctx;
  const existing = existingId ? adm.relaties.get(existingId) : undefined;
  if (existingId && !existing) return notFound(`Relatie ${existingId} bestaat niet.`);
  const body = pick(ctx, ctx.seeding ? SCHEMA.relatie : SCHEMA.relatieWrite, input);
  const errors: ApiError[] = [];

  if (existing && typeof body.id === "string" && body.id.toLowerCase() !== existing.id)
    errors.push(biz("id", "Het id in de body komt niet overeen met het id in de url.", "IdMismatch"));

  const naam = typeof body.naam === "string" ? body.naam.trim() : "";
  if (!naam) errors.push(biz("naam", "Naam is verplicht.", "Verplicht"));

  const soort = Array.isArray(body.relatiesoort) ? (body.relatiesoort as string[]) : [];
  if (soort.length === 0)
    errors.push(biz("relatiesoort", "Relatiesoort is verplicht (Klant en/of Leverancier).", "Verplicht"));
  for (const s of soort)
    if (!RELATIESOORTEN.includes(s))
      errors.push(biz("relatiesoort", `Relatiesoort '${s}' is ongeldig; toegestaan: Klant, Leverancier.`, "Ongeldig"));

  let relatiecode: number;
  if (typeof body.relatiecode === "number") {
    relatiecode = body.relatiecode;
    const owner = adm.relatiecodes.get(relatiecode);
    if (relatiecode < 1) errors.push(biz("relatiecode", "Relatiecode moet groter dan 0 zijn.", "Ongeldig"));
    else if (owner && owner !== existing?.id)
      errors.push(
        biz("relatiecode", `Relatiecode ${relatiecode} is al in gebruik door een andere relatie.`, "RelatiecodeInGebruik"),
      );
  } else {
    relatiecode = existing ? existing.relatiecode : adm.maxRelatiecode + 1;
  }

  const factuurRelatie = refId(body.factuurRelatie);
  if (factuurRelatie && !adm.relaties.has(factuurRelatie))
    errors.push(biz("factuurRelatie.id", `Factuurrelatie ${factuurRelatie} bestaat niet.`, "BestaatNiet"));
  if (errors.length) return bad(errors);

  const id = existing?.id ?? seedId(ctx, body);
  const entity: JsonObject = {
    ...body,
    id,
    uri: `/relaties/${id}`,
    naam,
    relatiesoort: soort,
    relatiecode,
    nonactief: body.nonactief === true,
    modifiedOn: existing ? adm.stamp() : seedStamp(ctx, body),
    inkoopBoekingenUri: `/relaties/${id}/inkoopboekingen`,
    verkoopBoekingenUri: `/relaties/${id}/verkoopboekingen`,
    documents: documentRefs(ctx, id),
    extraVeldenKlant: existing?.extraVeldenKlant ?? (ctx.seeding && Array.isArray(body.extraVeldenKlant) ? body.extraVeldenKlant : []),
  };
  if (existing && existing.fax !== undefined && entity.fax === undefined) entity.fax = existing.fax;
  if (typeof entity.incassoSoort === "string") entity.bankieren = entity.incassoSoort !== "Geen";
  setRef(entity, "factuurRelatie", "relaties");
  normAdres(entity, "vestigingsAdres");
  normAdres(entity, "correspondentieAdres");

  const rel = entity as Relatie;
  if (existing) {
    if (existing.relatiecode !== relatiecode) adm.relatiecodes.delete(existing.relatiecode);
    adm.relaties.replace(rel);
  } else {
    adm.relaties.insert(rel);
  }
  adm.relatiecodes.set(relatiecode, id);
  if (relatiecode > adm.maxRelatiecode) adm.maxRelatiecode = relatiecode;
  return ok(adm.relaties.get(id)!);
}

export function deleteRelatie(ctx: Ctx, id: string): Result<JsonObject> {
  const { adm } = ctx;
  const rel = adm.relaties.get(id);
  if (!rel) return notFound(`Relatie ${id} bestaat niet.`);
  const inUse =
    adm.verkoopboekingen.all().some((b) => b.klant.id === rel.id) ||
    adm.verkooporders.all().some((o) => refId(o.relatie) === rel.id);
  if (inUse)
    return bad([
      biz("id", "Deze relatie kan niet worden verwijderd omdat er boekingen of orders aan gekoppeld zijn.", "InGebruik"),
    ]);
  adm.relaties.delete(rel.id);
  adm.relatiecodes.delete(rel.relatiecode);
  return ok({});
}

// ---------------------------------------------------------------- doorlopende incassomachtigingen

/**
 * Bookkeeper action: enter a doorlopende incassomachtiging. The API only reads
 * them; in SnelStart they are entered by hand.
 */
export function createIncassomachtiging(ctx: Ctx, klantId: string, input: unknown): Result<Entity> {
  const { adm } = ctx;
  const klant = adm.relaties.get(klantId);
  if (!klant) return notFound(`Relatie ${klantId} bestaat niet.`);
  const body = pick(ctx, SCHEMA.machtiging, input);
  const errors: ApiError[] = [];
  if (!klant.relatiesoort.includes("Klant"))
    errors.push(biz("klant.id", `Relatie ${klant.relatiecode} (${klant.naam}) is geen klant.`, "RelatieIsGeenKlant"));
  const kenmerk = typeof body.kenmerk === "string" ? body.kenmerk.trim() : "";
  if (!kenmerk) errors.push(biz("kenmerk", "Kenmerk is verplicht.", "Verplicht"));
  else if (adm.doorlopendeIncassoMachtigingen.all().some((m) => String(m.kenmerk).toLowerCase() === kenmerk.toLowerCase()))
    errors.push(biz("kenmerk", `Kenmerk '${kenmerk}' is al in gebruik.`, "KenmerkInGebruik"));
  const afsluit = typeof body.afsluitDatum === "string" ? Date.parse(body.afsluitDatum) : NaN;
  if (Number.isNaN(afsluit)) errors.push(biz("afsluitDatum", "Afsluitdatum is verplicht.", "Verplicht"));
  if (errors.length) return bad(errors);
  const id = adm.newId();
  const entity: Entity = {
    ...body,
    id,
    uri: `/doorlopendeincassomachtigingen/${id}`,
    kenmerk,
    afsluitDatum: new Date(afsluit).toISOString(),
    klant: ref("relaties", klant.id),
  };
  delete entity.intrekkingsDatum;
  return ok(adm.doorlopendeIncassoMachtigingen.insert(entity));
}

/** Bookkeeper action: withdraw a machtiging as of today. */
export function trekIncassomachtigingIn(ctx: Ctx, id: string): Result<Entity> {
  const m = ctx.adm.doorlopendeIncassoMachtigingen.get(id);
  if (!m) return notFound(`Incassomachtiging ${id} bestaat niet.`);
  if (typeof m.intrekkingsDatum === "string")
    return bad([biz("intrekkingsDatum", "Deze incassomachtiging is al ingetrokken.", "AlIngetrokken")]);
  m.intrekkingsDatum = startOfDay(ctx.adm.now());
  ctx.adm.doorlopendeIncassoMachtigingen.changed();
  return ok(m);
}

// ---------------------------------------------------------------- artikelen

export function saveArtikel(ctx: Ctx, input: unknown, existingId?: string): Result<Artikel> {
  const { adm } = ctx;
  const existing = existingId ? adm.artikelen.get(existingId) : undefined;
  if (existingId && !existing) return notFound(`Artikel ${existingId} bestaat niet.`);
  const body = pick(ctx, ctx.seeding ? SCHEMA.artikelQuery : SCHEMA.artikel, input);
  const errors: ApiError[] = [];
  if (existing && typeof body.id === "string" && body.id.toLowerCase() !== existing.id)
    errors.push(biz("id", "Het id in de body komt niet overeen met het id in de url.", "IdMismatch"));
  const code = typeof body.artikelcode === "string" ? body.artikelcode.trim() : "";
  if (!code) errors.push(biz("artikelcode", "Artikelcode is verplicht.", "Verplicht"));
  else {
    const owner = adm.artikelcodes.get(code.toLowerCase());
    if (owner && owner !== existing?.id)
      errors.push(biz("artikelcode", `Artikelcode '${code}' is al in gebruik.`, "ArtikelcodeInGebruik"));
  }
  if (typeof body.omschrijving !== "string" || !body.omschrijving.trim())
    errors.push(biz("omschrijving", "Omschrijving is verplicht.", "Verplicht"));
  const groep = refId(body.artikelOmzetgroep);
  if (!groep) errors.push(biz("artikelOmzetgroep.id", "Artikelomzetgroep is verplicht.", "Verplicht"));
  else if (!adm.artikelomzetgroepen.has(groep))
    errors.push(biz("artikelOmzetgroep.id", `Artikelomzetgroep ${groep} bestaat niet.`, "BestaatNiet"));
  const relatie = refId(body.relatie);
  if (relatie && !adm.relaties.has(relatie))
    errors.push(biz("relatie.id", `Relatie ${relatie} bestaat niet.`, "BestaatNiet"));
  if (errors.length) return bad(errors);

  const id = existing?.id ?? seedId(ctx, body);
  const entity: JsonObject = {
    isHoofdartikel: false,
    subartikelen: [],
    ...body,
    id,
    uri: `/artikelen/${id}`,
    artikelcode: code,
    isNonActief: body.isNonActief === true,
    voorraadControle: body.voorraadControle === true,
    technischeVoorraad: existing?.technischeVoorraad ?? (typeof body.technischeVoorraad === "number" ? body.technischeVoorraad : 0),
    vrijeVoorraad: existing?.vrijeVoorraad ?? (typeof body.vrijeVoorraad === "number" ? body.vrijeVoorraad : 0),
    extraVelden: Array.isArray(body.extraVelden) ? body.extraVelden : [],
    modifiedOn: existing ? adm.stamp() : seedStamp(ctx, body),
  };
  setRef(entity, "artikelOmzetgroep", "artikelomzetgroepen");
  setRef(entity, "relatie", "relaties");
  const art = entity as Artikel;
  if (existing) {
    adm.artikelcodes.delete(existing.artikelcode.toLowerCase());
    adm.artikelen.replace(art);
  } else adm.artikelen.insert(art);
  adm.artikelcodes.set(code.toLowerCase(), id);
  return ok(adm.artikelen.get(id)!);
}

export function deleteArtikel(ctx: Ctx, id: string): Result<JsonObject> {
  const art = ctx.adm.artikelen.get(id);
  if (!art) return notFound(`Artikel ${id} bestaat niet.`);
  const inUse = ctx.adm.verkooporders
    .all()
    .some((o) => Array.isArray(o.regels) && o.regels.some((r) => refId(asObject(r).artikel) === art.id));
  if (inUse) return bad([biz("id", "Dit artikel wordt gebruikt in een verkooporder.", "InGebruik")]);
  ctx.adm.artikelen.delete(art.id);
  ctx.adm.artikelcodes.delete(art.artikelcode.toLowerCase());
  return ok({});
}

// ---------------------------------------------------------------- grootboeken

export function createGrootboek(ctx: Ctx, input: unknown): Result<Grootboek> {
  const { adm } = ctx;
  const body = pick(ctx, SCHEMA.grootboek, input);
  const errors: ApiError[] = [];
  if (typeof body.nummer !== "number") errors.push(biz("nummer", "Nummer is verplicht.", "Verplicht"));
  else if (adm.grootboeken.all().some((g) => g.nummer === body.nummer))
    errors.push(biz("nummer", `Grootboek ${body.nummer} bestaat al.`, "NummerInGebruik"));
  if (typeof body.omschrijving !== "string" || !body.omschrijving.trim())
    errors.push(biz("omschrijving", "Omschrijving is verplicht.", "Verplicht"));
  if (typeof body.rekeningCode !== "string")
    errors.push(biz("rekeningCode", "RekeningCode is verplicht (Balans of WinstEnVerlies).", "Verplicht"));
  if (errors.length) return bad(errors);
  const id = seedId(ctx, body);
  const entity: JsonObject = {
    kostenplaatsVerplicht: false,
    grootboekfunctie: "Diversen",
    btwSoort: [],
    rgsCode: [],
    ...body,
    id,
    uri: `/grootboeken/${id}`,
    nonactief: body.nonactief === true,
    modifiedOn: seedStamp(ctx, body),
  };
  return ok(adm.grootboeken.insert(entity as Grootboek));
}

// ---------------------------------------------------------------- verkoopboekingen

export function saveVerkoopboeking(ctx: Ctx, input: unknown, existingId?: string): Result<VerkoopBoeking> {
  const { adm, options } = ctx;
  const existing = existingId ? adm.verkoopboekingen.get(existingId) : undefined;
  if (existingId && !existing) return notFound(`Verkoopboeking ${existingId} bestaat niet.`);
  const raw = asObject(input);
  const body = pick(ctx, SCHEMA.verkoopboeking, input);
  const errors: ApiError[] = [];
  if (existing && typeof body.id === "string" && body.id.toLowerCase() !== existing.id)
    errors.push(biz("id", "Het id in de body komt niet overeen met het id in de url.", "IdMismatch"));

  const factuurnummer = typeof body.factuurnummer === "string" ? body.factuurnummer.trim() : "";
  if (!factuurnummer) errors.push(biz("factuurnummer", "Factuurnummer is verplicht.", "Verplicht"));
  else {
    const owner = adm.factuurnummers.get(factuurnummer.toLowerCase());
    if (owner && owner !== existing?.id)
      errors.push(
        biz(
          "factuurnummer",
          `Factuurnummer '${factuurnummer}' bestaat al in deze administratie (verkoopboeking ${owner}).`,
          "FactuurnummerBestaatAl",
        ),
      );
  }

  const klantId = refId(body.klant);
  const klant = klantId ? adm.relaties.get(klantId) : undefined;
  if (!klantId) errors.push(biz("klant.id", "Klant is verplicht.", "Verplicht"));
  else if (!klant) errors.push(biz("klant.id", `Klant ${klantId} bestaat niet.`, "KlantBestaatNiet"));
  else if (!klant.relatiesoort.includes("Klant"))
    errors.push(biz("klant.id", `Relatie ${klant.relatiecode} (${klant.naam}) is geen klant.`, "RelatieIsGeenKlant"));

  const regels = Array.isArray(body.boekingsregels) ? (body.boekingsregels as JsonObject[]) : [];
  if (regels.length === 0)
    errors.push(biz("boekingsregels", "Een verkoopboeking heeft minstens één boekingsregel.", "Verplicht"));
  regels.forEach((r, i) => {
    const g = refId(r.grootboek);
    if (!g) errors.push(biz(`boekingsregels[${i}].grootboek.id`, "Grootboek is verplicht.", "Verplicht"));
    else if (!adm.grootboeken.has(g))
      errors.push(biz(`boekingsregels[${i}].grootboek.id`, `Grootboek ${g} bestaat niet.`, "GrootboekBestaatNiet"));
  });

  const machtiging = refId(body.doorlopendeIncassoMachtiging);
  if (machtiging) {
    const m = adm.doorlopendeIncassoMachtigingen.get(machtiging);
    if (!m)
      errors.push(
        biz("doorlopendeIncassoMachtiging.id", `Incassomachtiging ${machtiging} bestaat niet.`, "BestaatNiet"),
      );
    else if (klantId && refId(m.klant) !== klantId)
      errors.push(
        biz("doorlopendeIncassoMachtiging.id", "De incassomachtiging hoort niet bij deze klant.", "MachtigingAndereKlant"),
      );
  }

  const regelTotaal = regels.reduce((s, r) => s + (typeof r.bedrag === "number" ? r.bedrag : 0), 0);
  const btw = Array.isArray(body.btw) ? (body.btw as JsonObject[]) : [];
  const btwTotaal = btw.reduce((s, r) => s + (typeof r.btwBedrag === "number" ? r.btwBedrag : 0), 0);
  const berekend = round2(regelTotaal + btwTotaal);
  let factuurbedrag = typeof body.factuurbedrag === "number" ? body.factuurbedrag : berekend;
  if (options.checkBalance && typeof body.factuurbedrag === "number" && Math.abs(body.factuurbedrag - berekend) > 0.005)
    errors.push(
      biz(
        "factuurbedrag",
        `De boeking is niet in balans: factuurbedrag ${body.factuurbedrag} ≠ boekingsregels ${round2(regelTotaal)} + btw ${round2(btwTotaal)}.`,
        "NietInBalans",
      ),
    );
  factuurbedrag = round2(factuurbedrag);
  if (errors.length) return bad(errors);

  const id = existing?.id ?? seedId(ctx, body);
  const stamp = existing ? adm.stamp() : seedStamp(ctx, body);
  const factuurdatum =
    typeof body.factuurdatum === "string" ? new Date(body.factuurdatum).toISOString() : startOfDay(adm.now());
  const betalingstermijn =
    typeof body.betalingstermijn === "number"
      ? body.betalingstermijn
      : typeof klant!.krediettermijn === "number"
        ? klant!.krediettermijn
        : options.defaultBetalingstermijn;
  const entity: JsonObject = {
    gewijzigdDoorAccountant: false,
    markering: false,
    ...body,
    id,
    uri: `/verkoopboekingen/${id}`,
    modifiedOn: stamp,
    factuurnummer,
    boekstuk: typeof body.boekstuk === "string" && body.boekstuk ? body.boekstuk : factuurnummer,
    factuurdatum,
    factuurbedrag,
    betalingstermijn,
    klant: ref("relaties", klantId!),
    boekingsregels: regels.map((r) => {
      const o: JsonObject = { ...r };
      setRef(o, "grootboek", "grootboeken");
      setRef(o, "kostenplaats", "kostenplaatsen");
      return o;
    }),
    btw,
    documents: documentRefs(ctx, id),
  };
  setRef(entity, "doorlopendeIncassoMachtiging", "doorlopendeincassomachtigingen");
  const boeking = entity as VerkoopBoeking;

  if (existing) {
    adm.factuurnummers.delete(existing.factuurnummer.toLowerCase());
    adm.verkoopboekingen.replace(boeking);
  } else adm.verkoopboekingen.insert(boeking);
  adm.factuurnummers.set(factuurnummer.toLowerCase(), id);

  // the verkoopfactuur follows its boeking
  const vervalDatum = new Date(Date.parse(factuurdatum) + betalingstermijn * 86_400_000).toISOString();
  const factuurId = adm.factuurByBoeking.get(id);
  const oud = factuurId ? adm.verkoopfacturen.get(factuurId) : undefined;
  const betaald = oud ? round2(oud.factuurBedrag - oud.openstaandSaldo) : 0;
  const seededSaldo = ctx.seeding && typeof raw.openstaandSaldo === "number" ? raw.openstaandSaldo : undefined;
  const fid =
    oud?.id ??
    (ctx.seeding
      ? typeof raw.verkoopfactuurId === "string"
        ? raw.verkoopfactuurId.toLowerCase()
        : derivedUuid(`verkoopfactuur:${id}`)
      : adm.newId());
  const factuur: Verkoopfactuur = {
    id: fid,
    uri: `/verkoopfacturen/${fid}`,
    verkoopBoeking: ref("verkoopboekingen", id),
    modifiedOn: stamp,
    openstaandSaldo: seededSaldo ?? round2(factuurbedrag - betaald),
    factuurnummer,
    vervalDatum,
    relatie: ref("relaties", klantId!),
    factuurDatum: factuurdatum,
    factuurBedrag: factuurbedrag,
    verkoopOrders: oud?.verkoopOrders ?? [],
  };
  if (oud) adm.verkoopfacturen.replace(factuur);
  else {
    adm.verkoopfacturen.insert(factuur);
    adm.factuurByBoeking.set(id, fid);
  }
  return ok(adm.verkoopboekingen.get(id)!);
}

export function deleteVerkoopboeking(ctx: Ctx, id: string): Result<JsonObject> {
  const { adm } = ctx;
  const b = adm.verkoopboekingen.get(id);
  if (!b) return notFound(`Verkoopboeking ${id} bestaat niet.`);
  adm.verkoopboekingen.delete(b.id);
  adm.factuurnummers.delete(b.factuurnummer.toLowerCase());
  const fid = adm.factuurByBoeking.get(b.id);
  if (fid) {
    adm.verkoopfacturen.delete(fid);
    adm.factuurByBoeking.delete(b.id);
  }
  for (const d of adm.documentsOf(b.id)) adm.documents.delete(d.id);
  adm.documentsByParent.delete(b.id);
  return ok({});
}

/** Bookkeeper action: register a payment (whole saldo when `bedrag` is absent). */
export function registreerBetaling(ctx: Ctx, factuurId: string, bedrag?: number): Result<Verkoopfactuur> {
  const f = ctx.adm.verkoopfacturen.get(factuurId);
  if (!f) return notFound(`Verkoopfactuur ${factuurId} bestaat niet.`);
  f.openstaandSaldo = bedrag === undefined ? 0 : round2(Math.max(0, f.openstaandSaldo - bedrag));
  f.modifiedOn = ctx.adm.stamp();
  ctx.adm.verkoopfacturen.changed();
  return ok(f);
}

/** A stable UUID (v5-style, SHA-1) so seeded verkoopfacturen keep their id across restarts. */
function derivedUuid(name: string): string {
  const b = createHash("sha1").update(name).digest();
  b[6] = (b[6]! & 0x0f) | 0x50;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const x = b.subarray(0, 16).toString("hex");
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

function startOfDay(d: Date): string {
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate())).toISOString();
}

// ---------------------------------------------------------------- documenten

export const DOCUMENT_TYPES: DocumentType[] = ["Verkoopboekingen", "Inkoopboekingen", "Relaties"];

export function normDocumentType(s: string): DocumentType | undefined {
  return DOCUMENT_TYPES.find((t) => t.toLowerCase() === s.toLowerCase());
}

function parentExists(ctx: Ctx, type: DocumentType, id: string): boolean {
  if (type === "Verkoopboekingen") return ctx.adm.verkoopboekingen.has(id);
  if (type === "Relaties") return ctx.adm.relaties.has(id);
  return false; // inkoopboekingen are not simulated
}

function refreshParentDocuments(ctx: Ctx, type: DocumentType, parentId: string): void {
  const parent: Entity | undefined =
    type === "Verkoopboekingen" ? ctx.adm.verkoopboekingen.get(parentId) : ctx.adm.relaties.get(parentId);
  if (!parent) return;
  parent.documents = documentRefs(ctx, parent.id);
  parent.modifiedOn = ctx.adm.stamp();
  if (type === "Verkoopboekingen") {
    ctx.adm.verkoopboekingen.changed();
    const fid = ctx.adm.factuurByBoeking.get(parent.id);
    const f = fid ? ctx.adm.verkoopfacturen.get(fid) : undefined;
    if (f) {
      f.modifiedOn = parent.modifiedOn;
      ctx.adm.verkoopfacturen.changed();
    }
  } else ctx.adm.relaties.changed();
}

export function uploadDocument(
  ctx: Ctx,
  typeRaw: string,
  input: unknown,
  existingId?: string,
): Result<{ id: string; uri: string }> {
  const { adm } = ctx;
  const existing = existingId ? adm.documents.get(existingId.toLowerCase()) : undefined;
  if (existingId && !existing) return notFound(`Document ${existingId} bestaat niet.`);
  const type = existing?.documentType ?? normDocumentType(typeRaw);
  if (!type)
    return bad([
      {
        kenmerk: "documenttype",
        message: `Onbekend documenttype '${typeRaw}'; toegestaan: ${DOCUMENT_TYPES.join(", ")}.`,
        errorCode: "Business.Ongeldig",
        location: "path",
      },
    ]);
  const body = pick(ctx, SCHEMA.documentContent, input);
  const errors: ApiError[] = [];
  const content = typeof body.content === "string" ? body.content : "";
  if (!content) errors.push(biz("content", "Content (base64) is verplicht.", "Verplicht"));
  const fileName = typeof body.fileName === "string" ? body.fileName.trim() : "";
  if (!fileName) errors.push(biz("fileName", "FileName is verplicht.", "Verplicht"));
  const parent = typeof body.parentIdentifier === "string" ? body.parentIdentifier.toLowerCase() : "";
  if (!parent) errors.push(biz("parentIdentifier", "ParentIdentifier is verplicht.", "Verplicht"));
  if (errors.length) return bad(errors);
  if (!parentExists(ctx, type, parent)) return notFound(`${type} ${parent} bestaat niet.`);
  if (existing && existing.parentIdentifier !== parent)
    return bad([biz("parentIdentifier", "Een document kan niet naar een andere parent worden verplaatst.", "Ongeldig")]);

  const id = existing?.id ?? adm.newId();
  const doc: StoredDocument = {
    id,
    documentType: type,
    parentIdentifier: parent,
    fileName,
    readOnly: body.readOnly === true,
    content,
    createdOn: existing?.createdOn ?? adm.now().toISOString(),
  };
  adm.documents.set(id, doc);
  if (!existing) {
    const list = adm.documentsByParent.get(parent) ?? [];
    list.push(id);
    adm.documentsByParent.set(parent, list);
  }
  refreshParentDocuments(ctx, type, parent);
  return ok({ id, uri: `/documenten/${id}` });
}

export function deleteDocument(ctx: Ctx, id: string): Result<JsonObject> {
  const d = ctx.adm.documents.get(id.toLowerCase());
  if (!d) return notFound(`Document ${id} bestaat niet.`);
  ctx.adm.documents.delete(d.id);
  const list = ctx.adm.documentsByParent.get(d.parentIdentifier) ?? [];
  ctx.adm.documentsByParent.set(
    d.parentIdentifier,
    list.filter((x) => x !== d.id),
  );
  refreshParentDocuments(ctx, d.documentType, d.parentIdentifier);
  return ok({});
}

// ---------------------------------------------------------------- verkooporders

function btwPercentage(ctx: Ctx, soort: string, datum: string): number {
  const t = Date.parse(datum);
  const match = ctx.adm.btwtarieven.find((b) => {
    if (b.btwSoort !== soort) return false;
    const van = typeof b.datumVanaf === "string" ? Date.parse(b.datumVanaf) : -Infinity;
    const tot = typeof b.datumTotEnMet === "string" ? Date.parse(b.datumTotEnMet) : Infinity;
    return t >= van && t <= tot;
  });
  return typeof match?.btwPercentage === "number" ? match.btwPercentage : 0;
}

export function saveVerkooporder(ctx: Ctx, input: unknown, existingId?: string): Result<Verkooporder> {
  const { adm } = ctx;
  const existing = existingId ? adm.verkooporders.get(existingId) : undefined;
  if (existingId && !existing) return notFound(`Verkooporder ${existingId} bestaat niet.`);
  const body = pick(ctx, SCHEMA.verkooporder, input);
  const errors: ApiError[] = [];
  if (existing && typeof body.id === "string" && body.id.toLowerCase() !== existing.id)
    errors.push(biz("id", "Het id in de body komt niet overeen met het id in de url.", "IdMismatch"));
  const relatieId = refId(body.relatie);
  const relatie = relatieId ? adm.relaties.get(relatieId) : undefined;
  if (!relatieId) errors.push(biz("relatie.id", "Relatie is verplicht.", "Verplicht"));
  else if (!relatie) errors.push(biz("relatie.id", `Relatie ${relatieId} bestaat niet.`, "BestaatNiet"));
  if (typeof body.datum !== "string") errors.push(biz("datum", "Datum is verplicht.", "Verplicht"));
  const sjabloon = refId(body.verkoopordersjabloon);
  if (sjabloon && !adm.verkoopordersjablonen.has(sjabloon))
    errors.push(biz("verkoopordersjabloon.id", `Verkoopordersjabloon ${sjabloon} bestaat niet.`, "BestaatNiet"));
  const machtiging = refId(body.incassomachtiging);
  if (machtiging) {
    const m = adm.doorlopendeIncassoMachtigingen.get(machtiging);
    if (!m) errors.push(biz("incassomachtiging.id", `Incassomachtiging ${machtiging} bestaat niet.`, "BestaatNiet"));
    else if (relatieId && refId(m.klant) !== relatieId)
      errors.push(biz("incassomachtiging.id", "De incassomachtiging hoort niet bij deze relatie.", "MachtigingAndereKlant"));
  }
  const regels = Array.isArray(body.regels) ? (body.regels as JsonObject[]) : [];
  regels.forEach((r, i) => {
    const a = refId(r.artikel);
    if (a && !adm.artikelen.has(a))
      errors.push(biz(`regels[${i}].artikel.id`, `Artikel ${a} bestaat niet.`, "BestaatNiet"));
  });
  let nummer: number;
  if (typeof body.nummer === "number") {
    nummer = body.nummer;
    const owner = adm.ordernummers.get(nummer);
    if (owner && owner !== existing?.id)
      errors.push(biz("nummer", `Ordernummer ${nummer} is al in gebruik.`, "NummerInGebruik"));
  } else nummer = existing ? existing.nummer : adm.maxOrdernummer + 1;
  if (errors.length) return bad(errors);

  const datum = new Date(body.datum as string).toISOString();
  const inclusief = body.verkooporderBtwIngaveModel === "Inclusief";
  let excl = 0;
  let incl = 0;
  const outRegels = regels.map((r) => {
    const o: JsonObject = { ...r };
    setRef(o, "artikel", "artikelen");
    const prijs = typeof r.stuksprijs === "number" ? r.stuksprijs : 0;
    const aantal = typeof r.aantal === "number" ? r.aantal : 0;
    const korting = typeof r.kortingsPercentage === "number" ? r.kortingsPercentage : 0;
    const totaal = typeof r.totaal === "number" ? r.totaal : round2(prijs * aantal * (1 - korting / 100));
    o.totaal = totaal;
    const art = refId(r.artikel) ? adm.artikelen.get(refId(r.artikel)!) : undefined;
    const groep = art ? adm.artikelomzetgroepen.get(refId(art.artikelOmzetgroep) ?? "") : undefined;
    const pct = groep ? btwPercentage(ctx, String(groep.verkoopNederlandBtwSoort ?? "Geen"), datum) : 0;
    if (inclusief) {
      incl += totaal;
      excl += totaal / (1 + pct / 100);
    } else {
      excl += totaal;
      incl += totaal * (1 + pct / 100);
    }
    return o;
  });
  const korting = typeof body.factuurkorting === "number" ? body.factuurkorting : 0;
  const id = existing?.id ?? seedId(ctx, body);
  const entity: JsonObject = {
    procesStatus: "Order",
    verkoopOrderStatus: "InBehandeling",
    verkooporderBtwIngaveModel: "Exclusief",
    geblokkeerd: false,
    ...body,
    id,
    uri: `/verkooporders/${id}`,
    nummer,
    datum,
    relatie: ref("relaties", relatieId!),
    regels: outRegels,
    totaalExclusiefBtw: round2(excl * (1 - korting / 100)),
    totaalInclusiefBtw: round2(incl * (1 - korting / 100)),
    modifiedOn: existing ? adm.stamp() : seedStamp(ctx, body),
  };
  if (typeof entity.krediettermijn !== "number" && typeof relatie!.krediettermijn === "number")
    entity.krediettermijn = relatie!.krediettermijn;
  setRef(entity, "verkoopordersjabloon", "verkoopordersjablonen");
  setRef(entity, "incassomachtiging", "doorlopendeincassomachtigingen");
  setRef(entity, "kostenplaats", "kostenplaatsen");
  setRef(entity, "verkoopfactuur", "verkoopfacturen");
  normAdres(entity, "afleveradres");
  normAdres(entity, "factuuradres");
  const order = entity as Verkooporder;
  if (existing) {
    adm.ordernummers.delete(existing.nummer);
    adm.verkooporders.replace(order);
  } else adm.verkooporders.insert(order);
  adm.ordernummers.set(nummer, id);
  if (nummer > adm.maxOrdernummer) adm.maxOrdernummer = nummer;
  adm.companyInfo.volgendVerkoopordernummer = adm.maxOrdernummer + 1;
  return ok(adm.verkooporders.get(id)!);
}

export function setProcesStatus(ctx: Ctx, id: string, input: unknown): Result<JsonObject> {
  const o = ctx.adm.verkooporders.get(id);
  if (!o) return notFound(`Verkooporder ${id} bestaat niet.`);
  const body = asObject(input);
  if (typeof body.procesStatus !== "string")
    return bad([biz("procesStatus", "ProcesStatus is verplicht.", "Verplicht")]);
  o.procesStatus = body.procesStatus;
  o.modifiedOn = ctx.adm.stamp();
  ctx.adm.verkooporders.changed();
  return ok({});
}

export function deleteVerkooporder(ctx: Ctx, id: string): Result<JsonObject> {
  const o = ctx.adm.verkooporders.get(id);
  if (!o) return notFound(`Verkooporder ${id} bestaat niet.`);
  ctx.adm.verkooporders.delete(o.id);
  ctx.adm.ordernummers.delete(o.nummer);
  return ok({});
}

// ---------------------------------------------------------------- read-only reference data (seed only)

export function insertPlain(ctx: Ctx, kind: keyof typeof PLAIN, input: unknown): Entity {
  const { schema, collection, uri } = PLAIN[kind];
  const body = pick(ctx, schema, input);
  const id = seedId(ctx, body);
  const entity = { ...body, id, uri: `/${uri}/${id}` } as Entity;
  for (const [k, kindOf] of Object.entries(REF_KINDS)) setRef(entity, k, kindOf);
  (ctx.adm[collection] as { insert(e: Entity): Entity }).insert(entity);
  return entity;
}

const REF_KINDS: Record<string, string> = {
  verkoopGrootboekNederlandIdentifier: "grootboeken",
  klant: "relaties",
};

const PLAIN = {
  artikelomzetgroep: { schema: SCHEMA.artikelomzetgroep, collection: "artikelomzetgroepen", uri: "artikelomzetgroepen" },
  dagboek: { schema: SCHEMA.dagboek, collection: "dagboeken", uri: "dagboeken" },
  sjabloon: { schema: SCHEMA.sjabloon, collection: "verkoopordersjablonen", uri: "verkoopordersjablonen" },
  machtiging: {
    schema: SCHEMA.machtiging,
    collection: "doorlopendeIncassoMachtigingen",
    uri: "doorlopendeincassomachtigingen",
  },
} as const;
