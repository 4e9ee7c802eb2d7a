import type { Db } from "@/lib/db";
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

/**
 * The context of one sync step, from parts its caller composed (the jobs and pages know which
 * connector, host and credentials an installation has; the engine looks none of them up).
 */
export async function createSyncContext(
  db: Db,
  installation: Installation,
  parts: { connector: Connector<unknown, unknown>; credentials: unknown; host: HostAdapter },
): Promise<SyncContext> {
  const { connector, credentials, host } = parts;
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
