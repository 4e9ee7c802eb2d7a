/**
 * What the overview shows of a real import (seed 002: "Na activatie start direct de initiële
 * synchronisatie"): progress whose text and bar are the records really processed, entity by
 * entity; the last runs with what came of them; and the whole sync log, a page at a time, each
 * row naming its record.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { desc, eq } from "drizzle-orm";
import { schema } from "@/lib/db";
import type { RunCounts } from "@/lib/db/schema";
import { installationOverview, SYNC_LOG_PAGE_SIZE, type OverviewFilters } from "@/lib/installations/overview";
import { addToRun, finishRun, startRun } from "@/lib/sync/store";
import { SANDBOX_TENANT, SNEL, installSnelStart, runFunction, startWorld, type World } from "../helpers/world";

let world: World;
let installationId: string;

beforeAll(async () => {
  // 100 relaties a page, and 150 more than the seed: the relations take two pages
  world = await startWorld({ snelstart: { maxTop: 100 } });
  const gen = await fetch(`${world.snelstart.url}/__admin/generate`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ administratie: SNEL.administratie, relaties: 150, seed: 21 }),
  });
  expect(gen.status).toBe(200);
  installationId = await installSnelStart(world, { webhooks: false });
}, 120_000);
afterAll(() => world?.close());

const overview = (filters?: OverviewFilters) => installationOverview(world.db, { tenantId: SANDBOX_TENANT, connectorId: "snelstart", filters });
const sum = (c: RunCounts) => Object.values(c).reduce((n, x) => n + x, 0);

describe("the first import's progress", () => {
  it("shows each entity's own run: the text and the bar say what was really processed, the next entity waits", async () => {
    const start = await runFunction("snelstart-start-import", { name: "ledgerlink/installation.activated", data: { installationId, connector: "snelstart" } });
    expect(start.error).toBeUndefined();

    const first = await overview();
    expect(first.importProgress?.map((p) => [p.entity, p.stage, p.processed])).toEqual([
      ["relation", "indexing", 0],
      ["product", "waiting", 0],
    ]);

    const seen: string[] = [];
    let entity = "relation";
    for (let i = 0; i < 40; i++) {
      const out = await runFunction("snelstart-import-page", { name: "ledgerlink/import.page", data: { installationId, connector: "snelstart", entity, runId: "" } });
      expect(out.error).toBeUndefined();
      const { importProgress, syncing } = await overview();
      const result = out.result as { next?: string; done?: boolean };
      if (result.done) {
        expect(importProgress, "nothing runs once the import is done").toBeNull();
        break;
      }
      expect(syncing).toBe(true);
      for (const p of importProgress!) {
        // processed is every record the run took in: what its counts add up to
        expect(p.processed, `${p.entity} ${p.stage}`).toBe(sum(p.counts));
      }
      const [relations, products] = importProgress!;
      seen.push(`${relations.stage}:${relations.processed}/${products.stage}:${products.processed}`);
      entity = result.next!;
    }
    // the relations' first page of 100 shows as 100 processed while the products wait: the page
    // used to show the products' run ("0 verwerkt") from the moment the import began
    expect(seen).toContain("importing:100/waiting:0");
    expect(seen.at(-1)).toMatch(/^done:\d+\/importing:\d+$/);
    const [inst] = await world.db.select().from(schema.installations).where(eq(schema.installations.id, installationId));
    expect(inst.status).toBe("active");
  });

  it("the last runs say what came of each run: not 'succeeded' when records failed", async () => {
    const { lastRuns } = await overview();
    expect(lastRuns.find((r) => r.kind === "import" && r.entity === "relation")?.result).toEqual({ key: "succeeded" });

    const runId = await startRun(world.db, installationId, "pull", "relation");
    await addToRun(world.db, runId, { created: 2, updated: 5, linked: 0, unchanged: 0, skipped: 0, failed: 3 }, 10);
    await finishRun(world.db, runId, "succeeded");
    const after = await overview();
    expect(after.lastRuns.find((r) => r.kind === "pull" && r.entity === "relation")).toMatchObject({ status: "succeeded", result: { key: "partial", failed: 3 } });
    // a pull that just finished keeps the page following: the next entity's pull may be about to start
    expect(after.pull).toEqual({ lastStartedAt: expect.any(Date), busy: true });
    expect(after.syncing).toBe(true);
  });
});

describe("the sync log", () => {
  async function allPages(filters: OverviewFilters = {}) {
    const ids: number[] = [];
    for (let page = 1; page < 100; page++) {
      const { log } = await overview({ ...filters, page });
      expect(log.page).toBe(page);
      expect(log.hasPrevious).toBe(page > 1);
      expect(log.events.length).toBeLessThanOrEqual(SYNC_LOG_PAGE_SIZE);
      ids.push(...log.events.map((e) => e.id));
      if (!log.hasNext) return { ids, pages: page, last: log };
      expect(log.events.length).toBe(SYNC_LOG_PAGE_SIZE);
    }
    throw new Error("no last page");
  }

  it("pages through the whole log, newest first, not only the latest rows", async () => {
    const all = await world.db
      .select({ id: schema.syncEvents.id })
      .from(schema.syncEvents)
      .where(eq(schema.syncEvents.installationId, installationId))
      .orderBy(desc(schema.syncEvents.id));
    expect(all.length).toBeGreaterThan(2 * SYNC_LOG_PAGE_SIZE);
    const { ids, pages } = await allPages();
    expect(ids).toEqual(all.map((r) => r.id));
    expect(pages).toBe(Math.ceil(all.length / SYNC_LOG_PAGE_SIZE));
    // past the end: an empty page that still links back
    const beyond = (await overview({ page: pages + 1 })).log;
    expect(beyond).toMatchObject({ events: [], hasPrevious: true, hasNext: false });
  });

  it("keeps its filters on every page", async () => {
    const created = await world.db.select().from(schema.syncEvents).where(eq(schema.syncEvents.installationId, installationId));
    const expected = created.filter((e) => e.entity === "relation" && e.outcome === "created").map((e) => e.id).sort((a, b) => b - a);
    expect(expected.length).toBeGreaterThan(SYNC_LOG_PAGE_SIZE);
    const { ids } = await allPages({ entity: "relation", outcome: "created" });
    expect(ids).toEqual(expected);
  });

  it("names each record: a relation by its name and number", async () => {
    const { log } = await overview({ entity: "relation" });
    for (const e of log.events) expect(e.label, JSON.stringify(e)).toMatch(/^.+ \(\d+\)$/);
    const { ids } = await allPages({ entity: "relation" });
    const rows = await world.db.select().from(schema.syncEvents).where(eq(schema.syncEvents.installationId, installationId));
    const labels = rows.filter((r) => ids.includes(r.id)).map((r) => r.label);
    expect(labels).toContain("Lunchroom Het Zonnetje (1001)");
  });
});
