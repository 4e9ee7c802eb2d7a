/**
 * The webhook receipt's own process (see bench/receipt.ts): the app's receipt against the
 * scenario's database, handing what it passes on to the app's process over IPC and answering a
 * delivery only once the app has taken its changes, as the route does with Inngest. It is warmed
 * up before it reports ready, as a deployment's endpoint is warm when an import starts: a fresh
 * process compiles its hot path during the first thousands of deliveries, which in a short import
 * would be measured as webhook cost.
 */
import http from "node:http";
import { eq } from "drizzle-orm";
import { openDatabase, schema, type Db } from "@/lib/db";
import type { HostChangeEvent } from "@/lib/host/receive-webhook";
import { signTribeWebhook } from "@/lib/host/tribe/webhook";
import { SECRETS } from "./common";
import { serveReceipt, type ReceiptMessage } from "./receipt";

const url = process.env.BENCH_RECEIPT_DATABASE_URL;
if (!url || !process.send) throw new Error("started by bench/receipt.ts, with BENCH_RECEIPT_DATABASE_URL and an IPC channel");
const post = (m: ReceiptMessage) => process.send!(m);

const handle = await openDatabase({ DATABASE_URL: url });
const handedOff = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
let nextId = 0;
const send = (events: HostChangeEvent[]) =>
  new Promise<void>((resolve, reject) => {
    const id = ++nextId;
    handedOff.set(id, { resolve, reject });
    post({ type: "send", id, events });
  });
const receipt = await serveReceipt(handle.db, send);

process.on("message", (m: ReceiptMessage) => {
  if (m.type === "sent") {
    const waiter = handedOff.get(m.id);
    handedOff.delete(m.id);
    if (m.error) waiter?.reject(new Error(m.error));
    else waiter?.resolve();
  } else if (m.type === "counts") post({ type: "counts", id: m.id, counts: { ...receipt.counts } });
});
process.on("SIGTERM", () => {
  // exit rather than wait: a CPU profile (--cpu-prof) is written on exit
  void Promise.race([Promise.all([receipt.close(), handle.close()]), new Promise((r) => setTimeout(r, 2000))]).then(() => process.exit(0));
});
await warmUp(handle.db, receipt.url, 2_000);
receipt.counts.received = receipt.counts.echoes = 0;
post({ type: "ready", url: receipt.url });

/** Delivers `n` signed webhooks of a throw-away tenant to the endpoint, then removes every trace of them. */
async function warmUp(db: Db, url: string, n: number) {
  const tenantId = "bench-warm-up";
  await db.insert(schema.tenants).values({ id: tenantId, name: "warm-up" });
  await db.insert(schema.hostWebhooks).values({ id: tenantId, tenantId, entityType: "Relation.Organization" });
  const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  const deliver = (k: number) =>
    new Promise<void>((resolve, reject) => {
      const body = JSON.stringify({ webhookId: tenantId, payload: { entityId: `warm-up-${k}` } });
      const headers = { "content-type": "application/json", "content-length": Buffer.byteLength(body), "x-tribe-signature": signTribeWebhook(SECRETS.HOST_WEBHOOK_SECRET, body) };
      http
        .request(url, { method: "POST", agent, headers }, (res) => res.resume().on("end", resolve))
        .on("error", reject)
        .end(body);
    });
  let next = 0;
  await Promise.all(Array.from({ length: 16 }, async () => {
    while (next < n) await deliver(next++);
  }));
  agent.destroy();
  await db.delete(schema.webhookDeliveries).where(eq(schema.webhookDeliveries.tenantId, tenantId));
  await db.delete(schema.hostWebhooks).where(eq(schema.hostWebhooks.tenantId, tenantId));
  await db.delete(schema.tenants).where(eq(schema.tenants.id, tenantId));
}
