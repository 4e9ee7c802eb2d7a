import { describe, expect, it } from "vitest";
import { relation, type ContactPerson, type RelationInput } from "@/lib/model";
import type { SyncContext } from "./context";
import { relationSpec } from "./entities";

const ctx = { connector: { entities: { relation: { remoteDeactivation: "keep-active" } } } } as unknown as SyncContext;
const visiting = (postcode: string, country = "NL") => ({ kind: "visiting" as const, street: "Oudegracht", houseNumber: "1", postcode, city: "Utrecht", country });
const rel = (r: Partial<RelationInput>) => relation.parse({ kind: "organization", name: "Lunchroom De Gracht", isCustomer: true, isSupplier: false, ...r });
const remote = (r: Partial<RelationInput>) => ({ id: "r1", number: "1001", modifiedAt: null, data: rel(r) });

describe("a relation taken in from the package", () => {
  it("keeps the CRM's postcode when the package's is the same written another way", () => {
    const merged = relationSpec.merge(ctx, remote({ addresses: [visiting("3511 ab")] }), rel({ addresses: [visiting("3511AB")] }));
    expect(merged.addresses[0].postcode).toBe("3511AB");
  });

  it("writes a postcode that changed in its country's format", () => {
    const merged = relationSpec.merge(ctx, remote({ addresses: [visiting("1234ab")] }), rel({ addresses: [visiting("3511AB")] }));
    expect(merged.addresses[0].postcode).toBe("1234 AB");
    expect(relationSpec.merge(ctx, remote({ addresses: [visiting("b-1000", "BE")] }), null).addresses[0].postcode).toBe("1000");
  });
});

describe("contact persons taken in from the package", () => {
  const person = (p: Partial<ContactPerson>): ContactPerson => ({ firstName: null, middleName: null, lastName: null, email: null, phone: null, mobile: null, ...p });
  const els = person({ firstName: "Els", lastName: "Vermeulen", email: "els@goudenkorf.nl", phone: "+31 30 234 5679", mobile: "+31 6 23456789" });
  const merge = (host: ContactPerson[], theirs: ContactPerson[]) => relationSpec.merge(ctx, remote({ contactPersons: theirs }), rel({ contactPersons: host })).contactPersons;

  it("lets the package's edit of a person the CRM has reach the CRM; fields the package leaves empty keep the CRM's", () => {
    const merged = merge([els], [person({ firstName: "Els", lastName: "Vermeulen", email: "els.vermeulen@goudenkorf.nl", phone: null })]);
    expect(merged).toEqual([{ ...els, email: "els.vermeulen@goudenkorf.nl" }]);
  });

  it("knows a person by name without case, accents or spacing, however first, middle and last are split", () => {
    const anna = person({ firstName: "Anna", middleName: "van der", lastName: "Berg", phone: "030 1" });
    expect(merge([anna], [person({ firstName: "anna", lastName: "van  der Berg", phone: "030 2" })])).toEqual([
      // the name reads differently (case): the package's spelling wins; the phone is the package's
      { ...person({ firstName: "anna", lastName: "van  der Berg" }), phone: "030 2" },
    ]);
    // the same name, split otherwise: the CRM keeps its own first/middle/last
    expect(merge([anna], [person({ firstName: "Anna", lastName: "van der Berg", email: "anna@x.nl" })])).toEqual([{ ...anna, email: "anna@x.nl" }]);
    const rene = person({ firstName: "René", lastName: "Dubois" });
    expect(merge([rene], [person({ firstName: "Rene", lastName: "Dubois", email: "rene@x.be" })])).toHaveLength(1);
  });

  it("knows a person renamed in the package by an e-mail address only that person has", () => {
    const merged = merge([els], [person({ firstName: "Elske", lastName: "Vermeulen", email: "ELS@goudenkorf.nl" })]);
    expect(merged).toEqual([{ ...els, firstName: "Elske", email: "ELS@goudenkorf.nl" }]);
    // a shared mailbox makes nobody the same person: the package's person is added
    const info = (firstName: string) => person({ firstName, lastName: "Bakker", email: "info@goudenkorf.nl" });
    expect(merge([info("Jan"), info("Piet")], [info("Klaas")])).toEqual([info("Jan"), info("Piet"), info("Klaas")]);
  });

  it("keeps the persons only the CRM has and adds those only the package has, once", () => {
    const piet = person({ firstName: "Piet", lastName: "de Vries", email: "piet@goudenkorf.nl" });
    const kari = person({ firstName: "Kari", lastName: "Nordmann", phone: "+47 915 00 001" });
    expect(merge([els, piet], [kari, kari])).toEqual([els, piet, kari]);
    expect(merge([els], [])).toEqual([els]);
    expect(merge([], [kari])).toEqual([kari]);
    // the same person listed twice by the package stays one in the CRM
    expect(merge([els], [els, { ...els, phone: "+31 30 000 0000" }])).toEqual([els]);
  });

  it("adds the package's persons to a relation it creates, and gives a CRM person no contact persons", () => {
    const kari = person({ firstName: "Kari", lastName: "Nordmann" });
    expect(relationSpec.merge(ctx, remote({ contactPersons: [kari] }), null).contactPersons).toEqual([kari]);
    const jan = rel({ kind: "person", name: "Jan de Boer", firstName: "Jan", lastName: "de Boer" });
    expect(relationSpec.merge(ctx, remote({ contactPersons: [kari] }), jan).contactPersons).toEqual([]);
  });
});

describe("contact persons in the directions the connector declares", () => {
  const person = (p: Partial<ContactPerson>): ContactPerson => ({ firstName: null, middleName: null, lastName: null, email: null, phone: null, mobile: null, ...p });
  const els = person({ firstName: "Els", lastName: "Vermeulen", email: "els@goudenkorf.nl" });
  const piet = person({ firstName: "Piet", lastName: "Smit", email: "piet@goudenkorf.nl" });
  const oneWay = (contactPerson: { toPackage: boolean; toCrm: boolean }) =>
    ({ connector: { entities: { relation: { remoteDeactivation: "keep-active" }, contactPerson } } }) as unknown as SyncContext;

  it("takes none of the package's persons into the CRM when they only go to the package", () => {
    const toPackageOnly = oneWay({ toPackage: true, toCrm: false });
    expect(relationSpec.merge(toPackageOnly, remote({ contactPersons: [piet] }), rel({ contactPersons: [els] })).contactPersons).toEqual([els]);
    expect(relationSpec.merge(toPackageOnly, remote({ contactPersons: [piet] }), null).contactPersons).toEqual([]);
    // both ways (the default): the package's person is added
    expect(relationSpec.merge(ctx, remote({ contactPersons: [piet] }), rel({ contactPersons: [els] })).contactPersons).toEqual([els, piet]);
  });

  it("sends the package the persons as they were last synced when they only come from it, so none is written", () => {
    const toCrmOnly = oneWay({ toPackage: false, toCrm: true });
    const previous = rel({ contactPersons: [els] });
    const sent = relationSpec.outgoing!(toCrmOnly, rel({ email: "info@goudenkorf.nl", contactPersons: [els, piet] }), previous);
    expect(sent.data.contactPersons).toEqual([els]);
    expect(sent.data.email).toBe("info@goudenkorf.nl");
    expect(sent.previous?.contactPersons).toEqual([els]);
    expect(relationSpec.outgoing!(ctx, rel({ contactPersons: [els, piet] }), previous).data.contactPersons).toEqual([els, piet]);
  });
});
