import { eq } from "drizzle-orm";
import { getConnector } from "@/lib/connectors";
import type { Db } from "@/lib/db";
import { schema } from "@/lib/db";
import { hostAdapterForTenant } from "@/lib/host";
import { createSyncContext, InstallationInactiveError, type SyncContext } from "@/lib/sync/context";
import type { Installation } from "@/lib/tenancy";
import { loadCredentials } from "./credentials";

/**
 * Composes what a sync step of this installation runs against: its connector, its CRM and its
 * credentials. Refuses an installation that was deactivated meanwhile.
 */
export async function loadSyncContext(
  db: Db,
  installationId: string,
  opts: { allowStatuses?: Installation["status"][] } = {},
): Promise<SyncContext> {
  const [installation] = await db.select().from(schema.installations).where(eq(schema.installations.id, installationId));
  const allowed = opts.allowStatuses ?? ["active", "importing"];
  if (!installation || !allowed.includes(installation.status)) throw new InstallationInactiveError(`installation ${installationId} is not active`);
  const connector = getConnector(installation.connector);
  if (!connector) throw new Error(`unknown connector ${installation.connector}`);
  const credentials = await loadCredentials(db, installation.id);
  if (!credentials) throw new InstallationInactiveError(`installation ${installationId} has no credentials`);
  return createSyncContext(db, installation, { connector, credentials, host: hostAdapterForTenant(installation.tenantId) });
}
