import type { SyncContext } from "./context";
import { logMessageOf } from "./types";
import { linkByRemoteId, loggedLabel, logEvents, nextPullSince, readCursor, saveLink, withRun, writeCursor, type LogEntry } from "./store";

type PaymentCursor = { since: string | null; page: string | null };
/** What an invoice link's remoteHash says of its payment: paid, or the balance last reported. */
const PAID = "paid";
const openBalance = (outstanding: number) => `open:${outstanding.toFixed(2)}`;
const money = (n: number) => n.toFixed(2);

/**
 * Payments flow back: a booked invoice the package reports settled is marked paid in the CRM,
 * once; a part payment is written on the invoice's line of the sync log (the CRM keeps no paid
 * amount), once per balance.
 */
export async function pullPayments(ctx: SyncContext) {
  const source = ctx.remote.payments;
  if (!source) return { entries: [] as LogEntry[] };
  const cursor = (await readCursor<PaymentCursor>(ctx.db, ctx.installation.id, "payment", "pull")) ?? { since: null, page: null };
  const startedAt = Date.now();
  return withRun(ctx.db, ctx.installation.id, "pull", "payment", async (runId) => {
    const entries: LogEntry[] = [];
    for (;;) {
      const page = await source.page(cursor.page, cursor.since);
      for (const p of page.items) {
        const partial = !p.paid && p.total != null && p.outstanding > 0 && p.outstanding < p.total;
        if (!p.paid && !partial) continue;
        const link = await linkByRemoteId(ctx.db, ctx.installation.id, "invoice", p.remoteInvoiceId);
        if (!link || link.remoteHash === PAID) continue;
        // on the invoice's line: named as its booking was, by the CRM's number
        const label = (await loggedLabel(ctx.db, ctx.installation.id, "invoice", link.hostId)) ?? link.remoteNumber;
        const base = { direction: "remote_to_host" as const, entity: "payment", hostId: link.hostId, remoteId: p.remoteInvoiceId, label };
        const when = { date: (p.changedAt ?? new Date().toISOString()).slice(0, 10) };
        if (partial) {
          if (link.remoteHash === openBalance(p.outstanding)) continue;
          await saveLink(ctx.db, { ...link, remoteHash: openBalance(p.outstanding) });
          const paid = { paid: money(p.total! - p.outstanding), total: money(p.total!), outstanding: money(p.outstanding), currency: p.currency };
          entries.push({ ...base, outcome: "unchanged", message: "sync.payments.partial", messageParams: { ...paid, ...when }, retriable: false });
          continue;
        }
        try {
          await ctx.host.invoices.markPaid(link.hostId);
          await saveLink(ctx.db, { ...link, remoteHash: PAID });
          const paid = p.total != null ? { total: money(p.total), currency: p.currency } : null;
          entries.push({ ...base, outcome: "updated", ...(paid ? { message: "sync.payments.paid", messageParams: { ...paid, ...when } } : {}), retriable: false });
        } catch (err) {
          const said = logMessageOf(err);
          entries.push({ ...base, outcome: "failed", message: said.key, messageParams: said.params ?? null });
        }
      }
      if (!page.next) break;
      cursor.page = page.next;
    }
    await writeCursor(ctx.db, ctx.installation.id, "payment", "pull", { since: nextPullSince(null, startedAt), page: null });
    await logEvents(ctx.db, ctx.installation.id, runId, entries);
    return { entries };
  });
}
