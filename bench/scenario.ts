/**
 * One bench scenario in a fresh process (so its peak RSS is its own): `tsx bench/scenario.ts
 * <import|ratelimit|hostlimit|pull|latency|poweroffice> [size]`. bench/run.ts starts the sandboxes in another process,
 * seeds them, and passes their URLs in BENCH_HOST_URL / BENCH_SIM_URL. Prints its figures as
 * one `BENCH_RESULT {...}` line.
 */
import { and, eq, gte, inArray } from "drizzle-orm";
import { schema } from "@/lib/db";
import { withContext } from "@/inngest/functions/shared";
import { requestedRetryDelayMs } from "@/inngest/runner";
import { pullChanges } from "@/lib/sync/pull";
import { pullPayments } from "@/lib/sync/payments";
import { PULL_OVERLAP_MS, writeCursor } from "@/lib/sync/store";
import { laneCursorKey } from "@/lib/sync/entities";
import { beginImport, completeImport, importPage } from "@/lib/sync/import";
import { benchClientKey, benchTenantId, emit, KORENSCHOOF_ADM, peakRssMB, postJson, rssMB, SANDBOX_TENANT, SECRETS, sleep } from "./common";
import {
  meters,
  postgresCpuS,
  processCpuS,
  rawFetch,
  resetMeters,
  rssSampler,
  runFunction,
  setCallLogging,
  snapshotMeters,
  startBenchWorld,
  callLog,
  type BenchWorld,
  type InstallOptions,
} from "./world";
import type { Runner, RunRecord } from "@/inngest/runner";

const [, , scenario, sizeArg] = process.argv;
const size = Number(sizeArg ?? 0);
const deadlineAt = Date.now() + Number(process.env.BENCH_TIMEOUT_S ?? 600) * 1000;
const log = (msg: string) => process.stderr.write(`[bench ${scenario}${size ? ` ${size}` : ""}] ${msg}\n`);
const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;

// ── the import, driven through the app's Inngest functions ───────────────

type ImportProgress = {
  startedAt: number;
  indexDoneAt: number | null;
  relationsDoneAt: number | null;
  doneAt: number | null;
  pages: number;
  relationPages: number;
  jobRetries: number;
  processedRelations: number;
  timedOut: boolean;
  errors: string[];
};

/** Runs a function; a failed run is run again as Inngest would (after RetryAfterError's delay). */
async function runWithRetries(id: string, event: { name: string; data: Record<string, unknown> }, p: { jobRetries: number; errors: string[] }, retries = 8) {
  for (let attempt = 0; ; attempt++) {
    const out = await runFunction(id, event);
    if (!out.error) return out;
    const err = out.error as { message?: string };
    p.errors.push(String(err.message ?? err).slice(0, 200));
    if (attempt >= retries) return out;
    p.jobRetries++;
    await sleep(Math.min(requestedRetryDelayMs(err) ?? 1000 * 2 ** attempt, 120_000));
  }
}

async function driveImport(
  world: BenchWorld,
  opts: { expectedRelations?: number; onRelationsDone?: () => Promise<void>; onProgress?: (processed: number) => void } = {},
): Promise<ImportProgress> {
  const p: ImportProgress = {
    startedAt: Date.now(),
    indexDoneAt: null,
    relationsDoneAt: null,
    doneAt: null,
    pages: 0,
    relationPages: 0,
    jobRetries: 0,
    processedRelations: 0,
    timedOut: false,
    errors: [],
  };
  const installationId = world.installationId;
  if (process.env.BENCH_DRIVER !== "inngest") return driveImportDirect(world, p, opts);
  const start = await runWithRetries("snelstart-start-import", { name: "ledgerlink/installation.activated", data: { installationId, connector: "snelstart" } }, p);
  if (start.error) throw new Error(`start-import failed: ${String((start.error as Error).message ?? start.error)}`);
  let data: Record<string, unknown> = { installationId, connector: "snelstart", entity: "relation", runId: "" };
  let lastLog = Date.now();
  for (;;) {
    const out = await runWithRetries("snelstart-import-page", { name: "ledgerlink/import.page", data }, p);
    if (out.error) throw new Error(`import page failed after retries: ${p.errors.at(-1)}`);
    const r = out.result as { processed?: number; next?: string; done?: boolean };
    p.pages++;
    if (data.entity === "relation") {
      p.relationPages++;
      if ((r.processed ?? 0) > 0 && p.indexDoneAt === null) p.indexDoneAt = Date.now();
      p.processedRelations += r.processed ?? 0;
      opts.onProgress?.(p.processedRelations);
      if (r.next && r.next !== "relation") {
        p.relationsDoneAt = Date.now();
        if (p.indexDoneAt === null) p.indexDoneAt = p.relationsDoneAt;
        await opts.onRelationsDone?.();
      }
    }
    if (r.done || (!r.next && !r.done)) {
      if (data.entity === "relation" && p.relationsDoneAt === null) {
        p.relationsDoneAt = Date.now();
        await opts.onRelationsDone?.();
      }
      p.doneAt = Date.now();
      break;
    }
    data = { ...data, entity: r.next };
    if (Date.now() - lastLog > 10_000) {
      lastLog = Date.now();
      log(`${round((Date.now() - p.startedAt) / 1000)} s: ${p.pages} pages, ${p.processedRelations} relations processed, rss ${rssMB()} MB`);
    }
    if (Date.now() > deadlineAt) {
      p.timedOut = true;
      break;
    }
  }
  return p;
}

/**
 * The same steps the import functions run (one context per step), called directly instead of
 * through @inngest/test, whose per-run mocks stay reachable and grow the heap ~0.4 MB a run.
 */
async function driveImportDirect(
  world: BenchWorld,
  p: ImportProgress,
  opts: { onRelationsDone?: () => Promise<void>; onProgress?: (processed: number) => void },
): Promise<ImportProgress> {
  const id = world.installationId;
  const step = async <T>(fn: (ctx: Parameters<Parameters<typeof withContext>[1]>[0]) => Promise<T>): Promise<T> => {
    for (let attempt = 0; ; attempt++) {
      try {
        const r = await withContext(id, fn);
        if (r && typeof r === "object" && "skipped" in (r as object)) throw new Error("installation inactive");
        return r as T;
      } catch (err) {
        p.errors.push(String((err as Error).message ?? err).slice(0, 200));
        if (attempt >= 8) throw err;
        p.jobRetries++;
        await sleep(Math.min(requestedRetryDelayMs(err) ?? 1000 * 2 ** attempt, 120_000));
      }
    }
  };
  const runs = await step((ctx) => beginImport(ctx));
  const order = runs.map((r) => r.entity);
  let lastLog = Date.now();
  for (const entity of order) {
    for (;;) {
      const r = await step((ctx) => importPage(ctx, entity));
      p.pages++;
      if (entity === "relation") {
        p.relationPages++;
        if (r.processed > 0 && p.indexDoneAt === null) p.indexDoneAt = Date.now();
        p.processedRelations += r.processed;
        opts.onProgress?.(p.processedRelations);
      }
      if (Date.now() - lastLog > 10_000) {
        lastLog = Date.now();
        log(`${round((Date.now() - p.startedAt) / 1000)} s: ${p.pages} pages, ${p.processedRelations} relations processed, rss ${rssMB()} MB`);
      }
      if (r.done) break;
      if (Date.now() > deadlineAt) {
        p.timedOut = true;
        return p;
      }
    }
    if (entity === "relation") {
      p.relationsDoneAt = Date.now();
      p.indexDoneAt ??= p.relationsDoneAt;
      await opts.onRelationsDone?.();
    }
  }
  await step((ctx) => completeImport(ctx));
  p.doneAt = Date.now();
  return p;
}

async function runCounts(world: BenchWorld) {
  const runs = await world.db.select().from(schema.syncRuns).where(eq(schema.syncRuns.installationId, world.installationId));
  const of = (entity: string) => runs.filter((r) => r.kind === "import" && r.entity === entity).at(-1);
  return { relation: of("relation"), product: of("product") };
}

function timeSplit(m: ReturnType<typeof snapshotMeters>, wallMs: number) {
  const h = m.http;
  // busy = wall time with at least one such call in flight (host writes overlap)
  return {
    wallMs: Math.round(wallMs),
    hostApiBusyMs: Math.round(h.hostApi.busyMs),
    hostApiSumMs: Math.round(h.hostApi.ms),
    hostApiAvgMs: h.hostApi.count ? Math.round((h.hostApi.ms / h.hostApi.count) * 10) / 10 : null,
    hostTokenBusyMs: Math.round(h.hostToken.busyMs),
    vendorApiBusyMs: Math.round(h.vendorApi.busyMs),
    vendorTokenBusyMs: Math.round(h.vendorToken.busyMs),
    dbBusyMs: Math.round(m.db.busyMs),
    dbSumMs: Math.round(m.db.ms),
    dbQueries: m.db.count,
    dbByStatement: Object.fromEntries(
      Object.entries(m.db.byStatement)
        .sort(([, a], [, b]) => b.ms - a.ms)
        .slice(0, 10)
        .map(([k, v]) => [k, { count: v.count, ms: Math.round(v.ms) }]),
    ),
    hostApiCalls: h.hostApi.count,
    hostTokenCalls: h.hostToken.count,
    vendorApiCalls: h.vendorApi.count,
    vendorTokenCalls: h.vendorToken.count,
  };
}

/** Requests to SnelStart's API (/v2); the simulator's total also counts its token and admin routes. */
const v2 = (stats: { byRoute: Record<string, number> }) =>
  Object.entries(stats.byRoute).reduce((n, [route, c]) => (route.includes(" /v2/") ? n + c : n), 0);
const v2Routes = (stats: { byRoute: Record<string, number> }) => Object.fromEntries(Object.entries(stats.byRoute).filter(([route]) => route.includes(" /v2/")));

// ── scenarios ───────────────────────────────────────────────────────────

async function importScenario(world: BenchWorld) {
  const rss = rssSampler();
  rss.mark("start");
  // with the CRM delivering its webhooks to the app as production does: every write of the import
  // comes back as webhooks, which the app's own functions sort and handle while the import runs
  const runner = process.env.BENCH_WEBHOOKS === "1" ? await world.handleWebhooks() : null;
  await world.resetStats();
  resetMeters();
  const cpu0 = world.appCpuS();
  const rcpu0 = world.receiptCpuS();
  const scpu0 = processCpuS(world.serversPid);
  const pgcpu0 = postgresCpuS();
  let pgcpuRel: number | null = null;
  let relMeters: ReturnType<typeof snapshotMeters> | null = null;
  let hostAtRelEnd: Awaited<ReturnType<BenchWorld["hostStats"]>> | null = null;
  let simAtRelEnd: Awaited<ReturnType<BenchWorld["simStats"]>> | null = null;
  let cpuRel = 0;
  let rcpuRel: number | null = null;
  let scpuRel: number | null = null;
  const marks = [0.25, 0.5, 0.75];
  const snap = async () => {
    relMeters = snapshotMeters();
    cpuRel = world.appCpuS() - cpu0;
    const r = world.receiptCpuS();
    rcpuRel = r !== null && rcpu0 !== null ? r - rcpu0 : null;
    const s = processCpuS(world.serversPid);
    scpuRel = s !== null && scpu0 !== null ? s - scpu0 : null;
    const pg = postgresCpuS();
    pgcpuRel = pg !== null && pgcpu0 !== null && world.driver === "pg" ? pg - pgcpu0 : null;
    hostAtRelEnd = await world.hostStats();
    simAtRelEnd = await world.simStats();
    rss.mark("relationsDone");
  };
  const p = await driveImport(world, {
    onRelationsDone: snap,
    onProgress: (n) => {
      while (marks.length && n >= marks[0]! * size) rss.mark(`${Math.round(marks.shift()! * 100)}%`);
    },
  });
  if (!relMeters) await snap();
  if (process.env.BENCH_HEAP_SNAPSHOT) {
    (globalThis as { gc?: () => void }).gc?.();
    const file = (await import("node:v8")).writeHeapSnapshot(process.env.BENCH_HEAP_SNAPSHOT);
    log(`heap snapshot: ${file}`);
  }
  const webhooks = runner ? { drainS: round((await webhooksHandled(world, runner)) / 1000, 1), ...(await receiptCounts(world)), sorting: sortsOf(runner), hostCallsAfterDrain: (await world.hostStats()).total } : null;
  runner?.stop();
  const counts = await runCounts(world);
  const c = counts.relation?.counts ?? { created: 0, updated: 0, linked: 0, unchanged: 0, skipped: 0, failed: 0 };
  const relWallMs = (p.relationsDoneAt ?? Date.now()) - p.startedAt;
  const indexMs = (p.indexDoneAt ?? Date.now()) - p.startedAt;
  const taken = c.created + c.linked + c.updated + c.unchanged;
  const hostCalls = hostAtRelEnd!.total;
  const result = {
    scenario: "import",
    size,
    /** the CRM's webhooks delivered to the app and handled during the import (null: none sent) */
    webhooks,
    /** the webhooks went to an endpoint that answers at once and does nothing (--webhook-floor) */
    webhookFloor: process.env.BENCH_NULL_RECEIPT === "1",
    driver: world.driver,
    jobDriver: process.env.BENCH_DRIVER === "inngest" ? "@inngest/test (the app's functions)" : "direct (lib/sync/import steps)",
    timedOut: p.timedOut,
    relationStatus: counts.relation?.status ?? null,
    counts: c,
    processed: counts.relation?.processed ?? p.processedRelations,
    relationWallS: round(relWallMs / 1000, 2),
    indexPhaseS: round(indexMs / 1000, 2),
    remotePhaseS: round((relWallMs - indexMs) / 1000, 2),
    relationsPerSec: round(taken / (relWallMs / 1000), 1),
    // incl. the inactive relaties skipped
    recordsPerSec: round((taken + c.skipped) / (relWallMs / 1000), 1),
    hostCalls,
    hostCallsByMethodAndSet: hostAtRelEnd!.byMethodAndEntitySet,
    hostCallsPerRelation: c.created + c.linked ? round(hostCalls / (c.created + c.linked), 3) : null,
    /** the import's calls and those of handling its webhooks, until every webhook was handled */
    hostCallsPerRelationWithWebhooks: webhooks && c.created + c.linked ? round(webhooks.hostCallsAfterDrain / (c.created + c.linked), 3) : null,
    hostTokenRequests: relMeters!.http.hostToken.count,
    vendorRequests: v2(simAtRelEnd!),
    vendorRequestsByRoute: v2Routes(simAtRelEnd!),
    vendorTokenRequests: relMeters!.http.vendorToken.count,
    /** what this import would take against the real host's 1,000 calls a minute */
    realHostMinutesAt1000PerMin: round(hostCalls / 1000, 1),
    pages: p.relationPages,
    jobRetries: p.jobRetries,
    timeSplit: timeSplit(relMeters!, relWallMs),
    appCpuS: round(cpuRel, 1),
    serversCpuS: scpuRel === null ? null : round(scpuRel, 1),
    /** the local PostgreSQL server's processes (other databases' work included) */
    postgresCpuS: pgcpuRel === null ? null : round(pgcpuRel, 1),
    cpuMsPerRelation: {
      app: round((cpuRel * 1000) / Math.max(taken, 1), 3),
      /** the part of `app` spent in the webhook receipt's own process */
      appWebhookReceipt: rcpuRel === null ? null : round((rcpuRel * 1000) / Math.max(taken, 1), 3),
      sandboxes: scpuRel === null ? null : round((scpuRel * 1000) / Math.max(taken, 1), 3),
      postgres: pgcpuRel === null ? null : round((pgcpuRel * 1000) / Math.max(taken, 1), 3),
    },
    rssMB: rss.marks,
    liveHeapMBAfterGc: rss.heap,
    sampledMaxRssMB: rss.max,
    peakRssMB: peakRssMB(),
    productImport: counts.product ? { status: counts.product.status, counts: counts.product.counts } : null,
    extrapolatedFullS: p.timedOut && p.processedRelations ? round((relWallMs / 1000) * (size / p.processedRelations), 0) : null,
    errors: p.errors.slice(0, 5),
  };
  rss.stop();
  return result;
}

/**
 * How well calls used a sliding one-minute limit. A 60 s window admits `limit` calls, then nothing
 * until the oldest leaves: the best any client can do with `ok` accepted calls is to send them in
 * ceil(ok/limit) bursts a minute apart, finishing after floor((ok-1)/limit) minutes. Share of the
 * limit used = that time / the time taken (a run shorter than one window is not limit-bound: null).
 */
function limitUse(log: Array<{ at: number; status: number }>, limit: number, fallbackStart: number) {
  const first = log[0]?.at ?? fallbackStart;
  const wallS = ((log.at(-1)?.at ?? Date.now()) - first) / 1000;
  const ok = log.filter((c) => c.status !== 429).length;
  const idealS = Math.floor((ok - 1) / limit) * 60;
  const timeline: Array<[number, number]> = [];
  for (const c of log) {
    const b = Math.floor((c.at - first) / 10_000);
    while (timeline.length <= b) timeline.push([0, 0]);
    timeline[b]![c.status === 429 ? 1 : 0]++;
  }
  return {
    wallS: round(wallS, 1),
    acceptedRequests: ok,
    refusedSeenByClient: log.length - ok,
    requestsPerSec: round(ok / wallS, 2),
    limitPerSec: round(limit / 60, 2),
    idealS,
    shareOfLimit: idealS > 0 ? round(idealS / wallS, 3) : null,
    /** [accepted, refused] per 10 s from the first call */
    timeline,
  };
}

/**
 * The import under one side's sliding-minute limit (set beforehand): how well its calls used the
 * limit, and whether every refused call was retried until the given entities' imports completed.
 */
async function importUnderLimit(world: BenchWorld, calls: keyof typeof callLog, limit: number, entities: Array<"relation" | "product">) {
  await world.resetStats();
  resetMeters();
  setCallLogging(true);
  const p = await driveImport(world);
  setCallLogging(false);
  const counts = await runCounts(world);
  const complete = entities.every((e) => counts[e]?.status === "succeeded" && counts[e].counts.failed === 0);
  return {
    size,
    limitPerMinute: limit,
    driver: world.driver,
    timedOut: p.timedOut,
    ...limitUse(callLog[calls], limit, p.startedAt),
    importWallS: round(((p.doneAt ?? Date.now()) - p.startedAt) / 1000, 1),
    importComplete: complete,
    refusedLeftUnretried: complete ? 0 : null,
    jobRetries: p.jobRetries,
    counts: Object.fromEntries(entities.map((e) => [e, counts[e]?.counts])),
    errors: p.errors.slice(0, 5),
    peakRssMB: peakRssMB(),
  };
}

async function rateLimitScenario(world: BenchWorld) {
  const limit = Number(process.env.BENCH_RATE_LIMIT ?? 120);
  await postJson(`${world.simUrl}/__admin/faults`, { rateLimitPerMinute: limit });
  const run = await importUnderLimit(world, "vendorApi", limit, ["relation", "product"]);
  const stats = await world.simStats();
  return { scenario: "ratelimit", ...run, vendorRequests: v2(stats), refusedByRateLimit: stats.refusedByRateLimit, byRoute: v2Routes(stats) };
}

/** The import against the CRM's own limit (Tribe: 1,000 calls a minute per application). */
async function hostLimitScenario(world: BenchWorld) {
  const limit = Number(process.env.BENCH_HOST_RATE_LIMIT ?? 1000);
  await postJson(`${world.hostUrl}/__admin/config`, { rateLimitPerMinute: limit });
  const run = await importUnderLimit(world, "hostApi", limit, ["relation"]);
  const host = await world.hostStats();
  return { scenario: "hostlimit", ...run, hostCalls: host.total, refusedByRateLimit: host.rateLimited };
}

const BULK_EDIT = 600; // more than one SnelStart page (500)

async function pullScenario(world: BenchWorld) {
  const p = await driveImport(world);
  const counts = await runCounts(world);
  const pullOnce = async () => {
    const out: Record<string, unknown> = {};
    for (const entity of ["relation", "product", "payment"] as const) {
      await world.resetStats();
      resetMeters();
      const t0 = performance.now();
      // one Inngest step per entity, as the scheduled functions run it (a fresh context each)
      const r = await withContext(
        world.installationId,
        async (ctx) => (entity === "payment" ? { changed: (await pullPayments(ctx)).entries.length } : { pages: (await pullChanges(ctx, entity)).pages }),
        false,
      );
      const ms = performance.now() - t0;
      const sim = await world.simStats();
      const host = await world.hostStats();
      out[entity] = {
        result: r,
        vendorRequests: v2(sim),
        vendorByRoute: v2Routes(sim),
        vendorTokenRequests: meters.http.vendorToken.count,
        hostCalls: host.total,
        hostTokenRequests: meters.http.hostToken.count,
        dbQueries: meters.db.count,
        ms: round(ms, 1),
      };
    }
    return out;
  };
  const first = await pullOnce();
  const second = await pullOnce();

  // A bulk edit: the last hourly pull ran an hour ago, and since then 600 relaties changed within
  // one second, longer ago than the pull's overlap. SnelStart's filter only knows whole seconds:
  // the pull after the one that reads them must not read them again.
  const now = Date.now();
  await writeCursor(world.db, world.installationId, "relation", "pull", { since: new Date(now - 3_600_000).toISOString(), page: null });
  await postJson(`${world.simUrl}/__admin/generate`, { administratie: KORENSCHOOF_ADM, relaties: BULK_EDIT, seed: 7, modifiedOn: new Date(now - PULL_OVERLAP_MS - 60_000).toISOString() });
  const afterBulkEdit = await pullOnce();
  const noChangeAfterBulkEdit = await pullOnce();
  return {
    scenario: "pull",
    size,
    driver: world.driver,
    importOk: counts.relation?.status === "succeeded" && !p.timedOut,
    firstPullAfterImport: first,
    noChangePull: second,
    bulkEdit: { relaties: BULK_EDIT, firstPull: afterBulkEdit, noChangePull: noChangeAfterBulkEdit },
    peakRssMB: peakRssMB(),
  };
}

const pct = (xs: number[], p: number) => {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};

async function latencyScenario(world: BenchWorld) {
  const changes = Number(process.env.BENCH_EVENTS ?? 200);
  const perSec = Number(process.env.BENCH_EVENT_RATE ?? 10);
  const p = await driveImport(world);
  if (p.timedOut) throw new Error("import did not finish");
  const links = await world.db
    .select({ hostId: schema.syncLinks.hostId })
    .from(schema.syncLinks)
    .where(and(eq(schema.syncLinks.installationId, world.installationId), eq(schema.syncLinks.entity, "relation")))
    .limit(changes);
  const runner = await world.handleWebhooks();
  // the bench's own CRM client
  const tok = await rawFetch(`${world.hostUrl}/oauth2/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "client_credentials", client_id: SECRETS.HOST_CLIENT_ID, client_secret: SECRETS.HOST_CLIENT_SECRET, organization_id: SANDBOX_TENANT }),
  }).then((r) => r.json() as Promise<{ access_token: string }>);
  const crm = async (method: string, path: string, body: unknown) => {
    const res = await rawFetch(`${world.hostUrl}/v1/odata/${path}`, {
      method,
      headers: { authorization: `Bearer ${tok.access_token}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${(await res.text()).slice(0, 200)}`);
    return res.json() as Promise<{ ID: string }>;
  };
  await world.resetStats();
  resetMeters();
  const written = new Map<string, { t0: number; kind: "create" | "update" }>();
  const t0All = Date.now();
  for (let i = 0; i < changes; i++) {
    const due = t0All + (i * 1000) / perSec;
    if (due > Date.now()) await sleep(due - Date.now());
    const t0 = Date.now();
    const update = i % 2 === 1 && links[i];
    if (update) {
      await crm("PUT", `Relation_Organization(${links[i]!.hostId})`, { Name: `Bijgewerkt ${i} BV` });
      written.set(links[i]!.hostId, { t0, kind: "update" });
    } else {
      const rec = await crm("POST", "Relation_Organization", {
        Name: `Latentie ${i} BV`,
        EmailAddress: `latentie${i}@example.nl`,
        Relationships: [{ _Type: "Relationship.Organization.CommercialRelationship.Customer" }],
        VisitingAddress: { Street: `Damrak ${1 + i}`, Postalcode: "1012 LG", City: "Amsterdam" },
      });
      written.set(rec.ID, { t0, kind: "create" });
    }
  }
  await webhooksHandled(world, runner);
  const pushes = runner.runs.filter((r) => r.functionId.endsWith("push-relations"));
  const latencies: Record<"create" | "update", number[]> = { create: [], update: [] };
  const done = new Set<string>();
  for (const run of [...pushes].sort((a, b) => (a.finishedAt ?? 0) - (b.finishedAt ?? 0))) {
    const r = run.result as { outcome?: string; hostId?: string } | undefined;
    if (run.status !== "completed" || !r?.hostId || done.has(r.hostId)) continue;
    if (!["created", "updated", "linked"].includes(r.outcome ?? "")) continue;
    const w = written.get(r.hostId);
    if (!w) continue;
    done.add(r.hostId);
    latencies[w.kind].push(run.finishedAt! - w.t0);
  }
  const all = [...latencies.create, ...latencies.update];
  const outcomes: Record<string, number> = {};
  for (const run of pushes) {
    const r = run.result as { outcome?: string; skipped?: string } | undefined;
    const k = run.status !== "completed" ? run.status : (r?.outcome ?? r?.skipped ?? "?");
    outcomes[k] = (outcomes[k] ?? 0) + 1;
  }
  const host = await world.hostStats();
  const sim = await world.simStats();
  runner.stop();
  return {
    scenario: "latency",
    driver: world.driver,
    changes,
    changesPerSec: perSec,
    webhookSortings: sortsOf(runner),
    pushRuns: pushes.length,
    pushRetries: pushes.reduce((n, r) => n + r.errors.length, 0),
    pushOutcomes: outcomes,
    measured: all.length,
    missing: changes - all.length,
    p50Ms: pct(all, 50),
    p95Ms: pct(all, 95),
    maxMs: pct(all, 100),
    create: { n: latencies.create.length, p50Ms: pct(latencies.create, 50), p95Ms: pct(latencies.create, 95) },
    update: { n: latencies.update.length, p50Ms: pct(latencies.update, 50), p95Ms: pct(latencies.update, 95) },
    // the bench's own writes (one per change) are not the app's
    appHostCalls: host.total - changes,
    appHostCallsByMethodAndSet: host.byMethodAndEntitySet,
    vendorRequests: v2(sim),
    vendorByRoute: v2Routes(sim),
    hostTokenRequests: meters.http.hostToken.count,
    vendorTokenRequests: meters.http.vendorToken.count,
    dbQueries: meters.db.count,
    peakRssMB: peakRssMB(),
  };
}

// ── PowerOffice: many installations against one subscription key's limit ──

/** PowerOffice's limit: 10 requests a second per subscription key, across every client using it. */
const PO_LIMIT_PER_SEC = 10;

/**
 * `size` installations of PowerOffice, each its own CRM organization and PowerOffice client, all
 * on the deployment's one subscription key, pulling and pushing at once: the 15-minute schedule
 * fires (`poweroffice-schedule-pull-relations`, one `poweroffice-pull-relations` run per
 * installation) while CRM changes in every organization reach the app as webhooks
 * (`poweroffice-sort-host-changes` → `poweroffice-push-relations`). The app's own functions run in
 * the in-process runner, paced by the request budget (REQUEST_BUDGET_SCALE=1, set by bench/run.ts).
 * bench/run.ts has seeded the CRM's organizations and PowerOffice's clients (bench/common.ts names
 * them), each client with BENCH_PO_CUSTOMERS customers and BENCH_PO_SUPPLIERS suppliers changed
 * since the last pull.
 */
async function powerOfficeScenario(world: BenchWorld) {
  const n = size;
  const pushesPer = Number(process.env.BENCH_PO_PUSHES ?? 8);
  const changedPer = Number(process.env.BENCH_PO_CUSTOMERS ?? 0) + Number(process.env.BENCH_PO_SUPPLIERS ?? 0);
  const budgetScale = Number(process.env.REQUEST_BUDGET_SCALE ?? 0);
  if (!world.poUrl) throw new Error("the PowerOffice simulator is needed (bench/run.ts starts it)");

  // ── the installations, as activation leaves them, active since a pull 15 minutes ago
  const setupStarted = Date.now();
  const tenants = Array.from({ length: n }, (_, i) => benchTenantId(i));
  const installations: string[] = [];
  let options: InstallOptions | undefined;
  let complete = 0;
  const { getConnector } = await import("@/lib/connectors");
  const connector = getConnector("poweroffice")!;
  const lastPull = new Date(Date.now() - 15 * 60_000).toISOString();
  for (let i = 0; i < n; i++) {
    const r = await world.install({
      connector: "poweroffice",
      tenantId: tenants[i]!,
      tenantName: `Fjord ${i + 1} AS`,
      credentials: { clientKey: benchClientKey(i) },
      status: "active",
      // the clients and organizations are clones: their options, read once, serve every installation
      options,
      settings: (s, o) => {
        // the suggestions map the CRM's own country's groups; the user maps the foreign ones by hand
        // (tests/integration/poweroffice.test.ts): every CRM VAT group gets a PowerOffice VAT code
        for (const g of o.host.vatGroups) s.vatGroups.vatMapping[g.value] ??= g.percentage === 0 ? "5" : g.percentage >= 20 ? "3" : g.percentage >= 13 ? "31" : "33";
        if (connector.settings.isComplete(s)) complete++;
      },
    });
    options = r.options;
    installations.push(r.installationId);
    // the last scheduled pull ran 15 minutes ago: the next reads what changed since
    for (const role of ["customer", "supplier"]) await writeCursor(world.db, r.installationId, laneCursorKey("relation", role), "pull", { since: lastPull, page: null });
  }
  log(`${n} installations in ${round((Date.now() - setupStarted) / 1000)} s (${complete} with complete settings)`);

  // the bench's own CRM client per organization (unmetered), to make the changes the app pushes
  const crmTokens = await Promise.all(
    tenants.map(async (tenant) => {
      const r = await rawFetch(`${world.hostUrl}/oauth2/token`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ grant_type: "client_credentials", client_id: SECRETS.HOST_CLIENT_ID, client_secret: SECRETS.HOST_CLIENT_SECRET, organization_id: tenant }),
      });
      if (!r.ok) throw new Error(`CRM token for ${tenant}: ${r.status}`);
      return ((await r.json()) as { access_token: string }).access_token;
    }),
  );

  // the app's functions: the schedule's fan-out, each installation's pull, and the pushes the CRM's webhooks lead to
  const runner = await world.handleWebhooks({ tenants, functions: /^poweroffice-(pull-relations|sort-host-changes|push-relations)$/ });
  // the runner keeps its last 1,000 runs: every run is kept here as it starts
  const seen = new Set<RunRecord>();
  const collect = () => runner.runs.forEach((r) => seen.add(r));
  const collector = setInterval(collect, 50);
  await sleep(1500); // the setup's own webhooks (activation) settle
  await world.resetStats();
  resetMeters();
  setCallLogging(true);
  const cpu0 = world.appCpuS();
  const scpu0 = processCpuS(world.serversPid);
  const rss = rssSampler();

  // ── the schedule fires, and the CRM's users change relations in every organization at once
  const firedAt = Date.now();
  const schedule = runFunction("poweroffice-schedule-pull-relations", { name: "inngest/scheduled.timer", data: {} });
  const written: string[] = [];
  const writeFailures: string[] = [];
  const changes = tenants.flatMap((tenant, t) => Array.from({ length: pushesPer }, (_, k) => ({ tenant, t, k })));
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < changes.length) {
        const { tenant, t, k } = changes[next++]!;
        const res = await rawFetch(`${world.hostUrl}/v1/odata/Relation_Organization`, {
          method: "POST",
          headers: { authorization: `Bearer ${crmTokens[t]}`, "content-type": "application/json" },
          body: JSON.stringify({
            Name: `Nordvik ${t + 1}-${k + 1} AS`,
            EmailAddress: `post${k + 1}@nordvik${t + 1}.example`,
            // every third is a supplier as well: one customer and one supplier in PowerOffice
            Relationships: [{ _Type: "Relationship.Organization.CommercialRelationship.Customer" }, ...(k % 3 === 2 ? [{ _Type: "Relationship.Organization.Supplier" }] : [])],
            VisitingAddress: { Street: `Strandgaten ${k + 1}`, Postalcode: "5013", City: "Bergen" },
          }),
        });
        if (res.ok) written.push(((await res.json()) as { ID: string }).ID);
        else writeFailures.push(`${tenant}: ${res.status} ${(await res.text()).slice(0, 200)}`);
      }
    }),
  );
  const writtenAt = Date.now();
  const fired = await schedule;
  if (fired.error) throw new Error(`the schedule failed: ${String((fired.error as Error).message ?? fired.error)}`);
  log(`schedule fired (${JSON.stringify(fired.result)}), ${written.length} CRM changes written in ${round((writtenAt - firedAt) / 1000)} s`);

  // ── until every pull has ended and every webhook has been handled
  let lastLog = Date.now();
  let quietSince = 0;
  for (;;) {
    collect();
    const runs = [...seen];
    const pulls = runs.filter((r) => r.functionId === "poweroffice-pull-relations");
    const pending = (await (await rawFetch(`${world.hostUrl}/__admin/webhooks?status=pending`)).json()).deliveries.length;
    const busy = runs.some((r) => r.status === "running");
    if (pulls.length >= n && !busy && pending === 0) {
      quietSince ||= Date.now();
      if (Date.now() - quietSince > 2000) break;
    } else quietSince = 0;
    if (Date.now() - lastLog > 10_000) {
      lastLog = Date.now();
      const ok = callLog.vendorApi.length + callLog.vendorToken.length;
      log(`${round((Date.now() - firedAt) / 1000)} s: ${ok} PowerOffice requests, pulls ${pulls.filter((r) => r.status !== "running").length}/${n} done, pushes ${runs.filter((r) => r.functionId.endsWith("push-relations") && r.status !== "running").length} done, ${pending} webhooks pending, rss ${rssMB()} MB`);
    }
    if (Date.now() > deadlineAt) {
      log("timed out");
      break;
    }
    await sleep(200);
  }
  const doneAt = Date.now() - (quietSince ? Date.now() - quietSince : 0);
  setCallLogging(false);
  clearInterval(collector);
  collect();
  const cpuS = world.appCpuS() - cpu0;
  const scpu1 = processCpuS(world.serversPid);
  rss.stop();
  runner.stop();

  // ── what the simulator answered
  const stats = await world.poStats();
  const counted = Object.entries(stats.byRouteAndStatus).filter(([route]) => !route.includes("/__admin"));
  const sum = (pick: (status: string) => boolean) => counted.reduce((n, [, byStatus]) => n + Object.entries(byStatus).reduce((m, [s, c]) => m + (pick(s) ? c : 0), 0), 0);
  const answered2xx = sum((s) => /^2\d\d$/.test(s));
  const refusedByRateLimit = Object.values(stats.refusedByRateLimit ?? {}).reduce((a, b) => a + b, 0);
  const calls = [...callLog.vendorApi, ...callLog.vendorToken].sort((a, b) => a.at - b.at);
  const firstAt = calls[0]?.at ?? firedAt;
  const lastAt = calls.at(-1)?.at ?? firedAt;
  // from the first request to the last, as the other rate-limit scenarios count (limitUse)
  const wallS = (lastAt - firstAt) / 1000;
  // the best any client can do: N requests at 10 a second take (N−1)/10 s after the first
  const idealS = Math.max(answered2xx - 1, 0) / PO_LIMIT_PER_SEC;
  // the pacing as the app sent: requests sent within one second of the tenth before them (the simulator
  // counts arrivals, which a variable delay after sending can bunch further)
  const sent = calls.map((c) => c.sent).sort((a, b) => a - b);
  const sentTooClose = sent.filter((t, i) => i >= PO_LIMIT_PER_SEC && t - sent[i - PO_LIMIT_PER_SEC]! < 1000).length;
  const timeline: Array<[number, number]> = [];
  for (const c of calls) {
    const b = Math.floor((c.at - firedAt) / 10_000);
    while (timeline.length <= b) timeline.push([0, 0]);
    timeline[b]![c.status === 429 ? 1 : 0]++;
  }

  // ── the app's side: runs, their failed attempts, the sync log
  const runs = [...seen];
  const pulls = runs.filter((r) => r.functionId === "poweroffice-pull-relations");
  const pushes = runs.filter((r) => r.functionId === "poweroffice-push-relations");
  const sorts = runs.filter((r) => r.functionId === "poweroffice-sort-host-changes");
  const waits = pulls.filter((r) => r.status === "completed" && r.finishedAt).map((r) => (r.finishedAt! - firedAt) / 1000);
  const rateLimited = (m: string) => /rate ?limit|429|too many/i.test(m);
  const attemptErrors = runs.flatMap((r) => r.errors.map((e) => ({ fn: r.functionId, e })));
  const events = await world.db.select().from(schema.syncEvents).where(and(inArray(schema.syncEvents.installationId, installations), gte(schema.syncEvents.createdAt, new Date(firedAt))));
  const failedEvents = events.filter((e) => e.outcome === "failed");
  const failedRateLimited = failedEvents.filter((e) => rateLimited(`${e.message ?? ""} ${JSON.stringify(e.messageParams ?? {})}`));
  const thrownRateLimited = attemptErrors.filter((a) => rateLimited(a.e));
  const outcomes = (rs: RunRecord[]) => {
    const o: Record<string, number> = {};
    for (const r of rs) {
      const res = r.result as { outcome?: string; skipped?: string } | undefined;
      const k = r.status !== "completed" ? r.status : (res?.outcome ?? res?.skipped ?? "ok");
      o[k] = (o[k] ?? 0) + 1;
    }
    return o;
  };
  // a CRM change reached PowerOffice when a push of it created (or linked) the relation there
  const reached = new Set(
    pushes.filter((r) => r.status === "completed" && ["created", "linked", "updated", "unchanged"].includes((r.result as { outcome?: string })?.outcome ?? "")).map((r) => (r.result as { hostId: string }).hostId),
  );
  const pulledChanged = pulls.reduce((s, r) => s + Number((r.result as { changed?: number } | undefined)?.changed ?? 0), 0);
  const host = await world.hostStatsAll();
  const byOutcome: Record<string, number> = {};
  for (const e of events) byOutcome[`${e.direction} ${e.outcome}`] = (byOutcome[`${e.direction} ${e.outcome}`] ?? 0) + 1;

  return {
    scenario: "poweroffice",
    size: n,
    driver: world.driver,
    budgetScale,
    installations: n,
    settingsComplete: complete,
    changedPerInstallation: changedPer,
    pushesPerInstallation: pushesPer,
    limitPerSec: PO_LIMIT_PER_SEC,
    /** requests the simulator answered 2xx (API and token), and over how long: from the first request to the last */
    answered2xx,
    wallS: round(wallS, 1),
    idealS: round(idealS, 1),
    requestsPerSec: round(answered2xx / Math.max(wallS, 1e-9), 2),
    shareOfLimit: wallS > 0 ? round(idealS / wallS, 3) : null,
    /** the first request left this long after the schedule fired */
    firstRequestAfterS: round((firstAt - firedAt) / 1000, 2),
    vendorRequests: sum(() => true),
    vendorByStatus: stats.byStatus,
    vendorByRoute: Object.fromEntries(counted.map(([route, byStatus]) => [route, byStatus])),
    refusedByRateLimit,
    refusedSeenByApp: calls.filter((c) => c.status === 429).length,
    /** requests the app sent less than a second after the tenth before them: the pacing itself over the limit */
    sentTooClose,
    /** 429s that surfaced: a failed sync log entry, or a run's attempt that threw */
    refusedLeftUnretried: failedRateLimited.length + thrownRateLimited.length,
    unretried: { syncLog: failedRateLimited.length, thrown: thrownRateLimited.length },
    /** [2xx and other answers, 429s] per 10 s from the schedule firing, as the app saw them */
    timeline,
    pull: {
      runs: pulls.length,
      completed: waits.length,
      outcomes: outcomes(pulls),
      changed: pulledChanged,
      expectedChanged: changedPer * n,
      longestWaitS: waits.length ? round(Math.max(...waits), 1) : null,
      p50WaitS: waits.length ? round(pct(waits, 50)!, 1) : null,
      shortestWaitS: waits.length ? round(Math.min(...waits), 1) : null,
    },
    push: {
      changes: changes.length,
      written: written.length,
      writeFailures: writeFailures.slice(0, 3),
      writtenInS: round((writtenAt - firedAt) / 1000, 1),
      runs: pushes.length,
      outcomes: outcomes(pushes),
      reached: [...reached].filter((id) => written.includes(id)).length,
      attempts: pushes.reduce((s, r) => s + r.attempts, 0),
    },
    sorts: { runs: sorts.length, failed: sorts.filter((r) => r.status === "failed").length },
    failedRuns: runs.filter((r) => r.status === "failed").map((r) => `${r.functionId}: ${r.error}`).slice(0, 10),
    attemptErrors: attemptErrors.slice(0, 10),
    syncLog: { byOutcome, failed: failedEvents.slice(0, 5).map((e) => `${e.direction} ${e.entity} ${e.message} ${JSON.stringify(e.messageParams)}`) },
    hostCalls: host.total,
    hostRateLimited: host.rateLimited,
    webhookReceipt: await receiptCounts(world),
    runWallS: round((doneAt - firedAt) / 1000, 1),
    setupS: round((firedAt - setupStarted) / 1000, 1),
    appCpuS: round(cpuS, 1),
    serversCpuS: scpu1 !== null && scpu0 !== null ? round(scpu1 - scpu0, 1) : null,
    sampledMaxRssMB: rss.max,
    peakRssMB: peakRssMB(),
  };
}

/** Deliveries the app's webhook endpoint received, and those it took as echoes on arrival. */
async function receiptCounts(world: BenchWorld) {
  const c = await world.webhookReceipt();
  return { received: c.received, echoesOnArrival: c.echoes };
}

/** Waits until the CRM has delivered every webhook and the app's functions have handled each (up to 10 minutes). */
async function webhooksHandled(world: BenchWorld, runner: Runner) {
  const started = Date.now();
  let quietSince = 0;
  while (Date.now() - started < 600_000) {
    const pending = (await (await rawFetch(`${world.hostUrl}/__admin/webhooks?status=pending`)).json()).deliveries.length;
    if (pending === 0 && runner.runs.every((r) => r.status !== "running")) {
      quietSince ||= Date.now();
      if (Date.now() - quietSince > 1500) return Date.now() - started;
    } else quietSince = 0;
    await sleep(200);
  }
  return Date.now() - started;
}

/** What sorting the CRM's webhooks found: echoes, pushes, changes that waited for a page. */
function sortsOf(runner: Runner) {
  const sorts = runner.runs.filter((r) => r.functionId.endsWith("sort-host-changes"));
  const sum = (k: string) => sorts.reduce((n, r) => n + Number((r.result as Record<string, number> | undefined)?.[k] ?? 0), 0);
  return { runs: sorts.length, failed: sorts.filter((r) => r.status === "failed").length, echoes: sum("echoes"), waited: sum("later"), relations: sum("relations"), products: sum("products"), ignored: sum("ignored") };
}

// ── main ────────────────────────────────────────────────────────────────

let result: unknown;
let world: BenchWorld | null = null;
try {
  world = await startBenchWorld({ snelstart: scenario !== "poweroffice" });
  if (scenario === "import") result = await importScenario(world);
  else if (scenario === "ratelimit") result = await rateLimitScenario(world);
  else if (scenario === "hostlimit") result = await hostLimitScenario(world);
  else if (scenario === "pull") result = await pullScenario(world);
  else if (scenario === "latency") result = await latencyScenario(world);
  else if (scenario === "poweroffice") result = await powerOfficeScenario(world);
  else throw new Error(`unknown scenario ${scenario}`);
} catch (err) {
  result = { scenario, size, error: err instanceof Error ? `${err.message}\n${err.stack}` : String(err), peakRssMB: peakRssMB() };
}
emit(result);
if (world) await Promise.race([world.close(), sleep(5000)]);
process.exit(0);
