/**
 * The settings tabs as the user walks them (seed 002 "Hoe activeer ik de koppeling", steps 5–10),
 * through what the settings page and the save action call: a required mapping is filled or the
 * save is refused, settings with an unmapped VAT group are not complete, a success returns the
 * tab as saved, and SnelStart's lists are read once for the whole walk.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { schema } from "@/lib/db";
import { getConnector } from "@/lib/connectors";
import { connectInstallation, pendingSettingsTabs, saveSettingsTab } from "@/lib/installations";
import { formToObject } from "@/lib/installations/forms";
import { forgetRemoteOptions, settingsOptions } from "@/lib/installations/options";
import { settingsComplete } from "@/lib/installations/settings";
import { translate } from "@/lib/i18n";
import type { SettingsTab } from "@/lib/sync/types";
import { CRM, KORENSCHOOF, SANDBOX_TENANT, installSnelStart, snelstart, startWorld, type World } from "../helpers/world";

let world: World;
let sim: ReturnType<typeof snelstart>;
let installationId: string;
const connector = () => getConnector("snelstart")!;
const sent: Array<{ name: string; data: Record<string, unknown> }> = [];
const send = async (e: typeof sent) => void sent.push(...e);

beforeAll(async () => {
  world = await startWorld();
  sim = snelstart(world);
  installationId = await installSnelStart(world);
}, 120_000);
afterAll(() => world?.close());

async function installation() {
  const [row] = await world.db.select().from(schema.installations).where(eq(schema.installations.id, installationId));
  return row;
}

/** Back to "settings not complete yet", with these tabs saved. */
async function connecting(settings: Record<string, unknown>) {
  await world.db.update(schema.installations).set({ status: "connecting", settings }).where(eq(schema.installations.id, installationId));
  sent.length = 0;
}

const tabOf = (id: string) => connector().settings.tabs.find((t) => t.id === id)!;

/** A tab's values as the browser posts them (mapping rows `<field>.<row>`, repeated multiselects, toggles "on"). */
function formOf(tab: SettingsTab, values: Record<string, unknown>): FormData {
  const form = new FormData();
  for (const field of tab.fields) {
    const v = values[field.name];
    if (field.kind === "mapping") for (const [row, x] of Object.entries((v ?? {}) as Record<string, string>)) form.append(`${field.name}.${row}`, x ?? "");
    else if (field.kind === "multiselect") for (const x of (v ?? []) as string[]) form.append(field.name, x);
    else if (field.kind === "toggle") v && form.append(field.name, "on");
    else form.append(field.name, v == null ? "" : String(v));
  }
  return form;
}

/** What the settings page shows for a tab: its options, and the saved values or the suggestion. */
async function renderTab(tabId: string) {
  const options = await settingsOptions(world.db, SANDBOX_TENANT, connector());
  const saved = ((await installation()).settings as Record<string, Record<string, unknown>>)[tabId];
  return { options, values: saved ?? connector().settings.suggest(tabId, options.host, options.lists) };
}

/** What saveSettingsAction does with a posted form. */
async function save(tabId: string, form: FormData) {
  const options = await settingsOptions(world.db, SANDBOX_TENANT, connector());
  return saveSettingsTab(world.db, { tenantId: SANDBOX_TENANT, connector: connector(), tabId, input: formToObject(tabOf(tabId), form), options: options.lists, send });
}

describe("a required mapping", () => {
  it("refuses a BTW-groep left on Kies…: an error on its row, the groups named above the form, nothing saved", async () => {
    await connecting({});
    const { values } = await renderTab("vatGroups");
    const mapping = { ...(values.vatMapping as Record<string, string>), [CRM.vatGroup.NL9]: "", [CRM.vatGroup.NL0]: "" };
    const result = await save("vatGroups", formOf(tabOf("vatGroups"), { vatMapping: mapping }));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.fieldErrors).toEqual({
      [`vatMapping.${CRM.vatGroup.NL9}`]: "settings.errors.rowUnmapped",
      [`vatMapping.${CRM.vatGroup.NL0}`]: "settings.errors.rowUnmapped",
    });
    expect(result.message?.key).toBe("settings.errors.unmappedRows");
    expect(String(result.message?.params?.rows).split(", ").sort()).toEqual(["NL - 0%", "NL - 9%"]);
    expect(result.message?.params?.count).toBe(2);
    expect((await installation()).settings).toEqual({});
    expect(sent).toEqual([]);
  });

  it("settings whose VAT tab misses a group are not complete: the other tabs save, the import does not start, and the tab is named", async () => {
    const { options } = await renderTab("vatGroups");
    const full: Record<string, Record<string, unknown>> = {};
    for (const tab of connector().settings.tabs) full[tab.id] = connector().settings.suggest(tab.id, options.host, options.lists);
    const { [CRM.vatGroup.NL9]: _nl9, ...withoutNl9 } = full.vatGroups.vatMapping as Record<string, string>;
    // saved like this before required mappings were checked (or the group was added in the CRM since)
    const allButSepa: Record<string, unknown> = { ...full, vatGroups: { vatMapping: withoutNl9 } };
    delete allButSepa.sepa;
    await connecting(allButSepa);

    const result = await save("sepa", formOf(tabOf("sepa"), { sepaEnabled: true }));
    expect(result).toMatchObject({ ok: true, complete: false, importStarted: false, status: "connecting" });
    const row = await installation();
    expect(connector().settings.isComplete(row.settings), "the connector's own check cannot see the CRM's groups").toBe(true);
    expect(settingsComplete(connector(), row.settings, options.lists)).toBe(false);
    expect(await pendingSettingsTabs(world.db, { tenantId: SANDBOX_TENANT, connector: connector() })).toEqual(["vatGroups"]);
    expect(sent).toEqual([]);

    // mapping the last group completes the settings, and the import starts
    const done = await save("vatGroups", formOf(tabOf("vatGroups"), { vatMapping: full.vatGroups.vatMapping }));
    expect(done).toMatchObject({ ok: true, complete: true, importStarted: true, status: "importing" });
    expect(sent.map((e) => e.name)).toEqual(["ledgerlink/installation.activated"]);
    expect((await installation()).status).toBe("importing");
    expect(await pendingSettingsTabs(world.db, { tenantId: SANDBOX_TENANT, connector: connector() })).toEqual([]);
  });

  it("a non-required mapping may leave rows on the default", async () => {
    const { values } = await renderTab("ledgers");
    const result = await save("ledgers", formOf(tabOf("ledgers"), { ...values, ledgerByProductGroup: { [CRM.productGroup.services]: "" } }));
    expect(result).toMatchObject({ ok: true, saved: { defaultLedgerId: values.defaultLedgerId, ledgerByProductGroup: {} } });
  });
});

describe("a save answers with the tab as it was saved", () => {
  it("the Debiteuren rows come back without the empty and the repeated row", async () => {
    const result = await save("debtors", formOf(tabOf("debtors"), { exportRelationTypes: ["Customer", "Partner", "", "Customer"] }));
    expect(result).toMatchObject({ ok: true, saved: { exportRelationTypes: ["Customer", "Partner"] } });
    expect(((await installation()).settings as { debtors: unknown }).debtors).toEqual({ exportRelationTypes: ["Customer", "Partner"] });
  });

  it("the sales order template comes back as chosen, and a refused save stores nothing", async () => {
    const { options } = await renderTab("other");
    const sjabloon = options.lists.verkoopordersjablonen[0].value;
    const refused = await save("other", formOf(tabOf("other"), { mode: "salesOrders", verkoopordersjabloonId: "" }));
    expect(refused).toMatchObject({ ok: false, fieldErrors: { verkoopordersjabloonId: "settings.errors.templateRequired" } });
    expect(translate("nl", "settings.errors.templateRequired")).toContain("verkoopordersjabloon");
    const saved = await save("other", formOf(tabOf("other"), { mode: "salesOrders", verkoopordersjabloonId: sjabloon }));
    expect(saved).toMatchObject({ ok: true, saved: { mode: "salesOrders", verkoopordersjabloonId: sjabloon } });
  });
});

describe("SnelStart's lists for the settings screens", () => {
  const listReads = async () => {
    const byRoute = (await sim.stats()).byRoute;
    const reads = (name: string) => Object.entries(byRoute).filter(([r]) => r.startsWith("GET /v2/") && r.endsWith(`/${name}`)).reduce((n, [, c]) => n + c, 0);
    return { grootboeken: reads("grootboeken"), btwtarieven: reads("btwtarieven"), verkoopordersjablonen: reads("verkoopordersjablonen") };
  };

  it("walking every tab (each shown, then saved) reads each list once", async () => {
    await connecting({});
    forgetRemoteOptions(installationId);
    await sim.resetStats();
    for (const tab of connector().settings.tabs) {
      const { values } = await renderTab(tab.id);
      const result = await save(tab.id, formOf(tab, values));
      expect(result, tab.id).toMatchObject({ ok: true });
      // and back to the tab, as the page re-renders after a save
      await renderTab(tab.id);
    }
    expect((await installation()).status).toBe("importing");
    expect(await listReads()).toEqual({ grootboeken: 1, btwtarieven: 1, verkoopordersjablonen: 1 });
  });

  it("are read again after connecting again, once for screens opened together", async () => {
    await sim.resetStats();
    const outcome = await connectInstallation(world.db, { tenantId: SANDBOX_TENANT, connector: connector(), input: { ...KORENSCHOOF }, send });
    expect(outcome).toMatchObject({ ok: true });
    await Promise.all([renderTab("vatGroups"), renderTab("ledgers"), renderTab("other")]);
    expect(await listReads()).toEqual({ grootboeken: 1, btwtarieven: 1, verkoopordersjablonen: 1 });
  });
});
