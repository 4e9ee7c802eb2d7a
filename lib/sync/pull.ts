import type { SyncContext } from "./context";
import { applyRemotePage, recordSpecOf, type RecordEntity } from "./entities";
import { nextPullSince, readCursor, withRun, writeCursor, type LogEntry } from "./store";

/** `startedAt`: when the pull that is paging began (a resumed run keeps it, so the next `since` is not later than that) */
type PullCursor = { since: string | null; page: string | null; maxSeen?: string | null; startedAt?: number };

/**
 * The scheduled pull: everything the package changed since the cursor, page by page.
 * When nothing changed it costs one request.
 */
export async function pullChanges(ctx: SyncContext, entity: RecordEntity) {
  const spec = recordSpecOf(entity)!;
  const remote = spec.remote(ctx);
  if (!remote) return { pages: 0, entries: [] as LogEntry[] };
  const cursor: PullCursor = (await readCursor<PullCursor>(ctx.db, ctx.installation.id, entity, "pull")) ?? { since: null, page: null };
  const startedAt = (cursor.startedAt ??= Date.now());
  return withRun(ctx.db, ctx.installation.id, "pull", entity, async (runId) => {
    const entries: LogEntry[] = [];
    let pages = 0;
    for (;;) {
      const page = await remote.page(cursor.page, cursor.since);
      pages++;
      entries.push(...(await applyRemotePage(ctx, spec, runId, page.items, { importing: false, rejected: page.rejected })));
      for (const r of page.items) if (r.modifiedAt && (!cursor.maxSeen || r.modifiedAt > cursor.maxSeen)) cursor.maxSeen = r.modifiedAt;
      if (!page.next) {
        await writeCursor(ctx.db, ctx.installation.id, entity, "pull", { since: nextPullSince(cursor.maxSeen ?? cursor.since, startedAt), page: null });
        return { pages, entries };
      }
      cursor.page = page.next;
      await writeCursor(ctx.db, ctx.installation.id, entity, "pull", cursor);
    }
  });
}
