/**
 * Invoices (seed 002 "Factuur synchronisatie", DESIGN rule 7): an invoice set to Sent is booked
 * once as a verkoopboeking with its lines, VAT and document; a retry never books twice, not even
 * after a lost response; an unmapped VAT group stops that invoice with a clear message and is
 * retried from the sync log once fixed.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { schema } from "@/lib/db";
import { translate } from "@/lib/i18n";
import { MAX_WAITS } from "@/lib/sync/host-changes";
import { retrySyncEvent } from "@/lib/installations";
import {
  CRM,
  SANDBOX_TENANT,
  crm,
  installSnelStart,
  links,
  runForEvents,
  runFunction,
  sentBy,
  snelstart,
  startWorld,
  syncLog,
  updateSettings,
  type Crm,
  type World,
} from "../helpers/world";

let world: World;
let api: Crm;
let sim: ReturnType<typeof snelstart>;
let installationId: string;
let ledger8000: string;

beforeAll(async () => {
  world = await startWorld();
  api = crm(world);
  sim = snelstart(world);
  installationId = await installSnelStart(world, { status: "active" });
  ledger8000 = ((await sim.state()).grootboeken as Array<{ id: string; nummer: number }>).find((g) => g.nummer === 8000)!.id;
  world.events.splice(0);
}, 120_000);
afterAll(() => world?.close());

type Boeking = {
  id: string;
  factuurnummer: string;
  factuurbedrag: number;
  klant: { id: string };
  boekingsregels: Array<{ bedrag: number; btwSoort?: string; grootboek: { id: string }; omschrijving: string }>;
  btw?: Array<{ btwSoort: string; btwBedrag: number }>;
  doorlopendeIncassoMachtiging?: { id: string };
};

async function boekingen(factuurnummer: string): Promise<Boeking[]> {
  return ((await sim.state()).verkoopboekingen as Boeking[]).filter((b) => b.factuurnummer === factuurnummer);
}
async function documentsOf(parentId: string) {
  return ((await sim.state()).documenten as Array<{ parentIdentifier: string; fileName: string; size: number }>).filter((d) => d.parentIdentifier === parentId);
}
const count = (stats: { byRoute: Record<string, number> }, route: string) => stats.byRoute[route] ?? 0;

/** A new invoice for Bakkerij De Gouden Korf, set to Sent; returns it and the events it caused. */
async function sentInvoice(lines: Array<{ Description: string; Quantity: number; Price: number; VatGroup: string; Product?: string }>) {
  const inv = await api.post("Activity_Invoice", {
    Subject: "Catering en advies",
    InvoiceDate: "2026-03-02",
    PaymentTermInDays: 14,
    Currency: "EUR",
    IsVatIncluded: false,
    Relationship: { ID: CRM.customer.goudenKorf },
    ProductLines: lines.map(({ Product, ...l }) => ({ ...l, VatGroup: { ID: l.VatGroup }, ...(Product ? { Product: { ID: Product } } : {}) })),
  });
  await api.put(`Activity_Invoice(${inv.ID})`, { Phase: { ID: CRM.invoicePhase.sent } });
  const events = (await world.takeEvents()).filter((e) => e.name === "ledgerlink/invoice.phase-changed" && e.data.hostId === inv.ID);
  expect(events).toHaveLength(1);
  return { id: inv.ID as string, number: (await api.get(`Activity_Invoice(${inv.ID})`)).Number as string, events };
}

const book = (events: Array<{ name: string; data: Record<string, string> }>) => runForEvents("snelstart-book-invoices", events, "ledgerlink/invoice.phase-changed");

describe("booking invoices", () => {
  let first: Awaited<ReturnType<typeof sentInvoice>>;

  it("books an invoice set to Sent as one verkoopboeking: number, klant, lines with grootboek and btwSoort, VAT, document", async () => {
    first = await sentInvoice([
      { Description: "Lunchcatering", Quantity: 10, Price: 12.5, VatGroup: CRM.vatGroup.NL9 },
      { Description: "Advies", Quantity: 2, Price: 95, VatGroup: CRM.vatGroup.NL21 },
    ]);
    const [out] = await book(first.events);
    expect(out.error).toBeUndefined();
    expect(out.result).toMatchObject({ outcome: "created" });

    const found = await boekingen(first.number);
    expect(found).toHaveLength(1);
    const b = found[0];
    // the customer was sent to SnelStart first, once
    const relLink = (await links(world, installationId, "relation")).find((l) => l.hostId === CRM.org.goudenKorf)!;
    expect(b.klant.id).toBe(relLink.remoteId);
    expect(((await sim.state()).relaties as Array<{ naam: string }>).filter((r) => r.naam === "Bakkerij De Gouden Korf")).toHaveLength(1);

    expect(b.boekingsregels.map((r) => ({ bedrag: r.bedrag, btwSoort: r.btwSoort, grootboek: r.grootboek.id }))).toEqual([
      { bedrag: 125, btwSoort: "Laag", grootboek: ledger8000 },
      { bedrag: 190, btwSoort: "Hoog", grootboek: ledger8000 },
    ]);
    expect([...(b.btw ?? [])].sort((x, y) => x.btwSoort.localeCompare(y.btwSoort))).toEqual([
      { btwSoort: "VerkopenHoog", btwBedrag: 39.9 },
      { btwSoort: "VerkopenLaag", btwBedrag: 11.25 },
    ]);
    expect(b.factuurbedrag).toBe(366.15);
    const crmInvoice = await api.get(`Activity_Invoice(${first.id})?$expand=ProductLines`);
    expect(b.factuurbedrag).toBe(crmInvoice.ProductLines.reduce((sum: number, l: { TotalIncludingVat: number }) => sum + l.TotalIncludingVat, 0));
    expect(crmInvoice.Amount).toBe(315);

    const docs = await documentsOf(b.id);
    expect(docs).toHaveLength(1);
    expect(docs[0].fileName).toBe(`factuur-${first.number}.pdf`);
    expect(docs[0].size).toBeGreaterThan(100);
  });

  it("first sends a product made before activation, which SnelStart did not have yet", async () => {
    const handboek = "4ad0a9dc-8492-5954-8972-1c905e74ae65"; // BOEK-01, never changed since activation
    expect((await links(world, installationId, "product")).some((l) => l.hostId === handboek)).toBe(false);
    const inv = await sentInvoice([{ Description: "Handboek boekhouden", Quantity: 2, Price: 29.95, VatGroup: CRM.vatGroup.NL9, Product: handboek }]);
    const [out] = await book(inv.events);
    expect(out.error).toBeUndefined();
    expect(out.result).toMatchObject({ outcome: "created" });
    expect(await boekingen(inv.number)).toHaveLength(1);
    const artikelen = ((await sim.state()).artikelen as Array<{ id: string; artikelcode: string }>).filter((a) => a.artikelcode === "BOEK-01");
    expect(artikelen).toHaveLength(1);
    expect((await links(world, installationId, "product")).find((l) => l.hostId === handboek)?.remoteId).toBe(artikelen[0].id);
  });

  it("books nothing new when the function runs again (a retry or a second delivery)", async () => {
    await sim.resetStats();
    const [out] = await book(first.events);
    expect(out.error).toBeUndefined();
    expect(out.result).toMatchObject({ outcome: "unchanged" });
    const stats = await sim.stats();
    expect(count(stats, "POST /v2/verkoopboekingen")).toBe(0);
    expect(count(stats, "POST /v2/documenten/{documenttype}")).toBe(0);
    expect(await boekingen(first.number)).toHaveLength(1);
  });

  it("books exactly once, with its document, when SnelStart accepted the booking but the answer was lost", async () => {
    const inv = await sentInvoice([{ Description: "Advies", Quantity: 1, Price: 95, VatGroup: CRM.vatGroup.NL21 }]);
    await sim.faults({ timeoutAfterWriteRate: 1 });
    const [lost] = await book(inv.events);
    await sim.faults({});
    // the booking landed in SnelStart; whether this attempt finished or not, Inngest may run it again
    expect(await boekingen(inv.number)).toHaveLength(1);
    const [retry] = await book(inv.events);
    expect(retry.error).toBeUndefined();
    expect(["created", "linked", "unchanged"]).toContain((retry.result as { outcome: string }).outcome);
    // the first attempt lost its answers (booking and document): it failed, so Inngest retries it
    expect(lost.error).toBeDefined();

    const found = await boekingen(inv.number);
    expect(found).toHaveLength(1);
    expect(await documentsOf(found[0].id)).toHaveLength(1);
    const link = (await links(world, installationId, "invoice")).find((l) => l.hostId === inv.id);
    expect(link?.remoteId).toBe(found[0].id);
  });
});

describe("a sales order while the tenant works with invoices", () => {
  it("is not booked, and the sync log says why", async () => {
    await api.put(`Activity_SalesOrder(${CRM.salesOrder.so0001})`, { Phase: { ID: CRM.salesOrderPhase.linked } });
    const events = (await world.takeEvents()).filter((e) => e.name === "ledgerlink/sales-order.phase-changed");
    expect(events).toHaveLength(1);
    const [out] = await runForEvents("snelstart-book-sales-orders", events, "ledgerlink/sales-order.phase-changed");
    expect(out.error).toBeUndefined();
    expect(out.result).toMatchObject({ outcome: "skipped" });
    expect(((await sim.state()).verkooporders as Array<{ memo?: string }>).some((o) => o.memo === "Order SO2026-0001")).toBe(false);
    const skipped = (await syncLog(world, installationId)).filter((e) => e.entity === "salesOrder" && e.hostId === CRM.salesOrder.so0001);
    expect(skipped.map((e) => ({ outcome: e.outcome, label: e.label, message: e.message, retriable: e.retriable }))).toEqual([
      { outcome: "skipped", label: "SO2026-0001", message: "connectors.snelstart.log.salesOrdersOff", retriable: false },
    ]);
    expect(translate("nl", skipped[0].message!, skipped[0].messageParams ?? {})).toMatch(/facturen.*Overige instellingen/);
  });
});

describe("an unmapped VAT group", () => {
  let unmapped: Awaited<ReturnType<typeof sentInvoice>>;

  it("stops that invoice with a sync-log message naming the VAT group, while another invoice still books", async () => {
    await updateSettings(world, installationId, (s) => {
      delete s.vatGroups.vatMapping[CRM.vatGroup.NL9];
    });
    unmapped = await sentInvoice([{ Description: "Lunchcatering", Quantity: 4, Price: 12.5, VatGroup: CRM.vatGroup.NL9 }]);
    const fine = await sentInvoice([{ Description: "Advies", Quantity: 3, Price: 95, VatGroup: CRM.vatGroup.NL21 }]);

    const [bad] = await book(unmapped.events);
    expect(bad.error).toBeDefined(); // not retried by Inngest: the user has to fix the mapping
    const [good] = await book(fine.events);
    expect(good.error).toBeUndefined();
    expect(good.result).toMatchObject({ outcome: "created" });

    expect(await boekingen(unmapped.number)).toHaveLength(0);
    expect(await boekingen(fine.number)).toHaveLength(1);
    const failures = (await syncLog(world, installationId)).filter((e) => e.entity === "invoice" && e.outcome === "failed" && e.hostId === unmapped.id);
    expect(failures).toHaveLength(1);
    expect(failures[0].message).toBe("connectors.snelstart.log.vatGroupUnmapped");
    expect(failures[0].messageParams).toMatchObject({ vatGroup: "NL - 9%" });
    expect(failures[0].label, "the log names the invoice by its number").toBe(unmapped.number);
    expect(failures[0].retriable).toBe(true);
  });

  it("is booked by a retry from the sync log once the mapping is fixed", async () => {
    await updateSettings(world, installationId, (s) => {
      s.vatGroups.vatMapping[CRM.vatGroup.NL9] = "Laag";
    });
    const [failure] = (await syncLog(world, installationId)).filter((e) => e.entity === "invoice" && e.outcome === "failed" && e.hostId === unmapped.id);
    const sent: Array<{ name: string; data: Record<string, unknown> }> = [];
    const scheduled = await retrySyncEvent(world.db, {
      tenantId: SANDBOX_TENANT,
      connectorId: "snelstart",
      syncEventId: failure.id,
      send: async (e) => void sent.push(...e),
    });
    expect(scheduled).toBe(true);
    expect(sent).toHaveLength(1);
    const out = await runFunction("snelstart-retry-record", sent[0]);
    expect(out.error).toBeUndefined();
    expect(out.result).toMatchObject({ outcome: "created" });

    const found = await boekingen(unmapped.number);
    expect(found).toHaveLength(1);
    expect(found[0].boekingsregels.map((r) => r.btwSoort)).toEqual(["Laag"]);
    expect(await documentsOf(found[0].id)).toHaveLength(1);
    // the failure no longer offers a retry
    const after = (await syncLog(world, installationId)).find((e) => e.id === failure.id)!;
    expect(after.retriable).toBe(false);
  });
});

describe("a booking that needs a record another job holds", () => {
  it("waits for it without spending a retry, and when it has waited long enough says so in the sync log, with a Retry", async () => {
    const inv = await sentInvoice([{ Description: "Advies", Quantity: 1, Price: 100, VatGroup: CRM.vatGroup.NL21 }]);
    const [event] = inv.events;
    // another job (a push of its customer, a product, this invoice's retry) holds it
    const lock = { installationId, entity: "invoice", key: inv.id };
    await world.db.insert(schema.syncLocks).values({ ...lock, expiresAt: new Date(Date.now() + 120_000) });
    const failedFor = async () => (await syncLog(world, installationId)).filter((e) => e.hostId === inv.id && e.outcome === "failed");

    const waiting = await runFunction("snelstart-book-invoices", event);
    // no error, so no retry spent: the run sends itself again, later
    expect(waiting.error).toBeUndefined();
    expect(waiting.result).toMatchObject({ outcome: "waiting" });
    const again = sentBy(waiting);
    expect(again).toHaveLength(1);
    expect(again[0]).toMatchObject({ name: event.name, data: { ...event.data, waited: 1 } });
    expect(again[0].ts!).toBeGreaterThan(Date.now());
    expect(await failedFor(), "waiting is no failure").toEqual([]);

    // the last wait: the log says the invoice is not booked, and offers a Retry
    const gaveUp = await runFunction("snelstart-book-invoices", { ...event, data: { ...event.data, waited: MAX_WAITS } });
    expect((gaveUp.error as { name?: string } | undefined)?.name).toBe("NonRetriableError");
    const [failed] = await failedFor();
    expect(failed).toMatchObject({ message: "sync.errors.recordBusy", retriable: true, label: inv.number });
    expect(translate("en", failed.message!, failed.messageParams ?? {})).toMatch(/Another sync job kept a record this one needs busy/);

    // once the other job is done, the booking goes through and the failure no longer offers a Retry
    await world.db.delete(schema.syncLocks).where(and(eq(schema.syncLocks.installationId, installationId), eq(schema.syncLocks.entity, "invoice"), eq(schema.syncLocks.key, inv.id)));
    const booked = await runFunction("snelstart-book-invoices", { ...event, data: { ...event.data, waited: 2 } });
    expect(booked.error).toBeUndefined();
    expect(booked.result).toMatchObject({ outcome: "created" });
    expect(await boekingen(inv.number)).toHaveLength(1);
    expect((await failedFor()).filter((e) => e.retriable)).toEqual([]);
  }, 30_000);
});
