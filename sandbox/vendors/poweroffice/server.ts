/**
 * PowerOffice Go API v2 simulator (written from the vendor's OpenAPI spec
 * and FACTS.md §3).
 *
 *   POST /OAuth/Token, /Demo/OAuth/Token   token (client credentials)
 *   /v2/..., /Demo/v2/...                  the API (Bearer + Ocp-Apim-Subscription-Key)
 *   /__admin/...                           test hooks and the bookkeeper page
 *
 * See README.md in this folder.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { SERVED_OPERATIONS } from "./api";
import { handleAdmin } from "./admin";
import { header, mediaType, queryRecord, readBody, sendBytes, sendJson, sleep } from "../../shared/http";
import type { FaultKnobs } from "../../shared/faults";
import { checkSubscriptionKey, rateLimitExceeded } from "../../shared/apim";
import { startSimulatorServer } from "../../shared/server";
import { runOperation } from "./operation";
import { problemBody } from "./problem";
import type { UploadedFile } from "./sales";
import type { SeedFile } from "./seed";
import { loadSpec } from "./spec";
import { SettingsSchema, SimulatorState } from "./simulator";
import type { Clock } from "./store";
import { DEFAULT_SETTINGS, type ApiResponse, type Environment, type Settings } from "./types";

export interface PowerOfficeSimulatorOptions {
  /** 0 = any free port. */
  port: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Seed file path or seed object; default `seed.json` next to this file. */
  seed?: string | SeedFile;
  /** Behaviour where the documentation is silent (token lifetime, rate limit, paging headers …); see README. */
  settings?: Partial<Settings>;
  /** Replace the seed's application key / subscription keys (a deployment's own). */
  applicationKey?: string;
  subscriptionKeys?: string[];
  /** Initial faults. */
  faults?: Partial<FaultKnobs>;
  /** Time source (tests). */
  clock?: Clock;
  /** Log each request to stderr. */
  log?: boolean;
}

export interface PowerOfficeSimulator {
  url: string;
  port: number;
  close(): Promise<void>;
  reset(seed?: SeedFile): void;
  setFaults(faults: Partial<FaultKnobs>): FaultKnobs;
  setSettings(settings: Partial<Settings>): Settings;
  state: SimulatorState;
}

export async function startPowerOfficeSimulator(opts: PowerOfficeSimulatorOptions): Promise<PowerOfficeSimulator> {
  const spec = await loadSpec(SERVED_OPERATIONS);
  const clock: Clock = opts.clock ?? (() => new Date());
  const settings = { ...DEFAULT_SETTINGS, ...SettingsSchema.parse(opts.settings ?? {}) };
  const state = new SimulatorState(spec, clock, opts.seed, settings, {
    applicationKey: opts.applicationKey,
    subscriptionKeys: opts.subscriptionKeys,
  });
  if (opts.faults) state.setFaults(opts.faults);

  const server = await startSimulatorServer(opts, {
    name: "poweroffice-sim",
    handle: (req, res, url, method) => handle(state, req, res, url, method),
    errorBodies: {
      tooLarge: (path) => problemBody(413, "The request body is too large.", path),
      internal: (path) => problemBody(500, "Internal error in the simulator.", path),
    },
  });
  return {
    ...server,
    state,
    reset: (seed) => state.reset(seed),
    setFaults: (f) => state.setFaults(f),
    setSettings: (s) => state.setSettings(s),
  };
}

async function handle(state: SimulatorState, req: IncomingMessage, res: ServerResponse, url: URL, method: string): Promise<void> {
  const path = url.pathname;

  if (path === "/__admin" || path.startsWith("/__admin/")) {
    const body = await readBody(req);
    return handleAdmin(state, req, res, url, body);
  }
  const token = /^(\/demo)?\/oauth\/token\/?$/i.exec(path);
  if (token) return tokenEndpoint(state, req, res, url, token[1] ? "demo" : "production");
  const api = /^(\/Demo)?\/v2(\/.*)?$/.exec(path);
  if (api) return apiEndpoint(state, req, res, url, method, api[1] ? "demo" : "production", api[2] ?? "/");

  state.record(`${method} ${path}`, 404);
  sendJson(res, 404, problemBody(404, `No resource at ${path}. The API is below /v2 (or /Demo/v2).`, path));
}

/**
 * API Management in front of everything: the subscription key and the rate
 * limit. Returns the key, or answers the refusal and returns undefined.
 */
function gateway(state: SimulatorState, req: IncomingMessage, url: URL, reply: (status: number, body: unknown, headers?: Record<string, string>) => void): string | undefined {
  const apim = checkSubscriptionKey(req, url, state.subscriptionKeys);
  if ("refusal" in apim) {
    reply(401, apim.refusal);
    return undefined;
  }
  const { key } = apim;
  const wait = state.rateLimiter.take(key, state.settings.rateLimitPerSecond);
  if (wait !== undefined) {
    state.stats.refusedByRateLimit[key] = (state.stats.refusedByRateLimit[key] ?? 0) + 1;
    tooManyRequests(state, reply, wait);
    return undefined;
  }
  return key;
}

/** The 429 as FACTS.md quotes it (statusCode as a string). */
function tooManyRequests(state: SimulatorState, reply: (status: number, body: unknown, headers?: Record<string, string>) => void, seconds: number): void {
  reply(
    429,
    { statusCode: "429", message: rateLimitExceeded(seconds) },
    state.settings.retryAfterHeader ? { "retry-after": String(seconds) } : {},
  );
}

// ---------------------------------------------------------------- token

async function tokenEndpoint(state: SimulatorState, req: IncomingMessage, res: ServerResponse, url: URL, environment: Environment): Promise<void> {
  const route = `${req.method} ${environment === "demo" ? "/Demo" : ""}/OAuth/Token`;
  const body = await readBody(req);
  const reply = (status: number, b: unknown, headers: Record<string, string> = {}) => {
    state.record(route, status);
    sendJson(res, status, b, { "cache-control": "no-store", ...headers });
  };
  if (!gateway(state, req, url, reply)) return;
  if (req.method !== "POST") return reply(405, { error: "invalid_request", error_description: "Use POST." });
  if (mediaType(req) !== "application/x-www-form-urlencoded")
    return reply(400, { error: "invalid_request", error_description: "The body must be application/x-www-form-urlencoded." });
  const form = new URLSearchParams(body.toString("utf8"));
  if (form.get("grant_type") !== "client_credentials")
    return reply(400, { error: "unsupported_grant_type", error_description: "grant_type must be client_credentials." });

  const basic = /^basic\s+(\S+)$/i.exec(header(req, "authorization") ?? "")?.[1];
  const decoded = basic ? Buffer.from(basic, "base64").toString("utf8") : "";
  const colon = decoded.indexOf(":");
  if (colon < 0)
    return reply(400, {
      error: "invalid_client",
      error_description: "Send Authorization: Basic base64(ApplicationKey:ClientKey).",
    });
  const applicationKey = decoded.slice(0, colon);
  const clientKey = decoded.slice(colon + 1);
  if (applicationKey !== state.applicationKey)
    return reply(400, { error: "invalid_client", error_description: "The application key is not valid." });
  const client = state.byClientKey(clientKey, environment);
  if (!client)
    return reply(400, {
      error: "invalid_client",
      error_description: `The client key is not valid for this integration${environment === "demo" ? " in the demo environment" : ""}.`,
    });
  reply(200, state.issueToken(client, applicationKey));
}

// ---------------------------------------------------------------- the API

/** Does a request media type match one an operation lists (with "application/*+json" style wildcards)? */
function accepts(listed: string[], type: string): boolean {
  return listed.some((l) => l === type || (l.includes("*") && new RegExp(`^${l.replace(/[.+]/g, "\\$&").replace("*", "[^/]+")}$`).test(type)));
}

async function apiEndpoint(
  state: SimulatorState,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  method: string,
  environment: Environment,
  subPath: string,
): Promise<void> {
  const root = environment === "demo" ? "/Demo/v2" : "/v2";
  const match = state.spec.match(method, subPath);
  const route = `${method} ${root}${match?.op.template ?? subPath}`;
  const body = await readBody(req);
  const reply = (status: number, b: unknown, headers?: Record<string, string>) => {
    state.record(route, status);
    sendJson(res, status, b, headers);
  };
  const problemReply = (status: number, detail: string, headers?: Record<string, string>) =>
    reply(status, problemBody(status, detail, url.pathname), headers);

  // 1. API Management: subscription key and rate limit
  if (!gateway(state, req, url, reply)) return;

  // 2. faults
  const { faults } = state;
  if (faults.config.latencyMs > 0) await sleep(faults.config.latencyMs);
  if (faults.injectTooManyRequests()) {
    state.stats.injectedTooManyRequests++;
    return tooManyRequests(state, reply, 1);
  }
  const injected = faults.injectError();
  if (injected !== undefined) {
    state.stats.injectedErrors++;
    return problemReply(injected, "A simulated server error (fault injection).");
  }

  // 3. bearer token
  const bearer = /^bearer\s+(\S+)$/i.exec(header(req, "authorization") ?? "")?.[1];
  const who = bearer ? state.resolveToken(bearer, environment) : undefined;
  if (!who || "error" in who) {
    const detail = !who
      ? "An access token is required: Authorization: Bearer <access_token>."
      : who.error === "expired"
        ? "The access token has expired; request a new one (there is no refresh token)."
        : who.error === "environment"
          ? `The access token was issued for the other environment; use ${environment === "demo" ? "/Demo/OAuth/Token" : "/OAuth/Token"}.`
          : "The access token is not valid.";
    return problemReply(401, detail, { "www-authenticate": 'Bearer error="invalid_token"' });
  }

  // 4. routing
  if (!match) {
    const why = state.spec.unmatched(method, subPath);
    if (why === 405) return problemReply(405, `${method} is not allowed on ${url.pathname}.`);
    if (why === 501) return problemReply(501, `The simulator does not implement ${method} ${url.pathname}, an operation of the PowerOffice spec.`);
    return problemReply(404, `No resource at ${url.pathname}.`);
  }

  // 5. the body, by the media types the operation lists
  let parsed: unknown;
  let file: UploadedFile | undefined;
  const type = mediaType(req);
  if (body.length > 0 && match.op.requestContentTypes.length > 0) {
    if (!accepts(match.op.requestContentTypes, type))
      return problemReply(415, `Content-Type '${type || "(none)"}' is not accepted here; use ${match.op.requestContentTypes.join(" or ")}.`);
    if (type === "multipart/form-data") {
      try {
        const form = await new Response(new Blob([new Uint8Array(body)]), { headers: { "content-type": String(req.headers["content-type"]) } }).formData();
        const part = form.get("file");
        if (part && typeof part !== "string")
          file = { name: part.name, type: part.type, data: Buffer.from(await part.arrayBuffer()) };
      } catch (e) {
        return reply(400, problemBody(400, `The body is not valid multipart/form-data: ${(e as Error).message}`, url.pathname, [{ field: "body", message: "is not valid multipart/form-data." }]));
      }
    } else {
      try {
        parsed = JSON.parse(body.toString("utf8"));
      } catch (e) {
        const reason = { field: "body", message: `is not valid JSON: ${(e as Error).message}` };
        return reply(400, problemBody(400, `body: ${reason.message}`, url.pathname, [reason]));
      }
    }
  }

  // 6. the operation
  const query = queryRecord(url);
  delete query["subscription-key"]; // consumed by API Management, not a parameter of the operation
  const out: ApiResponse = runOperation(state, who.client, who.applicationKey, match, {
    path: subPath,
    instance: url.pathname,
    query,
    body: parsed,
    file,
  });

  // 7. a lost answer after a successful write: the write happened, the client never hears
  if (faults.loseAnswer(req, method, out.status)) {
    state.stats.injectedTimeouts++;
    state.record(route, "dropped");
    return;
  }
  if (out.bytes) {
    state.record(route, out.status);
    return sendBytes(res, out.status, out.bytes.data, out.bytes.contentType, out.bytes.fileName);
  }
  reply(out.status, out.body, out.headers);
}
