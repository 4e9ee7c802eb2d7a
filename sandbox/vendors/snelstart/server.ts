/**
 * SnelStart B2B API v2 simulator (written from the vendor's OpenAPI spec).
 *
 *   POST /b2b/token            token (koppelsleutel or username/password)
 *   /v2/...                    the API (Bearer + Ocp-Apim-Subscription-Key)
 *   /__admin/...               test hooks and the bookkeeper page
 *
 * See README.md in this folder.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { notFoundBody } from "./api";
import { handleAdmin } from "./admin";
import { loadSpec, matchOperation, pathExists } from "./spec";
import { runOperation } from "./operation";
import { header, mediaType, queryRecord, readBody, sendJson, sleep } from "../../shared/http";
import { checkSubscriptionKey, rateLimitExceeded } from "../../shared/apim";
import { startSimulatorServer } from "../../shared/server";
import { SimulatorState, type SimulatorConfig } from "./simulator";
import type { SeedFile } from "./seed";
import type { Clock } from "./store";
import type { ApiError, FaultConfig, JsonObject, Pakket } from "./types";

export interface SnelStartSimulatorOptions {
  /** 0 = any free port. */
  port: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Seed file path or seed object; default `seed.json` next to this file. */
  seed?: string | SeedFile;
  /** Required `Ocp-Apim-Subscription-Key`; default "sandbox-subscription-key". */
  subscriptionKey?: string;
  /** `expires_in` of issued tokens; default 3599. */
  tokenExpiresInSeconds?: number;
  /** Page size when `$top` is absent; default 500 (capped by the spec's maximum per operation). */
  defaultTop?: number;
  /** Largest page served; default 500. */
  maxTop?: number;
  /** Packages whose /v2 calls answer 403; default InStap and Accountant. */
  packagesWithoutApiAccess?: Pakket[];
  /** Refuse unbalanced verkoopboekingen; default true. */
  checkBalance?: boolean;
  /** Betalingstermijn when neither boeking nor klant gives one; default 14 days. */
  defaultBetalingstermijn?: number;
  /** Accept date-times without offset in bodies (the spec's `date-time` requires one); default false. */
  lenientDateTime?: boolean;
  /** Initial faults. */
  faults?: Partial<FaultConfig>;
  /** Time source (tests). */
  clock?: Clock;
  /** Log each request to stderr. */
  log?: boolean;
}

export interface SnelStartSimulator {
  url: string;
  port: number;
  close(): Promise<void>;
  setFaults(faults: Partial<FaultConfig>): FaultConfig;
  reset(seed?: SeedFile): void;
  state: SimulatorState;
}

export async function startSnelStartSimulator(opts: SnelStartSimulatorOptions): Promise<SnelStartSimulator> {
  const spec = await loadSpec({ lenientDateTime: opts.lenientDateTime });
  const clock: Clock = opts.clock ?? (() => new Date());
  const config: SimulatorConfig = {
    subscriptionKey: opts.subscriptionKey ?? "sandbox-subscription-key",
    tokenExpiresInSeconds: opts.tokenExpiresInSeconds ?? 3599,
    defaultTop: opts.defaultTop ?? 500,
    maxTop: opts.maxTop ?? 500,
    packagesWithoutApiAccess: opts.packagesWithoutApiAccess ?? ["InStap", "Accountant"],
    domain: {
      checkBalance: opts.checkBalance ?? true,
      defaultBetalingstermijn: opts.defaultBetalingstermijn ?? 14,
    },
  };
  const state = new SimulatorState(spec, config, clock, opts.seed);
  if (opts.faults) state.setFaults(opts.faults);

  const server = await startSimulatorServer(opts, {
    name: "snelstart-sim",
    handle: (req, res, url, method) => handle(state, req, res, url, method),
    errorBodies: {
      tooLarge: () => ({ statusCode: 413, message: "Request body too large" }),
      internal: () => ({ statusCode: 500, message: "Interne fout in de simulator" }),
    },
  });
  return {
    ...server,
    state,
    setFaults: (f) => state.setFaults(f),
    reset: (seed) => state.reset(seed),
  };
}

async function handle(state: SimulatorState, req: IncomingMessage, res: ServerResponse, url: URL, method: string): Promise<void> {
  const path = url.pathname;

  if (path === "/__admin" || path.startsWith("/__admin/")) {
    state.countRequest(`${method} ${path.replace(/[0-9a-f]{8}-[0-9a-f-]{27}/gi, "{id}")}`);
    const body = await readBody(req);
    await handleAdmin(state, req, res, url, body);
    return;
  }
  if (path === "/b2b/token") {
    state.countRequest(`${method} /b2b/token`);
    const body = await readBody(req);
    return tokenEndpoint(state, req, res, body);
  }
  if (path === "/v2" || path.startsWith("/v2/")) return apiEndpoint(state, req, res, url, method);

  state.countRequest(`${method} ${path}`);
  sendJson(res, 404, notFoundBody("Resource not found"));
}

// ---------------------------------------------------------------- token

function tokenEndpoint(state: SimulatorState, req: IncomingMessage, res: ServerResponse, body: Buffer): void {
  const reply = (status: number, b: unknown) => {
    state.countStatus(status);
    sendJson(res, status, b, { "cache-control": "no-store" });
  };
  if (req.method !== "POST") return reply(405, { error: "invalid_request" });
  if (mediaType(req) !== "application/x-www-form-urlencoded") return reply(400, { error: "invalid_request" });
  const form = new URLSearchParams(body.toString("utf8"));
  const grant = form.get("grant_type");
  if (grant === "clientkey") {
    const adm = state.byKoppelsleutel(form.get("clientkey") ?? "");
    if (!adm) return reply(400, { error: "invalid_grant" });
    return reply(200, state.issueToken(adm));
  }
  if (grant === "password") {
    const adm = state.byCredentials(form.get("username") ?? "", form.get("password") ?? "");
    if (!adm) return reply(400, { error: "invalid_grant" });
    return reply(200, state.issueToken(adm));
  }
  return reply(400, { error: "unsupported_grant_type" });
}

// ---------------------------------------------------------------- /v2

async function apiEndpoint(
  state: SimulatorState,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  method: string,
): Promise<void> {
  const { spec, faults, config } = state;
  const match = matchOperation(spec, method, url.pathname);
  state.countRequest(`${method} ${match?.template ?? url.pathname}`);
  const body = await readBody(req);
  const reply = (status: number, b: unknown, headers?: Record<string, string>) => {
    state.countStatus(status);
    sendJson(res, status, b, headers);
  };

  // 1. API Management: subscription key
  const apim = checkSubscriptionKey(req, url, [config.subscriptionKey]);
  if ("refusal" in apim) return reply(401, apim.refusal);
  const { key } = apim;

  const auth = header(req, "authorization");
  const bearer = auth && /^bearer\s+/i.test(auth) ? auth.replace(/^bearer\s+/i, "").trim() : undefined;
  const who = state.resolveToken(bearer);

  // 2. faults (rate limit per administratie, latency, injected 429 / 5xx)
  const retryAfter = faults.rateLimit("adm" in who ? who.adm.id : `key:${key}`);
  if (retryAfter !== undefined) {
    state.stats.refusedByRateLimit++;
    return reply(
      429,
      { statusCode: 429, message: rateLimitExceeded(retryAfter) },
      { "retry-after": String(retryAfter) },
    );
  }
  if (faults.config.latencyMs > 0) await sleep(faults.config.latencyMs);
  if (faults.injectTooManyRequests()) {
    state.stats.injectedTooManyRequests++;
    const s = faults.config.retryAfterSeconds;
    return reply(
      429,
      { statusCode: 429, message: rateLimitExceeded(s) },
      { "retry-after": String(s) },
    );
  }
  const injected = faults.injectError();
  if (injected !== undefined) {
    state.stats.injectedErrors++;
    return reply(injected, { statusCode: injected, message: "Er is een onverwachte fout opgetreden (gesimuleerd)." });
  }

  // 3. bearer token
  if (!("adm" in who)) {
    const message =
      who.error === "expired"
        ? "Het access token is verlopen; vraag een nieuw token aan."
        : "Authorization has been denied for this request.";
    return reply(401, { statusCode: 401, message }, { "www-authenticate": 'Bearer error="invalid_token"' });
  }
  const adm = who.adm;

  // 4. package
  if (config.packagesWithoutApiAccess.includes(adm.pakket)) {
    return reply(403, {
      statusCode: 403,
      message: `Het pakket ${adm.pakket} van administratie '${adm.naam}' heeft geen toegang tot de SnelStart API. API-koppelingen zijn beschikbaar vanaf InKaart, InBalans, InZicht en InControle.`,
    });
  }

  // 5. routing
  if (!match) {
    if (pathExists(spec, url.pathname))
      return reply(405, { statusCode: 405, message: `Methode ${method} is niet toegestaan op ${url.pathname}.` });
    return reply(404, notFoundBody("Resource not found"));
  }

  // 6. body
  let parsed: unknown = undefined;
  const ct = mediaType(req);
  if (body.length > 0) {
    if (ct && ct !== "application/json" && ct !== "text/json") {
      return reply(415, { statusCode: 415, message: `Content-Type '${ct}' wordt niet ondersteund; gebruik application/json.` });
    }
    try {
      parsed = JSON.parse(body.toString("utf8"));
    } catch (e) {
      const err: ApiError = {
        kenmerk: "body",
        message: `De body is geen geldige JSON: ${(e as Error).message}`,
        errorCode: "Schema.parse",
        location: "body",
      };
      return reply(400, [err]);
    }
  }

  // 7. validation against the spec, 8. the operation
  const query = queryRecord(url);
  delete query["subscription-key"]; // consumed by API Management, not part of the operation
  const out = runOperation(state, adm, match, {
    method,
    path: url.pathname,
    query,
    body: parsed,
    contentType: ct || "application/json",
  });

  // 9. timeout after a successful write: the write happened, the answer never arrives
  if (faults.loseAnswer(req, method, out.status)) {
    state.stats.injectedTimeouts++;
    return;
  }
  reply(out.status, out.body as JsonObject, out.headers);
}
