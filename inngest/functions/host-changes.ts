import { inngest } from "@/inngest/client";
import { documentPhaseChanged, hostChanged, recordChanged } from "@/inngest/events";
import { hostChangeKinds } from "@/lib/model";
import { getDb } from "@/lib/db";
import { closeDeliveries } from "@/lib/host/receive-webhook";
import { sortHostChanges, waitDelayMs } from "@/lib/sync/host-changes";
import { installationFor, withContext, type AnyConnector } from "./shared";

/**
 * The CRM's webhooks, a batch per tenant: echoes of Ledgerlink's own writes are dropped without
 * a host call, the webhooks about one record become one push or booking, and a change that may be
 * a record a page is still writing is sorted again after a wait.
 */
export function hostChangeFunction(connector: AnyConnector) {
  return inngest.createFunction(
    {
      id: `${connector.id}-sort-host-changes`,
      triggers: [hostChanged],
      batchEvents: { maxSize: 100, timeout: "1s", key: "event.data.tenantId" },
      retries: 6,
    },
    async ({ events, step }) => {
      const sorted = await step.run("sort-changes", async () => {
        const installationId = await installationFor(events[0]!.data.tenantId, connector.id);
        const result = installationId ? await withContext(installationId, (ctx) => sortHostChanges(ctx, events.map((e) => e.data))) : null;
        // a redelivery from now on is a new change (sorting read nothing that it would change)
        await closeDeliveries(await getDb(), events.map((e) => e.data.delivery));
        return result && !("skipped" in result) ? { installationId: installationId!, ...result } : null;
      });
      if (!sorted) return { skipped: "not installed" };
      const record = (hostId: string) => ({ installationId: sorted.installationId, connector: connector.id, hostId });
      const later = sorted.later.map((change) => {
        const data = events.find((e) => e.data.entityId === change.entityId)!.data;
        const waited = (change.waited ?? 0) + 1;
        return { name: hostChanged.name, data: { ...data, waited }, ts: Date.now() + waitDelayMs(waited) };
      });
      const eventOf = { ...recordChanged, ...documentPhaseChanged };
      const next = [...hostChangeKinds.flatMap((kind) => sorted.changed[kind].map((id) => ({ name: eventOf[kind].name, data: record(id) }))), ...later];
      if (next.length) await step.sendEvent("send-changes", next);
      const { echoes, ignored, changed } = sorted;
      return { echoes, ignored, relations: changed.relation.length, products: changed.product.length, documents: changed.invoice.length + changed.salesOrder.length, later: later.length };
    },
  );
}
