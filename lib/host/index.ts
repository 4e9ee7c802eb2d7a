import { config } from "@/lib/config";
import type { HostAdapter } from "@/lib/sync/types";
import { createTribeClient } from "./tribe/client";
import { createTribeHostAdapter } from "./tribe/adapter";

/** The host adapter for one tenant, authenticated as the app for that organization. */
export function hostAdapterForTenant(tenantId: string, opts: { onRequest?: (info: { method: string; path: string; status: number }) => void } = {}): HostAdapter {
  const c = config();
  return createTribeHostAdapter(
    createTribeClient({
      apiUrl: c.HOST_API_URL,
      clientId: c.HOST_CLIENT_ID,
      clientSecret: c.HOST_CLIENT_SECRET,
      organizationId: tenantId,
      onRequest: opts.onRequest,
    }),
  );
}
