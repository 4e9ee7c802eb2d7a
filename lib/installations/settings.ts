/**
 * Checks of a settings tab that every connector gets from its field declarations: a value
 * names an option that exists, a required field is filled, every row of a required mapping is
 * mapped. The connector's own zod schemas check the shape of the values.
 */
import type { Connector, Option, SettingsTab } from "@/lib/sync/types";

/** One message key per field (dotted path, `_form` for the whole form); the UI translates them. */
export type FieldErrors = Record<string, string>;

/** A message key and its values, translated where it is shown. */
export type FormMessage = { key: string; params?: Record<string, string | number> };

/** Every value that names an option must name one that exists on that side right now. */
export function unknownOptions(values: Record<string, unknown>, tab: SettingsTab, options: Record<string, Option[]>): FieldErrors {
  const errors: FieldErrors = {};
  const allowed = (name: string) => new Set((options[name] ?? []).map((o) => o.value));
  for (const field of tab.fields) {
    const value = values[field.name];
    if (value == null || value === "") continue;
    if (field.kind === "select" || field.kind === "radio") {
      if (!allowed(field.options).has(String(value))) errors[field.name] = "settings.errors.unknownOption";
    } else if (field.kind === "multiselect") {
      const ok = allowed(field.options);
      (value as string[]).forEach((v, i) => {
        if (!ok.has(v)) errors[`${field.name}.${i}`] = "settings.errors.unknownOption";
      });
    } else if (field.kind === "mapping") {
      const rows = allowed(field.rows);
      const ok = allowed(field.options);
      for (const [row, v] of Object.entries(value as Record<string, string>)) {
        if (!rows.has(row) || (v && !ok.has(v))) errors[`${field.name}.${row}`] = "settings.errors.unknownOption";
      }
    }
  }
  return errors;
}

/**
 * What a tab's `required` fields leave empty: an error on each empty field and on each unmapped
 * row of a required mapping (the rows are the options the CRM offers now), and the unmapped rows
 * by name for a message above the form.
 */
export function missingRequired(
  values: Record<string, unknown>,
  tab: SettingsTab,
  options: Record<string, Option[]>,
): { fieldErrors: FieldErrors; unmappedRows: string[] } {
  const fieldErrors: FieldErrors = {};
  const unmappedRows: string[] = [];
  for (const field of tab.fields) {
    if (field.kind === "select" && field.required) {
      const value = values[field.name];
      if (value == null || value === "") fieldErrors[field.name] = "settings.errors.required";
    } else if (field.kind === "mapping" && field.required) {
      const mapped = (values[field.name] ?? {}) as Record<string, unknown>;
      for (const row of options[field.rows] ?? []) {
        const value = mapped[row.value];
        if (value != null && value !== "") continue;
        fieldErrors[`${field.name}.${row.value}`] = "settings.errors.rowUnmapped";
        unmappedRows.push(row.label);
      }
    }
  }
  return { fieldErrors, unmappedRows };
}

/** The message above a form whose required mapping rows are empty, naming them. */
export function unmappedRowsMessage(rows: string[]): FormMessage {
  return { key: "settings.errors.unmappedRows", params: { rows: rows.join(", "), count: rows.length } };
}

/**
 * The tabs that still need the user: never saved, no longer valid, or with a required field or
 * mapping row empty (a VAT group added in the CRM after the tab was saved, say).
 */
export function incompleteTabs(connector: Connector<unknown, unknown>, settings: unknown, options: Record<string, Option[]>): string[] {
  const saved = (settings ?? {}) as Record<string, unknown>;
  return connector.settings.tabs
    .filter((tab) => {
      if (saved[tab.id] == null) return true;
      const parsed = tab.schema.safeParse(saved[tab.id]);
      if (!parsed.success) return true;
      return Object.keys(missingRequired(parsed.data as Record<string, unknown>, tab, options).fieldErrors).length > 0;
    })
    .map((tab) => tab.id);
}

/** Complete: every tab filled as its fields require, and the connector's own rules across tabs hold. */
export function settingsComplete(connector: Connector<unknown, unknown>, settings: unknown, options: Record<string, Option[]>): boolean {
  return incompleteTabs(connector, settings, options).length === 0 && connector.settings.isComplete(settings);
}
