import { NonRetriableError, RetryAfterError } from "inngest";
import { installationDeactivated } from "@/inngest/events";
import { getDb } from "@/lib/db";
import { loadSyncContext } from "@/lib/installations/sync-context";
import { InstallationInactiveError, type SyncContext } from "@/lib/sync/context";
import { findInstallation, isSyncing } from "@/lib/tenancy";
import { rateLimitedFor, type Connector } from "@/lib/sync/types";

export type AnyConnector = Connector<unknown, unknown>;

/** Stop syncing when the installation is deactivated, wherever the run stands. */
export const cancelOnDeactivation = [{ event: installationDeactivated.name, match: "data.installationId" }];

/** A vendor's "slow down" becomes Inngest's RetryAfterError; bad input is never retried. */
export function asJobError(err: unknown): unknown {
  const e = err as { status?: number; message?: string };
  const retryAfterMs = rateLimitedFor(err);
  if (retryAfterMs !== null) return new RetryAfterError(e.message ?? "rate limited", retryAfterMs);
  if (e?.status === 400 || e?.status === 403) return new NonRetriableError(e.message ?? "rejected", { cause: err });
  return err;
}

/** Runs `fn` with the installation's sync context; a deactivated installation ends the run quietly. */
export async function withContext<T>(installationId: string, fn: (ctx: SyncContext) => Promise<T>, allowImporting = true): Promise<T | { skipped: "inactive" }> {
  let ctx: SyncContext;
  try {
    ctx = await loadSyncContext(await getDb(), installationId, { allowStatuses: allowImporting ? ["active", "importing"] : ["active"] });
  } catch (err) {
    if (err instanceof InstallationInactiveError) return { skipped: "inactive" };
    throw err;
  }
  try {
    return await fn(ctx);
  } catch (err) {
    throw asJobError(err);
  }
}

/** The tenant's installation of this connector, if it syncs. */
export async function installationFor(tenantId: string, connectorId: string): Promise<string | null> {
  const inst = await findInstallation(await getDb(), tenantId, connectorId);
  return inst && isSyncing(inst.status) ? inst.id : null;
}
