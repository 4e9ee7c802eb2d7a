import { describe, expect, it } from "vitest";
import { api, c, sim, tokenFor, useSimulator } from "./helpers";

useSimulator();

type Problem = { Type: string; Title: string; Status: number; Detail: string; Instance: string; Errors?: Record<string, string[]> };

describe("requests are validated against the spec", () => {
  it("answers 400 ProblemDetails (PascalCase, as the spec names them) naming every reason", async () => {
    const res = await c.post("/Customers", {
      Name: "Ugyldig AS",
      ShoeSize: 44,
      IsPerson: "nei",
      ExternalImportReference: "x".repeat(51),
      MailAddress: { AddressLine1: "Gate 1" },
    });
    expect(res.status).toBe(400);
    expect(res.headers.get("content-type")).toMatch(/application\/json/);
    const p = (await res.json()) as Problem;
    expect(Object.keys(p).sort()).toEqual(["Detail", "Errors", "Instance", "Status", "Title", "Type"]);
    expect(p).toMatchObject({ Status: 400, Title: "One or more validation errors occurred.", Instance: "/v2/Customers" });
    expect(p.Errors).toMatchObject({
      ShoeSize: [expect.stringMatching(/not a known field/)],
      IsPerson: [expect.stringMatching(/must be boolean/)],
      ExternalImportReference: [expect.stringMatching(/must NOT have more than 50 characters/)],
      "MailAddress.City": [expect.stringMatching(/required/)],
      "MailAddress.ZipCode": [expect.stringMatching(/required/)],
    });
    for (const field of ["ShoeSize", "IsPerson", "ExternalImportReference", "MailAddress.City"]) expect(p.Detail).toContain(field);
    expect((await c.get("/Customers?customerNos=10008-")).status).toBe(204); // nothing was created
  });

  it("checks formats the spec declares: int64 ids in paths, dates, uuids, enums", async () => {
    expect((await c.get("/Customers/abc")).status).toBe(400);
    expect((await c.get("/SalesOrders/not-a-uuid")).status).toBe(400);
    const badDate = await c.post("/SalesOrders/Complete", { CustomerNo: 10001, SalesOrderDate: "06.05.2024" });
    expect(((await badDate.json()) as Problem).Errors?.SalesOrderDate?.[0]).toMatch(/format "date"/);
    const badStatus = await c.get("/SalesOrders?orderStatus=Sent");
    expect(((await badStatus.json()) as Problem).Errors?.orderStatus?.[0]).toMatch(/Draft/);
    const badLine = await c.post("/SalesOrders/Complete", { CustomerNo: 10001, SalesOrderLines: [{ ProductCode: "MONT", Quantity: "two" }] });
    expect(((await badLine.json()) as Problem).Errors).toHaveProperty(["SalesOrderLines[0].Quantity"]);
  });

  it("answers malformed JSON with 400 and an unsupported media type with 415", async () => {
    const broken = await c.raw("/Customers", { method: "POST", headers: { "content-type": "application/json" }, body: '{"Name": ' });
    expect(broken.status).toBe(400);
    expect(((await broken.json()) as Problem).Errors?.body?.[0]).toMatch(/not valid JSON/);
    const xml = await c.raw("/Customers", { method: "POST", headers: { "content-type": "application/xml" }, body: "<Name/>" });
    expect(xml.status).toBe(415);
    // the spec lists application/*+json too
    const vendorJson = await c.raw("/Customers", { method: "POST", headers: { "content-type": "application/vnd.ledgerlink+json" }, body: '{"Name":"Vendor AS"}' });
    expect(vendorJson.status).toBe(201);
  });

  it("tells unknown paths (404), wrong methods (405) and spec operations the simulator does not serve (501) apart", async () => {
    const unknown = await c.get("/Kunder");
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as Problem).Status).toBe(404);
    expect((await c.raw("/VatCodes", { method: "DELETE" })).status).toBe(405);
    const notServed = await c.get("/Projects");
    expect(notServed.status).toBe(501);
    expect(((await notServed.json()) as Problem).Detail).toMatch(/does not implement GET \/v2\/Projects/);
    expect((await c.get("/Customers/424242")).status).toBe(404);
    expect((await fetch(`${sim.url}/something-else`)).status).toBe(404);
  });

  it("runs the privilege check before validation, and validation before the business rules", async () => {
    const sport = api(sim, await tokenFor(sim, "sandbox-client-key-lillehammer-sport"));
    expect((await sport.post("/SalesOrders/Complete", { ShoeSize: 1 })).status).toBe(403);
    const invalid = await c.post("/SalesOrders/Complete", { ShoeSize: 1 });
    expect(((await invalid.json()) as Problem).Errors).toEqual({ ShoeSize: [expect.any(String)] });
  });
});
