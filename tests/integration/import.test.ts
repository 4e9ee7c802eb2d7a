/**
 * The initial import (seed 002 "Relatie synchronisatie", DESIGN rule 1): resumable after a
 * crash, the matching chain (SnelStart id → debtor/creditor number → name + postcode + house
 * number + addition), inactive relaties skipped, never a duplicate.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { schema } from "@/lib/db";
import { readCursor, writeCursor } from "@/lib/sync/store";
import {
  CRM,
  SNEL,
  activateInCrm,
  crm,
  installSnelStart,
  links,
  runFunction,
  snelstart,
  startWorld,
  syncLog,
  type Crm,
  type World,
} from "../helpers/world";

let world: World;
let api: Crm;
let sim: ReturnType<typeof snelstart>;

const CUSTOMER = "Relationship.Organization.CommercialRelationship.Customer";
const PROSPECT = "Relationship.Organization.CommercialRelationship.Prospect";

beforeAll(async () => {
  // the simulator serves at most 100 relaties a page, so the import takes several pages
  world = await startWorld({ snelstart: { maxTop: 100 } });
  api = crm(world);
  sim = snelstart(world);
}, 120_000);
afterAll(() => world?.close());

type Pre = { orgByNumber: string; orgByAddress: string; personByNumber: string; personSameAddress: string; jDeBoerRelatie: string };

/** What the tenant already had before activating, and one extra relatie in SnelStart. */
async function prepare(): Promise<Pre> {
  // 110 generated relaties (every 50th nonactief, relatiecodes 2005…2114): two pages at 100
  const gen = await fetch(`${world.snelstart.url}/__admin/generate`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ administratie: SNEL.administratie, relaties: 110, seed: 7 }),
  });
  expect(gen.status).toBe(200);
  // a relatie whose number is the debtor number of a CRM *person* (Jan de Boer, 10004)
  const jan = await sim.api("POST", "/relaties", {
    relatiesoort: ["Klant"],
    naam: "J. de Boer",
    relatiecode: 10004,
    vestigingsAdres: { straat: "Grote Markt 2bis", postcode: "2011 RD", plaats: "Haarlem" },
  });
  expect(jan.status, JSON.stringify(jan.json)).toBe(201);
  await activateInCrm(world);

  // same debtor number as SnelStart's 1002, different name
  const orgByNumber = await api.post("Relation_Organization", {
    Name: "Gouden Leeuw Hotelgroep",
    Relationships: [{ _Type: CUSTOMER, DebtorNumber: "1002" }],
  });
  // same name, postcode, house number and addition as SnelStart's 1003 ("Oosterstraat 45a",
  // "9711 NR"), written differently; no debtor number (a prospect)
  const orgByAddress = await api.post("Relation_Organization", {
    Name: "supermarkt  buurtwinkel OOST",
    VisitingAddress: { Street: "Oosterstraat 45 -A", Postalcode: "9711nr", City: "Groningen", Country: { ID: CRM.country.NL } },
    Relationships: [{ _Type: PROSPECT }],
  });
  // a person with the name and address of SnelStart's organisation 1005: persons never match on name and address
  const personSameAddress = await api.post("Relation_Person", {
    FirstName: "Restaurant",
    LastName: "Smaakvol",
    VisitingAddress: { Street: "Havenkade 8", Postalcode: "1013 BD", City: "Amsterdam", Country: { ID: CRM.country.NL } },
  });
  return { orgByNumber: orgByNumber.ID, orgByAddress: orgByAddress.ID, personByNumber: CRM.person.janDeBoer, personSameAddress: personSameAddress.ID, jDeBoerRelatie: jan.json.id };
}

async function importPage(installationId: string, entity: string) {
  return runFunction("snelstart-import-page", { name: "ledgerlink/import.page", data: { installationId, connector: "snelstart", entity, runId: "" } });
}

describe("initial import", () => {
  let installationId: string;
  let pre: Pre;
  let relaties: Array<{ id: string; naam: string; relatiecode: number; nonactief?: boolean }>;

  beforeAll(async () => {
    pre = await prepare();
    relaties = (await sim.state()).relaties;
    installationId = await installSnelStart(world);
  }, 60_000);

  it("resumes after a crash (lost cursor, then a failing page) and ends with every active relatie exactly once", async () => {
    const orgsBefore = await api.count("Relation_Organization");
    const personsBefore = await api.count("Relation_Person");

    const start = await runFunction("snelstart-start-import", { name: "ledgerlink/installation.activated", data: { installationId, connector: "snelstart" } });
    expect(start.error).toBeUndefined();
    const runId = ((await readCursor<{ runId: string }>(world.db, installationId, "relation", "import")) as { runId: string }).runId;

    // index the CRM until the remote phase begins
    for (let i = 0; i < 10; i++) {
      const c = await readCursor<{ phase: string }>(world.db, installationId, "relation", "import");
      if (c?.phase === "remote") break;
      const out = await importPage(installationId, "relation");
      expect(out.error).toBeUndefined();
    }

    // crash 1: the first page of relaties is written to the CRM, then the process dies before the cursor is saved
    const before = await readCursor<Record<string, unknown>>(world.db, installationId, "relation", "import");
    expect(before).toMatchObject({ phase: "remote", cursor: null });
    expect((await importPage(installationId, "relation")).error).toBeUndefined();
    const afterFirstPage = await api.count("Relation_Organization");
    expect(afterFirstPage).toBeGreaterThan(orgsBefore + 50);
    await writeCursor(world.db, installationId, "relation", "import", before);
    // Inngest runs the page again: nothing is created twice
    expect((await importPage(installationId, "relation")).error).toBeUndefined();
    expect(await api.count("Relation_Organization")).toBe(afterFirstPage);

    // crash 2: SnelStart refuses the next page (429, retry far in the future); the run is abandoned
    await sim.faults({ tooManyRequestsRate: 1, retryAfterSeconds: 3600 });
    const failed = await importPage(installationId, "relation");
    expect(failed.error).toBeDefined();
    await sim.faults({});

    // start over from the activation event: the same run resumes where it stopped
    const again = await runFunction("snelstart-start-import", { name: "ledgerlink/installation.activated", data: { installationId, connector: "snelstart" } });
    expect(again.error).toBeUndefined();
    expect((await readCursor<{ runId: string }>(world.db, installationId, "relation", "import"))!.runId).toBe(runId);
    let entity: string = "relation";
    let done = false;
    for (let i = 0; i < 30 && !done; i++) {
      const out = await importPage(installationId, entity);
      expect(out.error).toBeUndefined();
      const r = out.result as { next?: string; done?: boolean };
      done = !!r.done;
      if (r.next) entity = r.next;
    }
    expect(done).toBe(true);
    const [inst] = await world.db.select().from(schema.installations).where(eq(schema.installations.id, installationId));
    expect(inst.status).toBe("active");

    // every active relatie linked exactly once, to a distinct CRM record; nonactief ones not at all
    const active = relaties.filter((r) => !r.nonactief);
    const inactive = relaties.filter((r) => r.nonactief);
    expect(inactive.length).toBe(5);
    // (the relatie that matches a CRM person is the subject of its own test below)
    const other = (id: string | null) => id !== pre.jDeBoerRelatie;
    const relationLinks = (await links(world, installationId, "relation")).filter((l) => other(l.remoteId));
    expect(relationLinks.map((l) => l.remoteId).sort()).toEqual(active.filter((r) => other(r.id)).map((r) => r.id).sort());
    expect(new Set(relationLinks.map((l) => l.hostId)).size).toBe(relationLinks.length);

    // the CRM: one new organisation per active relatie that matched nothing (3 matched)
    expect(await api.count("Relation_Organization")).toBe(orgsBefore + active.length - 3);
    expect(await api.count("Relation_Person")).toBe(personsBefore);
    for (const r of inactive) {
      expect(await api.count("Relation_Organization", `Name eq '${r.naam.replace(/'/g, "''")}'`), r.naam).toBe(0);
    }
    // no debtor or creditor number twice in the CRM, and every active relatiecode present
    const dupes = (xs: string[]) => xs.filter((n, i) => xs.indexOf(n) !== i);
    const debtors = (await api.all(CUSTOMER.replace(/\./g, "_"))).map((r) => r.DebtorNumber as string).filter(Boolean);
    const creditors = (await api.all("Relationship_Organization_Supplier")).map((r) => r.CreditorNumber as string).filter(Boolean);
    expect(dupes(debtors)).toEqual([]);
    expect(dupes(creditors)).toEqual([]);
    for (const r of active.filter((x) => other(x.id) && x.relatiecode !== 10004)) {
      expect([...debtors, ...creditors], `relatiecode ${r.relatiecode}`).toContain(String(r.relatiecode));
    }

    const [run] = await world.db.select().from(schema.syncRuns).where(eq(schema.syncRuns.id, runId));
    expect(run.status).toBe("succeeded");
    expect(run.counts.created + run.counts.linked + run.counts.failed).toBe(active.length);
    expect(run.counts.created).toBe(active.length - 3);
    expect((await syncLog(world, installationId)).filter((e) => e.outcome === "failed" && other(e.remoteId))).toEqual([]);
  }, 90_000);

  it("links an organisation with the same debtor number instead of creating one", async () => {
    const byRemote = new Map((await links(world, installationId, "relation")).map((l) => [l.remoteId, l.hostId]));
    expect(byRemote.get(SNEL.relatie.goudenLeeuw1002)).toBe(pre.orgByNumber);
    const org = await api.get(`Relation_Organization(${pre.orgByNumber})?$expand=Relationships`);
    expect(org.Relationships.filter((r: { _Type: string }) => r._Type === CUSTOMER).map((r: { DebtorNumber: string }) => r.DebtorNumber)).toEqual(["1002"]);
    expect(await api.count("Relation_Organization", "contains(Name, 'Gouden Leeuw')")).toBe(1);
  });

  it("links an organisation on name + postcode + house number + addition, however they are written", async () => {
    const byRemote = new Map((await links(world, installationId, "relation")).map((l) => [l.remoteId, l.hostId]));
    expect(byRemote.get(SNEL.relatie.buurtwinkel1003)).toBe(pre.orgByAddress);
    expect(await api.count("Relation_Organization", "contains(Name, 'buurtwinkel')")).toBe(1);
    // it is a customer now, with SnelStart's number
    const org = await api.get(`Relation_Organization(${pre.orgByAddress})?$expand=Relationships`);
    expect(org.Relationships.filter((r: { _Type: string }) => r._Type === CUSTOMER).map((r: { DebtorNumber: string }) => r.DebtorNumber)).toEqual(["1003"]);
  });

  it("creates the organisation when only a person has its name and address (persons never match on name and address)", async () => {
    const byRemote = new Map((await links(world, installationId, "relation")).map((l) => [l.remoteId, l.hostId]));
    const host = byRemote.get(SNEL.relatie.smaakvol1005);
    expect(host).toBeDefined();
    expect(host).not.toBe(pre.personSameAddress);
    const org = await api.get(`Relation_Organization(${host})`);
    expect(org.Name).toBe("Restaurant Smaakvol");
    // the person is left alone
    const person = await api.get(`Relation_Person(${pre.personSameAddress})?$expand=Relationships`);
    expect(person.Relationships ?? []).toEqual([]);
  });

  it("links a person whose debtor number a SnelStart relatie carries, and keeps it a person", async () => {
    const byRemote = new Map((await links(world, installationId, "relation")).map((l) => [l.remoteId, l.hostId]));
    const failures = (await syncLog(world, installationId)).filter((e) => e.outcome === "failed");
    expect(failures.map((f) => ({ remoteId: f.remoteId, message: f.message, params: f.messageParams }))).toEqual([]);
    expect(byRemote.get(pre.jDeBoerRelatie)).toBe(pre.personByNumber);
    const logged = (await syncLog(world, installationId)).find((e) => e.remoteId === pre.jDeBoerRelatie && e.outcome !== "unchanged");
    expect(logged?.label, "the log names the relation by name and relatiecode").toMatch(/Boer.*\(\d+\)$/);
    expect(await api.count("Relation_Organization", "Name eq 'J. de Boer'")).toBe(0);
    const person = await api.get(`Relation_Person(${pre.personByNumber})`);
    expect(person.LastName).toBe("Boer");
  });

  it("imports the active artikelen as products, each once, and links them", async () => {
    const artikelen = (await sim.state()).artikelen as Array<{ id: string; artikelcode: string; isNonActief?: boolean }>;
    const productLinks = await links(world, installationId, "product");
    expect(productLinks.map((l) => l.remoteId).sort()).toEqual(artikelen.map((a) => a.id).sort());
    for (const a of artikelen) {
      const rows = await api.all("Product", { filter: `Code eq '${a.artikelcode}'` });
      expect(rows, a.artikelcode).toHaveLength(1);
      expect(rows[0].IsInactive, a.artikelcode).toBe(a.isNonActief === true);
    }
  });
});
