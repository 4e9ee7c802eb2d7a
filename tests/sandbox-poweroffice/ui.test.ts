import { describe, expect, it } from "vitest";
import { c, CLIENTS, formAction, postForm, sim, uiPage, useSimulator, type Row } from "./helpers";

useSimulator();

/** The seeded open invoice of Solsiden Kafé (invoice 3, 5 937,50). */
async function solsidenInvoice(): Promise<Row> {
  return (await c.json<Row[]>(c.get("/OutgoingInvoices?invoiceNos=3")))[0]!;
}

describe("registering a payment on the bookkeeper page", () => {
  it("lowers Balance by a part payment, moves BalanceLastChangedDateTimeOffset, and the API's balance filter sees it", async () => {
    const before = await solsidenInvoice();
    expect(before.Balance).toBe(5937.5);
    const all = await c.json<Row[]>(c.get("/OutgoingInvoices"));
    const newest = all.map((i) => String(i.BalanceLastChangedDateTimeOffset)).sort().at(-1)!;
    const page = await uiPage(sim, "");
    expect(page.status).toBe(200);
    expect(page.html).toContain("5 937,50");
    expect(page.html).toMatch(/<label for="amount-[^"]+">Amount for invoice 3/);

    const res = await postForm(sim, formAction(page.html, `/invoices/${String(before.Id)}/payment`), { back: "list", Amount: "1 000,50" });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toMatch(/notice=paid/);

    const after = await c.json(c.get(`/OutgoingInvoices/${String(before.Id)}`));
    expect(after.Balance).toBe(4937);
    expect(after.BalanceLastChangedDateTimeOffset! > before.BalanceLastChangedDateTimeOffset!).toBe(true);
    expect(after.LastChangedDateTimeOffset).toBe(before.LastChangedDateTimeOffset); // a sent invoice's own data does not change
    expect(after.MatchId).toEqual(expect.any(Number));

    const changed = await c.json<Row[]>(
      c.get(`/OutgoingInvoices?balanceLastChangedDateTimeOffsetGreaterThan=${encodeURIComponent(newest)}`),
    );
    expect(changed.map((i) => i.InvoiceNo)).toEqual([3]);
    const redirected = await uiPage(sim, "");
    expect(redirected.html).toContain("4 937,00");
  });

  it("pays the whole balance when the amount is empty; the invoice leaves onlyUnpaidInvoices", async () => {
    const inv = await solsidenInvoice();
    const detail = await uiPage(sim, `/invoices/${String(inv.Id)}`);
    expect(detail.status).toBe(200);
    const res = await postForm(sim, formAction(detail.html, `/invoices/${String(inv.Id)}/payment`), { back: "invoice", Amount: "" });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toContain(`/invoices/${String(inv.Id)}`);
    expect((await c.json(c.get(`/OutgoingInvoices/${String(inv.Id)}`))).Balance).toBe(0);
    const unpaid = await c.json<Row[]>(c.get("/OutgoingInvoices?onlyUnpaidInvoices=true"));
    expect(unpaid.map((i) => i.InvoiceNo)).toEqual([2, 4, 5]);
  });

  it("refuses more than the balance, or not a number, with the reason on the page and nothing paid", async () => {
    const inv = await solsidenInvoice();
    const action = formAction((await uiPage(sim, "")).html, `/invoices/${String(inv.Id)}/payment`);
    const tooMuch = await postForm(sim, action, { back: "list", Amount: "6000" });
    expect(tooMuch.status).toBe(400);
    const html = await tooMuch.text();
    expect(html).toContain('role="alert"');
    expect(html).toMatch(/6000.00 is more than the balance 5937.50/);
    const notNumber = await postForm(sim, action, { back: "list", Amount: "mye" });
    expect(notNumber.status).toBe(400);
    expect((await c.json(c.get(`/OutgoingInvoices/${String(inv.Id)}`))).Balance).toBe(5937.5);
  });
});

describe("the other bookkeeper actions", () => {
  it("deactivates a customer: archived when it is only a customer, inactive as customer only when it is also a supplier", async () => {
    const newest = (await c.json<Row[]>(c.get("/Customers"))).map((r) => String(r.LastChangedDateTimeOffset)).sort().at(-1)!;
    const list = await uiPage(sim, "/customers");
    expect(list.html).toContain('aria-label="Deactivate Lars Johansen"');
    const [lars] = await c.json<Row[]>(c.get("/Customers?customerNos=10004"));
    const res = await postForm(sim, formAction(list.html, `/customers/${String(lars!.Id)}/active`), { active: "false" });
    expect(res.status).toBe(303);
    expect(await c.json(c.get(`/Customers/${String(lars!.Id)}`))).toMatchObject({ IsActive: false, IsArchived: true });

    const [vestland] = await c.json<Row[]>(c.get("/Customers?customerNos=10005"));
    await postForm(sim, formAction(list.html, `/customers/${String(vestland!.Id)}/active`), { active: "false" });
    expect(await c.json(c.get(`/Customers/${String(vestland!.Id)}`))).toMatchObject({ IsActive: false, IsArchived: false });
    expect(await c.json(c.get(`/Suppliers/${String(vestland!.Id)}`))).toMatchObject({ IsActive: true });
    const changed = await c.json<Row[]>(c.get(`/Customers?lastChangedDateTimeOffsetGreaterThan=${encodeURIComponent(newest)}`));
    expect(changed.map((r) => r.Number)).toEqual([10004, 10005]);
  });

  it("edits a customer's name and e-mail through the API's rules; a bad address comes back marked on the form", async () => {
    const [havbris] = await c.json<Row[]>(c.get("/Customers?customerNos=10001"));
    const page = await uiPage(sim, `/customers/${String(havbris!.Id)}`);
    expect(page.html).toMatch(/<label for="Name">Name<\/label> <input type="text" id="Name" name="Name" value="Havbris Hotell AS">/);
    const action = formAction(page.html, `/customers/${String(havbris!.Id)}`);
    const ok = await postForm(sim, action, { Name: "Havbris Hotell & Spa AS", EmailAddress: "resepsjon@havbris.test" });
    expect(ok.status).toBe(303);
    expect(await c.json(c.get(`/Customers/${String(havbris!.Id)}`))).toMatchObject({ Name: "Havbris Hotell & Spa AS", EmailAddress: "resepsjon@havbris.test" });

    const bad = await postForm(sim, action, { Name: "Havbris", EmailAddress: "ikke en adresse" });
    expect(bad.status).toBe(400);
    const html = await bad.text();
    expect(html).toMatch(/id="EmailAddress" name="EmailAddress" value="ikke en adresse" aria-invalid="true" aria-describedby="EmailAddress-error"/);
    expect(html).toMatch(/<span class="error" id="EmailAddress-error">&#39;ikke en adresse&#39; is not a valid e-mail address.<\/span>/);
    expect((await c.json(c.get(`/Customers/${String(havbris!.Id)}`))).Name).toBe("Havbris Hotell & Spa AS");
  });

  it("archives a product; the API lists it as archived and refuses it on new order lines", async () => {
    const [stol] = await c.json<Row[]>(c.get("/Products?codes=STOL-EIK"));
    const page = await uiPage(sim, "/products");
    const res = await postForm(sim, formAction(page.html, `/products/${String(stol!.Id)}/archived`), { archived: "true" });
    expect(res.status).toBe(303);
    const after = await c.json(c.get(`/Products/${String(stol!.Id)}`));
    expect(after.IsArchived).toBe(true);
    expect(after.LastChangedDateTimeOffset! > stol!.LastChangedDateTimeOffset!).toBe(true);
    const order = await c.post("/SalesOrders/Complete", { CustomerNo: 10001, SalesOrderLines: [{ ProductCode: "STOL-EIK", Quantity: 1 }] });
    expect(order.status).toBe(400);
  });

  it("sends a sales order from its page; the invoice page shows it", async () => {
    const orders = await uiPage(sim, "/sales-orders");
    const id = /\/sales-orders\/([0-9a-f-]{36})\?/.exec(orders.html)![1]!;
    const page = await uiPage(sim, `/sales-orders/${id}`);
    expect(page.html).toContain("STOL-EIK");
    const res = await postForm(sim, formAction(page.html, `/sales-orders/${id}/send`), { VoucherDate: "2024-06-10" });
    expect(res.status).toBe(303);
    expect((await c.json(c.get(`/OutgoingInvoices/${id}`))).VoucherDate).toBe("2024-06-10");
    expect((await uiPage(sim, `/invoices/${id}`)).html).toContain("Solsiden Kafé AS");
  });

  it("switches between clients and escapes what it shows", async () => {
    await c.json(c.post("/Customers", { Name: "<script>alert(1)</script> AS" }));
    const page = await uiPage(sim, "/customers");
    expect(page.html).toContain("&lt;script&gt;alert(1)&lt;/script&gt; AS");
    expect(page.html).not.toContain("<script>alert(1)");
    const other = await uiPage(sim, "/customers", CLIENTS.sjomat.id);
    expect(other.html).toContain("Fiskebrygga Restaurant AS");
    expect(other.html).toMatch(/aria-current="true">Tromsø Sjømat AS/);
    expect((await uiPage(sim, "", "no-such-client")).status).toBe(404);
  });
});
