/**
 * The declared rate limits as request budgets (lib/sync/budget): the SnelStart client takes from
 * its administration's budget, the CRM client from its tenant's, counted in the database every
 * process shares; with budgets on, calls go out one spacing (period / limit) apart.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetConfigForTests } from "@/lib/config";
import { schema } from "@/lib/db";
import { getConnector } from "@/lib/connectors";
import { KORENSCHOOF, installSnelStart, startWorld, type World } from "../helpers/world";

let world: World;

beforeAll(async () => {
  world = await startWorld();
  // tests run without budgets (lib/config REQUEST_BUDGET_SCALE): this one turns them on as declared
  process.env.REQUEST_BUDGET_SCALE = "1";
  resetConfigForTests();
}, 120_000);
afterAll(async () => {
  delete process.env.REQUEST_BUDGET_SCALE;
  resetConfigForTests();
  await world?.close();
});

describe("request budgets as the connectors and the host declare them", () => {
  it("pace SnelStart's calls per administration and the CRM's per tenant, in the shared database", async () => {
    await installSnelStart(world, { webhooks: false });
    const connector = getConnector("snelstart")!;
    const form = connector.credentials.schema.parse({ ...KORENSCHOOF });
    // 600 a minute: one call every 100 ms, wherever the calls come from
    const started = Date.now();
    await Promise.all(Array.from({ length: 6 }, () => connector.connect(form)));
    expect(Date.now() - started).toBeGreaterThanOrEqual(450);

    const keys = (await world.db.select({ key: schema.requestBudgets.key }).from(schema.requestBudgets)).map((r) => r.key).sort();
    expect(keys).toEqual([expect.stringMatching(/^budget:host:account:[\w-]{32}$/), expect.stringMatching(/^budget:snelstart:account:[\w-]{32}$/)]);
    expect(keys.join(" ")).not.toContain(KORENSCHOOF.username);
  });
});
