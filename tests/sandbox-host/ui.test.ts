import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { HostSandbox } from "../../sandbox/host/server";
import { api, install, startHost, startReceiver, token } from "./helpers";

let host: HostSandbox;

beforeAll(async () => {
  host = await startHost();
  await install(host);
});
afterAll(async () => {
  await host.close();
});

const post = (path: string, form: Record<string, string>) =>
  fetch(`${host.url}${path}`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(form),
  });

/** Every form control has a <label for>. */
function expectLabelled(html: string) {
  const ids = [...html.matchAll(/<(?:input|select|textarea)[^>]*\bid="([^"]+)"/g)].map((m) => m[1]);
  const controls = [...html.matchAll(/<(input|select|textarea)\b([^>]*)>/g)].filter((m) => !/type="hidden"/.test(m[2]!));
  expect(controls.length).toBe(ids.length);
  for (const id of ids) expect(html).toContain(`for="${id}"`);
}

describe("web UI", () => {
  it("renders the CRUD pages with labelled controls", async () => {
    for (const p of ["/organizations", "/organizations/new", "/persons/new", "/products", "/products/new", "/invoices", "/invoices/new", "/sales-orders", "/settings"]) {
      const r = await fetch(`${host.url}${p}`);
      expect(r.status, p).toBe(200);
      const text = await r.text();
      expect(text).toContain("Sandbox CRM");
      expectLabelled(text);
    }
    const list = await (await fetch(`${host.url}/organizations`)).text();
    expect(list).toContain("Bakkerij De Gouden Korf");
    expect(list).toContain("10001");
  });

  it("creates an organization with a visiting address and debtor number", async () => {
    const r = await post("/organizations/new", {
      Name: "Formulier BV", IsActive: "on", Street: "Stationsplein", HouseNumber: "5", HouseNumberAddition: "C", Postalcode: "3511 CE", City: "Utrecht", CountryCode: "NL", IsCustomer: "on", DebtorNumber: "77777", PaymentTermInDays: "30",
    });
    expect(r.status).toBe(303);
    const A = api(host, await token(host));
    const org = (await A.get("Relation_Organization?$filter=Name eq 'Formulier BV'&$expand=VisitingAddress($expand=Country),Relationships")).json.value[0];
    // the house number goes into Street, as Tribe keeps it
    expect(org.VisitingAddress).toMatchObject({ Street: "Stationsplein 5 C", Postalcode: "3511 CE", City: "Utrecht", Country: { Code: "NL" } });
    expect(org.Relationships[0]).toMatchObject({ DebtorNumber: "77777", PaymentTermInDays: 30 });
    const edit = await (await fetch(`${host.url}${r.headers.get("location")!.split("?")[0]}`)).text();
    expect(edit).toContain('value="77777"');
  });

  it("creates an invoice with a product line and sets it to Sent, firing the webhook", async () => {
    const rx = await startReceiver();
    try {
      const tok = await token(host);
      await fetch(`${host.url}/v1/webhooks`, { method: "POST", headers: { authorization: `Bearer ${tok}` }, body: JSON.stringify({ entityType: "Activity.Invoice", url: rx.url }) });
      const A = api(host, tok);
      const org = (await A.get("Relation_Organization?$filter=Name eq 'Bakkerij De Gouden Korf'")).json.value[0];
      const product = (await A.get("Product?$filter=Code eq 'LIC-MND'")).json.value[0];
      const r = await post("/invoices/new", { Relation: org.ID, Subject: "UI factuur", Date: "2026-03-01", LineProduct: product.ID, LineQuantity: "2", LinePrice: "" });
      expect(r.status).toBe(303);
      const detailPath = r.headers.get("location")!.split("?")[0]!;
      const id = detailPath.split("/").pop()!;
      const inv = (await A.get(`Activity_Invoice(${id})?$expand=Phase`)).json;
      expect(inv).toMatchObject({ Subject: "UI factuur", InvoiceDate: "2026-03-01", Amount: 98, Phase: { Code: "Draft" } });
      const detail = await (await fetch(`${host.url}${detailPath}`)).text();
      expect(detail).toMatch(/<button[^>]*>Zet op Verstuurd<\/button>/);
      const sentId = /name="Phase" value="([^"]+)"><button[^>]*>Zet op Verstuurd/.exec(detail)![1]!;
      expect((await post(`${detailPath}/phase`, { Phase: sentId })).status).toBe(303);
      expect((await A.get(`Activity_Invoice(${id})?$expand=Phase`)).json.Phase.Code).toBe("Sent");
      await host.waitForWebhooks();
      expect(rx.received.map((x) => JSON.parse(x.body).payload)).toEqual([{ entityId: id }]);
      const after = await (await fetch(`${host.url}${detailPath}`)).text();
      expect(after).toContain('data-testid="phase">Verstuurd<');
      const pdf = await fetch(`${host.url}${detailPath}/document`);
      expect(pdf.headers.get("content-type")).toBe("application/pdf");
    } finally {
      await rx.close();
    }
  });

  it("creates and edits a product", async () => {
    const r = await post("/products/new", { Name: "UI product", Code: "UI-1", SalesPrice: "12,50" });
    expect(r.status).toBe(303);
    const A = api(host, await token(host));
    const p = (await A.get("Product?$filter=Code eq 'UI-1'&$expand=VatGroup")).json.value[0];
    expect(p).toMatchObject({ Name: "UI product", SalesPrice: 12.5, IsInactive: false });
  });
});
