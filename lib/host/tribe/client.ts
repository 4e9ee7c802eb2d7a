/**
 * HTTP client for the Tribe-style host CRM API (docs/host-api.md).
 *
 * Sent through lib/http (kept-alive node:http, retries, token cache); what is Tribe's:
 * - client_credentials token per organization (or the tenant's consent), fetched again once when
 *   a call answers 401;
 * - 429: every call of the client (and of the clients sharing its gate) waits a minute, or what a
 *   Retry-After asks, then retries (RateGate: Tribe counts a sliding minute and sends no Retry-After);
 *   5xx and network errors: retried with backoff, except a create (POST without ID), which may
 *   have been applied and is raised as MaybeWrittenError instead of being sent twice;
 * - other 4xx: TribeApiError with the status and the server's `error.message`;
 * - every JSON body is checked with zod; malformed data raises TribeResponseError naming the field;
 * - every HTTP exchange (token requests and retries included) is reported through onRequest, which
 *   is how the engine and the benchmark count host calls.
 */
import { z } from "zod";
import { HttpError } from "@/lib/http/errors";
import { RateGate } from "@/lib/http/rate-gate";
import type { RequestBudget } from "@/lib/http/request-budget";
import { sendWithRetries, type RetryPolicy } from "@/lib/http/retry";
import { createTokenCache, type TokenSource } from "@/lib/http/token-cache";
import { bodyText, createTransport, type HttpAnswer } from "@/lib/http/transport";
import { MaybeWrittenError, type LogMessage } from "@/lib/sync/types";
import { requestTribeToken } from "./auth";

export type TribeRequestInfo = {
  method: string;
  /** URL path without the query, e.g. `/v1/odata/Relation_Organization` or `/oauth2/token` */
  path: string;
  /** HTTP status; 0 when no response came (network error, timeout) */
  status: number;
  /** the entity set the call addressed (null for the token endpoint) */
  set: string | null;
  /** 1 for the first send of a call, 2 for its first retry, … */
  attempt: number;
};

export type TribeClientOptions = {
  apiUrl: string;
  /** the app's OAuth client at Tribe (client credentials, when no `token` is given) */
  clientId: string;
  clientSecret: string;
  /** Tribe's auth server, a host of its own (default: apiUrl, as the sandbox serves both) */
  authUrl?: string;
  /** where access tokens come from (the tenant's consent, refreshed); default: client credentials */
  token?: TokenSource;
  /** the tenant id (Tribe's organization) the token is asked for */
  organizationId: string;
  /** the transport; by default node:http(s) over kept-alive connections (lib/http/transport) */
  fetch?: typeof fetch;
  /** retries after the first attempt for 429, 5xx and network errors (default 6) */
  maxRetries?: number;
  /** injectable so tests do not really wait */
  sleep?: (ms: number) => Promise<void>;
  /** called after every HTTP exchange; must not throw (exceptions are swallowed) */
  onRequest?: (info: TribeRequestInfo) => void;
  /** how long every call waits after a 429 without Retry-After (default 60000: Tribe's sliding minute) */
  rateLimitWaitMs?: number;
  /** the gate this client's calls share with other clients of the same application (default: its own) */
  rateGate?: RateGate;
  /**
   * The budget the calls Tribe counts together draw from (lib/host: per tenant): each API call,
   * retries included, takes one request from it first. Token requests go to the auth server, which
   * the API's limit does not count.
   */
  budget?: RequestBudget;
  /** the longest Retry-After honoured, and so the longest the gate closes (default 60000) */
  rateLimitMaxDelayMs?: number;
  /** first wait after a 5xx or network error, doubled each time (default 500) */
  retryBaseDelayMs?: number;
  /** per attempt, including reading the body (default 30000) */
  timeoutMs?: number;
  /** OAuth scope (default "read write offline") */
  scope?: string;
  now?: () => number;
};

export type ListOptions = {
  filter?: string;
  select?: string | string[];
  expand?: string | string[];
  top?: number;
  skip?: number;
  orderby?: string | string[];
  count?: boolean;
};

export type GetOptions = { expand?: string | string[]; select?: string | string[] };

export type ListResult<T> = { value: T[]; count: number | null };

export type BinaryResult = { data: Uint8Array; contentType: string; fileName: string | null };

/** Every Tribe entity: an ID and whatever else the set holds. */
export const tribeEntity = z.looseObject({ ID: z.string().min(1) });
export type TribeEntity = z.infer<typeof tribeEntity>;

/** A 4xx (or a final 429/5xx) from the host API. */
export class TribeApiError extends HttpError {
  declare readonly status: number;
  declare readonly method: string;
  declare readonly path: string;
  constructor(
    status: number,
    readonly code: string | null,
    message: string,
    method: string,
    path: string,
  ) {
    super(`Tribe ${method} ${path} answered ${status}${code ? ` ${code}` : ""}: ${message}`, { status, request: { method, path } });
    this.name = "TribeApiError";
  }
  get logMessage(): LogMessage {
    return { key: "host.errors.refused", params: { status: String(this.status), detail: this.detail } };
  }
  /** the server's own words, without our request line */
  get detail(): string {
    return this.message.replace(/^Tribe \S+ \S+ answered [^:]*: /, "");
  }
}

/** Still rate limited after every retry: the job should reschedule itself after `retryAfterMs`. */
export class TribeRateLimitError extends TribeApiError {
  constructor(
    message: string,
    method: string,
    path: string,
    readonly retryAfterMs: number,
  ) {
    super(429, "TooManyRequests", message, method, path);
    this.name = "TribeRateLimitError";
  }
  override get logMessage(): LogMessage {
    return { key: "host.errors.rateLimited" };
  }
}

/** The host answered 2xx with a body that does not have the expected shape. */
export class TribeResponseError extends HttpError {
  declare readonly method: string;
  declare readonly path: string;
  constructor(
    message: string,
    method: string,
    path: string,
    readonly issues: Array<{ path: string; message: string }> = [],
  ) {
    super(`Tribe ${method} ${path}: unexpected response: ${message}`, { request: { method, path } });
    this.name = "TribeResponseError";
  }
  get logMessage(): LogMessage {
    return { key: "host.errors.badResponse", params: { detail: this.issues.map((i) => `${i.path}: ${i.message}`).join("; ") || this.message } };
  }
}

/** Network failure or timeout, after every retry. */
export class TribeNetworkError extends HttpError {
  declare readonly method: string;
  declare readonly path: string;
  constructor(message: string, method: string, path: string, options?: { cause?: unknown }) {
    super(`Tribe ${method} ${path}: ${message}`, { request: { method, path }, cause: options?.cause });
    this.name = "TribeNetworkError";
  }
  get logMessage(): LogMessage {
    return { key: "host.errors.unreachable" };
  }
}

// ------------------------------------------------------------------ OData literals

const GUID_RE = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const SET_RE = /^[A-Za-z_]\w*$/;

export function isGuid(s: unknown): s is string {
  return typeof s === "string" && GUID_RE.test(s);
}

/** OData literals for `$filter`, quoted and escaped so no value can change the expression. */
export const odata = {
  /** `'it''s'` */
  string(v: string): string {
    return `'${v.replace(/'/g, "''")}'`;
  },
  /** a bare guid; refuses anything else */
  guid(v: string): string {
    if (!isGuid(v)) throw new RangeError(`not a guid: ${JSON.stringify(v)}`);
    return v.toLowerCase();
  },
  number(v: number): string {
    if (!Number.isFinite(v)) throw new RangeError(`not a finite number: ${v}`);
    return String(v);
  },
  /** ISO 8601 date-time, unquoted (docs/host-api.md) */
  dateTime(v: Date | string): string {
    const d = typeof v === "string" ? new Date(v) : v;
    if (Number.isNaN(d.getTime())) throw new RangeError(`not a date: ${String(v)}`);
    return d.toISOString();
  },
  literal(v: string | number | boolean | null | Date): string {
    if (v === null) return "null";
    if (typeof v === "boolean") return v ? "true" : "false";
    if (typeof v === "number") return odata.number(v);
    if (v instanceof Date) return odata.dateTime(v);
    return odata.string(v);
  },
  /** `Field eq <literal>`; the field must be a (navigation) path of identifiers */
  eq(field: string, v: string | number | boolean | null | Date): string {
    if (!/^[A-Za-z_]\w*(\/[A-Za-z_]\w*)*$/.test(field)) throw new RangeError(`not a property path: ${field}`);
    return `${field} eq ${odata.literal(v)}`;
  },
  and(...clauses: Array<string | null | undefined | false>): string | undefined {
    const parts = clauses.filter((c): c is string => typeof c === "string" && c.trim() !== "");
    if (parts.length <= 1) return parts[0];
    return parts.map((p) => `(${p})`).join(" and ");
  },
};

// ------------------------------------------------------------------ helpers

/** A webhook subscription as `/v1/webhooks` answers it (its shape is not documented: see docs/host-api.md). */
const webhookSubscription = z.looseObject({ id: z.union([z.string().min(1), z.number()]).transform(String), entityType: z.string().min(1), url: z.string() });
const webhookList = z.union([z.array(webhookSubscription), z.looseObject({ value: z.array(webhookSubscription) }).transform((v) => v.value)]);
export type WebhookSubscription = z.infer<typeof webhookSubscription>;

const listResponse = z.looseObject({
  "@odata.count": z.number().int().nonnegative().optional(),
  value: z.array(z.unknown()),
});

const errorBody = z.object({
  error: z.union([
    z.looseObject({ code: z.string().optional(), message: z.string().optional() }),
    z.string(),
  ]),
  error_description: z.string().optional(),
});

function describeIssues(err: z.ZodError, prefix: (string | number)[] = []): Array<{ path: string; message: string }> {
  return err.issues.map((i) => {
    const segs = [...prefix, ...i.path.map((p) => (typeof p === "symbol" ? String(p) : p))];
    const path = segs.reduce<string>(
      (acc, s) => (typeof s === "number" ? `${acc}[${s}]` : acc ? `${acc}.${s}` : String(s)),
      "",
    );
    return { path: path || "(body)", message: i.message };
  });
}

function joinList(v: string | string[] | undefined): string | undefined {
  if (v === undefined) return undefined;
  const s = Array.isArray(v) ? v.join(",") : v;
  return s.trim() === "" ? undefined : s;
}

/** `$filter=…&$top=…`, values percent-encoded, the `$` of option names kept literal. */
export function queryString(o: ListOptions & GetOptions): string {
  const parts: string[] = [];
  const add = (k: string, v: string | number | boolean | undefined) => {
    if (v === undefined) return;
    parts.push(`${k}=${encodeURIComponent(String(v))}`);
  };
  add("$filter", o.filter && o.filter.trim() !== "" ? o.filter : undefined);
  add("$select", joinList(o.select));
  add("$expand", joinList(o.expand));
  add("$orderby", joinList(o.orderby));
  if (o.top !== undefined) {
    if (!Number.isInteger(o.top) || o.top < 0 || o.top > 100) throw new RangeError(`$top must be 0..100, got ${o.top}`);
    add("$top", o.top);
  }
  if (o.skip !== undefined) {
    if (!Number.isInteger(o.skip) || o.skip < 0) throw new RangeError(`$skip must be a non-negative integer, got ${o.skip}`);
    add("$skip", o.skip);
  }
  if (o.count) add("$count", "true");
  return parts.length ? `?${parts.join("&")}` : "";
}

function fileNameOf(disposition: string | null): string | null {
  if (!disposition) return null;
  const star = /filename\*\s*=\s*(?:UTF-8'')?([^;]+)/i.exec(disposition);
  if (star) {
    try {
      return decodeURIComponent(star[1]!.trim().replace(/^"|"$/g, ""));
    } catch {
      /* fall through */
    }
  }
  const plain = /filename\s*=\s*("([^"]*)"|[^;]+)/i.exec(disposition);
  return plain ? (plain[2] ?? plain[1]!).trim() : null;
}

// ------------------------------------------------------------------ the client

export type TribeClient = ReturnType<typeof createTribeClient>;

export function createTribeClient(opts: TribeClientOptions) {
  const apiUrl = opts.apiUrl.replace(/\/+$/, "");
  const fetchImpl = opts.fetch;
  const now = opts.now ?? Date.now;
  const gate = opts.rateGate ?? new RateGate(opts.rateLimitWaitMs ?? 60_000);
  const scope = opts.scope ?? "read write offline";
  const retryPolicy: RetryPolicy = {
    transport: createTransport({ timeoutMs: opts.timeoutMs ?? 30_000, fetch: fetchImpl }),
    maxRetries: Math.max(0, opts.maxRetries ?? 6),
    backoff: { baseMs: opts.retryBaseDelayMs ?? 500, capMs: 30_000 },
    maxRetryAfterMs: opts.rateLimitMaxDelayMs ?? 60_000,
    gate,
    budget: opts.budget,
    sleep: opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms))),
    now,
  };

  function report(info: TribeRequestInfo) {
    try {
      opts.onRequest?.(info);
    } catch {
      // counting must never break a sync
    }
  }

  function errorMessage(ex: HttpAnswer): { code: string | null; message: string } {
    const raw = bodyText(ex);
    try {
      const parsed = errorBody.safeParse(JSON.parse(raw));
      if (parsed.success) {
        const e = parsed.data.error;
        if (typeof e === "string") return { code: e, message: parsed.data.error_description ?? e };
        return { code: e.code ?? null, message: e.message ?? parsed.data.error_description ?? raw.slice(0, 300) };
      }
    } catch {
      /* not JSON */
    }
    return { code: null, message: raw.trim().slice(0, 300) || `HTTP ${ex.status}` };
  }

  // ---------------------------------------------------------------- token

  // what a deployment gives (the tenant's consent, refreshed), or Tribe's client-credentials grant
  const tokens = createTokenCache(
    opts.token ??
      (async () => {
        const server = { url: opts.authUrl ?? apiUrl, clientId: opts.clientId, clientSecret: opts.clientSecret, scope };
        const tok = await requestTribeToken(server, { grant_type: "client_credentials", organization_id: opts.organizationId }, { fetch: fetchImpl, onRequest: report });
        return { accessToken: tok.access_token, expiresInSeconds: tok.expires_in };
      }),
    now,
  );

  function parseJson<T>(ex: HttpAnswer, schema: z.ZodType<T>, method: string, path: string): T {
    let json: unknown;
    const raw = bodyText(ex);
    try {
      json = raw.trim() === "" ? undefined : JSON.parse(raw);
    } catch {
      throw new TribeResponseError(`the body is not JSON (${raw.slice(0, 80)})`, method, path);
    }
    return validate(json, schema, method, path);
  }

  function validate<T>(json: unknown, schema: z.ZodType<T>, method: string, path: string, prefix: (string | number)[] = []): T {
    const r = schema.safeParse(json);
    if (!r.success) {
      const issues = describeIssues(r.error, prefix);
      throw new TribeResponseError(issues.map((i) => `${i.path}: ${i.message}`).join("; "), method, path, issues);
    }
    return r.data;
  }

  // ---------------------------------------------------------------- API transport

  /**
   * One API call with auth, retries and error mapping. Answers the 2xx exchange, or null for a
   * 404 when `notFoundIsNull`.
   */
  async function call(
    method: "GET" | "POST" | "PUT" | "DELETE",
    resource: string,
    query: string,
    body?: unknown,
    o: { notFoundIsNull?: boolean; accept?: string } = {},
  ): Promise<HttpAnswer | null> {
    // an absolute path (the webhooks API), or a resource below /v1/odata
    const path = resource.startsWith("/") ? resource : `/v1/odata/${resource}`;
    const set = resource.startsWith("/") ? null : (/^([A-Za-z_]\w*)/.exec(resource)?.[1] ?? null);
    const payload = body === undefined ? undefined : JSON.stringify(body);
    // a POST without ID creates: sending it again after a lost answer could create twice
    const isCreate = method === "POST" && !(body && typeof body === "object" && "ID" in body);
    const outcome = await sendWithRetries(retryPolicy, {
      request: {
        method,
        url: `${apiUrl}${path}${query}`,
        headers: { accept: o.accept ?? "application/json", ...(payload !== undefined ? { "content-type": "application/json" } : {}) },
        body: payload,
      },
      repeatable: !isCreate,
      tokens,
      onExchange: (status, attempt) => report({ method, path, status, set, attempt }),
    });
    if (outcome.kind === "unanswered") {
      const { error } = outcome;
      const msg = outcome.timedOut ? (error as Error).message : `network error: ${(error as Error).message}`;
      if (outcome.mayHaveSucceeded) {
        throw Object.assign(new MaybeWrittenError(`Tribe ${method} ${path}: ${msg}; the record may have been created`), { cause: error });
      }
      throw new TribeNetworkError(msg, method, path, { cause: error });
    }
    const ex = outcome.answer;
    if (ex.status >= 200 && ex.status < 300) return ex;
    if (ex.status === 404 && o.notFoundIsNull) return null;
    const { code, message } = errorMessage(ex);
    // still refused after every retry: the job comes back when the gate opens
    if (ex.status === 429) throw new TribeRateLimitError(message, method, path, gate.waitMs(now()));
    if (outcome.mayHaveSucceeded) {
      throw new MaybeWrittenError(`Tribe ${method} ${path} answered ${ex.status}: ${message}; the record may have been created`);
    }
    throw new TribeApiError(ex.status, code, message, method, path);
  }

  function checkSet(set: string) {
    if (!SET_RE.test(set)) throw new RangeError(`not an entity set name: ${JSON.stringify(set)}`);
  }
  function key(set: string, id: string): string {
    checkSet(set);
    if (!isGuid(id)) throw new RangeError(`${set}: not a guid: ${JSON.stringify(id)}`);
    return `${set}(${id.toLowerCase()})`;
  }

  const client = {
    organizationId: opts.organizationId,

    /**
     * One page of a set (at most 100 rows). Tribe promises no order without `$orderby`, so rows
     * are ordered by ID unless the caller orders them: pages of one listing then never overlap.
     */
    async list<T = TribeEntity>(set: string, o: ListOptions = {}, schema?: z.ZodType<T>): Promise<ListResult<T>> {
      checkSet(set);
      const ex = (await call("GET", set, queryString({ ...o, orderby: o.orderby ?? "ID" })))!;
      const path = `/v1/odata/${set}`;
      const page = parseJson(ex, listResponse, "GET", path);
      const item = (schema ?? tribeEntity) as z.ZodType<T>;
      const value = validate(page.value, z.array(item), "GET", path, ["value"]);
      return { value, count: page["@odata.count"] ?? null };
    },

    /** Every row of a (small) set, 100 per call. */
    async listAll<T = TribeEntity>(set: string, o: Omit<ListOptions, "top" | "skip" | "count"> = {}, schema?: z.ZodType<T>): Promise<T[]> {
      const out: T[] = [];
      for (let skip = 0; ; skip += 100) {
        const page = await client.list(set, { ...o, top: 100, skip }, schema);
        out.push(...page.value);
        if (page.value.length < 100) return out;
      }
    },

    /** One entity, or null when it does not exist. */
    async get<T = TribeEntity>(set: string, id: string, o: GetOptions = {}, schema?: z.ZodType<T>): Promise<T | null> {
      const k = key(set, id);
      const ex = await call("GET", k, queryString(o), undefined, { notFoundIsNull: true });
      if (!ex) return null;
      return parseJson(ex, (schema ?? tribeEntity) as z.ZodType<T>, "GET", `/v1/odata/${k}`);
    },

    /** POST: create, with deep insert of Addresses/Relationships/ProductLines. */
    async create<T = TribeEntity>(set: string, body: Record<string, unknown>, schema?: z.ZodType<T>, o: GetOptions = {}): Promise<T> {
      checkSet(set);
      const ex = (await call("POST", set, queryString(o), body))!;
      return parseJson(ex, (schema ?? tribeEntity) as z.ZodType<T>, "POST", `/v1/odata/${set}`);
    },

    /** PUT: merges the fields given; children with ID are updated, without ID created. */
    async update<T = TribeEntity>(set: string, id: string, body: Record<string, unknown>, schema?: z.ZodType<T>, o: GetOptions = {}): Promise<T> {
      const k = key(set, id);
      const ex = (await call("PUT", k, queryString(o), body))!;
      return parseJson(ex, (schema ?? tribeEntity) as z.ZodType<T>, "PUT", `/v1/odata/${k}`);
    },

    /** The tenant's webhook subscriptions (`/v1/webhooks`). */
    webhooks: {
      async list(): Promise<WebhookSubscription[]> {
        const ex = (await call("GET", "/v1/webhooks", ""))!;
        return parseJson(ex, webhookList, "GET", "/v1/webhooks");
      },
      async create(entityType: string, url: string, headers: Record<string, string>): Promise<WebhookSubscription> {
        const ex = (await call("POST", "/v1/webhooks", "", { entityType, url, headers }))!;
        return parseJson(ex, webhookSubscription, "POST", "/v1/webhooks");
      },
      async remove(id: string): Promise<void> {
        if (!/^[\w-]+$/.test(id)) throw new RangeError(`not a webhook id: ${JSON.stringify(id)}`);
        await call("DELETE", `/v1/webhooks/${id}`, "", undefined, { notFoundIsNull: true });
      },
    },

    /** An OData function without parameters, e.g. `GetCurrentEmployee()`. */
    async callFunction<T>(name: string, o: GetOptions, schema: z.ZodType<T>): Promise<T> {
      checkSet(name);
      const resource = `${name}()`;
      const ex = (await call("GET", resource, queryString(o)))!;
      return parseJson(ex, schema, "GET", `/v1/odata/${resource}`);
    },

    /** A binary resource below /v1/odata, e.g. `Activity_Invoice(<id>)/Document`. */
    async getBinary(path: string): Promise<BinaryResult> {
      const rel = path.replace(/^\/?(v1\/odata\/)?/, "");
      if (!/^[A-Za-z_]\w*\([0-9a-fA-F-]{36}\)\/[A-Za-z_]\w*$/.test(rel)) throw new RangeError(`not a binary resource path: ${path}`);
      const ex = (await call("GET", rel, "", undefined, { accept: "application/pdf, application/octet-stream" }))!;
      const contentType = (ex.headers.get("content-type") ?? "application/octet-stream").split(";")[0]!.trim();
      if (contentType.includes("json")) {
        throw new TribeResponseError(`expected a document, got ${contentType}`, "GET", `/v1/odata/${rel}`);
      }
      if (ex.body.byteLength === 0) throw new TribeResponseError("the document is empty", "GET", `/v1/odata/${rel}`);
      return { data: ex.body, contentType, fileName: fileNameOf(ex.headers.get("content-disposition")) };
    },
  };
  return client;
}
