import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq, inArray, sql } from "drizzle-orm";
import { schema } from "@/lib/db";
import { closeDeliveries, webhookReceiver, type HostChangeEvent } from "@/lib/host/receive-webhook";
import { ENTITY_TYPE_HEADER, signTribeWebhook, TENANT_HEADER } from "@/lib/host/tribe/webhook";
import { announceWrites, expectEchoes, settleWrites, takeEchoesOnReceipt } from "@/lib/sync/own-writes";
import { sortHostChanges } from "@/lib/sync/host-changes";
import type { SyncContext } from "@/lib/sync/context";
import { createTestDatabase } from "../helpers/db";

const secret = "webhook-secret-for-tests";
const signatureHeader = "x-tribe-signature";
const TENANT = "tenant-1";
let handle: Awaited<ReturnType<typeof createTestDatabase>>;

beforeAll(async () => {
  handle = await createTestDatabase();
  await handle.db.insert(schema.tenants).values({ id: TENANT, name: "Tenant" });
  await handle.db.insert(schema.hostWebhooks).values([
    { id: "wh-org", tenantId: TENANT, entityType: "Relation.Organization" },
    { id: "wh-customer", tenantId: TENANT, entityType: "Relationship.Organization.CommercialRelationship.Customer" },
    { id: "wh-product", tenantId: TENANT, entityType: "Product" },
  ]);
});
afterAll(() => handle.close());

/** A delivery as Tribe documents it: the JSON body, signed over exactly those bytes. */
function delivery(body: object, opts: { secret?: string; headers?: Record<string, string> } = {}) {
  const raw = JSON.stringify(body);
  return { raw, headers: new Headers({ [signatureHeader]: signTribeWebhook(opts.secret ?? secret, raw), ...opts.headers }) };
}

async function receive(raw: string, headers: Headers, deliveryHeader: string | null = null) {
  const sent: HostChangeEvent[] = [];
  const result = await webhookReceiver(handle.db, { secret, signatureHeader, deliveryHeader, send: async (e) => void sent.push(...e) })(raw, headers);
  return { ...result, sent };
}

const deliveries = async () => (await handle.db.select({ n: sql<number>`count(*)::int` }).from(schema.webhookDeliveries))[0]!.n;

describe("host webhooks as Tribe documents them", () => {
  it("takes the tenant and entity type from the subscription the webhookId names", async () => {
    const d = delivery({ webhookId: "wh-org", payload: { entityId: "e1" } });
    const r = await receive(d.raw, d.headers);
    expect(r.status).toBe(202);
    expect(r.sent).toEqual([
      { name: "ledgerlink/host.changed", data: expect.objectContaining({ tenantId: TENANT, entity: "relation", entityType: "Relation.Organization", entityId: "e1", mutation: null }) },
    ]);
  });

  it("reads a relationship mutation by its relationshipId, and the mutation's type when the host adds it", async () => {
    const d = delivery({ webhookId: "wh-customer", payload: { relationshipId: "r1", type: "RelationshipDeletionMutation" } });
    const r = await receive(d.raw, d.headers);
    expect(r.sent[0]!.data).toMatchObject({ entity: "relation", entityId: "r1", mutation: "deleted" });
  });

  it("refuses a bad signature, a tampered body and an unsigned delivery with 401, and keeps nothing", async () => {
    const before = await deliveries();
    const forged = delivery({ webhookId: "wh-product", payload: { entityId: "p1" } }, { secret: "not-the-secret" });
    expect(await receive(forged.raw, forged.headers)).toMatchObject({ status: 401, body: { error: "bad_signature" }, sent: [] });
    const ok = delivery({ webhookId: "wh-product", payload: { entityId: "p1" } });
    expect(await receive(ok.raw.replace("p1", "p2"), ok.headers)).toMatchObject({ status: 401, sent: [] });
    expect(await receive(ok.raw, new Headers())).toMatchObject({ status: 401, body: { error: "missing_signature" }, sent: [] });
    expect(await receive("not json", new Headers())).toMatchObject({ status: 401, sent: [] });
    expect(await deliveries()).toBe(before);
  });

  it("answers a redelivery 2xx without handing it on twice, and takes an equal body after the first is sorted as a new change", async () => {
    const d = delivery({ webhookId: "wh-product", payload: { entityId: "p-redeliver" } });
    const first = await receive(d.raw, d.headers);
    const again = await receive(d.raw, d.headers);
    expect(first.sent).toHaveLength(1);
    expect(again).toMatchObject({ status: 200, body: { duplicate: true }, sent: [] });
    await closeDeliveries(handle.db, [first.sent[0]!.data.delivery]);
    expect((await receive(d.raw, d.headers)).sent, "the same change made again later is a new delivery").toHaveLength(1);
  });

  it("recognises a delivery by its id when the host sends one", async () => {
    const d = delivery({ webhookId: "wh-product", payload: { entityId: "p-id" } }, { headers: { "x-delivery": "delivery-7" } });
    const first = await receive(d.raw, d.headers, "x-delivery");
    await closeDeliveries(handle.db, [first.sent[0]!.data.delivery]);
    expect(await receive(d.raw, d.headers, "x-delivery")).toMatchObject({ status: 200, body: { duplicate: true }, sent: [] });
  });

  it("forgets a delivery it could not hand on, so the host's retry is not lost", async () => {
    const d = delivery({ webhookId: "wh-product", payload: { entityId: "p-flaky" } });
    await expect(webhookReceiver(handle.db, { secret, signatureHeader, send: async () => Promise.reject(new Error("queue down")) })(d.raw, d.headers)).rejects.toThrow("queue down");
    expect((await receive(d.raw, d.headers)).sent).toHaveLength(1);
  });

  it("tells a signed delivery that does not parse what is wrong with it", async () => {
    const d = delivery({ webhookId: "wh-org", payload: { something: "else" } });
    const r = await receive(d.raw, d.headers);
    expect(r.status).toBe(400);
    expect(String(r.body.detail)).toContain("entityId or relationshipId");
  });

  it("records deliveries that arrive together in one go, and answers each its own way", async () => {
    const sent: HostChangeEvent[][] = [];
    // a window wide enough for a busy machine: what is asserted is that they go together, not how fast
    const receiveOne = webhookReceiver(handle.db, { secret, signatureHeader, batchWaitMs: 200, send: async (e) => void sent.push(e) });
    const bodies = ["a1", "a2", "a3"].map((id) => delivery({ webhookId: "wh-product", payload: { entityId: `together-${id}` } }));
    const results = await Promise.all([...bodies, bodies[0]!].map((d) => receiveOne(d.raw, d.headers)));
    expect(results.map((r) => r.status)).toEqual([202, 202, 202, 200]);
    expect(sent.map((batch) => batch.length), "one hand-off for the three new deliveries").toEqual([3]);
  });

  it("ignores a subscription it has no record of, unless its custom headers name a known tenant", async () => {
    const stranger = delivery({ webhookId: "wh-unknown", payload: { entityId: "x1" } });
    expect(await receive(stranger.raw, stranger.headers)).toMatchObject({ status: 202, body: { ignored: "unknown_subscription" }, sent: [] });
    const restored = delivery({ webhookId: "wh-restored", payload: { entityId: "x2" } }, { headers: { [TENANT_HEADER]: TENANT, [ENTITY_TYPE_HEADER]: "Product" } });
    const r = await receive(restored.raw, restored.headers);
    expect(r.sent[0]!.data).toMatchObject({ tenantId: TENANT, entity: "product", entityId: "x2" });
    const other = delivery({ webhookId: "wh-restored", payload: { entityId: "x3" } }, { headers: { [TENANT_HEADER]: "not-a-tenant", [ENTITY_TYPE_HEADER]: "Product" } });
    expect((await receive(other.raw, other.headers)).sent).toEqual([]);
    const rows = await handle.db.select().from(schema.webhookDeliveries).where(eq(schema.webhookDeliveries.tenantId, "not-a-tenant"));
    expect(rows).toEqual([]);
  });

  it("knows Ledgerlink's own writes on arrival: hands on nothing for them, and to another installation what is news to it", async () => {
    const [a, b] = await handle.db
      .insert(schema.installations)
      .values([
        { tenantId: TENANT, connector: "package-a", status: "active" },
        { tenantId: TENANT, connector: "package-b", status: "importing" },
      ])
      .returning();
    await expectEchoes(handle.db, a!.id, ["both-wrote", "a-wrote"]);
    await expectEchoes(handle.db, b!.id, ["both-wrote"]);
    const [both, onlyA, nobody] = ["both-wrote", "a-wrote", "someone-else"].map((id) => delivery({ webhookId: "wh-org", payload: { entityId: id } }));

    const echo = await receive(both!.raw, both!.headers);
    expect(echo).toMatchObject({ status: 202, body: { ok: true, echo: true }, sent: [] });
    expect((await receive(both!.raw, both!.headers)).status, "an echo's redelivery, after: a new change").toBe(202);

    // a hand-off that fails gives the echo back: the host's retry finds it again
    const down = webhookReceiver(handle.db, { secret, signatureHeader, send: async () => Promise.reject(new Error("queue down")) });
    await expect(down(onlyA!.raw, onlyA!.headers)).rejects.toThrow("queue down");
    const forB = await receive(onlyA!.raw, onlyA!.headers);
    expect(forB.sent.map((e) => e.data)).toEqual([expect.objectContaining({ entityId: "a-wrote", echoOf: [a!.id] })]);
    // what installation A's sorting needs of its context here: its database and itself
    const ctxOfA = { db: handle.db, installation: a! } as unknown as SyncContext;
    const sorted = await sortHostChanges(ctxOfA, forB.sent.map((e) => e.data));
    expect(sorted, "installation A does not look at its own write again").toMatchObject({ echoes: 1, changed: { relation: [] } });

    const news = await receive(nobody!.raw, nobody!.headers);
    expect(news.sent.map((e) => e.data.echoOf)).toEqual([undefined]);
    await handle.db.delete(schema.installations).where(inArray(schema.installations.id, [a!.id, b!.id]));
  });

  it("lets a webhook that may be a page's write wait a moment for the echo the page saves after the write's answer", async () => {
    const [inst] = await handle.db.insert(schema.installations).values({ tenantId: TENANT, connector: "package-a", status: "importing" }).returning();
    // a page is writing relations: its creates are announced, their ids not known yet
    await announceWrites(handle.db, inst!.id, "relation", "page:test", ["K:new-org"]);
    const early = delivery({ webhookId: "wh-org", payload: { entityId: "created-by-the-page" } });
    const before = await deliveries();
    const answered = receive(early.raw, early.headers);
    // the write's answer reaches the page after the webhook reached the receipt
    await new Promise((r) => setTimeout(r, 40));
    await expectEchoes(handle.db, inst!.id, ["created-by-the-page"]);
    expect(await answered, "taken as the page's echo").toMatchObject({ status: 202, body: { echo: true }, sent: [] });
    expect(await deliveries(), "an echo is not kept: an equal body later is a new change").toBe(before);

    // a product change while only relations are being written is not held up, nor one after the page
    const product = delivery({ webhookId: "wh-product", payload: { entityId: "edited-by-a-user" } });
    expect((await receive(product.raw, product.headers)).sent).toHaveLength(1);
    await settleWrites(handle.db, inst!.id, "page:test");
    const later = delivery({ webhookId: "wh-org", payload: { entityId: "edited-after-the-page" } });
    const t0 = Date.now();
    expect((await receive(later.raw, later.headers)).sent).toHaveLength(1);
    expect(Date.now() - t0, "no page writing: handed on without waiting").toBeLessThan(100);
    await handle.db.delete(schema.installations).where(eq(schema.installations.id, inst!.id));
  });

  it("expects no echo where the host sends the tenant no webhooks: a later change made in the host is not taken for one", async () => {
    await handle.db.insert(schema.tenants).values({ id: "tenant-without-webhooks", name: "No webhooks" });
    const [quiet] = await handle.db.insert(schema.installations).values({ tenantId: "tenant-without-webhooks", connector: "package-a", status: "active" }).returning();
    await expectEchoes(handle.db, quiet!.id, ["written-before-any-subscription"]);
    const taken = await takeEchoesOnReceipt(handle.db, [{ tenantId: "tenant-without-webhooks", entityId: "written-before-any-subscription", entity: "relation" }]);
    expect(taken.echoOf).toEqual([[]]);
    await handle.db.delete(schema.installations).where(eq(schema.installations.id, quiet!.id));
  });
});
