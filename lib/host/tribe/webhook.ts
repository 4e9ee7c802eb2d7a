import { createHmac, timingSafeEqual } from "node:crypto";
import { z } from "zod";

export const SIGNATURE_HEADER = "x-tribe-signature";
export const TIMESTAMP_HEADER = "x-tribe-timestamp";
export const DELIVERY_HEADER = "x-tribe-delivery";
export const MAX_WEBHOOK_AGE_SECONDS = 300;

/** Tribe signs with SHA-512 keyed by the webhook secret, hex, then Base64 (docs/host-api.md). */
export function signWebhook(secret: string, timestamp: string, rawBody: string): string {
  const hex = createHmac("sha512", secret).update(`${timestamp}.${rawBody}`).digest("hex");
  return Buffer.from(hex, "utf8").toString("base64");
}

export const webhookBody = z.object({
  webhookId: z.string().min(1),
  organizationId: z.string().min(1),
  payload: z.object({
    type: z.enum([
      "EntityCreationMutation",
      "EntityUpdateMutation",
      "EntityDeletionMutation",
      "RelationshipCreationMutation",
      "RelationshipUpdateMutation",
      "RelationshipDeletionMutation",
    ]),
    entityType: z.string().min(1),
    entityId: z.string().min(1),
    changedFields: z.array(z.string()).default([]),
  }),
});
export type WebhookBody = z.infer<typeof webhookBody>;

export type WebhookRejection = "missing_headers" | "bad_signature" | "stale" | "bad_body";

export type VerifiedWebhook =
  | { ok: true; deliveryId: string; body: WebhookBody }
  | { ok: false; reason: WebhookRejection; detail?: string };

/** Verifies a delivery over its raw body, in constant time, and parses it. */
export function verifyWebhook(
  rawBody: string,
  headers: Headers,
  opts: { secret: string; now?: Date },
): VerifiedWebhook {
  const signature = headers.get(SIGNATURE_HEADER);
  const timestamp = headers.get(TIMESTAMP_HEADER);
  const deliveryId = headers.get(DELIVERY_HEADER);
  if (!signature || !timestamp || !deliveryId) return { ok: false, reason: "missing_headers" };
  const expected = Buffer.from(signWebhook(opts.secret, timestamp, rawBody));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, reason: "bad_signature" };
  const ts = Number(timestamp);
  const now = Math.floor((opts.now ?? new Date()).getTime() / 1000);
  if (!Number.isInteger(ts) || Math.abs(now - ts) > MAX_WEBHOOK_AGE_SECONDS) return { ok: false, reason: "stale" };
  let json: unknown;
  try {
    json = JSON.parse(rawBody);
  } catch {
    return { ok: false, reason: "bad_body", detail: "body is not JSON" };
  }
  const body = webhookBody.safeParse(json);
  if (!body.success) {
    return { ok: false, reason: "bad_body", detail: body.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ") };
  }
  return { ok: true, deliveryId, body: body.data };
}
