import { eq } from "drizzle-orm";
import { schema, type Db } from "@/lib/db";
import { hostAdapterForTenant } from "@/lib/host";
import { isLocale } from "@/lib/i18n";
import type { Connector, HostOptions, Option } from "@/lib/sync/types";
import { findInstallation } from "@/lib/tenancy";
import { loadCredentials } from "./credentials";
import { hostOptionLists } from "./index";

/**
 * The options both sides offer the settings screens, loaded live; labels the host does not name
 * itself are in the language of the tenant's last sign-in.
 */
export async function settingsOptions(
  db: Db,
  tenantId: string,
  connector: Connector<unknown, unknown>,
): Promise<{ host: HostOptions; lists: Record<string, Option[]> }> {
  const installation = await findInstallation(db, tenantId, connector.id);
  const credentials = installation ? await loadCredentials(db, installation.id) : null;
  const [tenant] = await db.select({ locale: schema.tenants.locale }).from(schema.tenants).where(eq(schema.tenants.id, tenantId));
  const [host, remote] = await Promise.all([
    hostAdapterForTenant(tenantId).options(isLocale(tenant?.locale) ? tenant.locale : undefined),
    credentials ? connector.remoteOptions(credentials) : Promise.resolve({} as Record<string, Option[]>),
  ]);
  return { host, lists: { ...hostOptionLists(host), ...remote } };
}
