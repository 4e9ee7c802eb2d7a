/**
 * Booking invoices and sales orders in the package: exactly once, with their document.
 * The booking is looked up before it is made, so a retry after a lost response never books twice.
 */
import type { DocumentKind, Invoice, SalesOrder } from "@/lib/model";
import type { SyncContext } from "./context";
import { invoicedRole, PendingWritesError, productSpec, pushRecord, relationSpec } from "./entities";
import { recordHash } from "./hash";
import { linkByHostId, logEvents, RecordBusyError, remoteIdsOf, resolveFailures, saveLink, withRecordLock, type LogEntry } from "./store";
import { logMessageOf, mayHaveBeenWritten, RecordRejectedError, type Booker, type BookingResult } from "./types";

export type { DocumentKind };


type BookOptions = { runId?: string | null; rethrowTransient?: boolean };

export function bookDocument(ctx: SyncContext, kind: DocumentKind, hostId: string, opts: BookOptions = {}): Promise<LogEntry> {
  return withRecordLock(ctx.db, ctx.installation.id, kind, hostId, () => bookDocumentLocked(ctx, kind, hostId, opts));
}

async function bookDocumentLocked(ctx: SyncContext, kind: DocumentKind, hostId: string, opts: BookOptions): Promise<LogEntry> {
  const base = { direction: "host_to_remote" as const, entity: kind, hostId };
  const booker = (kind === "invoice" ? ctx.remote.invoices : ctx.remote.salesOrders) as Booker<Invoice | SalesOrder> | undefined;
  const log = async (entries: LogEntry[]) => logEvents(ctx.db, ctx.installation.id, opts.runId ?? null, entries);
  let label: string | null = null;
  try {
    const source = kind === "invoice" ? await ctx.host.invoices.get(hostId) : await ctx.host.salesOrders.get(hostId);
    if (!source?.handOver) return { ...base, outcome: "skipped" };
    label = source.record.data.number || null;
    if (!booker) {
      // this tenant books the other kind (invoices vs sales orders), or the package books none: the user sees why
      const why = ctx.remote.notBooked?.[kind] ?? { key: "sync.documentNotBooked" };
      const entry: LogEntry = { ...base, label, outcome: "skipped", message: why.key, messageParams: why.params ?? null, retriable: false };
      await log([entry]);
      return entry;
    }
    const existing = await linkByHostId(ctx.db, ctx.installation.id, kind, hostId);
    if (existing) return { ...base, remoteId: existing.remoteId, label, outcome: "unchanged" };

    const doc = source.record.data;
    const role = invoicedRole(ctx);
    let relationLink = await linkByHostId(ctx.db, ctx.installation.id, "relation", doc.relationId, role);
    if (!relationLink) {
      // the customer must exist in the package before it can be invoiced
      // a passing fault is thrown on (the job retries); a customer the package refuses stops the document
      const pushed = await pushRecord(ctx, relationSpec, doc.relationId, {
        runId: opts.runId,
        force: true,
        rethrowTransient: opts.rethrowTransient,
        ...(role ? { roles: [role] } : {}),
      });
      if (pushed.outcome === "failed") throw new RecordRejectedError("sync.relationNotSent", { relation: pushed.label ?? doc.relationId });
      relationLink = await linkByHostId(ctx.db, ctx.installation.id, "relation", doc.relationId, role);
      if (!relationLink) throw new RecordRejectedError("sync.relationMissing");
    }
    const productIds = [...new Set(doc.lines.map((l) => l.productId).filter((id): id is string => id !== null))];
    let productLinks = await remoteIdsOf(ctx.db, ctx.installation.id, "product", productIds);
    // products made before activation, and not changed since, were never sent: like the customer,
    // they must exist in the package before a document names them
    const unsent = ctx.remote.products && ctx.connector.entities.product?.push ? productIds.filter((id) => !productLinks[id]) : [];
    for (const productId of unsent) {
      const pushed = await pushRecord(ctx, productSpec, productId, {
        runId: opts.runId,
        force: true,
        rethrowTransient: opts.rethrowTransient,
      });
      if (pushed.outcome === "failed") throw new RecordRejectedError("sync.productNotSent", { product: pushed.label ?? productId });
    }
    if (unsent.length) productLinks = await remoteIdsOf(ctx.db, ctx.installation.id, "product", productIds);
    const ids = { remoteRelationId: relationLink.remoteId, hostRelationId: doc.relationId, productLinks };
    const found = await booker.findBooked(doc, ids);
    let booking: BookingResult;
    if (found) booking = found;
    else {
      try {
        booking = await booker.book(doc, ids);
      } catch (err) {
        if (!mayHaveBeenWritten(err)) throw err;
        const landed = await booker.findBooked(doc, ids);
        if (!landed) throw err;
        booking = landed;
      }
    }
    if (!booking.documentAttached) {
      const file = kind === "invoice" ? await ctx.host.invoices.document(hostId) : await ctx.host.salesOrders.document(hostId);
      await booker.attachDocument(booking.id, file, ids);
    }
    await saveLink(ctx.db, {
      installationId: ctx.installation.id,
      entity: kind,
      hostId,
      remoteId: booking.id,
      remoteNumber: booking.number,
      hostHash: recordHash(doc),
    });
    const entry: LogEntry = { ...base, remoteId: booking.id, label, outcome: found ? "linked" : "created", retriable: false };
    const notes = (booking.notes ?? []).map<LogEntry>((n) => ({
      ...base,
      remoteId: booking.id,
      label,
      outcome: "skipped",
      message: n.message,
      messageParams: n.params,
      retriable: false,
    }));
    await log([entry, ...notes]);
    await resolveFailures(ctx.db, ctx.installation.id, kind, hostId);
    return entry;
  } catch (err) {
    if (err instanceof RecordBusyError || err instanceof PendingWritesError) throw err;
    const rejected = err instanceof RecordRejectedError;
    const said = logMessageOf(err);
    const entry: LogEntry = { ...base, label, outcome: "failed", message: said.key, messageParams: said.params ?? null, retriable: true };
    await log([entry]);
    if (opts.rethrowTransient && !rejected) throw err;
    return entry;
  }
}

/**
 * A booking that waited as long as it may for a record another job holds (or a page is writing),
 * and gives up: the sync log says so, with a Retry, so a document is never left unbooked unseen.
 */
export async function logGaveUpWaiting(ctx: SyncContext, kind: DocumentKind, hostId: string, err: unknown): Promise<LogEntry> {
  const source = await (kind === "invoice" ? ctx.host.invoices.get(hostId) : ctx.host.salesOrders.get(hostId)).catch(() => null);
  const said = logMessageOf(err);
  const entry: LogEntry = {
    direction: "host_to_remote",
    entity: kind,
    hostId,
    label: source?.record.data.number || null,
    outcome: "failed",
    message: said.key,
    messageParams: said.params ?? null,
    retriable: true,
  };
  await logEvents(ctx.db, ctx.installation.id, null, [entry]);
  return entry;
}
