/**
 * SEPA direct debit (seed 002 "Ik werk met SEPA/Incasso's"): with incasso on, an invoice that
 * belongs to a subscription carries the relatie's doorlopende incassomachtiging; without a
 * (valid) mandate it is still booked and the sync log says so.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CRM, SNEL, crm, installSnelStart, links, runForEvents, runImport, snelstart, startWorld, syncLog, type Crm, type World } from "../helpers/world";

let world: World;
let api: Crm;
let sim: ReturnType<typeof snelstart>;
let installationId: string;
let hostOf: Map<string, string>;

const MANDATE_1001 = "7be67aa9-6f29-5973-8442-ce729cd6e61d"; // active, klant 1001

beforeAll(async () => {
  world = await startWorld();
  api = crm(world);
  sim = snelstart(world);
  installationId = await installSnelStart(world, {
    settings: (s) => {
      s.sepa = { sepaEnabled: true };
    },
  });
  const imported = await runImport(installationId);
  if (!imported.done) throw new Error(`import did not finish: ${String(imported.error)}`);
  hostOf = new Map((await links(world, installationId, "relation")).map((l) => [l.remoteId, l.hostId]));
  await world.takeEvents();
}, 120_000);
afterAll(() => world?.close());

type Boeking = { id: string; factuurnummer: string; doorlopendeIncassoMachtiging?: { id: string } };
const boekingen = async (nr: string) => ((await sim.state()).verkoopboekingen as Boeking[]).filter((b) => b.factuurnummer === nr);

async function sendInvoice(relationId: string, subscriptionId: string | null) {
  const inv = await api.post("Activity_Invoice", {
    Subject: "Broodabonnement maart",
    InvoiceDate: "2026-03-01",
    PaymentTermInDays: 14,
    Currency: "EUR",
    IsVatIncluded: false,
    Relationship: { ID: await api.customerOf(relationId) },
    ...(subscriptionId ? { Subscription: { ID: subscriptionId } } : {}),
    ProductLines: [{ Description: "Brood, maart", Quantity: 1, Price: 80, VatGroup: { ID: CRM.vatGroup.NL9 } }],
  });
  return setSent(inv.ID);
}
async function setSent(invoiceId: string) {
  await api.put(`Activity_Invoice(${invoiceId})`, { Phase: { ID: CRM.invoicePhase.sent } });
  const events = (await world.takeEvents()).filter((e) => e.name === "ledgerlink/invoice.phase-changed" && e.data.hostId === invoiceId);
  expect(events).toHaveLength(1);
  const [out] = await runForEvents("snelstart-book-invoices", events, "ledgerlink/invoice.phase-changed");
  return { id: invoiceId, number: (await api.get(`Activity_Invoice(${invoiceId})`)).Number as string, out };
}

describe("SEPA direct debit", () => {
  it("references the relatie's doorlopende incassomachtiging on a subscription invoice", async () => {
    const relationId = hostOf.get(SNEL.relatie.zonnetje1001)!;
    const sub = await api.post("Activity_Subscription", { Subject: "Broodabonnement", StartDate: "2026-01-01", Relation: { ID: relationId } });
    const inv = await sendInvoice(relationId, sub.ID);
    expect(inv.out.error).toBeUndefined();
    expect(inv.out.result).toMatchObject({ outcome: "created" });
    const [b] = await boekingen(inv.number);
    expect(b.doorlopendeIncassoMachtiging?.id).toBe(MANDATE_1001);
    const notes = (await syncLog(world, installationId)).filter((e) => e.hostId === inv.id && e.message === "connectors.snelstart.log.noMandate");
    expect(notes).toHaveLength(0);
  });

  it("does not attach the mandate to an invoice that belongs to no subscription", async () => {
    const inv = await sendInvoice(hostOf.get(SNEL.relatie.zonnetje1001)!, null);
    expect(inv.out.error).toBeUndefined();
    const [b] = await boekingen(inv.number);
    expect(b).toBeDefined();
    expect(b.doorlopendeIncassoMachtiging).toBeUndefined();
  });

  it("books a subscription invoice of a relation without a mandate, and logs noMandate", async () => {
    // invoice 2026-0002 (Draft in the seed) belongs to the subscription of Bakkerij De Gouden Korf, unknown to SnelStart
    const inv = await setSent(CRM.invoice.draftWithSubscription0002);
    expect(inv.out.error).toBeUndefined();
    expect(inv.out.result).toMatchObject({ outcome: "created" });
    const found = await boekingen(inv.number);
    expect(found).toHaveLength(1);
    expect(found[0].doorlopendeIncassoMachtiging).toBeUndefined();
    const notes = (await syncLog(world, installationId)).filter((e) => e.hostId === inv.id && e.message === "connectors.snelstart.log.noMandate");
    expect(notes).toHaveLength(1);
  });

  it("treats a withdrawn mandate as none", async () => {
    const relationId = hostOf.get(SNEL.relatie.linde1006)!;
    const sub = await api.post("Activity_Subscription", { Subject: "Catering", StartDate: "2026-01-01", Relation: { ID: relationId } });
    const inv = await sendInvoice(relationId, sub.ID);
    expect(inv.out.error).toBeUndefined();
    const [b] = await boekingen(inv.number);
    expect(b.doorlopendeIncassoMachtiging).toBeUndefined();
    const notes = (await syncLog(world, installationId)).filter((e) => e.hostId === inv.id && e.message === "connectors.snelstart.log.noMandate");
    expect(notes).toHaveLength(1);
  });
});
