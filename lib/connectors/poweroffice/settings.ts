/**
 * The PowerOffice settings tabs (seed 001, "Hoe activeer ik de integratie?", steps 5–8) as zod
 * schemas, their field declarations, the options lists built from Go's answers, and the values
 * proposed for a tab the user has not saved yet.
 *
 * Error messages are message KEYS (lib/i18n `settings.errors.*`, the only prefix the save action
 * passes through), never prose. Field names are unique across tabs, so the saved tabs merged are
 * one flat object the mapping reads as it is (`vatMapping`, `unitMapping`, `salesOrderStatus`,
 * `defaultLedgerAccountId`).
 *
 * Decisions:
 * - Units: every CRM unit must be mapped (`required: true`). A unit left unmapped is named on the
 *   form when the tab is saved ("settings.errors.rowUnmapped", and the engine's list of unmapped
 *   rows above the form) and keeps the tab incomplete; a unit the CRM adds later makes the tab
 *   incomplete again, and a product or invoice line with it is refused with `log.unmappedUnit`
 *   rather than sent without a unit.
 * - VAT groups: every CRM VAT group must be mapped, the same way. Foreign groups with a rate Go has
 *   no code for are left for the user rather than guessed.
 * - General: contact persons ride on relations and payments on invoices the integration booked;
 *   `effectiveParts` says what actually runs when one is on without the other.
 */
import { z } from "zod";
import type { HostOptions, Option, SettingsField, SettingsTab } from "@/lib/sync/types";
import type { GeneralLedgerAccountDto, UnitOfMeasureCode, VatCodeDto, Wire } from "./mapping";
import { isSalesAccount } from "./mapping";
import nl from "./messages/nl.json";
import fr from "./messages/fr.json";
import en from "./messages/en.json";

export const SETTINGS_ERRORS = {
  required: "settings.errors.required",
  invalid: "settings.errors.invalid",
  rowUnmapped: "settings.errors.rowUnmapped",
} as const;
const E = SETTINGS_ERRORS;

const missing = (input: unknown) => input === undefined || input === null || input === "";

/** Every UN/ECE unit code Go accepts (UnitOfMeasureType in the spec), in the spec's order. */
export const UNIT_CODES = [
  "BX", "MTR", "KMT", "KGM", "EA", "LTR", "HUR", "DAY", "MTK", "MTQ", "TNE", "MON", "ANN", "QAN", "NL", "XRO", "XBA", "XPL", "XPC", "PR",
  "XCI", "XBG", "SET", "XTY", "XOF", "FTK", "KWH", "MWH", "LBR", "CMT", "DMT", "LM", "XPK", "GRM", "HGM", "XFL", "XBE", "E54", "MMT", "DAA",
  "H18", "MLT", "HLT", "DLT", "AK", "XCR", "E14", "MJ", "J57", "XJG", "XCT", "XSA", "XTU", "WEE", "XCA", "XCN", "NAR", "M4", "XVQ", "P1",
  "MFU", "KMK", "LM3", "FOT", "FM3", "E34", "E35",
] as const satisfies readonly UnitOfMeasureCode[];
// the list above names every code of the spec: a code added to api.d.ts fails here
const _everyUnitCode: Exclude<UnitOfMeasureCode, (typeof UNIT_CODES)[number]> extends never ? true : never = true;
void _everyUnitCode;

export const SALES_ORDER_STATUSES = ["Draft", "Confirmed"] as const;

// ------------------------------------------------------------------ tabs

/** Step 5, "Algemene instellingen": what is synced, and the status booked invoices get in Go. */
const generalShape = {
  syncRelations: z.boolean({ error: E.invalid }).default(true),
  syncContactPersons: z.boolean({ error: E.invalid }).default(true),
  syncProducts: z.boolean({ error: E.invalid }).default(true),
  syncInvoices: z.boolean({ error: E.invalid }).default(true),
  syncPayments: z.boolean({ error: E.invalid }).default(true),
  /** "(concept)factuur … afhankelijk van de instellingen": Draft = a draft in Go, Confirmed = ready to send */
  salesOrderStatus: z.enum(SALES_ORDER_STATUSES, { error: E.invalid }).default("Draft"),
};
export const generalTab = z.object(generalShape);

/** Step 6, "Grootboekrekening": the Go account (Id) of products without a better sales account. */
const ledgerShape = {
  defaultLedgerAccountId: z.preprocess(
    (v) => (typeof v === "number" ? String(v) : typeof v === "string" ? v.trim() : v),
    z
      .string({ error: (iss) => (missing(iss.input) ? E.required : E.invalid) })
      .min(1, { error: E.required })
      .regex(/^[1-9]\d{0,18}$/, { error: E.invalid }),
  ),
};
export const ledgerTab = z.object(ledgerShape);

/** Step 7, "Units": CRM unit (what Product.unit holds) → Go UnitOfMeasureCode. */
const unitCode = z.preprocess(
  (v) => (typeof v === "string" ? v.trim().toUpperCase() : v),
  z.enum(UNIT_CODES, { error: (iss) => (missing(iss.input) ? E.rowUnmapped : E.invalid) }),
);
const unitsShape = {
  unitMapping: z.record(z.string().trim().min(1), unitCode, { error: E.invalid }).default({}),
};
export const unitsTab = z.object(unitsShape);

/** Step 8, "BTW-groepen": CRM VAT group id → Go VAT code (SAF-T "3", "31" …, custom "C…"). */
const vatCode = z
  .string({ error: (iss) => (missing(iss.input) ? E.rowUnmapped : E.invalid) })
  .trim()
  .min(1, { error: E.rowUnmapped })
  .max(20, { error: E.invalid })
  .regex(/^[A-Za-z0-9]+$/, { error: E.invalid });
const vatGroupsShape = {
  vatMapping: z.record(z.string().trim().min(1), vatCode, { error: E.invalid }).default({}),
};
export const vatGroupsTab = z.object(vatGroupsShape);

export const settingsTabs = { general: generalTab, ledger: ledgerTab, units: unitsTab, vatGroups: vatGroupsTab } as const;
export type SettingsTabId = keyof typeof settingsTabs;
export const tabIds = Object.keys(settingsTabs) as SettingsTabId[];

/** All tabs, merged. */
export const powerOfficeSettings = z.object({ ...generalShape, ...ledgerShape, ...unitsShape, ...vatGroupsShape });
export type PowerOfficeSettings = z.infer<typeof powerOfficeSettings>;
export type PowerOfficeSettingsInput = z.input<typeof powerOfficeSettings>;

/** Settings are saved per tab ({ general: {…}, ledger: {…} }); the mapping reads them as one flat object. */
export function flattenSettings(settings: unknown): Record<string, unknown> {
  const s = (settings ?? {}) as Record<string, Record<string, unknown> | undefined>;
  return Object.assign({}, ...tabIds.map((t) => s[t] ?? {}));
}

/** The saved tabs → the flat settings (for `Connector.settings.schema`). */
export const powerOfficeSettingsSchema = z.preprocess(flattenSettings, powerOfficeSettings) as unknown as z.ZodType<PowerOfficeSettings>;

/** Every tab saved and valid together (the required rows are the engine's check, against the live lists). */
export function isPowerOfficeSettingsComplete(settings: unknown): boolean {
  const s = (settings ?? {}) as Record<string, unknown>;
  return tabIds.every((t) => s[t] != null) && powerOfficeSettings.safeParse(flattenSettings(settings)).success;
}

/** What runs: contact persons only with relations, payments only with invoices. */
export function effectiveParts(s: Pick<PowerOfficeSettings, "syncRelations" | "syncContactPersons" | "syncProducts" | "syncInvoices" | "syncPayments">) {
  return {
    relations: s.syncRelations,
    contactPersons: s.syncRelations && s.syncContactPersons,
    products: s.syncProducts,
    invoices: s.syncInvoices,
    payments: s.syncInvoices && s.syncPayments,
  };
}

// ------------------------------------------------------------------ field declarations

/**
 * The Units mapping's rows are the CRM's units (`HostOptions.units`), a row kind the engine's
 * SettingsField is to gain. Until then this type adds it; with it, PowerOfficeSettingsTab is
 * SettingsTab.
 */
export type UnitsMappingField = Omit<Extract<SettingsField, { kind: "mapping" }>, "rows"> & { rows: "units" };
export type PowerOfficeSettingsField = SettingsField | UnitsMappingField;
export type PowerOfficeSettingsTab = Omit<SettingsTab, "fields"> & { fields: PowerOfficeSettingsField[] };

/** Option list names the fields use (remoteOptions answers them; vatGroups and units are the CRM's). */
export const OPTION_LISTS = { vatCodes: "vatCodes", ledgerAccounts: "ledgerAccounts", unitCodes: "unitCodes", salesOrderStatuses: "salesOrderStatuses" } as const;

export const powerOfficeSettingsTabs: PowerOfficeSettingsTab[] = [
  {
    id: "general",
    label: "tabs.general",
    help: "help.general",
    schema: generalTab,
    fields: [
      { kind: "toggle", name: "syncRelations", label: "labels.syncRelations" },
      { kind: "toggle", name: "syncContactPersons", label: "labels.syncContactPersons" },
      { kind: "toggle", name: "syncProducts", label: "labels.syncProducts" },
      { kind: "toggle", name: "syncInvoices", label: "labels.syncInvoices" },
      { kind: "toggle", name: "syncPayments", label: "labels.syncPayments" },
      { kind: "radio", name: "salesOrderStatus", label: "labels.salesOrderStatus", options: OPTION_LISTS.salesOrderStatuses },
    ],
  },
  {
    id: "ledger",
    label: "tabs.ledger",
    help: "help.ledger",
    schema: ledgerTab,
    fields: [{ kind: "select", name: "defaultLedgerAccountId", label: "labels.defaultLedgerAccountId", options: OPTION_LISTS.ledgerAccounts, required: true }],
  },
  {
    id: "units",
    label: "tabs.units",
    help: "help.units",
    schema: unitsTab,
    fields: [{ kind: "mapping", name: "unitMapping", label: "labels.unitMapping", rows: "units", options: OPTION_LISTS.unitCodes, required: true }],
  },
  {
    id: "vatGroups",
    label: "tabs.vatGroups",
    help: "help.vatGroups",
    schema: vatGroupsTab,
    fields: [{ kind: "mapping", name: "vatMapping", label: "labels.vatMapping", rows: "vatGroups", options: OPTION_LISTS.vatCodes, required: true }],
  },
];

// ------------------------------------------------------------------ options from Go's lists

type Locale = "nl" | "fr" | "en";
const catalogues = { nl, fr, en } as const;

/** SAF-T codes of sales (output VAT), in the order a suggestion prefers them at an equal rate. */
export const SALES_VAT_CODES = ["3", "31", "33", "32", "5", "6", "52", "51"] as const;
/** Of the 0 % sales codes: domestic zero-rated, and export (sales outside Norway). */
const DOMESTIC_ZERO = "5";
const EXPORT_ZERO = "52";

/** A VAT rate (Go: 0–1) in percent, without float noise: 0.15 → 15. */
export const ratePercent = (rate: number) => Math.round(rate * 10000) / 100;

/**
 * GET /VatCodes → the BTW-groepen options: active codes valid on `today` (yyyy-mm-dd), sales
 * codes first. value: the code (what ledger accounts name), hint: the rate in percent.
 */
export function vatCodeOptions(codes: Wire<VatCodeDto>[], today: string): Option[] {
  const valid = codes.filter(
    (c) => c.IsActive !== false && typeof c.Code === "string" && c.Code.trim() && (!c.ValidFrom || c.ValidFrom <= today) && (!c.ValidTo || c.ValidTo >= today),
  );
  const rank = (code: string) => {
    const i = (SALES_VAT_CODES as readonly string[]).indexOf(code);
    return i === -1 ? SALES_VAT_CODES.length : i;
  };
  return valid
    .map((c) => ({ code: c.Code!.trim(), c }))
    .sort((a, b) => rank(a.code) - rank(b.code))
    .map(({ code, c }) => {
      const rate = typeof c.Rate === "number" ? ratePercent(c.Rate) : null;
      const name = (c.Name ?? c.Description ?? "").trim();
      return { value: code, label: `${code}${name ? ` ${name}` : ""}${rate !== null ? ` (${rate} %)` : ""}`, ...(rate !== null ? { hint: String(rate) } : {}) };
    });
}

/**
 * GET /GeneralLedgerAccounts → the Grootboekrekening options: active sales accounts, by number.
 * value: the account Id (what ProductPostDto.StandardSalesAccountId takes), hint: the number.
 */
export function ledgerAccountOptions(accounts: Wire<GeneralLedgerAccountDto>[], locale: Locale = "nl"): Option[] {
  const vatWord = catalogues[locale].labels.vatCodeShort;
  return accounts
    .filter((a) => a.IsActive !== false && typeof a.Id === "number" && typeof a.AccountNo === "number" && isSalesAccount(a))
    .sort((a, b) => a.AccountNo! - b.AccountNo!)
    .map((a) => {
      const vat = a.VatCode?.trim();
      return { value: String(a.Id), label: `${a.AccountNo} ${(a.Name ?? "").trim()}${vat ? ` (${vatWord} ${vat})` : ""}`.replace(/\s+/g, " ").trim(), hint: String(a.AccountNo) };
    });
}

/** The unit codes Go knows (the spec's list; Go has no endpoint for them), labelled in `locale`. */
export function unitCodeOptions(locale: Locale = "nl"): Option[] {
  const names = catalogues[locale].unitCodes as Record<string, string>;
  return UNIT_CODES.map((code) => ({ value: code, label: names[code] ? `${code} – ${names[code]}` : code }));
}

/** Draft / Confirmed; the labels are message keys the radio translates. */
export function salesOrderStatusOptions(): Option[] {
  return [
    { value: "Draft", label: "labels.statusDraft" },
    { value: "Confirmed", label: "labels.statusConfirmed" },
  ];
}

/** Everything `remoteOptions` answers, from Go's VAT codes and ledger accounts. */
export function powerOfficeOptions(
  lists: { vatCodes: Wire<VatCodeDto>[]; ledgerAccounts: Wire<GeneralLedgerAccountDto>[] },
  opts: { today: string; locale?: Locale },
): Record<string, Option[]> {
  return {
    [OPTION_LISTS.vatCodes]: vatCodeOptions(lists.vatCodes, opts.today),
    [OPTION_LISTS.ledgerAccounts]: ledgerAccountOptions(lists.ledgerAccounts, opts.locale),
    [OPTION_LISTS.unitCodes]: unitCodeOptions(opts.locale),
    [OPTION_LISTS.salesOrderStatuses]: salesOrderStatusOptions(),
  };
}

// ------------------------------------------------------------------ suggestions

/**
 * The VAT code a CRM VAT group most likely maps to: a group of the own organisation's country
 * (or of none) gets the sales code with its rate (25 → 3, 15 → 31, 12 → 33, 0 → 5); a group of
 * another country is a sale abroad: at 0 % the export code 52, otherwise left for the user (Go
 * has no code that charges another country's VAT). Undefined when nothing fits.
 */
export function suggestVatCode(group: HostOptions["vatGroups"][number], ownCountry: string | null, codes: Option[]): string | undefined {
  const has = (code: string) => codes.some((c) => c.value === code);
  const foreign = Boolean(group.country && ownCountry && group.country.toUpperCase() !== ownCountry.toUpperCase());
  if (foreign) return group.percentage === 0 && has(EXPORT_ZERO) ? EXPORT_ZERO : undefined;
  if (group.percentage === 0 && has(DOMESTIC_ZERO)) return DOMESTIC_ZERO;
  const sameRate = (c: Option) => c.hint !== undefined && c.hint !== "" && Math.abs(Number(c.hint) - group.percentage) < 0.001;
  const sales = SALES_VAT_CODES.map((code) => codes.find((c) => c.value === code)).filter((c): c is Option => Boolean(c));
  return sales.find(sameRate)?.value;
}

/** CRM unit names and codes (lower case) → UN/ECE code. */
const UNIT_SYNONYMS: Record<string, UnitOfMeasureCode> = Object.fromEntries(
  (
    [
      ["EA", ["stuk", "stuks", "st", "st.", "stk", "stk.", "stykke", "pcs", "pc", "piece", "pieces", "pièce", "pièces", "ea", "each", "unit", "units", "unité", "eenheid"]],
      ["HUR", ["uur", "uren", "u", "hour", "hours", "h", "hr", "hrs", "heure", "heures", "time", "timer"]],
      ["DAY", ["dag", "dagen", "day", "days", "d", "jour", "jours", "døgn"]],
      ["WEE", ["week", "weken", "wk", "weeks", "semaine", "semaines", "uke", "uker"]],
      ["MON", ["maand", "maanden", "mnd", "mnd.", "month", "months", "mois", "måned", "måneder", "mth"]],
      ["QAN", ["kwartaal", "kwartalen", "quarter", "quarters", "trimestre", "kvartal"]],
      ["ANN", ["jaar", "jaren", "year", "years", "yr", "an", "ans", "année", "années", "år"]],
      ["KGM", ["kg", "kilo", "kilogram", "kilogramme", "kilos", "kgs"]],
      ["GRM", ["g", "gr", "gram", "gramme", "grammes"]],
      ["TNE", ["ton", "tonne", "tonnes", "tonn"]],
      ["LTR", ["l", "ltr", "liter", "liters", "litre", "litres"]],
      ["MLT", ["ml", "milliliter", "millilitre"]],
      ["MTR", ["m", "mtr", "meter", "meters", "metre", "mètre", "mètres"]],
      ["KMT", ["km", "kilometer", "kilometre", "kilomètre"]],
      ["CMT", ["cm", "centimeter", "centimètre"]],
      ["MMT", ["mm", "millimeter", "millimètre"]],
      ["MTK", ["m2", "m²", "vierkante meter", "square metre", "square meter", "mètre carré", "kvm", "kvadratmeter"]],
      ["MTQ", ["m3", "m³", "kubieke meter", "cubic metre", "cubic meter", "mètre cube", "kubikkmeter"]],
      ["KWH", ["kwh", "kilowattuur", "kilowatt hour", "kilowattime"]],
      ["SET", ["set", "sets", "ensemble", "sett"]],
      ["PR", ["paar", "pair", "pairs", "paire", "paires", "par"]],
      ["BX", ["doos", "dozen", "box", "boxes", "boîte", "boîtes", "eske"]],
      ["XPK", ["pak", "pakket", "pakketten", "package", "packages", "pack", "paquet", "pakke", "pk"]],
      ["XBG", ["zak", "zakken", "bag", "bags", "sac", "sacs", "pose"]],
      ["XRO", ["rol", "rollen", "roll", "rolls", "rouleau", "rouleaux", "rull"]],
      ["XOF", ["pallet", "pallets", "palette", "palettes", "pall"]],
      ["XCT", ["karton", "carton", "cartons", "kartong"]],
      ["XCR", ["krat", "kratten", "crate", "crates", "caisse", "kasse"]],
      ["XFL", ["fles", "flessen", "bottle", "flask", "flacon", "bouteille", "flaske"]],
      ["E54", ["rit", "ritten", "trip", "trips", "trajet", "tur"]],
      ["E34", ["gb", "gigabyte"]],
      ["E35", ["tb", "terabyte"]],
      ["P1", ["%", "procent", "percent", "pourcent", "pour cent", "prosent"]],
    ] as Array<[UnitOfMeasureCode, string[]]>
  ).flatMap(([code, words]) => words.map((w) => [w, code])),
);

/** The UN/ECE code a CRM unit most likely is, from its value, label or hint (e.g. "Stuk"/"PCS" → EA). */
export function suggestUnitCode(unit: Option): UnitOfMeasureCode | undefined {
  for (const text of [unit.value, unit.label, unit.hint]) {
    const key = text?.trim().toLowerCase();
    if (!key) continue;
    if (UNIT_SYNONYMS[key]) return UNIT_SYNONYMS[key];
    const upper = key.toUpperCase();
    if ((UNIT_CODES as readonly string[]).includes(upper)) return upper as UnitOfMeasureCode;
  }
  return undefined;
}

/**
 * Proposed values for a tab the user has not saved yet, from both sides' options:
 * general — everything on, invoices as drafts; ledger — the first active sales account (3000
 * when there is one); units — by name/code; vatGroups — by rate and the own organisation's
 * country. A row nothing fits is left out, so the form shows it as still to choose.
 */
export function suggestPowerOfficeSettings(tabId: string, host: HostOptions & { units?: Option[] }, options: Record<string, Option[]>): Record<string, unknown> {
  switch (tabId) {
    case "general":
      return { syncRelations: true, syncContactPersons: true, syncProducts: true, syncInvoices: true, syncPayments: true, salesOrderStatus: "Draft" };
    case "ledger": {
      const accounts = options[OPTION_LISTS.ledgerAccounts] ?? [];
      const pick = accounts.find((a) => a.hint === "3000") ?? accounts.find((a) => /^3\d{3}$/.test(a.hint ?? "")) ?? accounts[0];
      return pick ? { defaultLedgerAccountId: pick.value } : {};
    }
    case "units": {
      const codes = new Set((options[OPTION_LISTS.unitCodes] ?? unitCodeOptions()).map((o) => o.value));
      const rows = (host.units ?? []).map((u) => [u.value, suggestUnitCode(u)] as const).filter(([, c]) => c && codes.has(c));
      return { unitMapping: Object.fromEntries(rows) };
    }
    case "vatGroups": {
      const codes = options[OPTION_LISTS.vatCodes] ?? [];
      const rows = host.vatGroups.map((g) => [g.value, suggestVatCode(g, host.ownCountry, codes)] as const).filter(([, c]) => c !== undefined);
      return { vatMapping: Object.fromEntries(rows) };
    }
    default:
      return {};
  }
}
