import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PowerOfficeSimulator } from "../../sandbox/vendors/poweroffice/server";
import { admin, api, CLIENTS, startSim, tokenFor, type Row } from "./helpers";

let sim: PowerOfficeSimulator;

beforeAll(async () => {
  sim = await startSim();
});
afterAll(() => sim.close());

async function generateInto(body: Record<string, unknown>): Promise<Row> {
  const res = await admin(sim, "/generate", body);
  expect(res.status).toBe(200);
  return (await res.json()) as Row;
}

describe("POST /__admin/generate", () => {
  it("adds customers, suppliers, products and sent invoices through the API's rules, deterministic per seed", async () => {
    sim.reset();
    const out = await generateInto({ client: CLIENTS.sjomat.id, customers: 40, suppliers: 5, products: 10, invoices: 30, seed: 7 });
    expect(out).toMatchObject({ customers: 43, suppliers: 6, products: 13, outgoingInvoices: 31 });
    const c = api(sim, await tokenFor(sim, CLIENTS.sjomat.key));
    // the seed numbered its three customers from the start of the series, 10000
    const customers = await c.json<Row[]>(c.get("/Customers?customerNos=10003-"));
    expect(customers.map((r) => r.Number)).toEqual(Array.from({ length: 40 }, (_, i) => 10003 + i));
    expect(customers.filter((r) => r.IsPerson === true)).toHaveLength(10);
    const names = customers.map((r) => r.Name);
    const invoices = await c.json<Row[]>(c.get("/OutgoingInvoices?invoiceNos=2-"));
    expect(invoices.filter((i) => i.Balance === 0).length).toBeGreaterThanOrEqual(10);
    expect(invoices.filter((i) => (i.Balance as number) > 0 && (i.Balance as number) < (i.TotalAmount as number)).length).toBeGreaterThan(0);

    sim.reset();
    await generateInto({ client: CLIENTS.sjomat.id, customers: 40, seed: 7 });
    const again = await c.json<Row[]>(api(sim, await tokenFor(sim, CLIENTS.sjomat.key)).get("/Customers?customerNos=10003-"));
    expect(again.map((r) => r.Name)).toEqual(names);
  });

  it("makes some of the customers suppliers too: one contact Id, two numbers, the other customers unchanged", async () => {
    sim.reset();
    const plain = await generateInto({ client: CLIENTS.sjomat.id, customers: 40, seed: 9 });
    const c = api(sim, await tokenFor(sim, CLIENTS.sjomat.key));
    const names = (await c.json<Row[]>(c.get("/Customers?customerNos=10003-"))).map((r) => r.Name);
    sim.reset();
    const out = await generateInto({ client: CLIENTS.sjomat.id, customers: 40, alsoSuppliers: 8, suppliers: 2, seed: 9 });
    expect(out).toMatchObject({ customers: plain.customers, suppliers: (plain.suppliers as number) + 10 });
    const c2 = api(sim, await tokenFor(sim, CLIENTS.sjomat.key));
    const customers = await c2.json<Row[]>(c2.get("/Customers?customerNos=10003-"));
    expect(customers.map((r) => r.Name)).toEqual(names);
    const byId = new Map(customers.map((r) => [r.Id, r]));
    const twins = (await c2.json<Row[]>(c2.get("/Suppliers"))).filter((s) => byId.has(s.Id));
    expect(twins).toHaveLength(8);
    for (const s of twins) {
      expect(s.Name).toBe(byId.get(s.Id)!.Name);
      expect(s.Number).not.toBe(byId.get(s.Id)!.Number);
    }
    // spread over the customers, not bunched at the start
    const positions = twins.map((s) => customers.indexOf(byId.get(s.Id)!));
    expect(Math.max(...positions)).toBeGreaterThan(30);
    expect(Math.min(...positions)).toBeLessThan(10);
    expect((await admin(sim, "/generate", { client: CLIENTS.sjomat.id, customers: 2, alsoSuppliers: 3 })).status).toBe(400);
  });

  it("spreads the records' timestamps over past days when asked, so last-changed polling can be exercised", async () => {
    sim.reset();
    await generateInto({ client: CLIENTS.nordlys.key, customers: 100, spreadOverDays: 100 });
    const c = api(sim, await tokenFor(sim));
    const since = new Date(Date.now() - 30 * 86_400_000).toISOString();
    const recent = await c.json<Row[]>(c.get(`/Customers?lastChangedDateTimeOffsetGreaterThan=${encodeURIComponent(since)}`));
    // the newest day ago, the oldest 101 days ago: about 29 of 100 lie in the last 30 days
    expect(recent.length).toBeGreaterThan(20);
    expect(recent.length).toBeLessThan(40);
    expect(recent.every((r) => Date.parse(String(r.LastChangedDateTimeOffset)) < Date.now() - 86_000_000)).toBe(true);
  });

  it("stays fast for load tests: 20 000 customers in a client with a wide number series; a full series is refused", async () => {
    sim.reset();
    expect((await admin(sim, "/clients", { name: "Stor Kjede AS", clientKey: "big-key", customerNumberSeries: { from: 100000, to: 999999 } })).status).toBe(201);
    const started = Date.now();
    const out = await generateInto({ client: "big-key", customers: 20_000 });
    expect(out.customers).toBe(20_000);
    expect(Date.now() - started).toBeLessThan(15_000);
    const full = await admin(sim, "/generate", { client: CLIENTS.nordlys.id, customers: 10_000 });
    expect(full.status).toBe(400);
    expect(((await full.json()) as { message: string }).message).toMatch(/number series 10000-19999 is full/);
  });

  it("refuses an unknown client or option", async () => {
    expect((await admin(sim, "/generate", { client: "nobody", customers: 1 })).status).toBe(404);
    expect((await admin(sim, "/generate", { customers: -1 })).status).toBe(400);
    expect((await admin(sim, "/generate", { widgets: 5 })).status).toBe(400);
    sim.reset();
    await admin(sim, "/clients", { name: "Tom AS", clientKey: "empty-key" });
    expect((await admin(sim, "/generate", { client: "empty-key", invoices: 1 })).status).toBe(400);
  });
});
