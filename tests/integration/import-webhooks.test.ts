/**
 * The initial import while the CRM delivers its webhooks, as in production: every webhook the
 * import's own writes cause is sorted and pushed by the app's functions while the import pages
 * run, none dropped. Nothing may come back to SnelStart as new, nothing may be created twice on
 * either side, and each CRM relation is linked to its own relatie and keeps its number.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { functions } from "@/inngest/functions";
import { inngest } from "@/inngest/client";
import { startInProcessRunner, type Runner } from "@/inngest/runner";
import { hostAdapterForTenant } from "@/lib/host";
import { schema } from "@/lib/db";
import { normalizeName, normalizePostcode } from "@/lib/sync/matching";
import { installSnelStart, links, runImport, SANDBOX_TENANT, snelstart, startWorld, type World } from "../helpers/world";

/** What the app runs for the CRM's webhooks; the import's own pages run where the test drives them, not twice. */
const webhookFunctions = functions.filter((f) => /sort-host-changes|push-relations|push-products|book-/.test(f.id()));

type Relatie = { id: string; naam: string; relatiecode: number; relatiesoort: string[]; nonactief?: boolean; vestigingsAdres?: { postcode?: string } };
const key = (name: string | null | undefined, postcode: string | null | undefined) => `${normalizeName(name)}|${normalizePostcode(postcode)}`;

let world: World;
let runner: Runner | null = null;
const log: string[] = [];

beforeAll(async () => {
  world = await startWorld();
}, 120_000);
afterEach(() => {
  runner?.stop();
  runner = null;
  world.forward(null);
});
afterAll(() => world?.close());

async function crmRelations() {
  const host = hostAdapterForTenant(SANDBOX_TENANT);
  const out: Array<{ id: string; name: string; postcode: string | null; debtorNumber: string | null }> = [];
  for (let cursor: string | null = null, i = 0; i < 1000; i++) {
    const page = await host.relations.page(cursor);
    for (const r of page.items) out.push({ id: r.id, name: r.data.name, postcode: r.data.addresses[0]?.postcode ?? null, debtorNumber: r.data.debtorNumber });
    if (!page.next) break;
    cursor = page.next;
  }
  return out;
}

/** Imports `relaties` generated relaties with every webhook handled meanwhile; answers what happened. */
async function importUnderWebhooks(relaties: number, seed: number, opts: { inCrm?: "half" } = {}) {
  // a fresh start on both sides: the CRM's seed, and no installation yet
  await world.db.delete(schema.installations);
  await world.db.delete(schema.hostWebhooks);
  await world.host.reset();
  // Tribe's 1,000 calls a minute would make the import wait a minute: not what this test is about
  await fetch(`${world.host.url}/__admin/config`, { method: "POST", body: JSON.stringify({ webhookBackoffMs: 50, rateLimitPerMinute: 1_000_000 }) });
  world.snelstart.reset();
  const sim = snelstart(world);
  await fetch(`${world.snelstart.url}/__admin/generate`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ administratie: "boekhouding@korenschoof.test", relaties, seed }),
  });
  const before = (await sim.state()).relaties as Relatie[];
  if (opts.inCrm === "half") {
    // every second generated relatie is already in the CRM: same number, name and address, an older e-mail address
    await fetch(`${world.host.url}/__admin/seed`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        tenant: SANDBOX_TENANT,
        Relation_Organization: before
          .filter((r, i) => r.relatiecode > 2004 && i % 2 === 0 && !r.nonactief)
          .map((r) => ({
            Name: r.naam,
            EmailAddress: `oud.${r.relatiecode}@voorbeeld.nl`,
            Relationships: [r.relatiesoort.includes("Klant") ? { _Type: "Relationship.Organization.CommercialRelationship.Customer", DebtorNumber: String(r.relatiecode) } : { _Type: "Relationship.Organization.Supplier", CreditorNumber: String(r.relatiecode) }],
            VisitingAddress: { Street: (r as { vestigingsAdres?: { straat?: string } }).vestigingsAdres?.straat ?? null, Postalcode: r.vestigingsAdres?.postcode ?? null, City: (r as { vestigingsAdres?: { plaats?: string } }).vestigingsAdres?.plaats ?? null },
          })),
      }),
    }).then(async (res) => expect(res.status, await res.text()).toBe(200));
  }
  const installationId = await installSnelStart(world, { status: "importing" });

  runner = startInProcessRunner(webhookFunctions, { crons: false, backoffMs: 100, log: (m) => void log.push(m) });
  world.forward((events) => inngest.send(events));
  const t0 = Date.now();
  const imported = await runImport(installationId, { maxPages: 200 });
  const importMs = Date.now() - t0;
  expect(imported.done, JSON.stringify(imported.error ?? imported.outputs.at(-1)?.result)).toBe(true);
  await world.host.waitForWebhooks(60_000);
  await runner.idle();
  const runs = runner.runs;
  const settledMs = Date.now() - t0;
  const sorts = runs.filter((x) => x.functionId.endsWith("sort-host-changes")).map((x) => x.result as Record<string, number>);
  const sum = (k: string) => sorts.reduce((n, x) => n + Number(x?.[k] ?? 0), 0);
  const echoesOnArrival = world.receipts.splice(0).filter((b) => b.echo).length;
  console.log(`[import-webhooks] ${relaties} relaties: ${world.host.state.webhooks.deliveries.length} webhooks, echoes on arrival ${echoesOnArrival}, ${sorts.length} sortings, echoes ${sum("echoes")}, waited ${sum("later")}, pushed ${sum("relations")}; import ${importMs} ms, all webhooks handled ${settledMs} ms`);

  const after = (await sim.state()).relaties as Relatie[];
  return { installationId, before, after, runs, echoes: echoesOnArrival + sum("echoes"), crm: await crmRelations(), links: await links(world, installationId, "relation") };
}

function expectNothingDoubled(r: Awaited<ReturnType<typeof importUnderWebhooks>>) {
  const pushes = r.runs.filter((x) => x.functionId.endsWith("push-relations"));
  expect(r.runs.filter((x) => x.status === "failed").map((x) => `${x.functionId}: ${x.error}`), "webhook runs that failed").toEqual([]);
  expect(
    pushes.filter((x) => (x.result as { outcome?: string } | undefined)?.outcome === "created").map((x) => (x.result as { hostId: string }).hostId),
    "records the import wrote pushed back to SnelStart as new",
  ).toEqual([]);
  expect(r.after.length, "SnelStart got no relatie from the webhooks").toBe(r.before.length);
  expect(pushes.map((x) => x.result), "every webhook of the import's own writes is an echo: none is pushed, none read from the CRM").toEqual([]);

  const active = r.before.filter((x) => !x.nonactief);
  const inCrm = new Map<string, number>();
  for (const c of r.crm) inCrm.set(key(c.name, c.postcode), (inCrm.get(key(c.name, c.postcode)) ?? 0) + 1);
  const notOnce = active.filter((x) => inCrm.get(key(x.naam, x.vestigingsAdres?.postcode)) !== 1).map((x) => `${x.relatiecode} ${x.naam}: ${inCrm.get(key(x.naam, x.vestigingsAdres?.postcode)) ?? 0} in the CRM`);
  expect(notOnce, "relaties not in the CRM exactly once").toEqual([]);

  const byRemote = new Map(r.links.map((l) => [l.remoteId, l]));
  const crmById = new Map(r.crm.map((c) => [c.id, c]));
  const wrong = active
    .map((x) => ({ x, c: crmById.get(byRemote.get(x.id)?.hostId ?? "") }))
    .filter(({ x, c }) => !c || key(c.name, c.postcode) !== key(x.naam, x.vestigingsAdres?.postcode) || (x.relatiesoort.includes("Klant") && c.debtorNumber !== String(x.relatiecode)))
    .map(({ x, c }) => `${x.relatiecode} ${x.naam} ↔ ${c ? `${c.name} (${c.debtorNumber})` : "no link"}`);
  expect(wrong, "relaties not linked to their own CRM relation, or whose number moved").toEqual([]);
}

describe("the initial import while the CRM delivers its webhooks", () => {
  it("one page: nothing is pushed back as new, nothing doubled, every link its own", async () => {
    const r = await importUnderWebhooks(40, 7);
    expectNothingDoubled(r);
    // the webhooks were echoes (most known on arrival, the rest when sorted), and cost no push
    expect(r.echoes).toBeGreaterThan(40);
  }, 120_000);

  it("half of them already in the CRM: linked and updated, nothing pushed back, no number moved to a copy", async () => {
    const r = await importUnderWebhooks(600, 9, { inCrm: "half" });
    expectNothingDoubled(r);
  }, 300_000);

  it("several pages: nothing is pushed back as new, nothing doubled, every link its own", async () => {
    expectNothingDoubled(await importUnderWebhooks(1300, 8));
  }, 300_000);
});
