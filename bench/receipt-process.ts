/**
 * The webhook receipt's own process (see bench/receipt.ts): the app's receipt against the
 * scenario's database, handing what it passes on to the app's process over IPC and answering a
 * delivery only once the app has taken its changes, as the route does with Inngest.
 */
import { openDatabase } from "@/lib/db";
import type { HostChangeEvent } from "@/lib/host/receive-webhook";
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
post({ type: "ready", url: receipt.url });
