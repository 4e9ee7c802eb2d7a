import { describe, expect, it } from "vitest";
import type { ContactPerson } from "./index";
import { contactPersonFullName, contactPersonNameKey, pairContactPersons } from "./contact-persons";

const person = (p: Partial<ContactPerson>): ContactPerson => ({ firstName: null, middleName: null, lastName: null, email: null, phone: null, mobile: null, ...p });

describe("who a contact person is", () => {
  it("is the full name, however it is split, without case, accents or extra spaces", () => {
    expect(contactPersonFullName(person({ firstName: " Anna ", middleName: "van  der", lastName: "Berg" }))).toBe("Anna van der Berg");
    expect(contactPersonNameKey(person({ firstName: "Anna", lastName: "Van der Berg" }))).toBe(contactPersonNameKey(person({ firstName: "anna", middleName: "van der", lastName: "Berg" })));
    expect(contactPersonNameKey(person({ firstName: "René", lastName: "Dubois" }))).toBe("rene dubois");
    expect(contactPersonNameKey(person({ email: "x@y.nl" }))).toBe("");
  });

  it("pairs by name first, then by an e-mail address that names one person on each side; each person once", () => {
    const els = person({ firstName: "Els", lastName: "Vermeulen", email: "els@korf.nl" });
    const elske = person({ firstName: "Elske", lastName: "Vermeulen", email: "ELS@korf.nl" });
    const piet = person({ firstName: "Piet", lastName: "Bakker", email: "info@korf.nl" });
    const jan = person({ firstName: "Jan", lastName: "Bakker", email: "info@korf.nl" });
    const klaas = person({ firstName: "Klaas", lastName: "Bakker", email: "info@korf.nl" });
    expect(pairContactPersons([elske, piet], [piet, els])).toEqual([1, 0]);
    // info@ names two persons on one side: it identifies nobody
    expect(pairContactPersons([klaas], [piet, jan])).toEqual([-1]);
    // the same person twice on one side pairs once
    expect(pairContactPersons([els, els], [els])).toEqual([0, -1]);
    expect(pairContactPersons([], [els])).toEqual([]);
    expect(pairContactPersons([person({ email: "els@korf.nl" })], [els])).toEqual([0]);
  });
});
