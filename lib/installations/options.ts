import { eq } from "drizzle-orm";
import { schema, type Db } from "@/lib/db";
import { hostAdapterForTenant } from "@/lib/host";
import { isLocale } from "@/lib/i18n";
import type { Connector, HostOptions, Option } from "@/lib/sync/types";
import { findInstallation } from "@/lib/tenancy";
import { loadCredentials } from "./credentials";

export function hostOptionLists(host: HostOptions): Record<string, Option[]> {
  return {
    vatGroups: host.vatGroups,
    productGroups: host.productGroups,
    relationTypes: host.relationTypes,
    addressTypes: host.addressTypes,
    units: host.units,
  };
}

/** How long a package's lists (ledgers, VAT rates, templates) serve the settings screens. */
export const REMOTE_OPTIONS_TTL_MS = 2 * 60_000;

type CachedOptions = { at: number; lists: Promise<Record<string, Option[]>> };

// Walking the settings tabs renders each tab and saves it: without this every render and save
// read the package's lists again. Kept on globalThis because Next may load this module once per
// route bundle, and the connect action must reach the same cache as the settings pages.
const cacheKey = Symbol.for("ledgerlink.remoteOptions");
const remoteOptionsCache: Map<string, CachedOptions> = ((globalThis as Record<symbol, unknown>)[cacheKey] ??= new Map()) as Map<string, CachedOptions>;

function cachedRemoteOptions(installationId: string, load: () => Promise<Record<string, Option[]>>): Promise<Record<string, Option[]>> {
  const hit = remoteOptionsCache.get(installationId);
  if (hit && Date.now() - hit.at < REMOTE_OPTIONS_TTL_MS) return hit.lists;
  const entry: CachedOptions = { at: Date.now(), lists: load() };
  remoteOptionsCache.set(installationId, entry);
  // a failed load is not kept: the next screen tries again
  entry.lists.catch(() => {
    if (remoteOptionsCache.get(installationId) === entry) remoteOptionsCache.delete(installationId);
  });
  return entry.lists;
}

/** New credentials may open another administration: its lists are read afresh. */
export function forgetRemoteOptions(installationId: string): void {
  remoteOptionsCache.delete(installationId);
}

/**
 * The options both sides offer the settings screens: the CRM's live, the package's from a
 * short-lived cache; labels the host does not name itself are in the language of the tenant's
 * last sign-in.
 */
export async function settingsOptions(
  db: Db,
  tenantId: string,
  connector: Connector<unknown, unknown>,
): Promise<{ host: HostOptions; lists: Record<string, Option[]> }> {
  const installation = await findInstallation(db, tenantId, connector.id);
  const credentials = installation ? await loadCredentials(db, installation.id) : null;
  const [tenant] = await db.select({ locale: schema.tenants.locale }).from(schema.tenants).where(eq(schema.tenants.id, tenantId));
  const [host, remoteLists] = await Promise.all([
    hostAdapterForTenant(tenantId).options(isLocale(tenant?.locale) ? tenant.locale : undefined),
    installation && credentials ? cachedRemoteOptions(installation.id, () => connector.remoteOptions(credentials)) : Promise.resolve({}),
  ]);
  return { host, lists: { ...hostOptionLists(host), ...remoteLists } };
}
