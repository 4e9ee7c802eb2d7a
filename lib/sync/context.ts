import { eq } from "drizzle-orm";
import type { Db } from "@/lib/db";
import { schema } from "@/lib/db";
import { getConnector } from "@/lib/connectors";
import { hostAdapterForTenant } from "@/lib/host";
import { loadCredentials } from "@/lib/installations/credentials";
import type { Installation } from "@/lib/tenancy";
import type { Connector, HostAdapter, HostOptions, RemoteAdapter } from "./types";

export type SyncContext = {
  db: Db;
  installation: Installation;
  connector: Connector<unknown, unknown>;
  settings: Record<string, unknown>;
  host: HostAdapter;
  remote: RemoteAdapter;
  hostOptions: HostOptions;
};

export class InstallationInactiveError extends Error {}

// Host datastores (VAT groups, address types) change rarely; reading them for every webhook
// would cost several host calls per event.
const optionsCache = new Map<string, { at: number; value: Promise<HostOptions> }>();
const OPTIONS_TTL_MS = 5 * 60_000;

function cachedHostOptions(tenantId: string, host: HostAdapter): Promise<HostOptions> {
  const hit = optionsCache.get(tenantId);
  if (hit && Date.now() - hit.at < OPTIONS_TTL_MS) return hit.value;
  const value = host.options();
  value.catch(() => optionsCache.delete(tenantId));
  optionsCache.set(tenantId, { at: Date.now(), value });
  return value;
}

export type ContextOptions = {
  hostFor?: (tenantId: string) => HostAdapter;
  /** allow installations still being set up (the import runs while status is importing) */
  allowStatuses?: Installation["status"][];
};

/** Everything one sync step needs; refuses an installation that was deactivated meanwhile. */
export async function loadSyncContext(db: Db, installationId: string, opts: ContextOptions = {}): Promise<SyncContext> {
  const [installation] = await db.select().from(schema.installations).where(eq(schema.installations.id, installationId));
  const allowed = opts.allowStatuses ?? ["active", "importing"];
  if (!installation || !allowed.includes(installation.status)) throw new InstallationInactiveError(`installation ${installationId} is not active`);
  const connector = getConnector(installation.connector);
  if (!connector) throw new Error(`unknown connector ${installation.connector}`);
  const credentials = await loadCredentials(db, installation.id);
  if (!credentials) throw new InstallationInactiveError(`installation ${installationId} has no credentials`);
  const host = (opts.hostFor ?? hostAdapterForTenant)(installation.tenantId);
  const hostOptions = await cachedHostOptions(installation.tenantId, host);
  const settings = installation.settings as Record<string, unknown>;
  return {
    db,
    installation,
    connector,
    settings,
    host,
    hostOptions,
    remote: connector.remote(credentials, connector.settings.schema.parse(settings), hostOptions),
  };
}
