import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { schema } from "@/lib/db";
import { CRM, crm, installSnelStart, runFunction, snelstart, startWorld, type World } from "../helpers/world";

let world: World;
beforeAll(async () => {
  world = await startWorld();
}, 120_000);
afterAll(() => world?.close());

/** The sandbox CRM's product group Hardware and its ledger accounts by number (sandbox/host/seed.json). */
const HARDWARE = "eeaafa85-76f2-59f6-b712-d25eb44debd9";
const LEDGER_ACCOUNT = { 8000: "b362ef72-dffb-544a-86fb-e4b8ebb995ab", 8010: "0fcf5ae7-f37d-5d01-b05c-6cdea5334b0c", 8100: "320316b4-6fc1-516a-9970-51a25466d96d" };

describe("SnelStart initial import through the Inngest functions", () => {
  it("imports active klanten, leveranciers and artikelen into the CRM, page by page, and goes live", async () => {
    const grootboeken = (await snelstart(world).state()).grootboeken as Array<{ id: string; nummer: number }>;
    const installationId = await installSnelStart(world, {
      settings: (s) => {
        // tab Grootboekrekeningen: Hardware is booked on 8010 (Omzet laag), Diensten on 8100
        s.ledgers.ledgerByProductGroup = {
          [HARDWARE]: grootboeken.find((g) => g.nummer === 8010)!.id,
          [CRM.productGroup.services]: grootboeken.find((g) => g.nummer === 8100)!.id,
        };
      },
    });
    const start = await runFunction("snelstart-start-import", {
      name: "ledgerlink/installation.activated",
      data: { installationId, connector: "snelstart" },
    });
    expect(start.error).toBeUndefined();
    // follow the pages the function sends itself, as Inngest would
    let data: Record<string, unknown> = { installationId, connector: "snelstart", entity: "relation", runId: "" };
    for (let i = 0; i < 50; i++) {
      const out = await runFunction("snelstart-import-page", { name: "ledgerlink/import.page", data });
      expect(out.error).toBeUndefined();
      const r = out.result as { next?: string; done?: boolean };
      if (r.done) break;
      data = { ...data, entity: r.next };
    }
    const [inst] = await world.db.select().from(schema.installations).where(eq(schema.installations.id, installationId));
    expect(inst.status).toBe("active");
    const runs = await world.db.select().from(schema.syncRuns).where(eq(schema.syncRuns.installationId, installationId));
    const relationRun = runs.find((r) => r.entity === "relation")!;
    expect(relationRun.status).toBe("succeeded");
    expect(relationRun.counts.created + relationRun.counts.linked).toBeGreaterThan(0);
    expect(relationRun.counts.skipped).toBeGreaterThan(0); // nonactief relaties are not imported
    const productRun = runs.find((r) => r.entity === "product")!;
    expect(productRun.status).toBe("succeeded");
    expect(productRun.counts.failed).toBe(0);
    expect(productRun.counts.created).toBeGreaterThan(0);
  });

  it("gives each product the VAT group, product group and ledger account of its artikel's omzetgroep", async () => {
    const product = async (code: string) => {
      const [p] = await crm(world).all("Product", { filter: `Code eq '${code}'` });
      return { vatGroup: p.VatGroup?.ID ?? null, productGroup: p.ProductGroup?.ID ?? null, ledgerAccount: p.GeneralLedgerAccount?.ID ?? null };
    };
    // omzetgroep "Omzet laag tarief": btw Laag, grootboek 8010
    expect(await product("GEBAK-010")).toEqual({ vatGroup: CRM.vatGroup.NL9, productGroup: HARDWARE, ledgerAccount: LEDGER_ACCOUNT[8010] });
    // "Omzet hoog tarief": btw Hoog, grootboek 8000, which no product group is booked on
    expect(await product("BROOD-001")).toEqual({ vatGroup: CRM.vatGroup.NL21, productGroup: null, ledgerAccount: LEDGER_ACCOUNT[8000] });
    // "Diensten": btw Hoog, grootboek 8100
    expect(await product("CATER-100")).toEqual({ vatGroup: CRM.vatGroup.NL21, productGroup: CRM.productGroup.services, ledgerAccount: LEDGER_ACCOUNT[8100] });
  });
});
