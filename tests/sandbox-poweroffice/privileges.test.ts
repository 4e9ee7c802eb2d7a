import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { PowerOfficeSimulator } from "../../sandbox/vendors/poweroffice/server";
import { admin, api, CLIENTS, startSim, tokenFor, type Api, type Row } from "./helpers";

let sim: PowerOfficeSimulator;
let sport: Api;

beforeAll(async () => {
  sim = await startSim();
});
afterAll(() => sim.close());
beforeEach(async () => {
  sim.reset();
  sport = api(sim, await tokenFor(sim, CLIENTS.sport.key));
});

describe("privileges of the integration on a client", () => {
  it("are listed by ClientIntegrationInformation, valid and invalid", async () => {
    const info = await sport.json(sport.get("/ClientIntegrationInformation"));
    expect(info).toMatchObject({
      ClientId: CLIENTS.sport.id,
      ClientName: "Lillehammer Sport AS",
      ActiveClientSubscriptions: ["Accounting"],
      InvalidPrivileges: ["SalesOrders_Full", "SalesOrderAttachment_Full", "SalesOrderAttachment"],
    });
    const valid = info.ValidPrivileges as string[];
    expect(valid).toEqual(expect.arrayContaining(["Customer_Full", "Supplier_Full", "Product_Full", "OutgoingInvoice", "SalesOrders"]));
    expect(valid).not.toContain("SalesOrders_Full");
  });

  it("decide per operation, by the roles the spec names for it: a missing one is a 403 ProblemDetails", async () => {
    const refused = await sport.post("/SalesOrders/Complete", { CustomerNo: 10001, SalesOrderLines: [{ ProductCode: "VOKS", Quantity: 1 }] });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({
      Status: 403,
      Title: "Forbidden",
      Instance: "/v2/SalesOrders/Complete",
      Detail: expect.stringMatching(/needs one of SalesOrders_Full/),
    });
    // reading orders needs SalesOrders or SalesOrders_Full: it has the first
    expect((await sport.get("/SalesOrders")).status).toBe(204);
    expect((await sport.get("/Customers")).status).toBe(200);
    expect((await sport.post("/Customers", { Name: "Skiklubben IL" })).status).toBe(201);
    const state = (await (await admin(sim, `/state?client=${CLIENTS.sport.id}`)).json()) as { salesOrders: Row[] };
    expect(state.salesOrders).toHaveLength(0);
  });

  it("can be seeded per client: one lacking Customer_Full can read customers but not write them", async () => {
    await admin(sim, "/clients", { name: "Bare Lese AS", clientKey: "read-only-key", invalidPrivileges: ["Customer_Full"], customers: [{ Name: "Kunde AS" }] });
    const readOnly = api(sim, await tokenFor(sim, "read-only-key"));
    expect((await readOnly.get("/Customers")).status).toBe(200);
    expect((await readOnly.post("/Customers", { Name: "Ny AS" })).status).toBe(403);
    const [customer] = await readOnly.json<Row[]>(readOnly.get("/Customers"));
    expect((await readOnly.patch(`/Customers/${String(customer!.Id)}`, [{ op: "replace", path: "/Name", value: "X" }])).status).toBe(403);
  });
});
