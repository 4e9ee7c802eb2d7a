import { createHash } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import type { Db } from "@/lib/db";
import { schema } from "@/lib/db";
import type { HostChange } from "@/lib/sync/host-changes";
import { ENTITY_TYPE_HEADER, parseTribeWebhook, TENANT_HEADER, tribeSignatureValid, WEBHOOK_ENTITY_TYPES } from "@/lib/host/tribe/webhook";

export type HostChangeEvent = { name: "ledgerlink/host.changed"; data: HostChange & { tenantId: string; delivery: string } };

export type WebhookResult = { status: number; body: Record<string, unknown> };

export type ReceiveOptions = {
  secret: string;
  /** the header the host signs in */
  signatureHeader: string;
  /** a header naming the delivery, when the host sends one: then a delivery is recognised by it alone */
  deliveryHeader?: string | null;
  send: (events: HostChangeEvent[]) => Promise<unknown>;
};

/**
 * A body-keyed delivery still waiting to be sorted after this long is taken for lost: an equal
 * body is then received as new.
 */
const STUCK_AFTER = "1 hour";

/**
 * Parse, verify, drop a delivery already received, and hand the change on. A delivery is kept
 * only once its change is handed on, so a failed hand-off is retried by the host, not lost.
 * A redelivery is answered 2xx; a forged or unsigned one 401, and nothing is written for it.
 */
export async function receiveHostWebhook(db: Db, rawBody: string, headers: Headers, opts: ReceiveOptions): Promise<WebhookResult> {
  const parsed = parseTribeWebhook(rawBody);
  if (!parsed.ok) {
    // unsigned junk is refused as unauthenticated; only a signed body gets told what is wrong with it
    if (!tribeSignatureValid(opts.secret, rawBody, headers.get(opts.signatureHeader))) return { status: 401, body: { error: "bad_signature" } };
    return { status: 400, body: { error: "bad_body", detail: parsed.detail } };
  }
  if (!tribeSignatureValid(opts.secret, rawBody, headers.get(opts.signatureHeader))) {
    return { status: 401, body: { error: headers.get(opts.signatureHeader) ? "bad_signature" : "missing_signature" } };
  }
  const { webhook } = parsed;
  const subscription = await subscriptionOf(db, webhook.webhookId, headers);
  // a subscription Ledgerlink did not make (or has dropped): nothing to attribute it to, and nothing to retry
  if (!subscription) return { status: 202, body: { ignored: "unknown_subscription" } };
  const entity = WEBHOOK_ENTITY_TYPES[subscription.entityType];
  if (!entity) return { status: 202, body: { ignored: "unknown_entity_type" } };

  const headerId = opts.deliveryHeader ? headers.get(opts.deliveryHeader) : null;
  const delivery = headerId ? `id:${headerId}` : `body:${createHash("sha256").update(`${webhook.webhookId}\n${rawBody}`).digest("base64url")}`;
  const d = schema.webhookDeliveries;
  const accepted = await db
    .insert(d)
    .values({ deliveryId: delivery, tenantId: subscription.tenantId, entityType: subscription.entityType })
    .onConflictDoUpdate({
      target: d.deliveryId,
      set: { pending: true, receivedAt: new Date() },
      // an equal body is the same delivery while it waits to be sorted; after, it is a new change
      setWhere: sql`${d.deliveryId} like 'body:%' and (not ${d.pending} or ${d.receivedAt} < now() - ${STUCK_AFTER}::interval)`,
    })
    .returning({ id: d.deliveryId });
  if (accepted.length === 0) return { status: 200, body: { duplicate: true } };

  const event: HostChangeEvent = {
    name: "ledgerlink/host.changed",
    data: {
      tenantId: subscription.tenantId,
      entity,
      entityType: subscription.entityType,
      entityId: webhook.entityId,
      mutation: webhook.mutation,
      changedFields: webhook.changedFields,
      delivery,
    },
  };
  try {
    await opts.send([event]);
  } catch (err) {
    await db.delete(d).where(eq(d.deliveryId, delivery));
    throw err;
  }
  return { status: 202, body: { ok: true } };
}

/**
 * The tenant and entity type of a delivery: those of the subscription its webhookId names. A
 * subscription Ledgerlink has no record of (restored from a backup, say) is attributed by the
 * custom headers Ledgerlink puts on its subscriptions, to a tenant it knows.
 */
async function subscriptionOf(db: Db, webhookId: string, headers: Headers): Promise<{ tenantId: string; entityType: string } | null> {
  const [known] = await db.select().from(schema.hostWebhooks).where(eq(schema.hostWebhooks.id, webhookId));
  if (known) return known;
  const tenantId = headers.get(TENANT_HEADER);
  const entityType = headers.get(ENTITY_TYPE_HEADER);
  if (!tenantId || !entityType) return null;
  const [tenant] = await db.select({ id: schema.tenants.id }).from(schema.tenants).where(eq(schema.tenants.id, tenantId));
  return tenant ? { tenantId, entityType } : null;
}

/** The changes of these deliveries are sorted: an equal body arriving now is a new change. */
export async function closeDeliveries(db: Db, keys: string[]): Promise<void> {
  if (keys.length === 0) return;
  const d = schema.webhookDeliveries;
  await db.update(d).set({ pending: false }).where(and(sql`${d.deliveryId} = any(${sql.param([...new Set(keys)])}::text[])`, eq(d.pending, true)));
}
