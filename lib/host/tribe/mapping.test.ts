import { describe, expect, it } from "vitest";
import { relation as relationSchema, type Relation } from "@/lib/model";
import { RecordRejectedError } from "@/lib/sync/types";
import {
  addressTypeIdsFrom,
  applyRelationWrite,
  createsChildren,
  documentFileName,
  mutatedBy,
  invoiceFromTribe,
  needsChildIds,
  numbersUpdateBody,
  productBody,
  productFromTribe,
  relationCreateBody,
  relationFromTribe,
  relationToTribeShape,
  relationUpdateBody,
  salesOrderFromTribe,
  tribeInvoice,
  tribeRelation,
  type TribeDatastore,
  type TribeProduct,
  type TribeRelation,
} from "./mapping";

const VISITING = "423682f0-a325-5278-95a0-70eee774eb9c";
const POSTAL = "9dbb48a8-554b-57c2-a9a9-41aec8f62891";
const INVOICE = "404f5343-fed0-5316-b7d2-ac5e33c84fc9";
const types: TribeDatastore[] = [
  { ID: VISITING, Code: "Visiting", Name: "Bezoekadres" },
  { ID: POSTAL, Code: "Postal", Name: "Postadres" },
  { ID: INVOICE, Code: "Invoice", Name: "Factuuradres" },
];
const ids = addressTypeIdsFrom(types);

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
  Addresses: [
    {
      ID: "e232facf-eff5-553e-8f94-81827934093e",
      Street: "Coolsingel",
      HouseNumber: "10",
      HouseNumberAddition: "A",
      Postalcode: "3011 AD",
      City: "Rotterdam",
      CountryCode: "nl",
      AddressType: { ID: VISITING, Code: "Visiting", Name: "Bezoekadres" },
      LastMutationDate: "2026-01-02T10:00:00.000Z",
    },
    {
      ID: "1f53403c-0828-523a-8268-9a6b8c58dd26",
      Street: "Postbus",
      HouseNumber: "1234",
      Postalcode: "3000 AA",
      City: "Rotterdam",
      CountryCode: "NL",
      AddressType: { ID: POSTAL, Code: "Postal" },
    },
  ],
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
  it("maps an organization with roles, numbers, typed addresses and contact persons", () => {
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
      { kind: "visiting", street: "Coolsingel", houseNumber: "10", houseNumberAddition: "A", postcode: "3011 AD", city: "Rotterdam", country: "NL", hostTypeId: VISITING },
      { kind: "postal", street: "Postbus", houseNumber: "1234", houseNumberAddition: null, postcode: "3000 AA", city: "Rotterdam", country: "NL", hostTypeId: POSTAL },
    ]);
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
        Addresses: [],
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

  it("types an address by the id map when AddressType is not expanded, skips unknown types", () => {
    const rec = relationFromTribe(
      tribeRelation.parse({
        ID: "x",
        _Type: "Relation.Organization",
        Name: "X",
        Addresses: [
          { ID: "a1", City: "Gent", AddressType: { ID: INVOICE } },
          { ID: "a2", City: "Elders", AddressType: { ID: "custom", Code: "Holiday" } },
          { ID: "a3", City: "Zonder type", AddressType: null },
        ],
      }),
      { addressTypeCodes: new Map([[INVOICE, "Invoice"]]) },
    );
    expect(rec.data.addresses.map((a) => [a.kind, a.city])).toEqual([
      ["invoice", "Gent"],
      ["visiting", "Zonder type"],
    ]);
  });
});

const desired = (over: Partial<Relation> = {}): Relation => ({ ...relationFromTribe(org).data, ...over });

describe("relationCreateBody", () => {
  it("builds one deep insert with typed addresses and roles", () => {
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
          { kind: "visiting", street: "Straat", houseNumber: "1", city: "Utrecht", country: "nl" },
          { kind: "invoice", street: "Postbus", houseNumber: "9", city: "Utrecht", country: "NL" },
        ],
      }),
      ids,
    );
    expect(body).toEqual({
      Name: "Nieuw BV",
      EmailAddress: "a@b.nl",
      IsActive: true,
      Addresses: [
        { Street: "Straat", HouseNumber: "1", City: "Utrecht", CountryCode: "NL", AddressType: { ID: VISITING } },
        { Street: "Postbus", HouseNumber: "9", City: "Utrecht", CountryCode: "NL", AddressType: { ID: INVOICE } },
      ],
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

  it("refuses an address type the CRM lacks", () => {
    const d = relationSchema.parse({ kind: "organization", name: "X", isCustomer: false, isSupplier: false, addresses: [{ kind: "delivery", city: "A" }] });
    expect(() => relationCreateBody(d, ids)).toThrow(RecordRejectedError);
  });
});

describe("relationUpdateBody", () => {
  it("is null when nothing differs", () => {
    expect(relationUpdateBody(org, desired())).toBeNull();
  });

  it("sends changed fields, updates children by ID, creates missing ones, deletes nothing", () => {
    const d = desired({
      email: "nieuw@vandijk-tb.nl",
      website: null,
      paymentTermDays: 45,
      debtorNumber: "D-77",
      relationTypes: [...desired().relationTypes, "Partner"],
      addresses: [
        { ...desired().addresses[0]!, street: "Coolsingel", houseNumber: "12" },
        { kind: "invoice", street: "Factuurweg", houseNumber: "1", houseNumberAddition: null, postcode: null, city: "Rotterdam", country: "NL", hostTypeId: null },
      ],
    });
    expect(relationUpdateBody(org, d, ids)).toEqual({
      EmailAddress: "nieuw@vandijk-tb.nl",
      Website: null,
      Addresses: [
        { ID: "e232facf-eff5-553e-8f94-81827934093e", HouseNumber: "12" },
        { Street: "Factuurweg", HouseNumber: "1", City: "Rotterdam", CountryCode: "NL", AddressType: { ID: INVOICE } },
      ],
      Relationships: [
        { ID: "c1", DebtorNumber: "D-77", PaymentTermInDays: 45 },
        { _Type: "Relationship.Organization.Partner" },
      ],
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
    const person = tribeRelation.parse({ ID: "p", _Type: "Relation.Person", LastName: "X", Addresses: [], Relationships: [] });
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
  it("composes the relation after a write from before, body and answer", () => {
    const body = { EmailAddress: "x@y.nl", Addresses: [{ ID: "1f53403c-0828-523a-8268-9a6b8c58dd26", City: "Delft" }] };
    expect(createsChildren(body)).toBe(false);
    const { Addresses: _a, Relationships: _r, ...top } = org;
    const after = applyRelationWrite(org, body, { ...top, EmailAddress: "x@y.nl", LastMutationDate: "2026-02-01T00:00:00.000Z" });
    const rec = relationFromTribe(after);
    expect(rec.data.email).toBe("x@y.nl");
    expect(rec.data.addresses[1]!.city).toBe("Delft");
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

describe("invoices and sales orders", () => {
  const inv = tribeInvoice.parse({
    ID: "i1",
    Number: "2026-0001",
    Subject: "Implementatie",
    InvoiceDate: "2026-01-15",
    PaymentTermInDays: 30,
    Currency: "EUR",
    IsVatIncluded: false,
    TotalExcludingVat: 1545,
    VatAmount: 324.45,
    TotalIncludingVat: 1869.45,
    IsPaid: false,
    Relation: { ID: "r1", Name: "Van Dijk" },
    Phase: { ID: "ph", Code: "Sent", Name: "Verstuurd" },
    Subscription: { ID: "sub1" },
    ProductLines: [
      {
        ID: "l1",
        Description: "Consultancy",
        Quantity: 12,
        Price: 95,
        DiscountPercentage: 0,
        VatPercentage: 21,
        TotalExcludingVat: 1140,
        VatAmount: 239.4,
        Product: { ID: "p1", ProductGroup: { ID: "pg1", Name: "Diensten" } },
        VatGroup: { ID: "vg21", Percentage: 21 },
      },
      {
        ID: "l2",
        Description: "Installatie",
        Quantity: 1,
        Price: 450,
        DiscountPercentage: 10,
        VatPercentage: 21,
        TotalExcludingVat: 405,
        VatAmount: 85.05,
        Product: null,
        VatGroup: null,
      },
    ],
  });

  it("maps an invoice with lines, VAT groups, product groups and its phase", () => {
    const { record, phase } = invoiceFromTribe(inv);
    expect(phase).toBe("Sent");
    expect(record.number).toBe("2026-0001");
    expect(record.data).toMatchObject({
      number: "2026-0001",
      relationId: "r1",
      date: "2026-01-15",
      paymentTermDays: 30,
      subscriptionId: "sub1",
      totalIncludingVat: 1869.45,
      paid: false,
    });
    expect(record.data.lines[0]).toEqual({
      description: "Consultancy",
      productId: "p1",
      productGroupId: "pg1",
      quantity: 12,
      unitPrice: 95,
      discountPercentage: 0,
      vatGroupId: "vg21",
      vatPercentage: 21,
      totalExcludingVat: 1140,
      vatAmount: 239.4,
    });
    expect(record.data.lines[1]).toMatchObject({ productId: null, productGroupId: null, vatGroupId: null, discountPercentage: 10 });
  });

  it("gives the unit price without VAT when prices include VAT", () => {
    const { record } = invoiceFromTribe({ ...inv, IsVatIncluded: true, ProductLines: [{ ...inv.ProductLines![0]!, Price: 121 }] });
    expect(record.data.lines[0]!.unitPrice).toBe(100);
  });

  it("rejects an invoice without lines or without customer", () => {
    expect(() => invoiceFromTribe({ ...inv, ProductLines: [] })).toThrow(RecordRejectedError);
    expect(() => invoiceFromTribe({ ...inv, Relation: null })).toThrow(RecordRejectedError);
  });

  it("maps a sales order", () => {
    const { record, phase } = salesOrderFromTribe({
      ...inv,
      Number: "SO2026-0001",
      OrderDate: "2026-02-01T00:00:00Z",
      DeliveryDate: "2026-02-10",
      CustomerReference: "PO-77",
      Phase: { ID: "x", Code: "Linked" },
    });
    expect(phase).toBe("Linked");
    expect(record.data).toMatchObject({ number: "SO2026-0001", date: "2026-02-01", deliveryDate: "2026-02-10", customerReference: "PO-77", paid: false });
  });

  it("names the document file", () => {
    expect(documentFileName("factuur", "2026/0001")).toBe("factuur-2026_0001.pdf");
  });
});

describe("mutatedBy", () => {
  const REL = "5cbd5864-6a67-5308-8796-a4f6016f53f6";
  const before = tribeRelation.parse({
    ID: REL,
    _Type: "Relation.Organization",
    Name: "Van Dijk",
    Addresses: [{ ID: "a1", _Type: "Address", AddressType: { ID: VISITING, Code: "Visiting" } }],
    Relationships: [{ ID: "r1", _Type: "Relationship.Organization.CommercialRelationship.Customer" }],
  });
  const withPostal = (postalId: string) =>
    tribeRelation.parse({ ...before, Addresses: [...before.Addresses!, { ID: postalId, _Type: "Address", AddressType: { ID: POSTAL, Code: "Postal" } }] });

  it("names the relation only when its own fields change, and the children the body names", () => {
    expect(mutatedBy(REL, { Addresses: [{ ID: "a1", Street: "Nieuw" }] }, before, before)).toEqual(["a1"]);
    expect(mutatedBy(REL, { EmailAddress: "x@y.nl" }, before, before)).toEqual([REL]);
  });

  it("names the children a write created, also when the update was planned on a rebuilt shape", () => {
    const body = { Addresses: [{ AddressType: { ID: POSTAL }, Street: "Postbus 1" }] };
    expect(mutatedBy(REL, body, before, withPostal("a2"))).toEqual(["a2"]);
    const shape = relationToTribeShape(REL, relationFromTribe(before).data);
    expect(mutatedBy(REL, body, shape, withPostal("a2")), "the existing visiting address and role were not touched").toEqual(["a2"]);
  });

  it("names the relation and all its children on a create", () => {
    expect(mutatedBy(REL, { Name: "Van Dijk" }, null, before).sort()).toEqual(["a1", REL, "r1"].sort());
  });
});
