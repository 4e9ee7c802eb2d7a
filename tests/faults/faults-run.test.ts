/**
 * Issue 4, item 2: 2,000 relations and 500 invoices through the SnelStart simulator while it
 * answers 20 % 5xx, 10 % 429 with Retry-After and 5 % timeouts after it has already written; the
 * import worker (a child process) is killed once in the middle of the import and started again.
 * Afterwards: every relation exists exactly once on each side and is linked; every invoice is
 * booked exactly once, with its document; every failure is in the sync log; nothing is lost.
 *
 * The worker shares the database with this process, so this needs a PostgreSQL server
 * (DATABASE_URL); PGlite cannot be opened by two processes.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { normalizeName, normalizePostcode } from "@/lib/sync/matching";
import { installSnelStart } from "../helpers/world";
import {
  bookThroughFaults,
  crmRelations,
  expectFailuresLogged,
  getJson,
  importThroughKilledWorker,
  KORENSCHOOF_ID,
  linksOf,
  postJson,
  sendCrmInvoices,
  startFaultWorld,
  TENANT_A,
  vendorFaultStats,
  type CrmInvoice,
  type FaultWorld,
  type WorkerLine,
} from "./harness";

const HAS_PG = Boolean(process.env.DATABASE_URL);
const RELATIES = 2000;
const INVOICES = 500;
const CRM_ONLY = 50; // invoices whose customer exists only in the CRM: booking must create it in SnelStart first
const FAULTS = { errorRate: 0.2, tooManyRequestsRate: 0.1, retryAfterSeconds: 1, timeoutAfterWriteRate: 0.05, timeoutMode: "destroy", seed: 20_240_404 };
// links are saved a page at a time: worker 1 dies once the second page of 500 has saved its links (about 1,000)
const KILL_AT_LINKS = Number(process.env.FAULTS_KILL_AT ?? 700);

type Relatie = { id: string; naam?: string; relatiecode?: number; relatiesoort?: string[]; nonactief?: boolean; vestigingsAdres?: { postcode?: string } };
type Boeking = { id: string; factuurnummer: string; klant?: { id: string } };
type Doc = { id: string; parentIdentifier: string; fileName: string };

const figures: Record<string, unknown> = {};
const key = (name: string | null | undefined, postcode: string | null | undefined) => `${normalizeName(name)}|${normalizePostcode(postcode)}`;

let world: FaultWorld;
let installationId: string;

async function simState() {
  return getJson(`${world.snelstart.url}/__admin/state?administratie=${KORENSCHOOF_ID}`) as Promise<{ relaties: Relatie[]; verkoopboekingen: Boeking[]; documenten: Doc[] }>;
}

describe.skipIf(!HAS_PG)(`faults run: ${RELATIES} relations and ${INVOICES} invoices through a failing SnelStart, worker killed once`, () => {
  let startRelaties: Relatie[] = [];
  let invoiceIds: CrmInvoice[] = [];
  const runnerLog: string[] = [];
  let workerLines: WorkerLine[] = [];

  beforeAll(async () => {
    world = await startFaultWorld({ driver: "pg", hostConfig: { rateLimitPerMinute: 1_000_000 } });
    const gen = await postJson(`${world.snelstart.url}/__admin/generate`, { administratie: KORENSCHOOF_ID, relaties: RELATIES, seed: 42 });
    figures.generated = gen;
    startRelaties = (await simState()).relaties;
    installationId = await installSnelStart(world, { status: "importing" });
  }, 120_000);

  afterAll(async () => {
    // eslint-disable-next-line no-console
    console.log(`[faults] figures ${JSON.stringify(figures, null, 1)}`);
    await world?.close();
  });

  it("imports every relation exactly once although the worker is killed mid-import, SnelStart keeps failing and every webhook the CRM sends meanwhile is handled", async () => {
    await postJson(`${world.snelstart.url}/__admin/faults`, FAULTS);
    await postJson(`${world.snelstart.url}/__admin/stats/reset`, {});
    workerLines = await importThroughKilledWorker(world, {
      connector: "snelstart",
      installationId,
      killAtLinks: KILL_AT_LINKS,
      expectKill: KILL_AT_LINKS < RELATIES,
      figures,
      runnerLog,
    });

    // ── exactly once on each side, and linked ───────────────────────────
    const active = startRelaties.filter((r) => !r.nonactief);
    const links = await linksOf(world.db, installationId, "relation");
    const linksByRemote = new Map<string, typeof links>();
    for (const l of links) linksByRemote.set(l.remoteId, [...(linksByRemote.get(l.remoteId) ?? []), l]);
    const unlinked = active.filter((r) => (linksByRemote.get(r.id)?.length ?? 0) !== 1).map((r) => `${r.relatiecode} ${r.naam}`);
    expect(unlinked, "active SnelStart relaties without exactly one link").toEqual([]);
    const inactiveImported = startRelaties.filter((r) => r.nonactief && linksByRemote.has(r.id)).map((r) => r.relatiecode);
    expect(inactiveImported, "nonactief relaties are skipped on import").toEqual([]);

    const crm = await crmRelations(TENANT_A);
    const crmIds = new Set(crm.map((c) => c.id));
    expect(links.filter((l) => !crmIds.has(l.hostId)).map((l) => l.hostId), "links to CRM relations that do not exist").toEqual([]);
    const crmCount = new Map<string, number>();
    for (const c of crm) crmCount.set(key(c.name, c.postcode), (crmCount.get(key(c.name, c.postcode)) ?? 0) + 1);
    const ssCount = new Map<string, number>();
    for (const r of active) ssCount.set(key(r.naam, r.vestigingsAdres?.postcode), (ssCount.get(key(r.naam, r.vestigingsAdres?.postcode)) ?? 0) + 1);
    const duplicates = [...ssCount].filter(([k, n]) => (crmCount.get(k) ?? 0) !== n).map(([k, n]) => `${k}: SnelStart ${n}, CRM ${crmCount.get(k) ?? 0}`);
    figures.crmRelationsAfterImport = crm.length;
    const linkedHost = new Set(links.map((l) => l.hostId));
    figures.duplicateDetail = [...ssCount].filter(([k, n]) => (crmCount.get(k) ?? 0) !== n).map(([k]) => ({
      key: k,
      positionInSnelStart: active.findIndex((r) => key(r.naam, r.vestigingsAdres?.postcode) === k),
      crm: crm.filter((c) => key(c.name, c.postcode) === k).map((c) => ({ id: c.id, linked: linkedHost.has(c.id), created: (world.host.state.store as any).tenant(TENANT_A)?.byId?.get(c.id)?.created })), // eslint-disable-line @typescript-eslint/no-explicit-any
    }));
    expect(duplicates, "relations that do not exist exactly as often in the CRM as in SnelStart (a duplicate is a record created twice)").toEqual([]);
    const after = await simState();
    expect(after.relaties.length, "neither the import nor a webhook's push wrote a relatie to SnelStart").toBe(startRelaties.length);

    // each linked to its own counterpart, and no CRM number moved to a copy
    const relatieById = new Map(after.relaties.map((r) => [r.id, r]));
    const crmById = new Map(crm.map((c) => [c.id, c]));
    const mislinked = links
      .map((l) => ({ l, r: relatieById.get(l.remoteId), c: crmById.get(l.hostId) }))
      .filter(({ r, c }) => !r || !c || key(r.naam, r.vestigingsAdres?.postcode) !== key(c.name, c.postcode) || (r.relatiesoort?.includes("Klant") && c.debtorNumber !== String(r.relatiecode)))
      .map(({ r, c }) => `${r?.relatiecode} ${r?.naam} ↔ ${c?.name} (debtor ${c?.debtorNumber})`);
    expect(mislinked, "links whose CRM relation is not their relatie, or carries another number").toEqual([]);
    const codes = new Set(startRelaties.map((r) => String(r.relatiecode)));
    expect(crm.filter((c) => linkedHost.has(c.id) && c.debtorNumber && !codes.has(c.debtorNumber)).map((c) => `${c.name}: ${c.debtorNumber}`), "linked CRM relations with a number SnelStart never gave").toEqual([]);
  }, 300_000);

  it("books every invoice exactly once, with its document, through 5xx, 429 and lost responses", async () => {
    await postJson(`${world.snelstart.url}/__admin/faults`, {}); // set-up calls without faults

    // 50 customers that exist only in the CRM, and 450 imported ones
    const klanten = new Set(startRelaties.filter((r) => !r.nonactief && r.relatiesoort?.includes("Klant") && !r.relatiesoort?.includes("Leverancier")).map((r) => r.id));
    const links = await linksOf(world.db, installationId, "relation");
    const imported = links.filter((l) => klanten.has(l.remoteId)).map((l) => l.hostId).sort().slice(0, INVOICES - CRM_ONLY);
    expect(imported).toHaveLength(INVOICES - CRM_ONLY);
    const { invoices, crmOnly, events } = await sendCrmInvoices(world, { imported, crmOnly: CRM_ONLY, namePrefix: "Faults Klant", figures });
    invoiceIds = invoices;
    expect(invoiceIds).toHaveLength(INVOICES);

    // faults back on; the app's functions run as Inngest would (retries, backoff, Retry-After)
    await postJson(`${world.snelstart.url}/__admin/faults`, { ...FAULTS, seed: FAULTS.seed + 1 });
    const bookRuns = await bookThroughFaults({ connector: "snelstart", events, figures, runnerLog });
    figures.simulatorStats = await vendorFaultStats(world.snelstart.url);
    await postJson(`${world.snelstart.url}/__admin/faults`, {});

    const state = await simState();
    // ── every invoice booked exactly once, with its document ────────────
    const byNumber = new Map<string, Boeking[]>();
    for (const b of state.verkoopboekingen) byNumber.set(b.factuurnummer, [...(byNumber.get(b.factuurnummer) ?? []), b]);
    const notOnce = invoiceIds.filter((inv) => (byNumber.get(inv.number)?.length ?? 0) !== 1).map((inv) => `${inv.number}: ${byNumber.get(inv.number)?.length ?? 0}×`);
    expect(notOnce, "invoices not booked exactly once").toEqual([]);
    const docsByParent = new Map<string, Doc[]>();
    for (const d of state.documenten) docsByParent.set(d.parentIdentifier, [...(docsByParent.get(d.parentIdentifier) ?? []), d]);
    const badDocs = invoiceIds
      .map((inv) => ({ inv, b: byNumber.get(inv.number)?.[0] }))
      .filter(({ b }) => b && (docsByParent.get(b.id)?.length ?? 0) !== 1)
      .map(({ inv, b }) => `${inv.number}: ${docsByParent.get(b!.id)?.length ?? 0} documents`);
    expect(badDocs, "bookings without exactly one document").toEqual([]);
    expect(bookRuns.filter((r) => r.status !== "completed").length, "booking runs that ended failed").toBe(0);

    const invoiceLinks = await linksOf(world.db, installationId, "invoice");
    const linkOf = new Map(invoiceLinks.map((l) => [l.hostId, l]));
    const badLinks = invoiceIds.filter((inv) => linkOf.get(inv.id)?.remoteId !== byNumber.get(inv.number)?.[0]?.id).map((inv) => inv.number);
    expect(badLinks, "invoices whose link does not name their booking").toEqual([]);

    // ── the CRM-only customers now exist exactly once in SnelStart, linked ─
    const ssByName = new Map<string, Relatie[]>();
    for (const r of state.relaties) ssByName.set(r.naam ?? "", [...(ssByName.get(r.naam ?? "") ?? []), r]);
    const relLinks = await linksOf(world.db, installationId, "relation");
    const relLinkOf = new Map(relLinks.map((l) => [l.hostId, l]));
    const crmOnlyBad = crmOnly
      .filter((c) => (ssByName.get(c.Name)?.length ?? 0) !== 1 || relLinkOf.get(c.ID)?.remoteId !== ssByName.get(c.Name)?.[0]?.id)
      .map((c) => `${c.Name}: ${ssByName.get(c.Name)?.length ?? 0} in SnelStart, link ${relLinkOf.get(c.ID)?.remoteId ?? "none"}`);
    expect(crmOnlyBad, "CRM-only customers not in SnelStart exactly once and linked").toEqual([]);
    expect(state.relaties.length, "no relatie created twice in SnelStart").toBe(startRelaties.length + CRM_ONLY);
    for (const b of state.verkoopboekingen.filter((x) => invoiceIds.some((i) => i.number === x.factuurnummer))) {
      const inv = invoiceIds.find((i) => i.number === b.factuurnummer)!;
      expect(b.klant?.id, `booking ${b.factuurnummer} is on its customer`).toBe(relLinkOf.get(inv.relationId)?.remoteId);
    }

    // ── every failure is in the sync log; nothing lost ─────────────────
    await expectFailuresLogged(world, { installationId, bookRuns, workerLines, invoices: invoiceIds, figures });
    figures.stats = { relatiesInSnelStart: state.relaties.length, verkoopboekingen: state.verkoopboekingen.length, documenten: state.documenten.length };
  }, 300_000);
});

describe.skipIf(HAS_PG)("faults run", () => {
  it.skip("needs DATABASE_URL (a PostgreSQL server): the import worker runs in a child process that shares the database, which PGlite cannot", () => {});
});
