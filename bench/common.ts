/**
 * Shared by the bench processes: the secrets the sandboxes and the app agree on, the
 * sandbox tenant, and how a child hands its figures back (one JSON line on stdout).
 */
import os from "node:os";

export { KORENSCHOOF, KORENSCHOOF_ADM, SANDBOX_COUNTRY_NL, SANDBOX_TENANT } from "../tests/helpers/seed";

export const SECRETS = {
  LEDGERLINK_APP_SECRET: "bench-app-secret-0123456789abcdef",
  HOST_WEBHOOK_SECRET: "bench-webhook-secret",
  HOST_CLIENT_ID: "ledgerlink",
  HOST_CLIENT_SECRET: "bench-client-secret",
  SNELSTART_SUBSCRIPTION_KEY: "sandbox-subscription-key",
};

export const RESULT_PREFIX = "BENCH_RESULT ";

export function emit(obj: unknown) {
  process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(obj)}\n`);
}

export function machine() {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model ?? "unknown",
    cores: cpus.length,
    memoryGB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
  };
}

/** Peak resident set size of this process so far, in MB. */
export const peakRssMB = () => Math.round(process.resourceUsage().maxRSS / 1024);
export const rssMB = () => Math.round(process.memoryUsage.rss() / 2 ** 20);

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function postJson(url: string, body: unknown): Promise<any> {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body ?? {}) });
  const text = await res.text();
  if (!res.ok) throw new Error(`POST ${url} → ${res.status} ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : null;
}

export async function getJson(url: string): Promise<any> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`GET ${url} → ${res.status} ${(await res.text()).slice(0, 300)}`);
  return res.json();
}

/**
 * The PowerOffice scenario's installations, numbered from 0: each a CRM organization (a tenant of
 * the sandbox CRM) and a PowerOffice client, named alike in bench/run.ts (which seeds them) and
 * bench/scenario.ts (which installs the app for them).
 */
export const benchTenantId = (i: number) => `00000000-0000-4000-8000-${String(i + 1).padStart(12, "0")}`;
export const benchClientKey = (i: number) => `bench-client-key-${String(i + 1).padStart(3, "0")}`;
