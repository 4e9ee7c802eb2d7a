/**
 * Test hooks under /__admin (no authentication; the simulator binds to
 * 127.0.0.1). See README.md for the list.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { z } from "zod";
import { ConflictError, type SimulatorState } from "./simulator";
import { registreerBetaling, saveArtikel, saveRelatie, type Ctx } from "./domain";
import { FaultConfigSchema } from "./faults";
import { AdministratieSeedSchema, SeedError } from "./seed";
import { mediaType, redirect, sendBytes, sendJson } from "../../shared/http";
import { handleUi } from "./ui";
import { UI_ROOT } from "../../shared/ui-layout";
import { href } from "./ui/layout";
import type { JsonObject } from "./types";

function parseBody(req: IncomingMessage, body: Buffer): unknown {
  if (body.length === 0) return undefined;
  const text = body.toString("utf8");
  if (mediaType(req) === "application/x-www-form-urlencoded") return Object.fromEntries(new URLSearchParams(text));
  return JSON.parse(text);
}

const GenerateSchema = z
  .object({
    administratie: z.string().optional(),
    relaties: z.number().int().min(0).max(1_000_000).default(0),
    artikelen: z.number().int().min(0).max(1_000_000).default(0),
    seed: z.number().int().default(42),
    /** stamp the records' modifiedOn evenly over this many past days instead of now, as an administration built up over time */
    spreadOverDays: z.number().positive().max(36_500).optional(),
    /** stamp every record with this one past instant instead, as one bulk change would */
    modifiedOn: z.iso.datetime({ offset: true }).optional(),
  })
  .strict()
  .refine((o) => !(o.spreadOverDays !== undefined && o.modifiedOn !== undefined), { message: "give spreadOverDays or modifiedOn, not both", path: ["modifiedOn"] })
  .refine((o) => o.modifiedOn === undefined || Date.parse(o.modifiedOn) <= Date.now(), { message: "modifiedOn must not be in the future", path: ["modifiedOn"] });

export async function handleAdmin(
  state: SimulatorState,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  raw: Buffer,
): Promise<void> {
  const method = req.method ?? "GET";
  const path = url.pathname.replace(/\/+$/, "") || "/__admin";
  const json = (status: number, b: unknown, headers?: Record<string, string>) => {
    state.countStatus(status);
    sendJson(res, status, b, headers);
  };
  if (path === "/__admin" && method === "GET") {
    state.countStatus(303);
    return redirect(res, UI_ROOT);
  }
  if ((path === UI_ROOT || path.startsWith(`${UI_ROOT}/`)) && handleUi(state, req, res, url, raw)) return;
  let body: unknown;
  try {
    body = parseBody(req, raw);
  } catch (e) {
    return json(400, { message: `Ongeldige JSON: ${(e as Error).message}` });
  }
  const admParam = url.searchParams.get("administratie");

  try {
    if (path === "/__admin/faults") {
      if (method === "GET") return json(200, state.faults.config);
      if (method === "POST" || method === "PUT") {
        const parsed = FaultConfigSchema.safeParse(body ?? {});
        if (!parsed.success) return json(400, { message: parsed.error.message });
        return json(200, state.setFaults(parsed.data));
      }
    }

    if (path === "/__admin/reset" && method === "POST") {
      try {
        state.reset(body === undefined || (typeof body === "object" && body && Object.keys(body).length === 0) ? undefined : body);
      } catch (e) {
        return json(400, { message: (e as Error).message });
      }
      return json(200, { ok: true, administraties: [...state.administraties.values()].map((a) => a.summary()) });
    }

    if (path === "/__admin/state" && method === "GET") {
      const withContent = url.searchParams.get("content") === "1";
      if (admParam) {
        const adm = state.find(admParam);
        if (!adm) return json(404, { message: `Administratie '${admParam}' niet gevonden.` });
        return json(200, adm.dump(withContent));
      }
      return json(200, { administraties: [...state.administraties.values()].map((a) => a.dump(withContent)) });
    }

    if (path === "/__admin/stats" && method === "GET") return json(200, state.stats);
    if (path === "/__admin/stats/reset" && method === "POST") {
      state.resetStats();
      return json(200, state.stats);
    }

    if (path === "/__admin/administraties") {
      if (method === "GET")
        return json(
          200,
          [...state.administraties.values()].map((a) => ({ ...a.summary(), password: a.password })),
        );
      if (method === "POST") {
        const parsed = AdministratieSeedSchema.safeParse(body ?? {});
        if (!parsed.success) return json(400, { message: parsed.error.message });
        try {
          const adm = state.addAdministratie(parsed.data);
          return json(201, { ...adm.summary(), password: adm.password });
        } catch (e) {
          if (e instanceof ConflictError) return json(409, { message: e.message });
          if (e instanceof SeedError) return json(400, { message: e.message });
          throw e;
        }
      }
    }

    const betaald = /^\/__admin\/verkoopfacturen\/([^/]+)\/betaald$/.exec(path);
    if (betaald && method === "POST") {
      const id = decodeURIComponent(betaald[1]!);
      const adm = state.findFactuur(id);
      const isForm = mediaType(req) === "application/x-www-form-urlencoded";
      if (!adm) return json(404, { message: `Verkoopfactuur ${id} bestaat niet.` });
      const b = (body ?? {}) as Record<string, unknown>;
      const bedragRaw = b.bedrag;
      const bedrag =
        bedragRaw === undefined || bedragRaw === "" ? undefined : Number(String(bedragRaw).replace(",", "."));
      if (bedrag !== undefined && (!Number.isFinite(bedrag) || bedrag <= 0))
        return json(400, { message: "bedrag moet een positief getal zijn." });
      const ctx: Ctx = { adm, spec: state.spec, options: state.config.domain };
      const r = registreerBetaling(ctx, id, bedrag);
      if (!r.ok) return json(404, { message: "Verkoopfactuur niet gevonden." });
      if (isForm) {
        state.countStatus(303);
        // back to the page the form was on: the boeking, or the list of facturen
        const back = b.terug === "boeking" ? `/verkoopboekingen/${r.value.verkoopBoeking.id}` : "";
        return redirect(res, href(adm, back, { melding: "betaald" }));
      }
      return json(200, r.value);
    }

    const doc = /^\/__admin\/documenten\/([^/]+)$/.exec(path);
    if (doc && method === "GET") {
      const id = decodeURIComponent(doc[1]!).toLowerCase();
      for (const adm of state.administraties.values()) {
        const d = adm.documents.get(id);
        if (!d) continue;
        const type = /\.pdf$/i.test(d.fileName) ? "application/pdf" : "application/octet-stream";
        state.countStatus(200);
        return sendBytes(res, 200, Buffer.from(d.content, "base64"), type, d.fileName, "inline");
      }
      return json(404, { message: `Document ${id} bestaat niet.` });
    }

    if (path === "/__admin/generate" && method === "POST") {
      const parsed = GenerateSchema.safeParse(body ?? {});
      if (!parsed.success) return json(400, { message: parsed.error.message });
      const adm = state.find(parsed.data.administratie);
      if (!adm) return json(404, { message: "Administratie niet gevonden." });
      const result = await generate(state, adm.id, parsed.data);
      return json(200, result);
    }

    return json(404, { message: `Onbekende admin-route ${method} ${path}` });
  } catch (e) {
    if (e instanceof SeedError) return json(400, { message: e.message });
    throw e;
  }
}

/** Bulk data for load tests (faker, deterministic per seed). */
async function generate(
  state: SimulatorState,
  admId: string,
  opts: { relaties: number; artikelen: number; seed: number; spreadOverDays?: number; modifiedOn?: string },
): Promise<JsonObject> {
  const { Faker, nl, en, base } = await import("@faker-js/faker");
  const faker = new Faker({ locale: [nl, en, base] });
  faker.seed(opts.seed);
  const adm = state.administraties.get(admId)!;
  // seeding mode keeps a given modifiedOn; the oldest record first, the newest a day ago
  const ctx: Ctx = { adm, spec: state.spec, options: state.config.domain, seeding: opts.spreadOverDays !== undefined || opts.modifiedOn !== undefined };
  const started = Date.now();
  const total = opts.relaties + opts.artikelen;
  const stampOf = (n: number) =>
    opts.modifiedOn !== undefined
      ? { modifiedOn: opts.modifiedOn }
      : opts.spreadOverDays === undefined
        ? {}
        : { modifiedOn: new Date(started - 86_400_000 * (1 + opts.spreadOverDays * (1 - n / total))).toISOString() };
  for (let i = 0; i < opts.relaties; i++) {
    const r = saveRelatie(ctx, {
      ...stampOf(i),
      relatiesoort: [i % 5 === 4 ? "Leverancier" : "Klant"],
      naam: faker.company.name().slice(0, 50),
      vestigingsAdres: {
        straat: faker.location.streetAddress(),
        postcode: faker.location.zipCode("#### ??"),
        plaats: faker.location.city(),
      },
      email: faker.internet.email(),
      telefoon: faker.phone.number(),
      nonactief: i % 50 === 49,
    });
    if (!r.ok) throw new Error("generate relatie failed");
  }
  const groep = adm.artikelomzetgroepen.all()[0];
  for (let i = 0; i < opts.artikelen && groep; i++) {
    const r = saveArtikel(ctx, {
      ...stampOf(opts.relaties + i),
      artikelcode: `GEN-${opts.seed}-${adm.artikelen.size + 1}`,
      omschrijving: faker.commerce.productName(),
      artikelOmzetgroep: { id: groep.id },
      verkoopprijs: Number(faker.commerce.price()),
      eenheid: "stuk",
    });
    if (!r.ok) throw new Error("generate artikel failed");
  }
  return {
    administratie: adm.id,
    relaties: adm.relaties.size,
    artikelen: adm.artikelen.size,
    ms: Date.now() - started,
  };
}
