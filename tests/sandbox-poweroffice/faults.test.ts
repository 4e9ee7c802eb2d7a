import { describe, expect, it } from "vitest";
import { admin, api, c, CLIENTS, sim, SUBSCRIPTION_KEY, token, tokenFor, useSimulator, type Row } from "./helpers";

useSimulator();

async function statuses(n: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const r = await c.get("/VatCodes?PageSize=1");
    await r.arrayBuffer();
    out.push(r.status);
  }
  return out;
}

interface Stats {
  injectedErrors: number;
  injectedTooManyRequests: number;
  injectedTimeouts: number;
  byRouteAndStatus: Record<string, Record<string, number>>;
}
const stats = async () => (await (await admin(sim, "/stats")).json()) as Stats;

describe("fault injection", () => {
  it("answers a fraction of calls with 5xx ProblemDetails, the same ones for the same seed", async () => {
    sim.setFaults({ errorRate: 0.5, seed: 7 });
    const first = await statuses(40);
    const errors = first.filter((s) => s >= 500);
    expect(errors.length).toBeGreaterThan(8);
    expect(errors.length).toBeLessThan(32);
    for (const s of errors) expect([500, 503]).toContain(s);
    sim.setFaults({ errorRate: 0.5, seed: 7 });
    expect(await statuses(40)).toEqual(first);

    sim.setFaults({ errorRate: 1, errorStatuses: [502] });
    const r = await c.get("/VatCodes");
    expect(r.status).toBe(502);
    expect(await r.json()).toMatchObject({ Status: 502, Title: "Bad Gateway", Detail: expect.stringMatching(/simulated/) });
    expect((await stats()).injectedErrors).toBe(errors.length * 2 + 1);
  });

  it("injects 429s with the rate limit's body, and delays answers", async () => {
    const set = await admin(sim, "/faults", { tooManyRequestsRate: 1, latencyMs: 120 });
    expect(set.status).toBe(200);
    const t = Date.now();
    const r = await c.get("/VatCodes");
    expect(Date.now() - t).toBeGreaterThanOrEqual(110);
    expect(r.status).toBe(429);
    expect(await r.json()).toEqual({ statusCode: "429", message: "Rate limit is exceeded. Try again in 1 seconds." });
    expect((await stats()).injectedTooManyRequests).toBe(1);
    expect((await admin(sim, "/faults", { tooManyRequestsRate: 2 })).status).toBe(400);
    expect((await admin(sim, "/faults", { unknownKnob: 1 })).status).toBe(400);
    await admin(sim, "/faults", {});
    expect((await c.get("/VatCodes")).status).toBe(200);
  });

  it("loses the answer to a successful write: the connection drops, yet the customer was created", async () => {
    sim.setFaults({ timeoutAfterWriteRate: 1 });
    await expect(c.post("/Customers", { Name: "Tapt Svar AS", ExternalImportReference: "tribe-lost-1" })).rejects.toThrow();
    sim.setFaults({});
    const found = await c.json<Row[]>(c.get("/Customers?externalImportReference=tribe-lost-1"));
    expect(found.map((r) => [r.Name, r.Number])).toEqual([["Tapt Svar AS", 10008]]);
    // a retry with the same reference is refused, which is how the client learns it was written
    expect((await c.post("/Customers", { Name: "Tapt Svar AS", ExternalImportReference: "tribe-lost-1" })).status).toBe(400);
    const s = await stats();
    expect(s.injectedTimeouts).toBe(1);
    expect(s.byRouteAndStatus["POST /v2/Customers"]).toEqual({ dropped: 1, "400": 1 });
  });

  it("can keep the connection open instead (hang) until the client gives up; refusals are still answered", async () => {
    sim.setFaults({ timeoutAfterWriteRate: 1, timeoutMode: "hang" });
    expect((await c.post("/Customers", { EmailAddress: "uten-navn@test" })).status).toBe(400);
    await expect(
      fetch(`${sim.url}/v2/SalesOrders/Complete`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "ocp-apim-subscription-key": SUBSCRIPTION_KEY, "content-type": "application/json" },
        body: JSON.stringify({ CustomerNo: 10001, ExternalImportReference: "hung-1", SalesOrderLines: [{ ProductCode: "MONT", Quantity: 1 }] }),
        signal: AbortSignal.timeout(300),
      }),
    ).rejects.toThrow();
    sim.setFaults({});
    const orders = await c.json<Row[]>(c.get("/SalesOrders?onlyCreatedByCurrentIntegration=true"));
    expect(orders.map((o) => o.ExternalImportReference)).toEqual(["hung-1"]);
  });

  it("reset restores the seed and clears faults, settings and stats", async () => {
    sim.setFaults({ errorRate: 1 });
    sim.setSettings({ pagingHeaders: "x-pagination" });
    const reset = await admin(sim, "/reset", {});
    expect(reset.status).toBe(200);
    expect(((await (await admin(sim, "/faults")).json()) as { errorRate: number }).errorRate).toBe(0);
    expect(((await (await admin(sim, "/config")).json()) as { pagingHeaders: string }).pagingHeaders).toBe("none");
    expect((await stats()).injectedErrors).toBe(0);

    const state = (await (await admin(sim, `/state?client=${CLIENTS.sjomat.key}`)).json()) as { name: string; customers: Row[] };
    expect(state.name).toBe("Tromsø Sjømat AS");
    expect(state.customers).toHaveLength(3);
    expect((await admin(sim, "/state?client=nobody")).status).toBe(404);
  });

  it("adds a client (seed format) whose key then gets tokens; a taken client key is a 409", async () => {
    const added = await admin(sim, "/clients", {
      name: "Ny Kunde AS",
      clientKey: "new-client-key",
      customers: [{ Name: "Første kunde AS" }],
    });
    expect(added.status).toBe(201);
    const nc = api(sim, await tokenFor(sim, "new-client-key"));
    expect((await nc.json<Row[]>(nc.get("/Customers"))).map((r) => r.Number)).toEqual([10000]);
    expect((await admin(sim, "/clients", { name: "Dobbel", clientKey: "new-client-key" })).status).toBe(409);
    expect((await admin(sim, "/clients", { name: "Ugyldig", customers: [{ ShoeSize: 1 }] })).status).toBe(400);
    const listed = (await (await admin(sim, "/clients")).json()) as { applicationKey: string; subscriptionKeys: string[]; clients: Row[] };
    expect(listed.subscriptionKeys).toContain(SUBSCRIPTION_KEY);
    expect(listed.clients.map((x) => x.name)).toContain("Ny Kunde AS");
  });
});
