import { describe, expect, it } from "vitest";
import { INKAART, admin, c, client, sim, tokenFor, useSimulator } from "./helpers";

let now = Date.parse("2024-06-01T12:00:00Z");

useSimulator({ clock: () => new Date(now) });

async function statuses(n: number, path = "/companyInfo"): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const r = await c.get(path);
    await r.arrayBuffer();
    out.push(r.status);
  }
  return out;
}

describe("faults", () => {
  it("latencyMs delays answers", async () => {
    sim.setFaults({ latencyMs: 150 });
    const t = Date.now();
    expect((await c.get("/companyInfo")).status).toBe(200);
    expect(Date.now() - t).toBeGreaterThanOrEqual(140);
  });

  it("errorRate answers 5xx for about that fraction, deterministically per seed", async () => {
    sim.setFaults({ errorRate: 0.5, seed: 7 });
    const a = await statuses(40);
    const errors = a.filter((s) => s >= 500);
    expect(errors.length).toBeGreaterThan(8);
    expect(errors.length).toBeLessThan(32);
    expect(new Set(errors).size).toBeGreaterThanOrEqual(1);
    for (const s of errors) expect([500, 503]).toContain(s);
    sim.setFaults({ errorRate: 0.5, seed: 7 });
    expect(await statuses(40)).toEqual(a);
    sim.setFaults({ errorRate: 1, errorStatuses: [502] });
    expect(await statuses(3)).toEqual([502, 502, 502]);
    const stats = (await (await admin(sim, "/stats")).json()) as { injectedErrors: number };
    expect(stats.injectedErrors).toBe(errors.length * 2 + 3);
  });

  it("tooManyRequestsRate answers 429 with Retry-After (configured via the admin API)", async () => {
    const set = await admin(sim, "/faults", { tooManyRequestsRate: 1, retryAfterSeconds: 7 });
    expect(set.status).toBe(200);
    const r = await c.get("/relaties");
    expect(r.status).toBe(429);
    expect(r.headers.get("retry-after")).toBe("7");
    expect(((await r.json()) as { message: string }).message).toMatch(/Rate limit/);
    expect((await admin(sim, "/faults", { tooManyRequestsRate: 2 })).status).toBe(400);
    await admin(sim, "/faults", {});
    expect((await c.get("/relaties")).status).toBe(200);
  });

  it("rateLimitPerMinute is a sliding window with Retry-After", async () => {
    sim.setFaults({ rateLimitPerMinute: 5 });
    expect(await statuses(5)).toEqual([200, 200, 200, 200, 200]);
    now += 20_000;
    const refused = await c.get("/companyInfo");
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBe(40); // the oldest call leaves the window in 40 s
    now += 40_001;
    expect((await c.get("/companyInfo")).status).toBe(200);
    const stats = (await (await admin(sim, "/stats")).json()) as {
      refusedByRateLimit: number;
      byRoute: Record<string, number>;
    };
    expect(stats.refusedByRateLimit).toBe(1);
    expect(stats.byRoute["GET /v2/companyInfo"]).toBe(7);
    await admin(sim, "/stats/reset", {});
    const cleared = (await (await admin(sim, "/stats")).json()) as { total: number; refusedByRateLimit: number };
    expect(cleared.refusedByRateLimit).toBe(0);
  });

  it("timeoutAfterWrite performs the write and then drops the connection", async () => {
    sim.setFaults({ timeoutAfterWriteRate: 1 });
    await expect(c.post("/relaties", { naam: "Verloren antwoord", relatiesoort: ["Klant"] })).rejects.toThrow();
    // reads are not affected
    sim.setFaults({});
    const found = await c.json<Array<{ naam: string; relatiecode: number }>>(
      c.get(`/relaties?$filter=${encodeURIComponent("Naam eq 'Verloren antwoord'")}`),
    );
    expect(found).toHaveLength(1);
    const stats = (await (await admin(sim, "/stats")).json()) as { injectedTimeouts: number };
    expect(stats.injectedTimeouts).toBe(1);
    const dump = (await (await admin(sim, `/state?administratie=${INKAART.id}`)).json()) as { relaties: Array<{ naam: string }> };
    expect(dump.relaties.map((r) => r.naam)).toContain("Verloren antwoord");
  });

  it("timeoutMode hang never answers (the client times out), but the write happened", async () => {
    sim.setFaults({ timeoutAfterWriteRate: 1, timeoutMode: "hang" });
    const token = await tokenFor(sim);
    await expect(
      fetch(`${sim.url}/v2/relaties`, {
        method: "POST",
        headers: {
          authorization: `Bearer ${token}`,
          "ocp-apim-subscription-key": "sandbox-subscription-key",
          "content-type": "application/json",
        },
        body: JSON.stringify({ naam: "Hangend", relatiesoort: ["Klant"] }),
        signal: AbortSignal.timeout(300),
      }),
    ).rejects.toThrow();
    sim.setFaults({});
    const found = await c.json<unknown[]>(c.get(`/relaties?$filter=${encodeURIComponent("Naam eq 'Hangend'")}`));
    expect(found).toHaveLength(1);
  });

  it("failed writes (400) are answered normally even with timeoutAfterWriteRate 1", async () => {
    sim.setFaults({ timeoutAfterWriteRate: 1 });
    const r = await c.post("/relaties", { relatiesoort: ["Klant"] });
    expect(r.status).toBe(400);
  });

  it("reset restores seed, clears faults and tokens; administraties can be added", async () => {
    sim.setFaults({ errorRate: 1 });
    await admin(sim, "/reset", {});
    expect((await (await admin(sim, "/faults")).json()) as { errorRate: number }).toMatchObject({ errorRate: 0 });
    expect((await c.get("/companyInfo")).status).toBe(401); // tokens are gone

    const added = await admin(sim, "/administraties", {
      naam: "Nieuwe Zaak",
      pakket: "InZicht",
      koppelsleutel: "nieuwe-sleutel",
      username: "nieuw@zaak.test",
      password: "geheim",
      relaties: [{ naam: "Eerste klant", relatiesoort: ["Klant"] }],
    });
    expect(added.status).toBe(201);
    const nc = client(sim, await tokenFor(sim, "nieuwe-sleutel"));
    const rel = await nc.json<Array<{ relatiecode: number }>>(nc.get("/relaties"));
    expect(rel.map((r) => r.relatiecode)).toEqual([1]);
    expect((await admin(sim, "/administraties", { naam: "Dubbel", pakket: "InKaart", koppelsleutel: "nieuwe-sleutel" })).status).toBe(409);

    // reset with an explicit seed
    const r = await admin(sim, "/reset", {
      administraties: [{ naam: "Alleen deze", pakket: "InControle", koppelsleutel: "k1", username: "u1", password: "p1" }],
    });
    expect(r.status).toBe(200);
    expect([...sim.state.administraties.values()].map((a) => a.naam)).toEqual(["Alleen deze"]);
    sim.reset(); // without a seed: back to the seed the server started with
    expect([...sim.state.administraties.values()].map((a) => a.naam)).toContain("Bakkerij De Korenschoof");
  });
});
