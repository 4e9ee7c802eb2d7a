import type { SyncContext } from "./context";
import { applyRemotePage, laneCursorKey, recordSpecOf, type RecordEntity, type RemoteLane } from "./entities";
import { nextPullSince, readCursor, withRun, writeCursor, type LogEntry } from "./store";

/** `startedAt`: when the pull that is paging began (a resumed run keeps it, so the next `since` is not later than that) */
type PullCursor = { since: string | null; page: string | null; maxSeen?: string | null; startedAt?: number };

/**
 * The scheduled pull: everything the package changed since the cursor, page by page, in each
 * role the package keeps records for. When nothing changed it costs one request per role.
 */
export async function pullChanges(ctx: SyncContext, entity: RecordEntity) {
  const spec = recordSpecOf(entity)!;
  const lanes = spec.remotes(ctx);
  if (lanes.length === 0) return { pages: 0, entries: [] as LogEntry[] };
  return withRun(ctx.db, ctx.installation.id, "pull", entity, async (runId) => {
    const entries: LogEntry[] = [];
    let pages = 0;
    for (const lane of lanes) {
      const r = await pullLane(ctx, entity, lane, runId);
      pages += r.pages;
      entries.push(...r.entries);
    }
    return { pages, entries };
  });
}

async function pullLane(ctx: SyncContext, entity: RecordEntity, lane: RemoteLane<unknown>, runId: string) {
  const spec = recordSpecOf(entity)!;
  const key = laneCursorKey(entity, lane.role);
  const cursor: PullCursor = (await readCursor<PullCursor>(ctx.db, ctx.installation.id, key, "pull")) ?? { since: null, page: null };
  const startedAt = (cursor.startedAt ??= Date.now());
  const entries: LogEntry[] = [];
  let pages = 0;
  for (;;) {
    const page = await lane.entity.page(cursor.page, cursor.since);
    pages++;
    entries.push(...(await applyRemotePage(ctx, spec, runId, page.items, { lane, importing: false, rejected: page.rejected })));
    for (const r of page.items) if (r.modifiedAt && (!cursor.maxSeen || r.modifiedAt > cursor.maxSeen)) cursor.maxSeen = r.modifiedAt;
    if (!page.next) {
      await writeCursor(ctx.db, ctx.installation.id, key, "pull", { since: nextPullSince(cursor.maxSeen ?? cursor.since, startedAt), page: null });
      return { pages, entries };
    }
    cursor.page = page.next;
    await writeCursor(ctx.db, ctx.installation.id, key, "pull", cursor);
  }
}
