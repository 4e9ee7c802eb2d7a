import type { Db } from "@/lib/db";
import { hostAdapterForTenant } from "@/lib/host";
import type { Connector, HostOptions, Option } from "@/lib/sync/types";
import { findInstallation } from "@/lib/tenancy";
import { loadCredentials } from "./credentials";
import { hostOptionLists } from "./index";

/** The options both sides offer the settings screens, loaded live. */
export async function settingsOptions(
  db: Db,
  tenantId: string,
  connector: Connector<unknown, unknown>,
): Promise<{ host: HostOptions; lists: Record<string, Option[]> }> {
  const installation = await findInstallation(db, tenantId, connector.id);
  const credentials = installation ? await loadCredentials(db, installation.id) : null;
  const [host, remote] = await Promise.all([
    hostAdapterForTenant(tenantId).options(),
    credentials ? connector.remoteOptions(credentials) : Promise.resolve({} as Record<string, Option[]>),
  ]);
  return { host, lists: { ...hostOptionLists(host), ...remote } };
}
