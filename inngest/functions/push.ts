import { inngest } from "@/inngest/client";
import { productChanged, relationChanged } from "@/inngest/events";
import { productSpec, pushRecord, relationSpec, type EntitySpec } from "@/lib/sync/entities";
import { installationFor, throttleFor, withContext, type AnyConnector } from "./shared";

const pushes = {
  relation: { trigger: relationChanged, spec: relationSpec, id: "push-relations", step: "push-relation" },
  product: { trigger: productChanged, spec: productSpec, id: "push-products", step: "push-product" },
} as const;

/** CRM → package at once, on the host's webhooks. */
export function pushFunctions(connector: AnyConnector) {
  return (Object.keys(pushes) as Array<keyof typeof pushes>)
    .filter((entity) => connector.entities[entity]?.push)
    .map((entity) => {
      const { trigger, spec, id, step: stepId } = pushes[entity];
      return inngest.createFunction(
        {
          id: `${connector.id}-${id}`,
          triggers: [trigger],
          concurrency: [{ key: "event.data.tenantId + '-' + event.data.entityId", limit: 1 }],
          throttle: throttleFor(connector, "event.data.tenantId"),
          retries: 6,
        },
        async ({ event, step, attempt }) => {
          const installationId = await step.run("find-installation", () => installationFor(event.data.tenantId, connector.id));
          if (!installationId) return { skipped: "not installed" };
          return step.run(stepId, () =>
            withContext(installationId, async (ctx) => {
              // a webhook about an address or relationship names the record it belongs to
              const hostId = entity === "relation" ? await ctx.host.relations.resolveId(event.data.entityType, event.data.entityId) : event.data.entityId;
              if (!hostId) return { outcome: "skipped" };
              const entry = await pushRecord(ctx, spec as EntitySpec<unknown>, hostId, { lookupFirst: attempt > 0, rethrowTransient: true });
              return { outcome: entry.outcome, hostId, remoteId: entry.remoteId ?? null };
            }),
          );
        },
      );
    });
}
