/**
 * Contact persons of organisations between the CRM and PowerOffice Go, both ways (product issue
 * 11, item 5; seed 001 "Contactpersoon": Name → Voornaam, Tussenvoegsel, Achternaam; Telephone →
 * Telefoonnummer; E-mail → E-mailadres), over HTTP against the simulator and the sandbox CRM:
 * a person added or edited in the CRM reaches PowerOffice on the push; one added or edited in
 * PowerOffice reaches the CRM on the next relations pull (Go does not move the customer's
 * LastChangedDateTimeOffset when a contact person changes: the pull asks for changed persons);
 * nothing is deleted, nothing duplicated on either side, and the CRM's webhooks about the
 * writes are echoes.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CRM, crm, installPowerOffice, links, runForEvents, runImport, runScheduledPull, powerOfficeApi, startWorld, syncLog, type Crm, type World } from "../helpers/world";

let world: World;
let api: Crm;
let installationId: string;
const CONTACT = "Relationship.Person.Contact.Standard";

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const go = (...args: Parameters<ReturnType<typeof powerOfficeApi>>) => powerOfficeApi(world)(...args);

/** The customer's contact persons in PowerOffice, as "First Last" → the person. */
async function goPersons(contactId: string): Promise<Json[]> {
  const r = await go("GET", `/ContactPersons?contactIds=${contactId}`);
  expect(r.status === 200 || r.status === 204).toBe(true);
  return (r.json as Json[] | null) ?? [];
}
const names = (persons: Json[]) => persons.map((p) => `${p.FirstName} ${p.LastName}`).sort();

/** The organisation's contact relationships in the CRM, each with its person. */
async function crmContacts(orgId: string): Promise<Json[]> {
  const org = await api.get(`Relation_Organization(${orgId})?$expand=Relationships($expand=Person)`);
  return (org.Relationships as Json[]).filter((r) => r._Type === CONTACT);
}
const crmNames = (contacts: Json[]) => contacts.map((c) => [c.Person.FirstName, c.Person.MiddleName, c.Person.LastName].filter(Boolean).join(" ")).sort();
/** Relation_Persons in the CRM with this name: a contact person is made once. */
const crmPersonsNamed = async (firstName: string, lastName: string) =>
  (await api.all("Relation_Person", { filter: `FirstName eq '${firstName}' and LastName eq '${lastName}'` })).length;

/** The CRM's webhooks sorted as Inngest would, and the relations they name pushed. */
const push = async () => {
  const events = await world.takeEvents();
  const outs = await runForEvents("poweroffice-push-relations", events, "ledgerlink/relation.changed");
  expect(outs.map((o) => o.error)).not.toContainEqual(expect.anything());
  return events.filter((e) => e.name === "ledgerlink/relation.changed");
};
const pull = async () => {
  const out = await runScheduledPull("relations", "poweroffice");
  expect(out).toHaveLength(1);
  // what the pull wrote to the CRM comes back as webhooks: every one an echo, nothing to push
  const changed = await push();
  expect(changed).toEqual([]);
};
const failures = async () => (await syncLog(world, installationId)).filter((e: Json) => e.outcome === "failed");

/** The CRM organisation linked to PowerOffice customer `number`, and the customer's Id. */
async function linked(number: number): Promise<{ orgId: string; contactId: string }> {
  const customer = ((await go("GET", `/Customers?customerNos=${number}`)).json as Json[])[0];
  const link = (await links(world, installationId, "relation")).find((l: Json) => l.role === "customer" && l.remoteId === String(customer.Id));
  expect(link, `customer ${number} is linked`).toBeDefined();
  return { orgId: link!.hostId, contactId: String(customer.Id) };
}

beforeAll(async () => {
  world = await startWorld({ poweroffice: {} });
  api = crm(world);
  installationId = await installPowerOffice(world);
  const out = await runImport(installationId, { connector: "poweroffice" });
  expect(out.error).toBeUndefined();
  expect(out.done).toBe(true);
}, 120_000);
afterAll(() => world?.close());

describe("PowerOffice contact persons, the import", () => {
  it("brings a customer's contact persons into the CRM as contacts of the organisation, each with its person", async () => {
    // Havbris Hotell AS (customer 10001) is linked by its number to the CRM's Bakkerij De Gouden Korf
    // (debtor 10001), whose own contact person Els Vermeulen stays
    const havbris = await linked(10001);
    expect(havbris.orgId).toBe(CRM.org.goudenKorf);
    const contacts = await crmContacts(havbris.orgId);
    expect(crmNames(contacts)).toEqual(["Els Vermeulen", "Kari Nordmann", "Ola Hansen"]);
    const kari = contacts.find((c) => c.Person.FirstName === "Kari");
    expect(kari).toMatchObject({ EmailAddress: "kari.nordmann@havbris-hotell.test", PhoneNumber: "+47 915 00 001" });
    expect(await failures()).toEqual([]);
    // the import's own writes come back as echoes: nothing is sent back, nothing made twice
    expect(await push()).toEqual([]);
    expect(names(await goPersons(havbris.contactId))).toEqual(["Kari Nordmann", "Ola Hansen"]);
    expect(await crmPersonsNamed("Kari", "Nordmann")).toBe(1);
  });
});

describe("PowerOffice contact persons, both ways", () => {
  let org: { orgId: string; contactId: string };
  let ingeborgContact: string;
  let ingeborgPerson: string;
  beforeAll(async () => {
    org = await linked(10001);
  });

  it("a contact person added to a CRM organisation reaches PowerOffice (with the one only the CRM had)", async () => {
    const person = await api.post("Relation_Person", { FirstName: "Ingeborg", LastName: "Lie" });
    ingeborgPerson = person.ID;
    await api.put(`Relation_Organization(${org.orgId})`, {
      Relationships: [{ _Type: CONTACT, Person: { ID: person.ID }, EmailAddress: "ingeborg@havbris-hotell.test", PhoneNumber: "+47 922 00 010" }],
    });
    ingeborgContact = (await crmContacts(org.orgId)).find((c) => c.Person.ID === person.ID).ID;
    const changed = await push();
    expect(changed.map((e) => e.data.hostId)).toContain(org.orgId);
    const persons = await goPersons(org.contactId);
    expect(names(persons)).toEqual(["Els Vermeulen", "Ingeborg Lie", "Kari Nordmann", "Ola Hansen"]);
    expect(persons.find((p) => p.FirstName === "Ingeborg")).toMatchObject({ EmailAddress: "ingeborg@havbris-hotell.test", PhoneNumber: "+47 922 00 010" });
    expect(await failures()).toEqual([]);
  });

  it("one edited in PowerOffice reaches the CRM on the next relations pull, renamed and with its new phone", async () => {
    const ola = (await goPersons(org.contactId)).find((p) => p.FirstName === "Ola");
    const patched = await go(
      "PATCH",
      `/ContactPersons/${org.contactId}/${ola.Id}`,
      [
        { op: "replace", path: "/FirstName", value: "Olav" },
        { op: "replace", path: "/PhoneNumber", value: "+47 915 00 099" },
      ],
      "application/json-patch+json",
    );
    expect(patched.status).toBe(200);
    // Go leaves the customer as it was: the pull must ask for the persons that changed
    const customer = (await go("GET", `/Customers/${org.contactId}`)).json;
    expect(customer.LastChangedDateTimeOffset < patched.json.LastChangedDateTimeOffset).toBe(true);

    await pull();
    const contacts = await crmContacts(org.orgId);
    expect(crmNames(contacts)).toEqual(["Els Vermeulen", "Ingeborg Lie", "Kari Nordmann", "Olav Hansen"]);
    expect(contacts.find((c) => c.Person.FirstName === "Olav")).toMatchObject({ EmailAddress: "ola.hansen@havbris-hotell.test", PhoneNumber: "+47 915 00 099" });
    expect(await crmPersonsNamed("Olav", "Hansen")).toBe(1);
    expect(names(await goPersons(org.contactId))).toEqual(["Els Vermeulen", "Ingeborg Lie", "Kari Nordmann", "Olav Hansen"]);
    expect(await failures()).toEqual([]);
  });

  it("one edited in the CRM reaches PowerOffice: e-mail and phone on its contact, then its name on its person", async () => {
    // meanwhile a bookkeeper changes another person in Go (not pulled yet): the push leaves that alone
    const kari = (await goPersons(org.contactId)).find((p) => p.FirstName === "Kari");
    await go("PATCH", `/ContactPersons/${org.contactId}/${kari.Id}`, [{ op: "replace", path: "/EmailAddress", value: "kari@havbris-hotell.test" }], "application/json-patch+json");

    await api.put(`Relationship_Person_Contact_Standard(${ingeborgContact})`, { EmailAddress: "ingeborg.lie@havbris-hotell.test", PhoneNumber: "+47 922 00 011" });
    expect((await push()).map((e) => e.data.hostId)).toContain(org.orgId);
    let ingeborg = (await goPersons(org.contactId)).filter((p) => p.FirstName === "Ingeborg");
    expect(ingeborg).toHaveLength(1);
    expect(ingeborg[0]).toMatchObject({ LastName: "Lie", EmailAddress: "ingeborg.lie@havbris-hotell.test", PhoneNumber: "+47 922 00 011" });

    // the person's own record: its webhook is about the organisation it is a contact of
    await api.put(`Relation_Person(${ingeborgPerson})`, { LastName: "Lie Berg" });
    expect((await push()).map((e) => e.data.hostId)).toContain(org.orgId);
    ingeborg = (await goPersons(org.contactId)).filter((p) => p.FirstName === "Ingeborg");
    expect(ingeborg).toHaveLength(1);
    expect(ingeborg[0]).toMatchObject({ LastName: "Lie Berg", EmailAddress: "ingeborg.lie@havbris-hotell.test" });
    expect((await goPersons(org.contactId)).find((p) => p.FirstName === "Kari").EmailAddress).toBe("kari@havbris-hotell.test");
    expect(await failures()).toEqual([]);
  });

  it("one added in PowerOffice reaches the CRM; pulls and pushes after it change nothing more", async () => {
    const added = await go("POST", `/ContactPersons/${org.contactId}`, { FirstName: "Astrid", LastName: "Moe", EmailAddress: "astrid@havbris-hotell.test" });
    expect(added.status).toBe(201);
    await pull();
    const all = ["Astrid Moe", "Els Vermeulen", "Ingeborg Lie Berg", "Kari Nordmann", "Olav Hansen"];
    const contacts = await crmContacts(org.orgId);
    expect(crmNames(contacts)).toEqual(all);
    expect(contacts.find((c) => c.Person.FirstName === "Astrid")).toMatchObject({ EmailAddress: "astrid@havbris-hotell.test" });
    // and the bookkeeper's change of Kari with it
    expect(contacts.find((c) => c.Person.FirstName === "Kari").EmailAddress).toBe("kari@havbris-hotell.test");

    // again: nothing changed on either side, nothing is written
    const writes = async () => {
      const stats = (await fetch(`${world.poweroffice!.url}/__admin/stats`).then((r) => r.json())) as { byRoute: Record<string, number> };
      return Object.entries(stats.byRoute).filter(([route]) => /^(POST|PATCH|DELETE) \/v2\/(ContactPersons|Customers)/.test(route)).reduce((n, [, c]) => n + c, 0);
    };
    const before = await writes();
    await pull();
    expect(await push()).toEqual([]);
    expect(await writes()).toBe(before);

    // one of each, on both sides
    expect(names(await goPersons(org.contactId))).toEqual(all);
    expect(crmNames(await crmContacts(org.orgId))).toEqual(all);
    for (const name of all) expect(await crmPersonsNamed(name.split(" ")[0]!, name.split(" ").slice(1).join(" ")), name).toBe(1);
    expect(await failures()).toEqual([]);
  });

  it("deletes nothing: a contact person removed on one side stays on the other", async () => {
    await api.del(`Relationship_Person_Contact_Standard(${ingeborgContact})`);
    // the CRM sends no webhook for a deletion: a later change of the organisation pushes it
    await api.put(`Relation_Organization(${org.orgId})`, { PhoneNumber: "+31 30 234 5600" });
    await push();
    expect(names(await goPersons(org.contactId))).toContain("Ingeborg Lie Berg");

    const astrid = (await goPersons(org.contactId)).find((p) => p.FirstName === "Astrid");
    expect((await go("DELETE", `/ContactPersons/${org.contactId}/${astrid.Id}`)).status).toBeLessThan(300);
    expect(names(await goPersons(org.contactId))).not.toContain("Astrid Moe");
    const kari = (await goPersons(org.contactId)).find((p) => p.FirstName === "Kari");
    await go("PATCH", `/ContactPersons/${org.contactId}/${kari.Id}`, [{ op: "replace", path: "/PhoneNumber", value: "+47 915 00 098" }], "application/json-patch+json");
    await pull();
    const contacts = await crmContacts(org.orgId);
    expect(crmNames(contacts)).toContain("Astrid Moe");
    expect(contacts.find((c) => c.Person.FirstName === "Kari").PhoneNumber).toBe("+47 915 00 098");
    // PowerOffice still has Ingeborg: the pull of the customer gives her back to the CRM (neither side knows she was removed)
    expect(crmNames(contacts)).toContain("Ingeborg Lie Berg");
    expect(await failures()).toEqual([]);
  });
});
