import { afterAll, beforeAll, beforeEach } from "vitest";
import {
  startPowerOfficeSimulator,
  type PowerOfficeSimulator,
  type PowerOfficeSimulatorOptions,
} from "../../sandbox/vendors/poweroffice/server";

/** Keys from sandbox/vendors/poweroffice/seed.json. */
export const APPLICATION_KEY = "sandbox-application-key-ledgerlink";
export const SUBSCRIPTION_KEY = "sandbox-subscription-key";
export const OTHER_SUBSCRIPTION_KEY = "sandbox-subscription-key-2";
export const CLIENTS = {
  nordlys: { id: "3f8a2c71-5d4e-4b1a-9c2f-6e7d8a9b0c11", key: "sandbox-client-key-nordlys-interior" },
  sjomat: { id: "8b1c4d2e-7f60-4a39-b5d8-2c3e4f5a6b72", key: "sandbox-client-key-tromso-sjomat" },
  /** lacks SalesOrders_Full, SalesOrderAttachment(_Full) */
  sport: { id: "c5d6e7f8-1a2b-4c3d-8e4f-5a6b7c8d9e03", key: "sandbox-client-key-lillehammer-sport" },
  demo: { id: "0d9e8f7a-6b5c-4d3e-9f2a-1b0c9d8e7f64", key: "sandbox-demo-client-key" },
};

/** A simulator on a free port; without the rate limit unless a test asks for it (ratelimit.test.ts does). */
export function startSim(opts: Partial<PowerOfficeSimulatorOptions> = {}): Promise<PowerOfficeSimulator> {
  return startPowerOfficeSimulator({ port: 0, ...opts, settings: { rateLimitPerSecond: 0, ...opts.settings } });
}

export const basic = (applicationKey: string, clientKey: string) =>
  `Basic ${Buffer.from(`${applicationKey}:${clientKey}`).toString("base64")}`;

export function requestToken(
  sim: PowerOfficeSimulator,
  opts: { clientKey?: string; applicationKey?: string; subscriptionKey?: string | null; demo?: boolean; form?: string } = {},
): Promise<Response> {
  const headers: Record<string, string> = {
    "content-type": "application/x-www-form-urlencoded",
    authorization: basic(opts.applicationKey ?? APPLICATION_KEY, opts.clientKey ?? CLIENTS.nordlys.key),
  };
  if (opts.subscriptionKey !== null) headers["ocp-apim-subscription-key"] = opts.subscriptionKey ?? SUBSCRIPTION_KEY;
  return fetch(`${sim.url}${opts.demo ? "/Demo" : ""}/OAuth/Token`, {
    method: "POST",
    headers,
    body: opts.form ?? "grant_type=client_credentials",
  });
}

export async function tokenFor(sim: PowerOfficeSimulator, clientKey = CLIENTS.nordlys.key, opts: { demo?: boolean; subscriptionKey?: string } = {}): Promise<string> {
  const res = await requestToken(sim, { clientKey, ...opts });
  if (res.status !== 200) throw new Error(`token: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

export interface Api {
  get(path: string): Promise<Response>;
  post(path: string, body: unknown): Promise<Response>;
  /** a JSON Patch (application/json-patch+json) */
  patch(path: string, ops: unknown): Promise<Response>;
  del(path: string): Promise<Response>;
  raw(path: string, init: RequestInit): Promise<Response>;
  json<T = Row>(res: Response | Promise<Response>): Promise<T>;
}

export type Row = Record<string, unknown>;

/** An API client for one token (and subscription key) against /v2 or /Demo/v2. */
export function api(sim: PowerOfficeSimulator, token: string, opts: { subscriptionKey?: string; demo?: boolean } = {}): Api {
  const base = `${sim.url}${opts.demo ? "/Demo" : ""}/v2`;
  const auth = { authorization: `Bearer ${token}`, "ocp-apim-subscription-key": opts.subscriptionKey ?? SUBSCRIPTION_KEY };
  const call = (path: string, init: RequestInit = {}) =>
    fetch(`${base}${path}`, { ...init, headers: { ...auth, ...(init.headers as Record<string, string> | undefined) } });
  return {
    get: (p) => call(p),
    post: (p, b) => call(p, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(b) }),
    patch: (p, ops) => call(p, { method: "PATCH", headers: { "content-type": "application/json-patch+json" }, body: JSON.stringify(ops) }),
    del: (p) => call(p, { method: "DELETE" }),
    raw: call,
    json: async <T>(r: Response | Promise<Response>) => {
      const res = await r;
      if (res.status >= 300) throw new Error(`${res.status} ${await res.text()}`);
      return (await res.json()) as T;
    },
  };
}

/** Set by `useSimulator` (live bindings: import them, read them in tests and hooks). */
export let sim: PowerOfficeSimulator;
export let token: string;
export let c: Api;

/**
 * One simulator for the test file (`sim`), reset before each test, and `c`,
 * an API client of Nordlys with a fresh `token` for each test.
 */
export function useSimulator(opts: Partial<PowerOfficeSimulatorOptions> = {}): void {
  beforeAll(async () => {
    sim = await startSim(opts);
  });
  afterAll(() => sim.close());
  beforeEach(async () => {
    sim.reset();
    token = await tokenFor(sim);
    c = api(sim, token);
  });
}

export async function admin(sim: PowerOfficeSimulator, path: string, body?: unknown): Promise<Response> {
  return fetch(`${sim.url}/__admin${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

/** A bookkeeper page for a client (the no-break spaces of amounts read as spaces). */
export async function uiPage(sim: PowerOfficeSimulator, path: string, clientId = CLIENTS.nordlys.id) {
  const res = await fetch(`${sim.url}/__admin/ui${path}?client=${clientId}`);
  return { status: res.status, html: (await res.text()).replace(/[\u00a0\u202f]/g, " ") };
}

/** Posts a form as a browser does (urlencoded), without following the redirect. */
export function postForm(sim: PowerOfficeSimulator, action: string, fields: Record<string, string>) {
  return fetch(`${sim.url}${action.replace(/&amp;/g, "&")}`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(fields).toString(),
    redirect: "manual",
  });
}

/** The action of the form on a page whose action path (before `?`) ends with `end`. */
export function formAction(html: string, end: string): string {
  const actions = [...html.matchAll(/<form method="post" action="([^"]*)"/g)].map((m) => m[1]!.replace(/&amp;/g, "&"));
  const found = actions.find((a) => a.split("?")[0]!.endsWith(end));
  if (!found) throw new Error(`no form posting to …${end}; forms: ${actions.join(", ")}`);
  return found;
}
