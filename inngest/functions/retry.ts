import { inngest } from "@/inngest/client";
import { recordRetry } from "@/inngest/events";
import { retryRecord } from "@/lib/sync/retry";
import { withContext, type AnyConnector } from "./shared";

/** The Retry button of the sync log. */
export function retryFunction(connector: AnyConnector) {
  return inngest.createFunction(
    {
      id: `${connector.id}-retry-record`,
      triggers: [{ event: recordRetry.name, if: `event.data.connector == '${connector.id}'` }],
      concurrency: [{ key: "event.data.installationId", limit: 1 }],
      retries: 3,
    },
    async ({ event, step }) => {
      if (event.data.connector !== connector.id) return { skipped: "other connector" };
      return step.run("retry-record", () =>
        withContext(event.data.installationId, async (ctx) => {
          const entry = await retryRecord(ctx, event.data.syncEventId);
          return { outcome: entry?.outcome ?? "skipped" };
        }),
      );
    },
  );
}
