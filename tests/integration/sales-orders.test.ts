/**
 * Sales-order mode (seed 002 "Ik werk met verkooporders"): a CRM sales order set to Linked
 * becomes one SnelStart verkooporder on the chosen sjabloon, with its document on the
 * customer's card; invoices are then not booked.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { translate } from "@/lib/i18n";
import { CRM, crm, installSnelStart, recordEvent, links, runForEvents, runFunction, snelstart, startWorld, syncLog, type Crm, type World } from "../helpers/world";

let world: World;
let api: Crm;
let sim: ReturnType<typeof snelstart>;
let installationId: string;

const SJABLOON = "ed4338ec-bb95-5c28-8036-d9d2aecf8f7c"; // "Standaard verkooporder"

beforeAll(async () => {
  world = await startWorld();
  api = crm(world);
  sim = snelstart(world);
  installationId = await installSnelStart(world, {
    status: "active",
    settings: (s) => {
      s.other = { mode: "salesOrders", verkoopordersjabloonId: SJABLOON };
    },
  });
  world.events.splice(0);
}, 120_000);
afterAll(() => world?.close());

type Order = { id: string; memo?: string; relatie: { id: string }; verkoopordersjabloon?: { id: string }; regels: Array<{ artikel?: { id: string }; aantal: number; stuksprijs: number; omschrijving: string }> };

async function ordersFor(number: string): Promise<Order[]> {
  return ((await sim.state()).verkooporders as Order[]).filter((o) => o.memo === `Order ${number}`);
}
async function relatieDocuments(relatieId: string) {
  return ((await sim.state()).documenten as Array<{ parentIdentifier: string; fileName: string; documentType: string }>).filter((d) => d.parentIdentifier === relatieId);
}
const bookOrders = (events: Array<{ name: string; data: Record<string, string> }>) =>
  runForEvents("snelstart-book-sales-orders", events, "ledgerlink/sales-order.phase-changed");

describe("sales-order mode", () => {
  it("books a sales order set to Linked as one verkooporder on the sjabloon, with its document on the relatie", async () => {
    const so = await api.post("Activity_SalesOrder", {
      Subject: "Taarten jubileum",
      OrderDate: "2026-03-03",
      CustomerReference: "PO-2231",
      PaymentTermInDays: 14,
      Currency: "EUR",
      IsVatIncluded: false,
      Relationship: { ID: CRM.customer.goudenKorf },
      ProductLines: [{ Description: "Jubileumtaart", Quantity: 2, Price: 35, VatGroup: { ID: CRM.vatGroup.NL9 } }],
    });
    await api.put(`Activity_SalesOrder(${so.ID})`, { Phase: { ID: CRM.salesOrderPhase.linked } });
    const events = (await world.takeEvents()).filter((e) => e.name === "ledgerlink/sales-order.phase-changed");
    expect(events).toHaveLength(1);
    const number = (await api.get(`Activity_SalesOrder(${so.ID})`)).Number as string;

    const [out] = await bookOrders(events);
    expect(out.error).toBeUndefined();
    expect(out.result).toMatchObject({ outcome: "created" });
    const orders = await ordersFor(number);
    expect(orders).toHaveLength(1);
    const relLink = (await links(world, installationId, "relation")).find((l) => l.hostId === CRM.org.goudenKorf)!;
    expect(orders[0].relatie.id).toBe(relLink.remoteId);
    expect(orders[0].verkoopordersjabloon?.id).toBe(SJABLOON);
    expect(orders[0].regels.map((r) => ({ omschrijving: r.omschrijving, aantal: r.aantal, stuksprijs: r.stuksprijs }))).toEqual([
      { omschrijving: "Jubileumtaart", aantal: 2, stuksprijs: 35 },
    ]);
    const docs = (await relatieDocuments(relLink.remoteId)).filter((d) => d.fileName === `verkooporder-${number}.pdf`);
    expect(docs).toHaveLength(1);

    // a second delivery books nothing
    await sim.resetStats();
    const [again] = await bookOrders(events);
    expect(again.error).toBeUndefined();
    expect((await sim.stats()).byRoute["POST /v2/verkooporders"] ?? 0).toBe(0);
    expect(await ordersFor(number)).toHaveLength(1);
    expect((await relatieDocuments(relLink.remoteId)).filter((d) => d.fileName === `verkooporder-${number}.pdf`)).toHaveLength(1);
  });

  it("books a sales order whose line names a product linked to an artikel, with that artikel on the line", async () => {
    // the order's product (INST-01) is pushed first, so it is linked to a SnelStart artikel
    const [line] = await api.all("ProductLine", { filter: `Activity/ID eq ${CRM.salesOrder.so0001}` });
    const productId = line.Product.ID as string;
    const pushed = await runFunction("snelstart-push-products", recordEvent("ledgerlink/product.changed", installationId, productId));
    expect(pushed.error).toBeUndefined();
    const artikelId = (await links(world, installationId, "product")).find((l) => l.hostId === productId)!.remoteId;

    await api.put(`Activity_SalesOrder(${CRM.salesOrder.so0001})`, { Phase: { ID: CRM.salesOrderPhase.linked } });
    const events = (await world.takeEvents()).filter((e) => e.name === "ledgerlink/sales-order.phase-changed");
    expect(events).toHaveLength(1);
    const [out] = await bookOrders(events);
    expect(out.error).toBeUndefined();
    expect(out.result).toMatchObject({ outcome: "created" });
    const orders = await ordersFor("SO2026-0001");
    expect(orders).toHaveLength(1);
    expect(orders[0].verkoopordersjabloon?.id).toBe(SJABLOON);
    expect(orders[0].regels[0].artikel?.id).toBe(artikelId);
  });

  it("first sends a product made before activation, so the order line names its artikel", async () => {
    const consultancy = "a93bfc33-e1ef-5e5d-a14e-db38c1740e64"; // CONS-UUR, never changed since activation
    expect((await links(world, installationId, "product")).some((l) => l.hostId === consultancy)).toBe(false);
    const so = await api.post("Activity_SalesOrder", {
      Subject: "Advies kassasysteem",
      OrderDate: "2026-03-04",
      PaymentTermInDays: 14,
      Currency: "EUR",
      IsVatIncluded: false,
      Relationship: { ID: CRM.customer.goudenKorf },
      ProductLines: [{ Description: "Advies", Quantity: 3, Price: 95, VatGroup: { ID: CRM.vatGroup.NL21 }, Product: { ID: consultancy } }],
    });
    await api.put(`Activity_SalesOrder(${so.ID})`, { Phase: { ID: CRM.salesOrderPhase.linked } });
    const events = (await world.takeEvents()).filter((e) => e.name === "ledgerlink/sales-order.phase-changed" && e.data.hostId === so.ID);
    const number = (await api.get(`Activity_SalesOrder(${so.ID})`)).Number as string;
    const [out] = await bookOrders(events);
    expect(out.error).toBeUndefined();
    expect(out.result).toMatchObject({ outcome: "created" });
    const artikelen = ((await sim.state()).artikelen as Array<{ id: string; artikelcode: string }>).filter((a) => a.artikelcode === "CONS-UUR");
    expect(artikelen).toHaveLength(1);
    expect((await links(world, installationId, "product")).find((l) => l.hostId === consultancy)?.remoteId).toBe(artikelen[0].id);
    const orders = await ordersFor(number);
    expect(orders).toHaveLength(1);
    expect(orders[0].regels.map((r) => r.artikel?.id)).toEqual([artikelen[0].id]);
  });

  it("does not book invoices while the tenant works with sales orders", async () => {
    const out = await runFunction("snelstart-book-invoices", recordEvent("ledgerlink/invoice.phase-changed", installationId, CRM.invoice.sent0001));
    expect(out.error).toBeUndefined();
    expect(out.result).toMatchObject({ outcome: "skipped" });
    expect(((await sim.state()).verkoopboekingen as Array<{ factuurnummer: string }>).some((b) => b.factuurnummer === "2026-0001")).toBe(false);
    // the user sees why the invoice set to Sent went nowhere
    const skipped = (await syncLog(world, installationId)).filter((e) => e.entity === "invoice" && e.hostId === CRM.invoice.sent0001);
    expect(skipped.map((e) => ({ outcome: e.outcome, label: e.label, message: e.message }))).toEqual([
      { outcome: "skipped", label: "2026-0001", message: "connectors.snelstart.log.invoicesOff" },
    ]);
    expect(translate("nl", skipped[0].message!, skipped[0].messageParams ?? {})).toMatch(/verkooporders.*Overige instellingen/);
  });
});
