/**
 * SnelStart → CRM, hourly (DESIGN rules 4–6): a pull that finds nothing costs one request;
 * changes come across; a relatie deactivated in SnelStart stays active in the CRM, an artikel
 * deactivated there becomes inactive; nothing deleted on one side is deleted on the other.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { PULL_OVERLAP_MS } from "@/lib/sync/store";
import { CRM, SNEL, crm, installSnelStart, links, runForEvents, runScheduledPull, runImport, snelstart, startWorld, type Crm, type World } from "../helpers/world";

let world: World;
let api: Crm;
let sim: ReturnType<typeof snelstart>;
let installationId: string;
let hostOf: Map<string, string>;


beforeAll(async () => {
  world = await startWorld();
  api = crm(world);
  sim = snelstart(world);
  installationId = await installSnelStart(world);
  const imported = await runImport(installationId);
  if (!imported.done) throw new Error(`import did not finish: ${String(imported.error)}`);
  hostOf = new Map((await links(world, installationId, "relation")).map((l) => [l.remoteId, l.hostId]));
  // the CRM's webhooks of the import itself are echoes: handled here so later tests start clean
  await runForEvents("snelstart-push-relations", await world.takeEvents(), "ledgerlink/relation.changed");
}, 120_000);
afterAll(() => world?.close());

const routes = (stats: { byRoute: Record<string, number> }, pred: (route: string) => boolean) =>
  Object.entries(stats.byRoute)
    .filter(([r]) => pred(r))
    .reduce((n, [, c]) => n + c, 0);
const apiRequests = (s: { byRoute: Record<string, number> }) => routes(s, (r) => r.includes(" /v2/"));
const writes = (s: { byRoute: Record<string, number> }) => routes(s, (r) => r.includes(" /v2/") && !r.startsWith("GET "));

async function pull(entity: "relations" | "products") {
  return (await runScheduledPull(entity)) as Array<{ installationId: string; pages: number; changed: number }>;
}

describe("the hourly pull", () => {
  it("costs exactly one SnelStart API request per entity when nothing changed", async () => {
    await sim.resetStats();
    const relations = await pull("relations");
    expect(relations).toEqual([{ installationId, pages: 1, changed: 0 }]);
    let stats = await sim.stats();
    expect(apiRequests(stats)).toBe(1);
    expect(stats.byRoute["GET /v2/relaties"]).toBe(1);
    expect(routes(stats, (r) => r.includes("/b2b/token"))).toBeLessThanOrEqual(1);

    await sim.resetStats();
    const products = await pull("products");
    expect(products).toEqual([{ installationId, pages: 1, changed: 0 }]);
    stats = await sim.stats();
    expect(apiRequests(stats)).toBe(1);
    expect(stats.byRoute["GET /v2/artikelen"]).toBe(1);
  });

  it("brings a relatie changed in SnelStart into the CRM, and drops the echo of that write", async () => {
    await sim.edit("relaties", SNEL.relatie.zonnetje1001, (r) => {
      r.email = "nieuw@hetzonnetje.test";
      r.telefoon = "033 123 45 67";
      r.vestigingsAdres = { ...r.vestigingsAdres, straat: "Stationsstraat 12-B" };
    });
    const echoesBefore = world.echoes();
    await pull("relations");
    const org = await api.get(`Relation_Organization(${hostOf.get(SNEL.relatie.zonnetje1001)})?$expand=VisitingAddress($expand=Country)`);
    expect(org.EmailAddress).toBe("nieuw@hetzonnetje.test");
    expect(org.PhoneNumber).toBe("033 123 45 67");
    // Tribe keeps the house number in Street
    expect(org.VisitingAddress).toMatchObject({ Street: "Stationsstraat 12 B", Country: { Code: "NL" } });
    expect(await api.count("Relation_Organization", "Name eq 'Lunchroom Het Zonnetje'")).toBe(1);

    // the CRM's webhooks for that update come back as echoes: nothing is pushed to SnelStart
    await sim.resetStats();
    const echoes = await world.takeEvents();
    expect(world.echoes() - echoesBefore).toBeGreaterThanOrEqual(1);
    expect(echoes).toEqual([]);
    expect(writes(await sim.stats())).toBe(0);

    // and the next pull sees nothing new
    await sim.resetStats();
    expect(await pull("relations")).toEqual([{ installationId, pages: 1, changed: 0 }]);
  });

  it("keeps the CRM's postcode when SnelStart writes the same one otherwise, and writes a changed one in the country's format", async () => {
    const orgId = hostOf.get(SNEL.relatie.linde1006)!;
    const addresses = async () => {
      const org = await api.get(`Relation_Organization(${orgId})?$expand=VisitingAddress,PostalAddress`);
      return [org.VisitingAddress, org.PostalAddress].filter(Boolean) as Array<{ ID: string; Postalcode: string }>;
    };
    const postcodes = async () => (await addresses()).map((a) => a.Postalcode);
    // the CRM's user writes it without a space; that goes to SnelStart as it is
    for (const a of await addresses()) await api.put(`Address(${a.ID})`, { Postalcode: "6821AB" });
    await runForEvents("snelstart-push-relations", await world.takeEvents(), "ledgerlink/relation.changed");
    expect((await sim.api("GET", `/relaties/${SNEL.relatie.linde1006}`)).json.vestigingsAdres.postcode).toBe("6821AB");

    await sim.edit("relaties", SNEL.relatie.linde1006, (r) => {
      r.vestigingsAdres.postcode = "6821 ab";
      r.correspondentieAdres.postcode = "6821 ab";
      r.email = "info@delinde.test";
    });
    await pull("relations");
    expect((await api.get(`Relation_Organization(${orgId})`)).EmailAddress).toBe("info@delinde.test");
    expect(await postcodes()).toEqual(["6821AB", "6821AB"]);

    await sim.edit("relaties", SNEL.relatie.linde1006, (r) => {
      r.vestigingsAdres.postcode = "6822ab";
      r.correspondentieAdres.postcode = " 6822 ab";
    });
    await pull("relations");
    expect(await postcodes()).toEqual(["6822 AB", "6822 AB"]);
    await runForEvents("snelstart-push-relations", await world.takeEvents(), "ledgerlink/relation.changed");
  });

  it("keeps a relation active in the CRM when its relatie is set nonactief in SnelStart", async () => {
    await sim.edit("relaties", SNEL.relatie.goudenLeeuw1002, (r) => {
      r.nonactief = true;
    });
    await pull("relations");
    const org = await api.get(`Relation_Organization(${hostOf.get(SNEL.relatie.goudenLeeuw1002)})`);
    expect(org.IsActive).toBe(true);
  });

  it("moves a product to the VAT group and ledger account of the omzetgroep its artikel was moved to in SnelStart", async () => {
    const state = await sim.state();
    const artikel = (state.artikelen as Array<{ id: string; artikelcode: string }>).find((a) => a.artikelcode === "BROOD-002")!;
    const laag = (state.artikelomzetgroepen as Array<{ id: string; verkoopNederlandBtwSoort: string }>).find((g) => g.verkoopNederlandBtwSoort === "Laag")!;
    const productId = (await links(world, installationId, "product")).find((l) => l.remoteId === artikel.id)!.hostId;
    await sim.edit("artikelen", artikel.id, (a) => {
      a.artikelOmzetgroep = { id: laag.id };
    });
    await pull("products");
    const p = await api.get(`Product(${productId})`);
    expect(p.VatGroup?.ID).toBe(CRM.vatGroup.NL9);
    expect(p.GeneralLedgerAccount?.ID).toBe("0fcf5ae7-f37d-5d01-b05c-6cdea5334b0c"); // the CRM's 8010, as the omzetgroep's grootboek
    // its echo writes nothing back
    const echoes = await world.takeEvents();
    await sim.resetStats();
    await runForEvents("snelstart-push-products", echoes, "ledgerlink/product.changed");
    expect(writes(await sim.stats())).toBe(0);
  });

  it("sets a product inactive in the CRM when its artikel is set isNonActief in SnelStart", async () => {
    const artikel = ((await sim.state()).artikelen as Array<{ id: string; artikelcode: string }>).find((a) => a.artikelcode === "BROOD-001")!;
    const productId = (await links(world, installationId, "product")).find((l) => l.remoteId === artikel.id)!.hostId;
    expect((await api.get(`Product(${productId})`)).IsInactive).toBe(false);
    await sim.edit("artikelen", artikel.id, (a) => {
      a.isNonActief = true;
    });
    await pull("products");
    expect((await api.get(`Product(${productId})`)).IsInactive).toBe(true);
    // its echo writes nothing back
    const echoes = await world.takeEvents();
    await sim.resetStats();
    await runForEvents("snelstart-push-products", echoes, "ledgerlink/product.changed");
    expect(writes(await sim.stats())).toBe(0);
  });

  it("deletes nothing in the CRM that was deleted in SnelStart, and nothing in SnelStart that was deleted in the CRM", async () => {
    // deleted in SnelStart
    const del = await sim.api("DELETE", `/relaties/${SNEL.relatie.zuivel2002}`);
    expect(del.status).toBeLessThan(300);
    await pull("relations");
    const kept = await api.get(`Relation_Organization(${hostOf.get(SNEL.relatie.zuivel2002)})`);
    expect(kept.IsActive).toBe(true);

    // deleted in the CRM
    await api.del(`Relation_Organization(${hostOf.get(SNEL.relatie.meelfabriek2001)})`);
    const events = await world.takeEvents();
    await sim.resetStats();
    await runForEvents("snelstart-push-relations", events, "ledgerlink/relation.changed");
    await pull("relations");
    expect(routes(await sim.stats(), (r) => r.startsWith("DELETE "))).toBe(0);
    const relatie = await sim.api("GET", `/relaties/${SNEL.relatie.meelfabriek2001}`);
    expect(relatie.status).toBe(200);
    expect(relatie.json.nonactief ?? false).toBe(false);
  });
});

describe("a bulk change in SnelStart", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("is read by one pull, and not again by the next one once it lies further back than the overlap", { timeout: 90_000 }, async () => {
    // 600 relaties changed within one second (a bulk edit), newer than anything else; the filter
    // only knows whole seconds, so without moving the cursor past that second every pull reads them again
    await new Promise((r) => setTimeout(r, 1100));
    const bulkAt = new Date(Date.now() - 100).toISOString();
    await fetch(`${world.snelstart.url}/__admin/generate`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ administratie: SNEL.administratie, relaties: 600, seed: 11, modifiedOn: bulkAt }),
    }).then((r) => expect(r.status).toBe(200));

    // the next hourly pull runs later than the overlap after the bulk change (both clocks move: the
    // simulator and the CRM run in this process)
    vi.useFakeTimers({ toFake: ["Date"], shouldAdvanceTime: true });
    vi.setSystemTime(Date.now() + PULL_OVERLAP_MS + 60_000);
    await sim.resetStats();
    const first = await pull("relations");
    expect(first[0]!.pages).toBe(2);
    expect(first[0]!.changed).toBeGreaterThanOrEqual(588); // the 12 set nonactief are not created
    expect((await sim.stats()).byRoute["GET /v2/relaties"]).toBe(2);
    await world.takeEvents();

    await sim.resetStats();
    expect(await pull("relations")).toEqual([{ installationId, pages: 1, changed: 0 }]);
    expect((await sim.stats()).byRoute["GET /v2/relaties"]).toBe(1);
  });
});
