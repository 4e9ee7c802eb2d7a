import { inngest } from "@/inngest/client";
import { productChanged, relationChanged } from "@/inngest/events";
import { PendingWritesError, productSpec, pushRecord, relationSpec, type EntitySpec } from "@/lib/sync/entities";
import { MAX_WAITS, waitDelayMs } from "@/lib/sync/host-changes";
import { throttleFor, withContext, type AnyConnector } from "./shared";

const pushes = {
  relation: { trigger: relationChanged, spec: relationSpec, id: "push-relations", step: "push-relation" },
  product: { trigger: productChanged, spec: productSpec, id: "push-products", step: "push-product" },
} as const;

/** CRM → package at once, for each record the sorted webhooks name. */
export function pushFunctions(connector: AnyConnector) {
  return (Object.keys(pushes) as Array<keyof typeof pushes>)
    .filter((entity) => connector.entities[entity]?.push)
    .map((entity) => {
      const { trigger, spec, id, step: stepId } = pushes[entity];
      return inngest.createFunction(
        {
          id: `${connector.id}-${id}`,
          triggers: [{ event: trigger.name, if: `event.data.connector == '${connector.id}'` }],
          concurrency: [{ key: "event.data.installationId + '-' + event.data.hostId", limit: 1 }],
          throttle: throttleFor(connector),
          retries: 6,
        },
        async ({ event, step }) => {
          const { installationId, hostId } = event.data as { installationId: string; hostId: string; waited?: number };
          const waited = (event.data as { waited?: number }).waited ?? 0;
          const out = await step.run(stepId, () =>
            withContext(installationId, async (ctx) => {
              try {
                const entry = await pushRecord(ctx, spec as EntitySpec<unknown>, hostId, { rethrowTransient: true, ignorePendingWrites: waited >= MAX_WAITS });
                return { outcome: entry.outcome, hostId, remoteId: entry.remoteId ?? null };
              } catch (err) {
                if (err instanceof PendingWritesError) return { outcome: "waiting" as const, hostId, remoteId: null };
                throw err;
              }
            }),
          );
          if ("outcome" in out && out.outcome === "waiting") {
            // a page is writing records this one may be among: look again once it has saved
            await step.sendEvent("wait-for-page", { name: trigger.name, data: { ...event.data, waited: waited + 1 }, ts: Date.now() + waitDelayMs(waited) });
          }
          return out;
        },
      );
    });
}
