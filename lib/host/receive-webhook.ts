import { createHash } from "node:crypto";
import { microBatch } from "@/lib/micro-batch";
import { and, eq, sql } from "drizzle-orm";
import type { Db } from "@/lib/db";
import { rowsOf, schema } from "@/lib/db";
import type { HostChange } from "@/lib/sync/host-changes";
import { echoTaker, expectEchoes } from "@/lib/sync/own-writes";
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
  /** while a batch is being recorded, how long a delivery waits for others to go with it (default 20 ms) */
  batchWaitMs?: number;
};

/**
 * A body-keyed delivery still waiting to be sorted after this long is taken for lost: an equal
 * body is then received as new.
 */
const STUCK_AFTER = "1 hour";
/** How long a subscription's tenant and entity type are known without asking the database. */
const SUBSCRIPTION_TTL_MS = 60_000;

/** What the receipt reads of a delivery's headers (a route's `Request.headers`, or a lighter reader). */
export type HeaderReader = Pick<Headers, "get">;

export type WebhookReceiver = (rawBody: string, headers: HeaderReader) => Promise<WebhookResult>;

type Accepted = { delivery: string; event: HostChangeEvent };

/**
 * Parse, verify, drop a delivery already received, and hand the change on. A redelivery is
 * answered 2xx; a forged or unsigned one 401, and nothing is written for it. Deliveries that
 * arrive together (an import's writes send thousands) are sorted together: echoes taken in one
 * statement, the rest recorded in one and handed on in one send; a delivery is kept only once its
 * change is handed on, so a failed hand-off is retried by the host, not lost.
 */
export function webhookReceiver(db: Db, opts: ReceiveOptions): WebhookReceiver {
  type Subscription = { tenantId: string; entityType: string } | null;
  // one lookup per subscription however many of its deliveries arrive at once (an import's burst)
  const subscriptions = new Map<string, { at: number; value: Promise<Subscription> }>();
  const subscription = (webhookId: string, headers: HeaderReader): Promise<Subscription> => {
    const hit = subscriptions.get(webhookId);
    if (hit && Date.now() - hit.at < SUBSCRIPTION_TTL_MS) return hit.value;
    const value = subscriptionOf(db, webhookId, headers);
    const entry = { at: Date.now(), value };
    subscriptions.set(webhookId, entry);
    // an unknown subscription (or a failed lookup) is asked again next time
    const forget = () => void (subscriptions.get(webhookId) === entry && subscriptions.delete(webhookId));
    value.then((v) => (v ? undefined : forget()), forget);
    return value;
  };
  const takeEchoes = echoTaker(db);
  const record = microBatch((items: Accepted[]) => recordAndSend(db, takeEchoes, items, opts.send), { maxSize: 200, maxWaitMs: opts.batchWaitMs ?? 20 });

  return async (rawBody, headers) => {
    const signature = headers.get(opts.signatureHeader);
    const parsed = parseTribeWebhook(rawBody);
    if (!parsed.ok) {
      // unsigned junk is refused as unauthenticated; only a signed body gets told what is wrong with it
      if (!tribeSignatureValid(opts.secret, rawBody, signature)) return { status: 401, body: { error: "bad_signature" } };
      return { status: 400, body: { error: "bad_body", detail: parsed.detail } };
    }
    if (!tribeSignatureValid(opts.secret, rawBody, signature)) return { status: 401, body: { error: signature ? "bad_signature" : "missing_signature" } };
    const { webhook } = parsed;
    const sub = await subscription(webhook.webhookId, headers);
    // a subscription Ledgerlink did not make (or has dropped): nothing to attribute it to, and nothing to retry
    if (!sub) return { status: 202, body: { ignored: "unknown_subscription" } };
    const entity = WEBHOOK_ENTITY_TYPES[sub.entityType];
    if (!entity) return { status: 202, body: { ignored: "unknown_entity_type" } };
    const headerId = opts.deliveryHeader ? headers.get(opts.deliveryHeader) : null;
    const delivery = headerId ? `id:${headerId}` : `body:${createHash("sha256").update(`${webhook.webhookId}\n${rawBody}`).digest("base64url")}`;
    const event: HostChangeEvent = {
      name: "ledgerlink/host.changed",
      data: { tenantId: sub.tenantId, entity, entityType: sub.entityType, entityId: webhook.entityId, mutation: webhook.mutation, changedFields: webhook.changedFields, delivery },
    };
    const outcome = await record({ delivery, event });
    if (outcome === "duplicate") return { status: 200, body: { duplicate: true } };
    return { status: 202, body: outcome === "echo" ? { ok: true, echo: true } : { ok: true } };
  };
}

type Outcome = "handed-on" | "echo" | "duplicate";

/**
 * A recorded delivery that makes an equal one a redelivery: one named by the host's delivery id,
 * or one known by its body while its change waits to be sorted (after, an equal body is a new change).
 */
const awaitingSort = sql`(${schema.webhookDeliveries.deliveryId} not like 'body:%' or (${schema.webhookDeliveries.pending} and ${schema.webhookDeliveries.receivedAt} >= now() - ${STUCK_AFTER}::interval))`;

/**
 * Sorts a batch of deliveries at receipt, and hands on the changes of those not received before:
 * answers, per item, whether it was handed on, an echo, or a redelivery. Ledgerlink's own writes
 * coming back are taken as echoes and not recorded (a change only some installations wrote
 * goes on, marked for those); a change that may be a write a page has not saved the echo of yet
 * waits for it a little. The rest is recorded — a redelivery while it waits to be sorted is
 * answered and not handled twice — and handed on in one send. When recording or the hand-off
 * fails, the batch is forgotten and its echoes given back, so the host's retry is received as new.
 */
async function recordAndSend(db: Db, takeEchoes: ReturnType<typeof echoTaker>, items: Accepted[], send: ReceiveOptions["send"]): Promise<Outcome[]> {
  // the same delivery twice in one batch is one delivery and a redelivery
  const first = new Map<string, Accepted>();
  for (const item of items) if (!first.has(item.delivery)) first.set(item.delivery, item);
  const d = schema.webhookDeliveries;
  const known = new Set(
    rowsOf<{ delivery_id: string }>(
      await db.execute(sql`
        select delivery_id from ${d} where delivery_id = any(${sql.param([...first.keys()])}::text[]) and ${awaitingSort}`),
    ).map((r) => r.delivery_id),
  );
  const news = [...first.values()].filter((i) => !known.has(i.delivery));
  const live = news.filter((i) => i.event.data.mutation !== "deleted");
  const taken = await takeEchoes(live.map((i) => i.event.data));
  const echoes = new Set(live.filter((_, n) => taken.allEchoes[n]));
  const echoOfItem = new Map(live.map((item, n) => [item, taken.echoOf[n]!]));
  const rest = news.filter((i) => !echoes.has(i));
  let recorded = new Set<string>();
  let written: string[] = [];
  try {
    // an echo is sorted already: recorded only where a delivery id says a redelivery (an equal
    // body after an echo is a new change)
    const rows = [...rest, ...[...echoes].filter((i) => i.delivery.startsWith("id:"))].map((i) => ({
      deliveryId: i.delivery,
      tenantId: i.event.data.tenantId,
      entityType: i.event.data.entityType,
      pending: !echoes.has(i),
    }));
    if (rows.length) {
      const result = await db.execute<{ delivery_id: string }>(sql`
        insert into ${d} (delivery_id, tenant_id, entity_type, pending)
        select "deliveryId", "tenantId", "entityType", pending
        from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as r("deliveryId" text, "tenantId" text, "entityType" text, pending boolean)
        on conflict (delivery_id) do update set pending = true, received_at = now() where not ${awaitingSort}
        returning delivery_id`);
      written = rowsOf<{ delivery_id: string }>(result).map((r) => r.delivery_id);
      const returned = new Set(written);
      recorded = new Set(rest.filter((i) => returned.has(i.delivery)).map((i) => i.delivery));
    }
    const marked = rest
      .filter((i) => recorded.has(i.delivery))
      .map((i) => {
        const of = echoOfItem.get(i) ?? [];
        return of.length ? { ...i.event, data: { ...i.event.data, echoOf: of } } : i.event;
      });
    if (marked.length) await send(marked);
  } catch (err) {
    await forget(db, written, live, taken.echoOf);
    throw err;
  }
  return items.map((item) =>
    first.get(item.delivery) !== item || known.has(item.delivery) ? "duplicate" : echoes.has(item) ? "echo" : recorded.has(item.delivery) ? "handed-on" : "duplicate",
  );
}

/**
 * A batch that could not be handed on is not kept: its deliveries are forgotten, so the host's
 * retry is received as new, and the echoes they took are expected again.
 */
async function forget(db: Db, recorded: string[], live: Accepted[], echoOf: string[][]) {
  const d = schema.webhookDeliveries;
  if (recorded.length) await db.delete(d).where(sql`${d.deliveryId} = any(${sql.param(recorded)}::text[])`);
  const byInstallation = new Map<string, string[]>();
  live.forEach((item, n) => {
    for (const installationId of echoOf[n] ?? []) byInstallation.set(installationId, [...(byInstallation.get(installationId) ?? []), item.event.data.entityId]);
  });
  for (const [installationId, entityIds] of byInstallation) await expectEchoes(db, installationId, entityIds);
}

/**
 * The tenant and entity type of a delivery: those of the subscription its webhookId names. A
 * subscription Ledgerlink has no record of (restored from a backup, say) is attributed by the
 * custom headers Ledgerlink puts on its subscriptions, to a tenant it knows.
 */
async function subscriptionOf(db: Db, webhookId: string, headers: HeaderReader): Promise<{ tenantId: string; entityType: string } | null> {
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
