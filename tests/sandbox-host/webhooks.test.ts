import { createHmac } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { HostSandbox } from "../../sandbox/host/server";
import { api, install, startHost, startReceiver, token } from "./helpers";

const SECRET = "test-webhook-secret";
let host: HostSandbox;

beforeAll(async () => {
  host = await startHost({ webhookSecret: SECRET });
});
afterAll(async () => {
  await host.close();
});
beforeEach(async () => {
  await fetch(`${host.url}/__admin/reset`, { method: "POST" });
  await fetch(`${host.url}/__admin/config`, { method: "POST", body: JSON.stringify({ reset: true, webhookBackoffMs: 50 }) });
  await install(host);
});

/** Tribe's documented signature: SHA-512 keyed by the secret over the body, hex, then Base64. */
function expectedSignature(body: string) {
  const hex = createHmac("sha512", SECRET).update(body).digest("hex");
  return Buffer.from(hex).toString("base64");
}

async function subscribe(A: { tok: string }, entityType: string, url: string, headers?: Record<string, string>) {
  const r = await fetch(`${host.url}/v1/webhooks`, {
    method: "POST",
    headers: { authorization: `Bearer ${A.tok}`, "content-type": "application/json" },
    body: JSON.stringify({ entityType, url, ...(headers ? { headers } : {}) }),
  });
  expect(r.status).toBe(201);
  return (await r.json()) as { id: string; entityType: string; url: string };
}

describe("webhooks", () => {
  it("delivers exactly the documented payload, signed over the body, and manages subscriptions", async () => {
    const rx = await startReceiver();
    try {
      const tok = await token(host);
      const sub = await subscribe({ tok }, "Relation.Organization", `${rx.url}/hook`, { "X-Custom": "mine" });
      const list = await (await fetch(`${host.url}/v1/webhooks`, { headers: { authorization: `Bearer ${tok}` } })).json();
      expect(list).toEqual([expect.objectContaining({ id: sub.id, entityType: "Relation.Organization" })]);

      const A = api(host, tok);
      const created = await A.post("Relation_Organization", { Name: "Webhook BV" });
      await A.put(`Relation_Organization(${created.json.ID})`, { Name: "Webhook BV 2" });
      await A.post("Product", { Name: "not subscribed" });
      await host.waitForWebhooks();
      expect(rx.received).toHaveLength(2);
      const [first, second] = rx.received;
      // nothing but what Tribe documents: the subscription and the mutation's entity
      expect(JSON.parse(first!.body)).toEqual({ webhookId: sub.id, payload: { entityId: created.json.ID } });
      expect(JSON.parse(second!.body)).toEqual({ webhookId: sub.id, payload: { entityId: created.json.ID } });
      expect(first!.headers["x-tribe-signature"]).toBe(expectedSignature(first!.body));
      expect(first!.headers["x-tribe-timestamp"], "no timestamp header: Tribe documents none").toBeUndefined();
      expect(first!.headers["x-tribe-delivery"], "no delivery id header unless configured").toBeUndefined();
      expect(first!.headers["x-custom"], "the subscription's custom headers").toBe("mine");

      const del = await fetch(`${host.url}/v1/webhooks/${sub.id}`, { method: "DELETE", headers: { authorization: `Bearer ${tok}` } });
      expect(del.status).toBe(204);
      await A.put(`Relation_Organization(${created.json.ID})`, { Name: "Webhook BV 3" });
      await host.waitForWebhooks();
      expect(rx.received).toHaveLength(2);
    } finally {
      await rx.close();
    }
  });

  it("retries failed deliveries with backoff, keeping the delivery id, and records them", async () => {
    const rx = await startReceiver({ failFirst: 2 });
    try {
      const tok = await token(host);
      await subscribe({ tok }, "Activity.Invoice", `${rx.url}/hook`);
      const A = api(host, tok);
      const inv = (await A.get("Activity_Invoice?$filter=Phase/Code eq 'Draft'&$top=1")).json.value[0];
      const sent = (await A.get("Datastore_Phase_ActivityInvoice?$filter=Code eq 'Sent'")).json.value[0];
      await A.post("Activity_Invoice", { ID: inv.ID, Subject: "no phase change, no webhook" });
      await A.post("Activity_Invoice", { ID: inv.ID, Phase: { ID: sent.ID } });
      await host.waitForWebhooks();
      expect(rx.received).toHaveLength(3);
      expect(new Set(rx.received.map((r) => r.body)).size, "a retry sends the same body").toBe(1);
      expect(rx.received[2]!.at - rx.received[1]!.at).toBeGreaterThanOrEqual(90); // 50 ms, then 100 ms
      for (const r of rx.received) expect(r.headers["x-tribe-signature"]).toBe(expectedSignature(r.body));
      expect(JSON.parse(rx.received[0]!.body).payload).toEqual({ entityId: inv.ID });

      const log = await (await fetch(`${host.url}/__admin/webhooks`)).json();
      expect(log.deliveries).toHaveLength(1);
      expect(log.deliveries[0]).toMatchObject({ status: "delivered", attemptCount: 3, lastStatus: 200 });
      expect(log.deliveries[0].attempts.map((a: any) => a.status)).toEqual([500, 500, 200]);
    } finally {
      await rx.close();
    }
  });

  it("gives up after the configured attempts", async () => {
    const rx = await startReceiver({ status: 503 });
    try {
      await fetch(`${host.url}/__admin/config`, { method: "POST", body: JSON.stringify({ webhookRetries: 3 }) });
      const tok = await token(host);
      await subscribe({ tok }, "Product", `${rx.url}/hook`);
      await api(host, tok).post("Product", { Name: "Fail" });
      await host.waitForWebhooks();
      expect(rx.received).toHaveLength(3);
      const log = await (await fetch(`${host.url}/__admin/webhooks`)).json();
      expect(log.deliveries[0]).toMatchObject({ status: "failed", attemptCount: 3 });
    } finally {
      await rx.close();
    }
  });

  it("sends for web UI changes but not for /__admin/seed", async () => {
    const rx = await startReceiver();
    try {
      const tok = await token(host);
      await subscribe({ tok }, "Relation.Organization", `${rx.url}/hook`);
      await subscribe({ tok }, "Address", `${rx.url}/hook`);
      await subscribe({ tok }, "Relationship.Organization.CommercialRelationship.Customer", `${rx.url}/hook`);
      const seeded = await fetch(`${host.url}/__admin/seed`, { method: "POST", body: JSON.stringify({ organizations: 5 }) });
      expect(seeded.status).toBe(200);
      const r = await fetch(`${host.url}/organizations/new`, {
        method: "POST",
        redirect: "manual",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ Name: "UI BV", IsActive: "on", Street: "Markt", HouseNumber: "1", Postalcode: "1234 AB", City: "Delft", CountryCode: "NL", IsCustomer: "on", DebtorNumber: "" }),
      });
      expect(r.status).toBe(303);
      await host.waitForWebhooks();
      const subs = (await (await fetch(`${host.url}/v1/webhooks`, { headers: { authorization: `Bearer ${tok}` } })).json()) as Array<{ id: string; entityType: string }>;
      const typeOf = new Map(subs.map((x) => [x.id, x.entityType]));
      const types = rx.received.map((x) => typeOf.get(JSON.parse(x.body).webhookId)).sort();
      expect(types).toEqual(["Address", "Relation.Organization", "Relationship.Organization.CommercialRelationship.Customer"]);
      const role = rx.received.map((x) => JSON.parse(x.body)).find((b) => typeOf.get(b.webhookId)?.startsWith("Relationship."));
      expect(Object.keys(role.payload), "a relationship mutation names its relationshipId").toEqual(["relationshipId"]);
    } finally {
      await rx.close();
    }
  });

  it("adds, when configured, a delivery id header and the mutation's type and fields (not documented by Tribe)", async () => {
    const rx = await startReceiver();
    try {
      await fetch(`${host.url}/__admin/config`, {
        method: "POST",
        body: JSON.stringify({ webhookDeliveryHeader: "X-Delivery", webhookPayloadExtras: true, webhookSignatureHeader: "X-Sig" }),
      });
      const tok = await token(host);
      await subscribe({ tok }, "Product", `${rx.url}/hook`);
      const p = await api(host, tok).post("Product", { Name: "Extras" });
      await host.waitForWebhooks();
      const [d] = rx.received;
      expect(JSON.parse(d!.body).payload).toEqual({ entityId: p.json.ID, type: "EntityCreationMutation", entityType: "Product", changedFields: expect.arrayContaining(["Name"]) });
      expect(d!.headers["x-delivery"]).toMatch(/^[0-9a-f-]{36}$/);
      expect(d!.headers["x-sig"]).toBe(expectedSignature(d!.body));
    } finally {
      await rx.close();
    }
  });

  it("redirects deliveries with webhookUrlOverride", async () => {
    const rx = await startReceiver();
    try {
      await fetch(`${host.url}/__admin/config`, { method: "POST", body: JSON.stringify({ webhookUrlOverride: `${rx.url}/override` }) });
      const tok = await token(host);
      await subscribe({ tok }, "Product", "http://127.0.0.1:9/never");
      await api(host, tok).post("Product", { Name: "Override" });
      await host.waitForWebhooks();
      expect(rx.received).toHaveLength(1);
    } finally {
      await rx.close();
    }
  });
});
