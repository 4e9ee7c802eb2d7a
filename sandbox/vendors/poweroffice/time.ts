/**
 * Timestamps as Go writes them: UTC with seven fractional digits
 * ("2021-09-30T08:03:00.1234567Z", the spec's example), so a client that
 * keeps a LastChangedDateTimeOffset as a millisecond Date loses precision
 * exactly as it would against the real API. In this fixed-width form,
 * string order is time order.
 */

/** 100 ns ticks since the epoch. */
export type Ticks = bigint;

const TICKS_PER_MS = 10_000n;

export function formatTicks(t: Ticks): string {
  const ms = t / TICKS_PER_MS;
  const sub = (t % TICKS_PER_MS).toString().padStart(4, "0");
  return new Date(Number(ms)).toISOString().replace("Z", `${sub}Z`);
}

/** Ticks of an RFC 3339 date-time (any precision, any offset); undefined when it is not one. */
export function parseInstant(s: string): Ticks | undefined {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:[.,](\d+))?(Z|[+-]\d{2}:\d{2})$/i.exec(s.trim());
  if (!m) return undefined;
  const digits = (m[2] ?? "").padEnd(7, "0").slice(0, 7);
  const ms = Date.parse(`${m[1]}.${digits.slice(0, 3)}${m[3]!.toUpperCase()}`);
  if (Number.isNaN(ms)) return undefined;
  return BigInt(ms) * TICKS_PER_MS + BigInt(digits.slice(3));
}

export const ticksOf = (d: Date): Ticks => BigInt(d.getTime()) * TICKS_PER_MS;

/** "YYYY-MM-DD" of an instant (UTC). */
export const dateOf = (d: Date): string => d.toISOString().slice(0, 10);

export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return dateOf(d);
}
