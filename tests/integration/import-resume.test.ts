/**
 * An import that stopped making progress (its process died, or the event for its next page was
 * lost) is picked up again by itself, from the page it was on; the overview says it is resuming;
 * and a slow page overtaken by its resumed twin does not run the import twice.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq, sql } from "drizzle-orm";
import { schema } from "@/lib/db";
import { installationOverview } from "@/lib/installations";
import { IMPORT_STALL_MS } from "@/lib/sync/import";
import { installSnelStart, links, runFunction, SANDBOX_TENANT, sentBy, snelstart, startWorld, type World } from "../helpers/world";

let world: World;
let installationId: string;
const tick = { name: "inngest/scheduled.timer", data: { cron: "* * * * *" } };

beforeAll(async () => {
  world = await startWorld({ hostConfig: { rateLimitPerMinute: 1_000_000 } });
  await fetch(`${world.snelstart.url}/__admin/generate`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ administratie: "boekhouding@korenschoof.test", relaties: 1100, seed: 3 }),
  });
  installationId = await installSnelStart(world, { status: "importing", webhooks: false });
}, 120_000);
afterAll(() => world?.close());

/** Makes the import's cursors look as if nothing happened for longer than the watchdog waits. */
async function ageCursors() {
  const past = new Date(Date.now() - IMPORT_STALL_MS - 60_000);
  await world.db.update(schema.syncCursors).set({ updatedAt: past }).where(eq(schema.syncCursors.installationId, installationId));
}

describe("an import that stopped", () => {
  it("is left alone while it makes progress, and picked up again from its page once it stops", async () => {
    const start = await runFunction("snelstart-start-import", { name: "ledgerlink/installation.activated", data: { installationId, connector: "snelstart" } });
    const [first] = sentBy(start);
    // two pages, then the event for the third is lost
    let event = first!;
    for (let i = 0; i < 3; i++) {
      const out = await runFunction("snelstart-import-page", event);
      expect(out.error).toBeUndefined();
      event = sentBy(out)[0]!;
    }
    const linkedBefore = (await links(world, installationId, "relation")).length;
    expect(linkedBefore).toBeGreaterThan(0);

    // progress a moment ago: nothing to resume
    expect((await runFunction("snelstart-resume-stalled-imports", tick)).result).toEqual({ resumed: 0 });

    await ageCursors();
    const watchdog = await runFunction("snelstart-resume-stalled-imports", tick);
    expect(watchdog.result).toEqual({ resumed: 1 });
    const [resumed] = sentBy(watchdog);
    expect(resumed).toMatchObject({ name: "ledgerlink/import.page", data: { installationId, entity: "relation", position: event.data.position } });

    // the overview says so
    const overview = await installationOverview(world.db, { tenantId: SANDBOX_TENANT, connectorId: "snelstart" });
    expect(overview.importProgress?.some((p) => p.resuming)).toBe(true);

    // the lost event turns up after all: the resumed page ran first, so it does nothing
    const resumedRun = await runFunction("snelstart-import-page", resumed!);
    expect(resumedRun.error).toBeUndefined();
    const late = await runFunction("snelstart-import-page", event);
    expect(late.result).toEqual({ superseded: true });
    expect(sentBy(late)).toEqual([]);

    // and the resumed chain finishes the import, every active relatie linked once
    event = sentBy(resumedRun)[0]!;
    for (let i = 0; i < 50 && event; i++) {
      const out = await runFunction("snelstart-import-page", event);
      expect(out.error).toBeUndefined();
      if ((out.result as { done?: boolean }).done) break;
      event = sentBy(out)[0]!;
    }
    const [inst] = await world.db.select().from(schema.installations).where(eq(schema.installations.id, installationId));
    expect(inst.status).toBe("active");
    const relaties = ((await snelstart(world).state()).relaties as Array<{ id: string; nonactief?: boolean }>).filter((r) => !r.nonactief);
    const linked = await links(world, installationId, "relation");
    expect(linked.length).toBe(relaties.length);
    expect(new Set(linked.map((l) => l.remoteId)).size).toBe(relaties.length);
    const [{ n }] = await world.db
      .select({ n: sql<number>`count(*)::int` })
      .from(schema.syncRuns)
      .where(and(eq(schema.syncRuns.installationId, installationId), eq(schema.syncRuns.kind, "import")));
    expect(n, "one run per entity: resuming started no new import").toBe(2);
  }, 120_000);

  it("begins an import whose activation never reached the job runner", async () => {
    await world.db.update(schema.installations).set({ status: "importing", updatedAt: new Date(Date.now() - IMPORT_STALL_MS - 60_000) }).where(eq(schema.installations.id, installationId));
    await world.db.delete(schema.syncCursors).where(and(eq(schema.syncCursors.installationId, installationId), eq(schema.syncCursors.direction, "import")));
    const watchdog = await runFunction("snelstart-resume-stalled-imports", tick);
    expect(sentBy(watchdog)).toEqual([{ name: "ledgerlink/installation.activated", data: { installationId, connector: "snelstart" } }]);
  });
});
