/**
 * `npm run bench [-- --quick] [-- --only=floor,import,ratelimit,hostlimit,pull,latency,poweroffice] [-- --sizes=1000,10000] [-- --repeat=3] [-- --webhook-floor]`
 *
 * Each scenario runs in fresh processes: the sandbox CRM and the SnelStart simulator in one
 * (bench/servers.ts), the app in another (bench/scenario.ts), so the app's peak RSS is its own.
 * This process seeds the sandboxes, collects each child's figures, prints a table against the
 * targets of issue 4 and writes bench/results/latest.json.
 *
 * Imports run the import functions' steps directly (lib/sync/import inside
 * inngest/functions/shared withContext, a fresh context per step, retried as Inngest would);
 * `--driver=inngest` runs the functions through @inngest/test instead, whose per-run mocks stay
 * reachable (~0.4 MB a run: +300 MB of heap at 100,000, not the app's). Pushes in the latency
 * scenario always run the app's push function through @inngest/test.
 * The PowerOffice scenario runs 50 installations (`--po-installations`) on one subscription key,
 * its 15-minute pulls and the pushes of CRM changes at once, paced by the request budget
 * (REQUEST_BUDGET_SCALE=1), all through the app's own functions in the in-process runner.
 * `--heap-snapshot` writes a V8 heap snapshot of the app after the relation import.
 * `--profile` writes V8 CPU profiles of the app and the sandboxes to bench/results/profiles/<scenario>/{app,sandboxes}/.
 *
 * Database: DATABASE_URL (a fresh database per scenario) when set, else PGlite in memory (then
 * the database's memory is part of the app's RSS).
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import readline from "node:readline";
import { execFileSync } from "node:child_process";
import { buildSync } from "esbuild";
import { benchClientKey, benchTenantId, getJson, KORENSCHOOF_ADM, machine, postJson, RESULT_PREFIX, SANDBOX_COUNTRY_NL, SANDBOX_TENANT } from "./common";

const args = process.argv.slice(2);
const flag = (name: string) => args.find((a) => a === `--${name}` || a.startsWith(`--${name}=`));
const value = (name: string) => flag(name)?.split("=")[1];
const quick = !!flag("quick");
const only = value("only")?.split(",");
const sizes = value("sizes")?.split(",").map(Number) ?? (quick ? [1000, 5000] : [1000, 10000, 100000]);
/** import pairs (without, with webhooks) run one after the other per size: their median share is the figure (a shared machine moves single runs by ±15 %) */
const repeat = Math.max(1, Number(value("repeat") ?? 1));
const timeoutS = Number(value("timeout") ?? (quick ? 300 : 600));
const rateLimit = Number(value("rate-limit") ?? (quick ? 60 : 120));
// artikelen come 25 a page: enough of them that the requests outnumber one minute's limit
const rateArtikelen = Number(value("rate-artikelen") ?? (quick ? 1750 : 3000));
// Tribe's documented limit; the import needs about one call per relation, so 2,000 relations take at
// least two minutes (three bursts of 1,000 a minute apart)
const hostRateLimit = Number(value("host-rate-limit") ?? 1000);
const hostLimitRelations = Number(value("host-limit-relations") ?? (quick ? 1500 : 2500));
// PowerOffice: installations on one subscription key (10 requests a second), each with customers and
// suppliers changed since its last pull, and CRM relations created meanwhile for the app to push
const poInstallations = Number(value("po-installations") ?? 50);
const poCustomers = Number(value("po-customers") ?? 30);
const poSuppliers = Number(value("po-suppliers") ?? 4);
const poPushes = Number(value("po-pushes") ?? 8);
const command = `npm run bench${args.length ? ` -- ${args.join(" ")}` : ""}`;
const log = (m: string) => process.stderr.write(`[bench] ${m}\n`);

// ── child processes ────────────────────────────────────────────────────

fs.mkdirSync("bench/results", { recursive: true });

/**
 * The app's side runs as compiled JavaScript, as it does in production: esbuild bundles of
 * bench/scenario.ts and of the webhook receipt's process (packages stay in node_modules). Under tsx's loader the process would also
 * hold the loader's worker thread and every module's source map (~60 MB of RSS).
 */
function buildScenario(): string {
  const out = "bench/results/.build/scenario.mjs";
  buildSync({ entryPoints: ["bench/scenario.ts", "bench/receipt-process.ts"], bundle: true, platform: "node", format: "esm", packages: "external", logLevel: "warning", outdir: "bench/results/.build", outExtension: { ".js": ".mjs" } });
  return out;
}

function spawnTsx(file: string, argv: string[], env: Record<string, string> = {}, logFile?: string, nodeFlags: string[] = []) {
  // node itself (no wrapper process), so flags and peak RSS are the child's own; TypeScript through tsx's loader
  const loader = file.endsWith(".ts") ? ["--import", "tsx"] : [];
  const child = spawn(process.execPath, [...nodeFlags, ...loader, file, ...argv], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  const logStream = logFile ? fs.createWriteStream(logFile) : null;
  const results: unknown[] = [];
  const waiters: Array<() => void> = [];
  readline.createInterface({ input: child.stdout! }).on("line", (line) => {
    if (line.startsWith(RESULT_PREFIX)) {
      results.push(JSON.parse(line.slice(RESULT_PREFIX.length)));
      waiters.splice(0).forEach((w) => w());
    } else if (line.trim()) logStream?.write(`${line}\n`);
  });
  readline.createInterface({ input: child.stderr! }).on("line", (line) => {
    logStream?.write(`${line}\n`);
    if (line.startsWith("[bench")) process.stderr.write(`  ${line}\n`);
    else if (!logStream && !/npm warn|ExperimentalWarning|--trace-warnings/.test(line)) process.stderr.write(`  ${line}\n`);
  });
  const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
  const next = async (n: number, ms: number) => {
    const until = Date.now() + ms;
    while (results.length < n) {
      if (Date.now() > until) throw new Error(`${file}: no result within ${ms / 1000} s`);
      if (child.exitCode !== null && results.length < n) throw new Error(`${file} exited with ${child.exitCode} before reporting`);
      await new Promise<void>((r) => {
        waiters.push(r);
        setTimeout(r, 500);
      });
    }
    return results[n - 1];
  };
  return { child, results, next, exited };
}

async function stopChild(child: ChildProcess, exited: Promise<unknown>, graceMs = 0) {
  if (child.exitCode !== null) return;
  // let it finish on its own first (a CPU profile is written at exit)
  if (graceMs) await Promise.race([exited, new Promise((r) => setTimeout(r, graceMs))]);
  if (child.exitCode !== null) return;
  child.kill("SIGTERM");
  await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
  if (child.exitCode === null) child.kill("SIGKILL");
}

// ── seeding ────────────────────────────────────────────────────────────

const CUSTOMER = "Relationship.Organization.CommercialRelationship.Customer";
const SUPPLIER = "Relationship.Organization.Supplier";

type Relatie = { relatiecode: number; naam: string; relatiesoort: string[]; email?: string; telefoon?: string; vestigingsAdres?: { straat?: string; postcode?: string; plaats?: string } };

/**
 * N relaties in SnelStart; every second one generated (a customer or supplier) already in the CRM
 * with the same debtor/creditor number, name and visiting address, but an older e-mail address:
 * the import links and updates those, and creates the rest.
 */
async function seed(hostUrl: string, simUrl: string, relaties: number, artikelen = 0, matched = true) {
  const t0 = Date.now();
  // stamped over the past two years, as a real administration's records are: a pull that finds no
  // change then meets none of them (they would all fall in the second the last pull saw)
  await postJson(`${simUrl}/__admin/generate`, { relaties, artikelen, spreadOverDays: 730 });
  let linkedInCrm = 0;
  if (matched && relaties) {
    const dump = await getJson(`${simUrl}/__admin/state?administratie=${KORENSCHOOF_ADM}&content=1`);
    const generated = (dump.relaties as Relatie[]).filter((r) => r.relatiecode >= 2005);
    let batch: Record<string, unknown>[] = [];
    const flush = async () => {
      if (!batch.length) return;
      await postJson(`${hostUrl}/__admin/seed`, { tenant: SANDBOX_TENANT, Relation_Organization: batch });
      linkedInCrm += batch.length;
      batch = [];
    };
    for (let i = 0; i < generated.length; i += 2) {
      const r = generated[i]!;
      const klant = r.relatiesoort.includes("Klant");
      const code = String(r.relatiecode);
      batch.push({
        Name: r.naam,
        EmailAddress: `oud.${i}@voorbeeld.nl`,
        PhoneNumber: r.telefoon ?? null,
        Relationships: [klant ? { _Type: CUSTOMER, DebtorNumber: code, PaymentTermInDays: 30 } : { _Type: SUPPLIER, CreditorNumber: code }],
        // Tribe keeps the house number in Street, as SnelStart's straat does
        VisitingAddress: {
          Street: r.vestigingsAdres?.straat ?? null,
          Postalcode: r.vestigingsAdres?.postcode ?? null,
          City: r.vestigingsAdres?.plaats ?? null,
          Country: { ID: SANDBOX_COUNTRY_NL },
        },
      });
      if (batch.length >= 5000) await flush();
    }
    await flush();
  }
  return { relaties, artikelen, alreadyInCrm: linkedInCrm, seedS: (Date.now() - t0) / 1000 };
}

/**
 * The PowerOffice scenario's world: `n` CRM organizations (the sandbox CRM reset to a seed of
 * clones of its Norwegian tenant, each organization with its own tables) and `n` PowerOffice
 * clients (clones of the seed's Tromsø Sjømat without its records, added through the admin hook),
 * each with `customers` customers and `suppliers` suppliers stamped now: changed since a pull
 * 15 minutes ago (bench/scenario.ts writes that pull's cursor).
 */
async function seedPowerOffice(hostUrl: string, poUrl: string, n: number, customers: number, suppliers: number) {
  const t0 = Date.now();
  type Tenant = { id: string; name: string; users?: unknown[]; entities?: Record<string, unknown[]> };
  const hostSeed = JSON.parse(fs.readFileSync("sandbox/host/seed.json", "utf8")) as { tenants: Tenant[] };
  const template = hostSeed.tenants.find((t) => t.name === "Fjordhandel AS")!;
  const tenants = Array.from({ length: n }, (_, i) => ({ ...template, id: benchTenantId(i), name: `Fjord ${i + 1} AS` }));
  await postJson(`${hostUrl}/__admin/reset`, { tenants });
  // a reset restores the default config: counted, not refused, as bench/servers.ts has it
  await postJson(`${hostUrl}/__admin/config`, { rateLimitPerMinute: 1_000_000_000, webhookBackoffMs: 50 });

  const poSeed = JSON.parse(fs.readFileSync("sandbox/vendors/poweroffice/seed.json", "utf8")) as { clients: Array<Record<string, unknown>> };
  // its keys, ledger accounts and product groups; no id, client key or records of its own
  const records = ["id", "clientKey", "customers", "suppliers", "products", "salesOrders", "outgoingInvoices"];
  const client = Object.fromEntries(Object.entries(poSeed.clients.find((c) => c.name === "Tromsø Sjømat AS")!).filter(([k]) => !records.includes(k)));
  for (let i = 0; i < n; i++) {
    await postJson(`${poUrl}/__admin/clients`, { ...client, name: `Fjord ${i + 1} AS`, clientKey: benchClientKey(i) });
    await postJson(`${poUrl}/__admin/generate`, { client: benchClientKey(i), customers, suppliers, seed: i + 1 });
  }
  return { installations: n, customersPerClient: customers, suppliersPerClient: suppliers, seedS: (Date.now() - t0) / 1000 };
}

// ── one scenario ───────────────────────────────────────────────────────

type Spec = {
  name: string;
  scenario: string;
  size: number;
  seed: { relaties: number; artikelen?: number; matched?: boolean; poweroffice?: { customers: number; suppliers: number } };
  env?: Record<string, string>;
  /** which of the `--repeat` import pairs of its size */
  pair?: number;
};

async function runScenario(spec: Spec): Promise<Record<string, unknown>> {
  log(`${spec.name}: starting sandboxes`);
  const slug = spec.name.replace(/[^a-z0-9]+/gi, "-").toLowerCase();
  const profile = (who: string) => (flag("profile") ? ["--cpu-prof", `--cpu-prof-dir=bench/results/profiles/${slug}/${who}`] : []);
  const po = spec.seed.poweroffice;
  const servers = spawnTsx("bench/servers.ts", po ? ["poweroffice"] : [], {}, `bench/results/${slug}.servers.log`, profile("sandboxes"));
  try {
    const { hostUrl, simUrl, poUrl, pid } = (await servers.next(1, 60_000)) as { hostUrl: string; simUrl: string; poUrl?: string; pid: number };
    const seeded = po ? await seedPowerOffice(hostUrl, poUrl!, spec.size, po.customers, po.suppliers) : await seed(hostUrl, simUrl, spec.seed.relaties, spec.seed.artikelen, spec.seed.matched ?? true);
    log(`${spec.name}: seeded ${JSON.stringify(seeded)}; running the app`);
    const app = spawnTsx(scenarioBundle, [spec.scenario, String(spec.size)], {
      BENCH_HOST_URL: hostUrl,
      BENCH_SIM_URL: simUrl,
      ...(poUrl ? { BENCH_PO_URL: poUrl } : {}),
      BENCH_SERVERS_PID: String(pid),
      BENCH_TIMEOUT_S: String(timeoutS),
      ...(value("driver") ? { BENCH_DRIVER: value("driver")! } : {}),
      ...(flag("heap-snapshot") ? { BENCH_HEAP_SNAPSHOT: `bench/results/${slug}.heapsnapshot` } : {}),
      ...spec.env,
      // --expose-gc: live heap after a full GC at the progress marks, to tell a leak from a lazy collector
    }, `bench/results/${slug}.log`, ["--expose-gc", ...profile("app")]);
    const started = Date.now();
    let result: Record<string, unknown>;
    try {
      result = (await app.next(1, (timeoutS + 240) * 1000)) as Record<string, unknown>;
    } catch (err) {
      result = { scenario: spec.scenario, size: spec.size, error: String(err), killedAfterS: Math.round((Date.now() - started) / 1000) };
    }
    await stopChild(app.child, app.exited, 15_000);
    await stopChild(servers.child, servers.exited);
    const serversRss = servers.results.find((r) => (r as { serversPeakRssMB?: number }).serversPeakRssMB) as { serversPeakRssMB?: number } | undefined;
    return {
      name: spec.name,
      command: `npm run bench -- --only=${spec.scenario}${spec.scenario === "import" ? ` --sizes=${spec.size}` : ""}${spec.env?.BENCH_RATE_LIMIT ? ` --rate-limit=${spec.env.BENCH_RATE_LIMIT}` : ""}${spec.env?.BENCH_HOST_RATE_LIMIT ? ` --host-rate-limit=${spec.env.BENCH_HOST_RATE_LIMIT} --host-limit-relations=${spec.size}` : ""}${po ? ` --po-installations=${spec.size} --po-customers=${po.customers} --po-suppliers=${po.suppliers} --po-pushes=${spec.env?.BENCH_PO_PUSHES}` : ""}`,
      seeded,
      ...result,
      serversPeakRssMB: serversRss?.serversPeakRssMB ?? null,
    };
  } finally {
    await stopChild(servers.child, servers.exited);
  }
}

/** Bare HTTP round trips between two processes, as a floor for the import (bench/floor.ts). */
async function runFloor(spec: Spec): Promise<Record<string, unknown>> {
  log(`${spec.name}: bare node:http server and client`);
  const server = spawnTsx("bench/floor.ts", ["serve"], {}, "bench/results/floor.server.log");
  try {
    const { url } = (await server.next(1, 60_000)) as { url: string };
    const client = spawnTsx("bench/floor.ts", [url], {}, "bench/results/floor.client.log");
    const result = (await client.next(1, 300_000)) as Record<string, unknown>;
    await stopChild(client.child, client.exited, 5_000);
    return { name: spec.name, command: "npm run bench -- --only=floor", ...result };
  } finally {
    await stopChild(server.child, server.exited);
  }
}

// ── the table ──────────────────────────────────────────────────────────

type Row = { scenario: string; figure: string; value: string; target: string; gap: string; command: string };

const fmt = (n: number | null | undefined, d = 1) => (n == null || Number.isNaN(n) ? "n/a" : n.toLocaleString("en-US", { maximumFractionDigits: d }));
function atLeast(v: number | null | undefined, target: number) {
  if (v == null) return "n/a";
  return v >= target ? `meets (${fmt((v / target) * 100, 0)} % of target)` : `${fmt(target / Math.max(v, 1e-9), 1)}× short (needs +${fmt(target - v)})`;
}
function atMost(v: number | null | undefined, target: number) {
  if (v == null) return "n/a";
  return v <= target ? `meets (${fmt(v, 2)} ≤ ${fmt(target, 2)})` : `${fmt(v / target, 2)}× over (−${fmt(v - target, 2)} needed)`;
}

function rows(results: Record<string, any>[]): Row[] {
  const out: Row[] = [];
  const importRuns = results.filter((r) => r.scenario === "import");
  const biggest = Math.max(...importRuns.map((r) => r.size ?? 0));
  // an import with webhooks against the run of the same size and pair without them
  const plainOf = (r: Record<string, any>) => importRuns.find((x) => x.size === r.size && x.pair === r.pair && !x.webhooks && !x.error);
  const shareOf = (r: Record<string, any>) => {
    const plain = plainOf(r);
    return plain?.relationsPerSec ? (r.relationsPerSec / plain.relationsPerSec) * 100 : null;
  };
  for (const r of results) {
    const base = { scenario: r.name as string, command: r.command as string };
    if (r.error) {
      out.push({ ...base, figure: "error", value: String(r.error).split("\n")[0]!.slice(0, 80), target: "", gap: "" });
      continue;
    }
    if (r.scenario === "import" && r.webhooks && r.webhookFloor) {
      const plain = plainOf(r);
      const share = shareOf(r);
      out.push({
        ...base,
        figure: "relations/s with the CRM's webhooks sent to an endpoint that answers at once and does nothing",
        value: `${fmt(r.relationsPerSec)} (${fmt(share, 0)} % of ${fmt(plain?.relationsPerSec)} without webhooks: what the deliveries alone cost)`,
        target: "",
        gap: "",
      });
    } else if (r.scenario === "import" && r.webhooks) {
      // the same size without webhooks, measured in this run
      const plain = plainOf(r);
      const share = shareOf(r);
      const w = r.webhooks;
      out.push({
        ...base,
        figure: "relations/s with the CRM's webhooks handled meanwhile",
        value: `${fmt(r.relationsPerSec)} (${fmt(share, 0)} % of ${fmt(plain?.relationsPerSec)} without; every webhook handled ${fmt(w.drainS)} s after the relations)`,
        target: "≥ 70 % of the rate without",
        gap: share == null ? "n/a" : atLeast(share, 70),
      });
      const cpu = r.cpuMsPerRelation ?? {};
      const without = plain?.cpuMsPerRelation ?? {};
      out.push({
        ...base,
        figure: "CPU ms per relation: app / sandboxes / PostgreSQL",
        value: `${fmt(cpu.app, 2)} / ${fmt(cpu.sandboxes, 2)} / ${fmt(cpu.postgres, 2)} (${cpu.appWebhookReceipt == null ? "" : `app: ${fmt(cpu.appWebhookReceipt, 2)} in the webhook receipt's process; `}without webhooks ${fmt(without.app, 2)} / ${fmt(without.sandboxes, 2)} / ${fmt(without.postgres, 2)}; ${fmt(w.received / Math.max(r.counts.created + r.counts.linked + r.counts.updated + r.counts.unchanged, 1), 1)} webhooks per relation)`,
        target: "",
        gap: "",
      });
      out.push({
        ...base,
        figure: "host calls per relation, echo handling included",
        value: `${fmt(r.hostCallsPerRelationWithWebhooks, 3)} (import alone ${fmt(r.hostCallsPerRelation, 3)})`,
        target: "≤ 1.1",
        gap: atMost(r.hostCallsPerRelationWithWebhooks, 1.1),
      });
      out.push({
        ...base,
        figure: "webhooks received / echoes (on arrival + sorted) / pushed / waited for a page",
        value: `${fmt(w.received, 0)} / ${fmt(w.echoesOnArrival + w.sorting.echoes, 0)} (${fmt(w.echoesOnArrival, 0)} + ${fmt(w.sorting.echoes, 0)}) / ${fmt(w.sorting.relations + w.sorting.products, 0)} / ${fmt(w.sorting.waited, 0)} (${fmt(w.sorting.runs, 0)} sortings, ${w.sorting.failed} failed)`,
        target: "0 pushed",
        gap: w.sorting.relations + w.sorting.products === 0 ? "meets" : "fails",
      });
    } else if (r.scenario === "import") {
      const partial = r.timedOut ? ` (timed out after ${fmt(r.relationWallS, 0)} s at ${fmt(r.processed, 0)} relations; full run ≈ ${fmt(r.extrapolatedFullS, 0)} s)` : "";
      out.push({ ...base, figure: "relations/s (matched + written)", value: fmt(r.relationsPerSec) + partial, target: "≥ 5,000", gap: atLeast(r.relationsPerSec, 5000) });
      const cpu = r.cpuMsPerRelation ?? {};
      out.push({
        ...base,
        figure: "CPU ms per relation: app / sandboxes / PostgreSQL",
        value: `${fmt(cpu.app, 2)} / ${fmt(cpu.sandboxes, 2)} / ${fmt(cpu.postgres, 2)} (${m.cores} cores give ${fmt((m.cores * 1000) / Math.max((cpu.app ?? 0) + (cpu.sandboxes ?? 0) + (cpu.postgres ?? 0), 1e-9), 0)}/s at most)`,
        target: "",
        gap: "",
      });
      out.push({
        ...base,
        figure: "host calls per relation created/linked",
        value: `${fmt(r.hostCallsPerRelation, 3)} (${fmt(r.hostCalls, 0)} calls / ${fmt(r.counts.created + r.counts.linked, 0)}; ${fmt(r.realHostMinutesAt1000PerMin)} min at 1,000/min)`,
        target: "≤ 1.1",
        gap: atMost(r.hostCallsPerRelation, 1.1),
      });
      out.push({
        ...base,
        figure: "peak RSS of the app (MB)",
        value: `${fmt(r.peakRssMB, 0)} (db: ${r.driver === "pglite" ? "PGlite, inside this process" : "PostgreSQL, outside"}; live heap ${fmt(Math.max(...Object.values((r.liveHeapMBAfterGc ?? {}) as Record<string, number>), 0), 0)})`,
        target: r.size === biggest ? "< 300 at 100,000" : "flat as it grows",
        gap: r.size >= 100_000 || r.size === biggest ? atMost(r.peakRssMB, 300) : "",
      });
    } else if (r.scenario === "floor") {
      // the CPU that 5,000 relations/s leaves per relation on this machine, less one bare round trip
      const budgetUs = (m.cores * 1e6) / 5000;
      const roundTripUs = r.cpuUsPerRequest.client + r.cpuUsPerRequest.server;
      out.push({
        ...base,
        figure: "bare HTTP POSTs/s on loopback, no work either side",
        value: `${fmt(r.requestsPerSec, 0)} (CPU µs per request: client ${r.cpuUsPerRequest.client} / server ${r.cpuUsPerRequest.server}; ${r.connections} connections, ${r.bodyBytes}-byte body)`,
        target: "",
        gap:
          r.requestsPerSec < 5000
            ? `one write per relation caps any import here at ${fmt(r.requestsPerSec, 0)}/s`
            : `at 5,000/s, ${fmt(Math.max(budgetUs - roundTripUs, 0), 0)} of ${fmt(budgetUs, 0)} CPU µs per relation remain for all other work`,
      });
    } else if (r.scenario === "ratelimit" || r.scenario === "hostlimit") {
      const whose = r.scenario === "ratelimit" ? "SnelStart's" : "the CRM's";
      out.push({
        ...base,
        figure: `share of ${whose} rate limit used (${r.limitPerMinute}/min)`,
        value:
          r.shareOfLimit == null
            ? `not limit-bound (${fmt(r.acceptedRequests, 0)} requests ≤ one window)`
            : `${fmt(r.shareOfLimit * 100)} % (${fmt(r.acceptedRequests, 0)} requests in ${fmt(r.wallS)} s, best possible ${fmt(r.idealS, 0)} s; ${fmt(r.requestsPerSec, 2)} req/s vs ${fmt(r.limitPerSec, 2)})`,
        target: "≥ 90 %",
        gap: r.shareOfLimit == null ? "n/a" : atLeast(r.shareOfLimit * 100, 90),
      });
      out.push({
        ...base,
        figure: "requests refused by the limit / left unretried",
        value: `${fmt(r.refusedByRateLimit, 0)} refused / ${r.refusedLeftUnretried ?? "some"} unretried (import ${r.importComplete ? "complete" : "INCOMPLETE"})`,
        target: "0 unretried",
        gap: r.refusedLeftUnretried === 0 ? "meets" : "fails",
      });
    } else if (r.scenario === "poweroffice") {
      out.push({
        ...base,
        figure: `share of PowerOffice's limit used (${r.limitPerSec}/s per subscription key, ${r.installations} installations)`,
        value:
          r.shareOfLimit == null
            ? "n/a"
            : `${fmt(r.shareOfLimit * 100)} % (${fmt(r.answered2xx, 0)} requests answered 2xx in ${fmt(r.wallS)} s, best possible ${fmt(r.idealS)} s; ${fmt(r.requestsPerSec, 2)} req/s vs ${r.limitPerSec}; the first ${fmt(r.firstRequestAfterS)} s after the schedule fired)`,
        target: "≥ 90 %",
        gap: r.shareOfLimit == null ? "n/a" : atLeast(r.shareOfLimit * 100, 90),
      });
      out.push({
        ...base,
        figure: "requests refused by the limit (simulator's 429s) / left unretried",
        value: `${fmt(r.refusedByRateLimit, 0)} refused / ${fmt(r.refusedLeftUnretried, 0)} unretried (sync log ${r.unretried.syncLog}, thrown ${r.unretried.thrown}; runs failed: ${r.failedRuns.length})`,
        target: "0 unretried",
        gap: r.refusedLeftUnretried === 0 ? "meets" : "fails",
      });
      out.push({
        ...base,
        figure: "longest wait for the 15-minute pull (schedule fired → that installation's pull done, s)",
        value: `${fmt(r.pull.longestWaitS)} (median ${fmt(r.pull.p50WaitS)}; ${r.pull.completed}/${r.installations} pulls done; ${fmt(r.pull.changed, 0)} relations taken into the CRM, ${fmt(r.pull.expectedChanged, 0)} changed in PowerOffice)`,
        target: "≤ 900",
        gap: atMost(r.pull.longestWaitS, 900),
      });
      out.push({
        ...base,
        figure: "CRM changes that reached PowerOffice meanwhile",
        value: `${fmt(r.push.reached, 0)} of ${fmt(r.push.changes, 0)} (all handled ${fmt(r.runWallS)} s after the schedule fired)`,
        target: "all",
        gap: r.push.reached === r.push.changes ? "meets" : "fails",
      });
    } else if (r.scenario === "pull") {
      for (const [entity, p] of Object.entries(r.noChangePull as Record<string, any>)) {
        out.push({
          ...base,
          figure: `no-change pull: vendor requests, ${entity}`,
          value: `${fmt(p.vendorRequests, 0)} (+${p.vendorTokenRequests} token; host calls ${p.hostCalls}, db queries ${p.dbQueries})`,
          target: "1",
          gap: atMost(p.vendorRequests, 1),
        });
      }
      const bulk = r.bulkEdit;
      if (bulk) {
        const relation = bulk.noChangePull.relation;
        out.push({
          ...base,
          figure: `no-change pull after a bulk edit (${fmt(bulk.relaties, 0)} relaties in one second): vendor requests, relation`,
          value: `${fmt(relation.vendorRequests, 0)} (the pull that read the edit: ${fmt(bulk.firstPull.relation.vendorRequests, 0)})`,
          target: "1",
          gap: atMost(relation.vendorRequests, 1),
        });
      }
    } else if (r.scenario === "latency") {
      out.push({ ...base, figure: `host event → vendor write p50 (ms, ${r.measured}/${r.changes} changes)`, value: fmt(r.p50Ms, 0), target: "", gap: "" });
      out.push({ ...base, figure: "host event → vendor write p95 (ms)", value: fmt(r.p95Ms, 0), target: "< 2,000", gap: atMost(r.p95Ms, 2000) });
      // a change made in the CRM that never reaches the package is lost, however fast the others were
      out.push({ ...base, figure: "CRM changes that reached SnelStart", value: `${fmt(r.measured, 0)} of ${fmt(r.changes, 0)}`, target: "all", gap: r.measured === r.changes ? "meets" : "fails" });
    }
  }
  // with --repeat, the median share of each size's pairs: one pair is at the mercy of the machine's neighbours
  for (const size of [...new Set(importRuns.map((r) => r.size as number))]) {
    for (const floor of [false, true]) {
      const shares = importRuns
        .filter((r) => r.size === size && r.webhooks && !r.error && !!r.webhookFloor === floor)
        .map(shareOf)
        .filter((v): v is number => v !== null)
        .sort((a, b) => a - b);
      if (shares.length < 2) continue;
      const median = shares.length % 2 ? shares[(shares.length - 1) / 2]! : (shares[shares.length / 2 - 1]! + shares[shares.length / 2]!) / 2;
      out.push({
        scenario: `import ${size.toLocaleString("en-US")}, webhooks ${floor ? "to an endpoint doing nothing" : "on"}: ${shares.length} pairs`,
        command: `npm run bench -- --only=import --sizes=${size} --repeat=${shares.length}${floor ? " --webhook-floor" : ""}`,
        figure: "share of the rate without webhooks, median of the pairs",
        value: `${fmt(median, 0)} % (pairs: ${shares.map((v) => `${fmt(v, 0)} %`).join(", ")})`,
        target: floor ? "" : "≥ 70 %",
        gap: floor ? "" : atLeast(median, 70),
      });
    }
  }
  return out;
}

function printTable(rs: Row[]) {
  const cols: Array<keyof Row> = ["scenario", "figure", "value", "target", "gap"];
  const width = Object.fromEntries(cols.map((c) => [c, Math.max(c.length, ...rs.map((r) => r[c].length))])) as Record<keyof Row, number>;
  const line = (r: Record<string, string>) => cols.map((c) => r[c]!.padEnd(width[c])).join(" │ ");
  console.log(line(Object.fromEntries(cols.map((c) => [c, c]))));
  console.log(cols.map((c) => "─".repeat(width[c])).join("─┼─"));
  let last = "";
  for (const r of rs) {
    if (r.scenario !== last && last) console.log(cols.map((c) => " ".repeat(width[c])).join(" │ "));
    last = r.scenario;
    console.log(line(r));
  }
  console.log("\ncommands per scenario:");
  for (const [s, c] of new Map(rs.map((r) => [r.scenario, r.command]))) console.log(`  ${s}: ${c}`);
}

// ── main ───────────────────────────────────────────────────────────────

const specs: Spec[] = ([
  { name: "HTTP floor", scenario: "floor", size: 0, seed: { relaties: 0 } },
  // each size twice, in the same run: without webhooks, and with the CRM delivering them to the app as in production
  ...sizes.flatMap((n) =>
    Array.from({ length: repeat }, (_, k) => {
      const of = repeat > 1 ? ` (pair ${k + 1} of ${repeat})` : "";
      return [
        { name: `import ${n.toLocaleString("en-US")}${of}`, scenario: "import", size: n, seed: { relaties: n }, pair: k },
        { name: `import ${n.toLocaleString("en-US")}, webhooks on${of}`, scenario: "import", size: n, seed: { relaties: n }, env: { BENCH_WEBHOOKS: "1" }, pair: k },
        // --webhook-floor: the same webhooks to an endpoint that answers at once and does nothing
        ...(flag("webhook-floor")
          ? [{ name: `import ${n.toLocaleString("en-US")}, webhooks to an endpoint doing nothing${of}`, scenario: "import", size: n, seed: { relaties: n }, env: { BENCH_WEBHOOKS: "1", BENCH_NULL_RECEIPT: "1" }, pair: k }]
          : []),
      ];
    }).flat(),
  ),
  {
    name: `rate limit ${rateLimit}/min`,
    scenario: "ratelimit",
    size: 1000,
    seed: { relaties: 1000, artikelen: rateArtikelen },
    env: { BENCH_RATE_LIMIT: String(rateLimit) },
  },
  {
    name: `CRM rate limit ${hostRateLimit}/min`,
    scenario: "hostlimit",
    size: hostLimitRelations,
    seed: { relaties: hostLimitRelations },
    env: { BENCH_HOST_RATE_LIMIT: String(hostRateLimit) },
  },
  { name: "no-change pull", scenario: "pull", size: 1000, seed: { relaties: 1000 } },
  { name: "event latency", scenario: "latency", size: 1000, seed: { relaties: 1000 }, env: { BENCH_EVENTS: "200", BENCH_EVENT_RATE: "10" } },
  {
    name: `PowerOffice ${poInstallations} installations, 10/s`,
    scenario: "poweroffice",
    size: poInstallations,
    seed: { relaties: 0, poweroffice: { customers: poCustomers, suppliers: poSuppliers } },
    // the budget paces at the declared limit (bench/world.ts turns budgets off by default)
    env: { REQUEST_BUDGET_SCALE: "1", BENCH_PO_CUSTOMERS: String(poCustomers), BENCH_PO_SUPPLIERS: String(poSuppliers), BENCH_PO_PUSHES: String(poPushes) },
  },
] as Spec[]).filter((s) => !only || only.includes(s.scenario));

const m = machine();
const git = (() => {
  try {
    const rev = execFileSync("git", ["rev-parse", "--short", "HEAD"], { encoding: "utf8" }).trim();
    const dirty = execFileSync("git", ["status", "--porcelain", "--", "lib", "app", "inngest", "sandbox"], { encoding: "utf8" }).trim();
    return `${rev}${dirty ? " (lib/app/inngest/sandbox modified)" : ""}`;
  } catch {
    return "unknown";
  }
})();
const startedAt = new Date().toISOString();
console.log(`command: ${command}`);
console.log(`machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGB} GB, ${m.os}, node ${m.node}; load average ${os.loadavg().map((l) => l.toFixed(2)).join(" ")}`);
console.log(`code: ${git}`);
console.log(`database: ${process.env.DATABASE_URL ? "PostgreSQL (DATABASE_URL), a fresh database per scenario" : "PGlite in memory, inside the app process"}\n`);

const scenarioBundle = buildScenario();
const results: Record<string, any>[] = [];
for (const spec of specs) {
  const t0 = Date.now();
  const r = spec.scenario === "floor" ? await runFloor(spec) : await runScenario(spec);
  r.pair = spec.pair;
  r.scenarioWallS = Math.round((Date.now() - t0) / 1000);
  // other work on the machine skews every figure: the 1-minute load average when the scenario ended
  r.loadAvgAtEnd = Math.round(os.loadavg()[0]! * 100) / 100;
  results.push(r);
  log(`${spec.name}: done in ${r.scenarioWallS} s`);
}

const table = rows(results);
console.log("");
printTable(table);
const out = { command, machine: m, git, database: process.env.DATABASE_URL ? "postgresql" : "pglite", startedAt, finishedAt: new Date().toISOString(), quick, table, results };
const stamped = `bench/results/run-${startedAt.replace(/[:.]/g, "-")}.json`;
fs.writeFileSync("bench/results/latest.json", JSON.stringify(out, null, 2));
fs.writeFileSync(stamped, JSON.stringify(out, null, 2));
console.log(`\nfigures written to bench/results/latest.json (and ${stamped})`);
