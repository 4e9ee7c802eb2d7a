import { eq } from "drizzle-orm";
import { inngest } from "@/inngest/client";
import { pullRequested } from "@/inngest/events";
import { getDb, schema } from "@/lib/db";
import { pullPayments } from "@/lib/sync/payments";
import { pullChanges } from "@/lib/sync/pull";
import { withContext, type AnyConnector } from "./shared";

async function activeInstallations(connectorId: string): Promise<string[]> {
  const rows = await (await getDb())
    .select({ id: schema.installations.id, status: schema.installations.status })
    .from(schema.installations)
    .where(eq(schema.installations.connector, connectorId));
  return rows.filter((r) => r.status === "active").map((r) => r.id);
}

/** Package → CRM on the connector's schedule, one step per installation. */
export function pullFunctions(connector: AnyConnector) {
  const fns = [];
  for (const entity of ["relation", "product"] as const) {
    const pull = connector.entities[entity]?.pull;
    if (!pull) continue;
    fns.push(
      inngest.createFunction(
        { id: `${connector.id}-pull-${entity}s`, triggers: [{ cron: pull.cron }], concurrency: [{ limit: 1 }], retries: 3 },
        async ({ step }) => {
          const installations = await step.run("list-installations", () => activeInstallations(connector.id));
          const results = [];
          for (const id of installations) {
            results.push(
              await step.run(`pull-${entity}s-${id}`, () =>
                withContext(id, async (ctx) => {
                  const r = await pullChanges(ctx, entity);
                  return { installationId: id, pages: r.pages, changed: r.entries.filter((e) => e.outcome !== "unchanged").length };
                }, false),
              ),
            );
          }
          return results;
        },
      ),
    );
  }
  const payments = connector.entities.payment?.pull;
  if (payments) {
    fns.push(
      inngest.createFunction(
        { id: `${connector.id}-pull-payments`, triggers: [{ cron: payments.cron }], concurrency: [{ limit: 1 }], retries: 3 },
        async ({ step }) => {
          const installations = await step.run("list-installations", () => activeInstallations(connector.id));
          const results = [];
          for (const id of installations) {
            results.push(
              await step.run(`pull-payments-${id}`, () =>
                withContext(id, async (ctx) => ({ installationId: id, paid: (await pullPayments(ctx)).entries.length }), false),
              ),
            );
          }
          return results;
        },
      ),
    );
  }
  fns.push(
    inngest.createFunction(
      {
        id: `${connector.id}-pull-now`,
        triggers: [{ event: pullRequested.name, if: `event.data.connector == '${connector.id}'` }],
        concurrency: [{ key: "event.data.installationId", limit: 1 }],
        retries: 3,
      },
      async ({ event, step }) => {
        if (event.data.connector !== connector.id) return { skipped: "other connector" };
        const id = event.data.installationId;
        const results: Record<string, unknown> = {};
        for (const entity of ["relation", "product"] as const) {
          if (!connector.entities[entity]?.pull) continue;
          results[entity] = await step.run(`pull-${entity}s`, () =>
            withContext(id, async (ctx) => ({ pages: (await pullChanges(ctx, entity)).pages }), false),
          );
        }
        if (connector.entities.payment) {
          results.payment = await step.run("pull-payments", () => withContext(id, async (ctx) => ({ paid: (await pullPayments(ctx)).entries.length }), false));
        }
        return results;
      },
    ),
  );
  return fns;
}
