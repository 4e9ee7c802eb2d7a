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
