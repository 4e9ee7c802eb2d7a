/**
 * Who a contact person is, the same for the engine, the host adapter and every connector:
 * contact persons carry no id that both sides know, so two lists are paired by identity.
 *
 * - First by name: first + middle + last name joined, compared without case, accents or extra
 *   spaces (so "Anna" "van der" "Berg" is "Anna" "" "van der Berg", however a side splits it).
 * - Then, for those left, by e-mail address: a person renamed on one side is still the same
 *   person. Only an address that names one person on each side counts, so a shared mailbox
 *   (info@) never makes two people one.
 */
import type { ContactPerson } from "./index";

type Identity = Pick<ContactPerson, "firstName" | "middleName" | "lastName" | "email">;

const fold = (v: string) =>
  v
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/\s+/g, " ")
    .trim();

/** The person's full name as written: "First Middle Last" (single spaces), or "" when it has none. */
export function contactPersonFullName(p: Pick<ContactPerson, "firstName" | "middleName" | "lastName">): string {
  return [p.firstName, p.middleName, p.lastName]
    .map((v) => (v ?? "").replace(/\s+/g, " ").trim())
    .filter(Boolean)
    .join(" ");
}

/** The name a person is known by, folded (no case, accents or extra spaces); "" without a name. */
export function contactPersonNameKey(p: Pick<ContactPerson, "firstName" | "middleName" | "lastName">): string {
  return fold(contactPersonFullName(p));
}

/** The e-mail address folded; "" without one. */
export function contactPersonEmailKey(p: Pick<ContactPerson, "email">): string {
  return (p.email ?? "").trim().toLowerCase();
}

/**
 * Pairs the persons of `a` with those of `b` that are the same person: answers, per index in `a`,
 * the index in `b` (each used once), or -1 when `b` has no such person.
 */
export function pairContactPersons(a: readonly Identity[], b: readonly Identity[]): number[] {
  const pairs = a.map(() => -1);
  const used = new Set<number>();
  a.forEach((p, i) => {
    const key = contactPersonNameKey(p);
    if (!key) return;
    const j = b.findIndex((q, k) => !used.has(k) && contactPersonNameKey(q) === key);
    if (j >= 0) {
      pairs[i] = j;
      used.add(j);
    }
  });
  const count = (list: readonly Identity[], email: string) => list.filter((p) => contactPersonEmailKey(p) === email).length;
  a.forEach((p, i) => {
    if (pairs[i] >= 0) return;
    const email = contactPersonEmailKey(p);
    if (!email || count(a, email) !== 1 || count(b, email) !== 1) return;
    const j = b.findIndex((q, k) => !used.has(k) && contactPersonEmailKey(q) === email);
    if (j >= 0) {
      pairs[i] = j;
      used.add(j);
    }
  });
  return pairs;
}
