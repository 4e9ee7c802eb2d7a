import { eq } from "drizzle-orm";
import { inngest } from "@/inngest/client";
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
  return fns;
}
