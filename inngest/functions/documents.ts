import { NonRetriableError } from "inngest";
import { inngest } from "@/inngest/client";
import { invoicePhaseChanged, salesOrderPhaseChanged } from "@/inngest/events";
import { bookDocument, type DocumentKind } from "@/lib/sync/documents";
import { throttleFor, withContext, type AnyConnector } from "./shared";

const triggers = { invoice: invoicePhaseChanged, salesOrder: salesOrderPhaseChanged } as const;
const ids = { invoice: "book-invoices", salesOrder: "book-sales-orders" } as const;

/** An invoice set to Sent (a sales order to Linked) is booked once, with its document. */
export function documentFunctions(connector: AnyConnector) {
  return (Object.keys(triggers) as DocumentKind[])
    .filter((kind) => connector.entities[kind])
    .map((kind) =>
      inngest.createFunction(
        {
          id: `${connector.id}-${ids[kind]}`,
          triggers: [{ event: triggers[kind].name, if: `event.data.connector == '${connector.id}'` }],
          // one booking at a time per document: a second delivery waits and then finds the link
          concurrency: [{ key: "event.data.installationId + '-' + event.data.hostId", limit: 1 }],
          throttle: throttleFor(connector),
          retries: 6,
        },
        async ({ event, step }) => {
          const { installationId, hostId } = event.data as { installationId: string; hostId: string };
          const entry = await step.run(`book-${kind === "invoice" ? "invoice" : "sales-order"}`, () =>
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
