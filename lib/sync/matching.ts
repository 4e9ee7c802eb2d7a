import type { Address, Relation } from "@/lib/model";

/** "1234 ab" → "1234AB": postcodes compare without spaces or case. */
export function normalizePostcode(v: string | null | undefined): string {
  return (v ?? "").replace(/\s+/g, "").toUpperCase();
}

/** House number additions compare without case, spaces, dashes or slashes ("-A", " a", "/a" → "A"). */
export function normalizeAddition(v: string | null | undefined): string {
  return (v ?? "").replace(/[\s\-/]+/g, "").toUpperCase();
}

export function normalizeName(v: string | null | undefined): string {
  return (v ?? "")
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[.,'"]/g, "")
    .replace(/\s+/g, " ")
    .trim();
}

function addressKey(name: string, a: Address): string | null {
  const postcode = normalizePostcode(a.postcode);
  const number = (a.houseNumber ?? "").replace(/\D+/g, "");
  if (!postcode || !number) return null;
  return `${name}|${postcode}|${number}|${normalizeAddition(a.houseNumberAddition)}`;
}

/**
 * Keys for the last level of the matching chain: organisation name + postcode + house number
 * + addition, one per address. Persons never match on name and address.
 */
export function nameAddressKeys(r: Pick<Relation, "kind" | "name" | "addresses">): string[] {
  if (r.kind !== "organization") return [];
  const name = normalizeName(r.name);
  if (!name) return [];
  return [...new Set(r.addresses.map((a) => addressKey(name, a)).filter((k): k is string => k !== null))];
}

/** Keys for the number level: debtor and creditor numbers, typed so 100 as debtor ≠ 100 as creditor. */
export function numberKeys(r: Pick<Relation, "debtorNumber" | "creditorNumber">): string[] {
  const keys: string[] = [];
  const clean = (n: string) => n.trim().replace(/^0+(?=\d)/, "");
  if (r.debtorNumber?.trim()) keys.push(`D:${clean(r.debtorNumber)}`);
  if (r.creditorNumber?.trim()) keys.push(`C:${clean(r.creditorNumber)}`);
  return keys;
}

export type MatchCandidate = { hostId: string; numbers: string[]; nameAddressKeys: string[] };
export type MatchResult = { hostId: string; level: "number" | "nameAddress" } | null;

/**
 * The chain after the unique-id level (which the links answer): the number, then name and
 * address. First hit wins; a host record already taken in this run is not matched twice.
 */
export function matchRelation(
  record: Pick<Relation, "kind" | "name" | "addresses" | "debtorNumber" | "creditorNumber">,
  candidates: MatchCandidate[],
  levels: ReadonlyArray<"remoteId" | "number" | "nameAddress">,
  taken: ReadonlySet<string> = new Set(),
): MatchResult {
  const free = candidates.filter((c) => !taken.has(c.hostId));
  if (levels.includes("number")) {
    const keys = numberKeys(record);
    const hit = free.find((c) => c.numbers.some((n) => keys.includes(n)));
    if (hit) return { hostId: hit.hostId, level: "number" };
  }
  if (levels.includes("nameAddress")) {
    const keys = nameAddressKeys(record);
    const hit = free.find((c) => c.nameAddressKeys.some((k) => keys.includes(k)));
    if (hit) return { hostId: hit.hostId, level: "nameAddress" };
  }
  return null;
}
