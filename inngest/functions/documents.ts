import { NonRetriableError } from "inngest";
import { inngest } from "@/inngest/client";
import { documentPhaseChanged } from "@/inngest/events";
import { documentKinds, kebabKind } from "@/lib/model";
import { bookDocument, logGaveUpWaiting } from "@/lib/sync/documents";
import { PendingWritesError } from "@/lib/sync/entities";
import { MAX_WAITS, waitDelayMs } from "@/lib/sync/host-changes";
import { RecordBusyError } from "@/lib/sync/store";
import { withContext, type AnyConnector } from "./shared";

/** An invoice set to Sent (a sales order to Linked) is booked once, with its document. */
export function documentFunctions(connector: AnyConnector) {
  return documentKinds
    .filter((kind) => connector.entities[kind])
    .map((kind) =>
      inngest.createFunction(
        {
          id: `${connector.id}-book-${kebabKind(kind)}s`,
          triggers: [{ event: documentPhaseChanged[kind].name, if: `event.data.connector == '${connector.id}'` }],
          // one booking at a time per document: a second delivery waits and then finds the link
          concurrency: [{ key: "event.data.installationId + '-' + event.data.hostId", limit: 1 }],
          retries: 6,
        },
        async ({ event, step }) => {
          const { installationId, hostId } = event.data as { installationId: string; hostId: string };
          const waited = (event.data as { waited?: number }).waited ?? 0;
          const entry = await step.run(`book-${kebabKind(kind)}`, () =>
            withContext(installationId, async (ctx) => {
              try {
                const e = await bookDocument(ctx, kind, hostId, { rethrowTransient: true });
                return { outcome: e.outcome, remoteId: e.remoteId ?? null, message: e.message ?? null };
              } catch (err) {
                // another job holds a record this booking needs (the document, its customer or a product being
                // sent), or a page is writing its customer: that is no failure, so it waits without spending a
                // retry (a run that spent them all waiting would leave the document unbooked and nothing in the
                // log); when it has waited long enough, the log says so and offers a Retry
                if (!(err instanceof RecordBusyError || err instanceof PendingWritesError)) throw err;
                if (waited < MAX_WAITS) return { outcome: "waiting" as const, remoteId: null, message: null };
                const e = await logGaveUpWaiting(ctx, kind, hostId, err);
                return { outcome: e.outcome, remoteId: null, message: e.message ?? null };
              }
            }),
          );
          if ("outcome" in entry && entry.outcome === "waiting") {
            await step.sendEvent("wait-for-record", {
              name: documentPhaseChanged[kind].name,
              data: { ...event.data, waited: waited + 1 },
              ts: Date.now() + waitDelayMs(waited),
            });
            return entry;
          }
          // a missing mapping stops this one document; the user fixes it and retries from the log
          if ("outcome" in entry && entry.outcome === "failed") throw new NonRetriableError(entry.message ?? "booking refused");
          return entry;
        },
      ),
    );
}
