import { describe, expect, it } from "vitest";
import { relation as relationSchema, type Relation } from "@/lib/model";
import { RecordRejectedError } from "@/lib/sync/types";
import type { TribeDatastore } from "./entity";
import {
  afterPersonWrites,
  applyRelationWrite,
  createsChildren,
  mutatedBy,
  needsChildIds,
  numbersUpdateBody,
  personWritesOf,
  productBody,
  productFromTribe,
  relationCreateBody,
  relationFromTribe,
  relationToTribeShape,
  relationUpdateBody,
  tribeRelation,
  type TribeProduct,
  type TribeRelation,
} from "./mapping";

const NL = "60b981bc-70b8-55db-89ef-787d92447d55";
const BE = "f0f3eeb4-0c96-55df-b076-5c434fb82a7c";
const countryIds = new Map([
  ["NL", NL],
  ["BE", BE],
]);
const write = { countryIds };

const org: TribeRelation = tribeRelation.parse({
  ID: "5cbd5864-6a67-5308-8796-a4f6016f53f6",
  _Type: "Relation.Organization",
  Name: "Technisch Bureau Van Dijk B.V.",
  PhoneNumber: "+31 10 345 6789",
  EmailAddress: "facturen@vandijk-tb.nl",
  Website: "https://vandijk-tb.nl",
  VatNumber: "NL823456789B01",
  ChamberOfCommerceNumber: "24123456",
  IsActive: true,
  IsOwnOrganization: false,
  LastMutationDate: "2026-01-01T10:00:00.000Z",
  VisitingAddress: {
    ID: "e232facf-eff5-553e-8f94-81827934093e",
    Street: "Coolsingel 10 A",
    Postalcode: "3011 AD",
    City: "Rotterdam",
    Country: { ID: NL, Name: "Nederland", Code: "nl" },
    LastMutationDate: "2026-01-02T10:00:00.000Z",
  },
  PostalAddress: {
    ID: "1f53403c-0828-523a-8268-9a6b8c58dd26",
    Street: "Postbus 1234",
    Postalcode: "3000 AA",
    City: "Rotterdam",
    Country: { ID: NL, Name: "Nederland" },
  },
  InvoiceAddress: null,
  Relationships: [
    {
      ID: "c1",
      _Type: "Relationship.Organization.CommercialRelationship.Customer",
      DebtorNumber: "10002",
      PaymentTermInDays: 30,
      IsActive: true,
    },
    { ID: "s1", _Type: "Relationship.Organization.Supplier", CreditorNumber: 20001, IsActive: true },
    { ID: "p1", _Type: "Relationship.Organization.CommercialRelationship.Prospect", IsActive: true },
    {
      ID: "k1",
      _Type: "Relationship.Person.Contact.Standard",
      EmailAddress: "piet@vandijk-tb.nl",
      PhoneNumber: null,
      Person: { ID: "pp", FirstName: "Piet", MiddleName: "van", LastName: "Dijk", MobilePhoneNumber: "+31 6 1" },
    },
  ],
});

describe("relationFromTribe", () => {
  it("maps an organization with roles, numbers, its addresses and contact persons", () => {
    const rec = relationFromTribe(org);
    expect(rec.id).toBe(org.ID);
    expect(rec.number).toBe("10002");
    expect(rec.modifiedAt).toBe("2026-01-02T10:00:00.000Z");
    expect(rec.data).toMatchObject({
      kind: "organization",
      name: "Technisch Bureau Van Dijk B.V.",
      isCustomer: true,
      isSupplier: true,
      relationTypes: ["Customer", "Supplier", "Prospect"],
      debtorNumber: "10002",
      creditorNumber: "20001",
      paymentTermDays: 30,
      vatNumber: "NL823456789B01",
      chamberOfCommerceNumber: "24123456",
      website: "https://vandijk-tb.nl",
      active: true,
    });
    expect(rec.data.addresses).toEqual([
      { kind: "visiting", street: "Coolsingel", houseNumber: "10", houseNumberAddition: "A", postcode: "3011 AD", city: "Rotterdam", country: "NL", hostTypeId: "VisitingAddress" },
      { kind: "postal", street: "Postbus", houseNumber: "1234", houseNumberAddition: null, postcode: "3000 AA", city: "Rotterdam", country: "NL", hostTypeId: "PostalAddress" },
    ]);
    expect(rec.parts).toEqual(["e232facf-eff5-553e-8f94-81827934093e", "1f53403c-0828-523a-8268-9a6b8c58dd26", "c1", "s1", "p1", "k1"]);
    expect(rec.data.contactPersons).toEqual([
      { firstName: "Piet", middleName: "van", lastName: "Dijk", email: "piet@vandijk-tb.nl", phone: null, mobile: "+31 6 1" },
    ]);
    // the result is a valid canonical record
    expect(relationSchema.parse(rec.data)).toEqual(rec.data);
  });

  it("names a person First Middle Last and reads inactive", () => {
    const rec = relationFromTribe(
      tribeRelation.parse({
        ID: "p",
        _Type: "Relation.Person",
        FirstName: "Jan",
        MiddleName: "de",
        LastName: "Boer",
        MobilePhoneNumber: "+31 6 12345678",
        IsActive: false,
        Relationships: [{ ID: "c", _Type: "Relationship.Person.CommercialRelationship.Customer", DebtorNumber: "10004" }],
      }),
    );
    expect(rec.data).toMatchObject({
      kind: "person",
      name: "Jan de Boer",
      firstName: "Jan",
      middleName: "de",
      lastName: "Boer",
      mobile: "+31 6 12345678",
      isCustomer: true,
      isSupplier: false,
      relationTypes: ["Customer"],
      debtorNumber: "10004",
      active: false,
    });
  });

  it("reads house numbers from fields of their own when the CRM has them, the country from its name without a code", () => {
    const rec = relationFromTribe(
      tribeRelation.parse({
        ID: "x",
        _Type: "Relation.Organization",
        Name: "X",
        InvoiceAddress: { ID: "a1", Street: "Veldstraat", HouseNumber: "5", HouseNumberAddition: "bus 2", City: "Gent", Country: { ID: BE, Name: "België" } },
        PostalAddress: { ID: "a2", Street: "Rue Neuve 12 B", City: "Bruxelles", Country: { ID: "c", Name: "Belgium" } },
      }),
    );
    expect(rec.data.addresses).toMatchObject([
      { kind: "postal", street: "Rue Neuve", houseNumber: "12", houseNumberAddition: "B", country: "BE", hostTypeId: "PostalAddress" },
      { kind: "invoice", street: "Veldstraat", houseNumber: "5", houseNumberAddition: "bus 2", country: "BE", hostTypeId: "InvoiceAddress" },
    ]);
  });
});

const desired = (over: Partial<Relation> = {}): Relation => ({ ...relationFromTribe(org).data, ...over });

describe("relationCreateBody", () => {
  it("builds one deep insert with its addresses (the number in Street) and roles", () => {
    const body = relationCreateBody(
      relationSchema.parse({
        kind: "organization",
        name: "Nieuw BV",
        isCustomer: true,
        isSupplier: true,
        relationTypes: ["Partner"],
        debtorNumber: "D-1",
        paymentTermDays: 14,
        email: "a@b.nl",
        mobile: "+31 6 9", // organizations have no mobile field
        addresses: [
          { kind: "visiting", street: "Straat", houseNumber: "1", houseNumberAddition: "A", city: "Utrecht", country: "nl" },
          { kind: "invoice", street: "Postbus", houseNumber: "9", city: "Utrecht", country: "NL" },
        ],
      }),
      write,
    );
    expect(body).toEqual({
      Name: "Nieuw BV",
      EmailAddress: "a@b.nl",
      IsActive: true,
      VisitingAddress: { Street: "Straat 1 A", City: "Utrecht", Country: { ID: NL } },
      InvoiceAddress: { Street: "Postbus 9", City: "Utrecht", Country: { ID: NL } },
      Relationships: [
        { _Type: "Relationship.Organization.CommercialRelationship.Customer", DebtorNumber: "D-1", PaymentTermInDays: 14 },
        { _Type: "Relationship.Organization.Supplier" },
        { _Type: "Relationship.Organization.Partner" },
      ],
    });
  });

  it("writes a person's names; a name alone becomes the last name", () => {
    const body = relationCreateBody(relationSchema.parse({ kind: "person", name: "Marie Dubois", isCustomer: true, isSupplier: false, creditorNumber: "K1" }));
    expect(body).toEqual({
      LastName: "Marie Dubois",
      IsActive: true,
      Relationships: [{ _Type: "Relationship.Person.CommercialRelationship.Customer" }],
    });
  });

  it("writes separate house number fields when configured", () => {
    const d = relationSchema.parse({ kind: "organization", name: "X", isCustomer: false, isSupplier: false, addresses: [{ kind: "postal", street: "Postbus", houseNumber: "9", city: "Utrecht" }] });
    expect(relationCreateBody(d, { houseNumberFields: true }).PostalAddress).toEqual({ Street: "Postbus", HouseNumber: "9", City: "Utrecht" });
  });

  it("refuses an address kind the CRM lacks and a country it does not know", () => {
    const delivery = relationSchema.parse({ kind: "organization", name: "X", isCustomer: false, isSupplier: false, addresses: [{ kind: "delivery", city: "A" }] });
    expect(() => relationCreateBody(delivery, write)).toThrow(RecordRejectedError);
    const german = relationSchema.parse({ kind: "organization", name: "X", isCustomer: false, isSupplier: false, addresses: [{ kind: "visiting", city: "Berlin", country: "DE" }] });
    expect(() => relationCreateBody(german, write)).toThrow(expect.objectContaining({ message: "host.tribe.countryMissing", params: { country: "DE" } }));
  });
});

describe("relationUpdateBody", () => {
  it("is null when nothing differs", () => {
    expect(relationUpdateBody(org, desired())).toBeNull();
  });

  it("sends changed fields, updates addresses by ID, creates missing ones, deletes nothing", () => {
    const d = desired({
      email: "nieuw@vandijk-tb.nl",
      website: null,
      paymentTermDays: 45,
      debtorNumber: "D-77",
      relationTypes: [...desired().relationTypes, "Partner"],
      addresses: [
        { ...desired().addresses[0]!, street: "Coolsingel", houseNumber: "12" },
        desired().addresses[1]!,
        { kind: "invoice", street: "Factuurweg", houseNumber: "1", houseNumberAddition: null, postcode: null, city: "Gent", country: "BE", hostTypeId: null },
      ],
    });
    expect(relationUpdateBody(org, d, write)).toEqual({
      EmailAddress: "nieuw@vandijk-tb.nl",
      Website: null,
      VisitingAddress: { ID: "e232facf-eff5-553e-8f94-81827934093e", Street: "Coolsingel 12 A" },
      InvoiceAddress: { Street: "Factuurweg 1", City: "Gent", Country: { ID: BE } },
      Relationships: [
        { ID: "c1", DebtorNumber: "D-77", PaymentTermInDays: 45 },
        { _Type: "Relationship.Organization.Partner" },
      ],
    });
  });

  it("compares the parts of Street, not its spelling", () => {
    const spelled = tribeRelation.parse({ ...org, VisitingAddress: { ...org.VisitingAddress!, Street: "Coolsingel  10A" } });
    expect(relationUpdateBody(spelled, desired())).toBeNull();
    expect(relationUpdateBody(spelled, desired({ addresses: [{ ...desired().addresses[0]!, houseNumberAddition: "B" }] }))).toEqual({
      VisitingAddress: { ID: "e232facf-eff5-553e-8f94-81827934093e", Street: "Coolsingel 10 B" },
    });
  });

  it("never clears a number and never removes a role", () => {
    expect(relationUpdateBody(org, desired({ debtorNumber: null, isSupplier: false, relationTypes: [] }))).toBeNull();
  });

  it("refuses to turn an organization into a person", () => {
    expect(() => relationUpdateBody(org, desired({ kind: "person" }))).toThrow(RecordRejectedError);
  });
});

describe("numbersUpdateBody", () => {
  it("updates the existing relationships by ID", () => {
    expect(numbersUpdateBody(org, { debtorNumber: "1400", creditorNumber: "20001" })).toEqual({
      Relationships: [{ ID: "c1", DebtorNumber: "1400" }],
    });
    expect(numbersUpdateBody(org, { debtorNumber: "10002" })).toBeNull();
  });

  it("creates the role when the relation lacks it", () => {
    const person = tribeRelation.parse({ ID: "p", _Type: "Relation.Person", LastName: "X", Relationships: [] });
    expect(numbersUpdateBody(person, { creditorNumber: "K9" })).toEqual({
      Relationships: [{ _Type: "Relationship.Person.Supplier", CreditorNumber: "K9" }],
    });
  });
});

describe("relationToTribeShape", () => {
  it("round-trips the canonical record", () => {
    const rec = relationFromTribe(org);
    expect(relationFromTribe(relationToTribeShape(org.ID, rec.data)).data).toEqual(rec.data);
  });

  it("plans field-only updates without child IDs, flags updates of existing children", () => {
    const shape = relationToTribeShape(org.ID, desired());
    const fieldsOnly = relationUpdateBody(shape, desired({ phone: "+31 10 000" }))!;
    expect(fieldsOnly).toEqual({ PhoneNumber: "+31 10 000" });
    expect(needsChildIds(fieldsOnly)).toBe(false);
    const child = relationUpdateBody(shape, desired({ debtorNumber: "9" }))!;
    expect(needsChildIds(child)).toBe(true);
  });
});

describe("applyRelationWrite", () => {
  it("composes the relation after a write from before, body and answer (which references the addresses only)", () => {
    const body = { EmailAddress: "x@y.nl", PostalAddress: { ID: "1f53403c-0828-523a-8268-9a6b8c58dd26", City: "Delft" }, InvoiceAddress: { Street: "Markt 1", Country: { ID: BE } } };
    expect(createsChildren(body)).toBe(true);
    const { Relationships: _r, ...top } = org;
    const answer = tribeRelation.parse({
      ...top,
      EmailAddress: "x@y.nl",
      LastMutationDate: "2026-02-01T00:00:00.000Z",
      VisitingAddress: { ID: org.VisitingAddress!.ID },
      PostalAddress: { ID: org.PostalAddress!.ID },
      InvoiceAddress: { ID: "new-invoice-address" },
    });
    const after = applyRelationWrite(org, body, answer, new Map([[BE, { ID: BE, Code: "BE", Name: "België" }]]));
    const rec = relationFromTribe(after);
    expect(rec.data.email).toBe("x@y.nl");
    expect(rec.data.addresses.map((a) => [a.kind, a.street, a.city, a.country])).toEqual([
      ["visiting", "Coolsingel", "Rotterdam", "NL"],
      ["postal", "Postbus", "Delft", "NL"],
      ["invoice", "Markt", null, "BE"],
    ]);
    expect(rec.parts).toContain("new-invoice-address");
    expect(rec.data.debtorNumber).toBe("10002");
    expect(rec.modifiedAt).toBe("2026-02-01T00:00:00.000Z");
  });
});

describe("products", () => {
  const units: TribeDatastore[] = [
    { ID: "u1", Name: "Stuk", Code: "PCS" },
    { ID: "u2", Name: "Uur", Code: "HOUR" },
  ];
  const raw: TribeProduct = {
    ID: "p1",
    Name: "Consultancy per uur",
    Code: "CONS-UUR",
    Description: null,
    SalesPrice: 95,
    PurchasePrice: 0,
    IsInactive: false,
    Unit: { ID: "u2" },
    VatGroup: { ID: "vg" },
    ProductGroup: { ID: "pg" },
    GeneralLedgerAccount: null,
    LastMutationDate: "2026-01-01T00:00:00Z",
  };

  it("maps a product with its unit name and references", () => {
    const rec = productFromTribe(raw, new Map(units.map((u) => [u.ID, u])));
    expect(rec).toEqual({
      id: "p1",
      number: "CONS-UUR",
      modifiedAt: "2026-01-01T00:00:00.000Z",
      data: {
        code: "CONS-UUR",
        name: "Consultancy per uur",
        description: null,
        unit: "Uur",
        productGroupId: "pg",
        vatGroupId: "vg",
        ledgerAccountId: null,
        salesPrice: 95,
        purchasePrice: 0,
        active: true,
      },
    });
  });

  it("builds create and diff bodies", () => {
    const data = productFromTribe(raw, new Map(units.map((u) => [u.ID, u]))).data;
    expect(productBody(data, units, raw)).toBeNull();
    expect(productBody({ ...data, unit: "pcs", active: false, salesPrice: 99 }, units, raw)).toEqual({
      IsInactive: true,
      SalesPrice: 99,
      Unit: { ID: "u1" },
    });
    expect(productBody({ ...data, code: null, description: null }, units)).toEqual({
      Name: "Consultancy per uur",
      IsInactive: false,
      SalesPrice: 95,
      PurchasePrice: 0,
      Unit: { ID: "u2" },
      VatGroup: { ID: "vg" },
      ProductGroup: { ID: "pg" },
    });
  });
});

describe("mutatedBy", () => {
  const REL = "5cbd5864-6a67-5308-8796-a4f6016f53f6";
  const before = tribeRelation.parse({
    ID: REL,
    _Type: "Relation.Organization",
    Name: "Van Dijk",
    VisitingAddress: { ID: "a1", _Type: "Address", Street: "Coolsingel 10" },
    PostalAddress: null,
    Relationships: [{ ID: "r1", _Type: "Relationship.Organization.CommercialRelationship.Customer", CreationDate: "2026-01-01T00:00:00.000Z" }],
  });
  const withPostal = (postalId: string) => tribeRelation.parse({ ...before, PostalAddress: { ID: postalId, _Type: "Address", Street: "Postbus 1" } });

  it("names the relation only when its own fields change, and the addresses the body updates", () => {
    expect(mutatedBy(REL, { VisitingAddress: { ID: "a1", Street: "Nieuw 1" } }, before, before)).toEqual(["a1"]);
    expect(mutatedBy(REL, { EmailAddress: "x@y.nl" }, before, before)).toEqual([REL]);
  });

  it("names a created address and the relation that now refers to it, also when planned on a rebuilt shape", () => {
    const body = { PostalAddress: { Street: "Postbus 1" } };
    expect(mutatedBy(REL, body, before, withPostal("a2"))).toEqual([REL, "a2"]);
    const shape = relationToTribeShape(REL, relationFromTribe(before).data);
    expect(mutatedBy(REL, body, shape, withPostal("a2")), "the existing visiting address and role were not touched").toEqual([REL, "a2"]);
  });

  it("names the relationships a write created, by creation order on a rebuilt shape", () => {
    const second = { ID: "r2", _Type: "Relationship.Organization.Supplier", CreationDate: "2026-02-01T00:00:00.000Z" };
    const after = tribeRelation.parse({ ...before, Relationships: [second, ...before.Relationships!] });
    const body = { Relationships: [{ _Type: "Relationship.Organization.Supplier" }] };
    expect(mutatedBy(REL, body, before, after)).toEqual(["r2"]);
    expect(mutatedBy(REL, body, relationToTribeShape(REL, relationFromTribe(before).data), after)).toEqual(["r2"]);
  });

  it("names the relation and all its children on a create", () => {
    expect(mutatedBy(REL, { Name: "Van Dijk", VisitingAddress: { Street: "Coolsingel 10" } }, null, before).sort()).toEqual(["a1", REL, "r1"].sort());
  });
});

describe("contact persons", () => {
  const CONTACT = "Relationship.Person.Contact.Standard";
  const piet = relationFromTribe(org).data.contactPersons[0]!;
  const person = (p: Partial<Relation["contactPersons"][number]>) => ({ firstName: null, middleName: null, lastName: null, email: null, phone: null, mobile: null, ...p });

  it("reads the contact's person as a record the organization shows", () => {
    expect(relationFromTribe(org).related).toEqual(["pp"]);
    expect(relationFromTribe(tribeRelation.parse({ ID: "p", _Type: "Relation.Person", LastName: "X", Relationships: [] })).related).toEqual([]);
  });

  it("creates an organization's contact persons with it, each with the person to make first", () => {
    const d = relationSchema.parse({
      kind: "organization",
      name: "Havbris Hotell AS",
      isCustomer: true,
      isSupplier: false,
      contactPersons: [person({ firstName: "Kari", lastName: "Nordmann", email: "kari@havbris.test", phone: "+47 915 00 001" }), person({ email: "no-name@havbris.test" })],
    });
    expect(relationCreateBody(d).Relationships).toEqual([
      { _Type: "Relationship.Organization.CommercialRelationship.Customer" },
      // a person without a name cannot be a Relation_Person: left out
      { _Type: CONTACT, Person: { FirstName: "Kari", LastName: "Nordmann" }, EmailAddress: "kari@havbris.test", PhoneNumber: "+47 915 00 001" },
    ]);
  });

  it("adds a contact person the organization lacks, updates one it has, deletes none", () => {
    const kari = person({ firstName: "Kari", lastName: "Nordmann", email: "kari@havbris.test" });
    // Piet left out: he stays; Kari is new
    expect(relationUpdateBody(org, desired({ contactPersons: [kari] }))).toEqual({
      Relationships: [{ _Type: CONTACT, Person: { FirstName: "Kari", LastName: "Nordmann" }, EmailAddress: "kari@havbris.test" }],
    });
    // Piet (the same person by name, any case) gets a phone; the mobile his person has is not cleared
    expect(relationUpdateBody(org, desired({ contactPersons: [{ ...piet, firstName: "PIET", phone: "+31 10 1", mobile: null }] }))).toEqual({
      Relationships: [{ ID: "k1", PhoneNumber: "+31 10 1", Person: { ID: "pp", FirstName: "PIET", MiddleName: "van", LastName: "Dijk" } }],
    });
    expect(relationUpdateBody(org, desired({ contactPersons: [{ ...piet, phone: "+31 10 1", mobile: null }] }))).toEqual({
      Relationships: [{ ID: "k1", PhoneNumber: "+31 10 1" }],
    });
  });

  it("renames a contact person known by the e-mail address only that person has", () => {
    const renamed = { ...piet, firstName: "Pieter", middleName: null, lastName: "van Dijk" };
    // "Pieter van Dijk" is not "Piet van Dijk": the same person by e-mail, the name goes to the person
    expect(relationUpdateBody(org, desired({ contactPersons: [renamed] }))).toEqual({
      Relationships: [{ ID: "k1", Person: { ID: "pp", FirstName: "Pieter", MiddleName: null, LastName: "van Dijk" } }],
    });
    // the same name split otherwise is no change
    expect(relationUpdateBody(org, desired({ contactPersons: [{ ...piet, middleName: null, lastName: "van Dijk" }] }))).toBeNull();
  });

  it("plans new contact persons without child IDs, and reads first to change an existing one", () => {
    const shape = relationToTribeShape(org.ID, desired());
    const added = relationUpdateBody(shape, desired({ contactPersons: [piet, person({ firstName: "Kari", lastName: "Nordmann" })] }))!;
    expect(added).toEqual({ Relationships: [{ _Type: CONTACT, Person: { FirstName: "Kari", LastName: "Nordmann" } }] });
    expect(needsChildIds(added)).toBe(false);
    expect(needsChildIds(relationUpdateBody(shape, desired({ contactPersons: [{ ...piet, email: "p@x.nl" }] }))!)).toBe(true);
    expect(needsChildIds(relationUpdateBody(shape, desired({ contactPersons: [{ ...piet, firstName: "Pieter" }] }))!)).toBe(true);
  });

  it("splits a body into the persons to write first and what goes to the CRM", () => {
    const body = {
      Name: "X",
      Relationships: [
        { ID: "c1", DebtorNumber: "1" },
        { _Type: CONTACT, Person: { FirstName: "Kari", LastName: "Nordmann" }, EmailAddress: "kari@x.no" },
        { ID: "k1", Person: { ID: "pp", FirstName: "Pieter", MiddleName: null, LastName: "Dijk" } },
        { ID: "k2", PhoneNumber: "1", Person: { ID: "p2", FirstName: "Ola", MiddleName: null, LastName: "Hansen" } },
      ],
    };
    expect(personWritesOf(body)).toEqual([
      { id: null, fields: { FirstName: "Kari", LastName: "Nordmann" } },
      { id: "pp", fields: { FirstName: "Pieter", MiddleName: null, LastName: "Dijk" } },
      { id: "p2", fields: { FirstName: "Ola", MiddleName: null, LastName: "Hansen" } },
    ]);
    const { logical, wire } = afterPersonWrites(body, ["new", "pp", "p2"]);
    expect(wire).toEqual({
      Name: "X",
      Relationships: [
        { ID: "c1", DebtorNumber: "1" },
        { _Type: CONTACT, Person: { ID: "new" }, EmailAddress: "kari@x.no" },
        // k1 only renamed its person: nothing left to send for it
        { ID: "k2", PhoneNumber: "1" },
      ],
    });
    expect((logical.Relationships as unknown[])[1]).toEqual({ _Type: CONTACT, Person: { ID: "new", FirstName: "Kari", LastName: "Nordmann" }, EmailAddress: "kari@x.no" });
    // a rename alone sends nothing to the relation
    expect(afterPersonWrites({ Relationships: [body.Relationships[2]!] }, ["pp"]).wire).toBeNull();
    expect(personWritesOf({ Name: "X" })).toEqual([]);
  });

  it("composes the contact persons after a write that answered without them", () => {
    const logical = {
      Relationships: [
        { ID: "k1", Person: { ID: "pp", FirstName: "Pieter", MiddleName: null, LastName: "Dijk" } },
        { _Type: CONTACT, Person: { ID: "new", FirstName: "Kari", LastName: "Nordmann" }, EmailAddress: "kari@x.no" },
      ],
    };
    const { Relationships: _r, ...top } = org;
    const rec = relationFromTribe(applyRelationWrite(org, logical, tribeRelation.parse(top)));
    expect(rec.data.contactPersons).toEqual([
      // the person's other fields stay (the mobile number)
      { ...piet, firstName: "Pieter", middleName: null },
      person({ firstName: "Kari", lastName: "Nordmann", email: "kari@x.no" }),
    ]);
    expect(rec.related).toEqual(["pp", "new"]);
  });
});
