import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { SnelStartSimulator } from "../../sandbox/vendors/snelstart/server";
import { ACCOUNTANT, INBALANS, INKAART, INSTAP, SUBSCRIPTION_KEY, client, startSim, tokenFor } from "./helpers";

let sim: SnelStartSimulator;
let now = Date.parse("2024-06-01T12:00:00Z");

beforeAll(async () => {
  sim = await startSim({ clock: () => new Date(now), tokenExpiresInSeconds: 60 });
});
afterAll(() => sim.close());
beforeEach(() => sim.reset());

const form = (fields: Record<string, string>) =>
  fetch(`${sim.url}/b2b/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(fields),
  });

describe("token endpoint", () => {
  it("issues a bearer token for a koppelsleutel", async () => {
    const res = await form({ grant_type: "clientkey", clientkey: INKAART.koppelsleutel });
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(["access_token", "expires_in", "token_type"]);
    expect(body.token_type).toBe("bearer");
    expect(body.expires_in).toBe(60);
    expect(typeof body.access_token).toBe("string");
  });

  it("issues a token for username/password", async () => {
    const res = await form({ grant_type: "password", username: INKAART.username, password: INKAART.password });
    expect(res.status).toBe(200);
    const { access_token } = (await res.json()) as { access_token: string };
    const info = await client(sim, access_token).json<{ administratieIdentifier: string }>(
      client(sim, access_token).get("/companyInfo"),
    );
    expect(info.administratieIdentifier).toBe(INKAART.id);
  });

  it("answers 400 invalid_grant on bad credentials", async () => {
    const cases: Array<Record<string, string>> = [
      { grant_type: "clientkey", clientkey: "nope" },
      { grant_type: "password", username: INKAART.username, password: "wrong" },
      { grant_type: "password", username: "unknown@x.test", password: INKAART.password },
    ];
    for (const fields of cases) {
      const res = await form(fields);
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({ error: "invalid_grant" });
    }
  });

  it("answers unsupported_grant_type for other grants", async () => {
    const res = await form({ grant_type: "client_credentials" });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: "unsupported_grant_type" });
  });

  it("each koppelsleutel sees exactly its own administratie", async () => {
    const a = client(sim, await tokenFor(sim, INKAART.koppelsleutel));
    const b = client(sim, await tokenFor(sim, INBALANS.koppelsleutel));
    const ra = await a.json<Array<{ naam: string }>>(a.get("/relaties"));
    const rb = await b.json<Array<{ naam: string; id: string }>>(b.get("/relaties"));
    expect(ra.length).toBeGreaterThan(5);
    expect(rb.map((r) => r.naam)).toEqual(["Wielrenclub De Spaak", "Onderdelen Groothandel Noord"]);
    // an id of another administratie is not found
    expect((await a.get(`/relaties/${rb[0]!.id}`)).status).toBe(404);
  });

  it("tokens expire after expires_in", async () => {
    const c = client(sim, await tokenFor(sim));
    expect((await c.get("/companyInfo")).status).toBe(200);
    now += 61_000;
    const res = await c.get("/companyInfo");
    expect(res.status).toBe(401);
    expect(((await res.json()) as { message: string }).message).toMatch(/verlopen/);
  });
});

describe("API Management and bearer checks", () => {
  it("requires the subscription key (header or query)", async () => {
    const token = await tokenFor(sim);
    const missing = await fetch(`${sim.url}/v2/relaties`, { headers: { authorization: `Bearer ${token}` } });
    expect(missing.status).toBe(401);
    expect(((await missing.json()) as { message: string }).message).toMatch(/missing subscription key/);

    const wrong = await fetch(`${sim.url}/v2/relaties`, {
      headers: { authorization: `Bearer ${token}`, "ocp-apim-subscription-key": "nope" },
    });
    expect(wrong.status).toBe(401);
    expect(((await wrong.json()) as { message: string }).message).toMatch(/invalid subscription key/);

    const viaQuery = await fetch(`${sim.url}/v2/relaties?subscription-key=${SUBSCRIPTION_KEY}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(viaQuery.status).toBe(200);
  });

  it("requires a valid bearer token", async () => {
    const none = await fetch(`${sim.url}/v2/relaties`, { headers: { "ocp-apim-subscription-key": SUBSCRIPTION_KEY } });
    expect(none.status).toBe(401);
    const bad = await fetch(`${sim.url}/v2/relaties`, {
      headers: { "ocp-apim-subscription-key": SUBSCRIPTION_KEY, authorization: "Bearer not-a-token" },
    });
    expect(bad.status).toBe(401);
  });

  it("uses the configured subscription key", async () => {
    const other = await startSim({ subscriptionKey: "custom-key" });
    try {
      const token = await tokenFor(other);
      const res = await fetch(`${other.url}/v2/companyInfo`, {
        headers: { authorization: `Bearer ${token}`, "ocp-apim-subscription-key": "custom-key" },
      });
      expect(res.status).toBe(200);
    } finally {
      await other.close();
    }
  });
});

describe("packages", () => {
  it("InStap and Accountant administraties get a token but every /v2 call is 403", async () => {
    for (const key of [INSTAP.koppelsleutel, ACCOUNTANT.koppelsleutel]) {
      const c = client(sim, await tokenFor(sim, key));
      for (const path of ["/relaties", "/companyInfo", "/verkoopfacturen", "/artikelen"]) {
        const res = await c.get(path);
        expect(res.status).toBe(403);
        const body = (await res.json()) as { message: string };
        expect(body.message).toMatch(/geen toegang tot de SnelStart API/);
      }
      const post = await c.post("/relaties", { naam: "x", relatiesoort: ["Klant"] });
      expect(post.status).toBe(403);
    }
  });

  it("InStap can also log in with username/password, and is still refused", async () => {
    const res = await form({ grant_type: "password", username: INSTAP.username, password: INSTAP.password });
    const { access_token } = (await res.json()) as { access_token: string };
    const r = await client(sim, access_token).get("/relaties");
    expect(r.status).toBe(403);
    expect(((await r.json()) as { message: string }).message).toMatch(/InStap/);
  });

  it("InBalans has API access", async () => {
    const c = client(sim, await tokenFor(sim, INBALANS.koppelsleutel));
    expect((await c.get("/relaties")).status).toBe(200);
  });
});
