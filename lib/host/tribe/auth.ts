/**
 * Tribe's auth server (FACTS.md §1, "URLs and authentication" and "Authorization code flow" [V]):
 * `https://auth.tribecrm.nl` (staging `auth-staging.tribecrm.nl`), a host of its own.
 * - authorization code: `GET /oauth2/auth` with client_id, redirect_uri, state (8+ characters),
 *   response_type=code, scope; then `POST /oauth2/token` with grant_type=authorization_code;
 * - refresh: `POST /oauth2/token` with grant_type=refresh_token (a refresh token comes with the
 *   `offline` scope; each is used once: the answer carries the next one);
 * - client credentials: `POST /oauth2/token` with grant_type=client_credentials (and the
 *   organization_id Tribe's own MCP client sends), where a deployment uses it.
 */
import { z } from "zod";
import { HttpError, type RequestLine } from "@/lib/http/errors";
import { parseRetryAfter } from "@/lib/http/retry-after";
import { bodyText, createTransport, type HttpAnswer } from "@/lib/http/transport";
import type { LogMessage } from "@/lib/sync/types";
import type { TribeRequestInfo } from "./client";

export type TribeAuthServer = {
  /** e.g. https://auth.tribecrm.nl */
  url: string;
  clientId: string;
  clientSecret: string;
  /** space separated, e.g. "read write offline" */
  scope: string;
};

export type TokenGrant =
  | { grant_type: "client_credentials"; organization_id: string }
  | { grant_type: "authorization_code"; code: string; redirect_uri: string }
  | { grant_type: "refresh_token"; refresh_token: string };

const tokenAnswer = z.object({
  access_token: z.string().min(1),
  token_type: z.string().optional(),
  // Tribe documents no lifetime: what the answer says, else an hour
  expires_in: z.coerce.number().positive().default(3600),
  refresh_token: z.string().min(1).optional(),
  scope: z.string().optional(),
});
export type TokenAnswer = z.infer<typeof tokenAnswer>;

const oauthError = z.object({ error: z.string(), error_description: z.string().optional() });

const TOKEN_REQUEST: RequestLine = { method: "POST", path: "/oauth2/token" };

/** The auth server refused a grant (a consent withdrawn, a refresh token already used, wrong client keys). */
export class TribeAuthError extends HttpError {
  declare readonly status: number;
  constructor(
    status: number,
    readonly code: string,
    detail: string,
  ) {
    super(`Tribe's auth server refused the token request (${status} ${code}): ${detail}`, { status, request: TOKEN_REQUEST });
    this.name = "TribeAuthError";
  }
  get logMessage(): LogMessage {
    return { key: "host.errors.authRefused", params: { detail: this.code } };
  }
}

/** The auth server could not be reached, or answered with something that is no token. */
export class TribeAuthUnavailableError extends HttpError {
  constructor(
    message: string,
    /** set when it asked to wait (429) */
    readonly retryAfterMs?: number,
  ) {
    super(`Tribe's auth server: ${message}`, { request: TOKEN_REQUEST });
    this.name = "TribeAuthUnavailableError";
  }
  get logMessage(): LogMessage {
    return { key: "host.errors.unreachable" };
  }
}

/** Where the user gives consent: the page the app opens for the organisation's administrator. */
export function authorizeUrl(server: TribeAuthServer, o: { redirectUri: string; state: string }): string {
  if (o.state.length < 8) throw new RangeError("Tribe wants a state of at least 8 characters");
  const q = new URLSearchParams({ client_id: server.clientId, redirect_uri: o.redirectUri, state: o.state, response_type: "code", scope: server.scope });
  return `${server.url.replace(/\/+$/, "")}/oauth2/auth?${q}`;
}

const TIMEOUT_MS = 30_000;

/**
 * One token request. Not retried: a code and a refresh token work once, so a request whose
 * answer was lost cannot be sent again; the job that needed the token runs again later.
 */
export async function requestTribeToken(
  server: TribeAuthServer,
  grant: TokenGrant,
  opts: { fetch?: typeof fetch; onRequest?: (info: TribeRequestInfo) => void } = {},
): Promise<TokenAnswer> {
  const { method, path } = TOKEN_REQUEST;
  const form = new URLSearchParams({ ...grant, client_id: server.clientId, client_secret: server.clientSecret, scope: server.scope });
  const send = createTransport({ timeoutMs: TIMEOUT_MS, fetch: opts.fetch });
  let res: HttpAnswer;
  try {
    res = await send({
      method,
      url: `${server.url.replace(/\/+$/, "")}${path}`,
      headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
      body: form.toString(),
    });
  } catch (err) {
    opts.onRequest?.({ method, path, status: 0, set: null, attempt: 1 });
    throw new TribeAuthUnavailableError(`no answer (${(err as Error).message})`);
  }
  opts.onRequest?.({ method, path, status: res.status, set: null, attempt: 1 });
  const text = bodyText(res);
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  if (res.status >= 200 && res.status < 300) {
    const parsed = tokenAnswer.safeParse(json);
    if (!parsed.success) throw new TribeAuthUnavailableError(`an answer that is no token (${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")})`);
    return parsed.data;
  }
  if (res.status === 429) throw new TribeAuthUnavailableError("too many requests", parseRetryAfter(res.headers.get("retry-after"), Date.now()) ?? 60_000);
  if (res.status >= 500) throw new TribeAuthUnavailableError(`HTTP ${res.status}`);
  const e = oauthError.safeParse(json);
  throw new TribeAuthError(res.status, e.success ? e.data.error : `http_${res.status}`, e.success ? (e.data.error_description ?? e.data.error) : text.slice(0, 200));
}
