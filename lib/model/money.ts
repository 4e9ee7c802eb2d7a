/** Amounts in the canonical model are numbers in a currency's main unit; these round them to cents. */

/** Half away from zero, robust to binary fractions (1.005 → 101 cents). */
export function toCents(amount: number): number {
  const sign = amount < 0 ? -1 : 1;
  return sign * Math.round(Math.abs(amount) * 100 + 1e-7);
}

export function round2(amount: number): number {
  return toCents(amount) / 100;
}
