import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { schema } from "@/lib/db";
import { receiveHostWebhook, type OutgoingEvent } from "@/lib/host/receive-webhook";
import { signWebhook } from "@/lib/host/tribe/webhook";
import { createTestDatabase } from "../helpers/db";

const secret = "webhook-secret-for-tests";
let handle: Awaited<ReturnType<typeof createTestDatabase>>;
beforeAll(async () => {
  handle = await createTestDatabase();
});
afterAll(() => handle.close());

function delivery(body: object, opts: { id?: string; ts?: number; secret?: string } = {}) {
  const raw = JSON.stringify(body);
  const ts = String(opts.ts ?? Math.floor(Date.now() / 1000));
  const headers = new Headers({
    "x-tribe-delivery": opts.id ?? crypto.randomUUID(),
    "x-tribe-timestamp": ts,
    "x-tribe-signature": signWebhook(opts.secret ?? secret, ts, raw),
  });
  return { raw, headers };
}

const body = (entityType: string, extra: object = {}) => ({
  webhookId: "wh1",
  organizationId: "tenant-1",
  payload: { type: "EntityUpdateMutation", entityType, entityId: "e1", changedFields: ["Name"], ...extra },
});

async function receive(raw: string, headers: Headers) {
  const sent: OutgoingEvent[] = [];
  const result = await receiveHostWebhook(handle.db, raw, headers, { secret, send: async (e) => void sent.push(...e) });
  return { ...result, sent };
}

describe("host webhooks", () => {
  it("accepts a valid delivery and hands it on as an engine event", async () => {
    const d = delivery(body("Relation.Organization"));
    const r = await receive(d.raw, d.headers);
    expect(r.status).toBe(202);
    expect(r.sent).toEqual([
      expect.objectContaining({ name: "ledgerlink/relation.changed", data: expect.objectContaining({ tenantId: "tenant-1", entityId: "e1" }) }),
    ]);
  });

  it("refuses a bad signature and a tampered body, and keeps nothing", async () => {
    const d = delivery(body("Product"), { secret: "not-the-secret" });
    const r = await receive(d.raw, d.headers);
    expect(r.status).toBe(401);
    expect(r.body.error).toBe("bad_signature");
    const ok = delivery(body("Product"));
    const tampered = await receive(ok.raw.replace("e1", "e2"), ok.headers);
    expect(tampered.status).toBe(401);
    expect(tampered.sent).toHaveLength(0);
    const [{ n }] = await handle.db
      .select({ n: sql<number>`count(*)::int` })
      .from(schema.webhookDeliveries)
      .where(sql`${schema.webhookDeliveries.deliveryId} = ${ok.headers.get("x-tribe-delivery")}`);
    expect(n).toBe(0);
  });

  it("refuses a stale timestamp", async () => {
    const d = delivery(body("Product"), { ts: Math.floor(Date.now() / 1000) - 301 });
    const r = await receive(d.raw, d.headers);
    expect(r).toMatchObject({ status: 401, body: { error: "stale" } });
  });

  it("drops a repeated delivery id", async () => {
    const d = delivery(body("Product"), { id: "same-delivery" });
    const first = await receive(d.raw, d.headers);
    const again = delivery(body("Product"), { id: "same-delivery" });
    const second = await receive(again.raw, again.headers);
    expect(first.sent).toHaveLength(1);
    expect(second).toMatchObject({ status: 401, body: { error: "replayed" } });
    expect(second.sent).toHaveLength(0);
  });

  it("forgets a delivery it could not hand on, so the host's retry is not lost", async () => {
    const d = delivery(body("Product"), { id: "flaky-delivery" });
    await expect(
      receiveHostWebhook(handle.db, d.raw, d.headers, { secret, send: async () => Promise.reject(new Error("queue down")) }),
    ).rejects.toThrow("queue down");
    const retry = delivery(body("Product"), { id: "flaky-delivery" });
    expect((await receive(retry.raw, retry.headers)).sent).toHaveLength(1);
  });

  it("rejects a body that does not parse, naming the field", async () => {
    const d = delivery({ webhookId: "x", organizationId: "t", payload: { type: "EntityUpdateMutation", entityId: "e" } });
    const r = await receive(d.raw, d.headers);
    expect(r.status).toBe(400);
    expect(String(r.body.detail)).toContain("payload.entityType");
  });

  it("books only phase changes of invoices and never propagates deletions", async () => {
    const phase = delivery(body("Activity.Invoice", { changedFields: ["Phase"] }));
    expect((await receive(phase.raw, phase.headers)).sent[0].name).toBe("ledgerlink/invoice.phase-changed");
    const subject = delivery(body("Activity.Invoice", { changedFields: ["Subject"] }));
    expect((await receive(subject.raw, subject.headers)).sent).toHaveLength(0);
    const del = delivery(body("Relation.Person", { type: "EntityDeletionMutation" }));
    expect((await receive(del.raw, del.headers)).sent).toHaveLength(0);
  });
});
