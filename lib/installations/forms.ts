import type { SettingsTab } from "@/lib/sync/types";

/**
 * A settings form's fields → the plain object its tab schema parses. Mapping rows arrive as
 * `<field>.<rowId>`, multi-selects as repeated names, toggles only when checked.
 */
export function formToObject(tab: SettingsTab, form: FormData): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of tab.fields) {
    if (field.kind === "mapping") {
      const rows: Record<string, string> = {};
      for (const [key, value] of form.entries()) {
        if (key.startsWith(`${field.name}.`) && typeof value === "string" && value !== "") rows[key.slice(field.name.length + 1)] = value;
      }
      out[field.name] = rows;
    } else if (field.kind === "multiselect") {
      out[field.name] = [...new Set(form.getAll(field.name).filter((v): v is string => typeof v === "string" && v !== ""))];
    } else if (field.kind === "toggle") {
      out[field.name] = form.get(field.name) === "on";
    } else {
      const v = form.get(field.name);
      out[field.name] = typeof v === "string" && v !== "" ? v : undefined;
    }
  }
  return out;
}
