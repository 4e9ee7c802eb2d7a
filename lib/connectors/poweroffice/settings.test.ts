import { describe, expect, it } from "vitest";
import type { HostOptions, Option } from "@/lib/sync/types";
import { missingRequired } from "@/lib/installations/settings";
import {
  SETTINGS_ERRORS,
  effectiveParts,
  generalTab,
  isPowerOfficeSettingsComplete,
  ledgerAccountOptions,
  ledgerTab,
  powerOfficeOptions,
  powerOfficeSettings,
  powerOfficeSettingsSchema,
  powerOfficeSettingsTabs,
  suggestPowerOfficeSettings,
  suggestUnitCode,
  unitCodeOptions,
  unitsTab,
  vatCodeOptions,
  vatGroupsTab,
  UNIT_CODES,
} from "./settings";
import nl from "./messages/nl.json";
import fr from "./messages/fr.json";
import en from "./messages/en.json";

const messagesOf = (r: { success: boolean; error?: { issues: Array<{ path: PropertyKey[]; message: string }> } }) =>
  (r.error?.issues ?? []).map((i) => [i.path.map(String).join("."), i.message]);

const saved = {
  general: { syncRelations: true, syncContactPersons: false, syncProducts: true, syncInvoices: true, syncPayments: true, salesOrderStatus: "Confirmed" },
  ledger: { defaultLedgerAccountId: "101" },
  units: { unitMapping: { Stuk: "EA", Uur: "hur" } },
  vatGroups: { vatMapping: { "vat-no25": "3", "vat-no15": "31" } },
};

// the seed's VAT codes (sandbox/vendors/poweroffice/seed.json)
const vatCodes = [
  { Id: 1, Code: "0", Name: "Ingen mva-behandling (anskaffelser)", Rate: 0, ValidFrom: "2017-01-01", ValidTo: null, IsActive: true },
  { Id: 2, Code: "1", Name: "Fradrag for inngående mva, alminnelig sats", Rate: 0.25, ValidFrom: "2017-01-01", IsActive: true },
  { Id: 4, Code: "13", Name: "Fradrag for inngående mva, redusert sats", Rate: 0.12, ValidFrom: "2017-01-01", IsActive: true },
  { Id: 5, Code: "3", Name: "Utgående mva, alminnelig sats", Rate: 0.25, ValidFrom: "2017-01-01", IsActive: true },
  { Id: 6, Code: "31", Name: "Utgående mva, redusert sats, middels", Rate: 0.15, ValidFrom: "2017-01-01", IsActive: true },
  { Id: 7, Code: "33", Name: "Utgående mva, redusert sats, lav", Rate: 0.12, ValidFrom: "2017-01-01", IsActive: true },
  { Id: 8, Code: "5", Name: "Innenlands omsetning fritatt for mva (nullsats)", Rate: 0, ValidFrom: "2017-01-01", IsActive: true },
  { Id: 9, Code: "6", Name: "Omsetning utenfor merverdiavgiftsloven", Rate: 0, ValidFrom: "2017-01-01", IsActive: true },
  { Id: 10, Code: "52", Name: "Utførsel av varer og tjenester, fritatt for mva", Rate: 0, ValidFrom: "2017-01-01", IsActive: true },
  { Id: 11, Code: "C3", Name: "Utgående mva (egendefinert, utløpt)", Rate: 0.25, ValidFrom: "2017-01-01", ValidTo: "2020-12-31", IsActive: true },
];
const accounts = [
  { Id: 105, AccountNo: 1500, Name: "Kundefordringer", VatCode: "0", IsActive: true },
  { Id: 102, AccountNo: 3010, Name: "Salgsinntekt, avgiftspliktig, middels sats", VatCode: "31", IsActive: true },
  { Id: 101, AccountNo: 3000, Name: "Salgsinntekt, avgiftspliktig", VatCode: "3", IsActive: true },
  { Id: 104, AccountNo: 3099, Name: "Salgsinntekt (gammel, ikke i bruk)", VatCode: "3", IsActive: false },
  { Id: 106, AccountNo: 8050, Name: "Annen renteinntekt", VatCode: "0", IsActive: true, GeneralLedgerAccountType: "Income" as const },
];
const options = powerOfficeOptions({ vatCodes, ledgerAccounts: accounts }, { today: "2026-04-01" });

const host = (over: Partial<HostOptions & { units: Option[] }> = {}): HostOptions & { units: Option[] } => ({
  vatGroups: [
    { value: "vat-nl21", label: "NL - 21%", percentage: 21, country: "NL" },
    { value: "vat-nl0", label: "NL - 0%", percentage: 0, country: "NL" },
    { value: "vat-no25", label: "NO - 25%", percentage: 25, country: "NO" },
    { value: "vat-no15", label: "NO - 15%", percentage: 15, country: "NO" },
    { value: "vat-12", label: "12%", percentage: 12, country: null },
    { value: "vat-no0", label: "NO - 0%", percentage: 0, country: "NO" },
  ],
  productGroups: [],
  relationTypes: [],
  addressTypes: [],
  ledgerAccounts: [],
  ownCountry: "NO",
  units: [
    { value: "Stuk", label: "Stuk", hint: "PCS" },
    { value: "Uur", label: "Uur", hint: "HOUR" },
    { value: "Dag", label: "Dag", hint: "DAY" },
    { value: "Maand", label: "Maand", hint: "MONTH" },
    { value: "Kilogram", label: "Kilogram", hint: "KG" },
    { value: "Licentie", label: "Licentie" },
  ],
  ...over,
});

describe("settings schema", () => {
  it("accepts good input per tab and as a whole, normalising unit codes", () => {
    const s = powerOfficeSettingsSchema.parse(saved);
    expect(s).toEqual({
      syncRelations: true,
      syncContactPersons: false,
      syncProducts: true,
      syncInvoices: true,
      syncPayments: true,
      salesOrderStatus: "Confirmed",
      defaultLedgerAccountId: "101",
      unitMapping: { Stuk: "EA", Uur: "HUR" },
      vatMapping: { "vat-no25": "3", "vat-no15": "31" },
    });
    expect(isPowerOfficeSettingsComplete(saved)).toBe(true);
    expect(ledgerTab.parse({ defaultLedgerAccountId: 101 }).defaultLedgerAccountId).toBe("101");
    expect(generalTab.parse({})).toMatchObject({ syncRelations: true, syncPayments: true, salesOrderStatus: "Draft" });
  });

  it("rejects bad input with the field named", () => {
    expect(messagesOf(ledgerTab.safeParse({}))).toEqual([["defaultLedgerAccountId", SETTINGS_ERRORS.required]]);
    expect(messagesOf(ledgerTab.safeParse({ defaultLedgerAccountId: "3000 Salg" }))).toEqual([["defaultLedgerAccountId", SETTINGS_ERRORS.invalid]]);
    expect(messagesOf(generalTab.safeParse({ salesOrderStatus: "Sent", syncProducts: "yes" }))).toEqual([
      ["syncProducts", SETTINGS_ERRORS.invalid],
      ["salesOrderStatus", SETTINGS_ERRORS.invalid],
    ]);
    expect(messagesOf(unitsTab.safeParse({ unitMapping: { Stuk: "PCS", Uur: "" } }))).toEqual([
      ["unitMapping.Stuk", SETTINGS_ERRORS.invalid],
      ["unitMapping.Uur", SETTINGS_ERRORS.rowUnmapped],
    ]);
    expect(messagesOf(vatGroupsTab.safeParse({ vatMapping: { "vat-no25": null, "vat-no15": "3 %" } }))).toEqual([
      ["vatMapping.vat-no25", SETTINGS_ERRORS.rowUnmapped],
      ["vatMapping.vat-no15", SETTINGS_ERRORS.invalid],
    ]);
  });

  it("is incomplete until every tab is saved", () => {
    expect(isPowerOfficeSettingsComplete({ ...saved, units: undefined })).toBe(false);
    expect(isPowerOfficeSettingsComplete({ ...saved, ledger: {} })).toBe(false);
    expect(powerOfficeSettings.safeParse({}).success).toBe(false);
  });

  it("a CRM unit or VAT group left unmapped keeps its required mapping incomplete, named by row", () => {
    const unitsTabDecl = powerOfficeSettingsTabs.find((t) => t.id === "units")!;
    const lists = { units: host().units, unitCodes: unitCodeOptions() };
    // the engine's own check of required mapping rows (its SettingsField gains the "units" rows)
    const missing = missingRequired(unitsTab.parse(saved.units), unitsTabDecl as never, lists);
    expect(missing.unmappedRows).toEqual(["Dag", "Maand", "Kilogram", "Licentie"]);
    expect(missing.fieldErrors["unitMapping.Dag"]).toBe(SETTINGS_ERRORS.rowUnmapped);
  });

  it("says what runs: contact persons ride on relations, payments on invoices", () => {
    const s = powerOfficeSettings.parse({ ...saved.general, ...saved.ledger, syncRelations: false, syncContactPersons: true, syncInvoices: false, syncPayments: true });
    expect(effectiveParts(s)).toEqual({ relations: false, contactPersons: false, products: true, invoices: false, payments: false });
  });
});

describe("tab declarations", () => {
  it("are the seed's four tabs with message keys that exist in every language", () => {
    expect(powerOfficeSettingsTabs.map((t) => t.id)).toEqual(["general", "ledger", "units", "vatGroups"]);
    const lookup = (catalogue: unknown, key: string) => key.split(".").reduce<unknown>((n, k) => (n as Record<string, unknown> | undefined)?.[k], catalogue);
    for (const catalogue of [nl, fr, en]) {
      for (const tab of powerOfficeSettingsTabs) {
        for (const key of [tab.label, tab.help!, ...tab.fields.map((f) => f.label)]) expect(typeof lookup(catalogue, key), key).toBe("string");
      }
      for (const o of options.salesOrderStatuses) expect(typeof lookup(catalogue, o.label), o.label).toBe("string");
    }
    expect(nl.tabs).toEqual({ general: "Algemene instellingen", ledger: "Grootboekrekening", units: "Units", vatGroups: "BTW-groepen" });
    expect(powerOfficeSettingsTabs.find((t) => t.id === "units")!.fields[0]).toMatchObject({ kind: "mapping", rows: "units", options: "unitCodes", required: true });
  });

  it("the three catalogues have the same keys, and every unit code a label", () => {
    const keys = (o: object, p = ""): string[] =>
      Object.entries(o).flatMap(([k, v]) => (v && typeof v === "object" ? keys(v, `${p}${k}.`) : [`${p}${k}`]));
    expect(keys(fr).sort()).toEqual(keys(nl).sort());
    expect(keys(en).sort()).toEqual(keys(nl).sort());
    expect(Object.keys(nl.unitCodes).sort()).toEqual([...UNIT_CODES].sort());
    for (const key of ["unmappedVatGroup", "unmappedUnit", "missingPrivilege", "validation", "auth", "forbidden", "notFound", "conflict", "rateLimited", "server", "network"]) {
      expect(nl.log).toHaveProperty(key);
    }
    expect(nl.log.unmappedVatGroup).toContain("{vatGroup}");
    expect(nl.log.unmappedUnit).toContain("{unit}");
    expect(nl.log.missingPrivilege).toContain("{privilege}");
  });
});

describe("options from PowerOffice's lists", () => {
  it("VAT codes: active and valid today, sales codes first, hint = rate in percent", () => {
    const list = vatCodeOptions(vatCodes, "2026-04-01");
    expect(list.map((o) => o.value)).toEqual(["3", "31", "33", "5", "6", "52", "0", "1", "13"]);
    expect(list[0]).toEqual({ value: "3", label: "3 Utgående mva, alminnelig sats (25 %)", hint: "25" });
    expect(list.find((o) => o.value === "31")?.hint).toBe("15");
  });

  it("ledger accounts: active sales accounts by number, value = Id, hint = AccountNo", () => {
    expect(ledgerAccountOptions(accounts)).toEqual([
      { value: "101", label: "3000 Salgsinntekt, avgiftspliktig (btw-code 3)", hint: "3000" },
      { value: "102", label: "3010 Salgsinntekt, avgiftspliktig, middels sats (btw-code 31)", hint: "3010" },
      { value: "106", label: "8050 Annen renteinntekt (btw-code 0)", hint: "8050" },
    ]);
    expect(ledgerAccountOptions(accounts, "en")[0].label).toBe("3000 Salgsinntekt, avgiftspliktig (VAT code 3)");
  });

  it("unit codes: the spec's list, labelled per language", () => {
    expect(unitCodeOptions().find((o) => o.value === "EA")).toEqual({ value: "EA", label: "EA – stuk" });
    expect(unitCodeOptions("fr").find((o) => o.value === "HUR")?.label).toBe("HUR – heure");
    expect(unitCodeOptions("en")).toHaveLength(UNIT_CODES.length);
    expect(Object.keys(options)).toEqual(["vatCodes", "ledgerAccounts", "unitCodes", "salesOrderStatuses"]);
  });
});

describe("suggestions", () => {
  it("general: everything on, invoices as drafts", () => {
    expect(suggestPowerOfficeSettings("general", host(), options)).toEqual({
      syncRelations: true,
      syncContactPersons: true,
      syncProducts: true,
      syncInvoices: true,
      syncPayments: true,
      salesOrderStatus: "Draft",
    });
  });

  it("ledger: the first active sales account, 3000", () => {
    expect(suggestPowerOfficeSettings("ledger", host(), options)).toEqual({ defaultLedgerAccountId: "101" });
    expect(suggestPowerOfficeSettings("ledger", host(), { ledgerAccounts: [] })).toEqual({});
  });

  it("VAT groups by rate for the own country (Norway): 25 → 3, 15 → 31, 12 → 33, 0 → 5; abroad 0 → 52, else left open", () => {
    expect(suggestPowerOfficeSettings("vatGroups", host(), options)).toEqual({
      vatMapping: { "vat-no25": "3", "vat-no15": "31", "vat-12": "33", "vat-no0": "5", "vat-nl0": "52" },
    });
  });

  it("VAT groups by the own organisation's country: a Dutch organisation's NL groups are domestic", () => {
    const s = suggestPowerOfficeSettings("vatGroups", host({ ownCountry: "NL" }), options);
    // no 21 % code in PowerOffice: left for the user; NL 0 % is domestic; the NO groups are abroad
    expect(s).toEqual({ vatMapping: { "vat-nl0": "5", "vat-12": "33", "vat-no0": "52" } });
    // no own country known: every group is matched by rate
    expect(suggestPowerOfficeSettings("vatGroups", host({ ownCountry: null }), options)).toEqual({
      vatMapping: { "vat-nl0": "5", "vat-no25": "3", "vat-no15": "31", "vat-12": "33", "vat-no0": "5" },
    });
  });

  it("units by name or code (UN/ECE)", () => {
    expect(suggestPowerOfficeSettings("units", host(), options)).toEqual({
      unitMapping: { Stuk: "EA", Uur: "HUR", Dag: "DAY", Maand: "MON", Kilogram: "KGM" },
    });
    expect(suggestPowerOfficeSettings("units", host({ units: undefined }), options)).toEqual({ unitMapping: {} });
  });

  it.each([
    ["stuk", "EA"],
    ["pcs", "EA"],
    ["st", "EA"],
    ["uur", "HUR"],
    ["hour", "HUR"],
    ["dag", "DAY"],
    ["kg", "KGM"],
    ["liter", "LTR"],
    ["meter", "MTR"],
    ["maand", "MON"],
    ["m²", "MTK"],
    ["KWH", "KWH"],
    ["Licentie", undefined],
  ])("unit %j → %j", (name, code) => {
    expect(suggestUnitCode({ value: `id-${name}`, label: name })).toBe(code);
  });
});
