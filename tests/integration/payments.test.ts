/**
 * Payments flow back (DESIGN rule 8): a verkoopfactuur paid in SnelStart marks the CRM invoice
 * paid on the next `snelstart-pull-payments`, once.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { schema } from "@/lib/db";
import { translate } from "@/lib/i18n";
import { CRM, crm, installSnelStart, recordEvent, links, runFunction, runScheduledPull, snelstart, startWorld, type Crm, type World } from "../helpers/world";

let world: World;
let api: Crm;
let sim: ReturnType<typeof snelstart>;
let installationId: string;


beforeAll(async () => {
  world = await startWorld();
  api = crm(world);
  sim = snelstart(world);
  installationId = await installSnelStart(world, { status: "active" });
}, 120_000);
afterAll(() => world?.close());

async function crmStats() {
  const r = await fetch(`${world.host.url}/__admin/stats`);
  const j = (await r.json()) as { organizations: Record<string, { byMethodAndEntitySet: Record<string, number> }> };
  return Object.values(j.organizations)[0]?.byMethodAndEntitySet ?? {};
}

describe("payments", () => {
  it("marks the CRM invoice paid when its verkoopfactuur is paid in SnelStart, and writes nothing the second time", async () => {
    // invoice 2026-0001 is Sent in the seed: book it
    const booked = await runFunction("snelstart-book-invoices", recordEvent("ledgerlink/invoice.phase-changed", installationId, CRM.invoice.sent0001));
    expect(booked.error).toBeUndefined();
    expect(booked.result).toMatchObject({ outcome: "created" });
    const boekingId = (await links(world, installationId, "invoice")).find((l) => l.hostId === CRM.invoice.sent0001)!.remoteId;

    // not paid yet: the pull changes nothing
    let out = await runScheduledPull("payments");
    expect(out).toEqual([{ installationId, paid: 0, partlyPaid: 0 }]);
    let invoice = await api.get(`Activity_Invoice(${CRM.invoice.sent0001})?$expand=Phase`);
    expect(invoice.IsPaid).toBe(false);

    const factuur = ((await sim.state()).verkoopfacturen as Array<{ id: string; verkoopBoeking?: { id: string } }>).find((f) => f.verkoopBoeking?.id === boekingId)!;
    expect(factuur).toBeDefined();
    await sim.markPaid(factuur.id);

    out = await runScheduledPull("payments");
    expect(out).toEqual([{ installationId, paid: 1, partlyPaid: 0 }]);
    invoice = await api.get(`Activity_Invoice(${CRM.invoice.sent0001})?$expand=Phase`);
    expect(invoice.Phase.Code).toBe("Paid");
    expect(invoice.IsPaid).toBe(true);

    // again: nothing is written to the CRM
    const before = (await crmStats())["PUT Activity_Invoice"] ?? 0;
    out = await runScheduledPull("payments");
    expect(out).toEqual([{ installationId, paid: 0, partlyPaid: 0 }]);
    expect((await crmStats())["PUT Activity_Invoice"] ?? 0).toBe(before);
  });

  it("leaves a partly paid invoice open", async () => {
    const inv = await api.post("Activity_Invoice", {
      Subject: "Deelbetaling",
      InvoiceDate: "2026-03-05",
      PaymentTermInDays: 14,
      Currency: "EUR",
      IsVatIncluded: false,
      Relationship: { ID: CRM.customer.vanDijk },
      ProductLines: [{ Description: "Advies", Quantity: 1, Price: 100, VatGroup: { ID: CRM.vatGroup.NL21 } }],
    });
    await api.put(`Activity_Invoice(${inv.ID})`, { Phase: { ID: CRM.invoicePhase.sent } });
    const booked = await runFunction("snelstart-book-invoices", recordEvent("ledgerlink/invoice.phase-changed", installationId, inv.ID));
    expect(booked.error).toBeUndefined();
    const boekingId = (await links(world, installationId, "invoice")).find((l) => l.hostId === inv.ID)!.remoteId;
    const factuur = ((await sim.state()).verkoopfacturen as Array<{ id: string; verkoopBoeking?: { id: string } }>).find((f) => f.verkoopBoeking?.id === boekingId)!;
    const r = await fetch(`${world.snelstart.url}/__admin/verkoopfacturen/${factuur.id}/betaald`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ bedrag: 50 }),
    });
    expect(r.status).toBe(200);
    let out = await runScheduledPull("payments");
    expect(out).toEqual([{ installationId, paid: 0, partlyPaid: 1 }]);
    let invoice = await api.get(`Activity_Invoice(${inv.ID})?$expand=Phase`);
    expect(invoice.IsPaid).toBe(false);
    expect(invoice.Phase.Code).toBe("Sent");
    // the part payment is on the invoice's line of the sync log, with its amounts
    const partLines = (await paymentLines(inv.ID)).filter((e) => e.message === "sync.payments.partial");
    expect(partLines).toEqual([expect.objectContaining({ outcome: "unchanged", messageParams: expect.objectContaining({ paid: "50.00", total: "121.00", outstanding: "71.00", currency: "EUR" }) })]);
    expect(translate("nl", partLines[0]!.message!, partLines[0]!.messageParams as Record<string, string>)).toMatch(/^Deels betaald: 50\.00 van 121\.00 EUR, nog open 71\.00 EUR \(stand van \d{4}-\d{2}-\d{2}\)\.$/);

    // the same balance again: no second line
    out = await runScheduledPull("payments");
    expect(out).toEqual([{ installationId, paid: 0, partlyPaid: 0 }]);

    // the rest paid: the invoice is Paid, and the line says how much
    await fetch(`${world.snelstart.url}/__admin/verkoopfacturen/${factuur.id}/betaald`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ bedrag: 71 }) });
    out = await runScheduledPull("payments");
    expect(out).toEqual([{ installationId, paid: 1, partlyPaid: 0 }]);
    invoice = await api.get(`Activity_Invoice(${inv.ID})?$expand=Phase`);
    expect(invoice.Phase.Code).toBe("Paid");
    expect((await paymentLines(inv.ID)).filter((e) => e.message === "sync.payments.paid")).toEqual([
      expect.objectContaining({ outcome: "updated", messageParams: expect.objectContaining({ total: "121.00", currency: "EUR" }) }),
    ]);
  });
});

async function paymentLines(hostId: string) {
  return world.db
    .select()
    .from(schema.syncEvents)
    .where(and(eq(schema.syncEvents.installationId, installationId), eq(schema.syncEvents.entity, "payment"), eq(schema.syncEvents.hostId, hostId)));
}
