import { afterAll, beforeAll, beforeEach } from "vitest";
import {
  startSnelStartSimulator,
  type SnelStartSimulator,
  type SnelStartSimulatorOptions,
} from "../../sandbox/vendors/snelstart/server";

export const SUBSCRIPTION_KEY = "sandbox-subscription-key";

/** Credentials from sandbox/vendors/snelstart/seed.json. */
export const INKAART = {
  id: "eb1ebe55-f583-5175-a983-8a338d622701",
  koppelsleutel: "sandbox-koppelsleutel-inkaart-korenschoof",
  username: "boekhouding@korenschoof.test",
  password: "Korenschoof-InKaart-2024!",
};
export const INBALANS = {
  id: "2c0e4262-a3fe-5461-ac53-f8e213e787a3",
  koppelsleutel: "sandbox-koppelsleutel-inbalans-vandijk",
};
export const INSTAP = {
  koppelsleutel: "sandbox-koppelsleutel-instap-knipenzo",
  username: "eigenaar@knipenzo.test",
  password: "KnipEnZo-InStap-2024!",
};
export const ACCOUNTANT = { koppelsleutel: "sandbox-koppelsleutel-accountant-telgen" };

/** Seeded ids of the InKaart administratie. */
export const IDS = {
  klantZonnetje: "ca4d2fdc-fd79-549a-9315-9f1d42fdf7d6",
  klantGoudenLeeuw: "789a761f-826b-52ac-81a8-4112e8cb7d61",
  /** klant 1003, the relatie of verkooporder 1001 */
  klantBuurtwinkel: "5865ce4e-24b6-5633-b1c5-113edf99b1e4",
  leverancierMeelfabriek: "f1c1fcd5-465a-5af6-9494-ab34647d0a51",
  /** BROOD-001, used in verkooporder 1001 */
  artikelVolkoren: "5d516636-143a-58aa-8790-c10a564c77d3",
  /** CATER-100, in no order */
  artikelCatering: "9c8a964d-94b9-5f2b-90d4-a302a4a1dda8",
  verkooporder1001: "6e051722-9884-5671-81f1-c7a155f12d54",
  /** 2024-0002, open, klant 1001 */
  boekingOpen: "fbbbbf42-fba3-53c7-ad36-8230ec3fef1a",
  machtigingZonnetje: "7be67aa9-6f29-5973-8442-ce729cd6e61d",
  landNederland: "0f1a2b3c-0000-4000-8000-000000000001",
};

export async function startSim(opts: Partial<SnelStartSimulatorOptions> = {}): Promise<SnelStartSimulator> {
  return startSnelStartSimulator({ port: 0, ...opts });
}

export async function tokenFor(sim: SnelStartSimulator, koppelsleutel = INKAART.koppelsleutel): Promise<string> {
  const res = await fetch(`${sim.url}/b2b/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "clientkey", clientkey: koppelsleutel }),
  });
  if (res.status !== 200) throw new Error(`token: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

export interface Client {
  get(path: string): Promise<Response>;
  post(path: string, body: unknown): Promise<Response>;
  put(path: string, body: unknown): Promise<Response>;
  del(path: string): Promise<Response>;
  json<T = unknown>(res: Response | Promise<Response>): Promise<T>;
}

export function client(sim: SnelStartSimulator, token: string): Client {
  const headers = {
    authorization: `Bearer ${token}`,
    "ocp-apim-subscription-key": SUBSCRIPTION_KEY,
  };
  const call = (method: string, path: string, body?: unknown) =>
    fetch(`${sim.url}/v2${path}`, {
      method,
      headers: body === undefined ? headers : { ...headers, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  return {
    get: (p) => call("GET", p),
    post: (p, b) => call("POST", p, b),
    put: (p, b) => call("PUT", p, b),
    del: (p) => call("DELETE", p),
    json: async <T>(r: Response | Promise<Response>) => (await (await r).json()) as T,
  };
}

/** Set by `useSimulator` (live bindings: import them, read them in tests and hooks). */
export let sim: SnelStartSimulator;
export let c: Client;

/**
 * One simulator for the test file (`sim`), reset before each test, and `c`,
 * an API client of InKaart with a fresh token for each test.
 */
export function useSimulator(opts: Partial<SnelStartSimulatorOptions> = {}): void {
  beforeAll(async () => {
    sim = await startSim(opts);
  });
  afterAll(() => sim.close());
  beforeEach(async () => {
    sim.reset();
    c = client(sim, await tokenFor(sim));
  });
}

export async function admin(sim: SnelStartSimulator, path: string, body?: unknown, method = body === undefined ? "GET" : "POST") {
  return fetch(`${sim.url}/__admin${path}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

export type Row = Record<string, unknown> & { id: string; modifiedOn: string };

export async function grootboekId(c: Client, nummer: number): Promise<string> {
  const rows = await c.json<Array<{ id: string; nummer: number }>>(c.get(`/grootboeken?$filter=Nummer eq ${nummer}`));
  const g = rows[0];
  if (!g) throw new Error(`grootboek ${nummer} not seeded`);
  return g.id;
}

// ---------------------------------------------------------------- the bookkeeper page, as a browser uses it

/** A page below /__admin/ui of the InKaart administratie (amounts' no-break spaces read as spaces). */
export async function uiPage(sim: SnelStartSimulator, path: string, params: Record<string, string> = {}) {
  const q = new URLSearchParams({ administratie: INKAART.id, ...params });
  const res = await fetch(`${sim.url}/__admin/ui${path}?${q}`);
  return { status: res.status, html: (await res.text()).replace(/\u00a0/g, " ") };
}

/** Posts a form like a browser (urlencoded) without following the redirect. */
export function postForm(sim: SnelStartSimulator, action: string, fields: URLSearchParams | Record<string, string>) {
  return fetch(`${sim.url}${action}`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(fields).toString(),
    redirect: "manual",
  });
}

const unescape = (s: string) =>
  s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");

/**
 * The form whose action path (before `?`) ends with `actionEnd`, with the
 * values a browser would submit as the page stands: text, hidden and date
 * inputs, checked checkboxes, selected options, textareas.
 */
export function formOn(html: string, actionEnd: string): { action: string; fields: URLSearchParams } {
  const forms = [...html.matchAll(/<form method="post" action="([^"]*)"[^>]*>([\s\S]*?)<\/form>/g)];
  const form = forms.find((m) => m[1]!.split("?")[0]!.endsWith(actionEnd));
  if (!form) throw new Error(`no form posting to …${actionEnd}`);
  const body = form[2]!;
  const fields = new URLSearchParams();
  for (const m of body.matchAll(/<input ([^>]*)>/g)) {
    const attrs = m[1]!;
    const name = /name="([^"]*)"/.exec(attrs)?.[1];
    if (!name) continue;
    const value = unescape(/value="([^"]*)"/.exec(attrs)?.[1] ?? "");
    if (/type="checkbox"/.test(attrs) && !/ checked/.test(attrs)) continue;
    fields.append(unescape(name), value);
  }
  for (const m of body.matchAll(/<select [^>]*name="([^"]*)"[^>]*>([\s\S]*?)<\/select>/g)) {
    const options = [...m[2]!.matchAll(/<option value="([^"]*)"( selected)?>/g)];
    const chosen = options.find((o) => o[2]) ?? options[0];
    fields.append(unescape(m[1]!), unescape(chosen?.[1] ?? ""));
  }
  for (const m of body.matchAll(/<textarea [^>]*name="([^"]*)"[^>]*>([\s\S]*?)<\/textarea>/g))
    fields.append(unescape(m[1]!), unescape(m[2]!));
  return { action: unescape(form[1]!), fields };
}
