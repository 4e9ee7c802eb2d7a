import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { schema } from "@/lib/db";
import { getConnector } from "@/lib/connectors";
import { connectInstallation } from "@/lib/installations";
import { translate } from "@/lib/i18n";
import { upsertTenant } from "@/lib/tenancy";
import { WEBHOOK_ENTITY_TYPES } from "@/lib/host/tribe/webhook";
import { activateInCrm, crm, SANDBOX_TENANT, startWorld, type World } from "../helpers/world";

let world: World;
beforeAll(async () => {
  world = await startWorld();
  await upsertTenant(world.db, { tenantId: SANDBOX_TENANT, tenantName: "Sandbox BV", locale: "nl" });
  await activateInCrm(world);
}, 120_000);
afterAll(() => world?.close());

const connector = () => getConnector("snelstart")!;
const sent: unknown[] = [];
const send = async (e: unknown[]) => void sent.push(...e);

async function credentialsRows() {
  return world.db.select().from(schema.credentials);
}

describe("activating SnelStart", () => {
  it("refuses an InStap administration with the help page's explanation, and keeps nothing", async () => {
    const result = await connectInstallation(world.db, {
      tenantId: SANDBOX_TENANT,
      connector: connector(),
      input: { method: "password", username: "eigenaar@knipenzo.test", password: "KnipEnZo-InStap-2024!" },
      send,
    });
    expect(result).toMatchObject({ ok: false, reason: "package" });
    expect(translate("nl", "connectors.snelstart.packageRefused")).toContain("Niet met InStap of Accountant");
    expect(await credentialsRows()).toHaveLength(0);
    const [inst] = await world.db.select().from(schema.installations).where(eq(schema.installations.tenantId, SANDBOX_TENANT));
    expect(inst.status).toBe("inactive");
    expect(sent).toHaveLength(0);
  });

  it("refuses wrong credentials, and names the empty field of an incomplete form", async () => {
    const wrong = await connectInstallation(world.db, {
      tenantId: SANDBOX_TENANT,
      connector: connector(),
      input: { method: "clientkey", clientKey: "not-a-key" },
      send,
    });
    expect(wrong).toMatchObject({ ok: false, reason: "credentials" });
    const incomplete = await connectInstallation(world.db, {
      tenantId: SANDBOX_TENANT,
      connector: connector(),
      input: { method: "password", username: "", password: "x" },
      send,
    });
    expect(incomplete).toMatchObject({ ok: false, fieldErrors: { username: "settings.errors.required" } });
    expect(await credentialsRows()).toHaveLength(0);
  });

  it("accepts an InKaart koppelsleutel, seals it, and waits for the settings before importing", async () => {
    const result = await connectInstallation(world.db, {
      tenantId: SANDBOX_TENANT,
      connector: connector(),
      input: { method: "clientkey", clientKey: "sandbox-koppelsleutel-inkaart-korenschoof" },
      send,
    });
    expect(result).toEqual({ ok: true, status: "connecting" });
    const [row] = await credentialsRows();
    expect(row.sealed).not.toContain("sandbox-koppelsleutel");
    const [inst] = await world.db.select().from(schema.installations).where(eq(schema.installations.tenantId, SANDBOX_TENANT));
    expect(inst.remoteAccount).toMatchObject({ administratie: expect.any(String) });
    expect(sent).toHaveLength(0);
  });

  it("subscribes, through the CRM's /v1/webhooks, to every entity type it syncs, and knows each subscription by id", async () => {
    const subs = (await crm(world).call("GET", "../webhooks")).json as Array<{ id: string; entityType: string; url: string }>;
    expect(subs.map((x) => x.entityType).sort()).toEqual(Object.keys(WEBHOOK_ENTITY_TYPES).sort());
    for (const x of subs) expect(x.url).toBe(world.receiverUrl);
    const rows = await world.db.select().from(schema.hostWebhooks).where(eq(schema.hostWebhooks.tenantId, SANDBOX_TENANT));
    expect(rows.map((r) => [r.id, r.entityType]).sort()).toEqual(subs.map((x) => [x.id, x.entityType]).sort());

    // activating again keeps them: none is made twice
    await connectInstallation(world.db, { tenantId: SANDBOX_TENANT, connector: connector(), input: { method: "clientkey", clientKey: "sandbox-koppelsleutel-inkaart-korenschoof" }, send });
    const again = (await crm(world).call("GET", "../webhooks")).json as unknown[];
    expect(again).toHaveLength(subs.length);
  });
});
