/**
 * The Tribe host adapter against the real sandbox CRM (sandbox/host), started in-process.
 * Call counts are asserted on the sandbox's own /__admin/stats, so they are what the host saw.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { relation as relationSchema, product as productSchema, type Relation } from "@/lib/model";
import { recordHash } from "@/lib/sync/hash";
import type { HostAdapter, SideRecord } from "@/lib/sync/types";
import { startHostSandbox, type HostSandbox } from "@/sandbox/host/server";
import { createTribeHostAdapter } from "./adapter";
import { createTribeClient, type TribeRequestInfo } from "./client";

const TENANT = "7ad63a7b-6a76-57a8-a6c4-46099c1d4411";
const NORWAY = "11330df0-a15e-595f-85f9-7c9a298287a1";
const VAN_DIJK = "5cbd5864-6a67-5308-8796-a4f6016f53f6";
const VAN_DIJK_POSTAL_ADDRESS = "1f53403c-0828-523a-8268-9a6b8c58dd26";
const GOUDEN_KORF = "eef6e7a1-222b-5a20-9bdf-9c4393dd7834";
const GOUDEN_KORF_CONTACT = "1d363b0f-d8df-5b5d-a85e-885e638b4b28";
const JAN_DE_BOER = "e5e4143b-274c-56b7-ae8c-19eb5337a4eb";
const INVOICE_SENT = "e40e923a-6483-5b2c-8fd4-b8647cc22449";
const INVOICE_DRAFT = "c7f1d83e-8bfe-5456-a95a-5a4edaf9d6d6";
const SANNE = "sanne@sandbox-bv.nl";

let host: HostSandbox;

async function admin(path: string, body?: unknown, method = body === undefined ? "GET" : "POST"): Promise<any> {
  const res = await fetch(`${host.url}/__admin/${path}`, {
    method,
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`admin ${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

/** API calls the sandbox counted for the tenant since the last reset, by "METHOD Set". */
async function calls(tenant = TENANT): Promise<Record<string, number>> {
  const s = await admin("stats");
  return s.organizations[tenant]?.byMethodAndEntitySet ?? {};
}
const resetCalls = () => admin("stats/reset", undefined, "POST");

function adapterFor(tenant = TENANT, over: Partial<Parameters<typeof createTribeClient>[0]> = {}, adapterOptions: Parameters<typeof createTribeHostAdapter>[1] = {}) {
  const requests: TribeRequestInfo[] = [];
  const sleeps: number[] = [];
  const client = createTribeClient({
    apiUrl: host.url,
    clientId: "ledgerlink",
    clientSecret: "sandbox-client-secret",
    organizationId: tenant,
    onRequest: (i) => requests.push(i),
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    ...over,
  });
  return { adapter: createTribeHostAdapter(client, adapterOptions), client, requests, sleeps };
}

async function readAll(adapter: HostAdapter) {
  const items: SideRecord<Relation>[] = [];
  const totals: Array<number | null | undefined> = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const page = await adapter.relations.page(cursor);
    items.push(...page.items);
    totals.push(page.total);
    cursor = page.next;
    pages++;
  } while (cursor && pages < 100);
  return { items, totals, pages };
}

beforeAll(async () => {
  host = await startHostSandbox({ port: 0, appUrl: "http://127.0.0.1:9" });
});
afterAll(async () => {
  await host?.close();
});
beforeEach(async () => {
  await admin("reset", undefined, "POST");
  await admin("config", { reset: true });
  await admin("install", { tenant: TENANT });
  await admin("install", { tenant: NORWAY });
  await resetCalls();
});

describe("token", () => {
  it("is refused until the app is activated", async () => {
    await admin("uninstall", { tenant: TENANT });
    const { adapter } = adapterFor();
    await expect(adapter.relations.get(VAN_DIJK)).rejects.toMatchObject({ status: 401, code: "unauthorized_client" });
  });

  it("is fetched again once when the host drops it", async () => {
    const { adapter, requests } = adapterFor();
    await adapter.relations.get(VAN_DIJK);
    host.state.tokens.clear();
    await adapter.relations.get(VAN_DIJK);
    expect(requests.filter((r) => r.path === "/oauth2/token").length).toBe(2);
    expect(requests.filter((r) => r.status === 401).length).toBe(1);
  });
});

describe("relations.page", () => {
  it("pages organizations then persons, 100 a call, with the total known on the first page", async () => {
    const seedIds = new Set((await readAll(adapterFor().adapter)).items.map((i) => i.id));
    await admin("seed", { tenant: TENANT, organizations: 150, persons: 30 });
    await resetCalls();
    const { adapter, requests } = adapterFor();
    const { items, totals, pages } = await readAll(adapter);
    // 5 organizations (the own one excluded) + 150, 3 persons (one the employee) + 30; the CRM lists
    // in no stable order unless asked (stableDefaultOrder is off): every row comes exactly once all the same
    expect(items.length).toBe(188);
    expect(new Set(items.map((i) => i.id)).size).toBe(188);
    expect(totals.every((t) => t === 188)).toBe(true);
    expect(pages).toBe(3);
    expect(items.filter((i) => i.data.kind === "person").length).toBe(33);
    expect(items.some((i) => i.data.name === "Sandbox BV")).toBe(false);
    expect(await calls()).toEqual({ "GET Relation_Organization": 2, "GET Relation_Person": 2 });
    expect(requests.filter((r) => r.path === "/oauth2/token").length).toBe(1);
    const generated = items.find((i) => !seedIds.has(i.id) && i.data.kind === "organization")!;
    // the generator keeps the house number in Street, as Tribe does
    expect(generated.data.addresses[0]).toMatchObject({ kind: "visiting", hostTypeId: "VisitingAddress", country: "NL", houseNumber: expect.stringMatching(/^\d+$/) });
  });

  it("reads up to five pages at once once the size is known, still one call per 100 rows", async () => {
    await admin("seed", { tenant: TENANT, organizations: 795, persons: 0 });
    await resetCalls();
    const { adapter } = adapterFor();
    const sizes: number[] = [];
    let cursor: string | null = null;
    const ids = new Set<string>();
    do {
      const page = await adapter.relations.page(cursor);
      sizes.push(page.items.length);
      page.items.forEach((i) => ids.add(i.id));
      cursor = page.next;
    } while (cursor && sizes.length < 20);
    // 5 + 795 organizations, then the 3 persons of the seed
    expect(sizes).toEqual([100, 500, 200, 3]);
    expect(ids.size).toBe(803);
    expect(await calls()).toEqual({ "GET Relation_Organization": 8, "GET Relation_Person": 2 });
  });

  it("reads roles, numbers, addresses and contact persons", async () => {
    const { adapter } = adapterFor();
    const { items } = await readAll(adapter);
    const vanDijk = items.find((i) => i.id === VAN_DIJK)!;
    expect(vanDijk.number).toBe("10002");
    expect(vanDijk.data).toMatchObject({ isCustomer: true, isSupplier: true, debtorNumber: "10002", creditorNumber: "20001", relationTypes: ["Customer", "Supplier"] });
    expect(vanDijk.data.addresses.map((a) => a.kind)).toEqual(["visiting", "postal"]);
    const korf = items.find((i) => i.id === GOUDEN_KORF)!;
    expect(korf.data.contactPersons).toEqual([
      { firstName: "Els", middleName: null, lastName: "Vermeulen", email: "els@goudenkorf.nl", phone: "+31 30 234 5679", mobile: "+31 6 23456789" },
    ]);
    const jan = items.find((i) => i.id === JAN_DE_BOER)!;
    expect(jan.data).toMatchObject({ kind: "person", name: "Jan de Boer", debtorNumber: "10004" });
  });
});

const newOrg = (over: Partial<Relation> = {}): Relation =>
  relationSchema.parse({
    kind: "organization",
    name: "Zeilmakerij De Wind B.V.",
    isCustomer: true,
    isSupplier: true,
    debtorNumber: "D-5001",
    creditorNumber: "K-7001",
    paymentTermDays: 21,
    vatNumber: "NL999999999B01",
    email: "info@dewind.nl",
    phone: "+31 228 123456",
    website: "https://dewind.nl",
    addresses: [
      { kind: "visiting", street: "Havenkade", houseNumber: "3", postcode: "1601 AA", city: "Enkhuizen", country: "NL" },
      { kind: "invoice", street: "Postbus", houseNumber: "10", postcode: "1600 AA", city: "Enkhuizen", country: "NL" },
    ],
    ...over,
  });

describe("relations.create / update / setNumbers", () => {
  it("creates with one deep insert; what it returns is what a later read gives", async () => {
    const { adapter } = adapterFor();
    const created = await adapter.relations.create(newOrg());
    // one POST (plus the country, looked up once per code and adapter instance)
    expect(await calls()).toEqual({ "POST Relation_Organization": 1, "GET Datastore_Country": 1 });
    expect(created.number).toBe("D-5001");
    expect(created.data).toMatchObject({ debtorNumber: "D-5001", creditorNumber: "K-7001", paymentTermDays: 21, relationTypes: ["Customer", "Supplier"] });
    expect(created.data.addresses.map((a) => [a.kind, a.hostTypeId, a.street, a.houseNumber, a.country])).toEqual([
      ["visiting", "VisitingAddress", "Havenkade", "3", "NL"],
      ["invoice", "InvoiceAddress", "Postbus", "10", "NL"],
    ]);
    // the number is written into Street, as Tribe keeps it
    const tenant = host.state.store.tenant(TENANT)!;
    const stored = host.state.store.get(tenant, "Relation_Organization", created.id)!;
    expect(tenant.byId.get(stored.r.VisitingAddress!)!.f).toMatchObject({ Street: "Havenkade 3", Postalcode: "1601 AA", City: "Enkhuizen" });

    const fresh = await adapterFor().adapter.relations.get(created.id);
    expect(fresh!.data).toEqual(created.data);
    // the engine's echo check compares hashes: they must agree
    expect(recordHash(fresh!.data)).toBe(recordHash(created.data));
    // its addresses and roles are parts of it, and the create made each of them (one webhook each)
    expect(created.parts).toHaveLength(4);
    expect([...created.parts!].sort()).toEqual([...fresh!.parts!].sort());
    expect([...created.mutated].sort()).toEqual([created.id, ...created.parts!].sort());

    // a second create on the same adapter: only the POST
    await resetCalls();
    await adapter.relations.create(newOrg({ name: "Tweede BV", debtorNumber: "D-5002", creditorNumber: "K-7002" }));
    expect(await calls()).toEqual({ "POST Relation_Organization": 1 });
  });

  it("knows the numbers the CRM assigns from the create's own (expanded) answer", async () => {
    const { adapter } = adapterFor();
    const created = await adapter.relations.create(newOrg({ debtorNumber: null, creditorNumber: null, addresses: [] }));
    expect(await calls()).toEqual({ "POST Relation_Organization": 1 });
    expect(created.data.debtorNumber).toMatch(/^\d+$/);
    expect(created.data.creditorNumber).toMatch(/^\d+$/);
    const fresh = await adapterFor().adapter.relations.get(created.id);
    expect(recordHash(fresh!.data)).toBe(recordHash(created.data));
  });

  it("creates a person", async () => {
    const { adapter } = adapterFor();
    const created = await adapter.relations.create(
      relationSchema.parse({ kind: "person", name: "Marie Dubois", firstName: "Marie", lastName: "Dubois", isCustomer: true, isSupplier: false, debtorNumber: "P-1", mobile: "+32 470 12 34 56" }),
    );
    expect(await calls()).toEqual({ "POST Relation_Person": 1 });
    const fresh = await adapterFor().adapter.relations.get(created.id);
    expect(fresh!.data).toEqual(created.data);
    expect(fresh!.data).toMatchObject({ kind: "person", name: "Marie Dubois", mobile: "+32 470 12 34 56", debtorNumber: "P-1" });
  });

  it("updates fields with one PUT, without reading first, and sends nothing when nothing changed", async () => {
    const { adapter: reader } = adapterFor();
    const current = (await reader.relations.get(VAN_DIJK))!;
    await resetCalls();
    // the engine passes the record from its own index: no modifiedAt, a fresh adapter instance
    const previous = { id: VAN_DIJK, number: null, data: current.data, modifiedAt: null };
    const { adapter } = adapterFor();
    expect(await adapter.relations.update(VAN_DIJK, current.data, previous)).toEqual({ ...previous, mutated: [] });
    expect(await calls()).toEqual({});

    const written = await adapter.relations.update(VAN_DIJK, { ...current.data, email: "nieuw@vandijk-tb.nl", paymentTermDays: current.data.paymentTermDays }, previous);
    expect(await calls()).toEqual({ "PUT Relation_Organization": 1 });
    expect(written.data.email).toBe("nieuw@vandijk-tb.nl");
    expect(written.mutated, "only the relation itself changed").toEqual([VAN_DIJK]);
    const fresh = await adapterFor().adapter.relations.get(VAN_DIJK);
    expect(fresh!.data).toEqual(written.data);
  });

  it("updates an existing address by ID and adds a missing one in one PUT", async () => {
    const { adapter: reader } = adapterFor();
    const current = (await reader.relations.get(VAN_DIJK))!;
    const previous = { id: VAN_DIJK, number: null, data: current.data, modifiedAt: null };
    const desired: Relation = {
      ...current.data,
      addresses: [
        { ...current.data.addresses[0]!, houseNumber: "12", houseNumberAddition: null },
        current.data.addresses[1]!,
        { kind: "invoice", street: "Magazijnweg", houseNumber: "5", houseNumberAddition: null, postcode: "3000 ZZ", city: "Rotterdam", country: "NL", hostTypeId: null },
      ],
    };
    // same adapter instance right after the read: the cached relation gives the child IDs
    await resetCalls();
    const written = await reader.relations.update(VAN_DIJK, desired, previous);
    expect(await calls()).toEqual({ "PUT Relation_Organization": 1, "GET Datastore_Country": 1 });
    const fresh = (await adapterFor().adapter.relations.get(VAN_DIJK))!;
    expect(fresh.data.addresses.map((a) => [a.kind, a.houseNumber])).toEqual([
      ["visiting", "12"],
      ["postal", "1234"],
      ["invoice", "5"],
    ]);
    expect(fresh.data).toEqual(written.data);
    // the visiting address was updated in place, the invoice address created and linked
    expect(written.mutated).toEqual([VAN_DIJK, current.parts![0], fresh.parts![2]]);

    // a fresh adapter has no child IDs: it reads the relation first (GET + PUT)
    await resetCalls();
    const { adapter } = adapterFor();
    await adapter.relations.update(VAN_DIJK, { ...fresh.data, addresses: fresh.data.addresses.map((a) => (a.kind === "postal" ? { ...a, city: "Schiedam" } : a)) }, { ...fresh, modifiedAt: null });
    expect(await calls()).toEqual({ "GET Relation_Organization": 1, "PUT Relation_Organization": 1 });
    expect((await adapterFor().adapter.relations.get(VAN_DIJK))!.data.addresses[1]!.city).toBe("Schiedam");
  });

  it("setNumbers overwrites the customer and supplier numbers with one call", async () => {
    const { adapter } = adapterFor();
    const record = (await adapter.relations.get(VAN_DIJK))!;
    await resetCalls();
    const updated = await adapter.relations.setNumbers(VAN_DIJK, { debtorNumber: "1400", creditorNumber: "1600" }, record);
    expect(await calls()).toEqual({ "PUT Relation_Organization": 1 });
    expect(updated.data).toMatchObject({ debtorNumber: "1400", creditorNumber: "1600" });
    expect(updated.number).toBe("1400");
    const fresh = (await adapterFor().adapter.relations.get(VAN_DIJK))!;
    expect(fresh.data).toEqual(updated.data);
    // the relationships were updated, not added
    const rels = await host.state.store.children(host.state.store.tenant(TENANT)!, host.state.store.get(host.state.store.tenant(TENANT)!, "Relation_Organization", VAN_DIJK)!, "Relationships");
    expect(rels.length).toBe(2);
    // unchanged numbers: no call
    await resetCalls();
    await adapter.relations.setNumbers(VAN_DIJK, { debtorNumber: "1400" }, updated);
    expect(await calls()).toEqual({});
  });
});

describe("contact persons", () => {
  const ELS_PERSON = "a5cb089b-d81f-520b-8142-910effd69c2d";
  const CONTACT = "Relationship.Person.Contact.Standard";
  const person = (p: Partial<Relation["contactPersons"][number]>) => ({ firstName: null, middleName: null, lastName: null, email: null, phone: null, mobile: null, ...p });
  const kari = person({ firstName: "Kari", lastName: "Nordmann", email: "kari@havbris.test", phone: "+47 915 00 001" });
  const contactsOf = (id: string) => {
    const store = host.state.store;
    const tenant = store.tenant(TENANT)!;
    return store.children(tenant, store.get(tenant, "Relation_Organization", id)!, "Relationships").filter((r) => r.def.type === CONTACT);
  };
  /** the record as the engine holds it: from its index, no modifiedAt, handed to a fresh adapter instance */
  const indexed = async (id: string) => {
    const current = (await adapterFor().adapter.relations.get(id))!;
    await resetCalls();
    return { ...current, modifiedAt: null };
  };

  it("adds a new contact person with its person, without reading the relation first", async () => {
    const previous = await indexed(GOUDEN_KORF);
    const { adapter } = adapterFor();
    const written = await adapter.relations.update(GOUDEN_KORF, { ...previous.data, contactPersons: [...previous.data.contactPersons, kari] }, previous);
    expect(await calls()).toEqual({ "POST Relation_Person": 1, "PUT Relation_Organization": 1 });
    const fresh = (await adapterFor().adapter.relations.get(GOUDEN_KORF))!;
    expect(fresh.data.contactPersons).toEqual([previous.data.contactPersons[0], kari]);
    expect(fresh.data).toEqual(written.data);
    expect(recordHash(fresh.data)).toBe(recordHash(written.data));
    // one webhook each: the new person and the new contact relationship (the organization itself is not written)
    const made = contactsOf(GOUDEN_KORF).find((r) => r.r.Person !== ELS_PERSON)!;
    expect([...written.mutated].sort()).toEqual([made.r.Person, made.id].sort());
    expect(written.related).toEqual([ELS_PERSON, made.r.Person]);
  });

  it("writes a contact person's changed e-mail and phone on its relationship and its new name on its person; deletes none", async () => {
    const previous = await indexed(GOUDEN_KORF);
    const els = previous.data.contactPersons[0]!;
    const { adapter } = adapterFor();
    // renamed, and known by the e-mail address; the mobile number left empty stays
    const renamed = { ...els, firstName: "Elske", phone: "+31 30 999 0000", mobile: null };
    const written = await adapter.relations.update(GOUDEN_KORF, { ...previous.data, contactPersons: [renamed] }, previous);
    // the contact must be named by ID: read first (a fresh adapter), then the person, then the relationship
    expect(await calls()).toEqual({ "GET Relation_Organization": 1, "PUT Relation_Person": 1, "PUT Relation_Organization": 1 });
    const fresh = (await adapterFor().adapter.relations.get(GOUDEN_KORF))!;
    expect(fresh.data.contactPersons).toEqual([{ ...els, firstName: "Elske", phone: "+31 30 999 0000" }]);
    expect(fresh.data).toEqual(written.data);
    expect([...written.mutated].sort()).toEqual([GOUDEN_KORF_CONTACT, ELS_PERSON].sort());
    expect(contactsOf(GOUDEN_KORF)).toHaveLength(1);

    // a new name only: the person is written, the relation is not
    await resetCalls();
    const again = await adapter.relations.update(GOUDEN_KORF, { ...written.data, contactPersons: [{ ...written.data.contactPersons[0]!, lastName: "Vermeulen-Jansen" }] }, written);
    expect(await calls()).toEqual({ "PUT Relation_Person": 1 });
    expect(again.mutated).toEqual([ELS_PERSON]);
    const after = (await adapterFor().adapter.relations.get(GOUDEN_KORF))!;
    expect(after.data).toEqual(again.data);
    expect(after.data.contactPersons[0]!.lastName).toBe("Vermeulen-Jansen");

    // a list without her deletes nothing, and costs no call
    await resetCalls();
    expect((await adapter.relations.update(GOUDEN_KORF, { ...after.data, contactPersons: [] }, after)).mutated).toEqual([]);
    expect(await calls()).toEqual({});
    expect(contactsOf(GOUDEN_KORF)).toHaveLength(1);
  });

  it("creates an organization with its contact persons; what it returns is what a later read gives", async () => {
    const { adapter } = adapterFor();
    const created = await adapter.relations.create(newOrg({ contactPersons: [kari, person({ firstName: "Ola", lastName: "Hansen", mobile: "+47 915 00 002" })] }));
    expect(await calls()).toEqual({ "POST Relation_Person": 2, "POST Relation_Organization": 1, "GET Datastore_Country": 1 });
    const fresh = (await adapterFor().adapter.relations.get(created.id))!;
    expect(fresh.data).toEqual(created.data);
    expect(fresh.data.contactPersons.map((c) => c.firstName)).toEqual(["Kari", "Ola"]);
    // the relation, its addresses and relationships, and the two persons: one webhook each
    expect([...created.mutated].sort()).toEqual([created.id, ...created.parts!, ...created.related!].sort());
    expect(created.related).toHaveLength(2);
  });
});

describe("relations.get / resolveId", () => {
  it("resolves an address, a relationship and a contact to their relation", async () => {
    const { adapter } = adapterFor();
    // Tribe's addresses name no owner: the relation that refers to it is looked up
    expect(await adapter.relations.resolveId("Address", VAN_DIJK_POSTAL_ADDRESS)).toBe(VAN_DIJK);
    expect(await calls()).toEqual({ "GET Relation_Organization": 1 });
    expect(await adapter.relations.resolveId("Relationship.Person.Contact.Standard", GOUDEN_KORF_CONTACT)).toBe(GOUDEN_KORF);
    expect(await adapter.relations.resolveId("Relation.Person", JAN_DE_BOER)).toBe(JAN_DE_BOER);
    expect(await adapter.relations.resolveId("Address", "00000000-0000-4000-8000-000000000000")).toBeNull();
    expect(await adapter.relations.resolveId("Product", "00000000-0000-4000-8000-000000000000")).toBeNull();
    // a person resolved before is read with one call
    await resetCalls();
    expect((await adapter.relations.get(JAN_DE_BOER))!.data.name).toBe("Jan de Boer");
    expect(await calls()).toEqual({ "GET Relation_Person": 1 });
  });

  it("finds a person it has not seen with a 404 on organizations first; unknown ids are null", async () => {
    const { adapter } = adapterFor();
    expect((await adapter.relations.get(JAN_DE_BOER))!.data.kind).toBe("person");
    expect(await calls()).toEqual({ "GET Relation_Organization": 1, "GET Relation_Person": 1 });
    expect(await adapter.relations.get("00000000-0000-4000-8000-000000000000")).toBeNull();
    expect(await adapter.relations.get("not-a-guid")).toBeNull();
  });
});

describe("invoices and sales orders", () => {
  it("gets an invoice with lines and whether its phase hands it over, its document, and marks it paid", async () => {
    const { adapter } = adapterFor();
    const got = (await adapter.invoices.get(INVOICE_SENT))!;
    expect(got.handOver, "Sent hands an invoice over").toBe(true);
    expect((await adapter.invoices.get(INVOICE_DRAFT))!.handOver, "a draft is not handed over").toBe(false);
    expect(got.record.data).toMatchObject({ number: "2026-0001", relationId: VAN_DIJK, date: "2026-01-15", paid: false, totalIncludingVat: 1869.45 });
    expect(got.record.data.lines.length).toBe(2);
    expect(got.record.data.lines.every((l) => l.vatGroupId && l.productGroupId)).toBe(true);

    const doc = await adapter.invoices.document(INVOICE_SENT);
    expect(doc.fileName).toBe("factuur-2026-0001.pdf");
    expect(doc.contentType).toBe("application/pdf");
    expect(Buffer.from(doc.content, "base64").subarray(0, 5).toString()).toBe("%PDF-");
    expect(await calls()).toEqual({ "GET Activity_Invoice": 3 });

    await adapter.invoices.markPaid(INVOICE_SENT);
    await adapter.invoices.markPaid(INVOICE_DRAFT);
    // the phases are read once per adapter
    expect(await calls()).toEqual({ "GET Activity_Invoice": 3, "GET Datastore_Phase_ActivityInvoice": 1, "PUT Activity_Invoice": 2 });
    const paid = (await adapterFor().adapter.invoices.get(INVOICE_SENT))!;
    expect(paid.handOver, "a paid invoice is not handed over again").toBe(false);
    expect(paid.record.data.paid).toBe(true);
  });

  it("names a document it did not get first after the invoice number", async () => {
    const { adapter } = adapterFor();
    expect((await adapter.invoices.document(INVOICE_DRAFT)).fileName).toBe("factuur-2026-0002.pdf");
  });

  it("gets a sales order and its document", async () => {
    const { adapter } = adapterFor();
    const list = await createTribeClient({ apiUrl: host.url, clientId: "ledgerlink", clientSecret: "sandbox-client-secret", organizationId: TENANT }).list("Activity_SalesOrder", { top: 1 });
    const id = list.value[0]!.ID;
    const got = (await adapter.salesOrders.get(id))!;
    expect(got.handOver, "a draft order is not handed over").toBe(false);
    expect(got.record.data.number).toBe("SO2026-0001");
    expect(got.record.data.lines.length).toBeGreaterThan(0);
    const doc = await adapter.salesOrders.document(id);
    expect(doc.fileName).toBe("verkooporder-SO2026-0001.pdf");
    expect(await adapter.salesOrders.get("00000000-0000-4000-8000-000000000000")).toBeNull();
  });
});

describe("products", () => {
  it("pages, creates and updates products", async () => {
    const { adapter } = adapterFor();
    const page = await adapter.products.page(null);
    expect(page.total).toBe(6);
    expect(page.next).toBeNull();
    const cons = page.items.find((p) => p.number === "CONS-UUR")!;
    expect(cons.data).toMatchObject({ unit: "Uur", salesPrice: 95, active: true });
    expect(page.items.find((p) => p.number === "OLD-01")!.data.active).toBe(false);
    expect(await calls()).toEqual({ "GET Product": 1, "GET Datastore_Unit": 1 });

    await resetCalls();
    const updated = await adapter.products.update(cons.id, { ...cons.data, unit: "Dag", salesPrice: 99.5 }, cons);
    expect(await calls()).toEqual({ "PUT Product": 1 });
    expect(updated.data).toMatchObject({ unit: "Dag", salesPrice: 99.5 });
    expect((await adapterFor().adapter.products.get(cons.id))!.data).toEqual(updated.data);

    await resetCalls();
    const created = await adapter.products.create(productSchema.parse({ code: "NEW-1", name: "Nieuw product", unit: "Kilogram", salesPrice: 12.5, vatGroupId: cons.data.vatGroupId }));
    expect(await calls()).toEqual({ "POST Product": 1 });
    expect((await adapterFor().adapter.products.get(created.id))!.data).toEqual(created.data);
  });
});

describe("options", () => {
  it("lists VAT groups, product groups, relation types, address types, ledger accounts and the own country", async () => {
    const { adapter } = adapterFor();
    const o = await adapter.options();
    expect(o.ownCountry).toBe("NL");
    expect(o.vatGroups.length).toBe(7);
    expect(o.vatGroups.find((v) => v.hint === "NL21")).toMatchObject({ label: "NL - 21%", percentage: 21, country: "NL" });
    expect(o.relationTypes.map((r) => r.value)).toEqual(["Customer", "Supplier", "Prospect", "Partner"]);
    // the address types are the relation's navigation properties, named in the user's language
    expect(o.addressTypes).toEqual([
      { value: "VisitingAddress", label: "Bezoekadres", hint: "VisitingAddress", kind: "visiting" },
      { value: "PostalAddress", label: "Postadres", hint: "PostalAddress", kind: "postal" },
      { value: "InvoiceAddress", label: "Factuuradres", hint: "InvoiceAddress", kind: "invoice" },
    ]);
    expect((await adapter.options("fr")).addressTypes.map((a) => a.label)).toEqual(["Adresse de visite", "Adresse postale", "Adresse de facturation"]);
    expect(o.productGroups.length).toBe(4);
    expect(o.ledgerAccounts.find((l) => l.hint === "8010")).toMatchObject({ label: "Omzet laag tarief" });
    // units valued as a product's unit is (its name)
    expect(o.units.map((u) => u.value)).toContain("Stuk");
    expect(Object.values(await calls()).reduce((a, b) => a + b, 0)).toBe(7);
    expect((await adapterFor(NORWAY).adapter.options()).ownCountry).toBe("NO");
  });
});

describe("currentUser", () => {
  it("asks GetCurrentEmployee() whom the token acts for", async () => {
    const { adapter } = adapterFor();
    expect(await adapter.currentUser()).toEqual({ name: "Sanne de Vries", email: SANNE });
    expect(await calls()).toEqual({ "GET GetCurrentEmployee": 1 });
    expect(await adapterFor(NORWAY).adapter.currentUser()).toEqual({ name: "Ola Nordmann", email: "ola@fjordhandel.no" });
  });
});

describe("house numbers", () => {
  it("writes them to fields of their own when the CRM has them and the adapter is told to", async () => {
    await admin("config", { houseNumberFields: true });
    const { adapter } = adapterFor(TENANT, {}, { houseNumberFields: true });
    const created = await adapter.relations.create(newOrg({ addresses: [{ kind: "visiting", street: "Havenkade", houseNumber: "3", houseNumberAddition: "bis", postcode: "1601 AA", city: "Enkhuizen", country: "NL", hostTypeId: null }] }));
    const tenant = host.state.store.tenant(TENANT)!;
    const stored = host.state.store.get(tenant, "Relation_Organization", created.id)!;
    expect(tenant.byId.get(stored.r.VisitingAddress!)!.f).toMatchObject({ Street: "Havenkade", HouseNumber: "3", HouseNumberAddition: "bis" });
    const fresh = (await adapterFor().adapter.relations.get(created.id))!;
    expect(fresh.data).toEqual(created.data);
    // an address of the seed still has its number in Street
    expect((await adapter.relations.get(VAN_DIJK))!.data.addresses[0]).toMatchObject({ street: "Coolsingel", houseNumber: "10", houseNumberAddition: "A" });
  });
});

describe("rate limit", () => {
  it("waits on 429 and succeeds", async () => {
    await admin("config", { rateLimitPerMinute: 2 });
    // the injected sleep stands for the minute's wait: the window frees up meanwhile
    const { adapter, requests, sleeps } = adapterFor(TENANT, {
      rateLimitWaitMs: 4000,
      sleep: async (ms) => {
        sleeps.push(ms);
        await admin("config", { rateLimitPerMinute: 1000 });
      },
    });
    await adapter.relations.get(VAN_DIJK);
    await adapter.relations.get(GOUDEN_KORF);
    const third = await adapter.invoices.get(INVOICE_SENT);
    expect(third!.record.data.number).toBe("2026-0001");
    expect(requests.filter((r) => r.status === 429).length).toBe(1);
    // the gate's wait, counted from the refusal (a millisecond or so may have passed since)
    expect(sleeps.length).toBe(1);
    expect(sleeps[0]).toBeGreaterThan(3900);
  });

  it("honours Retry-After when the host sends it", async () => {
    await admin("config", { rateLimitPerMinute: 1, retryAfterSeconds: 3 });
    const sleeps: number[] = [];
    const { adapter } = adapterFor(TENANT, {
      sleep: async (ms) => {
        sleeps.push(ms);
        await admin("config", { rateLimitPerMinute: 1000 });
      },
    });
    await adapter.relations.get(VAN_DIJK);
    await adapter.relations.get(GOUDEN_KORF);
    expect(sleeps.length).toBe(1);
    expect(sleeps[0]).toBeGreaterThan(2900);
  });
});
