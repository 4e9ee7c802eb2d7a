/**
 * The SnelStart settings tabs (seed 002, "Hoe activeer ik de koppeling", steps 5–10) as zod
 * schemas. Error messages are message KEYS (lib/i18n messages `settings.errors.*`), never
 * prose: the UI translates them into nl/fr/en.
 *
 * Field names are unique across tabs, so the saved settings are one flat object (the tabs
 * merged) and can be handed to the mapping as they are (`invoiceToVerkoopboeking` reads
 * `vatMapping`, `defaultLedgerId`, `ledgerByProductGroup`).
 */
import { z } from "zod";

export const SETTINGS_ERRORS = {
  required: "settings.errors.required",
  invalid: "settings.errors.invalid",
  unknownOption: "settings.errors.unknownOption",
  vatGroupUnmapped: "settings.errors.vatGroupUnmapped",
  atLeastOne: "settings.errors.atLeastOne",
  templateRequired: "settings.errors.templateRequired",
} as const;
const E = SETTINGS_ERRORS;

export const BTW_SOORTEN = ["Geen", "Laag", "Hoog", "Overig"] as const;
/** An unmapped row (null, "", missing) reports vatGroupUnmapped on that row. */
export const btwSoort = z.enum(BTW_SOORTEN, { error: E.vatGroupUnmapped });
export type BtwSoortSetting = z.infer<typeof btwSoort>;

const missing = (input: unknown) => input === undefined || input === null || input === "";
/** A SnelStart id chosen from a list (grootboek, sjabloon): any .NET Guid. */
const remoteId = z.guid({ error: (iss) => (missing(iss.input) ? E.required : E.invalid) });
const hostId = z
  .string({ error: E.required })
  .trim()
  .min(1, { error: E.required });

/** Drops rows the UI left on "choose…" ("" or null) from an id → value record. */
const withoutEmptyRows = (v: unknown) =>
  v && typeof v === "object" && !Array.isArray(v)
    ? Object.fromEntries(Object.entries(v as Record<string, unknown>).filter(([, x]) => !missing(x)))
    : v;

// ------------------------------------------------------------------ tabs

/** Step 5: host VAT group id → SnelStart btw-soort. Every host VAT group must be mapped. */
const vatGroupsShape = {
  vatMapping: z.record(z.string().min(1), btwSoort, { error: E.invalid }).default({}),
};
export const vatGroupsTab = z.object(vatGroupsShape);

/** Step 6: default revenue grootboek, optionally another per host product group. */
const ledgersShape = {
  defaultLedgerId: remoteId,
  ledgerByProductGroup: z
    .preprocess(withoutEmptyRows, z.record(z.string().min(1), remoteId, { error: E.invalid }))
    .default({}),
};
export const ledgersTab = z.object(ledgersShape);

export const DEFAULT_EXPORT_RELATION_TYPES = ["Customer", "Supplier"];

/** Step 7: which host relationship types are exported to SnelStart ("+" adds a row). */
const debtorsShape = {
  exportRelationTypes: z
    .array(hostId, { error: E.invalid })
    .min(1, { error: E.atLeastOne })
    .transform((types) => [...new Set(types)])
    .default(DEFAULT_EXPORT_RELATION_TYPES),
};
export const debtorsTab = z.object(debtorsShape);

/** Step 8: which host address type fills each of SnelStart's two address slots. */
const addressesShape = {
  vestigingsAdresType: hostId,
  correspondentieAdresType: hostId,
};
export const addressesTab = z.object(addressesShape);

/** Step 9 (and "Ik werk met verkooporders"): invoices or sales orders, and the order template. */
const otherShape = {
  mode: z.enum(["invoices", "salesOrders"], { error: E.invalid }).default("invoices"),
  verkoopordersjabloonId: z.preprocess((v) => (missing(v) ? null : v), remoteId.nullable()).default(null),
};
function requireTemplateForSalesOrders(
  v: { mode: "invoices" | "salesOrders"; verkoopordersjabloonId: string | null },
  ctx: z.RefinementCtx,
) {
  if (v.mode === "salesOrders" && !v.verkoopordersjabloonId) {
    ctx.addIssue({ code: "custom", path: ["verkoopordersjabloonId"], message: E.templateRequired });
  }
}
export const otherTab = z.object(otherShape).superRefine(requireTemplateForSalesOrders);

/** Step 10: SnelStart direct debit (SEPA). Mandates are made in SnelStart by hand. */
const sepaShape = {
  sepaEnabled: z.boolean({ error: E.invalid }).default(false),
};
export const sepaTab = z.object(sepaShape);

export const settingsTabs = {
  vatGroups: vatGroupsTab,
  ledgers: ledgersTab,
  debtors: debtorsTab,
  addresses: addressesTab,
  other: otherTab,
  sepa: sepaTab,
} as const;
export type SettingsTabId = keyof typeof settingsTabs;

/** All tabs, merged. */
export const snelStartSettings = z
  .object({ ...vatGroupsShape, ...ledgersShape, ...debtorsShape, ...addressesShape, ...otherShape, ...sepaShape })
  .superRefine(requireTemplateForSalesOrders);
export type SnelStartSettings = z.infer<typeof snelStartSettings>;
export type SnelStartSettingsInput = z.input<typeof snelStartSettings>;

export const snelStartSettingsDefaults = {
  vatMapping: {},
  ledgerByProductGroup: {},
  exportRelationTypes: DEFAULT_EXPORT_RELATION_TYPES,
  mode: "invoices",
  verkoopordersjabloonId: null,
  sepaEnabled: false,
} satisfies Partial<SnelStartSettingsInput>;

// ------------------------------------------------------------------ completeness

/** What the host and SnelStart offer right now; each list given is checked against. */
export interface SettingsContext {
  /** every host VAT group id: each must be mapped */
  hostVatGroupIds?: readonly string[];
  /** grootboek ids that exist (and are active) in SnelStart */
  ledgerIds?: readonly string[];
  /** verkoopordersjabloon ids that exist in SnelStart */
  sjabloonIds?: readonly string[];
  /** host address type ids that exist */
  hostAddressTypeIds?: readonly string[];
}

export interface SettingsIssue {
  /** dotted field path, e.g. "vatMapping.21" */
  path: string;
  /** message key */
  message: string;
}

/** Every reason the settings are not complete, as (path, message key) pairs. */
export function settingsIssues(settings: unknown, ctx: SettingsContext = {}): SettingsIssue[] {
  const parsed = snelStartSettings.safeParse(settings ?? {});
  if (!parsed.success) {
    return parsed.error.issues.map((i) => ({ path: i.path.map(String).join("."), message: i.message }));
  }
  const s = parsed.data;
  const issues: SettingsIssue[] = [];
  for (const id of ctx.hostVatGroupIds ?? []) {
    if (!s.vatMapping[id]) issues.push({ path: `vatMapping.${id}`, message: E.vatGroupUnmapped });
  }
  if (ctx.ledgerIds) {
    const known = new Set(ctx.ledgerIds);
    if (!known.has(s.defaultLedgerId)) issues.push({ path: "defaultLedgerId", message: E.unknownOption });
    for (const [group, ledger] of Object.entries(s.ledgerByProductGroup)) {
      if (!known.has(ledger)) issues.push({ path: `ledgerByProductGroup.${group}`, message: E.unknownOption });
    }
  }
  if (ctx.sjabloonIds && s.mode === "salesOrders" && s.verkoopordersjabloonId && !ctx.sjabloonIds.includes(s.verkoopordersjabloonId)) {
    issues.push({ path: "verkoopordersjabloonId", message: E.unknownOption });
  }
  if (ctx.hostAddressTypeIds) {
    for (const key of ["vestigingsAdresType", "correspondentieAdresType"] as const) {
      if (!ctx.hostAddressTypeIds.includes(s[key])) issues.push({ path: key, message: E.unknownOption });
    }
  }
  return issues;
}

/**
 * True when every tab is filled in and valid; with `ctx.hostVatGroupIds`, also every host
 * VAT group is mapped (the initial import and invoice pushes wait for this).
 */
export function isSettingsComplete(settings: unknown, ctx: SettingsContext = {}): boolean {
  return settingsIssues(settings, ctx).length === 0;
}
