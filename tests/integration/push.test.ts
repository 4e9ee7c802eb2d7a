/**
 * CRM → SnelStart at once (DESIGN rules 2–4): a webhook becomes an event, `snelstart-push-*`
 * writes the record once, SnelStart's number replaces the CRM's, and the echo of our own
 * write is dropped.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CRM, crm, installSnelStart, links, runForEvents, snelstart, startWorld, syncLog, updateSettings, type Crm, type World } from "../helpers/world";

let world: World;
let api: Crm;
let sim: ReturnType<typeof snelstart>;
let installationId: string;

const CUSTOMER = "Relationship.Organization.CommercialRelationship.Customer";
const PROSPECT = "Relationship.Organization.CommercialRelationship.Prospect";

beforeAll(async () => {
  world = await startWorld();
  api = crm(world);
  sim = snelstart(world);
  installationId = await installSnelStart(world, { status: "active" });
  world.events.splice(0);
}, 120_000);
afterAll(() => world?.close());

const writes = (stats: { byRoute: Record<string, number> }, route: string) =>
  Object.entries(stats.byRoute)
    .filter(([r]) => r === route)
    .reduce((n, [, c]) => n + c, 0);

async function relatiesNamed(naam: string) {
  return ((await sim.state()).relaties as Array<{ id: string; naam: string; relatiecode: number; email?: string; vestigingsAdres?: { straat?: string; postcode?: string } }>).filter(
    (r) => r.naam === naam,
  );
}

describe("pushing relations", () => {
  let orgId: string;

  it("creates the relatie once, and SnelStart's relatiecode becomes the CRM's debtor number", async () => {
    const org = await api.post("Relation_Organization", {
      Name: "Drukkerij Van Leeuwen",
      EmailAddress: "info@drukkerijvanleeuwen.test",
      PhoneNumber: "+31 71 512 3456",
      VisitingAddress: { Street: "Stationsweg 14 B", Postalcode: "2312 AV", City: "Leiden", Country: { ID: CRM.country.NL } },
      Relationships: [{ _Type: CUSTOMER, PaymentTermInDays: 30 }],
    });
    orgId = org.ID;
    const crmNumber = (await api.get(`Relation_Organization(${orgId})?$expand=Relationships`)).Relationships[0].DebtorNumber;
    expect(crmNumber).toBeTruthy(); // the CRM numbered it first

    const events = await world.takeEvents();
    const relationEvents = events.filter((e) => e.name === "ledgerlink/relation.changed");
    expect(relationEvents.length).toBeGreaterThanOrEqual(1);
    await sim.resetStats();
    const outs = await runForEvents("snelstart-push-relations", events, "ledgerlink/relation.changed");
    for (const o of outs) expect(o.error).toBeUndefined();
    expect(outs.map((o) => (o.result as { outcome: string }).outcome)).toContain("created");

    const found = await relatiesNamed("Drukkerij Van Leeuwen");
    expect(found).toHaveLength(1);
    expect(found[0].email).toBe("info@drukkerijvanleeuwen.test");
    expect(found[0].vestigingsAdres?.straat).toBe("Stationsweg 14B");
    expect(found[0].vestigingsAdres?.postcode).toBe("2312 AV");
    expect(writes(await sim.stats(), "POST /v2/relaties")).toBe(1);

    const rel = (await api.get(`Relation_Organization(${orgId})?$expand=Relationships`)).Relationships.filter((r: { _Type: string }) => r._Type === CUSTOMER);
    expect(rel).toHaveLength(1);
    expect(rel[0].DebtorNumber).toBe(String(found[0].relatiecode));
    const [link] = (await links(world, installationId, "relation")).filter((l) => l.hostId === orgId);
    expect(link.remoteId).toBe(found[0].id);
  });

  it("drops the echo webhooks of its own write (the new debtor number) without a CRM call: SnelStart gets no second write", async () => {
    await sim.resetStats();
    await fetch(`${world.host.url}/__admin/stats/reset`, { method: "POST" });
    const sorts = world.sorted.length;
    const sorted = await world.takeEvents();
    // writing SnelStart's number into the CRM fired webhooks of its own: each one an echo (the previous test's writes made none)
    expect(world.echoes()).toBeGreaterThanOrEqual(1);
    expect(world.sorted.slice(sorts).filter((s) => Number(s.relations) > 0), "no sorting found a relation to push").toEqual([]);
    expect(sorted.filter((e) => e.name === "ledgerlink/relation.changed")).toEqual([]);
    const crmCalls = ((await (await fetch(`${world.host.url}/__admin/stats`)).json()) as { total: number }).total;
    expect(crmCalls, "recognising the echoes read nothing from the CRM").toBe(0);
    const stats = await sim.stats();
    expect(writes(stats, "POST /v2/relaties") + writes(stats, "PUT /v2/relaties/{id}")).toBe(0);
    expect(await relatiesNamed("Drukkerij Van Leeuwen")).toHaveLength(1);
    // and nothing further bounced back to the CRM
    expect((await world.takeEvents()).length).toBe(0);
  });

  it("updates the relatie when the name changes in the CRM", async () => {
    const [before] = await relatiesNamed("Drukkerij Van Leeuwen");
    await api.put(`Relation_Organization(${orgId})`, { Name: "Drukkerij Van Leeuwen B.V." });
    const events = await world.takeEvents();
    await sim.resetStats();
    const outs = await runForEvents("snelstart-push-relations", events, "ledgerlink/relation.changed");
    for (const o of outs) expect(o.error).toBeUndefined();
    const after = await relatiesNamed("Drukkerij Van Leeuwen B.V.");
    expect(after).toHaveLength(1);
    expect(after[0].id).toBe(before.id);
    expect(after[0].relatiecode).toBe(before.relatiecode);
    expect(after[0].email).toBe("info@drukkerijvanleeuwen.test"); // PUT replaces: the rest survives
    expect(await relatiesNamed("Drukkerij Van Leeuwen")).toHaveLength(0);
    const stats = await sim.stats();
    expect(writes(stats, "PUT /v2/relaties/{id}")).toBe(1);
    expect(writes(stats, "POST /v2/relaties")).toBe(0);
    // the update wrote nothing back to the CRM, so there is no echo
    const echoes = await world.takeEvents();
    await sim.resetStats();
    await runForEvents("snelstart-push-relations", echoes, "ledgerlink/relation.changed");
    expect(writes(await sim.stats(), "PUT /v2/relaties/{id}")).toBe(0);
  });

  it("skips a relation whose type is not exported (a prospect), with a log entry", async () => {
    const org = await api.post("Relation_Organization", { Name: "Kansrijk Prospect BV", Relationships: [{ _Type: PROSPECT }] });
    const events = await world.takeEvents();
    await sim.resetStats();
    const outs = await runForEvents("snelstart-push-relations", events, "ledgerlink/relation.changed");
    expect(outs.length).toBeGreaterThanOrEqual(1);
    for (const o of outs) {
      expect(o.error).toBeUndefined();
      expect((o.result as { outcome: string }).outcome).toBe("skipped");
    }
    expect(await relatiesNamed("Kansrijk Prospect BV")).toHaveLength(0);
    const stats = await sim.stats();
    expect(writes(stats, "POST /v2/relaties")).toBe(0);
    const log = (await syncLog(world, installationId)).filter((e) => e.hostId === org.ID);
    expect(log.length).toBeGreaterThanOrEqual(1);
    expect(log[0]).toMatchObject({ direction: "host_to_remote", entity: "relation", outcome: "skipped", message: "sync.notExported" });
    expect((await links(world, installationId, "relation")).some((l) => l.hostId === org.ID)).toBe(false);
  });
});

describe("pushing products", () => {
  it("creates a product made in the CRM as an artikel, once", async () => {
    const product = await api.post("Product", {
      Name: "Taartdoos groot",
      Code: "DOOS-01",
      SalesPrice: 2.5,
      PurchasePrice: 0.8,
      Unit: { ID: CRM.unit.piece },
      VatGroup: { ID: CRM.vatGroup.NL21 },
    });
    const events = await world.takeEvents();
    const productEvents = events.filter((e) => e.name === "ledgerlink/product.changed");
    expect(productEvents).toHaveLength(1);
    await sim.resetStats();
    const outs = await runForEvents("snelstart-push-products", events, "ledgerlink/product.changed");
    expect(outs[0].error).toBeUndefined();
    expect((outs[0].result as { outcome: string }).outcome).toBe("created");
    const artikelen = ((await sim.state()).artikelen as Array<{ id: string; artikelcode: string; omschrijving: string; verkoopprijs: number; isNonActief?: boolean }>).filter(
      (a) => a.artikelcode === "DOOS-01",
    );
    expect(artikelen).toHaveLength(1);
    expect(artikelen[0]).toMatchObject({ omschrijving: "Taartdoos groot", verkoopprijs: 2.5 });
    expect(artikelen[0].isNonActief ?? false).toBe(false);
    const [link] = (await links(world, installationId, "product")).filter((l) => l.hostId === product.ID);
    expect(link.remoteId).toBe(artikelen[0].id);

    // the same event delivered again writes nothing
    await sim.resetStats();
    const again = await runForEvents("snelstart-push-products", productEvents, "ledgerlink/product.changed");
    expect((again[0].result as { outcome: string }).outcome).toBe("unchanged");
    const stats = await sim.stats();
    expect(writes(stats, "POST /v2/artikelen") + writes(stats, "PUT /v2/artikelen/{id}")).toBe(0);
  });

  it("puts a product in the omzetgroep of its VAT group and of its product group's ledger", async () => {
    const state = await sim.state();
    const omzetgroep = (omschrijving: string) => (state.artikelomzetgroepen as Array<{ id: string; omschrijving: string }>).find((g) => g.omschrijving === omschrijving)!.id;
    const ledger8100 = (state.grootboeken as Array<{ id: string; nummer: number }>).find((g) => g.nummer === 8100)!.id;
    await updateSettings(world, installationId, (s) => {
      s.ledgers.ledgerByProductGroup = { [CRM.productGroup.services]: ledger8100 };
    });
    await api.post("Product", { Name: "Appeltaart", Code: "TAART-01", SalesPrice: 18.5, VatGroup: { ID: CRM.vatGroup.NL9 } });
    await api.post("Product", { Name: "Cateringadvies", Code: "ADVIES-01", SalesPrice: 95, VatGroup: { ID: CRM.vatGroup.NL21 }, ProductGroup: { ID: CRM.productGroup.services } });
    const outs = await runForEvents("snelstart-push-products", await world.takeEvents(), "ledgerlink/product.changed");
    expect(outs.map((o) => (o.result as { outcome: string }).outcome)).toEqual(["created", "created"]);
    const omzetgroepOf = async (code: string) =>
      ((await sim.state()).artikelen as Array<{ artikelcode: string; artikelOmzetgroep: { id: string } }>).find((a) => a.artikelcode === code)?.artikelOmzetgroep.id;
    expect(await omzetgroepOf("TAART-01")).toBe(omzetgroep("Omzet laag tarief"));
    expect(await omzetgroepOf("ADVIES-01")).toBe(omzetgroep("Diensten"));
  });

  it("updates the artikel when the price changes in the CRM", async () => {
    const [p] = await api.all("Product", { filter: "Code eq 'DOOS-01'" });
    await api.put(`Product(${p.ID})`, { SalesPrice: 2.75 });
    const events = await world.takeEvents();
    await sim.resetStats();
    const outs = await runForEvents("snelstart-push-products", events, "ledgerlink/product.changed");
    expect(outs).toHaveLength(1);
    expect(outs[0].error).toBeUndefined();
    const artikelen = ((await sim.state()).artikelen as Array<{ artikelcode: string; verkoopprijs: number }>).filter((a) => a.artikelcode === "DOOS-01");
    expect(artikelen).toHaveLength(1);
    expect(artikelen[0].verkoopprijs).toBe(2.75);
    expect(writes(await sim.stats(), "PUT /v2/artikelen/{id}")).toBe(1);
  });
});
