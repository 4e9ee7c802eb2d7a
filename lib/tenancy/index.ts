import { and, eq } from "drizzle-orm";
import type { Db } from "@/lib/db";
import { schema } from "@/lib/db";
import type { HostSession } from "@/lib/host/tribe/session-token";

/** Records the host account on sign-in; name and locale follow the host. */
export async function upsertTenant(db: Db, s: Pick<HostSession, "tenantId" | "tenantName" | "locale">) {
  await db
    .insert(schema.tenants)
    .values({ id: s.tenantId, name: s.tenantName, locale: s.locale })
    .onConflictDoUpdate({
      target: schema.tenants.id,
      set: { name: s.tenantName, locale: s.locale, updatedAt: new Date() },
    });
}

export type Installation = typeof schema.installations.$inferSelect;

/** The statuses in which an installation syncs: its functions act on host changes only then. */
export const SYNCING_STATUSES = ["active", "importing"] as const satisfies ReadonlyArray<Installation["status"]>;
export const isSyncing = (status: Installation["status"]) => (SYNCING_STATUSES as ReadonlyArray<string>).includes(status);

/** The tenant's installation of a connector; always scoped by tenant, never by id alone. */
export async function findInstallation(db: Db, tenantId: string, connector: string): Promise<Installation | null> {
  const [row] = await db
    .select()
    .from(schema.installations)
    .where(and(eq(schema.installations.tenantId, tenantId), eq(schema.installations.connector, connector)));
  return row ?? null;
}

export async function getOrCreateInstallation(db: Db, tenantId: string, connector: string): Promise<Installation> {
  await db.insert(schema.installations).values({ tenantId, connector }).onConflictDoNothing();
  const found = await findInstallation(db, tenantId, connector);
  if (!found) throw new Error("installation could not be created");
  return found;
}
