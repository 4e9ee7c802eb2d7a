import type { SyncContext } from "./context";
import { logMessageOf } from "./types";
import { linkByRemoteId, logEvents, nextPullSince, readCursor, saveLink, withRun, writeCursor, type LogEntry } from "./store";

type PaymentCursor = { since: string | null; page: string | null };
const PAID = "paid";

/** Payments flow back: a booked invoice the package reports settled is marked paid in the CRM, once. */
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
        if (!p.paid) continue;
        const link = await linkByRemoteId(ctx.db, ctx.installation.id, "invoice", p.remoteInvoiceId);
        if (!link || link.remoteHash === PAID) continue;
        const base = { direction: "remote_to_host" as const, entity: "payment", hostId: link.hostId, remoteId: p.remoteInvoiceId, label: link.remoteNumber };
        try {
          await ctx.host.invoices.markPaid(link.hostId);
          await saveLink(ctx.db, { ...link, remoteHash: PAID });
          entries.push({ ...base, outcome: "updated", retriable: false });
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
