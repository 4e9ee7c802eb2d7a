/**
 * CLI: `npx tsx sandbox/vendors/snelstart/main.ts`
 *
 *   SNELSTART_SIM_PORT              default 4020
 *   SNELSTART_SIM_SUBSCRIPTION_KEY  default "sandbox-subscription-key"
 *   SNELSTART_SIM_SEED              default sandbox/vendors/snelstart/seed.json
 *   SNELSTART_SIM_HOST              default 127.0.0.1
 *   SNELSTART_SIM_LOG               "1" logs every request
 *   SNELSTART_SIM_TOKEN_EXPIRES_IN  token lifetime in seconds (default 3599)
 *   SNELSTART_SIM_MAX_TOP           largest page served (default 500)
 *   SNELSTART_SIM_LENIENT_DATETIME  "1" accepts date-times without offset in bodies
 */
import { closeOnSignals } from "../../shared/server";
import { startSnelStartSimulator } from "./server";
import { DEFAULT_SEED_PATH } from "./simulator";

const port = Number(process.env.SNELSTART_SIM_PORT ?? "4020");
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`SNELSTART_SIM_PORT is not a port: ${process.env.SNELSTART_SIM_PORT}`);
  process.exit(1);
}

function optionalInt(name: string): number | undefined {
  const v = process.env[name];
  if (v === undefined || v === "") return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) {
    console.error(`${name} must be a positive integer, got ${v}`);
    process.exit(1);
  }
  return n;
}

const sim = await startSnelStartSimulator({
  port,
  host: process.env.SNELSTART_SIM_HOST ?? "127.0.0.1",
  subscriptionKey: process.env.SNELSTART_SIM_SUBSCRIPTION_KEY ?? "sandbox-subscription-key",
  seed: process.env.SNELSTART_SIM_SEED || DEFAULT_SEED_PATH,
  log: process.env.SNELSTART_SIM_LOG === "1",
  tokenExpiresInSeconds: optionalInt("SNELSTART_SIM_TOKEN_EXPIRES_IN"),
  maxTop: optionalInt("SNELSTART_SIM_MAX_TOP"),
  lenientDateTime: process.env.SNELSTART_SIM_LENIENT_DATETIME === "1",
});

console.log(`SnelStart simulator listening on ${sim.url}`);
console.log(`  token:  POST ${sim.url}/b2b/token`);
console.log(`  api:    ${sim.url}/v2`);
console.log(`  ui:     ${sim.url}/__admin/ui`);
for (const a of sim.state.administraties.values())
  console.log(`  - ${a.naam} (${a.pakket}): koppelsleutel=${a.koppelsleutel} username=${a.username}`);

closeOnSignals(sim.close);
