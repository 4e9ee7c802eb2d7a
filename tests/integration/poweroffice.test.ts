/**
 * PowerOffice Go end to end (seed 001), over HTTP against the simulator and the sandbox CRM:
 * the import (customers and suppliers, one CRM relation per contact), a relation that is both,
 * pushes that send only what changed, pulls every 15 minutes, products, invoices as sales orders
 * exactly once with their PDF, and payments.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { links, crm, installConnector, runImport, startWorld, syncLog, type Crm, type World } from "../helpers/world";

let world: World;
let api: Crm;
let installationId: string;
const NORDLYS = "sandbox-client-key-nordlys-interior";

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The simulator's API as a bookkeeper's other integration would call it. */
async function go(method: string, path: string, body?: unknown, contentType = "application/json"): Promise<{ status: number; json: Json }> {
  const sim = world.poweroffice!;
  const token = await fetch(`${sim.url}/OAuth/Token`, {
    method: "POST",
    headers: {
      authorization: `Basic ${Buffer.from(`sandbox-application-key-ledgerlink:${NORDLYS}`).toString("base64")}`,
      "ocp-apim-subscription-key": "sandbox-subscription-key-2",
      "content-type": "application/x-www-form-urlencoded",
    },
    body: "grant_type=client_credentials",
  }).then((r) => r.json() as Promise<{ access_token: string }>);
  const r = await fetch(`${sim.url}/v2${path}`, {
    method,
    headers: { authorization: `Bearer ${token.access_token}`, "ocp-apim-subscription-key": "sandbox-subscription-key-2", ...(body ? { "content-type": contentType } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await r.text();
  return { status: r.status, json: text ? JSON.parse(text) : null };
}

beforeAll(async () => {
  world = await startWorld({ poweroffice: {} });
  api = crm(world);
  installationId = await installConnector(world, "poweroffice", {
    credentials: { clientKey: NORDLYS },
    settings: (s) => {
      // the sandbox CRM's groups are Dutch: the user maps them by hand (seed step 8)
      s.vatGroups.vatMapping = Object.fromEntries(Object.keys(s.vatGroups.vatMapping ?? {}).map((k) => [k, s.vatGroups.vatMapping[k] ?? "3"]));
    },
  });
}, 120_000);
afterAll(() => world?.close());

describe("PowerOffice import", () => {
  it("brings customers and suppliers into the CRM once, a contact that is both as one relation with both numbers", async () => {
    const out = await runImport(installationId, { connector: "poweroffice" });
    expect(out.error).toBeUndefined();
    expect(out.done).toBe(true);
    const log = await syncLog(world, installationId);
    expect(log.filter((e: Json) => e.outcome === "failed")).toEqual([]);

    const relationLinks = await links(world, installationId, "relation");
    const byRole = (role: string) => relationLinks.filter((l: Json) => l.role === role);
    const customers = (await go("GET", "/Customers")).json as Json[];
    const suppliers = (await go("GET", "/Suppliers")).json as Json[];
    // archived customers are not imported (10007)
    expect(byRole("customer").length).toBe(customers.filter((c) => !c.IsArchived && c.IsActive !== false).length);
    expect(byRole("supplier").length).toBe(suppliers.filter((c) => !c.IsArchived && c.IsActive !== false).length);

    // Vestland Trevare: customer 10005 and supplier 20003, one contact Id, one CRM relation
    const vestland = customers.find((c) => c.Number === 10005);
    const asCustomer = byRole("customer").find((l: Json) => l.remoteId === String(vestland.Id));
    const asSupplier = byRole("supplier").find((l: Json) => l.remoteId === String(vestland.Id));
    expect(asCustomer?.hostId).toBeDefined();
    expect(asSupplier?.hostId).toBe(asCustomer.hostId);
    const org = await api.get(`Relation_Organization(${asCustomer.hostId})?$expand=Relationships`);
    const numbers = (org.Relationships as Json[]).map((r) => r.DebtorNumber ?? r.CreditorNumber).filter(Boolean);
    expect(numbers).toEqual(expect.arrayContaining(["10005", "20003"]));
  });
});
