/**
 * The app's webhook endpoint in the bench: the app's own receipt (lib/host/receive-webhook) behind
 * a bare node:http server, handing what it passes on to `send` (the app's functions).
 *
 * With PostgreSQL it runs in a process of its own (bench/receipt-process.ts), as production serves
 * it: each delivery is a request to the deployment — its own serverless invocation, or another
 * instance — not work on the worker that runs the import's pages. With PGlite the database lives
 * inside the app's process, and so does the receipt.
 */
import { fork, type ChildProcess } from "node:child_process";
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Db } from "@/lib/db";
import { webhookReceiver, type HostChangeEvent } from "@/lib/host/receive-webhook";
import { SECRETS } from "./common";

export type ReceiptCounts = { received: number; echoes: number };
type Send = (events: HostChangeEvent[]) => Promise<unknown>;

/** The receipt's HTTP server on a free loopback port. */
export async function serveReceipt(db: Db, send: Send) {
  const counts: ReceiptCounts = { received: 0, echoes: 0 };
  const receive = webhookReceiver(db, { secret: SECRETS.HOST_WEBHOOK_SECRET, signatureHeader: "x-tribe-signature", send });
  // --webhook-floor: an endpoint that answers at once and does nothing (what the transport alone costs)
  const nothing = process.env.BENCH_NULL_RECEIPT === "1";
  const server = http.createServer(async (req, res) => {
    counts.received++;
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    if (nothing) return void res.writeHead(202, { "content-type": "application/json" }).end('{"ok":true}');
    // node's own header object read through get(), as the route reads Request.headers
    const headers = {
      get: (name: string) => {
        const v = req.headers[name.toLowerCase()];
        return Array.isArray(v) ? v.join(", ") : (v ?? null);
      },
    };
    try {
      const result = await receive(Buffer.concat(chunks).toString("utf8"), headers);
      if (result.body.echo) counts.echoes++;
      res.writeHead(result.status, { "content-type": "application/json" }).end(JSON.stringify(result.body));
    } catch (err) {
      res.writeHead(500).end(String(err));
    }
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/host/webhooks`,
    counts,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

export type WebhookEndpoint = {
  url: string;
  /** the receipt's process, when it has one of its own (for its CPU) */
  pid: number | null;
  counts(): Promise<ReceiptCounts>;
  close(): Promise<void>;
};

/** Messages between the app and the receipt's process. */
export type ReceiptMessage =
  | { type: "ready"; url: string }
  | { type: "send"; id: number; events: HostChangeEvent[] }
  | { type: "sent"; id: number; error?: string }
  | { type: "counts"; id: number; counts?: ReceiptCounts };

/**
 * Starts the endpoint: in its own process when the database is a server (`databaseUrl`), else in
 * this one. `send()` is asked for the sink at each hand-off, so it can be switched on later.
 */
export async function startWebhookEndpoint(db: Db, databaseUrl: string | undefined, send: () => Send): Promise<WebhookEndpoint> {
  if (!databaseUrl) {
    const local = await serveReceipt(db, (events) => send()(events));
    return { url: local.url, pid: null, counts: async () => ({ ...local.counts }), close: local.close };
  }
  // beside this bundle in bench/results/.build (bench/run.ts builds both)
  const child: ChildProcess = fork(new URL("./receipt-process.mjs", import.meta.url), [], {
    env: { ...process.env, BENCH_RECEIPT_DATABASE_URL: databaseUrl },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const waiting = new Map<number, (m: ReceiptMessage) => void>();
  let nextId = 0;
  const ask = (m: { type: "counts" }) =>
    new Promise<ReceiptMessage>((resolve) => {
      const id = ++nextId;
      waiting.set(id, resolve);
      child.send({ ...m, id });
    });
  const url = await new Promise<string>((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`the webhook receipt's process exited with ${code}`)));
    child.on("message", (m: ReceiptMessage) => {
      if (m.type === "ready") resolve(m.url);
      else if (m.type === "send")
        send()(m.events).then(
          () => child.send({ type: "sent", id: m.id }),
          (err) => child.send({ type: "sent", id: m.id, error: String(err) }),
        );
      else if (m.type === "counts") {
        waiting.get(m.id)?.(m);
        waiting.delete(m.id);
      }
    });
  });
  return {
    url,
    pid: child.pid ?? null,
    counts: async () => ((await ask({ type: "counts" })) as { counts: ReceiptCounts }).counts,
    close: async () => {
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await exited;
    },
  };
}
