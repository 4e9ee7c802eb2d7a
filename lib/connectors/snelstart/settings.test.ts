import { describe, expect, it } from "vitest";
import { snelStartCredentialsForm, toClientCredentials } from "./credentials";
import {
  SETTINGS_ERRORS,
  isSettingsComplete,
  ledgersTab,
  otherTab,
  settingsIssues,
  snelStartSettings,
  vatGroupsTab,
  debtorsTab,
} from "./settings";

const LEDGER = "8a1f0c1e-0000-4000-8000-000000000001";
const SJABLOON = "5a000000-0000-4000-8000-000000000001";

const complete = {
  vatMapping: { vat21: "Hoog", vat9: "Laag", vat0: "Geen" },
  defaultLedgerId: LEDGER,
  ledgerByProductGroup: { "pg-1": LEDGER, "pg-2": "" },
  exportRelationTypes: ["Customer"],
  vestigingsAdresType: "visit",
  correspondentieAdresType: "postal",
  mode: "invoices",
  sepaEnabled: true,
};

const messagesOf = (r: { success: boolean; error?: { issues: Array<{ path: PropertyKey[]; message: string }> } }) =>
  (r.error?.issues ?? []).map((i) => [i.path.map(String).join("."), i.message]);

describe("settings tabs", () => {
  it("accepts complete settings, drops empty product-group rows and fills defaults", () => {
    const s = snelStartSettings.parse(complete);
    expect(s.ledgerByProductGroup).toEqual({ "pg-1": LEDGER });
    expect(s.verkoopordersjabloonId).toBeNull();
    expect(isSettingsComplete(complete, { hostVatGroupIds: ["vat21", "vat9", "vat0"] })).toBe(true);
    expect(debtorsTab.parse({}).exportRelationTypes).toEqual(["Customer", "Supplier"]);
  });

  it("reports an unmapped VAT group on its row, with a message key", () => {
    expect(messagesOf(vatGroupsTab.safeParse({ vatMapping: { vat21: "Hoog", vat9: null } }))).toEqual([
      ["vatMapping.vat9", SETTINGS_ERRORS.vatGroupUnmapped],
    ]);
    expect(settingsIssues(complete, { hostVatGroupIds: ["vat21", "vat9", "vat0", "vat-new"] })).toEqual([
      { path: "vatMapping.vat-new", message: SETTINGS_ERRORS.vatGroupUnmapped },
    ]);
    expect(isSettingsComplete(complete, { hostVatGroupIds: ["vat-new"] })).toBe(false);
  });

  it("requires a default ledger as a SnelStart id", () => {
    expect(messagesOf(ledgersTab.safeParse({}))).toEqual([["defaultLedgerId", SETTINGS_ERRORS.required]]);
    expect(messagesOf(ledgersTab.safeParse({ defaultLedgerId: "4000" }))).toEqual([["defaultLedgerId", SETTINGS_ERRORS.invalid]]);
  });

  it("requires at least one relation type to export", () => {
    expect(messagesOf(debtorsTab.safeParse({ exportRelationTypes: [] }))).toEqual([["exportRelationTypes", SETTINGS_ERRORS.atLeastOne]]);
  });

  it("requires a template when working with sales orders, on that field", () => {
    expect(messagesOf(otherTab.safeParse({ mode: "salesOrders", verkoopordersjabloonId: "" }))).toEqual([
      ["verkoopordersjabloonId", SETTINGS_ERRORS.templateRequired],
    ]);
    expect(otherTab.parse({ mode: "salesOrders", verkoopordersjabloonId: SJABLOON }).verkoopordersjabloonId).toBe(SJABLOON);
    expect(isSettingsComplete({ ...complete, mode: "salesOrders" })).toBe(false);
    expect(isSettingsComplete({ ...complete, mode: "salesOrders", verkoopordersjabloonId: SJABLOON })).toBe(true);
  });

  it("lists every missing tab field as a message key", () => {
    const issues = settingsIssues({});
    expect(issues).toEqual(
      expect.arrayContaining([
        { path: "defaultLedgerId", message: SETTINGS_ERRORS.required },
        { path: "vestigingsAdresType", message: SETTINGS_ERRORS.required },
        { path: "correspondentieAdresType", message: SETTINGS_ERRORS.required },
      ]),
    );
    expect(issues.every((i) => i.message.startsWith("settings.errors."))).toBe(true);
  });

  it("flags choices that no longer exist on either side", () => {
    expect(settingsIssues(complete, { ledgerIds: [], hostAddressTypeIds: ["visit"] })).toEqual([
      { path: "defaultLedgerId", message: SETTINGS_ERRORS.unknownOption },
      { path: "ledgerByProductGroup.pg-1", message: SETTINGS_ERRORS.unknownOption },
      { path: "correspondentieAdresType", message: SETTINGS_ERRORS.unknownOption },
    ]);
  });
});

describe("credentials form", () => {
  it("accepts username/password and trims what may be trimmed", () => {
    const form = snelStartCredentialsForm.parse({ method: "password", username: "  jan@bedrijf.nl ", password: " geheim ", subscriptionKey: "  " });
    expect(form).toEqual({ method: "password", username: "jan@bedrijf.nl", password: " geheim ", subscriptionKey: undefined });
    expect(toClientCredentials(form, "app-key")).toEqual({
      credentials: { kind: "password", username: "jan@bedrijf.nl", password: " geheim " },
      subscriptionKey: "app-key",
    });
  });

  it("accepts a koppelsleutel with its own subscription key", () => {
    const form = snelStartCredentialsForm.parse({ method: "clientkey", clientKey: " abc123 ", subscriptionKey: " sub " });
    expect(toClientCredentials(form, "app-key")).toEqual({ credentials: { kind: "clientkey", clientKey: "abc123" }, subscriptionKey: "sub" });
  });

  it("refuses blank fields with message keys", () => {
    expect(messagesOf(snelStartCredentialsForm.safeParse({ method: "password", username: " ", password: "   " }))).toEqual([
      ["username", "settings.errors.required"],
      ["password", "settings.errors.required"],
    ]);
    expect(messagesOf(snelStartCredentialsForm.safeParse({ method: "clientkey" }))).toEqual([["clientKey", "settings.errors.required"]]);
    expect(messagesOf(snelStartCredentialsForm.safeParse({}))).toEqual([["method", "settings.errors.required"]]);
    expect(messagesOf(snelStartCredentialsForm.safeParse({ method: "oauth" }))).toEqual([["method", "settings.errors.invalid"]]);
  });
});
