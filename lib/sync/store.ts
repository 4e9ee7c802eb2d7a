import { and, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "@/lib/db";
import { schema } from "@/lib/db";
import type { RunCounts } from "@/lib/db/schema";
import type { LogMessage } from "./types";

export type Link = typeof schema.syncLinks.$inferSelect;
export type Outcome = keyof RunCounts;
export type Direction = "host_to_remote" | "remote_to_host";

export type LogEntry = {
  direction: Direction;
  entity: string;
  hostId?: string | null;
  remoteId?: string | null;
  /** what the user knows the record by (name and number, invoice number) */
  label?: string | null;
  outcome: Outcome;
  message?: string | null;
  messageParams?: Record<string, string | number> | null;
  retriable?: boolean;
};

// ── links ─────────────────────────────────────────────────────────────

// A link joins a host record to the package's record in one role ("" unless the package keeps a
// record per role, e.g. a customer and a supplier record for one relation): every lookup names it.

const linkOf = (installationId: string, entity: string, role: string) =>
  and(eq(schema.syncLinks.installationId, installationId), eq(schema.syncLinks.entity, entity), eq(schema.syncLinks.role, role));

export async function linkByHostId(db: Db, installationId: string, entity: string, hostId: string, role = ""): Promise<Link | null> {
  const [row] = await db.select().from(schema.syncLinks).where(and(linkOf(installationId, entity, role), eq(schema.syncLinks.hostId, hostId)));
  return row ?? null;
}

export async function linkByRemoteId(db: Db, installationId: string, entity: string, remoteId: string, role = ""): Promise<Link | null> {
  const [row] = await db.select().from(schema.syncLinks).where(and(linkOf(installationId, entity, role), eq(schema.syncLinks.remoteId, remoteId)));
  return row ?? null;
}

/** Links of many remote ids at once (one query per page, not one per record). */
export async function linksByRemoteIds(db: Db, installationId: string, entity: string, remoteIds: string[], role = ""): Promise<Map<string, Link>> {
  if (remoteIds.length === 0) return new Map();
  const rows = await db
    .select()
    .from(schema.syncLinks)
    .where(and(linkOf(installationId, entity, role), sql`${schema.syncLinks.remoteId} = any(${sql.param(remoteIds)}::text[])`));
  return new Map(rows.map((r) => [r.remoteId, r]));
}

/**
 * The host records that remote ids are linked to in the other roles: a package that keeps one
 * contact with one id for both roles names the same host record under either.
 */
export async function hostIdsInOtherRoles(db: Db, installationId: string, entity: string, remoteIds: string[], role: string): Promise<Map<string, string>> {
  if (remoteIds.length === 0) return new Map();
  const l = schema.syncLinks;
  const rows = await db
    .select({ remoteId: l.remoteId, hostId: l.hostId })
    .from(l)
    .where(and(eq(l.installationId, installationId), eq(l.entity, entity), sql`${l.role} <> ${role}`, sql`${l.remoteId} = any(${sql.param(remoteIds)}::text[])`));
  return new Map(rows.map((r) => [r.remoteId, r.hostId]));
}

export async function saveLink(
  db: Db,
  v: { installationId: string; entity: string; role?: string; hostId: string; remoteId: string; remoteNumber?: string | null; hostHash?: string | null; remoteHash?: string | null },
): Promise<void> {
  const set = {
    remoteId: v.remoteId,
    ...(v.remoteNumber !== undefined ? { remoteNumber: v.remoteNumber } : {}),
    ...(v.hostHash !== undefined ? { hostHash: v.hostHash } : {}),
    ...(v.remoteHash !== undefined ? { remoteHash: v.remoteHash } : {}),
    updatedAt: new Date(),
  };
  await db
    .insert(schema.syncLinks)
    .values({ ...v, role: v.role ?? "", remoteNumber: v.remoteNumber ?? null, hostHash: v.hostHash ?? null, remoteHash: v.remoteHash ?? null })
    .onConflictDoUpdate({ target: [schema.syncLinks.installationId, schema.syncLinks.entity, schema.syncLinks.role, schema.syncLinks.hostId], set });
}

/** host id → remote id for the linked ones among `hostIds` (e.g. the products on an invoice). */
export async function remoteIdsOf(db: Db, installationId: string, entity: string, hostIds: string[], role = ""): Promise<Record<string, string>> {
  if (hostIds.length === 0) return {};
  const rows = await db
    .select({ hostId: schema.syncLinks.hostId, remoteId: schema.syncLinks.remoteId })
    .from(schema.syncLinks)
    .where(and(linkOf(installationId, entity, role), inArray(schema.syncLinks.hostId, hostIds)));
  return Object.fromEntries(rows.map((r) => [r.hostId, r.remoteId]));
}

/**
 * Many links in one statement (a page of matched or unchanged records). The rows travel as one
 * JSON parameter: a page of 500 as separate parameters cost more to build than to store.
 */
export async function saveLinks(
  db: Db,
  rows: Array<{ installationId: string; entity: string; role: string; hostId: string; remoteId: string; remoteNumber: string | null; hostHash: string | null; remoteHash: string | null }>,
): Promise<void> {
  if (rows.length === 0) return;
  await db.execute(sql`
    insert into ${schema.syncLinks} (installation_id, entity, role, host_id, remote_id, remote_number, host_hash, remote_hash)
    select "installationId", entity, role, "hostId", "remoteId", "remoteNumber", "hostHash", "remoteHash"
    from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
      as r("installationId" uuid, entity text, role text, "hostId" text, "remoteId" text, "remoteNumber" text, "hostHash" text, "remoteHash" text)
    on conflict (installation_id, entity, role, host_id) do update set
      remote_id = excluded.remote_id, remote_number = excluded.remote_number,
      host_hash = excluded.host_hash, remote_hash = excluded.remote_hash, updated_at = now()`);
}

// ── cursors ───────────────────────────────────────────────────────────

export async function readCursor<T>(db: Db, installationId: string, entity: string, direction: string): Promise<T | null> {
  const [row] = await db
    .select()
    .from(schema.syncCursors)
    .where(and(eq(schema.syncCursors.installationId, installationId), eq(schema.syncCursors.entity, entity), eq(schema.syncCursors.direction, direction)));
  return (row?.cursor as T) ?? null;
}

export async function writeCursor(db: Db, installationId: string, entity: string, direction: string, cursor: unknown): Promise<void> {
  await db
    .insert(schema.syncCursors)
    .values({ installationId, entity, direction, cursor })
    .onConflictDoUpdate({
      target: [schema.syncCursors.installationId, schema.syncCursors.entity, schema.syncCursors.direction],
      set: { cursor, updatedAt: new Date() },
    });
}

/**
 * How far back the next scheduled pull starts before this one began. A change can turn up stamped
 * a little before the moment it was read (a write still committing, the package's clock behind
 * ours); reading this overlap again costs hash compares, and writes nothing.
 */
export const PULL_OVERLAP_MS = 10 * 60_000;

/**
 * Where the next pull starts: the newest change this one saw, or this one's start less the overlap
 * when that is later. The second keeps the cursor moving when the package filters to whole seconds:
 * otherwise the newest second, and a bulk change of many records within it, is read on every pull.
 */
export function nextPullSince(newestSeen: string | null, pullStartedAt: number): string {
  const settled = pullStartedAt - PULL_OVERLAP_MS;
  return newestSeen && Date.parse(newestSeen) > settled ? newestSeen : new Date(settled).toISOString();
}

// ── runs and the sync log ─────────────────────────────────────────────

export async function startRun(db: Db, installationId: string, kind: string, entity: string): Promise<string> {
  const [row] = await db.insert(schema.syncRuns).values({ installationId, kind, entity }).returning({ id: schema.syncRuns.id });
  return row.id;
}

export function emptyCounts(): RunCounts {
  return { created: 0, updated: 0, linked: 0, unchanged: 0, skipped: 0, failed: 0 };
}

/** Adds a page's counts to the run in one statement, so concurrent pages never lose counts. */
export async function addToRun(db: Db, runId: string, counts: RunCounts, processed: number, total?: number | null): Promise<void> {
  await db
    .update(schema.syncRuns)
    .set({
      counts: sql`jsonb_build_object(
        'created', (${schema.syncRuns.counts}->>'created')::int + ${counts.created},
        'updated', (${schema.syncRuns.counts}->>'updated')::int + ${counts.updated},
        'linked', (${schema.syncRuns.counts}->>'linked')::int + ${counts.linked},
        'unchanged', (${schema.syncRuns.counts}->>'unchanged')::int + ${counts.unchanged},
        'skipped', (${schema.syncRuns.counts}->>'skipped')::int + ${counts.skipped},
        'failed', (${schema.syncRuns.counts}->>'failed')::int + ${counts.failed})`,
      processed: sql`${schema.syncRuns.processed} + ${processed}`,
      ...(total != null ? { total } : {}),
    })
    .where(eq(schema.syncRuns.id, runId));
}

export async function finishRun(db: Db, runId: string, status: "succeeded" | "failed" | "cancelled", error?: string): Promise<void> {
  await db
    .update(schema.syncRuns)
    .set({ status, finishedAt: new Date(), error: error ?? null })
    .where(and(eq(schema.syncRuns.id, runId), eq(schema.syncRuns.status, "running")));
}

/**
 * Runs `fn` as one recorded run: succeeded, or failed when a record failed or `fn` threw
 * (the error is kept on the run and thrown on).
 */
export async function withRun<T extends { entries: LogEntry[] }>(
  db: Db,
  installationId: string,
  kind: string,
  entity: string,
  fn: (runId: string) => Promise<T>,
): Promise<T> {
  const runId = await startRun(db, installationId, kind, entity);
  try {
    const result = await fn(runId);
    await finishRun(db, runId, countOf(result.entries).failed ? "failed" : "succeeded");
    return result;
  } catch (err) {
    await finishRun(db, runId, "failed", err instanceof Error ? err.message : String(err));
    throw err;
  }
}

export async function logEvents(db: Db, installationId: string, runId: string | null, entries: LogEntry[]): Promise<void> {
  if (entries.length === 0) return;
  const rows = entries.map((e) => ({
    direction: e.direction,
    entity: e.entity,
    hostId: e.hostId ?? null,
    remoteId: e.remoteId ?? null,
    label: e.label ?? null,
    outcome: e.outcome,
    message: e.message ?? null,
    messageParams: e.messageParams ?? null,
    retriable: e.retriable ?? e.outcome === "failed",
  }));
  // one JSON parameter for the page, as in saveLinks
  await db.execute(sql`
    insert into ${schema.syncEvents} (installation_id, run_id, direction, entity, host_id, remote_id, label, outcome, message, message_params, retriable)
    select ${installationId}::uuid, ${runId}::uuid, direction, entity, "hostId", "remoteId", label, outcome, message, "messageParams", retriable
    from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
      as r(direction sync_direction, entity text, "hostId" text, "remoteId" text, label text, outcome sync_outcome, message text, "messageParams" jsonb, retriable boolean)`);
}

export function countOf(entries: LogEntry[]): RunCounts {
  const c = emptyCounts();
  for (const e of entries) c[e.outcome]++;
  return c;
}

/** What the sync log last called a record (a document's own number, say), if it logged it. */
export async function loggedLabel(db: Db, installationId: string, entity: string, hostId: string): Promise<string | null> {
  const e = schema.syncEvents;
  const [row] = await db
    .select({ label: e.label })
    .from(e)
    .where(and(eq(e.installationId, installationId), eq(e.entity, entity), eq(e.hostId, hostId), sql`${e.label} is not null`))
    .orderBy(sql`${e.id} desc`)
    .limit(1);
  return row?.label ?? null;
}

/** Once a record syncs, its earlier failures no longer offer a retry. */
export async function resolveFailures(db: Db, installationId: string, entity: string, hostId: string): Promise<void> {
  await db
    .update(schema.syncEvents)
    .set({ retriable: false })
    .where(
      and(
        eq(schema.syncEvents.installationId, installationId),
        eq(schema.syncEvents.entity, entity),
        eq(schema.syncEvents.hostId, hostId),
        eq(schema.syncEvents.outcome, "failed"),
        eq(schema.syncEvents.retriable, true),
      ),
    );
}

/** Another job holds this record; retry shortly. */
export class RecordBusyError extends Error {
  readonly retryAfterMs = 1000;
  /** what the sync log says when a job gives up waiting for it */
  get logMessage(): LogMessage {
    return { key: "sync.errors.recordBusy", params: { detail: this.message } };
  }
}

const LOCK_TTL_MS = 2 * 60_000;

const LOCK_WAIT_MS = 3_000;

async function tryLock(db: Db, installationId: string, entity: string, key: string): Promise<boolean> {
  const expiresAt = new Date(Date.now() + LOCK_TTL_MS);
  const taken = await db
    .insert(schema.syncLocks)
    .values({ installationId, entity, key, expiresAt })
    .onConflictDoUpdate({
      target: [schema.syncLocks.installationId, schema.syncLocks.entity, schema.syncLocks.key],
      set: { expiresAt },
      setWhere: sql`${schema.syncLocks.expiresAt} < now()`,
    })
    .returning({ key: schema.syncLocks.key });
  return taken.length === 1;
}

/**
 * Runs `fn` as the only writer of one record; a lock left by a crashed job expires. A short
 * wait covers the usual case (the webhooks of one change arriving together) without a retry.
 */
export async function withRecordLock<T>(db: Db, installationId: string, entity: string, key: string, fn: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + LOCK_WAIT_MS;
  while (!(await tryLock(db, installationId, entity, key))) {
    if (Date.now() > deadline) throw new RecordBusyError(`${entity} ${key} is being synced by another job`);
    await new Promise((r) => setTimeout(r, 100));
  }
  try {
    return await fn();
  } finally {
    await db
      .delete(schema.syncLocks)
      .where(and(eq(schema.syncLocks.installationId, installationId), eq(schema.syncLocks.entity, entity), eq(schema.syncLocks.key, key)));
  }
}
