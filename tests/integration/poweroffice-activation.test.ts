/**
 * Activating PowerOffice (seed 001, step 4): the secret key is checked against Go, and a client
 * whose integration lacks a privilege the sync needs is refused with the privileges named.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { schema } from "@/lib/db";
import { getConnector } from "@/lib/connectors";
import { connectInstallation } from "@/lib/installations";
import { translate } from "@/lib/i18n";
import { upsertTenant } from "@/lib/tenancy";
import { activateInCrm, SANDBOX_TENANT, startWorld, type World } from "../helpers/world";

let world: World;
beforeAll(async () => {
  world = await startWorld({ poweroffice: {} });
  await upsertTenant(world.db, { tenantId: SANDBOX_TENANT, tenantName: "Sandbox BV", locale: "nl" });
  await activateInCrm(world, { listingId: "poweroffice" });
}, 120_000);
afterAll(() => world?.close());

const connector = () => getConnector("poweroffice")!;
const send = async () => {};
const connect = (clientKey: string) => connectInstallation(world.db, { tenantId: SANDBOX_TENANT, connector: connector(), input: { clientKey }, send });

describe("activating PowerOffice", () => {
  it("refuses a wrong secret key and keeps nothing", async () => {
    expect(await connect("not-the-secret-key")).toMatchObject({ ok: false, reason: "credentials" });
    expect(await world.db.select().from(schema.credentials)).toHaveLength(0);
  });

  it("names the privileges a client's integration lacks, in the user's language", async () => {
    const result = await connect("sandbox-client-key-lillehammer-sport");
    expect(result).toMatchObject({ ok: false, reason: "package" });
    const privileges = (result as { params?: { privileges: string } }).params?.privileges ?? "";
    expect(privileges.split(", ").sort()).toEqual(["SalesOrderAttachment_Full", "SalesOrders_Full"]);
    expect(translate("nl", "connectors.poweroffice.packageRefused", { privileges })).toContain("SalesOrders_Full");
    expect(translate("fr", "connectors.poweroffice.packageRefused", { privileges })).toContain("droits");
    expect(await world.db.select().from(schema.credentials)).toHaveLength(0);
  });

  it("accepts the secret key of a client with every privilege and names the Go client", async () => {
    const result = await connect("sandbox-client-key-nordlys-interior");
    expect(result).toMatchObject({ ok: true });
    const [inst] = await world.db.select().from(schema.installations);
    expect(inst.remoteAccount).toMatchObject({ client: "Nordlys Interiør AS" });
    expect(await world.db.select().from(schema.credentials)).toHaveLength(1);
  });
});
