import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { HostSandbox } from "../../sandbox/host/server";
import { api, install, startHost, token } from "./helpers";

let host: HostSandbox;

beforeAll(async () => {
  host = await startHost();
  await install(host);
});
afterAll(async () => {
  await host.close();
});

describe("100,000 relations", () => {
  it("bulk-seeds without webhooks and answers filters quickly", async () => {
    const cutoff = new Date(Date.now() - 1000).toISOString();
    const seeded = await fetch(`${host.url}/__admin/seed`, { method: "POST", body: JSON.stringify({ organizations: 100_000, products: 50, invoices: 100 }) });
    expect(seeded.status).toBe(200);
    const seedJson = await seeded.json();
    const seededMs = seedJson.ms;
    expect(seedJson.counts).toMatchObject({ organizations: 100_000, products: 50, invoices: 100 });
    expect(host.state.webhooks.deliveries).toHaveLength(0);

    const A = api(host, await token(host));
    let t0 = performance.now();
    const changed = await A.get(`Relation_Organization?$filter=LastMutationDate gt ${cutoff}&$count=true&$select=Name`);
    const tFilter = performance.now() - t0;
    expect(changed.status).toBe(200);
    expect(changed.json["@odata.count"]).toBeGreaterThanOrEqual(100_000);
    expect(changed.json.value).toHaveLength(100);
    expect(tFilter).toBeLessThan(1500);
    console.log(`seed ${(await seededMs)} ms, LastMutationDate filter with $count over 100k: ${tFilter.toFixed(0)} ms`);

    const some = (await A.get("Relationship_Organization_CommercialRelationship_Customer?$orderby=ID&$skip=50000&$top=1")).json.value[0];
    t0 = performance.now();
    const byRel = await A.get(`Relationship_Organization_CommercialRelationship_Customer?$filter=Relation/ID eq ${some.Relation.ID}`);
    const tIdx = performance.now() - t0;
    expect(byRel.json.value).toHaveLength(1);
    expect(tIdx).toBeLessThan(200);

    t0 = performance.now();
    const paged = await A.get(`Relation_Organization?$orderby=Name desc&$top=100&$skip=500&$expand=VisitingAddress($expand=Country)`);
    expect(paged.status).toBe(200);
    expect(performance.now() - t0).toBeLessThan(3000);

    t0 = performance.now();
    const address = paged.json.value[0].VisitingAddress.ID;
    const owner = await A.get(`Relation_Organization?$filter=VisitingAddress/ID eq ${address} or PostalAddress/ID eq ${address} or InvoiceAddress/ID eq ${address}&$select=ID`);
    expect(owner.json.value).toEqual([{ ID: paged.json.value[0].ID }]);
    expect(performance.now() - t0).toBeLessThan(200);

    const none = await A.get(`Relation_Organization?$filter=LastMutationDate gt ${new Date(Date.now() + 60_000).toISOString()}&$count=true`);
    expect(none.json).toMatchObject({ "@odata.count": 0, value: [] });
  }, 120_000);
});
