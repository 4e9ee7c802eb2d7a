/**
 * The initial import against the CRM's rate limit: when the limit outlasts the client's own
 * retries, the page stops and is run again later as a whole (Inngest's RetryAfterError); it finds
 * what the stopped attempt created, so every relatie ends up in the CRM once and none is logged
 * as failed.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { schema } from "@/lib/db";
import { readCursor } from "@/lib/sync/store";
import { SANDBOX_TENANT, SNEL, crm, installSnelStart, links, runFunction, snelstart, startWorld, syncLog, type World } from "../helpers/world";

let world: World;

beforeAll(async () => {
  world = await startWorld();
}, 120_000);
afterAll(() => world?.close());

const hostAdmin = async (path: string, body?: unknown) => {
  const r = await fetch(`${world.host.url}/__admin/${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  expect(r.status).toBe(200);
  return r.json();
};

const importPage = (installationId: string, entity: string) =>
  runFunction("snelstart-import-page", { name: "ledgerlink/import.page", data: { installationId, connector: "snelstart", entity, runId: "" } });

describe("an import page that the CRM's rate limit outlasts", () => {
  it("stops, is run again later, and ends with every relatie in the CRM once and nothing failed", async () => {
    const gen = await fetch(`${world.snelstart.url}/__admin/generate`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ administratie: SNEL.administratie, relaties: 60, seed: 3 }),
    });
    expect(gen.status).toBe(200);
    const installationId = await installSnelStart(world, { webhooks: false });
    expect((await runFunction("snelstart-start-import", { name: "ledgerlink/installation.activated", data: { installationId, connector: "snelstart" } })).error).toBeUndefined();
    for (let i = 0; i < 10; i++) {
      if ((await readCursor<{ phase: string }>(world.db, installationId, "relation", "import"))?.phase === "remote") break;
      expect((await importPage(installationId, "relation")).error).toBeUndefined();
    }

    // every call so far fell within the last minute: let 20 more through, then refuse for the rest
    // of the window, saying "retry after 1 s" so the client's own retries run out quickly
    const { organizations } = await hostAdmin("stats");
    const callsSoFar = organizations[SANDBOX_TENANT].total as number;
    await hostAdmin("config", { rateLimitPerMinute: callsSoFar + 20, retryAfterSeconds: 1 });
    const relationsInCrm = async () => (await crm(world).count("Relation_Organization")) + (await crm(world).count("Relation_Person"));
    const before = await relationsInCrm();
    // the index phase read every CRM relation: what existed before the remote phase
    const existing = new Set(
      (await world.db.select({ hostId: schema.hostIndex.hostId }).from(schema.hostIndex).where(eq(schema.hostIndex.installationId, installationId))).map((r) => r.hostId),
    );

    const stopped = await importPage(installationId, "relation");
    expect((stopped.error as { name?: string } | undefined)?.name).toBe("RetryAfterError");
    // the window has room again (the test's own CRM calls count in it too): Inngest runs the page anew
    await hostAdmin("config", { rateLimitPerMinute: 1000, retryAfterSeconds: null });
    expect(await relationsInCrm()).toBeGreaterThan(before);
    expect(await links(world, installationId, "relation")).toHaveLength(0);
    let entity = "relation";
    for (let i = 0; i < 10; i++) {
      const out = await importPage(installationId, entity);
      expect(out.error).toBeUndefined();
      const r = out.result as { done?: boolean; next?: string };
      if (r.done) break;
      entity = r.next ?? entity;
    }

    const active = ((await snelstart(world).state()).relaties as Array<{ id: string; nonactief?: boolean }>).filter((r) => !r.nonactief);
    const linked = await links(world, installationId, "relation");
    expect(new Set(linked.map((l) => l.remoteId))).toEqual(new Set(active.map((r) => r.id)));
    expect(new Set(linked.map((l) => l.hostId)).size).toBe(linked.length);
    // nothing created twice: the CRM gained exactly the relations linked to no record it had before
    expect(await relationsInCrm()).toBe(before + linked.filter((l) => !existing.has(l.hostId)).length);
    const failed = (await syncLog(world, installationId)).filter((e) => e.entity === "relation" && e.outcome === "failed");
    expect(failed).toEqual([]);
  }, 120_000);
});
