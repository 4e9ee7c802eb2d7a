/**
 * Deactivation and activating again (seed 002 "Deactiveren en beheren van gegevens"): the
 * credentials are forgotten, running work is cancelled, nothing is deleted on either side,
 * nothing syncs for the installation any more; activating again links to what exists.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { schema } from "@/lib/db";
import { getConnector } from "@/lib/connectors";
import { connectInstallation, deactivateInstallation } from "@/lib/installations";
import {
  CRM,
  KORENSCHOOF,
  SANDBOX_TENANT,
  crm,
  recordEvent,
  installSnelStart,
  links,
  runFunction,
  runScheduledPull,
  runImport,
  snelstart,
  startWorld,
  type Crm,
  type World,
} from "../helpers/world";

let world: World;
let api: Crm;
let sim: ReturnType<typeof snelstart>;
let installationId: string;

const CUSTOMER = "Relationship.Organization.CommercialRelationship.Customer";

beforeAll(async () => {
  world = await startWorld();
  api = crm(world);
  sim = snelstart(world);
  installationId = await installSnelStart(world);
}, 120_000);
afterAll(() => world?.close());

const v2 = (stats: { byRoute: Record<string, number> }, pred: (r: string) => boolean = () => true) =>
  Object.entries(stats.byRoute)
    .filter(([r]) => r.includes(" /v2/") && pred(r))
    .reduce((n, [, c]) => n + c, 0);

async function snapshot() {
  const state = await sim.state();
  return {
    orgs: await api.count("Relation_Organization"),
    persons: await api.count("Relation_Person"),
    products: await api.count("Product"),
    relaties: state.relaties.length as number,
    artikelen: state.artikelen.length as number,
    links: (await world.db.select().from(schema.syncLinks).where(eq(schema.syncLinks.installationId, installationId))).length,
  };
}

describe("lifecycle", () => {
  let imported: Awaited<ReturnType<typeof snapshot>>;
  let relationLinks: Awaited<ReturnType<typeof links>>;

  it("imports, and the CRM's webhooks about the imported records are dropped as echoes", async () => {
    const r = await runImport(installationId);
    expect(r.done).toBe(true);
    imported = await snapshot();
    relationLinks = await links(world, installationId, "relation");
    expect(relationLinks.length).toBe(7); // the 7 active relaties of the seed

    await sim.resetStats();
    await fetch(`${world.host.url}/__admin/stats/reset`, { method: "POST" });
    const events = await world.takeEvents();
    const webhooks = world.host.state.webhooks.deliveries.length;
    // every webhook about what the import wrote is an echo: none becomes a push, none costs a CRM call
    const echoes = world.echoes();
    expect(echoes).toBeGreaterThan(0);
    expect(events, "no record goes back to SnelStart").toEqual([]);
    expect(((await (await fetch(`${world.host.url}/__admin/stats`)).json()) as { total: number }).total).toBe(0);
    expect(v2(await sim.stats())).toBe(0);
    expect(echoes + world.sorted.reduce((n, s) => n + Number(s.ignored ?? 0), 0), `all ${webhooks} webhooks accounted for`).toBeGreaterThanOrEqual(webhooks);
    expect(await snapshot()).toEqual(imported);
  });

  it("deactivation deletes the credentials, cancels running runs, deletes no data, and stops every sync", async () => {
    // an import run is under way when the user deactivates
    const started = await runFunction("snelstart-start-import", { name: "ledgerlink/installation.activated", data: { installationId, connector: "snelstart" } });
    expect(started.error).toBeUndefined();
    const running = await world.db
      .select()
      .from(schema.syncRuns)
      .where(and(eq(schema.syncRuns.installationId, installationId), eq(schema.syncRuns.status, "running")));
    expect(running.length).toBeGreaterThan(0);

    const sent: Array<{ name: string; data: Record<string, unknown> }> = [];
    const ok = await deactivateInstallation(world.db, { tenantId: SANDBOX_TENANT, connectorId: "snelstart", send: async (e) => void sent.push(...e) });
    expect(ok).toBe(true);
    expect(sent).toEqual([{ name: "ledgerlink/installation.deactivated", data: { installationId, connector: "snelstart" } }]);

    const [inst] = await world.db.select().from(schema.installations).where(eq(schema.installations.id, installationId));
    expect(inst.status).toBe("inactive");
    expect(await world.db.select().from(schema.credentials).where(eq(schema.credentials.installationId, installationId))).toEqual([]);
    for (const run of running) {
      const [after] = await world.db.select().from(schema.syncRuns).where(eq(schema.syncRuns.id, run.id));
      expect(after.status).toBe("cancelled");
    }
    expect(await snapshot()).toEqual(imported);
    // the CRM no longer sends webhooks for this tenant
    expect((await api.call("GET", "../webhooks")).json).toEqual([]);
    expect(await world.db.select().from(schema.hostWebhooks)).toEqual([]);

    // nothing syncs any more
    await sim.resetStats();
    const org = await api.post("Relation_Organization", { Name: "Nieuwe Klant Na Deactivatie", Relationships: [{ _Type: CUSTOMER }] });
    const sorts = world.sorted.length;
    expect(await world.takeEvents()).toEqual([]);
    expect(world.sorted.length, "no webhook came").toBe(sorts);
    const push = await runFunction("snelstart-push-relations", recordEvent("ledgerlink/relation.changed", installationId, org.ID));
    expect(push.result).toEqual({ skipped: "inactive" });
    const book = await runFunction("snelstart-book-invoices", recordEvent("ledgerlink/invoice.phase-changed", installationId, CRM.invoice.sent0001));
    expect(book.result).toEqual({ skipped: "inactive" });
    for (const pull of ["relations", "products", "payments"] as const) {
      // the schedule sends no pull for a deactivated installation, and a pull already on its way does nothing
      expect(await runScheduledPull(pull)).toEqual([]);
      const late = await runFunction(`snelstart-pull-${pull}`, { name: "ledgerlink/pull.due", data: { installationId, connector: "snelstart", pull } });
      expect(late.result).toEqual({ skipped: "inactive" });
    }
    const page = await runFunction("snelstart-import-page", { name: "ledgerlink/import.page", data: { installationId, connector: "snelstart", entity: "relation", runId: "" } });
    expect(page.result).toEqual({ skipped: "inactive" });
    expect(v2(await sim.stats())).toBe(0);
    expect(((await sim.state()).relaties as Array<{ naam: string }>).some((r) => r.naam === "Nieuwe Klant Na Deactivatie")).toBe(false);
    expect(await api.get(`Relation_Organization(${org.ID})`)).toBeDefined();
  });

  it("activating again imports by linking to the existing records, never duplicating them", async () => {
    const before = await snapshot();
    const sent: Array<{ name: string; data: Record<string, unknown> }> = [];
    const outcome = await connectInstallation(world.db, {
      tenantId: SANDBOX_TENANT,
      connector: getConnector("snelstart")!,
      input: { ...KORENSCHOOF },
      send: async (e) => void sent.push(...e),
    });
    expect(outcome).toEqual({ ok: true, status: "importing" });
    expect(sent.map((e) => e.name)).toEqual(["ledgerlink/installation.activated"]);
    expect(sent[0].data).toEqual({ installationId, connector: "snelstart" });

    await sim.resetStats();
    const r = await runImport(installationId);
    expect(r.done).toBe(true);
    const [inst] = await world.db.select().from(schema.installations).where(eq(schema.installations.id, installationId));
    expect(inst.status).toBe("active");
    expect(await snapshot()).toEqual(before);
    const again = await links(world, installationId, "relation");
    expect(again.map((l) => [l.remoteId, l.hostId]).sort()).toEqual(relationLinks.map((l) => [l.remoteId, l.hostId]).sort());
    expect(v2(await sim.stats(), (r) => !r.startsWith("GET "))).toBe(0);

    const runs = await world.db.select().from(schema.syncRuns).where(and(eq(schema.syncRuns.installationId, installationId), eq(schema.syncRuns.kind, "import")));
    const last = runs.filter((x) => x.entity === "relation").sort((a, b) => +b.startedAt - +a.startedAt)[0];
    expect(last.status).toBe("succeeded");
    expect(last.counts.created).toBe(0);
  });
});
