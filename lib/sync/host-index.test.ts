import { afterAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { schema } from "@/lib/db";
import { createTestDatabase } from "@/tests/helpers/db";
import type { Product } from "@/lib/model";
import type { SyncContext } from "./context";
import { indexHostPage, productSpec, type EntitySpec } from "./entities";
import type { SideRecord } from "./types";

const drivers: Array<"pg" | "pglite"> = process.env.DATABASE_URL ? ["pglite", "pg"] : ["pglite"];

const product = (id: string, code: string): SideRecord<Product> => ({
  id,
  number: null,
  modifiedAt: null,
  data: { code, name: `Product ${code}`, description: null, salesPrice: 10, purchasePrice: null, unit: null, vatRate: null, active: true } as unknown as Product,
});

describe.each(drivers)("the host index on %s", (driver) => {
  const handles: Array<Awaited<ReturnType<typeof createTestDatabase>>> = [];
  afterAll(async () => {
    await Promise.all(handles.map((h) => h.close()));
  });

  it("keeps one key row per matching key, and drops the keys a re-read record no longer has", async () => {
    const handle = await createTestDatabase(driver);
    handles.push(handle);
    const { db } = handle;
    await db.insert(schema.tenants).values({ id: "t1", name: "Acme" });
    const [installation] = await db.insert(schema.installations).values({ tenantId: "t1", connector: "snelstart" }).returning();
    let page: SideRecord<Product>[] = [];
    const spec: EntitySpec<Product> = { ...productSpec, host: () => ({ page: async () => ({ items: page, next: null }) }) as never };
    const ctx = { db, installation } as unknown as SyncContext;
    const keys = async () =>
      (await db.select().from(schema.hostIndexKeys).where(eq(schema.hostIndexKeys.installationId, installation!.id)))
        .map((k) => `${k.key}→${k.hostId}`)
        .sort();

    page = [product("h1", "A"), product("h2", "B")];
    await indexHostPage(ctx, spec, null);
    // each record is also found by its own id (a webhook names it so)
    expect(await keys()).toEqual(["P:A→h1", "P:B→h2", "part:h1→h1", "part:h2→h2"]);

    page = [product("h1", "C"), product("h2", "B")];
    await indexHostPage(ctx, spec, null);
    expect(await keys()).toEqual(["P:B→h2", "P:C→h1", "part:h1→h1", "part:h2→h2"]);
    const [row] = await db.select().from(schema.hostIndex).where(eq(schema.hostIndex.hostId, "h1"));
    expect(row).toMatchObject({ numbers: ["P:C"], data: { code: "C" } });
  });
});
