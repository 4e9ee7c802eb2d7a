/**
 * Typed client for the PowerOffice Go API v2, written from the OpenAPI spec
 * (../shared/vendor-api/poweroffice-go-v2.openapi.yaml → api.d.ts) and FACTS.md §3.
 *
 * This file is the client's plumbing: the token, the transport, and reading answers. The calls
 * are in reads.ts and writes.ts; JSON Patch documents are built by json-patch.ts.
 *
 * - Token: client credentials at the token URL with `Basic base64(ApplicationKey:ClientKey)` and
 *   the subscription key. Go issues no refresh token, so a new one is fetched shortly before the
 *   old one expires, by one caller at a time (lib/http/token-cache); a 401 fetches one anew once.
 * - Every call carries `Authorization: Bearer …` and `Ocp-Apim-Subscription-Key`, and goes through
 *   lib/http's retries: reads are repeated after a 5xx or a lost answer; creates (POST) and PATCHes
 *   are not sent again blindly, their errors say `mayHaveSucceeded` instead.
 * - Go allows 10 calls a second per subscription key, across all clients (tenants) using it. All
 *   clients of one key in this process share one RateGate: after a 429 every call of the key waits
 *   what Retry-After asks, else a second, then all go on.
 * - openapi-fetch builds the requests from the generated `paths`; its `fetch` is `apiFetch` below.
 *   The spec's `resourceParameter` object is sent flattened (`?PageNumber=2&PageSize=500`).
 * - Answers are checked with the zod schemas of wire.ts; a list's records one by one, so a
 *   malformed record is set aside (`rejected`) instead of failing its page.
 */
import createClient, { type Client } from "openapi-fetch";
import { z } from "zod";
import { makeRedactor, type RequestLine } from "@/lib/http/errors";
import { sharedRateGate, type RateGate } from "@/lib/http/rate-gate";
import type { RequestBudget } from "@/lib/http/request-budget";
import { sendWithRetries, type Call, type Outcome, type RetryPolicy } from "@/lib/http/retry";
import { parseRetryAfter } from "@/lib/http/retry-after";
import { createTokenCache } from "@/lib/http/token-cache";
import { bodyText, createTransport } from "@/lib/http/transport";
import type { paths } from "./api";
import {
  PowerOfficeApiError,
  PowerOfficeAuthError,
  PowerOfficeConflictError,
  PowerOfficeError,
  PowerOfficeForbiddenError,
  PowerOfficeNetworkError,
  PowerOfficeNotFoundError,
  PowerOfficeRateLimitError,
  PowerOfficeResponseError,
  PowerOfficeServerError,
  PowerOfficeValidationError,
  readProblem,
} from "./errors";
import { readOperations } from "./reads";
import { TokenResponse } from "./wire";
import { writeOperations } from "./writes";

/** Go's two environments; the sandbox serves both below its own URL (sandbox/vendors/poweroffice). */
export const POWEROFFICE_ENVIRONMENTS = {
  production: { apiBaseUrl: "https://goapi.poweroffice.net/v2", tokenUrl: "https://goapi.poweroffice.net/OAuth/Token" },
  demo: { apiBaseUrl: "https://goapi.poweroffice.net/Demo/v2", tokenUrl: "https://goapi.poweroffice.net/Demo/OAuth/Token" },
} as const;

/** Go's limit: 10 calls a second per subscription key. After a 429 the key's calls wait this long (FACTS: at least 1 s). */
export const RATE_LIMIT_WINDOW_MS = 1_000;

export type PowerOfficeRequestInfo = {
  method: string;
  /** path below the API base (`/Customers/1023`), or the token URL's path for `kind: "token"` */
  path: string;
  /** HTTP status; 0 when no answer came */
  status: number;
  /** 1 for the first send of a call, 2 for its first retry, … */
  attempt: number;
  kind: "api" | "token";
};

export type PowerOfficeClientOptions = {
  /** `https://goapi.poweroffice.net/v2` (demo `/Demo/v2`); config POWEROFFICE_API_URL */
  apiBaseUrl: string;
  /** `https://goapi.poweroffice.net/OAuth/Token` (demo `/Demo/OAuth/Token`); config POWEROFFICE_TOKEN_URL */
  tokenUrl: string;
  /** the integration's key (one per deployment) */
  applicationKey: string;
  /** the Go client's (tenant's) key, made when the customer activates the integration */
  clientKey: string;
  /** the developer subscription's key; Go's rate limit counts per subscription key */
  subscriptionKey: string;
  /** the transport; by default node:http(s) over kept-alive connections (lib/http/transport) */
  fetch?: typeof fetch;
  /** clock for token expiry and Retry-After dates (tests) */
  now?: () => number;
  /** retries after the first attempt for 429, 503, and for reads 5xx and lost answers (default 5) */
  maxRetries?: number;
  /** per attempt, reading the body included (default 30000) */
  timeoutMs?: number;
  /** longest Retry-After waited in process, and the longest the gate closes (default 60000) */
  maxRetryAfterMs?: number;
  /** the gate this client's calls wait at after a 429 (default: the one of its subscription key in this process) */
  rateGate?: RateGate;
  /**
   * The budget of the calls Go counts together (its subscription key): every exchange, token
   * requests and retries included, takes one request from it first.
   */
  budget?: RequestBudget;
  /** waits between retries (tests) */
  sleep?: (ms: number) => Promise<void>;
  /** jitter source in [0,1) (tests) */
  random?: () => number;
  /** after every HTTP exchange, token requests and retries included; what it throws is ignored */
  onRequest?: (info: PowerOfficeRequestInfo) => void;
};

/** A record of a list that did not match its schema: set aside with the reason. */
export type Rejected = {
  /** position in the page */
  index: number;
  /** the record's Id when it has one */
  id: number | string | null;
  /** dotted path of the first offending member, "" for the record itself */
  field: string;
  issue: string;
};

/**
 * One page of a list. `size` counts every record the page held, rejected ones included: a page
 * with `size` below the page size asked for is the last. A 204 (nothing matches, or past the last
 * page) is an empty page.
 */
export type Page<T> = { items: T[]; rejected: Rejected[]; size: number };

/** An openapi-fetch result. */
type Fetched = { data?: unknown; error?: unknown; response: Response };

/** What reads.ts and writes.ts build their calls from. */
export type PowerOfficeCore = {
  api: Client<paths>;
  /** The answer's body, checked; a PowerOfficeResponseError when it is missing or does not match. */
  checked<S extends z.ZodType>(schema: S, result: Fetched, ctx: RequestLine): z.output<S>;
  /** A list answer (or a 204), each record checked on its own. */
  checkedPage<S extends z.ZodType>(schema: S, result: Fetched, ctx: RequestLine): Page<z.output<S>>;
};

const RETRY_BASE_MS = 500;
const RETRY_CAP_MS = 30_000;

export function createPowerOfficeClient(options: PowerOfficeClientOptions) {
  const apiBaseUrl = options.apiBaseUrl.replace(/\/+$/, "");
  const basePath = new URL(apiBaseUrl).pathname.replace(/\/+$/, "");
  const { tokenUrl, subscriptionKey } = options;
  const now = options.now ?? Date.now;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const gate = options.rateGate ?? sharedRateGate(`poweroffice:${subscriptionKey}`, RATE_LIMIT_WINDOW_MS);
  const basic = Buffer.from(`${options.applicationKey}:${options.clientKey}`).toString("base64");
  const secrets = [options.applicationKey, options.clientKey, subscriptionKey, basic];
  /** the newest access token, hidden as well should Go echo it */
  let lastToken: string | null = null;
  const redact = (s: string) => makeRedactor([...secrets, lastToken])(s);

  const retryPolicy: RetryPolicy = {
    transport: createTransport({ timeoutMs, fetch: options.fetch }),
    maxRetries: Math.max(0, options.maxRetries ?? 5),
    backoff: { baseMs: RETRY_BASE_MS, capMs: RETRY_CAP_MS, random: options.random ?? Math.random },
    maxRetryAfterMs: options.maxRetryAfterMs ?? 60_000,
    gate,
    budget: options.budget,
    sleep: options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms))),
    now,
  };

  function send(ctx: RequestLine, kind: PowerOfficeRequestInfo["kind"], call: Omit<Call, "onExchange">): Promise<Outcome> {
    return sendWithRetries(retryPolicy, { ...call, onExchange: (status, attempt) => options.onRequest?.({ ...ctx, status, attempt, kind }) });
  }

  // ---------------------------------------------------------------- token

  const tokenCtx: RequestLine = { method: "POST", path: new URL(tokenUrl).pathname };
  const tokens = createTokenCache(requestToken, now);

  async function requestToken(): Promise<{ accessToken: string; expiresInSeconds: number }> {
    const outcome = await send(tokenCtx, "token", {
      request: {
        method: "POST",
        url: tokenUrl,
        headers: {
          authorization: `Basic ${basic}`,
          "ocp-apim-subscription-key": subscriptionKey,
          "content-type": "application/x-www-form-urlencoded",
          accept: "application/json",
        },
        body: "grant_type=client_credentials",
      },
      // asking for a token twice is harmless
      repeatable: true,
    });
    if (outcome.kind === "unanswered") throw unanswered(outcome, tokenCtx);
    const { answer } = outcome;
    if (answer.status >= 200 && answer.status < 300) {
      const token = checkBody(TokenResponse, parseJson(bodyText(answer), tokenCtx, answer.status, false), tokenCtx, answer.status, false);
      lastToken = token.access_token;
      return { accessToken: token.access_token, expiresInSeconds: token.expires_in };
    }
    // 400 invalid_client: a wrong application or client key (or one of the other environment)
    if (answer.status === 400 || answer.status === 401) throw new PowerOfficeAuthError(answer.status, readProblem(bodyText(answer), redact), tokenCtx);
    throw statusError(outcome, tokenCtx);
  }

  // ---------------------------------------------------------------- errors

  function unanswered(outcome: Extract<Outcome, { kind: "unanswered" }>, ctx: RequestLine): PowerOfficeNetworkError {
    return new PowerOfficeNetworkError(ctx, { cause: outcome.error, timedOut: outcome.timedOut, mayHaveSucceeded: outcome.mayHaveSucceeded });
  }

  function statusError({ answer, mayHaveSucceeded }: Extract<Outcome, { kind: "answered" }>, ctx: RequestLine): PowerOfficeError {
    const problem = readProblem(bodyText(answer), redact);
    switch (answer.status) {
      case 400:
        return new PowerOfficeValidationError(problem, ctx);
      case 401:
        return new PowerOfficeAuthError(401, problem, ctx);
      case 403:
        return new PowerOfficeForbiddenError(problem, ctx);
      case 404:
        return new PowerOfficeNotFoundError(problem, ctx);
      case 409:
        return new PowerOfficeConflictError(problem, ctx);
      case 429: {
        const at = now();
        const asked = parseRetryAfter(answer.headers.get("retry-after"), at);
        return new PowerOfficeRateLimitError(problem, ctx, asked ?? Math.max(gate.waitMs(at), RATE_LIMIT_WINDOW_MS));
      }
    }
    if (answer.status >= 500) return new PowerOfficeServerError(answer.status, problem, ctx, mayHaveSucceeded);
    return new PowerOfficeApiError(answer.status, problem, ctx, { mayHaveSucceeded });
  }

  // ---------------------------------------------------------------- API transport

  /** The fetch openapi-fetch calls: token, subscription key, retries, typed errors. */
  async function apiFetch(request: Request): Promise<Response> {
    const method = request.method.toUpperCase();
    const ctx: RequestLine = { method, path: apiPath(request.url) };
    const isWrite = method !== "GET" && method !== "HEAD";
    // read the body once: a Request's body cannot be replayed, its bytes can (multipart included)
    const body = isWrite ? new Uint8Array(await request.arrayBuffer()) : undefined;
    const headers: Record<string, string> = Object.fromEntries(request.headers);
    headers["ocp-apim-subscription-key"] = subscriptionKey;
    headers.accept = "application/json";
    const outcome = await send(ctx, "api", {
      request: { method, url: request.url, headers, body: body?.byteLength ? body : undefined, signal: request.signal },
      // a create or patch that may have reached Go is never repeated blindly
      repeatable: !isWrite,
      tokens,
    });
    if (outcome.kind === "unanswered") throw unanswered(outcome, ctx);
    const { answer } = outcome;
    if (answer.status < 200 || answer.status >= 300) throw statusError(outcome, ctx);
    const text = bodyText(answer);
    const parsed = parseJson(text, ctx, answer.status, isWrite);
    const noBody = parsed === undefined || answer.status === 204 || answer.status === 205;
    return new Response(noBody ? null : text, { status: answer.status, headers: { "content-type": "application/json" } });
  }

  function apiPath(url: string): string {
    const p = new URL(url).pathname;
    return p.startsWith(basePath) ? p.slice(basePath.length) || "/" : p;
  }

  const api = createClient<paths>({
    baseUrl: apiBaseUrl,
    fetch: apiFetch,
    // the spec's resourceParameter object, flattened as OpenAPI's form/explode style sends it
    querySerializer: { object: { style: "form", explode: true }, array: { style: "form", explode: false } },
  });

  // ---------------------------------------------------------------- reading answers

  const core: PowerOfficeCore = {
    api,
    checked(schema, result, ctx) {
      const isWrite = ctx.method !== "GET";
      return checkBody(schema, result.data, ctx, result.response.status, isWrite);
    },
    checkedPage(schema, result, ctx) {
      const { status } = result.response;
      if (result.data === undefined || status === 204) return { items: [], rejected: [], size: 0 };
      if (!Array.isArray(result.data)) throw new PowerOfficeResponseError(ctx, status, "a list was expected", false);
      const page: Page<z.output<typeof schema>> = { items: [], rejected: [], size: result.data.length };
      result.data.forEach((raw: unknown, index) => {
        const parsed = schema.safeParse(raw);
        if (parsed.success) page.items.push(parsed.data);
        else {
          const issue = parsed.error.issues[0];
          const id = (raw as { Id?: unknown } | null)?.Id;
          page.rejected.push({
            index,
            id: typeof id === "number" || typeof id === "string" ? id : null,
            field: formatPath(issue?.path ?? []),
            issue: issue?.message ?? "invalid",
          });
        }
      });
      return page;
    },
  };

  return {
    ...readOperations(core),
    ...writeOperations(core),
    /** The openapi-fetch client, for endpoints without a method here; same token, key, gate and retries. */
    raw: api,
  };
}

export type PowerOfficeClient = ReturnType<typeof createPowerOfficeClient>;

// -------------------------------------------------------------------- helpers

/** A 2xx body as JSON; undefined when empty; a PowerOfficeResponseError when not JSON. */
function parseJson(text: string, ctx: RequestLine, status: number, isWrite: boolean): unknown {
  if (!text.trim()) return undefined;
  try {
    return JSON.parse(text);
  } catch (err) {
    const snippet = text.replace(/\s+/g, " ").trim().slice(0, 120);
    throw new PowerOfficeResponseError(ctx, status, `the body is not JSON: ${snippet}`, isWrite, err);
  }
}

function checkBody<S extends z.ZodType>(schema: S, data: unknown, ctx: RequestLine, status: number, isWrite: boolean): z.output<S> {
  if (data === undefined || data === null) throw new PowerOfficeResponseError(ctx, status, "the body is empty", isWrite);
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  const [first, ...rest] = result.error.issues;
  const field = formatPath(first?.path ?? []);
  const more = rest.length ? ` (and ${rest.length} more)` : "";
  throw new PowerOfficeResponseError(ctx, status, `${field || "(body)"}: ${first?.message}${more}`, isWrite);
}

function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = "";
  for (const seg of path) out += typeof seg === "number" ? `[${seg}]` : out ? `.${String(seg)}` : String(seg);
  return out;
}
