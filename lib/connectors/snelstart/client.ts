/**
 * Typed client for the SnelStart B2B API v2, written from the OpenAPI spec
 * (shared/vendor-api/snelstart-b2b-v2.openapi.yaml → api.d.ts).
 *
 * openapi-fetch builds the requests from the generated `paths`; a custom `fetch` underneath
 * sends them through lib/http (bearer token cached and fetched by one caller at a time, timeouts,
 * retries with backoff) with the subscription key, and maps failures to the typed errors in
 * errors.ts. Each answer the app uses is then checked with a zod schema (responses.ts) before it
 * is handed back with its generated type.
 */
import createClient from "openapi-fetch";
import { z } from "zod";
import { makeRedactor, type RequestLine } from "@/lib/http/errors";
import type { RequestBudget } from "@/lib/http/request-budget";
import { sendWithRetries, type Call, type Outcome, type RetryPolicy } from "@/lib/http/retry";
import { parseRetryAfter } from "@/lib/http/retry-after";
import { createTokenCache } from "@/lib/http/token-cache";
import { bodyText, createTransport, type HttpAnswer } from "@/lib/http/transport";
import type { paths } from "./api";
import {
  SnelStartApiError,
  SnelStartAuthError,
  SnelStartError,
  SnelStartForbiddenError,
  SnelStartNetworkError,
  SnelStartNotFoundError,
  SnelStartRateLimitError,
  SnelStartResponseError,
  SnelStartServerError,
  SnelStartTimeoutError,
  SnelStartValidationError,
  extractVendorMessages,
} from "./errors";
import { and, eqInt, eqString, modifiedSinceFilter } from "./odata";
import * as R from "./responses";
import type {
  ArtikelModel,
  ArtikelOmzetGroepModel,
  ArtikelQueryModel,
  BtwTariefModel,
  CompanyInfoModel,
  DagboekModel,
  DocumentIdentifierModel,
  DoorlopendeIncassoMachtigingModel,
  GrootboekModel,
  LandModel,
  RelatieModel,
  RelatieWriteModel,
  VerkoopBoekingBijlageReferenceModel,
  VerkoopBoekingModel,
  VerkoopfactuurModel,
  VerkoopOrderModel,
  VerkoopOrderSjabloonModel,
  WithId,
} from "./types";

export const DEFAULT_API_BASE_URL = "https://b2bapi.snelstart.nl/v2";
export const DEFAULT_AUTH_URL = "https://auth.snelstart.nl/b2b/token";

export type SnelStartCredentials =
  | { kind: "clientkey"; clientKey: string }
  | { kind: "password"; username: string; password: string };

export interface SnelStartRequestInfo {
  method: string;
  /** path below the API base ("/relaties"), or the token URL's path for `kind: "token"` */
  path: string;
  /** HTTP status; 0 when no response came (network error, timeout) */
  status: number;
  /** 1 for the first send of this call, 2 for the first retry, … */
  attempt: number;
  kind: "api" | "token";
}

export interface SnelStartClientConfig {
  apiBaseUrl?: string;
  authUrl?: string;
  subscriptionKey: string;
  credentials: SnelStartCredentials;
  /** the transport; by default node:http(s) over kept-alive connections (lib/http/transport) */
  fetch?: typeof fetch;
  /** retries after the first attempt for 429, 5xx, network errors and GET timeouts (default 5) */
  maxRetries?: number;
  /** called after every HTTP exchange, for call counting and the sync log; must not throw */
  onRequest?: (info: SnelStartRequestInfo) => void;
  /** waits between retries; injectable so tests run without real delays */
  sleep?: (ms: number) => Promise<void>;
  /** per attempt, including reading the body (default 30000) */
  timeoutMs?: number;
  /**
   * Longest Retry-After the client waits in-process (default 60000). A longer one is thrown
   * as SnelStartRateLimitError with `retryAfterMs`, for the job to reschedule itself.
   */
  maxRetryAfterMs?: number;
  /**
   * The budget the calls SnelStart counts together draw from: every exchange, token requests and
   * retries included, takes one request from it first. Without one, calls only slow down after a 429.
   */
  budget?: RequestBudget;
  /** clock for the token cache and HTTP-date Retry-After (tests) */
  now?: () => number;
  /** jitter source in [0,1) (tests) */
  random?: () => number;
}

export interface PageOptions {
  /** only records with modifiedOn after this instant (see odata.ts for the literal) */
  modifiedSince?: Date | string;
  top: number;
  skip: number;
  /** extra OData $filter clause, and-ed with modifiedSince */
  filter?: string;
}

export interface IterateOptions {
  modifiedSince?: Date | string;
  pageSize: number;
  /** resume an interrupted import at this offset */
  startSkip?: number;
}

export type Relatie = WithId<RelatieModel>;

/** A page whose malformed records were set aside; `size` counts them all, for paging. */
export type CheckedPage<T> = { items: T[]; rejected: Array<{ id: string | null; field: string; issue: string }>; size: number };
export type Artikel = WithId<ArtikelQueryModel>;
export type Verkoopboeking = WithId<VerkoopBoekingModel>;
export type Verkoopfactuur = WithId<VerkoopfactuurModel>;
export type Verkooporder = WithId<VerkoopOrderModel>;

const RETRY_BASE_MS = 500;
const RETRY_CAP_MS = 30_000;
/** Page size for reference lists (grootboeken) that are read whole. */
const REFERENCE_PAGE_SIZE = 500;

export function createSnelStartClient(config: SnelStartClientConfig) {
  const apiBaseUrl = (config.apiBaseUrl ?? DEFAULT_API_BASE_URL).replace(/\/+$/, "");
  const authUrl = config.authUrl ?? DEFAULT_AUTH_URL;
  const basePath = new URL(apiBaseUrl).pathname.replace(/\/+$/, "");
  const maxRetries = Math.max(0, config.maxRetries ?? 5);
  const timeoutMs = config.timeoutMs ?? 30_000;
  const now = config.now ?? Date.now;
  const creds = config.credentials;
  const redact = makeRedactor([
    config.subscriptionKey,
    creds.kind === "clientkey" ? creds.clientKey : creds.password,
    creds.kind === "password" ? creds.username : null,
  ]);
  const vendorMessages = (body: string) => extractVendorMessages(redact(body)).map(redact);

  const retryPolicy: RetryPolicy = {
    transport: createTransport({ timeoutMs, fetch: config.fetch }),
    maxRetries,
    backoff: { baseMs: RETRY_BASE_MS, capMs: RETRY_CAP_MS, random: config.random ?? Math.random },
    maxRetryAfterMs: config.maxRetryAfterMs ?? 60_000,
    budget: config.budget,
    sleep: config.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms))),
    now,
  };

  /** Sends through lib/http's retries, reporting every exchange to `onRequest`. */
  function send(ctx: RequestLine, kind: SnelStartRequestInfo["kind"], call: Omit<Call, "onExchange">) {
    return sendWithRetries(retryPolicy, { ...call, onExchange: (status, attempt) => config.onRequest?.({ ...ctx, status, attempt, kind }) });
  }

  // ---------------------------------------------------------------- token

  const tokenCtx: RequestLine = { method: "POST", path: new URL(authUrl).pathname };
  const tokens = createTokenCache(requestToken, now);

  async function requestToken(): Promise<{ accessToken: string; expiresInSeconds: number }> {
    const form = new URLSearchParams(
      creds.kind === "clientkey"
        ? { grant_type: "clientkey", clientkey: creds.clientKey }
        : { grant_type: "password", username: creds.username, password: creds.password },
    );
    const outcome = await send(tokenCtx, "token", {
      request: {
        method: "POST",
        url: authUrl,
        headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
        body: form.toString(),
      },
      // asking for a token twice is harmless
      repeatable: true,
    });
    if (outcome.kind === "unanswered") {
      throw outcome.timedOut
        ? new SnelStartTimeoutError(tokenCtx, timeoutMs, false)
        : new SnelStartNetworkError(`Could not reach the SnelStart token endpoint: ${describe(outcome.error)}`, tokenCtx, false, outcome.error);
    }
    const res = outcome.answer;
    if (res.status >= 200 && res.status < 300) {
      const parsed = parseJsonBody(bodyText(res), tokenCtx, res.status, false, res.headers);
      const token = validate(R.token, parsed, tokenCtx, res.status, false);
      return { accessToken: token.access_token, expiresInSeconds: token.expires_in };
    }
    if (res.status === 400 || res.status === 401 || res.status === 403) {
      throw new SnelStartAuthError(res.status, vendorMessages(bodyText(res)), tokenCtx);
    }
    throw statusError(outcome, tokenCtx);
  }

  function statusError({ answer, mayHaveSucceeded }: Extract<Outcome, { kind: "answered" }>, ctx: RequestLine): SnelStartError {
    const messages = vendorMessages(bodyText(answer));
    switch (answer.status) {
      case 400:
        return new SnelStartValidationError(messages, ctx);
      case 403:
        return new SnelStartForbiddenError(messages, ctx);
      case 404:
        return new SnelStartNotFoundError(messages, ctx);
      case 429:
        return new SnelStartRateLimitError(messages, ctx, parseRetryAfter(answer.headers.get("retry-after"), now()));
    }
    if (answer.status >= 500) return new SnelStartServerError(answer.status, messages, ctx, mayHaveSucceeded);
    return new SnelStartApiError(answer.status, messages, ctx);
  }

  // ---------------------------------------------------------------- API transport

  /** The fetch openapi-fetch calls: auth, subscription key, retries, typed errors. */
  async function apiFetch(request: Request): Promise<Response> {
    const method = request.method.toUpperCase();
    const ctx: RequestLine = { method, path: apiPath(request.url) };
    const isWrite = method !== "GET" && method !== "HEAD";
    // Read the body once: a Request body cannot be replayed, the bytes can.
    const body = isWrite ? new Uint8Array(await request.arrayBuffer()) : undefined;
    const headers = Object.fromEntries(request.headers);
    headers["ocp-apim-subscription-key"] = config.subscriptionKey;
    headers.accept = "application/json";
    const outcome = await send(ctx, "api", {
      request: { method, url: request.url, headers, body: body?.byteLength ? body : undefined, signal: request.signal },
      // a write that may have reached SnelStart is never repeated blindly: it could book twice
      repeatable: !isWrite,
      tokens,
    });
    if (outcome.kind === "unanswered") {
      const { error, mayHaveSucceeded } = outcome;
      throw outcome.timedOut
        ? new SnelStartTimeoutError(ctx, timeoutMs, mayHaveSucceeded)
        : new SnelStartNetworkError(
            `SnelStart ${method} ${ctx.path} failed: ${describe(error)}` +
              (mayHaveSucceeded ? " (the write may have been applied; look it up before retrying)" : ""),
            ctx,
            mayHaveSucceeded,
            error,
          );
    }
    const res = outcome.answer;
    const text = bodyText(res);
    // still 401 with a token fetched anew
    if (res.status === 401) throw new SnelStartAuthError(401, vendorMessages(text), ctx);
    if (res.status >= 200 && res.status < 300) {
      const parsed = parseJsonBody(text, ctx, res.status, isWrite, res.headers);
      const noBody = parsed === undefined || res.status === 204 || res.status === 205;
      return new Response(noBody ? null : text, {
        status: res.status,
        headers: { "Content-Type": "application/json" },
      });
    }
    throw statusError(outcome, ctx);
  }

  function apiPath(url: string): string {
    const p = new URL(url).pathname;
    return p.startsWith(basePath) ? p.slice(basePath.length) || "/" : p;
  }

  const api = createClient<paths>({ baseUrl: apiBaseUrl, fetch: apiFetch });

  /** Checks an openapi-fetch result against a zod schema and returns the data with its generated type. */
  function checked<T>(
    schema: z.ZodType,
    result: { data?: unknown; error?: unknown; response: Response },
    ctx: RequestLine,
  ): T {
    const isWrite = ctx.method !== "GET";
    return validate(schema, result.data, ctx, result.response.status, isWrite) as T;
  }

  /**
   * A list whose records are checked one by one: a malformed record is set aside with the
   * reason, so it fails alone instead of failing its whole page.
   */
  function checkedEach<T>(schema: z.ZodType, result: { data?: unknown; error?: unknown; response: Response }, ctx: RequestLine): CheckedPage<T> {
    const list = checked<unknown[]>(z.array(z.unknown()), result, ctx);
    const page: CheckedPage<T> = { items: [], rejected: [], size: list.length };
    list.forEach((raw, i) => {
      const parsed = schema.safeParse(raw);
      if (parsed.success) page.items.push(parsed.data as T);
      else {
        const issue = parsed.error.issues[0];
        const id = (raw as { id?: unknown } | null)?.id;
        page.rejected.push({ id: typeof id === "string" ? id : null, field: `[${i}].${issue.path.join(".")}`, issue: issue.message });
      }
    });
    return page;
  }

  function query(opts: PageOptions) {
    const filter = and(opts.modifiedSince !== undefined && modifiedSinceFilter(opts.modifiedSince), opts.filter);
    return { $top: opts.top, $skip: opts.skip, ...(filter ? { $filter: filter } : {}) };
  }

  const client = {
    /** The underlying openapi-fetch client, for endpoints without a method here. Same auth and retries. */
    raw: api,

    // ------------------------------------------------------------ administration

    /** Administration name and settings; a cheap call to prove the credentials work. */
    async getCompanyInfo(): Promise<CompanyInfoModel> {
      return checked(R.companyInfo, await api.GET("/companyInfo"), { method: "GET", path: "/companyInfo" });
    },

    // ------------------------------------------------------------ relaties

    /** One page of relaties, each record checked on its own. */
    async pageRelaties(opts: PageOptions): Promise<CheckedPage<Relatie>> {
      const res = await api.GET("/relaties", { params: { query: query(opts) } });
      return checkedEach(R.relatie, res, { method: "GET", path: "/relaties" });
    },

    async listRelaties(opts: PageOptions): Promise<Relatie[]> {
      const res = await api.GET("/relaties", { params: { query: query(opts) } });
      return checked(R.relatie.array(), res, { method: "GET", path: "/relaties" });
    },

    iterateRelaties(opts: IterateOptions): AsyncGenerator<Relatie[]> {
      return pages((top, skip) => client.listRelaties({ modifiedSince: opts.modifiedSince, top, skip }), opts);
    },

    async getRelatie(id: string): Promise<Relatie> {
      const res = await api.GET("/relaties/{id}", { params: { path: { id } } });
      return checked(R.relatie, res, { method: "GET", path: "/relaties/{id}" });
    },

    /** SnelStart assigns `relatiecode` unless the body sets one. */
    async createRelatie(body: RelatieWriteModel): Promise<WithId<RelatieWriteModel>> {
      const res = await api.POST("/relaties", { body });
      return checked(R.relatie, res, { method: "POST", path: "/relaties" });
    },

    /** PUT replaces the record: start the body from the current one (see relationToRelatie `base`). */
    async updateRelatie(id: string, body: RelatieWriteModel): Promise<WithId<RelatieWriteModel>> {
      const res = await api.PUT("/relaties/{id}", { params: { path: { id } }, body });
      return checked(R.relatie, res, { method: "PUT", path: "/relaties/{id}" });
    },

    /** The relatie with this debtor/creditor number, or null. */
    async findRelatieByCode(code: number): Promise<Relatie | null> {
      const found = await client.listRelaties({ top: 2, skip: 0, filter: eqInt("Relatiecode", code) });
      return found[0] ?? null;
    },

    async listDoorlopendeIncassoMachtigingen(relatieId: string): Promise<WithId<DoorlopendeIncassoMachtigingModel>[]> {
      const res = await api.GET("/relaties/{id}/doorlopendeincassomachtigingen", { params: { path: { id: relatieId } } });
      return checked(R.doorlopendeIncassoMachtiging.array(), res, {
        method: "GET",
        path: "/relaties/{id}/doorlopendeincassomachtigingen",
      });
    },

    // ------------------------------------------------------------ artikelen

    async pageArtikelen(opts: PageOptions): Promise<CheckedPage<Artikel>> {
      const res = await api.GET("/artikelen", { params: { query: query(opts) } });
      return checkedEach(R.artikel, res, { method: "GET", path: "/artikelen" });
    },

    async listArtikelen(opts: PageOptions): Promise<Artikel[]> {
      const res = await api.GET("/artikelen", { params: { query: query(opts) } });
      return checked(R.artikel.array(), res, { method: "GET", path: "/artikelen" });
    },

    iterateArtikelen(opts: IterateOptions): AsyncGenerator<Artikel[]> {
      return pages((top, skip) => client.listArtikelen({ modifiedSince: opts.modifiedSince, top, skip }), opts);
    },

    async getArtikel(id: string): Promise<Artikel> {
      const res = await api.GET("/artikelen/{id}", { params: { path: { id } } });
      return checked(R.artikel, res, { method: "GET", path: "/artikelen/{id}" });
    },

    async createArtikel(body: ArtikelModel): Promise<WithId<ArtikelModel>> {
      const res = await api.POST("/artikelen", { body });
      return checked(R.artikel, res, { method: "POST", path: "/artikelen" });
    },

    async updateArtikel(id: string, body: ArtikelModel): Promise<WithId<ArtikelModel>> {
      const res = await api.PUT("/artikelen/{id}", { params: { path: { id } }, body });
      return checked(R.artikel, res, { method: "PUT", path: "/artikelen/{id}" });
    },

    async findArtikelByCode(artikelcode: string): Promise<Artikel | null> {
      const found = await client.listArtikelen({ top: 2, skip: 0, filter: eqString("Artikelcode", artikelcode) });
      return found[0] ?? null;
    },

    // ------------------------------------------------------------ reference lists (settings tabs)

    async listArtikelOmzetgroepen(): Promise<WithId<ArtikelOmzetGroepModel>[]> {
      const res = await api.GET("/artikelomzetgroepen");
      return checked(R.artikelOmzetgroep.array(), res, { method: "GET", path: "/artikelomzetgroepen" });
    },

    /** All grootboeken (OData endpoint, so read page by page). */
    async listGrootboeken(): Promise<WithId<GrootboekModel>[]> {
      const all: WithId<GrootboekModel>[] = [];
      const read = async (top: number, skip: number) => {
        const res = await api.GET("/grootboeken", { params: { query: { $top: top, $skip: skip } } });
        return checked<WithId<GrootboekModel>[]>(R.grootboek.array(), res, { method: "GET", path: "/grootboeken" });
      };
      for await (const page of pages(read, { pageSize: REFERENCE_PAGE_SIZE })) all.push(...page);
      return all;
    },

    async listDagboeken(): Promise<WithId<DagboekModel>[]> {
      const res = await api.GET("/dagboeken");
      return checked(R.dagboek.array(), res, { method: "GET", path: "/dagboeken" });
    },

    async listBtwTarieven(): Promise<BtwTariefModel[]> {
      const res = await api.GET("/btwtarieven");
      return checked(R.btwTarief.array(), res, { method: "GET", path: "/btwtarieven" });
    },

    async listVerkoopordersjablonen(): Promise<WithId<VerkoopOrderSjabloonModel>[]> {
      const res = await api.GET("/verkoopordersjablonen");
      return checked(R.verkoopordersjabloon.array(), res, { method: "GET", path: "/verkoopordersjablonen" });
    },

    /** Countries; build the land id ↔ ISO code maps the relation mapping needs from this. */
    async listLanden(): Promise<WithId<LandModel>[]> {
      const res = await api.GET("/landen");
      return checked(R.land.array(), res, { method: "GET", path: "/landen" });
    },

    // ------------------------------------------------------------ verkoopboekingen + documents

    async createVerkoopboeking(body: VerkoopBoekingModel): Promise<Verkoopboeking> {
      const res = await api.POST("/verkoopboekingen", { body });
      return checked(R.verkoopboeking, res, { method: "POST", path: "/verkoopboekingen" });
    },

    async getVerkoopboeking(id: string): Promise<Verkoopboeking> {
      const res = await api.GET("/verkoopboekingen/{id}", { params: { path: { id } } });
      return checked(R.verkoopboeking, res, { method: "GET", path: "/verkoopboekingen/{id}" });
    },

    /** There is no global list of verkoopboekingen; this is the per-relatie one. */
    async listVerkoopboekingenForRelatie(relatieId: string): Promise<Verkoopboeking[]> {
      const res = await api.GET("/relaties/{id}/verkoopboekingen", { params: { path: { id: relatieId } } });
      return checked(R.verkoopboeking.array(), res, { method: "GET", path: "/relaties/{id}/verkoopboekingen" });
    },

    /** The look-up before re-booking after a timeout: the relatie's booking with this invoice number. */
    async findVerkoopboekingForRelatie(relatieId: string, factuurnummer: string): Promise<Verkoopboeking | null> {
      const all = await client.listVerkoopboekingenForRelatie(relatieId);
      return all.find((b) => b.factuurnummer === factuurnummer) ?? null;
    },

    /** Attaches a document (the invoice PDF) to a verkoopboeking. */
    async uploadVerkoopboekingDocument(input: {
      parentId: string;
      fileName: string;
      contentBase64: string;
      readOnly?: boolean;
    }): Promise<WithId<DocumentIdentifierModel>> {
      const res = await api.POST("/documenten/{documenttype}", {
        params: { path: { documenttype: "Verkoopboekingen" } },
        body: {
          parentIdentifier: input.parentId,
          fileName: input.fileName,
          content: input.contentBase64,
          readOnly: input.readOnly ?? false,
        },
      });
      return checked(R.documentIdentifier, res, { method: "POST", path: "/documenten/Verkoopboekingen" });
    },

    async listVerkoopboekingDocuments(parentId: string): Promise<WithId<VerkoopBoekingBijlageReferenceModel>[]> {
      const res = await api.GET("/documenten/{documenttype}/{pid}", {
        params: { path: { documenttype: "Verkoopboekingen", pid: parentId } },
      });
      return checked(R.bijlageReference.array(), res, { method: "GET", path: "/documenten/Verkoopboekingen/{pid}" });
    },

    // ------------------------------------------------------------ verkoopfacturen (payment status)

    async pageVerkoopfacturen(opts: PageOptions): Promise<CheckedPage<Verkoopfactuur>> {
      const res = await api.GET("/verkoopfacturen", { params: { query: query(opts) } });
      return checkedEach(R.verkoopfactuur, res, { method: "GET", path: "/verkoopfacturen" });
    },

    async listVerkoopfacturen(opts: PageOptions): Promise<Verkoopfactuur[]> {
      const res = await api.GET("/verkoopfacturen", { params: { query: query(opts) } });
      return checked(R.verkoopfactuur.array(), res, { method: "GET", path: "/verkoopfacturen" });
    },

    iterateVerkoopfacturen(opts: IterateOptions): AsyncGenerator<Verkoopfactuur[]> {
      return pages((top, skip) => client.listVerkoopfacturen({ modifiedSince: opts.modifiedSince, top, skip }), opts);
    },

    async findVerkoopfactuurByNumber(factuurnummer: string): Promise<Verkoopfactuur | null> {
      const found = await client.listVerkoopfacturen({ top: 2, skip: 0, filter: eqString("Factuurnummer", factuurnummer) });
      return found[0] ?? null;
    },

    // ------------------------------------------------------------ verkooporders

    async createVerkooporder(body: VerkoopOrderModel): Promise<Verkooporder> {
      const res = await api.POST("/verkooporders", { body });
      return checked(R.verkooporder, res, { method: "POST", path: "/verkooporders" });
    },

    async listVerkooporders(opts: { filter?: string; top?: number; skip?: number }): Promise<Verkooporder[]> {
      const q = { ...(opts.top !== undefined ? { $top: opts.top } : {}), ...(opts.skip !== undefined ? { $skip: opts.skip } : {}) };
      const res = await api.GET("/verkooporders", { params: { query: { ...q, ...(opts.filter ? { $filter: opts.filter } : {}) } } });
      return checked(R.verkooporder.array(), res, { method: "GET", path: "/verkooporders" });
    },
  };
  return client;
}

export type SnelStartClient = ReturnType<typeof createSnelStartClient>;

// -------------------------------------------------------------------- helpers

/**
 * Pages through an OData list with $top/$skip. Stops on a short page, except when the short
 * page is a round hundred: that looks like a server-side cap below our $top, and stopping
 * there would silently drop records, so one more page is read.
 */
async function* pages<T>(
  read: (top: number, skip: number) => Promise<T[]>,
  opts: { pageSize: number; startSkip?: number },
): AsyncGenerator<T[]> {
  if (!Number.isInteger(opts.pageSize) || opts.pageSize < 1) throw new RangeError("pageSize must be a positive integer");
  let skip = opts.startSkip ?? 0;
  for (;;) {
    const page = await read(opts.pageSize, skip);
    if (page.length === 0) return;
    yield page;
    skip += page.length;
    const looksCapped = page.length % 100 === 0;
    if (page.length < opts.pageSize && !looksCapped) return;
  }
}

function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause as { code?: string; message?: string } | undefined;
  return cause?.code ? `${err.message} (${cause.code})` : err.message;
}

/** A 2xx body as JSON; undefined for an empty body; SnelStartResponseError for anything else. */
function parseJsonBody(text: string, ctx: RequestLine, status: number, isWrite: boolean, headers: HttpAnswer["headers"]): unknown {
  if (!text.trim()) return undefined;
  try {
    return JSON.parse(text);
  } catch (err) {
    const contentType = headers.get("content-type") ?? "no content-type";
    const snippet = text.replace(/\s+/g, " ").trim().slice(0, 120);
    throw new SnelStartResponseError(
      `SnelStart answered ${ctx.method} ${ctx.path} with HTTP ${status} but the body is not JSON (${contentType}): ${snippet}`,
      ctx,
      // the log shows an HTML page by its title, not its markup
      { status, problem: { kind: "notJson", contentType, snippet: extractVendorMessages(text)[0]?.slice(0, 120) ?? "" }, mayHaveSucceeded: isWrite, cause: err },
    );
  }
}

function validate<S extends z.ZodType>(
  schema: S,
  data: unknown,
  ctx: RequestLine,
  status: number,
  isWrite: boolean,
): z.output<S> {
  if (data === undefined || data === null) {
    throw new SnelStartResponseError(
      `SnelStart answered ${ctx.method} ${ctx.path} with HTTP ${status} and an empty body where JSON was expected`,
      ctx,
      { status, problem: { kind: "empty" }, mayHaveSucceeded: isWrite },
    );
  }
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  const [first, ...rest] = result.error.issues;
  const field = formatPath(first?.path ?? []);
  throw new SnelStartResponseError(
    `SnelStart answered ${ctx.method} ${ctx.path} with an unexpected body: field "${field || "(body)"}": ${first?.message}` +
      (rest.length ? ` (and ${rest.length} more problem${rest.length > 1 ? "s" : ""})` : ""),
    ctx,
    { status, problem: { kind: "shape", field, issue: first?.message ?? "" }, mayHaveSucceeded: isWrite },
  );
}

function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = "";
  for (const seg of path) out += typeof seg === "number" ? `[${seg}]` : out ? `.${String(seg)}` : String(seg);
  return out;
}
