/**
 * Handlers of the simulated `/v2` operations, keyed by the spec's operationId.
 */
import {
  SCHEMA,
  deleteArtikel,
  deleteDocument,
  deleteRelatie,
  deleteVerkoopboeking,
  deleteVerkooporder,
  createGrootboek,
  normDocumentType,
  saveArtikel,
  saveRelatie,
  saveVerkoopboeking,
  saveVerkooporder,
  setProcesStatus,
  uploadDocument,
  type Ctx,
  type Result,
} from "./domain";
import { compileFilter, ODataError, type CompiledFilter } from "./odata";
import type { Collection } from "./collection";
import type { ApiError, Entity, JsonObject, JsonValue } from "./types";
import { pickKnown } from "./spec";

/** SnelStart's country list is fixed reference data; these are the countries the sandbox needs. */
export const LANDEN = [
  ["Nederland", "NL", "1"],
  ["België", "BE", "2"],
  ["Duitsland", "DE", "3"],
  ["Frankrijk", "FR", "4"],
  ["Luxemburg", "LU", "5"],
  ["Noorwegen", "NO", "6"],
  ["Verenigd Koninkrijk", "GB", "7"],
].map(([naam, iso, n]) => ({
  id: `0f1a2b3c-0000-4000-8000-${n.padStart(12, "0")}`,
  naam,
  landcodeISO: iso,
  landcode: iso,
  uri: `/landen/0f1a2b3c-0000-4000-8000-${n.padStart(12, "0")}`,
}));

export interface ApiResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface ListOptions {
  /** Page size when `$top` is absent (capped by the operation's spec maximum). */
  defaultTop: number;
  /** Largest page served; a larger valid `$top` is clamped. */
  maxTop: number;
}

export interface ApiCtx extends Ctx {
  params: Record<string, string>;
  query: Record<string, string>;
  body: unknown;
  list: ListOptions;
  /** The operation's `$top` schema maximum/default from the spec. */
  topSchema?: { maximum?: number; default?: number };
}

type Handler = (c: ApiCtx) => ApiResponse;

const json = (status: number, body: unknown): ApiResponse => ({ status, body });
export const notFoundBody = (message: string) => ({ statusCode: 404, message });

function fromResult<T>(r: Result<T>, status = 200, map?: (v: T) => unknown): ApiResponse {
  if (r.ok) return json(status, map ? map(r.value) : r.value);
  if (r.status === 404) return json(404, notFoundBody(r.message));
  return json(400, r.errors);
}

function odataError(message: string, kenmerk = "$filter"): ApiResponse {
  const e: ApiError = { kenmerk, message, errorCode: "OData.Ongeldig", location: "query" };
  return json(400, [e]);
}

function listPage<T extends Entity>(
  c: ApiCtx,
  coll: Collection<T>,
  itemSchema: string,
  where?: (e: T) => boolean,
  map?: (e: T) => unknown,
): ApiResponse {
  const specMax = c.topSchema?.maximum ?? Infinity;
  const skip = c.query.$skip !== undefined ? Number(c.query.$skip) : 0;
  const top = Math.min(
    c.query.$top !== undefined ? Number(c.query.$top) : Math.min(c.list.defaultTop, specMax),
    c.list.maxTop,
  );
  let filter: CompiledFilter | undefined;
  if (c.query.$filter !== undefined && c.query.$filter.trim() !== "") {
    const props = Object.keys((c.spec.schema(itemSchema).properties ?? {}) as JsonObject);
    try {
      filter = compileFilter(c.query.$filter, props);
    } catch (e) {
      if (e instanceof ODataError) return odataError(`$filter: ${e.message}`);
      throw e;
    }
  }
  const rows = coll.page({ skip, top, filter, filterKey: filter ? c.query.$filter : undefined, where });
  return json(200, map ? rows.map(map) : rows);
}

function byId<T extends Entity>(c: ApiCtx, coll: Collection<T>, what: string, map?: (e: T) => unknown): ApiResponse {
  const e = coll.get(c.params.id ?? "");
  if (!e) return json(404, notFoundBody(`${what} ${c.params.id} bestaat niet.`));
  return json(200, map ? map(e) : e);
}

/** POST/PUT of artikelen answer ArtikelModel (without the query-only fields). */
function artikelModel(e: Entity): JsonObject {
  const { isHoofdartikel: _h, subartikelen: _s, ...rest } = e;
  return rest;
}

function relatieExists(c: ApiCtx): ApiResponse | undefined {
  if (!c.adm.relaties.has(c.params.id ?? "")) return json(404, notFoundBody(`Relatie ${c.params.id} bestaat niet.`));
  return undefined;
}

const refIdOf = (v: JsonValue | undefined): string | undefined =>
  v && typeof v === "object" && !Array.isArray(v) && typeof v.id === "string" ? v.id.toLowerCase() : undefined;

export const handlers: Record<string, Handler> = {
  // relaties
  "v2-relaties-GET-OData": (c) => listPage(c, c.adm.relaties, SCHEMA.relatie),
  "v2-relaties-POST": (c) => fromResult(saveRelatie(c, c.body), 201),
  "v2-relaties-id-GET": (c) => byId(c, c.adm.relaties, "Relatie"),
  "v2-relaties-id-PUT": (c) => fromResult(saveRelatie(c, c.body, c.params.id)),
  "v2-relaties-id-DELETE": (c) => fromResult(deleteRelatie(c, c.params.id!)),
  "v2-relaties-id-verkoopboekingen-GET": (c) =>
    relatieExists(c) ??
    json(
      200,
      c.adm.verkoopboekingen.all().filter((b) => b.klant.id === c.params.id!.toLowerCase()),
    ),
  "v2-relaties-id-doorlopendeincassomachtigingen-GET": (c) =>
    relatieExists(c) ??
    json(
      200,
      c.adm.doorlopendeIncassoMachtigingen.all().filter((m) => refIdOf(m.klant) === c.params.id!.toLowerCase()),
    ),

  // artikelen
  "v2-artikelen-GET-OData": (c) => {
    if (c.query.relatieId && !c.adm.relaties.has(c.query.relatieId))
      return json(404, notFoundBody(`Relatie ${c.query.relatieId} bestaat niet.`));
    return listPage(c, c.adm.artikelen, SCHEMA.artikelQuery);
  },
  "v2-artikelen-POST": (c) => fromResult(saveArtikel(c, c.body), 201, artikelModel),
  "v2-artikelen-id-GET": (c) => {
    if (c.query.relatieId && !c.adm.relaties.has(c.query.relatieId))
      return json(404, notFoundBody(`Relatie ${c.query.relatieId} bestaat niet.`));
    return byId(c, c.adm.artikelen, "Artikel");
  },
  "v2-artikelen-id-PUT": (c) => fromResult(saveArtikel(c, c.body, c.params.id), 200, artikelModel),
  "v2-artikelen-id-DELETE": (c) => fromResult(deleteArtikel(c, c.params.id!)),

  // reference data
  "v2-artikelomzetgroepen-GET": (c) => json(200, c.adm.artikelomzetgroepen.all()),
  "v2-artikelomzetgroepen-id-GET": (c) => byId(c, c.adm.artikelomzetgroepen, "Artikelomzetgroep"),
  "v2-grootboeken-GET-OData": (c) => listPage(c, c.adm.grootboeken, SCHEMA.grootboek),
  "v2-grootboeken-POST": (c) => fromResult(createGrootboek(c, c.body), 201),
  "v2-grootboeken-id-GET": (c) => byId(c, c.adm.grootboeken, "Grootboek"),
  "v2-dagboeken-GET": (c) => json(200, c.adm.dagboeken.all()),
  "v2-btwtarieven-GET": (c) => json(200, c.adm.btwtarieven),
  "v2-landen-GET": () => json(200, LANDEN),
  "v2-landen-id-GET": (c) => {
    const land = LANDEN.find((l) => l.id === c.params.id);
    return land ? json(200, land) : json(404, notFoundBody(`Land ${c.params.id} bestaat niet.`));
  },
  "v2-companyInfo-GET": (c) => json(200, c.adm.companyInfo),
  "v2-companyInfo-PUT": (c) => {
    // the spec: only FactureerBuitenlandsBtw can be updated
    const body = (pickKnown(c.spec.schema(SCHEMA.companyInfo), c.body) ?? {}) as JsonObject;
    if (typeof body.factureerBuitenlandsBtw === "boolean")
      c.adm.companyInfo.factureerBuitenlandsBtw = body.factureerBuitenlandsBtw;
    if (Array.isArray(body.factureerBuitenlandsBtwRanges))
      c.adm.companyInfo.factureerBuitenlandsBtwRanges = body.factureerBuitenlandsBtwRanges;
    return json(200, c.adm.companyInfo);
  },
  "v2-verkoopordersjablonen-GET": (c) => json(200, c.adm.verkoopordersjablonen.all()),
  "v2-verkoopordersjablonen-id-GET": (c) => byId(c, c.adm.verkoopordersjablonen, "Verkoopordersjabloon"),

  // verkoopboekingen / verkoopfacturen
  "v2-verkoopboekingen-POST": (c) => fromResult(saveVerkoopboeking(c, c.body), 201),
  "v2-verkoopboekingen-id-GET": (c) => byId(c, c.adm.verkoopboekingen, "Verkoopboeking"),
  "v2-verkoopboekingen-id-PUT": (c) => fromResult(saveVerkoopboeking(c, c.body, c.params.id)),
  "v2-verkoopboekingen-id-DELETE": (c) => fromResult(deleteVerkoopboeking(c, c.params.id!)),
  "v2-verkoopfacturen-GET-OData": (c) => listPage(c, c.adm.verkoopfacturen, SCHEMA.verkoopfactuur),
  "v2-verkoopfacturen-id-GET": (c) => byId(c, c.adm.verkoopfacturen, "Verkoopfactuur"),

  // documenten
  "v2-documenten-documenttype-POST": (c) => fromResult(uploadDocument(c, c.params.documenttype!, c.body)),
  "v2-documenten-documenttype-pid-GET": (c) => {
    const type = normDocumentType(c.params.documenttype!);
    if (!type)
      return json(400, [
        {
          kenmerk: "documenttype",
          message: `Onbekend documenttype '${c.params.documenttype}'.`,
          errorCode: "Business.Ongeldig",
          location: "path",
        } satisfies ApiError,
      ]);
    const pid = c.params.pid!.toLowerCase();
    const exists = type === "Verkoopboekingen" ? c.adm.verkoopboekingen.has(pid) : type === "Relaties" ? c.adm.relaties.has(pid) : false;
    if (!exists) return json(404, notFoundBody(`${type} ${pid} bestaat niet.`));
    return json(
      200,
      c.adm.documentsOf(pid).map((d) =>
        type === "Verkoopboekingen"
          ? { verkoopBoekingId: pid, fileName: d.fileName, readOnly: d.readOnly, id: d.id, uri: `/documenten/${d.id}` }
          : { parentIdentifier: pid, fileName: d.fileName, readOnly: d.readOnly, id: d.id, uri: `/documenten/${d.id}` },
      ),
    );
  },
  "v2-documenten-id-GET": (c) => {
    const d = c.adm.documents.get(c.params.id!.toLowerCase());
    if (!d) return json(404, notFoundBody(`Document ${c.params.id} bestaat niet.`));
    return json(200, {
      content: d.content,
      parentIdentifier: d.parentIdentifier,
      fileName: d.fileName,
      readOnly: d.readOnly,
      id: d.id,
      uri: `/documenten/${d.id}`,
    });
  },
  "v2-documenten-id-PUT": (c) => fromResult(uploadDocument(c, "", c.body, c.params.id)),
  "v2-documenten-id-DELETE": (c) => fromResult(deleteDocument(c, c.params.id!)),

  // verkooporders
  "v2-verkooporders-GET-OData": (c) => listPage(c, c.adm.verkooporders, SCHEMA.verkooporder),
  "v2-verkooporders-POST": (c) => fromResult(saveVerkooporder(c, c.body), 201),
  "v2-verkooporders-id-GET": (c) => byId(c, c.adm.verkooporders, "Verkooporder"),
  "v2-verkooporders-id-PUT": (c) => fromResult(saveVerkooporder(c, c.body, c.params.id)),
  "v2-verkooporders-id-DELETE": (c) => fromResult(deleteVerkooporder(c, c.params.id!), 201),
  "v2-verkooporders-id-ProcesStatus-PUT": (c) => fromResult(setProcesStatus(c, c.params.id!, c.body)),
};
