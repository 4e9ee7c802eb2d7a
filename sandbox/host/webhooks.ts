// Webhook delivery of the sandbox host CRM (docs/host-api.md § Webhooks), as Tribe documents it:
// the body is {"webhookId", "payload": <mutation with entityId or relationshipId>}, signed with
// Base64( hex( HMAC-SHA512(secret, rawBody) ) ) in a header whose name Tribe does not publish
// (a setting). What Tribe does not document (the mutation's type and fields, a delivery id
// header) is sent only when configured.

import { createHmac, randomUUID } from "node:crypto";
import http from "node:http";
import https from "node:https";
import type { MutationEvent, Store } from "./store";

export interface WebhookSettings {
  secret: string;
  signatureHeader: string;
  /** a header naming each delivery (same on every retry); null = none, as documented */
  deliveryHeader: string | null;
  /** add the mutation's type, entity type and changed fields to the payload (not documented) */
  payloadExtras: boolean;
  /** total attempts per delivery */
  attempts: number;
  /** first backoff; doubles per retry (1 s, 2 s, 4 s, …) */
  backoffMs: number;
  timeoutMs: number;
  urlOverride: string | null;
}

export interface Attempt {
  attempt: number;
  at: string;
  status: number | null;
  error: string | null;
  durationMs: number;
}

export interface Delivery {
  id: string;
  webhookId: string;
  organizationId: string;
  url: string;
  /** the subscription's custom headers */
  headers: Record<string, string>;
  entityType: string;
  entityId: string;
  type: string;
  changedFields: string[];
  body: string;
  status: "pending" | "delivered" | "failed";
  attempts: Attempt[];
  createdAt: string;
}

export function signWebhook(secret: string, rawBody: string): string {
  const hex = createHmac("sha512", secret).update(rawBody).digest("hex");
  return Buffer.from(hex, "utf8").toString("base64");
}

/** The documented payload: Entity… or Relationship… mutation, naming the entity or the relationship. */
function mutationPayload(e: MutationEvent, extras: boolean): Record<string, unknown> {
  const relationship = e.entityType.startsWith("Relationship.");
  const kind = e.type.replace(/^Entity/, "");
  return {
    ...(relationship ? { relationshipId: e.entityId } : { entityId: e.entityId }),
    ...(extras ? { type: `${relationship ? "Relationship" : "Entity"}${kind}`, entityType: e.entityType, changedFields: e.changedFields } : {}),
  };
}

export function entityTypeMatches(subscribed: string, actual: string): boolean {
  const s = subscribed.trim().toLowerCase();
  const a = actual.toLowerCase();
  if (s === "*" || s === a) return true;
  if (s.endsWith(".*")) return a.startsWith(s.slice(0, -1));
  return false;
}

const MAX_KEPT = 20_000;

// Kept-alive connections, as a CRM's delivery workers would hold them: a burst of deliveries
// (an import writes thousands of records) goes over a few sockets instead of one each.
const agents = { "http:": new http.Agent({ keepAlive: true, maxSockets: 64 }), "https:": new https.Agent({ keepAlive: true, maxSockets: 64 }) };

/** POSTs one delivery; answers the status, or throws when there is no answer within `timeoutMs`. */
const targets = new Map<string, URL>();

function post(url: string, body: string, headers: Record<string, string>, timeoutMs: number): Promise<number> {
  let target = targets.get(url);
  if (!target) targets.set(url, (target = new URL(url)));
  const transport = target.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const req = transport.request(target, { method: "POST", headers: { ...headers, "content-length": Buffer.byteLength(body) }, agent: agents[target.protocol as "http:"] }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
      res.on("error", reject);
    });
    req.setTimeout(timeoutMs, () => req.destroy(Object.assign(new Error(`no answer within ${timeoutMs} ms`), { name: "TimeoutError" })));
    req.on("error", reject);
    req.end(body);
  });
}

export class WebhookDispatcher {
  deliveries: Delivery[] = [];
  private generation = 0;
  private timers = new Set<NodeJS.Timeout>();
  private inflight = new Set<Promise<void>>();

  constructor(
    private readonly store: Store,
    private readonly settings: () => WebhookSettings,
  ) {}

  onMutation(e: MutationEvent) {
    const t = this.store.tenant(e.organizationId);
    if (!t) return;
    for (const sub of t.webhooks.values()) {
      if (!entityTypeMatches(sub.entityType, e.entityType)) continue;
      const body = JSON.stringify({ webhookId: sub.id, payload: mutationPayload(e, this.settings().payloadExtras) });
      const d: Delivery = {
        id: randomUUID(),
        webhookId: sub.id,
        organizationId: e.organizationId,
        url: this.settings().urlOverride ?? sub.url,
        headers: sub.headers ?? {},
        entityType: e.entityType,
        entityId: e.entityId,
        type: e.type,
        changedFields: e.changedFields,
        body,
        status: "pending",
        attempts: [],
        createdAt: new Date().toISOString(),
      };
      this.deliveries.push(d);
      // the oldest are dropped a thousand at a time, not one per delivery (each drop moves the whole list)
      if (this.deliveries.length > MAX_KEPT + 1_000) this.deliveries.splice(0, this.deliveries.length - MAX_KEPT);
      this.schedule(d, 0);
    }
  }

  private schedule(d: Delivery, delayMs: number) {
    const gen = this.generation;
    const run = () => {
      if (gen !== this.generation) return;
      const p = this.attempt(d, gen).finally(() => this.inflight.delete(p));
      this.inflight.add(p);
    };
    if (delayMs <= 0) {
      queueMicrotask(run);
      return;
    }
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      run();
    }, delayMs);
    timer.unref?.();
    this.timers.add(timer);
  }

  private async attempt(d: Delivery, gen: number) {
    const s = this.settings();
    const n = d.attempts.length + 1;
    const started = Date.now();
    const rec: Attempt = { attempt: n, at: new Date().toISOString(), status: null, error: null, durationMs: 0 };
    try {
      rec.status = await post(d.url, d.body, {
        ...d.headers,
        "content-type": "application/json",
        "user-agent": "SandboxCRM-Webhooks/1.0",
        ...(s.deliveryHeader ? { [s.deliveryHeader]: d.id } : {}),
        [s.signatureHeader]: signWebhook(s.secret, d.body),
      }, s.timeoutMs);
    } catch (err) {
      rec.error = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    }
    rec.durationMs = Date.now() - started;
    if (gen !== this.generation) return;
    d.attempts.push(rec);
    if (rec.status !== null && rec.status >= 200 && rec.status < 300) {
      d.status = "delivered";
      return;
    }
    if (n >= Math.max(1, s.attempts)) {
      d.status = "failed";
      return;
    }
    this.schedule(d, s.backoffMs * 2 ** (n - 1));
  }

  /** True while a delivery is pending. */
  busy(): boolean {
    return this.deliveries.some((d) => d.status === "pending");
  }

  /** Resolve when no delivery is pending (or after timeoutMs). */
  async idle(timeoutMs = 30_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (this.busy() && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
  }

  /** Stop pending retries and forget deliveries. */
  reset() {
    this.generation++;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.deliveries = [];
  }
}
