/**
 * The outside world for the fault and security suite: like tests/helpers/world.ts (sandbox
 * CRM, SnelStart simulator, database, webhook receiver running the app's own webhook handling),
 * plus what this suite needs on top: the database URL (a worker in a child process shares the
 * database), the environment a child needs, an encryption key of our own, and small readers of
 * both sides' state.
 */
import { InngestTestEngine } from "@inngest/test";
import type { Db } from "@/lib/db";
import { resetKeyringForTests } from "@/lib/crypto/keys";
import { functions } from "@/inngest/functions";
import { startWorld, type World } from "../helpers/world";

export { SANDBOX_TENANT as TENANT_A, OTHER_TENANT as TENANT_B, KORENSCHOOF_ADM as KORENSCHOOF_ID } from "../helpers/seed";
export const VANDIJK = { method: "password", username: "administratie@fietsvandijk.test", password: "VanDijk-InBalans-2024!" } as const;

export const secrets = {
  LEDGERLINK_APP_ID: "ledgerlink",
  LEDGERLINK_APP_SECRET: "faults-app-secret-0123456789abcdef",
  HOST_WEBHOOK_SECRET: "faults-webhook-secret",
  HOST_CLIENT_ID: "ledgerlink",
  HOST_CLIENT_SECRET: "faults-client-secret",
  SNELSTART_SUBSCRIPTION_KEY: "sandbox-subscription-key",
  AUTH_SECRET: "faults-auth-secret-0123456789abcdef",
  // a key of our own, so parent and child seal and open with the same key and no .data/ file is touched
  LEDGERLINK_ENCRYPTION_KEYS: `faults:${Buffer.alloc(32, 7).toString("base64")}`,
};

export type FaultWorld = World & {
  /** the environment a child process needs to work on this world */
  childEnv(): Record<string, string>;
};

export async function startFaultWorld(opts: { driver?: "pg" | "pglite"; hostConfig?: Record<string, unknown> } = {}): Promise<FaultWorld> {
  Object.assign(process.env, secrets);
  resetKeyringForTests();
  const world = await startWorld({ secrets, driver: opts.driver, hostConfig: opts.hostConfig, webhookWaitMs: 60_000 });
  return {
    ...world,
    childEnv(): Record<string, string> {
      const env: Record<string, string> = {};
      for (const [k, v] of Object.entries(process.env)) if (typeof v === "string") env[k] = v;
      return {
        ...env,
        ...secrets,
        HOST_API_URL: world.host.url,
        HOST_AUTH_URL: world.host.url,
        SNELSTART_API_URL: `${world.snelstart.url}/v2`,
        SNELSTART_AUTH_URL: `${world.snelstart.url}/b2b/token`,
        ...(world.dbUrl ? { DATABASE_URL: world.dbUrl } : {}),
      };
    },
  };
}

export async function postJson(url: string, body: unknown): Promise<any> {
  const r = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  const text = await r.text();
  if (!r.ok) throw new Error(`POST ${url} → ${r.status} ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : undefined;
}

export async function getJson(url: string): Promise<any> {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`GET ${url} → ${r.status}`);
  return r.json();
}

export function findFunction(id: string) {
  const fn = functions.find((f) => f.id() === id || f.id().endsWith(`-${id}`));
  if (!fn) throw new Error(`no function ${id}`);
  return fn;
}

/** One attempt of an app function, as Inngest runs it for this event. */
export async function runOnce(id: string, event: { name: string; data: Record<string, unknown> }) {
  const engine = new InngestTestEngine({ function: findFunction(id) as never, events: [event as never] });
  return (await engine.execute()) as { result?: unknown; error?: any; ctx: unknown; state?: Record<string, Promise<unknown>> };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Every row of every table of the app's schema, as JSON: equal fingerprints, nothing written. */
export async function dbFingerprint(db: Db): Promise<Record<string, string>> {
  const { schema } = await import("@/lib/db");
  const { getTableName, is } = await import("drizzle-orm");
  const { PgTable } = await import("drizzle-orm/pg-core");
  const out: Record<string, string> = {};
  for (const value of Object.values(schema)) {
    if (!is(value, PgTable)) continue;
    const rows = await db.select().from(value as never);
    out[getTableName(value as never)] = JSON.stringify(rows);
  }
  return out;
}

/** Tables whose content differs between two fingerprints. */
export function changedTables(before: Record<string, string>, after: Record<string, string>): string[] {
  return Object.keys({ ...before, ...after }).filter((t) => before[t] !== after[t]);
}
