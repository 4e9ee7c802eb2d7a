/**
 * The initial import, one page per call so a job can resume after a crash from the
 * last page it finished: first the host is read into the local index, then the package's
 * records are taken in through the matching chain.
 */
import { and, eq } from "drizzle-orm";
import { schema, type Db } from "@/lib/db";
import type { SyncContext } from "./context";
import { applyRemotePage, indexCreatedSince, indexHostPage, laneCursorKey, recordEntities, recordSpecOf, refreshImportStatistics, type RecordEntity } from "./entities";
import { addToRun, emptyCounts, finishRun, readCursor, startRun, writeCursor } from "./store";

export type ImportCursor = {
  runId: string;
  phase: "index" | "remote" | "done";
  /** the role whose records the remote phase is taking in (one after the other) */
  role?: string;
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

export type ImportEntity = RecordEntity;

/** The entities this connector imports, in order (relations before products). */
export function importEntities(ctx: { connector: Pick<SyncContext["connector"], "entities"> }): ImportEntity[] {
  return recordEntities.filter((e) => ctx.connector.entities[e]?.import);
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

/** Where an entity's import stands: a page asked to run from another position was overtaken. */
export function importPosition(state: Pick<ImportCursor, "runId" | "phase" | "cursor" | "role">): string {
  return `${state.runId}|${state.phase}|${state.role ?? ""}|${state.cursor ?? ""}`;
}

export type PageResult = { done: boolean; processed: number; position?: string; superseded?: boolean };

/**
 * Does one page of work; `done` when this entity's import has finished. `expected`: the position
 * the caller saw; when the import has moved on since (another run of the same page was only
 * slow, not dead), nothing is done, so a resumed import never runs as two.
 */
export async function importPage(ctx: SyncContext, entity: ImportEntity, expected?: string): Promise<PageResult> {
  const spec = recordSpecOf(entity)!;
  const state = await readCursor<ImportCursor>(ctx.db, ctx.installation.id, entity, "import");
  if (!state || state.phase === "done") return { done: true, processed: 0 };
  if (expected && importPosition(state) !== expected) return { done: false, processed: 0, superseded: true };
  const save = async (next: Partial<ImportCursor>) => {
    Object.assign(state, next);
    await writeCursor(ctx.db, ctx.installation.id, entity, "import", state);
  };
  const done = (processed: number): PageResult => ({ done: state.phase === "done", processed, position: importPosition(state) });

  if (state.phase === "index") {
    // products match on the package's id only: no host index to build
    if (spec.levels(ctx).every((l) => l === "remoteId")) {
      await save({ phase: "remote", cursor: null });
      return done(0);
    }
    const page = await indexHostPage(ctx, spec, state.cursor);
    const pages = (state.pages ?? 0) + 1;
    if (page.next) await afterPage(ctx, pages);
    else await refreshImportStatistics(ctx);
    await save(page.next ? { cursor: page.next, pages } : { phase: "remote", cursor: null, pages: 0 });
    return done(0);
  }

  const lanes = spec.remotes(ctx);
  const lane = lanes.find((l) => l.role === (state.role ?? lanes[0]?.role));
  if (!lane) {
    await save({ phase: "done" });
    await finishRun(ctx.db, state.runId, "succeeded");
    return done(0);
  }
  const page = await lane.entity.page(state.cursor, null);
  // the last attempt at this page died half-way: find what it created before writing again
  const resumed = state.inFlight != null && state.inFlight.cursor === state.cursor;
  if (resumed) await indexCreatedSince(ctx, spec, state.inFlight!.since);
  // an attempt that dies leaves its host writes announced: the attempt resuming the page is the same writer
  const writer = `import:${state.runId}:${laneCursorKey(entity, lane.role)}:${state.cursor ?? ""}`;
  await save({ inFlight: { cursor: state.cursor, since: resumed ? state.inFlight!.since : new Date(Date.now() - 5_000).toISOString() } });
  await applyRemotePage(ctx, spec, state.runId, page.items, { lane, importing: true, rejected: page.rejected, resumed, writer });
  if (page.total != null) await addToRun(ctx.db, state.runId, emptyCounts(), 0, page.total);
  if (page.next) {
    const pages = (state.pages ?? 0) + 1;
    await afterPage(ctx, pages);
    await save({ role: lane.role, cursor: page.next, inFlight: null, pages });
    return done(page.items.length);
  }
  // later pulls start from when the import began: what changed during it is pulled again
  await writeCursor(ctx.db, ctx.installation.id, laneCursorKey(entity, lane.role), "pull", { since: state.startedAt, page: null });
  const nextLane = lanes[lanes.indexOf(lane) + 1];
  if (nextLane) {
    await save({ role: nextLane.role, cursor: null, inFlight: null });
    return done(page.items.length);
  }
  await save({ phase: "done", cursor: null, inFlight: null });
  await finishRun(ctx.db, state.runId, "succeeded");
  return done(page.items.length);
}

/** An import whose cursor has not moved for this long is taken for stopped (its process died, its event was lost). */
export const IMPORT_STALL_MS = 3 * 60_000;

export type StalledImport = { installationId: string; entity: ImportEntity | null; runId: string | null; position: string | null };

/**
 * Imports of this connector that stopped making progress: the entity each is on and where it
 * stands, or no entity when the import never began (the activation's event was lost).
 */
export async function stalledImports(db: Db, connector: Pick<SyncContext["connector"], "id" | "entities">, now = Date.now()): Promise<StalledImport[]> {
  const since = new Date(now - IMPORT_STALL_MS);
  const importing = await db
    .select({ id: schema.installations.id, updatedAt: schema.installations.updatedAt })
    .from(schema.installations)
    .where(and(eq(schema.installations.connector, connector.id), eq(schema.installations.status, "importing")));
  const order = importEntities({ connector });
  const out: StalledImport[] = [];
  for (const inst of importing) {
    const cursors = await db
      .select()
      .from(schema.syncCursors)
      .where(and(eq(schema.syncCursors.installationId, inst.id), eq(schema.syncCursors.direction, "import")));
    const current = order
      .map((entity) => ({ entity, row: cursors.find((c) => c.entity === entity) }))
      .find(({ row }) => row && (row.cursor as ImportCursor).phase !== "done");
    if (!current) {
      // nothing begun yet (or every entity done but the installation not yet live)
      if (inst.updatedAt < since) out.push({ installationId: inst.id, entity: null, runId: null, position: null });
      continue;
    }
    const state = current.row!.cursor as ImportCursor;
    if (current.row!.updatedAt < since) out.push({ installationId: inst.id, entity: current.entity, runId: state.runId, position: importPosition(state) });
  }
  return out;
}

/** Says on the run that the import is being picked up again (the overview shows it). */
export async function markResumed(db: Db, runId: string): Promise<void> {
  await db.update(schema.syncRuns).set({ resumedAt: new Date() }).where(eq(schema.syncRuns.id, runId));
}

/** After the last entity: the installation is live. */
export async function completeImport(ctx: SyncContext): Promise<void> {
  await ctx.db
    .update(schema.installations)
    .set({ status: "active", updatedAt: new Date() })
    .where(eq(schema.installations.id, ctx.installation.id));
}
