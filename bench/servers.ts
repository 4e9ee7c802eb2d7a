/**
 * The outside world for one bench scenario, in its own process so the app's memory is
 * measured alone: the sandbox CRM and the SnelStart simulator on loopback, fresh state, and with
 * `servers.ts poweroffice` the PowerOffice simulator too (its own limit: 10 requests a second per
 * subscription key). Prints one result line {hostUrl, simUrl, poUrl?}; on SIGTERM prints its own
 * peak RSS and exits.
 */
import { startHostSandbox } from "@/sandbox/host/server";
import { startSnelStartSimulator } from "@/sandbox/vendors/snelstart/server";
import { startPowerOfficeSimulator } from "@/sandbox/vendors/poweroffice/server";
import { emit, peakRssMB, postJson, SECRETS } from "./common";

const host = await startHostSandbox({
  port: 0,
  appUrl: "http://127.0.0.1:9",
  appSecret: SECRETS.LEDGERLINK_APP_SECRET,
  webhookSecret: SECRETS.HOST_WEBHOOK_SECRET,
  clientId: SECRETS.HOST_CLIENT_ID,
  clientSecret: SECRETS.HOST_CLIENT_SECRET,
});
// calls are counted, not refused: the bench reports calls per relation and what they cost at 1,000/min
await postJson(`${host.url}/__admin/config`, { rateLimitPerMinute: 1_000_000_000, webhookBackoffMs: 50 });
const sim = await startSnelStartSimulator({ port: 0, subscriptionKey: SECRETS.SNELSTART_SUBSCRIPTION_KEY });
// the seed's keys (lib/config's defaults) and settings: rateLimitPerSecond 10, counted across every client of a key
const po = process.argv.includes("poweroffice") ? await startPowerOfficeSimulator({ port: 0 }) : null;

emit({ hostUrl: host.url, simUrl: sim.url, ...(po ? { poUrl: po.url } : {}), pid: process.pid });

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  emit({ serversPeakRssMB: peakRssMB() });
  await Promise.race([Promise.all([host.close(), sim.close(), po?.close()]), new Promise((r) => setTimeout(r, 2000))]);
  process.exit(0);
};
process.on("SIGTERM", () => void stop());
process.on("SIGINT", () => void stop());
