/**
 * What the overview page shows: the installation's status, the last run per entity and what
 * came of it, the progress of the first import, and the sync log a page at a time.
 */
import { and, desc, eq, sql } from "drizzle-orm";
import type { Db } from "@/lib/db";
import { schema } from "@/lib/db";
import type { RunCounts } from "@/lib/db/schema";
import type { ImportCursor } from "@/lib/sync/import";
import { findInstallation } from "@/lib/tenancy";

export const SYNC_LOG_PAGE_SIZE = 50;
const STALE_RUN_MS = 60 * 60_000;
const PULL_SETTLE_MS = 3_000;

export type OverviewFilters = { entity?: string; outcome?: string; page?: number };

type Run = typeof schema.syncRuns.$inferSelect;

/** A run as the user reads it: "Gelukt" only when no record failed. */
export type RunResult =
  | { key: "running" | "succeeded" | "failed" | "cancelled" }
  | { key: "partial"; failed: number };

export function runResult(run: Pick<Run, "status" | "counts">): RunResult {
  if (run.status === "running" || run.status === "cancelled") return { key: run.status };
  const failed = run.counts.failed;
  const done = (Object.keys(run.counts) as Array<keyof RunCounts>).reduce((n, k) => (k === "failed" ? n : n + run.counts[k]), 0);
  if (failed > 0 && done > 0) return { key: "partial", failed };
  if (failed > 0 || run.status === "failed") return { key: "failed" };
  return { key: "succeeded" };
}

/**
 * One entity of the first import, its text and bar from the same run row: `processed` counts
 * every record the run has taken in (created, updated, linked, unchanged, skipped or failed).
 */
export type ImportProgress = {
  entity: string;
  /** reading the CRM into the local index (nothing processed yet), waiting for the entity before it, taking records in, or done */
  stage: "indexing" | "waiting" | "importing" | "done";
  processed: number;
  total: number | null;
  counts: RunCounts;
  /** the import stopped (a crash, a restart) and was picked up again by itself, lately */
  resuming: boolean;
};

/** How long after being picked up again an import says so. */
const RESUMED_NOTICE_MS = 10 * 60_000;

function importProgress(latestImports: Run[], phases: Map<string, ImportCursor["phase"]>): ImportProgress[] | null {
  if (!latestImports.some((r) => r.status === "running")) return null;
  // runs are started in the order the import takes the entities
  const ordered = [...latestImports].sort((a, b) => +a.startedAt - +b.startedAt);
  return ordered.map((run, i) => {
    const earlierRunning = ordered.slice(0, i).some((r) => r.status === "running");
    const stage: ImportProgress["stage"] =
      run.status !== "running" ? "done" : earlierRunning ? "waiting" : phases.get(run.entity) === "index" ? "indexing" : "importing";
    const resuming = run.status === "running" && run.resumedAt !== null && Date.now() - +run.resumedAt < RESUMED_NOTICE_MS;
    return { entity: run.entity, stage, processed: run.processed, total: run.total, counts: run.counts, resuming };
  });
}

/** Status, the last run per (kind, entity), the first import's progress and one page of the sync log. */
export async function installationOverview(db: Db, args: { tenantId: string; connectorId: string; filters?: OverviewFilters }) {
  const page = Math.max(1, Math.floor(args.filters?.page ?? 1));
  const installation = await findInstallation(db, args.tenantId, args.connectorId);
  if (!installation) {
    return {
      installation: null,
      lastRuns: [],
      importProgress: null,
      syncing: false,
      pull: { lastStartedAt: null, busy: false },
      log: { events: [], page, hasPrevious: page > 1, hasNext: false },
    };
  }
  const runs = await db
    .select()
    .from(schema.syncRuns)
    .where(eq(schema.syncRuns.installationId, installation.id))
    .orderBy(desc(schema.syncRuns.startedAt))
    .limit(50);
  const seen = new Set<string>();
  const latest = runs.filter((r) => (seen.has(`${r.kind}:${r.entity}`) ? false : (seen.add(`${r.kind}:${r.entity}`), true)));
  const cursors = await db
    .select({ entity: schema.syncCursors.entity, cursor: schema.syncCursors.cursor })
    .from(schema.syncCursors)
    .where(and(eq(schema.syncCursors.installationId, installation.id), eq(schema.syncCursors.direction, "import")));
  const phases = new Map(cursors.map((c) => [c.entity, (c.cursor as ImportCursor).phase]));
  const pulls = runs.filter((r) => r.kind === "pull");
  const lastPullFinished = Math.max(0, ...pulls.map((r) => (r.finishedAt ? +r.finishedAt : 0)));
  // one sync runs the entities' pulls one after another: between two of them none is running
  const pullBusy = pulls.some((r) => r.status === "running" && Date.now() - +r.startedAt < STALE_RUN_MS) || Date.now() - lastPullFinished < PULL_SETTLE_MS;

  const conditions = [eq(schema.syncEvents.installationId, installation.id)];
  if (args.filters?.entity) conditions.push(eq(schema.syncEvents.entity, args.filters.entity));
  if (args.filters?.outcome) conditions.push(sql`${schema.syncEvents.outcome} = ${args.filters.outcome}`);
  // one row past the page says whether a next page exists, without counting the whole log
  const rows = await db
    .select()
    .from(schema.syncEvents)
    .where(and(...conditions))
    .orderBy(desc(schema.syncEvents.id))
    .limit(SYNC_LOG_PAGE_SIZE + 1)
    .offset((page - 1) * SYNC_LOG_PAGE_SIZE);

  return {
    installation,
    lastRuns: latest.map((r) => ({ ...r, result: runResult(r) })),
    importProgress: importProgress(latest.filter((r) => r.kind === "import"), phases),
    /** some run is under way: the page keeps itself fresh (not for a run a crash left "running" long ago) */
    syncing: pullBusy || latest.some((r) => r.status === "running" && Date.now() - +r.startedAt < STALE_RUN_MS),
    pull: { lastStartedAt: pulls[0]?.startedAt ?? null, busy: pullBusy },
    log: {
      events: rows.slice(0, SYNC_LOG_PAGE_SIZE),
      page,
      hasPrevious: page > 1,
      hasNext: rows.length > SYNC_LOG_PAGE_SIZE,
    },
  };
}

/** The overview's address for one page of the log, keeping its filters. */
export function syncLogHref(connectorId: string, filters: OverviewFilters, page: number): string {
  const query = new URLSearchParams();
  if (filters.entity) query.set("entity", filters.entity);
  if (filters.outcome) query.set("outcome", filters.outcome);
  if (page > 1) query.set("page", String(page));
  const q = query.toString();
  return `/${connectorId}${q ? `?${q}` : ""}#log-heading`;
}
