import { inngest } from "@/inngest/client";
import { productChanged, relationChanged } from "@/inngest/events";
import { productSpec, pushRecord, relationSpec } from "@/lib/sync/entities";
import { installationFor, throttleFor, withContext, type AnyConnector } from "./shared";

/** CRM → package at once, on the host's webhooks. */
export function pushFunctions(connector: AnyConnector) {
  const fns = [];
  if (connector.entities.relation?.push) {
    fns.push(
      inngest.createFunction(
        {
          id: `${connector.id}-push-relations`,
          triggers: [relationChanged],
          concurrency: [{ key: "event.data.tenantId + '-' + event.data.entityId", limit: 1 }],
          throttle: throttleFor(connector, "event.data.tenantId"),
          retries: 6,
        },
        async ({ event, step, attempt }) => {
          const installationId = await step.run("find-installation", () => installationFor(event.data.tenantId, connector.id));
          if (!installationId) return { skipped: "not installed" };
          return step.run("push-relation", () =>
            withContext(installationId, async (ctx) => {
              const hostId = await ctx.host.relations.resolveId(event.data.entityType, event.data.entityId);
              if (!hostId) return { outcome: "skipped" };
              const entry = await pushRecord(ctx, relationSpec, hostId, { lookupFirst: attempt > 0, rethrowTransient: true });
              return { outcome: entry.outcome, hostId, remoteId: entry.remoteId ?? null };
            }),
          );
        },
      ),
    );
  }
  if (connector.entities.product?.push) {
    fns.push(
      inngest.createFunction(
        {
          id: `${connector.id}-push-products`,
          triggers: [productChanged],
          concurrency: [{ key: "event.data.tenantId + '-' + event.data.entityId", limit: 1 }],
          throttle: throttleFor(connector, "event.data.tenantId"),
          retries: 6,
        },
        async ({ event, step, attempt }) => {
          const installationId = await step.run("find-installation", () => installationFor(event.data.tenantId, connector.id));
          if (!installationId) return { skipped: "not installed" };
          return step.run("push-product", () =>
            withContext(installationId, async (ctx) => {
              const entry = await pushRecord(ctx, productSpec, event.data.entityId, { lookupFirst: attempt > 0, rethrowTransient: true });
              return { outcome: entry.outcome, remoteId: entry.remoteId ?? null };
            }),
          );
        },
      ),
    );
  }
  return fns;
}
