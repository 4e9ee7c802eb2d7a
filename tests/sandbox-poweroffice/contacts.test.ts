import { describe, expect, it } from "vitest";
import { c, useSimulator, type Row } from "./helpers";

useSimulator();

async function byNumber(path: "/Customers" | "/Suppliers", no: number): Promise<Row> {
  const param = path === "/Customers" ? "customerNos" : "supplierNos";
  return (await c.json<Row[]>(c.get(`${path}?${param}=${no}`)))[0]!;
}

describe("creating customers and suppliers", () => {
  it("assigns the Id and the next customer number; the answer is the whole CustomerDto", async () => {
    const res = await c.post("/Customers", {
      Name: "Fjellheim Hytteutleie AS",
      OrganizationNumber: "987123456",
      EmailAddress: "post@fjellheim.test",
      MailAddress: { AddressLine1: "Fjellvegen 1", ZipCode: "3580", City: "Geilo" },
      ExternalImportReference: "tribe-org-1001",
    });
    expect(res.status).toBe(201);
    const created = (await res.json()) as Row;
    expect(created).toMatchObject({
      Name: "Fjellheim Hytteutleie AS",
      Number: 10008,
      IsActive: true,
      IsArchived: false,
      IsPerson: null,
      PhoneNumber: null,
      MailAddress: { City: "Geilo", CountryCode: "NO", Id: expect.any(Number) },
    });
    expect(typeof created.Id).toBe("number");
    expect(created.LastChangedDateTimeOffset).toBe(created.CustomerCreatedDateTimeOffset);
    expect(await c.json(c.get(`/Customers/${created.Id}`))).toEqual(created);

    const second = await c.json(c.post("/Customers", { Name: "Neste AS" }));
    expect(second.Number).toBe(10009);
    expect(second.Id).not.toBe(created.Id);
  });

  it("numbers suppliers in their own series: the same company as supplier is a second record with a second number", async () => {
    const customer = await c.json(c.post("/Customers", { Name: "Kystbåt AS", OrganizationNumber: "912000111" }));
    const supplier = await c.json(c.post("/Suppliers", { Name: "Kystbåt AS", OrganizationNumber: "912000111" }));
    expect(customer.Number).toBe(10008);
    expect(supplier.Number).toBe(20005);
    expect(supplier.Id).not.toBe(customer.Id);
  });

  it("keeps a seeded company that is both customer and supplier as one contact: one Id, two numbers, shared name", async () => {
    const customer = await byNumber("/Customers", 10005);
    const supplier = await byNumber("/Suppliers", 20003);
    expect(supplier.Id).toBe(customer.Id);
    expect(supplier.Name).toBe("Vestland Trevare AS");
    await c.json(c.patch(`/Customers/${customer.Id}`, [{ op: "replace", path: "/Name", value: "Vestland Trevare og Bygg AS" }]));
    const after = await c.json(c.get(`/Suppliers/${supplier.Id}`));
    expect(after.Name).toBe("Vestland Trevare og Bygg AS");
    expect(after.LastChangedDateTimeOffset! > supplier.LastChangedDateTimeOffset!).toBe(true);
  });

  it("makes a person's Name from first and last name, and requires them", async () => {
    const person = await c.json(c.post("/Customers", { IsPerson: true, FirstName: "Sofie", LastName: "Lund", EmailAddress: "sofie@epost.test" }));
    expect(person).toMatchObject({ Name: "Sofie Lund", IsPerson: true, Number: 10008 });
    const missing = await c.post("/Customers", { IsPerson: true, FirstName: "Sofie" });
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as { Errors: Record<string, string[]> }).Errors.LastName![0]).toMatch(/required when IsPerson/);
    const noName = await c.post("/Customers", { EmailAddress: "x@y.test" });
    expect(((await noName.json()) as { Errors: Record<string, string[]> }).Errors).toHaveProperty("Name");
  });

  it("refuses a number outside the series or taken, a taken ExternalImportReference and a malformed e-mail", async () => {
    const res = await c.post("/Customers", { Name: "A", Number: 20001 });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { Detail: string }).Detail).toMatch(/Number: 20001 is outside the customer ledger number series 10000-19999/);
    expect((await c.post("/Customers", { Name: "B", Number: 10001 })).status).toBe(400);
    expect((await c.json(c.post("/Customers", { Name: "C", Number: 15000 }))).Number).toBe(15000);
    expect((await c.json(c.post("/Customers", { Name: "D" }))).Number).toBe(15001);

    await c.json(c.post("/Customers", { Name: "E", ExternalImportReference: "ref-1" }));
    const dup = await c.post("/Customers", { Name: "F", ExternalImportReference: "ref-1" });
    expect(dup.status).toBe(400);
    expect(((await dup.json()) as { Errors: Record<string, string[]> }).Errors.ExternalImportReference![0]).toMatch(/already used/);
    // unique per class of contacts: a supplier may use it
    expect((await c.post("/Suppliers", { Name: "F", ExternalImportReference: "ref-1" })).status).toBe(201);

    const mail = await c.post("/Customers", { Name: "G", EmailAddress: "post(at)example" });
    expect(mail.status).toBe(400);
  });
});

describe("contact persons", () => {
  it("are created under a customer or supplier, listed by contactIds, and one is the default", async () => {
    const customer = await byNumber("/Customers", 10002);
    const res = await c.post(`/ContactPersons/${customer.Id}`, { FirstName: "Eva", LastName: "Strand", EmailAddress: "eva@solsiden-kafe.test", IsDefault: true });
    expect(res.status).toBe(201);
    const eva = (await res.json()) as Row;
    expect(eva).toMatchObject({ ContactId: customer.Id, IsActive: true, IsDefault: true });
    const persons = await c.json<Row[]>(c.get(`/ContactPersons?contactIds=${customer.Id}`));
    expect(persons.map((p) => [p.FirstName, p.IsDefault])).toEqual([
      ["Per", false],
      ["Eva", true],
    ]);
    expect((await c.get(`/ContactPersons/${customer.Id}/${eva.Id}`)).status).toBe(200);
    const other = await byNumber("/Customers", 10001);
    expect((await c.get(`/ContactPersons/${other.Id}/${eva.Id}`)).status).toBe(404);
    expect((await c.post("/ContactPersons/999999", { FirstName: "A", LastName: "B" })).status).toBe(404);
    expect((await c.post(`/ContactPersons/${customer.Id}`, { FirstName: "Uten" })).status).toBe(400);
  });
});

describe("deleting", () => {
  it("deletes a customer without transactions; one with invoices or that is an active supplier is a 409", async () => {
    const fresh = await c.json(c.post("/Customers", { Name: "Kortvarig AS" }));
    expect((await c.del(`/Customers/${fresh.Id}`)).status).toBe(200);
    expect((await c.get(`/Customers/${fresh.Id}`)).status).toBe(404);

    const withInvoices = await byNumber("/Customers", 10001);
    const conflict = await c.del(`/Customers/${withInvoices.Id}`);
    expect(conflict.status).toBe(409);
    expect(await conflict.json()).toMatchObject({ Status: 409, Title: "Conflict", Detail: expect.stringMatching(/sales orders or invoices/) });

    const bothRoles = await byNumber("/Suppliers", 20003);
    const alsoCustomer = await c.del(`/Suppliers/${bothRoles.Id}`);
    expect(alsoCustomer.status).toBe(409);
    expect(((await alsoCustomer.json()) as { Detail: string }).Detail).toMatch(/also an active customer/);
  });

  it("refuses to delete a product that is on an invoice, and deletes one that is not", async () => {
    const [sofa] = await c.json<Row[]>(c.get("/Products?codes=SOFA-3"));
    expect((await c.del(`/Products/${sofa!.Id}`)).status).toBe(409);
    const created = await c.json(c.post("/Products", { Name: "Puff", Code: "PUFF" }));
    expect((await c.del(`/Products/${created.Id}`)).status).toBe(200);
  });
});

describe("products", () => {
  it("are answered 200 on create (as the spec says), land in the default group and resolve sales accounts", async () => {
    const res = await c.post("/Products", { Name: "Pute lin", Code: "PUTE", UnitPrice: 399, StandardSalesAccount: 3000 });
    expect(res.status).toBe(200);
    const p = (await res.json()) as Row;
    expect(p).toMatchObject({ ProductGroupCode: "1", StandardSalesAccount: 3000, StandardSalesAccountId: expect.any(Number), ProductType: "Product", IsArchived: false });
    expect((await c.post("/Products", { Name: "Igjen", Code: "pute" })).status).toBe(400);
    expect((await c.post("/Products", { Name: "Feil konto", StandardSalesAccount: 3999 })).status).toBe(400);
    expect((await c.post("/Products", { Code: "UTEN-NAVN" })).status).toBe(400);
  });

  it("moves only the stock timestamp when only the stock changes", async () => {
    const [sofa] = await c.json<Row[]>(c.get("/Products?codes=SOFA-3"));
    const patched = await c.json(c.patch(`/Products/${sofa!.Id}`, [{ op: "replace", path: "/StockOnHand", value: 3 }]));
    expect(patched.LastChangedDateTimeOffset).toBe(sofa!.LastChangedDateTimeOffset);
    expect(patched.StockOnHandLastChangedDatetimeOffset! > String(sofa!.StockOnHandLastChangedDatetimeOffset)).toBe(true);
    expect(patched.StockAvailable).toBe(3);
  });
});
