/**
 * Tribe's webhooks as Tribe documents them (FACTS.md §1, "Webhooks" [V]):
 * - a delivery's body is `{"webhookId", "payload": <Entity|Relationship><Creation|Update|Deletion>Mutation}`,
 *   the mutation carrying `entityId` or `relationshipId`; the tenant and the entity type are those of
 *   the subscription the webhookId names;
 * - the signature is SHA-512 keyed by the webhook secret over the body as sent, as hex, then Base64,
 *   in a header whose name Tribe does not publish (a setting).
 * Anything else a delivery may carry (a mutation type, an entity type, changed fields, a delivery
 * id header) is read when present and never relied on.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import type { HostChangeEntity } from "@/lib/sync/host-changes";

/** The entity types Ledgerlink subscribes to, per tenant, and what each is about. */
export const WEBHOOK_ENTITY_TYPES: Record<string, HostChangeEntity> = {
  "Relation.Organization": "relation",
  "Relation.Person": "relation",
  "Relationship.Organization.CommercialRelationship.Customer": "relation",
  "Relationship.Person.CommercialRelationship.Customer": "relation",
  "Relationship.Organization.Supplier": "relation",
  "Relationship.Person.Supplier": "relation",
  // an organization's contact person: its e-mail and phone numbers (its name is its Relation.Person's)
  "Relationship.Person.Contact.Standard": "relation",
  Address: "relation",
  Product: "product",
  "Activity.Invoice": "invoice",
  "Activity.SalesOrder": "salesOrder",
};

/**
 * Custom headers Ledgerlink puts on its subscriptions. A delivery is attributed by its
 * webhookId; these only help with a subscription Ledgerlink has no record of.
 */
export const TENANT_HEADER = "x-ledgerlink-tenant";
export const ENTITY_TYPE_HEADER = "x-ledgerlink-entity-type";

export function signTribeWebhook(secret: string, rawBody: string): string {
  const hex = createHmac("sha512", secret).update(rawBody).digest("hex");
  return Buffer.from(hex, "utf8").toString("base64");
}

/** Constant-time check of a delivery's signature against the body exactly as received. */
export function tribeSignatureValid(secret: string, rawBody: string, signature: string | null): boolean {
  if (!signature) return false;
  const expected = Buffer.from(signTribeWebhook(secret, rawBody));
  const given = Buffer.from(signature.trim());
  return expected.length === given.length && timingSafeEqual(expected, given);
}

const mutation = z.looseObject({
  entityId: z.string().min(1).optional(),
  relationshipId: z.string().min(1).optional(),
  // not documented; read when a delivery carries them
  type: z.string().optional(),
  __typename: z.string().optional(),
  changedFields: z.array(z.string()).optional(),
});

export const tribeWebhookBody = z.object({
  webhookId: z.string().min(1),
  payload: mutation.refine((m) => m.entityId ?? m.relationshipId, { message: "the mutation names no entityId or relationshipId" }),
});

export type TribeWebhook = {
  webhookId: string;
  entityId: string;
  mutation: "created" | "updated" | "deleted" | null;
  changedFields: string[] | null;
};

export type ParsedWebhook = { ok: true; webhook: TribeWebhook } | { ok: false; detail: string };

/** Parses a delivery's body (not yet verified: its webhookId says whose secret and subscription it is). */
export function parseTribeWebhook(rawBody: string): ParsedWebhook {
  let json: unknown;
  try {
    json = JSON.parse(rawBody);
  } catch {
    return { ok: false, detail: "body is not JSON" };
  }
  const parsed = tribeWebhookBody.safeParse(json);
  if (!parsed.success) return { ok: false, detail: parsed.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; ") };
  const p = parsed.data.payload;
  const kind = p.type ?? p.__typename ?? "";
  const m = /(Creation|Update|Deletion)Mutation$/.exec(kind)?.[1];
  return {
    ok: true,
    webhook: {
      webhookId: parsed.data.webhookId,
      entityId: (p.entityId ?? p.relationshipId)!,
      mutation: m === "Creation" ? "created" : m === "Update" ? "updated" : m === "Deletion" ? "deleted" : null,
      changedFields: p.changedFields ?? null,
    },
  };
}
