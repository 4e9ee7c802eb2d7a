import { afterAll, describe, expect, it } from "vitest";
import { eq, sql } from "drizzle-orm";
import { schema } from "@/lib/db";
import { createTestDatabase } from "../helpers/db";

const drivers: Array<"pg" | "pglite"> = process.env.DATABASE_URL ? ["pglite", "pg"] : ["pglite"];

describe.each(drivers)("database on %s", (driver) => {
  const handles: Array<Awaited<ReturnType<typeof createTestDatabase>>> = [];
  afterAll(async () => {
    await Promise.all(handles.map((h) => h.close()));
  });

  it("applies the migrations and enforces one installation per tenant and connector", async () => {
    const handle = await createTestDatabase(driver);
    handles.push(handle);
    expect(handle.driver).toBe(driver);
    const { db } = handle;
    await db.insert(schema.tenants).values({ id: "t1", name: "Acme" });
    const [inst] = await db
      .insert(schema.installations)
      .values({ tenantId: "t1", connector: "snelstart", status: "connecting" })
      .returning();
    expect(inst.status).toBe("connecting");
    expect(inst.settings).toEqual({});
    await expect(
      db.insert(schema.installations).values({ tenantId: "t1", connector: "snelstart" }),
    ).rejects.toThrow();

    await db.insert(schema.syncLinks).values({
      installationId: inst.id,
      entity: "relation",
      hostId: "h1",
      remoteId: "r1",
    });
    await expect(
      db.insert(schema.syncLinks).values({
        installationId: inst.id,
        entity: "relation",
        hostId: "h2",
        remoteId: "r1",
      }),
    ).rejects.toThrow();

    const [run] = await db
      .insert(schema.syncRuns)
      .values({ installationId: inst.id, kind: "import", entity: "relation" })
      .returning();
    expect(run.counts).toEqual({ created: 0, updated: 0, linked: 0, unchanged: 0, skipped: 0, failed: 0 });

    // deleting the tenant removes its installation and everything hanging off it
    await db.delete(schema.tenants).where(eq(schema.tenants.id, "t1"));
    const [{ n }] = await db.select({ n: sql<number>`count(*)::int` }).from(schema.syncLinks);
    expect(n).toBe(0);
  });

  it("drops a repeated webhook delivery id", async () => {
    const handle = await createTestDatabase(driver);
    handles.push(handle);
    const first = await handle.db
      .insert(schema.webhookDeliveries)
      .values({ deliveryId: "d1", tenantId: "t", entityType: "Relation.Organization" })
      .onConflictDoNothing()
      .returning();
    const second = await handle.db
      .insert(schema.webhookDeliveries)
      .values({ deliveryId: "d1", tenantId: "t", entityType: "Relation.Organization" })
      .onConflictDoNothing()
      .returning();
    expect(first).toHaveLength(1);
    expect(second).toHaveLength(0);
  });
});
