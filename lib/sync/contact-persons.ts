/**
 * The contact persons the CRM should hold after taking in the package's version of a relation.
 * Neither side's persons have an id the other knows: they are paired by identity
 * (lib/model/contact-persons.ts: the name, else a one-to-one e-mail address).
 *
 * - A person both have: the package's version overlays the CRM's (a field the package leaves
 *   empty keeps the CRM's value); its name replaces the CRM's only when it reads differently,
 *   so the CRM keeps its own split of an equal name into first, middle and last.
 * - A person only the CRM has is kept: nothing is deleted because the other side lacks it.
 * - A person only the package has is added, after the CRM's, in the package's order.
 */
import type { ContactPerson } from "@/lib/model";
import { contactPersonFullName, contactPersonNameKey, pairContactPersons } from "@/lib/model/contact-persons";

export function mergeContactPersons(host: readonly ContactPerson[], remote: readonly ContactPerson[]): ContactPerson[] {
  const pairs = pairContactPersons(remote, host);
  const merged: ContactPerson[] = [...host];
  const added: ContactPerson[] = [];
  remote.forEach((theirs, i) => {
    const j = pairs[i]!;
    if (j < 0) {
      // a person the package lists twice is added (or kept) once
      const key = contactPersonNameKey(theirs);
      if (!key || ![...merged, ...added].some((p) => contactPersonNameKey(p) === key)) added.push(theirs);
      return;
    }
    merged[j] = overlayPerson(merged[j]!, theirs);
  });
  return [...merged, ...added];
}

function overlayPerson(ours: ContactPerson, theirs: ContactPerson): ContactPerson {
  const renamed = contactPersonFullName(theirs) !== "" && contactPersonFullName(theirs) !== contactPersonFullName(ours);
  return {
    ...(renamed ? { firstName: theirs.firstName, middleName: theirs.middleName, lastName: theirs.lastName } : { firstName: ours.firstName, middleName: ours.middleName, lastName: ours.lastName }),
    email: theirs.email ?? ours.email,
    phone: theirs.phone ?? ours.phone,
    mobile: theirs.mobile ?? ours.mobile,
  };
}
