import { eq } from "drizzle-orm";
import type { Db } from "@/lib/db";
import { schema } from "@/lib/db";
import { verifyWebhook, type WebhookBody } from "@/lib/host/tribe/webhook";

export type OutgoingEvent = { id: string; name: string; data: Record<string, string> };

/** Which engine event a host mutation becomes; deletions are never propagated. */
export function eventsForWebhook(deliveryId: string, body: WebhookBody): OutgoingEvent[] {
  const { type, entityType, entityId, changedFields } = body.payload;
  if (type.endsWith("DeletionMutation")) return [];
  const data = { tenantId: body.organizationId, entityType, entityId, deliveryId };
  const event = (name: string) => [{ id: `${deliveryId}:${name}`, name, data }];
  if (entityType.startsWith("Relation.") || entityType.startsWith("Relationship.") || entityType === "Address") {
    return event("ledgerlink/relation.changed");
  }
  if (entityType === "Product") return event("ledgerlink/product.changed");
  const phaseChanged = type === "EntityCreationMutation" || changedFields.length === 0 || changedFields.includes("Phase");
  if (entityType === "Activity.Invoice" && phaseChanged) return event("ledgerlink/invoice.phase-changed");
  if (entityType === "Activity.SalesOrder" && phaseChanged) return event("ledgerlink/sales-order.phase-changed");
  return [];
}

export type WebhookResult = { status: number; body: Record<string, unknown> };

/**
 * Verify, drop a delivery seen before, and hand the event on. The delivery id is only kept
 * once the event is handed on, so a failed hand-off is retried by the host, not lost.
 */
export async function receiveHostWebhook(
  db: Db,
  rawBody: string,
  headers: Headers,
  opts: { secret: string; send: (events: OutgoingEvent[]) => Promise<unknown>; now?: Date },
): Promise<WebhookResult> {
  const verified = verifyWebhook(rawBody, headers, { secret: opts.secret, now: opts.now });
  if (!verified.ok) {
    const status = verified.reason === "bad_body" ? 400 : 401;
    return { status, body: { error: verified.reason, ...(verified.detail ? { detail: verified.detail } : {}) } };
  }
  const { deliveryId, body } = verified;
  const inserted = await db
    .insert(schema.webhookDeliveries)
    .values({ deliveryId, tenantId: body.organizationId, entityType: body.payload.entityType })
    .onConflictDoNothing()
    .returning({ id: schema.webhookDeliveries.deliveryId });
  // a delivery id seen before is a replay: refused like any other unauthenticated delivery
  if (inserted.length === 0) return { status: 401, body: { error: "replayed" } };
  const events = eventsForWebhook(deliveryId, body);
  try {
    if (events.length) await opts.send(events);
  } catch (err) {
    await db.delete(schema.webhookDeliveries).where(eq(schema.webhookDeliveries.deliveryId, deliveryId));
    throw err;
  }
  return { status: 202, body: { ok: true, events: events.length } };
}
