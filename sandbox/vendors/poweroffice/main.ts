/**
 * CLI: `npx tsx sandbox/vendors/poweroffice/main.ts`
 *
 *   POWEROFFICE_SIM_PORT               default 4030 (0 = any free port)
 *   POWEROFFICE_SIM_HOST               default 127.0.0.1
 *   POWEROFFICE_SIM_SEED               default sandbox/vendors/poweroffice/seed.json
 *   POWEROFFICE_SIM_APPLICATION_KEY    replaces the seed's application key
 *   POWEROFFICE_SIM_SUBSCRIPTION_KEYS  comma list; replaces the seed's subscription keys
 *   POWEROFFICE_SIM_TOKEN_EXPIRES_IN   token lifetime in seconds (default 600)
 *   POWEROFFICE_SIM_RATE_LIMIT         requests per second per subscription key (default 10, 0 = off)
 *   POWEROFFICE_SIM_RETRY_AFTER        "1" sends Retry-After with a 429
 *   POWEROFFICE_SIM_PAGING_HEADERS     "x-pagination" adds an X-Pagination header to lists
 *   POWEROFFICE_SIM_LOG                "1" logs every request
 */
import { closeOnSignals } from "../../shared/server";
import { startPowerOfficeSimulator } from "./server";
import { DEFAULT_SEED_PATH } from "./simulator";
import type { Settings } from "./types";

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

function optionalInt(name: string, min: number): number | undefined {
  const v = process.env[name];
  if (v === undefined || v === "") return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) fail(`${name} must be an integer of at least ${min}, got ${v}`);
  return n;
}

const port = optionalInt("POWEROFFICE_SIM_PORT", 0) ?? 4030;
if (port > 65535) fail(`POWEROFFICE_SIM_PORT is not a port: ${port}`);
const paging = process.env.POWEROFFICE_SIM_PAGING_HEADERS;
if (paging !== undefined && paging !== "" && paging !== "none" && paging !== "x-pagination")
  fail(`POWEROFFICE_SIM_PAGING_HEADERS must be none or x-pagination, got ${paging}`);

const settings: Partial<Settings> = {};
const expiresIn = optionalInt("POWEROFFICE_SIM_TOKEN_EXPIRES_IN", 1);
if (expiresIn !== undefined) settings.tokenExpiresInSeconds = expiresIn;
const rateLimit = optionalInt("POWEROFFICE_SIM_RATE_LIMIT", 0);
if (rateLimit !== undefined) settings.rateLimitPerSecond = rateLimit;
if (process.env.POWEROFFICE_SIM_RETRY_AFTER === "1") settings.retryAfterHeader = true;
if (paging === "x-pagination") settings.pagingHeaders = "x-pagination";

const subscriptionKeys = process.env.POWEROFFICE_SIM_SUBSCRIPTION_KEYS?.split(",").map((k) => k.trim()).filter(Boolean);

const started = Date.now();
const sim = await startPowerOfficeSimulator({
  port,
  host: process.env.POWEROFFICE_SIM_HOST || "127.0.0.1",
  seed: process.env.POWEROFFICE_SIM_SEED || DEFAULT_SEED_PATH,
  applicationKey: process.env.POWEROFFICE_SIM_APPLICATION_KEY || undefined,
  subscriptionKeys: subscriptionKeys && subscriptionKeys.length > 0 ? subscriptionKeys : undefined,
  settings,
  log: process.env.POWEROFFICE_SIM_LOG === "1",
});
const { state } = sim;

console.log(`PowerOffice Go simulator listening on ${sim.url} (started in ${Date.now() - started} ms)`);
console.log(`  token:  POST ${sim.url}/OAuth/Token      (demo: ${sim.url}/Demo/OAuth/Token)`);
console.log(`  api:    ${sim.url}/v2                    (demo: ${sim.url}/Demo/v2)`);
console.log(`  ui:     ${sim.url}/__admin/ui`);
console.log(`  application key:   ${state.applicationKey}`);
console.log(`  subscription keys: ${state.subscriptionKeys.join(", ")}`);
for (const c of state.clients.values())
  console.log(
    `  - ${c.info.name} (${c.info.environment}): client key ${c.info.clientKey}${
      c.info.invalidPrivileges.length > 0 ? `; lacks ${c.info.invalidPrivileges.join(", ")}` : ""
    }`,
  );

closeOnSignals(sim.close);
