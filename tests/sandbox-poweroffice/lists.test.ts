import { describe, expect, it } from "vitest";
import { c, sim, useSimulator, type Row } from "./helpers";

let now = Date.parse("2024-06-03T10:00:00Z");

useSimulator({ clock: () => new Date(now) });

const numbers = (rows: Row[]) => rows.map((r) => r.Number);

describe("paging", () => {
  it("pages with PageNumber (from 1) and PageSize, in creation order", async () => {
    const all = await c.json<Row[]>(c.get("/Customers"));
    expect(numbers(all)).toEqual([10001, 10002, 10003, 10004, 10005, 10006, 10007]);
    expect(numbers(await c.json<Row[]>(c.get("/Customers?PageSize=3")))).toEqual([10001, 10002, 10003]);
    expect(numbers(await c.json<Row[]>(c.get("/Customers?PageSize=3&PageNumber=3")))).toEqual([10007]);
  });

  it("answers 204 with an empty body when nothing matches, or past the last page", async () => {
    const past = await c.get("/Customers?PageSize=3&PageNumber=4");
    expect(past.status).toBe(204);
    expect(await past.text()).toBe("");
    expect(past.headers.get("content-type")).toBeNull();
    const none = await c.get("/Customers?customerNos=19000-");
    expect(none.status).toBe(204);
  });

  it("sends no paging headers unless configured; then X-Pagination", async () => {
    const plain = await c.get("/Customers?PageSize=2");
    expect(plain.headers.get("x-pagination")).toBeNull();
    sim.setSettings({ pagingHeaders: "x-pagination" });
    const paged = await c.get("/Customers?PageSize=2&PageNumber=2");
    expect(JSON.parse(paged.headers.get("x-pagination")!)).toEqual({ TotalCount: 7, PageSize: 2, CurrentPage: 2, TotalPages: 4 });
  });

  it("refuses a PageSize above MaxPageSize, PageNumber 0 and unknown query parameters", async () => {
    sim.setSettings({ maxPageSize: 100 });
    const big = await c.get("/Customers?PageSize=101");
    expect(big.status).toBe(400);
    expect(((await big.json()) as { Errors: Record<string, string[]> }).Errors.PageSize![0]).toMatch(/MaxPageSize \(100\)/);
    expect((await c.get("/Customers?PageNumber=0")).status).toBe(400);
    const typo = await c.get("/Customers?lastChangedDateTimeGreaterThan=2024-01-01T00:00:00Z");
    expect(typo.status).toBe(400);
    expect(((await typo.json()) as { Errors: Record<string, string[]> }).Errors).toHaveProperty("lastChangedDateTimeGreaterThan");
  });

  it("orders with OrderBy and projects with Fields", async () => {
    const rows = await c.json<Row[]>(c.get("/Customers?OrderBy=Number desc&Fields=Number,Name&PageSize=2"));
    expect(rows).toEqual([
      { Number: 10007, Name: "Gamle Butikken AS" },
      { Number: 10006, Name: "Nordic Design AB" },
    ]);
    expect((await c.get("/Customers?Fields=Number,Shoesize")).status).toBe(400);
    expect((await c.get("/Customers?OrderBy=Name sideways")).status).toBe(400);
  });
});

describe("filters", () => {
  it("customerNos takes numbers and ranges; externalImportReference matches exactly", async () => {
    expect(numbers(await c.json<Row[]>(c.get("/Customers?customerNos=10001-10002, 10006, 10007-")))).toEqual([10001, 10002, 10006, 10007]);
    expect((await c.get("/Customers?customerNos=abc")).status).toBe(400);
    await c.json(c.patch(`/Customers/${(await c.json<Row[]>(c.get("/Customers?customerNos=10004")))[0]!.Id}`, [
      { op: "replace", path: "/ExternalImportReference", value: "tribe-org-42" },
    ]));
    expect(numbers(await c.json<Row[]>(c.get("/Customers?externalImportReference=tribe-org-42")))).toEqual([10004]);
  });

  it("lastChangedDateTimeOffsetGreaterThan returns what changed after the instant, exclusively and at full precision", async () => {
    const before = await c.json<Row[]>(c.get("/Customers"));
    const newest = before.map((r) => r.LastChangedDateTimeOffset as string).sort().at(-1)!;
    // Go's seven fractional digits
    expect(newest).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{7}Z$/);
    expect((await c.get(`/Customers?lastChangedDateTimeOffsetGreaterThan=${encodeURIComponent(newest)}`)).status).toBe(204);

    const target = before.find((r) => r.Number === 10002)!;
    const changed = await c.json(c.patch(`/Customers/${target.Id}`, [{ op: "replace", path: "/PhoneNumber", value: "+47 73 99 99 99" }]));
    expect(changed.LastChangedDateTimeOffset! > newest).toBe(true);
    const after = await c.json<Row[]>(c.get(`/Customers?lastChangedDateTimeOffsetGreaterThan=${encodeURIComponent(newest)}`));
    expect(numbers(after)).toEqual([10002]);
    // the same instant with an offset means the same
    const oslo = new Date(Date.parse(newest)).toISOString().replace("Z", "+00:00");
    expect(numbers(await c.json<Row[]>(c.get(`/Customers?lastChangedDateTimeOffsetGreaterThan=${encodeURIComponent(oslo)}`)))).toContain(10002);
    // a date-time without offset is not one
    expect((await c.get("/Customers?lastChangedDateTimeOffsetGreaterThan=2024-01-01T00:00:00")).status).toBe(400);
  });

  it("two writes in the same millisecond get different, increasing stamps", async () => {
    const [a, b] = await c.json<Row[]>(c.get("/Products?PageSize=2"));
    const first = await c.json(c.patch(`/Products/${a!.Id}`, [{ op: "replace", path: "/UnitPrice", value: 1 }]));
    const second = await c.json(c.patch(`/Products/${b!.Id}`, [{ op: "replace", path: "/UnitPrice", value: 2 }]));
    expect(first.LastChangedDateTimeOffset).not.toBe(second.LastChangedDateTimeOffset);
    expect(String(first.LastChangedDateTimeOffset).slice(0, 23)).toBe(String(second.LastChangedDateTimeOffset).slice(0, 23));
    const since = await c.json<Row[]>(c.get(`/Products?lastChangedDateTimeOffsetGreaterThan=${encodeURIComponent(String(first.LastChangedDateTimeOffset))}`));
    expect(since.map((p) => p.Id)).toEqual([b!.Id]);
  });

  it("filters products, contact persons, ledger accounts and VAT codes as the spec describes", async () => {
    expect((await c.json<Row[]>(c.get("/Products?isArchived=true"))).map((p) => p.Code)).toEqual(["LAMPE-OLD"]);
    expect((await c.json<Row[]>(c.get("/Products?type=Service"))).map((p) => p.Code)).toEqual(["KONS-T", "MONT", "FRAKT"]);
    expect((await c.json<Row[]>(c.get("/Products?productGroupCodes=2"))).map((p) => p.Code)).toEqual(["GARD-LIN"]);
    expect((await c.json<Row[]>(c.get("/Products?codes=sofa-3,MONT"))).map((p) => p.Code)).toEqual(["SOFA-3", "MONT"]);

    const havbris = (await c.json<Row[]>(c.get("/Customers?customerNos=10001")))[0]!;
    const persons = await c.json<Row[]>(c.get(`/ContactPersons?contactIds=${havbris.Id}`));
    expect(persons.map((p) => `${p.FirstName} ${p.LastName}`)).toEqual(["Kari Nordmann", "Ola Hansen"]);
    expect(persons.every((p) => p.ContactId === havbris.Id)).toBe(true);

    const sales = await c.json<Row[]>(c.get("/GeneralLedgerAccounts?accountNos=3000-3999"));
    expect(sales.map((a) => a.AccountNo)).toEqual([3000, 3010, 3020, 3100, 3200, 3099]);
    expect(sales.find((a) => a.AccountNo === 3000)).toMatchObject({ Name: "Salgsinntekt, avgiftspliktig", VatCode: "3", GeneralLedgerAccountType: "Income" });

    const vat = await c.json<Row[]>(c.get("/VatCodes"));
    expect(vat.find((v) => v.Code === "3")).toMatchObject({ Rate: 0.25, IsActive: true });
    expect(vat.map((v) => v.Code)).not.toContain("C3"); // expired
    expect((await c.json<Row[]>(c.get("/VatCodes?includeExpired=true"))).map((v) => v.Code)).toContain("C3");
  });
});
