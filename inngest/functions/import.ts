import { inngest } from "@/inngest/client";
import { importPage as importPageEvent, installationActivated } from "@/inngest/events";
import { getDb } from "@/lib/db";
import { beginImport, completeImport, importEntities, importPage, markResumed, stalledImports, type ImportEntity } from "@/lib/sync/import";
import { cancelOnDeactivation, withContext, type AnyConnector } from "./shared";

/**
 * Activation starts the import; each page is its own run, so a crash resumes at the last page.
 * An import that stops making progress (its process died, an event was lost) is picked up again
 * by a watchdog, without the user doing anything.
 */
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
      const { installationId, entity, position } = event.data as { installationId: string; entity: ImportEntity; position?: string };
      const result = await step.run("import-page", () =>
        withContext(installationId, async (ctx) => {
          const r = await importPage(ctx, entity, position);
          const order = importEntities(ctx);
          return { ...r, nextEntity: r.done ? (order[order.indexOf(entity) + 1] ?? null) : entity };
        }),
      );
      if ("skipped" in result) return result;
      // a run of the same page that was only slow got there first: this one ends here
      if (result.superseded) return { superseded: true };
      if (result.nextEntity) {
        const next = result.nextEntity === entity ? { position: result.position } : {};
        await step.sendEvent("import-next-page", {
          name: importPageEvent.name,
          data: { installationId, connector: connector.id, runId: event.data.runId, entity: result.nextEntity, ...next },
        });
        return { processed: result.processed, next: result.nextEntity };
      }
      await step.run("complete-import", () => withContext(installationId, (ctx) => completeImport(ctx)));
      return { processed: result.processed, done: true };
    },
  );

  const resume = inngest.createFunction(
    { id: `${connector.id}-resume-stalled-imports`, triggers: [{ cron: "* * * * *" }], concurrency: [{ limit: 1 }], retries: 1 },
    async ({ step }) => {
      const stalled = await step.run("find-stalled-imports", async () => {
        const db = await getDb();
        const found = await stalledImports(db, connector);
        for (const s of found) if (s.runId) await markResumed(db, s.runId);
        return found;
      });
      if (stalled.length === 0) return { resumed: 0 };
      await step.sendEvent(
        "resume-imports",
        stalled.map((s) =>
          s.entity
            ? { name: importPageEvent.name, data: { installationId: s.installationId, connector: connector.id, runId: s.runId ?? "", entity: s.entity, position: s.position ?? undefined } }
            : { name: installationActivated.name, data: { installationId: s.installationId, connector: connector.id } },
        ),
      );
      return { resumed: stalled.length };
    },
  );
  return [start, page, resume];
}
