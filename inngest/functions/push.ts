import { inngest } from "@/inngest/client";
import { recordChanged } from "@/inngest/events";
import { kebabKind } from "@/lib/model";
import { PendingWritesError, pushRecord, recordEntities, recordSpecOf } from "@/lib/sync/entities";
import { MAX_WAITS, waitDelayMs } from "@/lib/sync/host-changes";
import { RecordBusyError } from "@/lib/sync/store";
import { withContext, type AnyConnector } from "./shared";

/** CRM → package at once, for each record the sorted webhooks name. */
export function pushFunctions(connector: AnyConnector) {
  return recordEntities
    .filter((entity) => connector.entities[entity]?.push)
    .map((entity) => {
      const trigger = recordChanged[entity];
      const spec = recordSpecOf(entity)!;
      return inngest.createFunction(
        {
          id: `${connector.id}-push-${kebabKind(entity)}s`,
          triggers: [{ event: trigger.name, if: `event.data.connector == '${connector.id}'` }],
          concurrency: [{ key: "event.data.installationId + '-' + event.data.hostId", limit: 1 }],
          retries: 6,
        },
        async ({ event, step }) => {
          const { installationId, hostId } = event.data as { installationId: string; hostId: string; waited?: number };
          const waited = (event.data as { waited?: number }).waited ?? 0;
          const out = await step.run(`push-${kebabKind(entity)}`, () =>
            withContext(installationId, async (ctx) => {
              try {
                const entry = await pushRecord(ctx, spec, hostId, { rethrowTransient: true, ignorePendingWrites: waited >= MAX_WAITS });
                return { outcome: entry.outcome, hostId, remoteId: entry.remoteId ?? null };
              } catch (err) {
                // a page is writing records this one may be among, or another job holds it: no failure,
                // so it waits without spending a retry (until it has waited long enough)
                if (err instanceof PendingWritesError || (err instanceof RecordBusyError && waited < MAX_WAITS)) {
                  return { outcome: "waiting" as const, hostId, remoteId: null };
                }
                throw err;
              }
            }),
          );
          if ("outcome" in out && out.outcome === "waiting") {
            // look again once the page has saved, or the other job is done
            await step.sendEvent("wait-for-page", { name: trigger.name, data: { ...event.data, waited: waited + 1 }, ts: Date.now() + waitDelayMs(waited) });
          }
          return out;
        },
      );
    });
}
