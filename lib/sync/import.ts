/**
 * The initial import, one page per call so a job can resume after a crash from the
 * last page it finished: first the host is read into the local index, then the package's
 * records are taken in through the matching chain.
 */
import { eq } from "drizzle-orm";
import { schema } from "@/lib/db";
import type { SyncContext } from "./context";
import { applyRemotePage, indexCreatedSince, indexHostPage, productSpec, refreshImportStatistics, relationSpec, type EntitySpec } from "./entities";
import { addToRun, emptyCounts, finishRun, readCursor, startRun, writeCursor } from "./store";

export type ImportCursor = {
  runId: string;
  phase: "index" | "remote" | "done";
  cursor: string | null;
  startedAt: string;
  /** the remote page being written, and since when: set before, cleared after */
  inFlight?: { cursor: string | null; since: string } | null;
  /** pages done in this phase */
  pages?: number;
};

/** Statistics after pages 1, 4, 16, 64, …: never more than 4× behind the tables, a few ANALYZEs an import. */
async function afterPage(ctx: SyncContext, pages: number) {
  let n = pages;
  while (n % 4 === 0) n /= 4;
  if (n === 1) await refreshImportStatistics(ctx);
}

const specs = { relation: relationSpec, product: productSpec } as const;
export type ImportEntity = keyof typeof specs;

/** The entities this connector imports, in order (relations before products). */
export function importEntities(ctx: Pick<SyncContext, "connector">): ImportEntity[] {
  return (Object.keys(specs) as ImportEntity[]).filter((e) => ctx.connector.entities[e]?.import);
}

/** Creates (or resumes) the import runs; returns the first entity to work on. */
export async function beginImport(ctx: SyncContext): Promise<Array<{ entity: ImportEntity; runId: string }>> {
  const out: Array<{ entity: ImportEntity; runId: string }> = [];
  for (const entity of importEntities(ctx)) {
    const existing = await readCursor<ImportCursor>(ctx.db, ctx.installation.id, entity, "import");
    const [run] = existing
      ? await ctx.db.select().from(schema.syncRuns).where(eq(schema.syncRuns.id, existing.runId))
      : [];
    if (existing && existing.phase !== "done" && run?.status === "running") {
      out.push({ entity, runId: existing.runId });
      continue;
    }
    const runId = await startRun(ctx.db, ctx.installation.id, "import", entity);
    await writeCursor(ctx.db, ctx.installation.id, entity, "import", {
      runId,
      phase: "index",
      cursor: null,
      startedAt: new Date().toISOString(),
    } satisfies ImportCursor);
    out.push({ entity, runId });
  }
  return out;
}

/** Does one page of work; `done` when this entity's import has finished. */
export async function importPage(ctx: SyncContext, entity: ImportEntity): Promise<{ done: boolean; processed: number }> {
  const spec = specs[entity] as EntitySpec<unknown>;
  const state = await readCursor<ImportCursor>(ctx.db, ctx.installation.id, entity, "import");
  if (!state || state.phase === "done") return { done: true, processed: 0 };
  const save = (next: Partial<ImportCursor>) => writeCursor(ctx.db, ctx.installation.id, entity, "import", { ...state, ...next });

  if (state.phase === "index") {
    // products match on the package's id only: no host index to build
    if (spec.levels(ctx).every((l) => l === "remoteId")) {
      await save({ phase: "remote", cursor: null });
      return { done: false, processed: 0 };
    }
    const page = await indexHostPage(ctx, spec, state.cursor);
    const pages = (state.pages ?? 0) + 1;
    if (page.next) await afterPage(ctx, pages);
    else await refreshImportStatistics(ctx);
    await save(page.next ? { cursor: page.next, pages } : { phase: "remote", cursor: null, pages: 0 });
    return { done: false, processed: 0 };
  }

  const remote = spec.remote(ctx);
  if (!remote) {
    await save({ phase: "done" });
    await finishRun(ctx.db, state.runId, "succeeded");
    return { done: true, processed: 0 };
  }
  const page = await remote.page(state.cursor, null);
  // the last attempt at this page died half-way: find what it created before writing again
  const resumed = state.inFlight != null && state.inFlight.cursor === state.cursor;
  if (resumed) await indexCreatedSince(ctx, spec, state.inFlight!.since);
  await save({ inFlight: { cursor: state.cursor, since: resumed ? state.inFlight!.since : new Date(Date.now() - 5_000).toISOString() } });
  // an attempt that dies leaves its host writes announced: the attempt resuming the page is the same writer
  const writer = `import:${state.runId}:${entity}:${state.cursor ?? ""}`;
  await applyRemotePage(ctx, spec, state.runId, page.items, { importing: true, rejected: page.rejected, resumed, writer });
  if (page.total != null) await addToRun(ctx.db, state.runId, emptyCounts(), 0, page.total);
  if (page.next) {
    const pages = (state.pages ?? 0) + 1;
    await afterPage(ctx, pages);
    await save({ cursor: page.next, inFlight: null, pages });
    return { done: false, processed: page.items.length };
  }
  await save({ phase: "done", cursor: null, inFlight: null });
  await finishRun(ctx.db, state.runId, "succeeded");
  // later pulls start from when the import began: what changed during it is pulled again
  await writeCursor(ctx.db, ctx.installation.id, entity, "pull", { since: state.startedAt, page: null });
  return { done: true, processed: page.items.length };
}

/** After the last entity: the installation is live. */
export async function completeImport(ctx: SyncContext): Promise<void> {
  await ctx.db
    .update(schema.installations)
    .set({ status: "active", updatedAt: new Date() })
    .where(eq(schema.installations.id, ctx.installation.id));
}
