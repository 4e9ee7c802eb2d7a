/**
 * Issue 4, item 3 (last part): malformed vendor responses (missing fields, wrong types, an HTML
 * error page, an empty body) end that record with a clear message and write nothing.
 *
 * A small proxy sits between the app and the SnelStart simulator and spoils exactly one answer
 * (or one record inside an answer); everything else passes through.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { schema } from "@/lib/db";
import { resetConfigForTests } from "@/lib/config";
import { translate } from "@/lib/i18n";
import { crm, installSnelStart } from "../helpers/world";
import { changedTables, dbFingerprint, getJson, KORENSCHOOF_ID, runOnce, startFaultWorld, TENANT_A, type FaultWorld } from "./harness";

type Rule = {
  method: string;
  path: RegExp;
  /** answer instead of SnelStart */
  answer?: { status: number; contentType?: string; body: string };
  /** or change SnelStart's answer */
  transform?: (json: any) => any;
  hits: number;
};

let world: FaultWorld;
let proxy: http.Server;
let rules: Rule[] = [];

beforeAll(async () => {
  world = await startFaultWorld();
  const target = world.snelstart.url;
  proxy = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    const url = new URL(req.url ?? "/", "http://x");
    const rule = rules.find((r) => r.method === req.method && r.path.test(url.pathname));
    if (rule?.answer) {
      rule.hits++;
      res.writeHead(rule.answer.status, rule.answer.contentType ? { "content-type": rule.answer.contentType } : {}).end(rule.answer.body);
      return;
    }
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (k !== "host" && k !== "content-length" && typeof v === "string") headers[k] = v;
    const up = await fetch(`${target}${req.url}`, { method: req.method, headers, body: body.length ? body : undefined });
    let text = await up.text();
    if (rule?.transform && up.ok) {
      rule.hits++;
      text = JSON.stringify(rule.transform(JSON.parse(text)));
    }
    res.writeHead(up.status, { "content-type": up.headers.get("content-type") ?? "application/json" }).end(text);
  });
  await new Promise<void>((r) => proxy.listen(0, "127.0.0.1", r));
  const port = (proxy.address() as AddressInfo).port;
  process.env.SNELSTART_API_URL = `http://127.0.0.1:${port}/v2`;
  resetConfigForTests();
}, 120_000);
afterAll(async () => {
  await new Promise((r) => proxy?.close(r));
  await world?.close();
});

const CLEAR = /SnelStart/;

/** The sync log, each message as the user reads it (Dutch). */
async function events(installationId: string) {
  const rows = await world.db.select().from(schema.syncEvents).where(eq(schema.syncEvents.installationId, installationId));
  return rows.map((e) => ({ ...e, message: e.message ? translate("nl", e.message, e.messageParams ?? {}) : null }));
}

describe("malformed SnelStart answers end that record with a clear message and write nothing", () => {
  let installationId: string;
  let relaties: Array<{ id: string; naam: string; nonactief?: boolean }>;

  it("a relatie with a wrong type (naam a number) and one missing its id, in an import page: those two fail, the rest import", async () => {
    relaties = (await getJson(`${world.snelstart.url}/__admin/state?administratie=${KORENSCHOOF_ID}`)).relaties;
    installationId = await installSnelStart(world, { status: "importing" });
    const spoiled = { wrongType: relaties[1]!, missingId: relaties[2]! };
    rules = [
      {
        method: "GET",
        path: /^\/v2\/relaties$/,
        hits: 0,
        transform: (list: any[]) =>
          list.map((r) => (r.id === spoiled.wrongType.id ? { ...r, naam: 12345 } : r.id === spoiled.missingId.id ? { ...r, id: undefined } : r)),
      },
    ];
    const start = await runOnce("snelstart-start-import", { name: "ledgerlink/installation.activated", data: { installationId, connector: "snelstart" } });
    expect(start.error).toBeUndefined();
    let entity = "relation";
    const errors: string[] = [];
    for (let i = 0; i < 20 && errors.length < 4; i++) {
      const out = await runOnce("snelstart-import-page", { name: "ledgerlink/import.page", data: { installationId, connector: "snelstart", runId: "", entity } });
      if (out.error) {
        errors.push(String(out.error?.message ?? out.error));
        continue;
      }
      const r = out.result as { next?: string; done?: boolean };
      if (r.done) break;
      entity = r.next ?? entity;
    }
    rules = [];
    expect(errors, "a page with one bad record must not fail the whole page (the import would be stuck on it)").toEqual([]);
    const links = await world.db
      .select()
      .from(schema.syncLinks)
      .where(and(eq(schema.syncLinks.installationId, installationId), eq(schema.syncLinks.entity, "relation")));
    const linked = new Set(links.map((l) => l.remoteId));
    for (const r of relaties.filter((x) => !x.nonactief && x.id !== spoiled.wrongType.id && x.id !== spoiled.missingId.id)) {
      expect(linked.has(r.id), `good relatie ${r.naam} imported`).toBe(true);
    }
    expect(linked.has(spoiled.wrongType.id)).toBe(false);
    const failed = (await events(installationId)).filter((e) => e.outcome === "failed");
    const aboutWrongType = failed.find((e) => e.remoteId === spoiled.wrongType.id || e.message?.includes("naam"));
    expect(aboutWrongType?.message ?? "", "the record with a wrong type has a failed entry that says what was wrong").toMatch(/naam/);
    expect(failed.length, "both spoiled records are in the sync log").toBeGreaterThanOrEqual(2);
    // nothing written for them in the CRM
    const A = crm(world, TENANT_A);
    const named = (await A.get(`Relation_Organization?$filter=Name eq '${spoiled.wrongType.naam.replace(/'/g, "''")}'&$select=ID`)).value;
    expect(named, "no CRM relation for the spoiled relatie").toEqual([]);
  }, 60_000);

  const bookingCases: Array<{ name: string; invoiceNumber: string; rule: Omit<Rule, "hits">; message: RegExp }> = [
    {
      name: "an HTML error page with 200 to the booking",
      invoiceNumber: "2026-0001",
      rule: { method: "POST", path: /^\/v2\/verkoopboekingen$/, answer: { status: 200, contentType: "text/html", body: "<!doctype html><html><head><title>Service Unavailable</title></head><body><h1>Oops</h1></body></html>" } },
      message: /^SnelStart gaf een onleesbaar antwoord \(HTTP 200, text\/html\) in plaats van gegevens: Service Unavailable$/,
    },
    {
      name: "an empty body with 201 to the booking",
      invoiceNumber: "2026-0004",
      rule: { method: "POST", path: /^\/v2\/verkoopboekingen$/, answer: { status: 201, contentType: "application/json", body: "" } },
      message: /^SnelStart gaf een leeg antwoord \(HTTP 201\)/,
    },
    {
      name: "existing bookings without their factuurnummer (missing field)",
      invoiceNumber: "2026-0002",
      rule: { method: "GET", path: /^\/v2\/relaties\/[^/]+\/verkoopboekingen$/, answer: { status: 200, contentType: "application/json", body: JSON.stringify([{ id: "0b7e1a56-2d7c-4b8e-9a64-b1b3a3f0c001", factuurbedrag: 10 }]) } },
      message: /^SnelStart gaf een onverwacht antwoord: veld \[0\]\.factuurnummer /,
    },
    {
      name: "a booking answer with wrong types (id a number)",
      invoiceNumber: "2026-0005",
      rule: { method: "POST", path: /^\/v2\/verkoopboekingen$/, answer: { status: 201, contentType: "application/json", body: JSON.stringify({ id: 42, factuurnummer: 7 }) } },
      message: /^SnelStart gaf een onverwacht antwoord: veld (id|factuurnummer) /,
    },
  ];

  for (const c of bookingCases) {
    it(`${c.name}: the invoice ends failed with a clear message; nothing is booked, linked or attached`, async () => {
      await world.db.update(schema.installations).set({ status: "active" }).where(eq(schema.installations.id, installationId));
      const A = crm(world, TENANT_A);
      let inv = (await A.get(`Activity_Invoice?$filter=Number eq '${c.invoiceNumber}'&$select=ID,Number`)).value[0];
      if (!inv) {
        const customer = (await A.get("Relationship_Organization_CommercialRelationship_Customer?$top=1&$select=ID")).value[0];
        const prod = (await A.get("Product?$top=1&$select=ID")).value[0];
        inv = await A.post("Activity_Invoice", { Subject: "malformed", Relationship: { ID: customer.ID }, ProductLines: [{ Product: { ID: prod.ID }, Quantity: 1 }] });
      }
      const sent = (await A.get("Datastore_Phase_ActivityInvoice?$filter=Code eq 'Sent'")).value[0];
      await A.post("Activity_Invoice", { ID: inv.ID, Phase: { ID: sent.ID } });
      const number = (await A.get(`Activity_Invoice(${inv.ID})?$select=Number`)).Number as string;
      // the customer and the products exist in SnelStart beforehand, so the only write left is the booking itself
      const { loadSyncContext } = await import("@/lib/installations/sync-context");
      const { productSpec, pushRecord, relationSpec } = await import("@/lib/sync/entities");
      const full = await A.get(`Activity_Invoice(${inv.ID})?$expand=Relationship($expand=Relation($select=ID)),ProductLines($expand=Product)`);
      const ctx = await loadSyncContext(world.db, installationId);
      await pushRecord(ctx, relationSpec, full.Relationship.Relation.ID, { force: true });
      for (const line of full.ProductLines as Array<{ Product?: { ID: string } | null }>) {
        if (line.Product) await pushRecord(ctx, productSpec, line.Product.ID, { force: true });
      }

      await world.takeEvents(); // the CRM's own webhooks for the changes above land first
      rules = [{ ...c.rule, hits: 0 }];
      const before = await dbFingerprint(world.db);
      const simBefore = await getJson(`${world.snelstart.url}/__admin/state?administratie=${KORENSCHOOF_ID}`);
      const outs = [];
      for (let attempt = 0; attempt < 2; attempt++) {
        outs.push(await runOnce("snelstart-book-invoices", { name: "ledgerlink/invoice.phase-changed", data: { installationId, connector: "snelstart", hostId: inv.ID } }));
      }
      const hits = rules[0]!.hits;
      rules = [];
      expect(hits, "the spoiled answer was served").toBeGreaterThan(0);
      const simAfter = await getJson(`${world.snelstart.url}/__admin/state?administratie=${KORENSCHOOF_ID}`);
      expect(simAfter.verkoopboekingen.filter((b: { factuurnummer: string }) => b.factuurnummer === number), "nothing booked in SnelStart").toEqual([]);
      expect(simAfter.documenten.length, "no document attached").toBe(simBefore.documenten.length);
      const link = await world.db
        .select()
        .from(schema.syncLinks)
        .where(and(eq(schema.syncLinks.installationId, installationId), eq(schema.syncLinks.entity, "invoice"), eq(schema.syncLinks.hostId, inv.ID)));
      expect(link, "no link for the invoice").toEqual([]);
      expect(changedTables(before, await dbFingerprint(world.db)).filter((t) => !["sync_events", "sync_locks", "credentials", "webhook_deliveries"].includes(t)), "only the sync log was written").toEqual([]);
      const failed = (await events(installationId)).filter((e) => e.entity === "invoice" && e.hostId === inv.ID && e.outcome === "failed");
      expect(failed.length, "each attempt left a failed entry").toBe(outs.length);
      for (const e of failed) {
        expect(e.message ?? "").toMatch(CLEAR);
        expect(e.message ?? "").toMatch(c.message);
      }
      for (const o of outs) expect(o.error, "the run ends in error (Inngest retries it)").toBeTruthy();
    }, 60_000);
  }
});
