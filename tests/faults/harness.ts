/**
 * The outside world for the fault and security suite: like tests/helpers/world.ts (sandbox
 * CRM, SnelStart simulator, the PowerOffice simulator on request, database, webhook receiver
 * running the app's own webhook handling), plus what this suite needs on top: the database URL (a
 * worker in a child process shares the database), the environment a child needs, an encryption
 * key of our own, and small readers of both sides' state.
 *
 * The second half is the fault run's machinery, the same for every connector (faults-run*.test.ts):
 * the import worker in a child process killed mid-import and started again while the CRM's webhooks
 * run through the app's functions, invoices set to Sent in the CRM and booked through a failing
 * vendor, and the sync-log checks afterwards.
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { InngestTestEngine } from "@inngest/test";
import { and, eq } from "drizzle-orm";
import { expect } from "vitest";
import { schema, type Db } from "@/lib/db";
import { resetKeyringForTests } from "@/lib/crypto/keys";
import { functions } from "@/inngest/functions";
import { inngest } from "@/inngest/client";
import { startInProcessRunner, type RunRecord } from "@/inngest/runner";
import type { PowerOfficeSimulatorOptions } from "@/sandbox/vendors/poweroffice/server";
import { crm, startWorld, type SentEvent, type World } from "../helpers/world";
import { SANDBOX_TENANT } from "../helpers/seed";

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

export async function startFaultWorld(
  opts: {
    driver?: "pg" | "pglite";
    hostConfig?: Record<string, unknown>;
    /** start the PowerOffice simulator too; its functions then sort the CRM's webhooks (world.connector) */
    poweroffice?: Partial<PowerOfficeSimulatorOptions>;
  } = {},
): Promise<FaultWorld> {
  Object.assign(process.env, secrets);
  resetKeyringForTests();
  const world = await startWorld({ secrets, driver: opts.driver, hostConfig: opts.hostConfig, poweroffice: opts.poweroffice, webhookWaitMs: 60_000 });
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
        ...(world.poweroffice ? { POWEROFFICE_API_URL: `${world.poweroffice.url}/v2`, POWEROFFICE_TOKEN_URL: `${world.poweroffice.url}/OAuth/Token` } : {}),
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

/** A function's id as the app declares it (`snelstart-import-page`), without Inngest's app prefix. */
export const functionId = (f: (typeof functions)[number]): string => (f as unknown as { opts: { id: string } }).opts.id;

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

// ── the fault run, for any connector ──────────────────────────────────

/**
 * The app's functions of one connector, optionally only those whose id (after `<connector>-`)
 * matches `only`. Inngest runs a connector's functions only for that connector's events (their
 * `if`), which the in-process runner does not read: a run gives it one connector's functions.
 */
export function connectorFunctions(connector: string, only?: RegExp) {
  return functions.filter((f) => {
    const id = functionId(f);
    return id.startsWith(`${connector}-`) && (!only || only.test(id.slice(connector.length + 1)));
  });
}

/** What the app runs for the CRM's webhooks; the import's own pages run where the test drives them, not twice. */
export const webhookFunctionsOf = (connector: string) => connectorFunctions(connector, /^(sort-host-changes|push-relations|push-products|book-)/);

export type Figures = Record<string, unknown>;
export type WorkerLine = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export type ImportWorker = {
  child: ChildProcess;
  lines: WorkerLine[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
};

/** tests/faults/worker.ts in a child process, on this world's database, importing for one installation of `connector`. */
export function startImportWorker(world: FaultWorld, installationId: string, connector: string, tag: string): ImportWorker {
  const lines: WorkerLine[] = [];
  const child = spawn(process.execPath, ["--import", "tsx", path.join("tests", "faults", "worker.ts"), installationId, connector], {
    cwd: process.cwd(),
    env: world.childEnv() as NodeJS.ProcessEnv,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let buf = "";
  child.stdout!.on("data", (c: Buffer) => {
    buf += c.toString("utf8");
    let i;
    while ((i = buf.indexOf("\n")) >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      try {
        lines.push({ worker: tag, ...JSON.parse(line) });
      } catch {
        lines.push({ worker: tag, type: "text", line });
      }
    }
  });
  let err = "";
  child.stderr!.on("data", (c: Buffer) => void (err += c.toString("utf8")));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => {
      if (err.trim()) lines.push({ worker: tag, type: "stderr", text: err.slice(-2000) });
      resolve({ code, signal });
    }),
  );
  return { child, lines, exited };
}

export type CrmRelation = {
  id: string;
  kind: string;
  name: string;
  postcode: string | null;
  debtorNumber: string | null;
  creditorNumber: string | null;
  /** a customer or supplier (the persons behind an organisation's contact persons are neither) */
  trading: boolean;
};

/** Every relation of a tenant as the app's CRM adapter reads it. */
export async function crmRelations(tenantId: string): Promise<CrmRelation[]> {
  const { hostAdapterForTenant } = await import("@/lib/host");
  const host = hostAdapterForTenant(tenantId);
  const out: CrmRelation[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < 1000; i++) {
    const page = await host.relations.page(cursor);
    for (const r of page.items)
      out.push({
        id: r.id,
        kind: r.data.kind,
        name: r.data.name,
        postcode: r.data.addresses[0]?.postcode ?? null,
        debtorNumber: r.data.debtorNumber ?? null,
        creditorNumber: r.data.creditorNumber ?? null,
        trading: r.data.isCustomer || r.data.isSupplier,
      });
    if (!page.next) break;
    cursor = page.next;
  }
  return out;
}

export async function countLinks(db: Db, installationId: string, entity: string) {
  const rows = await db
    .select({ id: schema.syncLinks.id })
    .from(schema.syncLinks)
    .where(and(eq(schema.syncLinks.installationId, installationId), eq(schema.syncLinks.entity, entity)));
  return rows.length;
}

export async function linksOf(db: Db, installationId: string, entity: string) {
  return db
    .select()
    .from(schema.syncLinks)
    .where(and(eq(schema.syncLinks.installationId, installationId), eq(schema.syncLinks.entity, entity)));
}

export async function pool<T>(items: T[], limit: number, fn: (item: T, i: number) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) {
        const i = next++;
        await fn(items[i]!, i);
      }
    }),
  );
}

/** A vendor simulator's fault statistics since its last stats reset (both simulators count alike). */
export async function vendorFaultStats(vendorUrl: string) {
  const s = await getJson(`${vendorUrl}/__admin/stats`);
  return { total: s.total, injectedErrors: s.injectedErrors, injectedTooManyRequests: s.injectedTooManyRequests, injectedTimeouts: s.injectedTimeouts, byStatus: s.byStatus, ...(s.refusedByRateLimit ? { refusedByRateLimit: s.refusedByRateLimit } : {}) };
}

/**
 * The initial import while the vendor fails (its faults set by the caller) and every webhook the
 * CRM sends meanwhile runs through the app's own sort and push functions: activation begins the
 * import (retried as Inngest would), a worker in a child process takes the pages and is killed
 * (SIGKILL) once `killAtLinks` relation links exist, a second worker resumes where it stopped.
 * Asserts what holds for every connector: the first worker was still importing when killed, the
 * second finished, no webhook run failed, the installation is live and every import run
 * succeeded. Answers the workers' output lines.
 */
export async function importThroughKilledWorker(
  world: FaultWorld,
  opts: {
    connector: string;
    installationId: string;
    /** kill worker 1 once this many relation links exist (saved a page at a time), or… */
    killAtLinks: number;
    /** …once `count` reaches `at` instead (e.g. CRM relations created: in the middle of a page's writes, before its links are saved) */
    killWhen?: { what: string; at: number; count: () => Promise<number> };
    expectKill: boolean;
    figures: Figures;
    runnerLog: string[];
  },
): Promise<WorkerLine[]> {
  const { connector, installationId, figures, runnerLog } = opts;
  const t0 = Date.now();
  // every webhook the import's writes cause is handled while the import runs, as in production:
  // sorted in batches and pushed by the app's own functions (none dropped)
  const webhookRunner = startInProcessRunner(webhookFunctionsOf(connector), { crons: false, backoffMs: 250, keepRuns: 100_000, log: (m) => void runnerLog.push(`[webhooks] ${m}`) });
  world.forward((events) => inngest.send(events));
  try {
    // activation → begin the import (retried as Inngest would)
    for (let attempt = 1; ; attempt++) {
      const out = await runOnce(`${connector}-start-import`, { name: "ledgerlink/installation.activated", data: { installationId, connector } });
      if (!out.error) break;
      if (attempt > 5) throw out.error;
      await sleep(200);
    }

    // worker 1: killed once it is well into the import
    const w1 = startImportWorker(world, installationId, connector, "w1");
    let killedAt: number | null = null;
    for (;;) {
      const done = await Promise.race([w1.exited.then(() => true), sleep(25).then(() => false)]);
      if (done) break;
      const n = opts.killWhen ? await opts.killWhen.count() : await countLinks(world.db, installationId, "relation");
      if (n >= (opts.killWhen?.at ?? opts.killAtLinks)) {
        w1.child.kill("SIGKILL");
        figures.killTime = new Date().toISOString();
        killedAt = n;
        break;
      }
    }
    const exit1 = await w1.exited;
    if (opts.killWhen) {
      figures.killedAt = { [opts.killWhen.what]: killedAt, links: await countLinks(world.db, installationId, "relation") };
    } else figures.killedAtLinks = killedAt;
    figures.worker1Exit = exit1;
    if (opts.expectKill) expect(exit1.signal, `worker 1 must still be importing when it is killed; it ended with ${JSON.stringify(exit1)}: ${JSON.stringify(w1.lines.slice(-5))}`).toBe("SIGKILL");

    // worker 2 resumes from the cursor the first left behind
    figures.w2Start = new Date().toISOString();
    const w2 = exit1.signal ? startImportWorker(world, installationId, connector, "w2") : { ...w1, exited: Promise.resolve(exit1) };
    const exit2 = await Promise.race([w2.exited, sleep(240_000).then(() => ({ code: -1, signal: null }))]);
    if (exit2.code === -1) w2.child.kill("SIGKILL");
    const workerLines = [...w1.lines, ...w2.lines];
    figures.worker2Exit = exit2;
    figures.importMs = Date.now() - t0;
    figures.importAttemptFailures = workerLines.filter((l) => l.type === "attempt-failed").map((l) => `${l.worker} ${l.entity}#${l.attempt}: ${l.error}`);
    figures.importPages = workerLines.filter((l) => l.type === "page").length;
    expect(exit2, `worker 2 output: ${JSON.stringify(w2.lines.slice(-8))}`).toEqual({ code: 0, signal: null });

    // the webhooks of the import, and whatever waited for a page, are all handled
    await world.host.waitForWebhooks(120_000);
    await webhookRunner.idle();
    const webhookRuns = webhookRunner.runs;
    figures.webhooks = {
      delivered: world.host.state.webhooks.deliveries.length,
      echoesOnArrival: world.receipts.filter((r) => r.echo).length,
      sortRuns: webhookRuns.filter((r) => r.functionId.endsWith("sort-host-changes")).length,
      pushRuns: webhookRuns.filter((r) => r.functionId.endsWith("push-relations")).map((r) => (r.result as { outcome?: string } | undefined)?.outcome ?? r.status),
      failed: webhookRuns.filter((r) => r.status === "failed").map((r) => `${r.functionId}: ${r.error}`),
      log: runnerLog.filter((l) => l.startsWith("[webhooks]")).slice(-20),
    };
    expect(webhookRuns.filter((r) => r.status === "failed").map((r) => `${r.functionId}: ${r.error}`), "webhook runs that failed").toEqual([]);
    figures.importAndWebhooksMs = Date.now() - t0;

    const [inst] = await world.db.select().from(schema.installations).where(eq(schema.installations.id, installationId));
    expect(inst.status).toBe("active");
    const runs = await world.db.select().from(schema.syncRuns).where(eq(schema.syncRuns.installationId, installationId));
    figures.importRuns = runs.map((r) => ({ entity: r.entity, status: r.status, counts: r.counts, processed: r.processed }));
    for (const r of runs.filter((x) => x.kind === "import")) expect(r.status, `${r.entity} import run`).toBe("succeeded");
    return workerLines;
  } finally {
    webhookRunner.stop();
    world.forward(null);
  }
}

export type CrmInvoice = { id: string; number: string; relationId: string };

/**
 * Invoices in the CRM, one per customer: `imported` (CRM relations the import linked) and
 * `crmOnly` new CRM customers whose booking must first create them in the package; then set to
 * Sent, so the CRM's signed webhooks become the booking events (answered, sorted by the world's
 * connector). Runs with the vendor's faults off.
 */
export async function sendCrmInvoices(
  world: FaultWorld,
  opts: { imported: string[]; crmOnly: number; namePrefix: string; figures: Figures },
): Promise<{ invoices: CrmInvoice[]; crmOnly: Array<{ ID: string; Name: string }>; events: SentEvent[] }> {
  const t0 = Date.now();
  const A = crm(world, SANDBOX_TENANT);
  const total = opts.imported.length + opts.crmOnly;
  const netherlands = (await A.get("Datastore_Country?$filter=Code eq 'NL'")).value[0];
  const crmOnlyNames = Array.from({ length: opts.crmOnly }, (_, i) => `${opts.namePrefix} ${String(i + 1).padStart(3, "0")} BV`);
  await postJson(`${world.host.url}/__admin/seed`, {
    tenant: SANDBOX_TENANT,
    Relation_Organization: crmOnlyNames.map((name, i) => ({
      Name: name,
      VisitingAddress: { Street: `Foutstraat ${i + 1}`, Postalcode: `${3000 + i} FT`, City: "Utrecht", Country: { ID: netherlands.ID } },
      Relationships: [{ _Type: "Relationship.Organization.CommercialRelationship.Customer", PaymentTermInDays: 14 }],
    })),
  });
  const crmOnly: Array<{ ID: string; Name: string }> = [];
  for (let skip = 0; crmOnly.length < opts.crmOnly && skip < 500; skip += 100) {
    crmOnly.push(...(await A.get(`Relation_Organization?$filter=startswith(Name,'${opts.namePrefix}')&$select=ID,Name&$orderby=ID&$top=100&$skip=${skip}`)).value);
  }
  expect(crmOnly).toHaveLength(opts.crmOnly);
  const customers = [...opts.imported, ...crmOnly.map((c) => c.ID)];
  // an invoice's customer is reached through its customer relationship (an organisation's or a person's)
  const customerRelationship = new Map<string, string>();
  for (const set of ["Relationship_Organization_CommercialRelationship_Customer", "Relationship_Person_CommercialRelationship_Customer"])
    for (const r of (await A.all(set)) as Array<{ ID: string; Relation: { ID: string } }>) customerRelationship.set(r.Relation.ID, r.ID);
  expect(customers.filter((c) => !customerRelationship.has(c)), "invoiced relations without a customer relationship").toEqual([]);

  // what a user sells: active products with a Dutch VAT group (an inactive one, the seed's OLD-01 or a product archived
  // in the package, is not offered on a new invoice; PowerOffice refuses an archived product on a sales order)
  const products: Array<{ ID: string; IsInactive?: boolean; VatGroup?: { ID: string; CountryCode?: string } | null }> = (
    await A.get("Product?$expand=VatGroup&$top=100")
  ).value;
  const sellable = products.filter((p) => p.IsInactive !== true && p.VatGroup && (p.VatGroup.CountryCode ?? "NL") === "NL").map((p) => p.ID);
  expect(sellable.length).toBeGreaterThan(0);
  await postJson(`${world.host.url}/__admin/seed`, {
    tenant: SANDBOX_TENANT,
    Activity_Invoice: customers.map((rel, i) => ({
      Subject: `Faults run factuur ${i + 1}`,
      Relationship: { ID: customerRelationship.get(rel) },
      ProductLines: [{ Product: { ID: sellable[i % sellable.length] }, Quantity: 1 + (i % 4) }],
    })),
  });
  const invoices: CrmInvoice[] = [];
  for (let skip = 0; invoices.length < total && skip < 2000; skip += 100) {
    const page = (await A.get(`Activity_Invoice?$filter=startswith(Subject,'Faults run')&$select=ID,Number&$expand=Relationship($select=ID;$expand=Relation($select=ID))&$orderby=ID&$top=100&$skip=${skip}`)).value;
    invoices.push(...page.map((v: any) => ({ id: v.ID, number: v.Number, relationId: v.Relationship?.Relation?.ID }))); // eslint-disable-line @typescript-eslint/no-explicit-any
    if (page.length < 100) break;
  }
  expect(invoices).toHaveLength(total);

  // push them to Sent in the CRM: the CRM's signed webhooks become the booking events
  const sent = (await A.get("Datastore_Phase_ActivityInvoice?$filter=Code eq 'Sent'")).value[0];
  await world.takeEvents(); // drop what the import's writes sent
  await pool(invoices, 16, async (inv) => void (await A.post("Activity_Invoice", { ID: inv.id, Phase: { ID: sent.ID } })));
  const events = (await world.takeEvents()).filter((e) => e.name === "ledgerlink/invoice.phase-changed");
  expect(new Set(events.map((e) => e.data.hostId)).size).toBe(total);
  opts.figures.invoiceSetupMs = Date.now() - t0;
  return { invoices, crmOnly, events };
}

/**
 * The booking events run through the connector's functions as Inngest would (retries, backoff,
 * Retry-After) while the vendor fails; answers the booking function's runs.
 */
export async function bookThroughFaults(opts: { connector: string; events: SentEvent[]; figures: Figures; runnerLog: string[] }): Promise<RunRecord[]> {
  const t1 = Date.now();
  // every run is kept: a booking that waits for a record is a run of its own
  const runner = startInProcessRunner(connectorFunctions(opts.connector), { crons: false, backoffMs: 250, keepRuns: 100_000, log: (m) => void opts.runnerLog.push(m) });
  try {
    await inngest.send(opts.events);
    for (let i = 0; i < 200; i++) {
      await runner.idle();
      await sleep(20);
      if (runner.runs.every((r) => r.status !== "running")) break;
    }
  } finally {
    runner.stop();
  }
  opts.figures.bookingMs = Date.now() - t1;
  const bookRuns = runner.runs.filter((r) => r.functionId.endsWith(`${opts.connector}-book-invoices`));
  opts.figures.bookingRuns = {
    invoices: new Set(bookRuns.map((r) => (r.event.data as { hostId: string }).hostId)).size,
    /** a run that found a record it needs held by another run ends and sends itself again later (no retry spent) */
    runs: bookRuns.length,
    waited: bookRuns.filter((r) => (r.result as { outcome?: string } | undefined)?.outcome === "waiting").length,
    completed: bookRuns.filter((r) => r.status === "completed").length,
    failed: bookRuns.filter((r) => r.status === "failed").map((r) => `${(r.event.data as { hostId: string }).hostId}: ${r.error}`),
    attempts: bookRuns.reduce((n, r) => n + r.attempts, 0),
    retried: bookRuns.filter((r) => r.attempts > 1).length,
    maxAttempts: Math.max(...bookRuns.map((r) => r.attempts)),
    /** attempts → runs that took that many (a wait for a record another run holds is an attempt too) */
    attemptsHistogram: bookRuns.reduce<Record<number, number>>((h, r) => ({ ...h, [r.attempts]: (h[r.attempts] ?? 0) + 1 }), {}),
    otherRuns: runner.runs.length - bookRuns.length,
    /** what the runs that took the most attempts met, attempt by attempt */
    mostAttempts: [...bookRuns]
      .sort((a, b) => b.attempts - a.attempts)
      .slice(0, 3)
      .map((r) => r.errors.map((e) => e.slice(0, 140))),
  };
  return bookRuns;
}

/**
 * Every failure is in the sync log: each failed booking attempt (other than waiting for a record
 * another job holds) left a failed sync event with a message, a booked invoice offers no Retry for
 * its earlier failures, the import's failed attempts left a trace, and every invoice is linked.
 */
export async function expectFailuresLogged(
  world: FaultWorld,
  opts: { installationId: string; bookRuns: RunRecord[]; workerLines: WorkerLine[]; invoices: CrmInvoice[]; figures: Figures },
) {
  const { installationId, bookRuns, invoices } = opts;
  const events = await world.db.select().from(schema.syncEvents).where(eq(schema.syncEvents.installationId, installationId));
  const invoiceLinks = await linksOf(world.db, installationId, "invoice");
  const linkOf = new Map(invoiceLinks.map((l) => [l.hostId, l]));
  const failedByHost = new Map<string, number>();
  for (const e of events.filter((x) => x.outcome === "failed" && x.entity === "invoice")) failedByHost.set(e.hostId ?? "", (failedByHost.get(e.hostId ?? "") ?? 0) + 1);
  // a booking that found a record it needs held by another job (the invoice, or a product two invoices
  // share) failed nothing: it waits (a run of its own, no error), and is not logged
  const busy = (e: string) => /being synced by another job/.test(e);
  const failedAttempts = new Map<string, number>();
  for (const r of bookRuns) {
    const id = (r.event.data as { hostId: string }).hostId;
    failedAttempts.set(id, (failedAttempts.get(id) ?? 0) + r.errors.filter((e) => !busy(e)).length);
  }
  const busyRetries = bookRuns.reduce((n, r) => n + r.errors.filter(busy).length, 0);
  const totalFailedAttempts = [...failedAttempts.values()].reduce((a, b) => a + b, 0);
  const totalLogged = [...failedByHost.values()].reduce((a, b) => a + b, 0);
  opts.figures.failures = {
    failedAttempts: totalFailedAttempts,
    busyRetries,
    failedInvoiceEventsLogged: totalLogged,
    relationFailuresLogged: events.filter((e) => e.outcome === "failed" && e.entity === "relation").length,
    productFailuresLogged: events.filter((e) => e.outcome === "failed" && e.entity === "product").length,
  };
  const unlogged = [...failedAttempts].filter(([id, n]) => n > 0 && (failedByHost.get(id) ?? 0) === 0).map(([id, n]) => `${invoices.find((i) => i.id === id)?.number}: ${n} failed attempt(s), nothing in the sync log`);
  expect(unlogged, "failed booking attempts missing from the sync log").toEqual([]);
  expect(totalLogged, "each failed attempt (other than waiting for a record lock) leaves a failed sync event").toBeGreaterThanOrEqual(totalFailedAttempts);
  for (const e of events.filter((x) => x.outcome === "failed")) expect(e.message, `failed event ${e.id} has a message`).toBeTruthy();
  // a booked invoice no longer offers a Retry for its earlier failures
  const stale = events.filter((e) => e.outcome === "failed" && e.retriable && e.entity === "invoice" && linkOf.has(e.hostId ?? "")).map((e) => e.id);
  expect(stale, "failures of invoices that were booked afterwards still offered for retry").toEqual([]);
  // the import's failed attempts: each must have left a trace in the log or on its run
  const importFailures = opts.workerLines.filter((l) => l.type === "attempt-failed");
  if (importFailures.length) {
    const importLogged = events.filter((e) => e.outcome === "failed" && e.runId).length;
    const runErrors = (await world.db.select().from(schema.syncRuns).where(eq(schema.syncRuns.installationId, installationId))).filter((r) => r.error).length;
    expect(importLogged + runErrors, `import attempts failed (${importFailures.map((l) => l.error).join(" | ")}) but nothing is in the sync log`).toBeGreaterThan(0);
  }
  // nothing lost: every invoice is Sent in the CRM and booked
  expect(invoiceLinks.length).toBe(invoices.length);
  return { invoiceLinks, linkOf };
}
