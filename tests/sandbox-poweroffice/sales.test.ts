import { describe, expect, it } from "vitest";
import { admin, c, sim, useSimulator, type Row } from "./helpers";

useSimulator({ clock: () => new Date("2024-06-03T10:00:00Z") });

type Problem = { Detail: string; Errors?: Record<string, string[]> };

const order = (ref: string, extra: Row = {}) => ({
  CustomerNo: 10001,
  SalesOrderDate: "2024-06-03",
  ExternalImportReference: ref,
  CustomerReference: "Kari Nordmann",
  PaymentTerm: 10,
  SalesOrderLines: [
    { ProductCode: "SOFA-3", Quantity: 1 },
    { ProductCode: "KONS-T", Quantity: 2, ProductUnitPrice: 1000, Allowance: 10, Description: "Rådgivning" },
    { LineType: "Text", Description: "Takk for handelen" },
  ],
  ...extra,
});

describe("POST /SalesOrders/Complete", () => {
  it("creates a draft with its lines, a UUID Id, the next order number and VAT from the products' sales accounts", async () => {
    const res = await c.post("/SalesOrders/Complete", order("tribe-invoice-1"));
    expect(res.status).toBe(201);
    const o = (await res.json()) as Row & { SalesOrderLines: Row[] };
    expect(o.Id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(o).toMatchObject({
      SalesOrderNo: 7, // the seed made six orders: one open, five sent as invoices
      SalesOrderStatus: "Draft",
      CustomerNo: 10001,
      CustomerId: expect.any(Number),
      CurrencyCode: "NOK",
      IsCreatedByCurrentIntegration: true,
      LineCount: 3,
      NetAmount: 14790, // 12990 + 2 × 1000 − 10 %
      TotalAmount: 18487.5,
    });
    expect(o.SalesOrderLines.map((l) => [l.ProductCode, l.Description, l.VatCode, l.VatRate, l.NetAmount, l.VatAmount, l.TotalAmount])).toEqual([
      ["SOFA-3", "Sofa Bergen 3-seter", "3", 0.25, 12990, 3247.5, 16237.5],
      ["KONS-T", "Rådgivning", "3", 0.25, 1800, 450, 2250],
      [null, "Takk for handelen", null, null, 0, 0, 0],
    ]);
    expect(o.SalesOrderLines.every((l) => l.SalesOrderId === o.Id && typeof l.Id === "string")).toBe(true);
    expect(await c.json(c.get(`/SalesOrders/${String(o.Id)}/Complete`))).toEqual(o);
    const light = await c.json(c.get(`/SalesOrders/${String(o.Id)}`));
    expect(light).not.toHaveProperty("SalesOrderLines");
    expect(light.LineCount).toBe(3);
    expect((await c.json<Row[]>(c.get(`/SalesOrders/${String(o.Id)}/Lines`))).length).toBe(3);
  });

  it("takes Confirmed as status, and a confirmed order only changes back to Draft", async () => {
    const o = await c.json(c.post("/SalesOrders/Complete", order("tribe-invoice-2", { SalesOrderStatus: "Confirmed" })));
    expect(o.SalesOrderStatus).toBe("Confirmed");
    const locked = await c.patch(`/SalesOrders/${String(o.Id)}`, [{ op: "replace", path: "/CustomerReference", value: "Ola" }]);
    expect(locked.status).toBe(400);
    expect(((await locked.json()) as Problem).Detail).toMatch(/Confirmed sales order; set SalesOrderStatus to Draft first/);
    await c.json(c.patch(`/SalesOrders/${String(o.Id)}`, [{ op: "replace", path: "/SalesOrderStatus", value: "Draft" }]));
    const edited = await c.json(c.patch(`/SalesOrders/${String(o.Id)}`, [{ op: "replace", path: "/CustomerReference", value: "Ola" }]));
    expect(edited.CustomerReference).toBe("Ola");
  });

  it("posts a VAT-free customer's lines to the optional sales account (0 %)", async () => {
    const o = await c.json<Row & { SalesOrderLines: Row[] }>(c.post("/SalesOrders/Complete", order("export-1", { CustomerNo: 10006 })));
    expect(o.SalesOrderLines[0]).toMatchObject({ VatCode: "5", VatRate: 0, VatAmount: 0 });
  });

  it("refuses unknown or inactive customers and products, and a duplicate ExternalImportReference", async () => {
    const unknownCustomer = await c.post("/SalesOrders/Complete", order("x1", { CustomerNo: 19999 }));
    expect(((await unknownCustomer.json()) as Problem).Errors?.CustomerNo?.[0]).toMatch(/no customer number 19999/);
    const archived = await c.post("/SalesOrders/Complete", order("x2", { CustomerNo: 10007 }));
    expect(((await archived.json()) as Problem).Errors?.CustomerNo?.[0]).toMatch(/not active/);
    const badProduct = await c.post("/SalesOrders/Complete", order("x3", { SalesOrderLines: [{ ProductCode: "NOPE", Quantity: 1 }, { ProductCode: "LAMPE-OLD", Quantity: 1 }] }));
    const errors = ((await badProduct.json()) as Problem).Errors!;
    expect(errors["SalesOrderLines[0].ProductCode"]![0]).toMatch(/no product 'NOPE'/);
    expect(errors["SalesOrderLines[1].ProductCode"]![0]).toMatch(/archived/);
    const noQuantity = await c.post("/SalesOrders/Complete", order("x4", { SalesOrderLines: [{ ProductCode: "MONT" }] }));
    expect(((await noQuantity.json()) as Problem).Errors).toHaveProperty(["SalesOrderLines[0].Quantity"]);

    expect((await c.post("/SalesOrders/Complete", order("tribe-invoice-9"))).status).toBe(201);
    const again = await c.post("/SalesOrders/Complete", order("tribe-invoice-9"));
    expect(again.status).toBe(400);
    expect(((await again.json()) as Problem).Errors?.ExternalImportReference?.[0]).toMatch(/already used by sales order/);
  });
});

describe("finding an order again by its ExternalImportReference", () => {
  it("lists the integration's own orders (the list has no reference filter) and the reference is on each", async () => {
    const mine = await c.json(c.post("/SalesOrders/Complete", order("tribe-invoice-77")));
    const list = await c.json<Row[]>(c.get("/SalesOrders?onlyCreatedByCurrentIntegration=true"));
    expect(list.map((o) => o.ExternalImportReference)).toEqual(["tribe-invoice-77"]);
    expect(list[0]!.Id).toBe(mine.Id);
    // the seeded order was made by a user
    const all = await c.json<Row[]>(c.get("/SalesOrders"));
    expect(all.map((o) => o.IsCreatedByCurrentIntegration)).toEqual([false, true]);
    expect((await c.get("/SalesOrders?externalImportReference=tribe-invoice-77")).status).toBe(400);
  });
});

describe("attachments", () => {
  it("uploads a file as multipart/form-data, lists it without content and serves the bytes", async () => {
    const o = await c.json(c.post("/SalesOrders/Complete", order("with-pdf")));
    const pdf = Buffer.from("%PDF-1.4\n% Ledgerlink test invoice\n%%EOF\n");
    const form = new FormData();
    form.append("file", new Blob([pdf], { type: "application/pdf" }), "faktura-1001.pdf");
    const res = await c.raw(`/SalesOrders/${String(o.Id)}/attachments`, { method: "POST", body: form });
    expect(res.status).toBe(201);
    const a = (await res.json()) as Row;
    expect(a).toMatchObject({ SalesOrderId: o.Id, FileName: "faktura-1001.pdf", FileSize: pdf.length, Id: expect.any(Number) });

    const list = await c.json<Row[]>(c.get(`/SalesOrders/${String(o.Id)}/attachments`));
    expect(list).toEqual([a]);
    const file = await c.get(`/SalesOrders/${String(o.Id)}/attachments/${String(a.Id)}`);
    expect(file.headers.get("content-type")).toBe("application/pdf");
    expect(Buffer.from(await file.arrayBuffer()).equals(pdf)).toBe(true);

    const withoutFile = new FormData();
    withoutFile.append("note", "no file here");
    const missing = await c.raw(`/SalesOrders/${String(o.Id)}/attachments`, { method: "POST", body: withoutFile });
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as Problem).Errors?.file?.[0]).toMatch(/part named 'file'/);
    const asJson = await c.post(`/SalesOrders/${String(o.Id)}/attachments`, { file: "x" });
    expect(asJson.status).toBe(415);
    expect((await c.raw("/SalesOrders/00000000-0000-4000-8000-000000000000/attachments", { method: "POST", body: form })).status).toBe(404);
  });
});

describe("sending (the bookkeeper) turns the order into an outgoing invoice", () => {
  it("keeps the Id, numbers the invoice, sets the due date and the full balance", async () => {
    const o = await c.json(c.post("/SalesOrders/Complete", order("tribe-invoice-5")));
    const sent = await admin(sim, `/sales-orders/${String(o.Id)}/send`, { VoucherDate: "2024-06-04" });
    expect(sent.status).toBe(200);
    expect((await c.get(`/SalesOrders/${String(o.Id)}`)).status).toBe(404);
    const inv = await c.json(c.get(`/OutgoingInvoices/${String(o.Id)}`));
    expect(inv).toMatchObject({
      Id: o.Id,
      InvoiceNo: 6,
      VoucherDate: "2024-06-04",
      DueDate: "2024-06-14",
      TotalAmount: 18487.5,
      Balance: 18487.5,
      ExternalImportReference: "tribe-invoice-5",
      CustomerNo: 10001,
      VoucherType: "OutgoingInvoice",
      IsCreatedByCurrentIntegration: false, // a user sent it
      Cid: expect.stringMatching(/^\d{8}$/),
    });
    const lines = await c.json<Row[]>(c.get(`/OutgoingInvoices/${String(o.Id)}/Lines`));
    expect(lines.map((l) => [l.ProductCode, l.AccountNo, l.VatCode])).toEqual([
      ["SOFA-3", 3000, "3"],
      ["KONS-T", 3000, "3"],
      [null, null, null],
    ]);
    // the reference stays taken once the order is an invoice
    expect((await c.post("/SalesOrders/Complete", order("tribe-invoice-5"))).status).toBe(400);
  });
});
