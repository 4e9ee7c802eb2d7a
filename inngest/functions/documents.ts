import { NonRetriableError } from "inngest";
import { inngest } from "@/inngest/client";
import { documentPhaseChanged } from "@/inngest/events";
import { documentKinds, kebabKind } from "@/lib/model";
import { bookDocument } from "@/lib/sync/documents";
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
          const entry = await step.run(`book-${kebabKind(kind)}`, () =>
            withContext(installationId, async (ctx) => {
              const e = await bookDocument(ctx, kind, hostId, { rethrowTransient: true });
              return { outcome: e.outcome, remoteId: e.remoteId ?? null, message: e.message ?? null };
            }),
          );
          // a missing mapping stops this one document; the user fixes it and retries from the log
          if ("outcome" in entry && entry.outcome === "failed") throw new NonRetriableError(entry.message ?? "booking refused");
          return entry;
        },
      ),
    );
}
