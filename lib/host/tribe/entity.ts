/**
 * What every Tribe entity mapping uses: the zod pieces of Tribe's fields and small value helpers.
 */
import { z } from "zod";

export const text = z.string().nullish();
export const num = z.number().nullish();
export const bool = z.boolean().nullish();
/** numbers that some tenants hold as numbers and others as text */
export const code = z
  .union([z.string(), z.number()])
  .nullish()
  .transform((v) => (v == null ? v : String(v)));
export const ref = z.looseObject({ ID: z.string().min(1) });

/** Fields on every entity (FACTS §1). */
export const system = {
  ID: z.string().min(1),
  _Type: text,
  _Name: text,
  CreationDate: text,
  LastMutationDate: text,
};

export const tribeDatastore = z.looseObject({
  ...system,
  Name: text,
  Code: text,
  IsDefault: bool,
});
export type TribeDatastore = z.infer<typeof tribeDatastore>;

/** trimmed text or null; long values cut to what the canonical model takes */
export function clean(v: unknown, max = 500): string | null {
  if (v == null) return null;
  const s = String(v).trim();
  return s === "" ? null : s.slice(0, max);
}

/** The latest of some ISO times, as an ISO time. */
export function latest(...dates: Array<string | null | undefined>): string | null {
  let best: string | null = null;
  let bestMs = -Infinity;
  for (const d of dates) {
    if (!d) continue;
    const ms = Date.parse(d);
    if (!Number.isNaN(ms) && ms > bestMs) {
      bestMs = ms;
      best = new Date(ms).toISOString();
    }
  }
  return best;
}

/** A payment term the canonical model takes (0..365 days), or null. */
export function termDays(v: number | null | undefined): number | null {
  if (v == null || !Number.isFinite(v)) return null;
  const n = Math.round(v);
  return n >= 0 && n <= 365 ? n : null;
}

export function dateOnly(v: string | null | undefined): string | null {
  if (!v) return null;
  if (/^\d{4}-\d{2}-\d{2}$/.test(v)) return v;
  const ms = Date.parse(v);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString().slice(0, 10);
}

export const round = (n: number, d: number) => Math.round((n + Number.EPSILON) * 10 ** d) / 10 ** d;

/** equal after normalising empty text to null */
export function same(a: unknown, b: unknown): boolean {
  const norm = (v: unknown) => (typeof v === "string" ? (v.trim() === "" ? null : v.trim()) : v ?? null);
  return norm(a) === norm(b);
}
