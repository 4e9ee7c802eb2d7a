/**
 * The shapes Tribe documents (../shared/vendor-api/FACTS.md §1 and "More facts (second pass)" §1,
 * §5), sent to the sandbox CRM as Tribe's own clients send them. Each test quotes the FACTS line
 * it comes from; the first test checks that FACTS.md still says so. When the sandbox (or, through
 * the adapter tests, the app) drifts from what Tribe documents, one of these fails.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { A, host, T1, useInstalledHost } from "./helpers";

const FACTS_PATH = path.resolve(__dirname, "../../../shared/vendor-api/FACTS.md");

/** The FACTS.md lines the tests below rest on, verbatim. */
const FACTS = {
  everyEntity: "Fields on every entity: `ID` (Guid), `_Type` (for example `Relation.Organization`), `_Name`, `SortIndex`.",
  invoiceSystem: "Invoices also list `CreationDate`, `LastMutationDate`, `IsActive`, `IsClosed`. [V]",
  organization: "Organization fields: name, phoneNumber, emailAddress, financialEmailAddress, website, vatNumber, chamberOfCommerceNumber, chamberOfCommerceName. Navigation properties: `VisitingAddress`, `PostalAddress`, `Branch`. [V]",
  pascalCase: "both Efficy clients send PascalCase (`Name`, `PhoneNumber`, `FirstName`, `EmailAddress`)",
  invoiceAddress: "From mcp docs: `DebtorNumber`, and navigation `InvoiceAddress`, `VisitingAddress`.",
  address: "**Address:** `Street`, `City`, `Postalcode` (spelled that way), and `Country` → `Name`",
  person: "From n8n `person.ts`: `FirstName`, `MiddleName`, `LastName`, `EmailAddress`, `PhoneNumber`, `MobilePhoneNumber`.",
  customerReferences: "It is created with references such as `Organization: {ID}` or `Relation: {ID}`. [V]",
  customerFields: "**Relationship_Organization_CommercialRelationship_Customer:** `Relation{ID}`, `Organization{ID}`, `Name`, `PaymentTermInDays`",
  contact: "contact persons in `Relationship_Person_Contact_Standard` (links `Person` and `Relation`; fields `EmailAddress`, `PhoneNumber`, `MobilePhoneNumber`, `Department`)",
  invoiceFields: "`Activity_Invoice` fields: `Subject`, `Number`, `Amount`, `Currency`, `IsVatIncluded`, `DiscountPercentage`, and more. It can be expanded with `Phase, ProductLines, Relationship, Contact`. [V]",
  phaseChange: "A phase change is `POST /v1/odata/Activity_Invoice {ID, Phase:{ID}}`.",
  phases: "Invoices use `Datastore_Phase_ActivityInvoice` (Draft, Sent, Paid); sales orders use `Datastore_Phase_ActivitySalesOrder`",
  phaseFilter: "Filter with `Phase/Code eq 'Sent'`",
  salesOrder: "Sales order extra fields (dev.tribe `/activities/salesorders`): `DeliveryDate`, `CustomerReference`, `ExternalOrderNumber`. Expand with `Relationship,Contact,ProductLines,Phase`.",
  productLine: "Totals and VAT: `Total`, `TotalExcludingVat`, `TotalIncludingVat`, the `*InCurrency` variants, `VatPercentage`, `VatAmount`",
  productLineFields: "Line fields: `Description`, `LocalizedDescription`, `ExtraDescription`, `Quantity`, `Price`",
  product: "Fields: `Name`, `LocalizedName`, `Code`, `Description`, `SalesPrice`, `PurchasePrice`",
  productNav: "Navigation properties: `ProductGroup`, `Unit` → Datastore.Unit, `VatGroup` → Datastore.VatGroup, `GeneralLedgerAccount` → Datastore.GeneralLedgerAccount",
  updates: "Both Efficy clients instead update with `POST /{Set}` and `ID` in the body. The simulator should accept both. [V]",
  put: "The developer docs also list `PUT /v1/odata/{Set}({id})`.",
  query: "Supported: `$select`, `$expand` (nested `$select`), `$filter`, `$orderby`, `$top`, `$skip`, `$count=true`. [V]",
  operators: "`$filter` supports eq, ne, gt, ge, lt, le, and/or/not, and contains/startswith/endswith (case-insensitive). `in` and `has` are **not supported**. [V]",
  top: "**At most 100 records per GET.** [V]",
  currentEmployee: "`GET /v1/odata/GetCurrentEmployee()?$expand=Person` tells you who the token belongs to",
  employee: "**Employee:** `Relationship_Person_Contact_Employee`.",
} as const;

const VAN_DIJK = "5cbd5864-6a67-5308-8796-a4f6016f53f6";
const INVOICE_SENT = "e40e923a-6483-5b2c-8fd4-b8647cc22449";
const SALES_ORDER = "32f34b76-3096-5e33-9c47-d183e244736d";

useInstalledHost();

const ok = async <T = any>(r: Promise<{ status: number; json: T }>, status = 200): Promise<T> => {
  const res = await r;
  expect(res.status, JSON.stringify(res.json)).toBe(status);
  return res.json;
};

describe("the FACTS the tests quote", () => {
  it.skipIf(!existsSync(FACTS_PATH))("are still in FACTS.md", () => {
    const facts = readFileSync(FACTS_PATH, "utf8");
    for (const [name, line] of Object.entries(FACTS)) expect(facts.includes(line), `FACTS.${name}: ${line}`).toBe(true);
  });
});

describe("entities", () => {
  it(`every entity: ${FACTS.everyEntity}`, async () => {
    for (const set of ["Relation_Organization", "Relation_Person", "Address", "Activity_Invoice", "Product", "Datastore_Phase_ActivityInvoice"]) {
      const row = (await ok(A.get(`${set}?$top=1`))).value[0];
      expect(Object.keys(row), set).toEqual(expect.arrayContaining(["ID", "_Type", "_Name", "SortIndex"]));
    }
    const org = await ok(A.get(`Relation_Organization(${VAN_DIJK})?$select=_Type`));
    expect(org._Type).toBe("Relation.Organization");
  });

  it(`organizations, in PascalCase: ${FACTS.organization} / ${FACTS.pascalCase}`, async () => {
    const fields = {
      Name: "Documentatie BV",
      PhoneNumber: "+31 20 000 0000",
      EmailAddress: "info@documentatie.test",
      FinancialEmailAddress: "facturen@documentatie.test",
      Website: "https://documentatie.test",
      VatNumber: "NL000000000B01",
      ChamberOfCommerceNumber: "00000000",
      ChamberOfCommerceName: "Documentatie B.V.",
    };
    const created = await ok(A.post("Relation_Organization", fields), 201);
    expect(created).toMatchObject(fields);
    const { "@odata.context": _, ...read } = await ok(A.get(`Relation_Organization(${created.ID})?$select=${Object.keys(fields).join(",")}`));
    expect(read).toEqual({ ID: created.ID, ...fields });
  });

  it(`addresses: ${FACTS.organization} / ${FACTS.invoiceAddress} / ${FACTS.address}`, async () => {
    const nl = (await ok(A.get("Datastore_Country?$filter=Code eq 'NL'"))).value[0];
    const created = await ok(
      A.post("Relation_Organization", {
        Name: "Adressen BV",
        VisitingAddress: { Street: "Keizersgracht 123 A", Postalcode: "1015 CJ", City: "Amsterdam", Country: { ID: nl.ID } },
        PostalAddress: { Street: "Postbus 10", Postalcode: "1000 AA", City: "Amsterdam", Country: { ID: nl.ID } },
        InvoiceAddress: { Street: "Factuurstraat 1", City: "Utrecht" },
      }),
      201,
    );
    const read = await ok(
      A.get(`Relation_Organization(${created.ID})?$expand=VisitingAddress($select=Street,City,Postalcode;$expand=Country($select=Name)),PostalAddress($expand=Country),InvoiceAddress`),
    );
    expect(read.VisitingAddress).toEqual({ ID: expect.any(String), Street: "Keizersgracht 123 A", City: "Amsterdam", Postalcode: "1015 CJ", Country: { ID: nl.ID, Name: "Nederland" } });
    expect(read.PostalAddress).toMatchObject({ Street: "Postbus 10", Country: { Name: "Nederland" } });
    expect(read.InvoiceAddress).toMatchObject({ Street: "Factuurstraat 1", City: "Utrecht" });
    const byCity = await ok(A.get(`Relation_Organization?$filter=VisitingAddress/City eq 'Amsterdam' and Name eq 'Adressen BV'&$select=ID`));
    expect(byCity.value).toEqual([{ ID: created.ID }]);
  });

  it(`persons: ${FACTS.person}`, async () => {
    const fields = { FirstName: "Anna", MiddleName: "van", LastName: "Dam", EmailAddress: "anna@dam.test", PhoneNumber: "+31 30 000 0000", MobilePhoneNumber: "+31 6 00000000" };
    const created = await ok(A.post("Relation_Person", fields), 201);
    expect(created).toMatchObject(fields);
  });

  it(`customer relationships: ${FACTS.customerReferences} / ${FACTS.customerFields}`, async () => {
    const org = await ok(A.post("Relation_Organization", { Name: "Klant via n8n" }), 201);
    // as Tribe's n8n node sends it
    const customer = await ok(A.post("Relationship_Organization_CommercialRelationship_Customer", { Organization: { ID: org.ID }, Name: "Klant via n8n", PaymentTermInDays: 30 }), 201);
    expect(customer).toMatchObject({ _Type: "Relationship.Organization.CommercialRelationship.Customer", Name: "Klant via n8n", PaymentTermInDays: 30 });
    const other = await ok(A.post("Relation_Organization", { Name: "Klant via Relation" }), 201);
    await ok(A.post("Relationship_Organization_CommercialRelationship_Customer", { Relation: { ID: other.ID }, PaymentTermInDays: 14 }), 201);
    const roles = await ok(A.get(`Relation_Organization(${org.ID})?$expand=Relationships`));
    expect(roles.Relationships.map((r: { ID: string }) => r.ID)).toEqual([customer.ID]);
  });

  it(`contact persons and employees: ${FACTS.contact} / ${FACTS.employee}`, async () => {
    const contact = (await ok(A.get("Relationship_Person_Contact_Standard?$top=1&$select=EmailAddress,PhoneNumber,MobilePhoneNumber,Department&$expand=Person($select=LastName),Relation($select=Name)"))).value[0];
    expect(contact).toMatchObject({ Person: { LastName: "Vermeulen" }, Relation: { Name: "Bakkerij De Gouden Korf" } });
    expect(Object.keys(contact)).toEqual(expect.arrayContaining(["EmailAddress", "PhoneNumber", "MobilePhoneNumber", "Department"]));
    const employee = (await ok(A.get("Relationship_Person_Contact_Employee?$expand=Person"))).value[0];
    expect(employee).toMatchObject({ _Type: "Relationship.Person.Contact.Employee", Person: { FirstName: "Sanne" } });
  });

  it(`products: ${FACTS.product} / ${FACTS.productNav}`, async () => {
    const p = (await ok(A.get("Product?$filter=Code eq 'CONS-UUR'&$select=Name,Code,Description,SalesPrice,PurchasePrice&$expand=ProductGroup,Unit,VatGroup,GeneralLedgerAccount"))).value[0];
    expect(p).toMatchObject({ Name: "Consultancy per uur", Code: "CONS-UUR", SalesPrice: 95, Unit: { _Type: "Datastore.Unit" }, VatGroup: { _Type: "Datastore.VatGroup" } });
    expect(Object.keys(p)).toEqual(expect.arrayContaining(["Description", "PurchasePrice", "ProductGroup", "GeneralLedgerAccount"]));
  });
});

describe("invoices and sales orders", () => {
  it(`${FACTS.invoiceFields} / ${FACTS.invoiceSystem}`, async () => {
    const inv = await ok(A.get(`Activity_Invoice(${INVOICE_SENT})?$expand=Phase,ProductLines,Relationship,Contact`));
    expect(inv).toMatchObject({ _Type: "Activity.Invoice", Number: "2026-0001", Subject: "Implementatie CRM", Amount: 1545, Currency: "EUR", IsVatIncluded: false, DiscountPercentage: 0, IsActive: true, IsClosed: false });
    expect(Object.keys(inv)).toEqual(expect.arrayContaining(["CreationDate", "LastMutationDate"]));
    expect(inv.Phase).toMatchObject({ Code: "Sent" });
    expect(inv.ProductLines).toHaveLength(2);
    // the customer is the Relation of the invoice's Relationship
    expect(inv.Relationship).toMatchObject({ _Type: "Relationship.Organization.CommercialRelationship.Customer", Relation: { ID: VAN_DIJK } });
    expect(inv).toHaveProperty("Contact");
  });

  it(`product lines: ${FACTS.productLineFields} / ${FACTS.productLine}`, async () => {
    const line = (await ok(A.get(`Activity_Invoice(${INVOICE_SENT})/ProductLines?$orderby=Description&$select=Description,Quantity,Price,DiscountPercentage,VatPercentage,TotalExcludingVat,VatAmount,TotalIncludingVat`))).value[0];
    expect(line).toEqual({ ID: expect.any(String), Description: "Consultancy januari", Quantity: 12, Price: 95, DiscountPercentage: 0, VatPercentage: 21, TotalExcludingVat: 1140, VatAmount: 239.4, TotalIncludingVat: 1379.4 });
  });

  it(`phases: ${FACTS.phases} / ${FACTS.phaseFilter} / ${FACTS.phaseChange}`, async () => {
    const codes = (await ok(A.get("Datastore_Phase_ActivityInvoice?$orderby=Code"))).value.map((p: { Code: string }) => p.Code);
    expect(codes).toEqual(["Draft", "Paid", "Sent"]);
    expect((await ok(A.get("Datastore_Phase_ActivitySalesOrder"))).value.length).toBeGreaterThan(0);
    const sent = await ok(A.get(`Activity_Invoice?$filter=${encodeURIComponent("Phase/Code eq 'Sent'")}&$select=Number`));
    expect(sent.value.map((i: { Number: string }) => i.Number)).toEqual(["2026-0001"]);
    const paid = (await ok(A.get("Datastore_Phase_ActivityInvoice?$filter=Code eq 'Paid'"))).value[0];
    await ok(A.post("Activity_Invoice", { ID: INVOICE_SENT, Phase: { ID: paid.ID } }));
    expect((await ok(A.get(`Activity_Invoice(${INVOICE_SENT})?$expand=Phase`))).Phase.Code).toBe("Paid");
  });

  it(`sales orders: ${FACTS.salesOrder}`, async () => {
    await ok(A.post("Activity_SalesOrder", { ID: SALES_ORDER, ExternalOrderNumber: "EXT-42" }));
    const so = await ok(A.get(`Activity_SalesOrder(${SALES_ORDER})?$expand=Relationship,Contact,ProductLines,Phase`));
    expect(so).toMatchObject({ _Type: "Activity.SalesOrder", DeliveryDate: "2026-02-20", CustomerReference: "PO-7781", ExternalOrderNumber: "EXT-42", Phase: { Code: "Draft" } });
    expect(so.Relationship.Relation).toEqual({ ID: expect.any(String) });
  });
});

describe("writes", () => {
  it(`updates: ${FACTS.updates} / ${FACTS.put}`, async () => {
    await ok(A.post("Relation_Organization", { ID: VAN_DIJK, PhoneNumber: "+31 10 111 1111" }));
    await ok(A.put(`Relation_Organization(${VAN_DIJK})`, { Website: "https://vandijk.test" }));
    expect(await ok(A.get(`Relation_Organization(${VAN_DIJK})?$select=PhoneNumber,Website`))).toMatchObject({ ID: VAN_DIJK, PhoneNumber: "+31 10 111 1111", Website: "https://vandijk.test" });
  });
});

describe("queries", () => {
  it(FACTS.query, async () => {
    const page = await ok(A.get("Relation_Organization?$select=Name&$expand=VisitingAddress($select=City)&$filter=IsActive eq true&$orderby=Name desc&$top=2&$skip=1&$count=true"));
    expect(page["@odata.count"]).toBe(6);
    expect(page.value).toHaveLength(2);
    expect(page.value[0]).toEqual({ ID: expect.any(String), Name: "Sandbox BV", VisitingAddress: { ID: expect.any(String), City: "Amsterdam" } });
  });

  it(FACTS.operators, async () => {
    const names = async (filter: string) => (await ok(A.get(`Relation_Organization?$select=Name&$orderby=Name&$filter=${encodeURIComponent(filter)}`))).value.map((o: { Name: string }) => o.Name);
    expect(await names("contains(Name,'GOUDEN') or startswith(Name,'technisch') or endswith(Name,'NOORD')")).toEqual(["Bakkerij De Gouden Korf", "Groothandel Noord", "Technisch Bureau Van Dijk B.V."]);
    expect(await names("not (IsOwnOrganization eq false) and Name ne 'x'")).toEqual(["Sandbox BV"]);
    expect(await names("SortIndex gt 0 and SortIndex ge 1 and SortIndex lt 100000 and SortIndex le 100000 and Name eq 'Sandbox BV'")).toEqual(["Sandbox BV"]);
    for (const refused of ["Name in ('Sandbox BV')", "Name has 'x'"]) {
      expect((await A.get(`Relation_Organization?$filter=${encodeURIComponent(refused)}`)).status, refused).toBe(400);
    }
  });

  it(FACTS.top, async () => {
    expect((await A.get("Relation_Organization?$top=101")).status).toBe(400);
    await fetch(`${host.url}/__admin/seed`, { method: "POST", body: JSON.stringify({ tenant: T1, organizations: 150 }) });
    expect((await ok(A.get("Relation_Organization"))).value).toHaveLength(100);
  });
});

describe("GetCurrentEmployee()", () => {
  it(FACTS.currentEmployee, async () => {
    const me = await ok(A.get("GetCurrentEmployee()?$expand=Person"));
    expect(me).toMatchObject({ _Type: "Relationship.Person.Contact.Employee", EmailAddress: "sanne@sandbox-bv.nl", Person: { FirstName: "Sanne", LastName: "Vries" } });
  });
});
