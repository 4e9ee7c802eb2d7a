import { beforeEach, describe, expect, it } from "vitest";
import { c, useSimulator, type Row } from "./helpers";

let solsiden: Row;

useSimulator();
beforeEach(async () => {
  solsiden = (await c.json<Row[]>(c.get("/Customers?customerNos=10002")))[0]!;
});

type Problem = { Status: number; Detail: string; Errors?: Record<string, string[]> };

describe("PATCH with JSON Patch", () => {
  it("applies replace, add, remove and test for real and moves LastChangedDateTimeOffset", async () => {
    const res = await c.patch(`/Customers/${solsiden.Id}`, [
      { op: "test", path: "/Name", value: "Solsiden Kafé AS" },
      { op: "replace", path: "/Name", value: "Solsiden Kafé og Bakeri AS" },
      { op: "replace", path: "/EmailAddress", value: "post@solsiden.test" },
      { op: "remove", path: "/PhoneNumber" },
      { op: "add", path: "/WebsiteUrl", value: "https://solsiden.test" },
      { op: "replace", path: "/MailAddress/City", value: "Trondheim sentrum" },
    ]);
    expect(res.status).toBe(200);
    const patched = (await res.json()) as Row;
    expect(patched).toMatchObject({
      Name: "Solsiden Kafé og Bakeri AS",
      EmailAddress: "post@solsiden.test",
      PhoneNumber: null,
      WebsiteUrl: "https://solsiden.test",
      Number: 10002,
      Id: solsiden.Id,
    });
    expect((patched.MailAddress as Row).City).toBe("Trondheim sentrum");
    expect((patched.MailAddress as Row).Id).toBe((solsiden.MailAddress as Row).Id);
    expect(patched.LastChangedDateTimeOffset! > solsiden.LastChangedDateTimeOffset!).toBe(true);
    expect(await c.json(c.get(`/Customers/${solsiden.Id}`))).toEqual(patched);
  });

  it("finds members case-insensitively, as ASP.NET's JsonPatch on a typed object does", async () => {
    const patched = await c.json(c.patch(`/Customers/${solsiden.Id}`, [{ op: "replace", path: "/name", value: "Små bokstaver AS" }]));
    expect(patched.Name).toBe("Små bokstaver AS");
    expect(patched).not.toHaveProperty("name");
  });

  it("refuses a replace of an unknown member, an add of an unknown member and a failed test, changing nothing", async () => {
    const unknown = await c.patch(`/Customers/${solsiden.Id}`, [
      { op: "replace", path: "/Name", value: "Skal ikke lagres" },
      { op: "replace", path: "/ShoeSize", value: 44 },
    ]);
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as Problem).Detail).toMatch(/Operation 1 \(replace \/ShoeSize\): 'ShoeSize' was not found/);

    const added = await c.patch(`/Customers/${solsiden.Id}`, [{ op: "add", path: "/ShoeSize", value: 44 }]);
    expect(added.status).toBe(400);
    expect(((await added.json()) as Problem).Errors).toHaveProperty("ShoeSize");

    const failedTest = await c.patch(`/Customers/${solsiden.Id}`, [
      { op: "test", path: "/Name", value: "Et annet navn" },
      { op: "replace", path: "/Name", value: "Skal ikke lagres" },
    ]);
    expect(failedTest.status).toBe(400);
    expect(((await failedTest.json()) as Problem).Detail).toMatch(/test failed/);

    expect(await c.json(c.get(`/Customers/${solsiden.Id}`))).toEqual(solsiden);
  });

  it("refuses read-only members, also inside the address", async () => {
    for (const path of ["/Id", "/LastChangedDateTimeOffset", "/IsActive", "/MailAddress/Id", "/PaymentTerm"]) {
      const res = await c.patch(`/Customers/${solsiden.Id}`, [{ op: "replace", path, value: 1 }]);
      expect(res.status, path).toBe(400);
      expect(((await res.json()) as Problem).Detail, path).toMatch(/is read-only/);
    }
  });

  it("checks the patched record against the schema and the business rules", async () => {
    const wrongType = await c.patch(`/Customers/${solsiden.Id}`, [{ op: "replace", path: "/Name", value: 42 }]);
    expect(wrongType.status).toBe(400);
    expect(((await wrongType.json()) as Problem).Errors?.Name?.[0]).toMatch(/must be string/);

    const badEnum = await c.patch(`/Customers/${solsiden.Id}`, [{ op: "replace", path: "/InvoiceDeliveryType", value: "Fax" }]);
    expect(((await badEnum.json()) as Problem).Errors?.InvoiceDeliveryType?.[0]).toMatch(/PdfByEmail/);

    const emptyName = await c.patch(`/Customers/${solsiden.Id}`, [{ op: "remove", path: "/Name" }]);
    expect(((await emptyName.json()) as Problem).Errors).toHaveProperty("Name");

    const taken = await c.patch(`/Customers/${solsiden.Id}`, [{ op: "replace", path: "/Number", value: 10001 }]);
    expect(((await taken.json()) as Problem).Errors?.Number?.[0]).toMatch(/already used/);
  });

  it("refuses to archive a customer with an open balance, and archives one without", async () => {
    const open = await c.patch(`/Customers/${solsiden.Id}`, [{ op: "replace", path: "/IsArchived", value: true }]);
    expect(open.status).toBe(400);
    expect(((await open.json()) as Problem).Detail).toMatch(/ledger balance of 5937.50/);
    const [lars] = await c.json<Row[]>(c.get("/Customers?customerNos=10004"));
    const archived = await c.json(c.patch(`/Customers/${lars!.Id}`, [{ op: "replace", path: "/IsArchived", value: true }]));
    expect(archived).toMatchObject({ IsArchived: true, IsActive: false });
  });

  it("wants application/json-patch+json and an array of operations", async () => {
    const asJson = await c.raw(`/Customers/${solsiden.Id}`, {
      method: "PATCH",
      headers: { "content-type": "application/json" },
      body: JSON.stringify([{ op: "replace", path: "/Name", value: "X" }]),
    });
    expect(asJson.status).toBe(415);
    expect(((await asJson.json()) as Problem).Detail).toMatch(/application\/json-patch\+json/);

    const notArray = await c.patch(`/Customers/${solsiden.Id}`, { op: "replace", path: "/Name", value: "X" });
    expect(notArray.status).toBe(400);
    expect(((await notArray.json()) as Problem).Detail).toMatch(/array of operations/);

    const badOp = await c.patch(`/Customers/${solsiden.Id}`, [{ op: "merge", path: "/Name", value: "X" }]);
    expect(((await badOp.json()) as Problem).Detail).toMatch(/op must be one of add, remove, replace, move, copy, test/);
  });

  it("patches products, product groups, ledger accounts and contact persons through the same rules", async () => {
    const [stol] = await c.json<Row[]>(c.get("/Products?codes=STOL-EIK"));
    const [textiles] = await c.json<Row[]>(c.get("/ProductGroups?codes=2"));
    const moved = await c.json(c.patch(`/Products/${stol!.Id}`, [
      { op: "replace", path: "/ProductGroupId", value: textiles!.Id },
      { op: "copy", from: "/UnitPrice", path: "/UnitCost" },
    ]));
    expect(moved).toMatchObject({ ProductGroupId: textiles!.Id, ProductGroupCode: "2", UnitCost: 2490 });
    expect((await c.patch(`/Products/${stol!.Id}`, [{ op: "replace", path: "/ProductGroupCode", value: "3" }])).status).toBe(400);

    const [acc] = await c.json<Row[]>(c.get("/GeneralLedgerAccounts?accountNos=3100"));
    const vat = await c.json<Row[]>(c.get("/VatCodes"));
    const six = vat.find((v) => v.Code === "6")!;
    expect(await c.json(c.patch(`/GeneralLedgerAccounts/${acc!.Id}`, [{ op: "replace", path: "/VatCodeId", value: six.Id }]))).toMatchObject({ VatCode: "6" });

    const [havbris] = await c.json<Row[]>(c.get("/Customers?customerNos=10001"));
    const [kari] = await c.json<Row[]>(c.get(`/ContactPersons?contactIds=${havbris!.Id}`));
    const person = await c.json(c.patch(`/ContactPersons/${kari!.ContactId}/${kari!.Id}`, [{ op: "replace", path: "/Title", value: "Hotelldirektør" }]));
    expect(person.Title).toBe("Hotelldirektør");
  });
});
