import type { SyncContext } from "./context";
import { applyRemotePage, productSpec, relationSpec, type EntitySpec } from "./entities";
import { countOf, finishRun, readCursor, startRun, writeCursor, type LogEntry } from "./store";

type PullCursor = { since: string | null; page: string | null; maxSeen?: string | null };

const specs = { relation: relationSpec, product: productSpec } as const;

/**
 * The scheduled pull: everything the package changed since the cursor, page by page.
 * When nothing changed it costs one request.
 */
export async function pullChanges(ctx: SyncContext, entity: keyof typeof specs, opts: { maxPages?: number } = {}) {
  const spec = specs[entity] as EntitySpec<unknown>;
  const remote = spec.remote(ctx);
  if (!remote) return { pages: 0, entries: [] as LogEntry[] };
  const cursor: PullCursor = (await readCursor<PullCursor>(ctx.db, ctx.installation.id, entity, "pull")) ?? { since: null, page: null };
  const runId = await startRun(ctx.db, ctx.installation.id, "pull", entity);
  const entries: LogEntry[] = [];
  let pages = 0;
  try {
    for (;;) {
      const page = await remote.page(cursor.page, cursor.since);
      pages++;
      entries.push(...(await applyRemotePage(ctx, spec, runId, page.items, { importing: false, rejected: page.rejected })));
      for (const r of page.items) if (r.modifiedAt && (!cursor.maxSeen || r.modifiedAt > cursor.maxSeen)) cursor.maxSeen = r.modifiedAt;
      if (!page.next) {
        await writeCursor(ctx.db, ctx.installation.id, entity, "pull", { since: cursor.maxSeen ?? cursor.since, page: null });
        break;
      }
      cursor.page = page.next;
      await writeCursor(ctx.db, ctx.installation.id, entity, "pull", cursor);
      if (opts.maxPages && pages >= opts.maxPages) break;
    }
    await finishRun(ctx.db, runId, countOf(entries).failed ? "failed" : "succeeded");
  } catch (err) {
    await finishRun(ctx.db, runId, "failed", err instanceof Error ? err.message : String(err));
    throw err;
  }
  return { pages, entries };
}
