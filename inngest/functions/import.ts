import { inngest } from "@/inngest/client";
import { importPage as importPageEvent, installationActivated } from "@/inngest/events";
import { beginImport, completeImport, importEntities, importPage } from "@/lib/sync/import";
import { cancelOnDeactivation, withContext, type AnyConnector } from "./shared";

/** Activation starts the import; each page is its own run, so a crash resumes at the last page. */
export function importFunctions(connector: AnyConnector) {
  const start = inngest.createFunction(
    {
      id: `${connector.id}-start-import`,
      triggers: [{ event: installationActivated.name, if: `event.data.connector == '${connector.id}'` }],
      concurrency: [{ key: "event.data.installationId", limit: 1 }],
      cancelOn: cancelOnDeactivation,
      retries: 5,
    },
    async ({ event, step }) => {
      if (event.data.connector !== connector.id) return { skipped: "other connector" };
      const runs = await step.run("begin-import", () => withContext(event.data.installationId, (ctx) => beginImport(ctx)));
      if (!Array.isArray(runs) || runs.length === 0) return runs;
      await step.sendEvent("import-first-entity", {
        name: importPageEvent.name,
        data: { installationId: event.data.installationId, connector: connector.id, runId: runs[0].runId, entity: runs[0].entity },
      });
      return { entities: runs.map((r) => r.entity) };
    },
  );

  const page = inngest.createFunction(
    {
      id: `${connector.id}-import-page`,
      triggers: [{ event: importPageEvent.name, if: `event.data.connector == '${connector.id}'` }],
      concurrency: [{ key: "event.data.installationId", limit: 1 }],
      cancelOn: cancelOnDeactivation,
      retries: 8,
    },
    async ({ event, step }) => {
      if (event.data.connector !== connector.id) return { skipped: "other connector" };
      const { installationId, entity } = event.data as { installationId: string; entity: "relation" | "product" };
      const result = await step.run("import-page", () =>
        withContext(installationId, async (ctx) => {
          const r = await importPage(ctx, entity);
          const order = importEntities(ctx);
          return { ...r, nextEntity: r.done ? (order[order.indexOf(entity) + 1] ?? null) : entity };
        }),
      );
      if ("skipped" in result) return result;
      if (result.nextEntity) {
        await step.sendEvent("import-next-page", {
          name: importPageEvent.name,
          data: { ...event.data, entity: result.nextEntity },
        });
        return { processed: result.processed, next: result.nextEntity };
      }
      await step.run("complete-import", () => withContext(installationId, (ctx) => completeImport(ctx)));
      return { processed: result.processed, done: true };
    },
  );
  return [start, page];
}
