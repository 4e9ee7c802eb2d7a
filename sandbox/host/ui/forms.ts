// Small helpers for reading HTML forms and building minimal update bodies.

import type { Rec } from "../store";

export function str(form: URLSearchParams, name: string): string | null {
  const v = form.get(name);
  if (v == null) return null;
  const t = v.trim();
  return t === "" ? null : t;
}

export function num(form: URLSearchParams, name: string): number | null {
  const v = str(form, name);
  if (v == null) return null;
  const n = Number(v.replace(/\s/g, "").replace(",", "."));
  if (!Number.isFinite(n)) throw new Error(`'${v}' is geen getal`);
  return n;
}

export function bool(form: URLSearchParams, name: string): boolean {
  const v = form.get(name);
  return v === "on" || v === "true" || v === "1";
}

export function ref(form: URLSearchParams, name: string): { ID: string } | null {
  const v = str(form, name);
  return v ? { ID: v } : null;
}

/** Keep only the entries that differ from the record (fields and {ID} references). */
export function diff(rec: Rec | undefined, body: Record<string, unknown>): Record<string, unknown> {
  if (!rec) return body;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body)) {
    if (k in rec.def.nav) {
      const cur = rec.r[k] ?? null;
      const next = v && typeof v === "object" && "ID" in v ? String((v as { ID: unknown }).ID) : null;
      if (cur !== next) out[k] = v;
    } else if (k in rec.def.fields) {
      if ((rec.f[k] ?? null) !== (v ?? null)) out[k] = v;
    } else out[k] = v;
  }
  return out;
}
