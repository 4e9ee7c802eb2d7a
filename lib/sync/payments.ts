import type { SyncContext } from "./context";
import { countOf, finishRun, linkByRemoteId, logEvents, readCursor, saveLink, startRun, writeCursor, type LogEntry } from "./store";

type PaymentCursor = { since: string | null; page: string | null };
const PAID = "paid";

/** Payments flow back: a booked invoice the package reports settled is marked paid in the CRM, once. */
export async function pullPayments(ctx: SyncContext) {
  const source = ctx.remote.payments;
  if (!source) return { entries: [] as LogEntry[] };
  const cursor = (await readCursor<PaymentCursor>(ctx.db, ctx.installation.id, "payment", "pull")) ?? { since: null, page: null };
  const runId = await startRun(ctx.db, ctx.installation.id, "pull", "payment");
  const entries: LogEntry[] = [];
  const startedAt = new Date().toISOString();
  try {
    for (;;) {
      const page = await source.page(cursor.page, cursor.since);
      for (const p of page.items) {
        if (!p.paid) continue;
        const link = (await linkByRemoteId(ctx.db, ctx.installation.id, "invoice", p.remoteInvoiceId)) ?? null;
        if (!link || link.remoteHash === PAID) continue;
        const base = { direction: "remote_to_host" as const, entity: "payment", hostId: link.hostId, remoteId: p.remoteInvoiceId };
        try {
          await ctx.host.invoices.markPaid(link.hostId);
          await saveLink(ctx.db, { ...link, remoteHash: PAID });
          entries.push({ ...base, outcome: "updated", retriable: false });
        } catch (err) {
          entries.push({ ...base, outcome: "failed", message: err instanceof Error ? err.message : String(err) });
        }
      }
      if (!page.next) break;
      cursor.page = page.next;
    }
    await writeCursor(ctx.db, ctx.installation.id, "payment", "pull", { since: startedAt, page: null });
    await logEvents(ctx.db, ctx.installation.id, runId, entries);
    const counts = countOf(entries);
    await finishRun(ctx.db, runId, counts.failed ? "failed" : "succeeded");
  } catch (err) {
    await finishRun(ctx.db, runId, "failed", err instanceof Error ? err.message : String(err));
    throw err;
  }
  return { entries };
}
