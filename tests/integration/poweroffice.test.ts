/**
 * PowerOffice Go end to end (seed 001), over HTTP against the simulator and the sandbox CRM:
 * the import (customers and suppliers, one CRM relation per contact), a relation that is both,
 * pushes that send only what changed, pulls every 15 minutes, products, invoices as sales orders
 * exactly once with their PDF, and payments.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CRM, links, crm, installPowerOffice, runForEvents, runImport, runScheduledPull, NORDLYS, powerOfficeApi, startWorld, syncLog, updateSettings, type Crm, type World } from "../helpers/world";

let world: World;
let api: Crm;
let installationId: string;

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const go = (...args: Parameters<ReturnType<typeof powerOfficeApi>>) => powerOfficeApi(world)(...args);

beforeAll(async () => {
  world = await startWorld({ poweroffice: {} });
  api = crm(world);
  installationId = await installPowerOffice(world);
}, 120_000);
afterAll(() => world?.close());

describe("PowerOffice import", () => {
  it("brings customers and suppliers into the CRM once, a contact that is both as one relation with both numbers", async () => {
    const out = await runImport(installationId, { connector: "poweroffice" });
    expect(out.error).toBeUndefined();
    expect(out.done).toBe(true);
    const log = await syncLog(world, installationId);
    expect(log.filter((e: Json) => e.outcome === "failed")).toEqual([]);

    const relationLinks = await links(world, installationId, "relation");
    const byRole = (role: string) => relationLinks.filter((l: Json) => l.role === role);
    const customers = (await go("GET", "/Customers")).json as Json[];
    const suppliers = (await go("GET", "/Suppliers")).json as Json[];
    // archived customers are not imported (10007)
    expect(byRole("customer").length).toBe(customers.filter((c) => !c.IsArchived && c.IsActive !== false).length);
    expect(byRole("supplier").length).toBe(suppliers.filter((c) => !c.IsArchived && c.IsActive !== false).length);

    // Vestland Trevare: customer 10005 and supplier 20003, one contact Id, one CRM relation
    const vestland = customers.find((c) => c.Number === 10005);
    const asCustomer = byRole("customer").find((l: Json) => l.remoteId === String(vestland.Id))!;
    const asSupplier = byRole("supplier").find((l: Json) => l.remoteId === String(vestland.Id));
    expect(asCustomer?.hostId).toBeDefined();
    expect(asSupplier?.hostId).toBe(asCustomer.hostId);
    const org = await api.get(`Relation_Organization(${asCustomer.hostId})?$expand=Relationships`);
    const numbers = (org.Relationships as Json[]).map((r) => r.DebtorNumber ?? r.CreditorNumber).filter(Boolean);
    expect(numbers).toEqual(expect.arrayContaining(["10005", "20003"]));
  });
});

const CUSTOMER = "Relationship.Organization.CommercialRelationship.Customer";
const SUPPLIER = "Relationship.Organization.Supplier";
const push = async () => {
  const events = await world.takeEvents();
  return runForEvents("poweroffice-push-relations", events, "ledgerlink/relation.changed");
};
const requests = async (route: string) => {
  const stats = (await fetch(`${world.poweroffice!.url}/__admin/stats`).then((r) => r.json())) as { byRoute: Record<string, number> };
  return stats.byRoute[route] ?? 0;
};

describe("PowerOffice relations, CRM → PowerOffice", () => {
  let orgId: string;
  it("creates a relation that is customer and supplier as one customer and one supplier, and takes both numbers back", async () => {
    const org = await api.post("Relation_Organization", {
      Name: "Fjordkraft Møbler AS",
      EmailAddress: "post@fjordkraft.example",
      Relationships: [{ _Type: CUSTOMER }, { _Type: SUPPLIER }],
    });
    orgId = org.ID;
    const outs = await push();
    expect(outs.map((o) => o.error)).not.toContainEqual(expect.anything());
    const customers = ((await go("GET", "/Customers")).json as Json[]).filter((c) => c.Name === "Fjordkraft Møbler AS");
    const suppliers = ((await go("GET", "/Suppliers")).json as Json[]).filter((c) => c.Name === "Fjordkraft Møbler AS");
    expect(customers).toHaveLength(1);
    expect(suppliers).toHaveLength(1);
    const after = await api.get(`Relation_Organization(${orgId})?$expand=Relationships`);
    const rel = (type: string) => (after.Relationships as Json[]).find((r) => r._Type === type);
    expect(rel(CUSTOMER).DebtorNumber).toBe(String(customers[0].Number));
    expect(rel(SUPPLIER).CreditorNumber).toBe(String(suppliers[0].Number));

    // the number write-back's own webhooks are echoes: nothing is created again
    await push();
    expect(((await go("GET", "/Customers")).json as Json[]).filter((c) => c.Name === "Fjordkraft Møbler AS")).toHaveLength(1);
    expect(((await go("GET", "/Suppliers")).json as Json[]).filter((c) => c.Name === "Fjordkraft Møbler AS")).toHaveLength(1);
  });

  it("sends a change as one JSON Patch per role, with only what changed", async () => {
    const patchesBefore = (await requests("PATCH /v2/Customers/{id}")) + (await requests("PATCH /v2/Suppliers/{id}"));
    await api.put(`Relation_Organization(${orgId})`, { EmailAddress: "ordre@fjordkraft.example" });
    await push();
    const customer = ((await go("GET", "/Customers")).json as Json[]).find((c) => c.Name === "Fjordkraft Møbler AS");
    const supplier = ((await go("GET", "/Suppliers")).json as Json[]).find((c) => c.Name === "Fjordkraft Møbler AS");
    expect(customer.EmailAddress).toBe("ordre@fjordkraft.example");
    expect(supplier.EmailAddress).toBe("ordre@fjordkraft.example");
    expect((await requests("PATCH /v2/Customers/{id}")) + (await requests("PATCH /v2/Suppliers/{id}"))).toBe(patchesBefore + 2);
  });
});

describe("PowerOffice persons", () => {
  it("sends a CRM person who is a customer as a Go customer with IsPerson, first and last name (the tussenvoegsel with the last name)", async () => {
    const person = await api.post("Relation_Person", {
      FirstName: "Ingrid",
      MiddleName: "van der",
      LastName: "Berg",
      EmailAddress: "ingrid@berg.example",
      Relationships: [{ _Type: "Relationship.Person.CommercialRelationship.Customer" }],
    });
    await push();
    const customer = ((await go("GET", "/Customers")).json as Json[]).find((c) => c.EmailAddress === "ingrid@berg.example");
    expect(customer).toMatchObject({ IsPerson: true, FirstName: "Ingrid", LastName: "van der Berg" });
    const after = await api.get(`Relation_Person(${person.ID})?$expand=Relationships`);
    expect((after.Relationships as Json[]).find((r) => r.DebtorNumber)?.DebtorNumber).toBe(String(customer.Number));
    expect(((await go("GET", "/Suppliers")).json as Json[]).some((c) => c.EmailAddress === "ingrid@berg.example")).toBe(false);
  });
});

describe("PowerOffice relations, PowerOffice → CRM every 15 minutes", () => {
  it("takes a change made in PowerOffice into the CRM, and a deactivated customer stays active there", async () => {
    const vestland = ((await go("GET", "/Customers?customerNos=10005")).json as Json[])[0];
    const patched = await go("PATCH", `/Customers/${vestland.Id}`, [{ op: "replace", path: "/PhoneNumber", value: "+47 55 11 22 33" }], "application/json-patch+json");
    expect(patched.status).toBe(200);
    const out = await runScheduledPull("relations", "poweroffice");
    expect(out).toHaveLength(1);
    const link = (await links(world, installationId, "relation")).find((l: Json) => l.role === "customer" && l.remoteId === String(vestland.Id))!;
    const org = await api.get(`Relation_Organization(${link.hostId})`);
    expect(org.PhoneNumber).toBe("+47 55 11 22 33");

    // seed: a relation deactivated in PowerOffice stays active in the CRM
    // 10004 is a person with nothing open (an archived customer may have no open balance)
    const person10004 = ((await go("GET", "/Customers?customerNos=10004")).json as Json[])[0];
    expect((await go("PATCH", `/Customers/${person10004.Id}`, [{ op: "replace", path: "/IsArchived", value: true }], "application/json-patch+json")).status).toBe(200);
    await runScheduledPull("relations", "poweroffice");
    const person10004Link = (await links(world, installationId, "relation")).find((l: Json) => l.role === "customer" && l.remoteId === String(person10004.Id))!;
    expect((await api.get(`Relation_Person(${person10004Link.hostId})`)).IsActive).not.toBe(false);
    const pulled = (await syncLog(world, installationId)).filter((e: Json) => e.direction === "remote_to_host" && e.remoteId === String(person10004.Id) && e.outcome === "failed");
    expect(pulled).toEqual([]);
  });
});

describe("PowerOffice products", () => {
  it("imported products follow PowerOffice; a product archived there becomes inactive in the CRM", async () => {
    const productLinks = await links(world, installationId, "product");
    const sofa = ((await go("GET", "/Products")).json as Json[]).find((p) => p.Code === "SOFA-3");
    const link = productLinks.find((l: Json) => l.remoteId === String(sofa.Id))!;
    expect(link).toBeDefined();
    expect((await api.get(`Product(${link.hostId})`)).IsInactive).toBe(false);
    expect((await go("PATCH", `/Products/${sofa.Id}`, [{ op: "replace", path: "/IsArchived", value: true }], "application/json-patch+json")).status).toBe(200);
    await runScheduledPull("products", "poweroffice");
    expect((await api.get(`Product(${link.hostId})`)).IsInactive).toBe(true);
  });
});

describe("PowerOffice invoices and payments", () => {
  const CONSULTANCY = "a93bfc33-e1ef-5e5d-a14e-db38c1740e64";
  const book = (events: Array<{ name: string; data: Record<string, string> }>) => runForEvents("poweroffice-book-invoices", events, "ledgerlink/invoice.phase-changed");

  async function sentInvoice(number: string) {
    const inv = await api.post("Activity_Invoice", {
      Subject: "Interiørrådgivning",
      Number: number,
      InvoiceDate: "2026-03-02",
      PaymentTermInDays: 14,
      Currency: "EUR",
      IsVatIncluded: false,
      Relationship: { ID: CRM.customer.goudenKorf },
      ProductLines: [{ Description: "Consultancy maart", Quantity: 4, Price: 95, VatGroup: { ID: CRM.vatGroup.NL21 }, Product: { ID: CONSULTANCY } }],
    });
    await api.put(`Activity_Invoice(${inv.ID})`, { Phase: { ID: CRM.invoicePhase.sent } });
    const events = (await world.takeEvents()).filter((e) => e.name === "ledgerlink/invoice.phase-changed" && e.data.hostId === inv.ID);
    expect(events).toHaveLength(1);
    return { id: inv.ID as string, number: (await api.get(`Activity_Invoice(${inv.ID})`)).Number as string, events };
  }
  /** Sets a CRM invoice to Sent and books it, which Go must not get: its failed lines in the sync log. */
  async function bookRefused(invoiceId: string): Promise<Json[]> {
    await api.put(`Activity_Invoice(${invoiceId})`, { Phase: { ID: CRM.invoicePhase.sent } });
    const events = (await world.takeEvents()).filter((e) => e.name === "ledgerlink/invoice.phase-changed" && e.data.hostId === invoiceId);
    const ordersBefore = ((await go("GET", "/SalesOrders")).json as Json[]).length;
    await book(events);
    expect(((await go("GET", "/SalesOrders")).json as Json[]).length, "no sales order made").toBe(ordersBefore);
    return (await syncLog(world, installationId)).filter((e: Json) => e.hostId === invoiceId && e.outcome === "failed");
  }
  const ordersWith = async (reference: string) => ((await go("GET", "/SalesOrders")).json as Json[] | null ?? []).filter((o) => o.ExternalImportReference === reference);

  let invoice: Awaited<ReturnType<typeof sentInvoice>>;
  it("books an invoice set to Sent as a draft sales order with its lines, unit and PDF, the customer sent first", async () => {
    invoice = await sentInvoice("2026-0101");
    const [out] = await book(invoice.events);
    expect(out.error).toBeUndefined();
    expect(out.result).toMatchObject({ outcome: "created" });
    const orders = await ordersWith(`ledgerlink:crm:inv:${invoice.number}`);
    expect(orders).toHaveLength(1);
    const order = (await go("GET", `/SalesOrders/${orders[0].Id}/Complete`)).json;
    expect(order.SalesOrderStatus).toBe("Draft");
    expect(order.SalesOrderLines[0]).toMatchObject({ Quantity: 4, ProductUnitPrice: 95 });
    const attachments = (await go("GET", `/SalesOrders/${orders[0].Id}/attachments`)).json as Json[];
    expect(attachments).toHaveLength(1);
    // the customer exists in PowerOffice now, and its number came back as the debtor number
    const customerLink = (await links(world, installationId, "relation")).find((l: Json) => l.role === "customer" && l.hostId === CRM.org.goudenKorf)!;
    expect(String(order.CustomerId)).toBe(customerLink.remoteId);
  });

  it("a booking whose answers were lost is found by its reference, never made twice, and its PDF is not uploaded again", async () => {
    await updateSettings(world, installationId, (s) => void (s.general.salesOrderStatus = "Confirmed"));
    const second = await sentInvoice("2026-0102");
    await fetch(`${world.poweroffice!.url}/__admin/faults`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ timeoutAfterWriteRate: 1 }),
    });
    const [first] = await book(second.events);
    await fetch(`${world.poweroffice!.url}/__admin/faults`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ timeoutAfterWriteRate: 0 }) });
    expect(first.error ?? (first.result as Json).outcome).toBeTruthy();
    const [retry] = await book(second.events);
    expect(retry.error).toBeUndefined();
    const orders = await ordersWith(`ledgerlink:crm:inv:${second.number}`);
    expect(orders).toHaveLength(1);
    expect(orders[0].SalesOrderStatus).toBe("Confirmed");
    // the first attempt's upload landed too (its answer lost): the retry finds it
    const attachments = (await go("GET", `/SalesOrders/${orders[0].Id}/attachments`)).json as Json[];
    expect(attachments.map((a) => a.FileName)).toEqual([`factuur-${second.number}.pdf`]);
  });

  it("an invoice whose VAT group has no PowerOffice VAT code stops alone, with the group named in the log", async () => {
    await updateSettings(world, installationId, (s) => void delete s.vatGroups.vatMapping[CRM.vatGroup.NL9]);
    const inv = await api.post("Activity_Invoice", {
      Subject: "Levering",
      InvoiceDate: "2026-03-03",
      Currency: "EUR",
      Relationship: { ID: CRM.customer.goudenKorf },
      ProductLines: [{ Description: "Boeken", Quantity: 1, Price: 20, VatGroup: { ID: CRM.vatGroup.NL9 } }],
    });
    const failed = await bookRefused(inv.ID);
    expect(failed).toHaveLength(1);
    expect(failed[0].message).toBe("connectors.poweroffice.log.unmappedVatGroup");
    expect(failed[0].messageParams).toMatchObject({ vatGroup: "NL - 9%" });
    await updateSettings(world, installationId, (s) => void (s.vatGroups.vatMapping[CRM.vatGroup.NL9] = "31"));
  });

  it("a line whose mapped VAT code is neither of its product's sales accounts' stops the invoice instead of booking other VAT", async () => {
    // Consultancy went to Go on an account with code 3 (its CRM group NL 21 % maps to 3); NL 9 % maps to 31
    const inv = await api.post("Activity_Invoice", {
      Subject: "Advies",
      InvoiceDate: "2026-03-04",
      Currency: "EUR",
      Relationship: { ID: CRM.customer.goudenKorf },
      ProductLines: [{ Description: "Consultancy", Quantity: 1, Price: 95, VatGroup: { ID: CRM.vatGroup.NL9 }, Product: { ID: CONSULTANCY } }],
    });
    const failed = await bookRefused(inv.ID);
    expect(failed.map((e: Json) => e.message)).toEqual(["connectors.poweroffice.log.vatCodeMismatch"]);
    expect(failed[0].messageParams).toMatchObject({ vatGroup: "NL - 9%", vatCode: "31", actual: "3" });
  });

  it("a part payment is logged on the invoice's line; the full payment marks the CRM invoice paid", async () => {
    const order = (await ordersWith(`ledgerlink:crm:inv:${invoice.number}`))[0];
    const sent = await fetch(`${world.poweroffice!.url}/__admin/sales-orders/${order.Id}/send`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    expect(sent.status).toBe(200);
    const outgoing = (await sent.json()) as Json;
    const pay = (amount?: number) =>
      fetch(`${world.poweroffice!.url}/__admin/outgoing-invoices/${outgoing.Id}/payments`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(amount ? { Amount: amount } : {}),
      });
    expect((await pay(100)).status).toBe(200);
    let out = await runScheduledPull("payments", "poweroffice");
    expect(out).toEqual([{ installationId, paid: 0, partlyPaid: 1 }]);
    expect((await api.get(`Activity_Invoice(${invoice.id})`)).IsPaid).toBe(false);
    const partial = (await syncLog(world, installationId)).filter((e: Json) => e.message === "sync.payments.partial");
    expect(partial).toHaveLength(1);
    expect(partial[0].label).toBe(invoice.number);

    expect((await pay()).status).toBe(200);
    out = await runScheduledPull("payments", "poweroffice");
    expect(out).toEqual([{ installationId, paid: 1, partlyPaid: 0 }]);
    expect((await api.get(`Activity_Invoice(${invoice.id})`)).IsPaid).toBe(true);
  });
});

describe("PowerOffice: a create whose answer was lost", () => {
  it("is found among many contacts made the same quarter of an hour, and not made twice", async () => {
    // more customers made in the last minutes than one list page holds (the newest come last)
    const faults = (body: unknown) =>
      fetch(`${world.poweroffice!.url}/__admin/faults`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    const generated = await fetch(`${world.poweroffice!.url}/__admin/generate`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ client: NORDLYS, customers: 600, seed: 11 }),
    });
    expect(generated.status).toBe(200);
    await world.takeEvents();
    const org = await api.post("Relation_Organization", { Name: "Nordavind Tapt Svar AS", Relationships: [{ _Type: CUSTOMER }] });
    const events = await world.takeEvents();
    const pushIt = () => runForEvents("poweroffice-push-relations", events, "ledgerlink/relation.changed");
    await faults({ timeoutAfterWriteRate: 1 });
    const [first] = await pushIt();
    await faults({});
    // the job's retry, should the first attempt have failed
    const [again] = await pushIt();
    const named = ((await go("GET", "/Customers")).json as Json[]).filter((c) => c.Name === "Nordavind Tapt Svar AS");
    expect(named).toHaveLength(1);
    // the lost answer's create was found at once: the push did not fail
    expect(first.error).toBeUndefined();
    expect(again?.error).toBeUndefined();
    const link = (await links(world, installationId, "relation")).find((l: Json) => l.role === "customer" && l.hostId === org.ID);
    expect(link?.remoteId).toBe(String(named[0].Id));
    const rel = ((await api.get(`Relation_Organization(${org.ID})?$expand=Relationships`)).Relationships as Json[]).find((r) => r._Type === CUSTOMER);
    expect(rel.DebtorNumber).toBe(String(named[0].Number));
  });
});
