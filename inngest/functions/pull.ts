import { and, eq } from "drizzle-orm";
import { inngest } from "@/inngest/client";
import { pullDue, pullRequested } from "@/inngest/events";
import { getDb, schema } from "@/lib/db";
import { pullPayments } from "@/lib/sync/payments";
import { recordEntities } from "@/lib/sync/entities";
import { pullChanges } from "@/lib/sync/pull";
import type { SyncContext } from "@/lib/sync/context";
import { withContext, type AnyConnector } from "./shared";

async function activeInstallations(connectorId: string): Promise<string[]> {
  const rows = await (await getDb())
    .select({ id: schema.installations.id })
    .from(schema.installations)
    .where(and(eq(schema.installations.connector, connectorId), eq(schema.installations.status, "active")));
  return rows.map((r) => r.id);
}

type Pull = { name: string; cron: string; run: (ctx: SyncContext) => Promise<Record<string, number>> };

/** What this connector pulls, on which schedule, and what a step reports of it. */
function pullsOf(connector: AnyConnector): Pull[] {
  const pulls: Pull[] = [];
  for (const entity of recordEntities) {
    const schedule = connector.entities[entity]?.pull;
    if (!schedule) continue;
    pulls.push({
      name: `${entity}s`,
      cron: schedule.cron,
      run: async (ctx) => {
        const r = await pullChanges(ctx, entity);
        return { pages: r.pages, changed: r.entries.filter((e) => e.outcome !== "unchanged").length };
      },
    });
  }
  const payments = connector.entities.payment?.pull;
  if (payments) pulls.push({ name: "payments", cron: payments.cron, run: async (ctx) => {
        const { entries } = await pullPayments(ctx);
        return { paid: entries.filter((e) => e.outcome === "updated").length, partlyPaid: entries.filter((e) => e.message === "sync.payments.partial").length };
      },
    });
  return pulls;
}

/**
 * Package → CRM on the connector's schedule: the schedule sends one event per installation, and
 * each installation's pull is a run of its own (one slow or failing administration holds up no
 * other, and each retries alone); and "sync now".
 */
export function pullFunctions(connector: AnyConnector) {
  const pulls = pullsOf(connector);
  const schedules = pulls.map((pull) =>
    inngest.createFunction(
      { id: `${connector.id}-schedule-pull-${pull.name}`, triggers: [{ cron: pull.cron }], concurrency: [{ limit: 1 }], retries: 3 },
      async ({ step }) => {
        const installations = await step.run("list-installations", () => activeInstallations(connector.id));
        const due = installations.map((installationId) => ({ name: pullDue.name, data: { installationId, connector: connector.id, pull: pull.name } }));
        if (due.length) await step.sendEvent("send-pulls", due);
        return { installations: installations.length };
      },
    ),
  );
  const perInstallation = pulls.map((pull) =>
    inngest.createFunction(
      {
        id: `${connector.id}-pull-${pull.name}`,
        triggers: [{ event: pullDue.name, if: `event.data.connector == '${connector.id}' && event.data.pull == '${pull.name}'` }],
        concurrency: [{ key: "event.data.installationId", limit: 1 }],
        retries: 3,
      },
      async ({ event, step }) => {
        const { installationId } = event.data;
        if (event.data.connector !== connector.id || event.data.pull !== pull.name) return { skipped: "other pull" };
        return step.run(`pull-${pull.name}`, () => withContext(installationId, async (ctx) => ({ installationId, ...(await pull.run(ctx)) }), false));
      },
    ),
  );
  const now = inngest.createFunction(
    {
      id: `${connector.id}-pull-now`,
      triggers: [{ event: pullRequested.name, if: `event.data.connector == '${connector.id}'` }],
      concurrency: [{ key: "event.data.installationId", limit: 1 }],
      retries: 3,
    },
    async ({ event, step }) => {
      if (event.data.connector !== connector.id) return { skipped: "other connector" };
      const results: Record<string, unknown> = {};
      for (const pull of pulls) {
        results[pull.name] = await step.run(`pull-${pull.name}`, () => withContext(event.data.installationId, pull.run, false));
      }
      return results;
    },
  );
  return [...schedules, ...perInstallation, now];
}
