import { describe, expect, it } from "vitest";
import { A, api, CLIENT, host, install, T1, T2, token, useInstalledHost } from "./helpers";

useInstalledHost();

describe("token flow", () => {
  const form = (extra: Record<string, string>) =>
    fetch(`${host.url}/oauth2/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "client_credentials", scope: "read write offline", ...extra }),
    });

  it("issues a bearer token for an activated organization", async () => {
    const r = await form({ ...CLIENT, organization_id: T1 });
    expect(r.status).toBe(200);
    const j = await r.json();
    expect(j).toMatchObject({ token_type: "bearer", expires_in: 3600 });
    expect(typeof j.access_token).toBe("string");
  });

  it("refuses organizations where the app is not activated, and wrong secrets", async () => {
    const r = await form({ ...CLIENT, organization_id: T2 });
    expect(r.status).toBe(401);
    expect((await r.json()).error).toBe("unauthorized_client");
    const bad = await form({ client_id: "ledgerlink", client_secret: "nope", organization_id: T1 });
    expect(bad.status).toBe(401);
    expect((await bad.json()).error).toBe("invalid_client");
  });

  it("answers 401 without or with a bad or expired token", async () => {
    expect((await fetch(`${host.url}/v1/odata/Product`)).status).toBe(401);
    const r = await api(host, "garbage").get("Product");
    expect(r.status).toBe(401);
    expect(r.json.error.code).toBe("Unauthorized");
    await fetch(`${host.url}/__admin/config`, { method: "POST", body: JSON.stringify({ tokenTtlSeconds: 0 }) });
    const expired = await token(host);
    expect((await api(host, expired).get("Product")).status).toBe(401);
  });

  it("keeps tenants apart", async () => {
    await install(host, T2);
    const B = api(host, await token(host, T2));
    const mine = (await A.get("Relation_Organization?$top=1")).json.value[0];
    expect((await B.get(`Relation_Organization(${mine.ID})`)).status).toBe(404);
    const theirs = (await B.get("Relation_Organization")).json.value.map((o: any) => o.Name);
    expect(theirs).toContain("Fjordhandel AS");
    expect(theirs).not.toContain("Sandbox BV");
  });
});

describe("OData reads", () => {
  it("lists with $count, $top, $skip, $select and $orderby", async () => {
    const all = await A.get("Relation_Organization?$count=true&$select=Name&$orderby=ID");
    expect(all.status).toBe(200);
    expect(all.json["@odata.context"]).toMatch(/\$metadata#Relation_Organization$/);
    expect(all.json["@odata.count"]).toBe(6);
    expect(all.json.value.map((o: any) => o.ID)).toEqual(all.json.value.map((o: any) => o.ID).sort());
    const page = await A.get("Relation_Organization?$top=2&$skip=1&$select=Name&$count=true&$orderby=ID");
    expect(page.json.value.map((o: any) => o.Name)).toEqual(all.json.value.slice(1, 3).map((o: any) => o.Name));
    expect(page.json["@odata.count"]).toBe(6);
    expect((await A.get("Relation_Organization?$top=101")).status).toBe(400);
  });

  it("lists in an order that changes between calls unless $orderby is given (stableDefaultOrder restores creation order)", async () => {
    const names = async () => (await A.get("Relation_Organization?$select=Name")).json.value.map((o: any) => o.Name).join("|");
    const orders = new Set<string>();
    for (let i = 0; i < 20; i++) orders.add(await names());
    expect(orders.size).toBeGreaterThan(1);
    await fetch(`${host.url}/__admin/config`, { method: "POST", body: JSON.stringify({ stableDefaultOrder: true }) });
    expect((await names()).split("|")[0]).toBe("Sandbox BV");
    expect(await names()).toBe(await names());
  });

  it("filters with operators, functions, navigation paths and literals", async () => {
    const names = async (q: string) => (await A.get(`Relation_Organization?$select=Name&$orderby=Name&$filter=${encodeURIComponent(q)}`)).json.value.map((o: any) => o.Name);
    expect(await names("Name eq 'Sandbox BV'")).toEqual(["Sandbox BV"]);
    expect(await names("startswith(Name,'bakkerij') or endswith(Name, 'NOORD')")).toEqual(["Bakkerij De Gouden Korf", "Groothandel Noord"]);
    expect(await names("contains(Name,'van') and not (IsOwnOrganization eq true)")).toEqual(["Technisch Bureau Van Dijk B.V."]);
    expect(await names("Website eq null and IsActive eq true")).toEqual(["Brasserie Le Coin SRL", "Groothandel Noord", "Innovatiehuis Prospect"]);
    expect(await names("LastMutationDate gt 2000-01-01T00:00:00Z and LastMutationDate le 2999-01-01T00:00:00.000Z")).toHaveLength(6);
    expect(await names("LastMutationDate gt 2999-01-01T00:00:00Z")).toEqual([]);

    const inv = async (q: string) => (await A.get(`Activity_Invoice?$select=Number&$orderby=Number&$filter=${encodeURIComponent(q)}`)).json.value.map((o: any) => o.Number);
    expect(await inv("Phase/Code eq 'Sent'")).toEqual(["2026-0001"]);
    expect(await inv("Phase/Code ne 'Paid' and Amount ge 500")).toEqual(["2026-0001", "2026-0004"]);
    expect(await inv("InvoiceDate lt 2026-01-31")).toEqual(["2026-0001", "2026-0003"]);
    expect(await inv("Subscription ne null")).toEqual(["2026-0002"]);

    const korf = (await A.get("Relation_Organization?$filter=Name eq 'Bakkerij De Gouden Korf'")).json.value[0];
    const rels = await A.get(`Relationship_Organization_CommercialRelationship_Customer?$filter=Relation/ID eq ${korf.ID}`);
    expect(rels.json.value.map((r: any) => r.DebtorNumber)).toEqual(["10001"]);
    const byAlias = await A.get(`Relationship_Organization_CommercialRelationship_Customer?$filter=Organization/ID eq ${korf.ID}`);
    expect(byAlias.json.value.map((r: any) => r.DebtorNumber)).toEqual(["10001"]);
    const byAddress = await A.get(`Relation_Organization?$select=Name&$filter=VisitingAddress/ID eq ${korf.VisitingAddress.ID} or PostalAddress/ID eq ${korf.VisitingAddress.ID}`);
    expect(byAddress.json.value.map((o: any) => o.Name)).toEqual(["Bakkerij De Gouden Korf"]);
    expect((await A.get(`Relation_Organization?$filter=ID eq ${korf.ID}`)).json.value).toHaveLength(1);

    expect((await A.get("Relation_Organization?$filter=Name in ('x')")).status).toBe(400);
    expect((await A.get("Relation_Organization?$filter=Nope eq 1")).status).toBe(400);
    expect((await A.get("Relation_Organization?$filter=Name eq")).status).toBe(400);
  });

  it("orders by fields and navigation paths", async () => {
    const r = await A.get("Activity_Invoice?$select=Number&$orderby=Phase/Code asc,Number desc");
    expect(r.json.value.map((o: any) => o.Number)).toEqual(["2026-0004", "2026-0002", "2026-0003", "2026-0001"]);
  });

  it("expands references and collections with nested $select", async () => {
    const r = await A.get("Relation_Organization?$filter=Name eq 'Technisch Bureau Van Dijk B.V.'&$select=Name&$expand=VisitingAddress($select=Street;$expand=Country($select=Code)),Relationships");
    const org = r.json.value[0];
    expect(org.VisitingAddress).toEqual({ ID: expect.any(String), Street: "Coolsingel 10 A", Country: { ID: expect.any(String), Code: "NL" } });
    expect(org.PostalAddress).toBeUndefined();
    expect(org.Relationships.map((x: any) => x._Type).sort()).toEqual([
      "Relationship.Organization.CommercialRelationship.Customer",
      "Relationship.Organization.Supplier",
    ]);
    const inv = (await A.get("Activity_Invoice?$orderby=Number&$top=1&$expand=Phase,Relationship($select=DebtorNumber;$expand=Relation($select=Name))")).json.value[0];
    expect(inv.Phase).toMatchObject({ _Type: "Datastore.Phase.ActivityInvoice", Code: "Sent" });
    expect(inv.Relationship).toEqual({ ID: expect.any(String), DebtorNumber: "10002", Relation: { ID: expect.any(String), Name: "Technisch Bureau Van Dijk B.V." } });
    expect(inv.Contact).toBeNull();
    expect(inv.ProductLines).toBeUndefined();
  });

  it("answers single entities and 404s", async () => {
    // Tribe promises no default order: pick a product at 21 % deliberately
    const p = (await A.get("Product?$orderby=ID&$expand=VatGroup")).json.value.find((x: { VatGroup?: { Percentage?: number } }) => x.VatGroup?.Percentage === 21);
    const one = await A.get(`Product(${p.ID})?$expand=VatGroup`);
    expect(one.status).toBe(200);
    expect(one.json).toMatchObject({ ID: p.ID, _Type: "Product", _Name: p.Name, VatGroup: { Name: "NL - 21%", Percentage: 21 } });
    const miss = await A.get("Product(00000000-0000-4000-8000-000000000000)");
    expect(miss.status).toBe(404);
    expect(miss.json.error.code).toBe("NotFound");
    expect((await A.get("NoSuchSet")).status).toBe(404);
  });

  it("serves the datastores of the doc", async () => {
    const vat = (await A.get("Datastore_VatGroup?$select=Name,Percentage,CountryCode")).json.value.map((v: any) => v.Name);
    expect(vat.sort()).toEqual(["BE - 21%", "BE - 6%", "NL - 0%", "NL - 21%", "NL - 9%", "NO - 15%", "NO - 25%"]);
    const phases = (await A.get("Datastore_Phase_ActivitySalesOrder")).json.value.map((v: any) => v.Code);
    expect(phases.sort()).toEqual(["Delivered", "Draft", "Linked"]);
    const nl = (await A.get("Datastore_Country?$filter=Code eq 'NL'")).json.value[0];
    expect(nl).toMatchObject({ _Type: "Datastore.Country", Name: "Nederland", Code: "NL" });
    const rt = (await A.get("Datastore_RelationshipType?$filter=Code eq 'Customer'")).json.value[0];
    expect(rt.EntityType).toBe("CommercialRelationship.Customer");
    expect((await A.post("Datastore_Unit", { Name: "x" })).status).toBe(400);
  });
});

describe("OData writes", () => {
  it("creates with deep insert of addresses and relationships, and assigns a debtor number", async () => {
    const nl = (await A.get("Datastore_Country?$filter=Code eq 'NL'")).json.value[0];
    const r = await A.post("Relation_Organization", {
      Name: "Nieuw BV",
      VatNumber: "NL999999999B01",
      VisitingAddress: { Street: "Damrak 1", Postalcode: "1012 LG", City: "Amsterdam", Country: { ID: nl.ID } },
      Relationships: [
        { _Type: "Relationship.Organization.CommercialRelationship.Customer", PaymentTermInDays: 21 },
        { _Type: "Relationship.Organization.Supplier", CreditorNumber: "29999" },
      ],
    });
    expect(r.status).toBe(201);
    expect(r.json).toMatchObject({ _Type: "Relation.Organization", _Name: "Nieuw BV", IsActive: true, IsOwnOrganization: false, PostalAddress: null });
    expect(r.json.CreationDate).toBe(r.json.LastMutationDate);
    const expand = "VisitingAddress($expand=Country),PostalAddress,Relationships";
    const full = (await A.get(`Relation_Organization(${r.json.ID})?$expand=${expand}`)).json;
    expect(full.VisitingAddress).toMatchObject({ _Type: "Address", Street: "Damrak 1", City: "Amsterdam", Country: { Name: "Nederland" } });
    const cust = full.Relationships.find((x: any) => x._Type.endsWith("Customer"));
    expect(cust).toMatchObject({ DebtorNumber: "10005", PaymentTermInDays: 21, Relation: { ID: r.json.ID } });
    expect(full.Relationships.find((x: any) => x._Type.endsWith("Supplier")).CreditorNumber).toBe("29999");

    // deep update: a body with the current target's ID updates it, one without ID creates the target
    await new Promise((res) => setTimeout(res, 5));
    const u = await A.put(`Relation_Organization(${r.json.ID})`, {
      VisitingAddress: { ID: full.VisitingAddress.ID, Street: "Damrak 1 B" },
      PostalAddress: { Street: "Postbus 10", City: "Amsterdam" },
      Relationships: [{ ID: cust.ID, DebtorNumber: "55555" }],
    });
    expect(u.status).toBe(200);
    const after = (await A.get(`Relation_Organization(${r.json.ID})?$expand=${expand}`)).json;
    expect([after.VisitingAddress.Street, after.PostalAddress.Street]).toEqual(["Damrak 1 B", "Postbus 10"]);
    expect(after.VisitingAddress.ID).toBe(full.VisitingAddress.ID);
    expect(after.Relationships.find((x: any) => x.ID === cust.ID).DebtorNumber).toBe("55555");
    expect(after.VisitingAddress.LastMutationDate > full.VisitingAddress.LastMutationDate).toBe(true);
    // house numbers are a field of their own only with the houseNumberFields setting
    expect((await A.put(`Relation_Organization(${r.json.ID})`, { VisitingAddress: { ID: full.VisitingAddress.ID, HouseNumber: "1" } })).status).toBe(400);
    await fetch(`${host.url}/__admin/config`, { method: "POST", body: JSON.stringify({ houseNumberFields: true }) });
    expect((await A.put(`Relation_Organization(${r.json.ID})`, { VisitingAddress: { ID: full.VisitingAddress.ID, Street: "Damrak", HouseNumber: "1", HouseNumberAddition: "B" } })).status).toBe(200);
    expect((await A.get(`Address(${full.VisitingAddress.ID})`)).json).toMatchObject({ Street: "Damrak", HouseNumber: "1", HouseNumberAddition: "B", _Name: "Damrak 1 B, 1012 LG Amsterdam" });
  });

  it("creates a customer relationship from an Organization reference and a Name, as Tribe's n8n node does", async () => {
    const org = (await A.post("Relation_Organization", { Name: "Los BV" })).json;
    const r = await A.post("Relationship_Organization_CommercialRelationship_Customer", { Organization: { ID: org.ID }, Name: "Los BV", PaymentTermInDays: 10 });
    expect(r.status).toBe(201);
    expect(r.json).toMatchObject({ Name: "Los BV", PaymentTermInDays: 10, Relation: { ID: org.ID }, Organization: { ID: org.ID } });
    const other = (await A.post("Relation_Organization", { Name: "Ander BV" })).json;
    expect((await A.post("Relationship_Organization_Supplier", { Organization: { ID: org.ID }, Relation: { ID: other.ID } })).status).toBe(400);
  });

  it("updates with PUT and with POST carrying the ID, merging fields and bumping LastMutationDate", async () => {
    const org = (await A.get("Relation_Organization?$filter=Name eq 'Groothandel Noord'")).json.value[0];
    await new Promise((res) => setTimeout(res, 5));
    const put = await A.put(`Relation_Organization(${org.ID})`, { PhoneNumber: "+31 50 000 0000" });
    expect(put.status).toBe(200);
    expect(put.json).toMatchObject({ Name: "Groothandel Noord", PhoneNumber: "+31 50 000 0000" });
    expect(put.json.LastMutationDate > org.LastMutationDate).toBe(true);
    const post = await A.post("Relation_Organization", { ID: org.ID, Website: "https://noord.example" });
    expect(post.status).toBe(200);
    expect(post.json).toMatchObject({ PhoneNumber: "+31 50 000 0000", Website: "https://noord.example" });
    expect((await A.post("Relation_Organization", { ID: "00000000-0000-4000-8000-000000000000", Name: "x" })).status).toBe(404);
    expect((await A.put(`Relation_Organization(${org.ID})`, { Bogus: 1 })).status).toBe(400);
    expect((await A.put(`Relation_Organization(${org.ID})`, { Name: 42 })).status).toBe(400);
    const del = await A.del(`Relation_Organization(${org.ID})`);
    expect(del.status).toBe(204);
    expect((await A.get(`Relation_Organization(${org.ID})`)).status).toBe(404);
  });

  it("computes line and invoice totals and sets IsPaid with the Paid phase", async () => {
    const org = (await A.get("Relation_Organization?$filter=Name eq 'Bakkerij De Gouden Korf'")).json.value[0];
    const customer = (await A.get(`Relationship_Organization_CommercialRelationship_Customer?$filter=Relation/ID eq ${org.ID}`)).json.value[0];
    const product = (await A.get("Product?$filter=Code eq 'CONS-UUR'")).json.value[0];
    const low = (await A.get("Datastore_VatGroup?$filter=Code eq 'NL9'")).json.value[0];
    const inv = await A.post("Activity_Invoice", {
      Subject: "Test",
      Relationship: { ID: customer.ID },
      ProductLines: [
        { Product: { ID: product.ID }, Quantity: 2 },
        { Description: "Boek", Quantity: 1, Price: 100, DiscountPercentage: 10, VatGroup: { ID: low.ID } },
      ],
    });
    expect(inv.status).toBe(201);
    expect(inv.json).toMatchObject({ Amount: 280, IsPaid: false, PaymentTermInDays: 14, Currency: "EUR", DiscountPercentage: 0 });
    expect(inv.json.TotalIncludingVat).toBeUndefined();
    expect((await A.post("Activity_Invoice", { Subject: "zonder klant" })).status).toBe(400);
    expect(inv.json.Number).toMatch(/^\d{4}-0005$/);
    const full = (await A.get(`Activity_Invoice(${inv.json.ID})?$expand=Phase,ProductLines,Relationship`)).json;
    expect(full.Phase.Code).toBe("Draft");
    expect(full.Relationship.DebtorNumber).toBe("10001");
    expect(full.ProductLines[0]).toMatchObject({ Description: "Consultancy per uur", Price: 95, VatPercentage: 21, TotalExcludingVat: 190, VatAmount: 39.9, TotalIncludingVat: 229.9 });
    const paid = (await A.get("Datastore_Phase_ActivityInvoice?$filter=Code eq 'Paid'")).json.value[0];
    const upd = await A.post("Activity_Invoice", { ID: inv.json.ID, Phase: { ID: paid.ID } });
    expect(upd.json.IsPaid).toBe(true);
    // a line change updates the invoice totals
    await A.put(`ProductLine(${full.ProductLines[1].ID})`, { Quantity: 2 });
    expect((await A.get(`Activity_Invoice(${inv.json.ID})`)).json.Amount).toBe(370);
    // so does its own discount
    expect((await A.put(`Activity_Invoice(${inv.json.ID})`, { DiscountPercentage: 10 })).json.Amount).toBe(333);
    // the undocumented invoice fields exist only with the assumedActivityFields setting
    await fetch(`${host.url}/__admin/config`, { method: "POST", body: JSON.stringify({ assumedActivityFields: false }) });
    const bare = (await A.get(`Activity_Invoice(${inv.json.ID})`)).json;
    expect(bare).not.toHaveProperty("InvoiceDate");
    expect(bare).not.toHaveProperty("IsPaid");
    expect((await A.put(`Activity_Invoice(${inv.json.ID})`, { InvoiceDate: "2026-01-01" })).status).toBe(400);
  });

  it("serves the invoice document as a PDF", async () => {
    const inv = (await A.get("Activity_Invoice?$top=1")).json.value[0];
    const r = await fetch(`${host.url}/v1/odata/Activity_Invoice(${inv.ID})/Document`, { headers: { authorization: `Bearer ${await token(host)}` } });
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toBe("application/pdf");
    const buf = Buffer.from(await r.arrayBuffer());
    expect(buf.subarray(0, 5).toString()).toBe("%PDF-");
    const so = (await A.get("Activity_SalesOrder?$top=1")).json.value[0];
    const r2 = await fetch(`${host.url}/v1/odata/Activity_SalesOrder(${so.ID})/Document`, { headers: { authorization: `Bearer ${await token(host)}` } });
    expect(r2.status).toBe(200);
  });
});

describe("rate limit and stats", () => {
  it("answers 429 past the per-minute limit and counts calls per organization", async () => {
    await fetch(`${host.url}/__admin/config`, { method: "POST", body: JSON.stringify({ rateLimitPerMinute: 5 }) });
    await fetch(`${host.url}/__admin/stats/reset`, { method: "POST" });
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await A.get("Product?$top=1")).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
    const r = await A.get("Product");
    expect(r.json.error.code).toBe("TooManyRequests");
    expect(r.headers.get("retry-after")).toBeNull();
    await fetch(`${host.url}/__admin/config`, { method: "POST", body: JSON.stringify({ retryAfterSeconds: 60 }) });
    expect((await A.get("Product")).headers.get("retry-after")).toBe("60");
    const stats = await (await fetch(`${host.url}/__admin/stats`)).json();
    expect(stats.organizations[T1]).toMatchObject({ total: 9, rateLimited: 4, byMethod: { GET: 9 }, byEntitySet: { Product: 9 } });
    expect(stats.organizations[T1].byMethodAndEntitySet["GET Product"]).toBe(9);
  });
});
