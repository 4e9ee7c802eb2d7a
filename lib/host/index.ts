import { config } from "@/lib/config";
import type { HostAdapter } from "@/lib/sync/types";
import { createTribeClient, type TribeClient } from "./tribe/client";
import { createTribeHostAdapter } from "./tribe/adapter";
import { RateGate } from "./tribe/rate-gate";

type RequestInfo = { method: string; path: string; status: number };

// One client per tenant and process keeps its access token across job steps.
const clients = new Map<string, TribeClient>();
const MAX_CLIENTS = 1000;
// Tribe's limit is per application, not per organization: one gate for all tenants' clients.
const gates = new Map<string, RateGate>();

function clientFor(tenantId: string, onRequest?: (info: RequestInfo) => void): TribeClient {
  const c = config();
  const key = JSON.stringify([tenantId, c.HOST_API_URL, c.HOST_CLIENT_ID]);
  const cached = onRequest ? undefined : clients.get(key);
  if (cached) return cached;
  const application = JSON.stringify([c.HOST_API_URL, c.HOST_CLIENT_ID]);
  let gate = gates.get(application);
  if (!gate) gates.set(application, (gate = new RateGate()));
  const client = createTribeClient({
    apiUrl: c.HOST_API_URL,
    clientId: c.HOST_CLIENT_ID,
    clientSecret: c.HOST_CLIENT_SECRET,
    organizationId: tenantId,
    onRequest,
    rateGate: gate,
  });
  if (!onRequest) {
    if (clients.size >= MAX_CLIENTS) clients.delete(clients.keys().next().value!);
    clients.set(key, client);
  }
  return client;
}

/** The host adapter for one tenant, authenticated as the app for that organization. */
export function hostAdapterForTenant(tenantId: string, opts: { onRequest?: (info: RequestInfo) => void } = {}): HostAdapter {
  return createTribeHostAdapter(clientFor(tenantId, opts.onRequest), { houseNumberFields: config().HOST_HOUSE_NUMBER_FIELDS });
}
