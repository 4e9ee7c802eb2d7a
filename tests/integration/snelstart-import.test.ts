import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { schema } from "@/lib/db";
import { installSnelStart, runFunction, startWorld, type World } from "../helpers/world";

let world: World;
beforeAll(async () => {
  world = await startWorld();
}, 120_000);
afterAll(() => world?.close());

describe("SnelStart initial import through the Inngest functions", () => {
  it("imports active klanten, leveranciers and artikelen into the CRM, page by page, and goes live", async () => {
    const installationId = await installSnelStart(world);
    const start = await runFunction("snelstart-start-import", {
      name: "ledgerlink/installation.activated",
      data: { installationId, connector: "snelstart" },
    });
    expect(start.error).toBeUndefined();
    // follow the pages the function sends itself, as Inngest would
    let data: Record<string, unknown> = { installationId, connector: "snelstart", entity: "relation", runId: "" };
    for (let i = 0; i < 50; i++) {
      const out = await runFunction("snelstart-import-page", { name: "ledgerlink/import.page", data });
      expect(out.error).toBeUndefined();
      const r = out.result as { next?: string; done?: boolean };
      if (r.done) break;
      data = { ...data, entity: r.next };
    }
    const [inst] = await world.db.select().from(schema.installations).where(eq(schema.installations.id, installationId));
    expect(inst.status).toBe("active");
    const runs = await world.db.select().from(schema.syncRuns).where(eq(schema.syncRuns.installationId, installationId));
    const relationRun = runs.find((r) => r.entity === "relation")!;
    expect(relationRun.status).toBe("succeeded");
    expect(relationRun.counts.created + relationRun.counts.linked).toBeGreaterThan(0);
    expect(relationRun.counts.skipped).toBeGreaterThan(0); // nonactief relaties are not imported
    const productRun = runs.find((r) => r.entity === "product")!;
    expect(productRun.status).toBe("succeeded");
    expect(productRun.counts.failed).toBe(0);
    expect(productRun.counts.created).toBeGreaterThan(0);
  });
});
