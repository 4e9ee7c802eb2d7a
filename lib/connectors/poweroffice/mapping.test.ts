import { describe, expect, it } from "vitest";
import { invoice, product, relation, type InvoiceInput, type RelationInput } from "@/lib/model";
import { RecordRejectedError } from "@/lib/sync/types";
import {
  contactPersonFromDto,
  contactPersonToDto,
  customerToRelation,
  invoiceToSalesOrder,
  isActiveContact,
  joinLastName,
  outgoingInvoiceToPayment,
  productFromDto,
  productToPowerOffice,
  rejectionOf,
  relationToCustomerFields,
  relationToCustomerPost,
  relationToSupplierPost,
  salesOrderReference,
  splitLastName,
  supplierToRelation,
  unitFromCode,
  type CustomerDto,
  type ProductContext,
  type ProductDto,
  type SalesOrderContext,
  type SupplierDto,
  type Wire,
} from "./mapping";
import { readOnlyMembers, specErrors } from "./mapping-spec.test-util";

// ------------------------------------------------------------------ fixtures (the sandbox seed's Nordlys Interiør AS)

function customer(over: Partial<Wire<CustomerDto>> = {}): Wire<CustomerDto> {
  return {
    Id: 5001,
    Number: 10001,
    Name: "Havbris Hotell AS",
    LegalName: "Havbris Hotell AS",
    IsPerson: false,
    FirstName: null,
    LastName: null,
    OrganizationNumber: "912345670",
    EmailAddress: "post@havbris-hotell.test",
    InvoiceEmailAddress: "faktura@havbris-hotell.test",
    PhoneNumber: "+47 55 30 10 00",
    WebsiteUrl: "https://havbris-hotell.test",
    MailAddress: { Id: 77, AddressLine1: "Bryggen 12", AddressLine2: null, ZipCode: "5003", City: "Bergen", CountryCode: "NO" },
    PaymentTerm: 14,
    IsActive: true,
    IsArchived: false,
    LastChangedDateTimeOffset: "2024-06-03T10:00:00.1234567Z",
    ...over,
  };
}

function supplier(over: Partial<Wire<SupplierDto>> = {}): Wire<SupplierDto> {
  return {
    Id: 6001,
    Number: 20001,
    Name: "Møbelgrossisten AS",
    OrganizationNumber: "956789014",
    EmailAddress: "salg@mobelgrossisten.test",
    PhoneNumber: "+47 22 40 50 60",
    WebsiteUrl: "https://mobelgrossisten.test",
    MailAddress: { AddressLine1: "Industriveien 40", ZipCode: "2020", City: "Skedsmokorset", CountryCode: "NO" },
    IsActive: true,
    IsArchived: false,
    ...over,
  };
}

const person = (over: Partial<Wire<CustomerDto>> = {}) =>
  customer({ Id: 5003, Number: 10003, IsPerson: true, Name: "Ingrid Berg", LegalName: null, FirstName: "Ingrid", LastName: "Berg", OrganizationNumber: null, EmailAddress: "ingrid.berg@epost.test", PhoneNumber: "+47 934 56 789", WebsiteUrl: null, ...over });

const org = (over: Partial<RelationInput> = {}) =>
  relation.parse({
    kind: "organization",
    name: "Havbris Hotell AS",
    isCustomer: true,
    isSupplier: false,
    debtorNumber: "D-17",
    vatNumber: "912345670",
    email: "post@havbris-hotell.test",
    phone: "+47 55 30 10 00",
    website: "https://havbris-hotell.test",
    paymentTermDays: 30,
    addresses: [
      { kind: "visiting", street: "Strandkaien", houseNumber: "2", postcode: "5013", city: "Bergen", country: "NO" },
      { kind: "invoice", street: "Bryggen", houseNumber: "12", houseNumberAddition: "B", postcode: "5003", city: "Bergen", country: "NO" },
    ],
    ...over,
  });

const annaDeVries = (over: Partial<RelationInput> = {}) =>
  relation.parse({
    kind: "person",
    name: "Anna de Vries",
    firstName: "Anna",
    middleName: "de",
    lastName: "Vries",
    isCustomer: true,
    isSupplier: false,
    email: "anna@example.test",
    phone: "+31 6 1234 5678",
    ...over,
  });

// ================================================================== Organisatie (Klant/Leverancier)

describe("Organisatie: PowerOffice → CRM", () => {
  const rel = relation.parse(customerToRelation(customer()));

  it("Name → Organisatienaam", () => {
    expect(rel).toMatchObject({ kind: "organization", name: "Havbris Hotell AS", firstName: null, lastName: null });
  });
  it("Website → Website", () => {
    expect(rel.website).toBe("https://havbris-hotell.test");
  });
  it("CustomerNumber → Debiteurnummer", () => {
    expect(rel).toMatchObject({ debtorNumber: "10001", creditorNumber: null, isCustomer: true, isSupplier: false });
  });
  it("Address → Factuuradres (street and house number split)", () => {
    expect(rel.addresses).toEqual([
      { kind: "invoice", street: "Bryggen", houseNumber: "12", houseNumberAddition: null, postcode: "5003", city: "Bergen", country: "NO", hostTypeId: null },
    ]);
  });
  it("Email → E-mailadres", () => {
    expect(rel.email).toBe("post@havbris-hotell.test");
  });
  it("Phone → Telefoonnummer", () => {
    expect(rel.phone).toBe("+47 55 30 10 00");
  });
  it("Organisation Number → BTW-nummer", () => {
    expect(rel.vatNumber).toBe("912345670");
  });
  it("SupplierNumber → Crediteurnummer", () => {
    const s = relation.parse(supplierToRelation(supplier()));
    expect(s).toMatchObject({ creditorNumber: "20001", debtorNumber: null, isSupplier: true, isCustomer: false, name: "Møbelgrossisten AS" });
    // a supplier has no payment term in Go
    expect(s.paymentTermDays).toBeNull();
  });

  it("PaymentTerm (days) → paymentTermDays", () => {
    expect(rel.paymentTermDays).toBe(14);
  });

  it("one contact that is customer and supplier gives one relation with both numbers", () => {
    const both = relation.parse(customerToRelation(customer(), { supplier: supplier({ Id: 5001, Number: 20003 }) }));
    expect(both).toMatchObject({ isCustomer: true, isSupplier: true, debtorNumber: "10001", creditorNumber: "20003", name: "Havbris Hotell AS" });
  });

  it("IsActive false or IsArchived → inactive (the connector keeps it active in the CRM)", () => {
    expect(customerToRelation(customer({ IsActive: false })).active).toBe(false);
    expect(customerToRelation(customer({ IsArchived: true })).active).toBe(false);
    expect(isActiveContact(customer())).toBe(true);
    // inactive as customer, still an active supplier: the relation is active
    expect(customerToRelation(customer({ IsActive: false }), { supplier: supplier() }).active).toBe(true);
  });

  it("survives the nulls Go sends and defaults the country to NO", () => {
    const r = relation.parse(
      customerToRelation(customer({ WebsiteUrl: null, PhoneNumber: null, PaymentTerm: null, MailAddress: { AddressLine1: "Postboks 404", ZipCode: " 161 ", City: "Oslo", CountryCode: null } })),
    );
    expect(r).toMatchObject({ website: null, phone: null, paymentTermDays: null });
    expect(r.addresses[0]).toMatchObject({ street: "Postboks", houseNumber: "404", postcode: "161", country: "NO" });
    expect(customerToRelation(customer({ MailAddress: null })).addresses).toEqual([]);
  });

  it("keeps active contact persons", () => {
    const r = relation.parse(
      customerToRelation(customer(), {
        contactPersons: [
          { Id: 1, FirstName: "Kari", LastName: "Nordmann", EmailAddress: "kari@havbris.test", PhoneNumber: "+47 915 00 001", IsActive: true },
          { Id: 2, FirstName: "Gammel", LastName: "Kontakt", IsActive: false },
        ],
      }),
    );
    expect(r.contactPersons).toEqual([{ firstName: "Kari", middleName: null, lastName: "Nordmann", email: "kari@havbris.test", phone: "+47 915 00 001", mobile: null }]);
  });
});

describe("Organisatie: CRM → PowerOffice", () => {
  const body = relationToCustomerPost(org());

  it("Organisatienaam → Name", () => {
    expect(body).toMatchObject({ Name: "Havbris Hotell AS", IsPerson: false });
    expect(body).not.toHaveProperty("FirstName");
  });
  it("Website → WebsiteUrl", () => {
    expect(body.WebsiteUrl).toBe("https://havbris-hotell.test");
  });
  it("Debiteurnummer is not sent: PowerOffice assigns the number (unless told)", () => {
    expect(body).not.toHaveProperty("Number");
    expect(relationToCustomerPost(org(), { number: 10042 }).Number).toBe(10042);
  });
  it("Factuuradres → MailAddress (house number joined)", () => {
    expect(body.MailAddress).toEqual({ AddressLine1: "Bryggen 12B", ZipCode: "5003", City: "Bergen", CountryCode: "NO" });
  });
  it("E-mailadres → EmailAddress", () => {
    expect(body.EmailAddress).toBe("post@havbris-hotell.test");
  });
  it("Telefoonnummer → PhoneNumber", () => {
    expect(body.PhoneNumber).toBe("+47 55 30 10 00");
  });
  it("BTW-nummer → OrganizationNumber", () => {
    expect(body.OrganizationNumber).toBe("912345670");
  });
  it("Crediteurnummer is not sent either", () => {
    const s = relationToSupplierPost(org({ isCustomer: false, isSupplier: true, creditorNumber: "C-9" }));
    expect(s).not.toHaveProperty("Number");
    expect(s).not.toHaveProperty("PaymentTerm");
    expect(s).toMatchObject({ Name: "Havbris Hotell AS", OrganizationNumber: "912345670" });
    expect(specErrors("SupplierPostDto", s)).toEqual([]);
  });

  it("payment term in days and an import reference", () => {
    const b = relationToCustomerPost(org(), { externalImportReference: "ledgerlink:rel-1" });
    expect(b).toMatchObject({ PaymentTerm: 30, ExternalImportReference: "ledgerlink:rel-1" });
  });

  it("is a valid CustomerPostDto; without an invoice address Go gets no MailAddress", () => {
    expect(specErrors("CustomerPostDto", body)).toEqual([]);
    const noInvoice = relationToCustomerPost(org({ addresses: [{ kind: "visiting", street: "Strandkaien", houseNumber: "2", city: "Bergen" }] }));
    expect(noInvoice).not.toHaveProperty("MailAddress");
    expect(specErrors("CustomerPostDto", noInvoice)).toEqual([]);
  });

  it("round-trips through customerToRelation", () => {
    const back = relation.parse(customerToRelation({ ...body, Id: 1, Number: 10042, PaymentTerm: body.PaymentTerm } as Wire<CustomerDto>));
    expect(back.addresses).toEqual([org().addresses[1]]);
    expect(back).toMatchObject({ name: "Havbris Hotell AS", website: org().website, email: org().email, phone: org().phone, vatNumber: org().vatNumber, paymentTermDays: 30 });
  });
});

describe("relationToCustomerFields: the patchable view", () => {
  it("has exactly the members we own, null where the CRM has nothing", () => {
    expect(relationToCustomerFields(org({ website: null, addresses: [] }))).toEqual({
      Name: "Havbris Hotell AS",
      FirstName: null,
      LastName: null,
      IsPerson: false,
      EmailAddress: "post@havbris-hotell.test",
      PhoneNumber: "+47 55 30 10 00",
      WebsiteUrl: null,
      OrganizationNumber: "912345670",
      MailAddress: { AddressLine1: null, ZipCode: null, City: null, CountryCode: null },
    });
  });

  it("differs only where the CRM changed", () => {
    const before = relationToCustomerFields(org());
    const after = relationToCustomerFields(org({ email: "ny@havbris-hotell.test" }));
    const changed = Object.keys(before).filter((k) => JSON.stringify(before[k as keyof typeof before]) !== JSON.stringify(after[k as keyof typeof after]));
    expect(changed).toEqual(["EmailAddress"]);
  });

  it("every member is a writable member of CustomerDto and SupplierDto", () => {
    const view = relationToCustomerFields(annaDeVries({ addresses: [{ kind: "invoice", street: "Bryggen", houseNumber: "1", postcode: "5003", city: "Bergen", country: "NO" }] }));
    expect(specErrors("CustomerDto", view)).toEqual([]);
    expect(specErrors("SupplierDto", view)).toEqual([]);
    const readOnly = [...readOnlyMembers("CustomerDto"), ...readOnlyMembers("SupplierDto"), ...readOnlyMembers("ContactAddressDto").map((m) => `MailAddress.${m}`)];
    expect(readOnly).toContain("PaymentTerm");
    const members = [...Object.keys(view), ...Object.keys(view.MailAddress).map((m) => `MailAddress.${m}`)];
    expect(members.filter((m) => readOnly.includes(m))).toEqual([]);
  });
});

// ================================================================== Contactpersoon

describe("Contactpersoon", () => {
  const dto = { Id: 9, ContactId: 5001, FirstName: "Anna", LastName: "van der Berg", EmailAddress: "anna@havbris.test", PhoneNumber: "+47 915 00 009", IsActive: true };

  it("Name → Voornaam, Tussenvoegsel, Achternaam (and back)", () => {
    expect(contactPersonFromDto(dto)).toMatchObject({ firstName: "Anna", middleName: "van der", lastName: "Berg" });
    const out = contactPersonToDto(contactPersonFromDto(dto));
    expect(out).toMatchObject({ FirstName: "Anna", LastName: "van der Berg" });
  });
  it("Telephone → Telefoonnummer (and back)", () => {
    expect(contactPersonFromDto(dto).phone).toBe("+47 915 00 009");
    expect(contactPersonToDto(contactPersonFromDto(dto)).PhoneNumber).toBe("+47 915 00 009");
  });
  it("E-mail → E-mailadres (and back)", () => {
    expect(contactPersonFromDto(dto).email).toBe("anna@havbris.test");
    expect(contactPersonToDto(contactPersonFromDto(dto)).EmailAddress).toBe("anna@havbris.test");
  });
  it("is a valid ContactPersonPostDto, also without a first name", () => {
    expect(specErrors("ContactPersonPostDto", contactPersonToDto(contactPersonFromDto(dto)))).toEqual([]);
    // also the patchable view of a ContactPersonDto
    expect(Object.keys(contactPersonToDto(contactPersonFromDto(dto))).filter((m) => readOnlyMembers("ContactPersonDto").includes(m))).toEqual([]);
    const noFirst = contactPersonToDto({ firstName: null, middleName: null, lastName: "Nordmann", email: null, phone: null, mobile: null });
    expect(noFirst).toEqual({ FirstName: null, LastName: "Nordmann", EmailAddress: null, PhoneNumber: null });
    expect(specErrors("ContactPersonPostDto", noFirst)).toEqual([]);
  });
});

describe("tussenvoegsel", () => {
  it.each([
    ["de Vries", "de", "Vries"],
    ["van der Berg", "van der", "Berg"],
    ["van 't Hek", "van 't", "Hek"],
    ["Nordmann", null, "Nordmann"],
    // capitalised: part of the surname (Flemish)
    ["De Smet", null, "De Smet"],
    // a particle alone is the surname
    ["van", null, "van"],
  ])("%j → %j + %j", (last, middle, rest) => {
    expect(splitLastName(last)).toEqual({ middleName: middle, lastName: rest });
    expect(joinLastName(splitLastName(last))).toBe(last);
  });
});

// ================================================================== Persoon (individuele klant)

describe("Persoon: PowerOffice → CRM", () => {
  it("Name → Voornaam, Tussenvoegsel, Achternaam", () => {
    const r = relation.parse(customerToRelation(person({ FirstName: "Anna", LastName: "de Vries", Name: "Anna de Vries" })));
    expect(r).toMatchObject({ kind: "person", name: "Anna de Vries", firstName: "Anna", middleName: "de", lastName: "Vries" });
    // only a full name: split it
    const onlyName = relation.parse(customerToRelation(person({ FirstName: null, LastName: null, Name: "Lars Johansen" })));
    expect(onlyName).toMatchObject({ firstName: "Lars", middleName: null, lastName: "Johansen", name: "Lars Johansen" });
  });
  it("Customer contact number → Debiteurnummer", () => {
    expect(customerToRelation(person()).debtorNumber).toBe("10003");
  });
  it("Telephone → Privé telefoonnummer", () => {
    expect(customerToRelation(person()).phone).toBe("+47 934 56 789");
  });
  it("E-mail → Privé e-mailadres", () => {
    expect(customerToRelation(person()).email).toBe("ingrid.berg@epost.test");
  });
});

describe("Persoon: CRM → PowerOffice", () => {
  const body = relationToCustomerPost(annaDeVries());

  it("Voornaam, Tussenvoegsel, Achternaam → IsPerson + FirstName/LastName", () => {
    expect(body).toMatchObject({ IsPerson: true, FirstName: "Anna", LastName: "de Vries", Name: "Anna de Vries" });
  });
  it("Debiteurnummer is not sent", () => {
    expect(body).not.toHaveProperty("Number");
  });
  it("Privé telefoonnummer → PhoneNumber", () => {
    expect(body.PhoneNumber).toBe("+31 6 1234 5678");
  });
  it("Privé e-mailadres → EmailAddress", () => {
    expect(body.EmailAddress).toBe("anna@example.test");
  });
  it("is valid, and a person known by a full name only is split for Go", () => {
    expect(specErrors("CustomerPostDto", body)).toEqual([]);
    const nameOnly = relationToCustomerPost(annaDeVries({ firstName: null, middleName: null, lastName: null, name: "Jan van Dijk" }));
    expect(nameOnly).toMatchObject({ FirstName: "Jan", LastName: "van Dijk" });
  });
  it("round-trips the tussenvoegsel", () => {
    const back = relation.parse(customerToRelation({ ...body, Id: 1, Number: 10050 } as Wire<CustomerDto>));
    expect(back).toMatchObject({ kind: "person", firstName: "Anna", middleName: "de", lastName: "Vries", name: "Anna de Vries" });
  });
});

// ================================================================== Producten

const ACC = { a3000: 101, a3010: 102, a3100: 103, a3099: 104, a1500: 105 };
const productCtx: ProductContext = {
  unitMapping: { Stuk: "EA", Uur: "HUR", Dag: "DAY", Kilogram: "KGM", St: "EA" },
  vatMapping: { "vat-no25": "3", "vat-no15": "31", "vat-nl21": "3", "vat-no0": "5" },
  defaultLedgerAccountId: ACC.a3000,
  productGroups: [
    { Id: 201, Code: "1", Name: "Møbler", StandardSalesAccountId: ACC.a3000, StandardSalesAccount: 3000 },
    { Id: 202, Code: "2", Name: "Tekstiler", StandardSalesAccountId: ACC.a3000, StandardSalesAccount: 3000 },
    { Id: 203, Code: "SRV", Name: "Tjenester", StandardSalesAccountId: ACC.a3010, StandardSalesAccount: 3010 },
  ],
  ledgerAccounts: [
    { Id: ACC.a1500, AccountNo: 1500, Name: "Kundefordringer", VatCode: "0", IsActive: true },
    { Id: ACC.a3000, AccountNo: 3000, Name: "Salgsinntekt, avgiftspliktig", VatCode: "3", IsActive: true },
    { Id: ACC.a3010, AccountNo: 3010, Name: "Salgsinntekt, middels sats", VatCode: "31", IsActive: true },
    { Id: ACC.a3100, AccountNo: 3100, Name: "Salgsinntekt, avgiftsfri", VatCode: "5", IsActive: true },
    { Id: ACC.a3099, AccountNo: 3099, Name: "Gammel", VatCode: "31", IsActive: false },
  ],
  host: {
    productGroups: [
      { value: "pg-mobler", label: "Møbler" },
      { value: "pg-services", label: "Diensten", hint: "SRV" },
      { value: "pg-hardware", label: "Hardware", hint: "HW" },
    ],
    vatGroups: [
      { value: "vat-nl21", country: "NL" },
      { value: "vat-no25", country: "NO" },
      { value: "vat-no15", country: "NO" },
      { value: "vat-no0", country: "NO" },
    ],
    ledgerAccounts: [
      { value: "gl-3000", hint: "3000" },
      { value: "gl-3010", hint: "3010" },
    ],
    ownCountry: "NO",
  },
};

const sofa = (over: Partial<Wire<ProductDto>> = {}): Wire<ProductDto> => ({
  Id: 301,
  Code: "SOFA-3",
  Name: "Sofa Bergen 3-seter",
  Description: "Tre-seter i ullstoff, eikeben",
  ProductGroupId: 201,
  ProductGroupCode: "1",
  UnitPrice: 12990,
  UnitCost: 7100,
  UnitOfMeasureCode: "EA",
  StandardSalesAccountId: null,
  StandardSalesAccount: null,
  IsArchived: false,
  ...over,
});

describe("Producten: PowerOffice → CRM", () => {
  const p = product.parse(productFromDto(sofa(), productCtx));

  it("No. → Code", () => {
    expect(p.code).toBe("SOFA-3");
  });
  it("Name → Naam", () => {
    expect(p.name).toBe("Sofa Bergen 3-seter");
  });
  it("Product group → Productgroep (by name, else by code)", () => {
    expect(p.productGroupId).toBe("pg-mobler");
    expect(productFromDto(sofa({ ProductGroupId: 203 }), productCtx).productGroupId).toBe("pg-services");
    expect(productFromDto(sofa({ ProductGroupId: 202 }), productCtx).productGroupId).toBeNull();
  });
  it("Unit price → Verkoopprijs", () => {
    expect(p.salesPrice).toBe(12990);
  });
  it("Description → Omschrijving", () => {
    expect(p.description).toBe("Tre-seter i ullstoff, eikeben");
  });
  it("Unit cost price → Inkoopprijs", () => {
    expect(p.purchasePrice).toBe(7100);
  });
  it("VAT group → BTW (the VAT code of its sales account, own country first)", () => {
    // the group's account 3000 has VAT code 3: mapped from vat-nl21 and vat-no25; NO is the own country
    expect(p).toMatchObject({ vatGroupId: "vat-no25", ledgerAccountId: "gl-3000" });
    // the product's own account wins over its group's
    expect(productFromDto(sofa({ StandardSalesAccountId: ACC.a3010 }), productCtx)).toMatchObject({ vatGroupId: "vat-no15", ledgerAccountId: "gl-3010" });
    // no account on the product or its group: the default account of the settings
    expect(productFromDto(sofa({ ProductGroupId: null, ProductGroupCode: null }), { ...productCtx, defaultLedgerAccountId: ACC.a3010 })).toMatchObject({ vatGroupId: "vat-no15", productGroupId: null });
    // an account with a VAT code no group is mapped to
    expect(productFromDto(sofa({ StandardSalesAccountId: ACC.a3100 }), { ...productCtx, vatMapping: {} })).toMatchObject({ vatGroupId: null, ledgerAccountId: null });
  });
  it("Unit → Unit (reverse of the Units mapping; unmapped code → null)", () => {
    expect(p.unit).toBe("Stuk");
    expect(productFromDto(sofa({ UnitOfMeasureCode: "EA" }), productCtx, "St").unit).toBe("St");
    expect(productFromDto(sofa({ UnitOfMeasureCode: "MTR" }), productCtx).unit).toBeNull();
    expect(productFromDto(sofa({ UnitOfMeasureCode: null }), productCtx).unit).toBeNull();
    expect(unitFromCode("hur", productCtx.unitMapping)).toBe("Uur");
  });

  it("an archived product is inactive in the CRM", () => {
    expect(p.active).toBe(true);
    expect(product.parse(productFromDto(sofa({ IsArchived: true }), productCtx)).active).toBe(false);
  });
});

describe("Producten: CRM → PowerOffice", () => {
  const crm = product.parse({
    code: "KONS-T",
    name: "Interiørkonsultasjon",
    description: "Rådgivning per time",
    unit: "Uur",
    productGroupId: "pg-services",
    vatGroupId: "vat-no15",
    salesPrice: 950,
    purchasePrice: 400,
  });
  const result = productToPowerOffice(crm, productCtx);
  const body = result.ok ? result.body : (() => { throw new Error(JSON.stringify(result.problems)); })();

  it("Code → No.", () => {
    expect(body.Code).toBe("KONS-T");
  });
  it("Naam → Name", () => {
    expect(body.Name).toBe("Interiørkonsultasjon");
  });
  it("Productgroep → Product group (by name, else code)", () => {
    expect(body.ProductGroupId).toBe(203);
    const noGroup = productToPowerOffice({ ...crm, productGroupId: "pg-hardware" }, productCtx);
    expect(noGroup.ok && noGroup.body).not.toHaveProperty("ProductGroupId");
    // an update leaves the product in its group rather than move it to Go's default group
    const kept = productToPowerOffice({ ...crm, productGroupId: "pg-hardware" }, productCtx, sofa({ ProductGroupId: 202 }));
    expect(kept.ok && kept.body.ProductGroupId).toBe(202);
  });
  it("Verkoopprijs → Unit price", () => {
    expect(body.UnitPrice).toBe(950);
  });
  it("Omschrijving → Description", () => {
    expect(body.Description).toBe("Rådgivning per time");
  });
  it("Inkoopprijs → Unit cost price", () => {
    expect(body.UnitCost).toBe(400);
  });
  it("BTW → the sales account with the mapped VAT code", () => {
    // vat-no15 → code 31 → account 3010 (the inactive 3099 also has 31)
    expect(body.StandardSalesAccountId).toBe(ACC.a3010);
    // 25 %: the default account has code 3
    const high = productToPowerOffice({ ...crm, vatGroupId: "vat-no25" }, productCtx);
    expect(high.ok && high.body.StandardSalesAccountId).toBe(ACC.a3000);
    // no VAT group: the CRM's ledger account by number, else the default
    const byLedger = productToPowerOffice({ ...crm, vatGroupId: null, ledgerAccountId: "gl-3010" }, productCtx);
    expect(byLedger.ok && byLedger.body.StandardSalesAccountId).toBe(ACC.a3010);
    const plain = productToPowerOffice({ ...crm, vatGroupId: null }, productCtx);
    expect(plain.ok && plain.body.StandardSalesAccountId).toBe(ACC.a3000);
  });
  it("keeps a bookkeeper's account when it has the mapped VAT code", () => {
    const accounts = [...productCtx.ledgerAccounts, { Id: 110, AccountNo: 3011, Name: "Annen", VatCode: "31", IsActive: true }];
    const r = productToPowerOffice(crm, { ...productCtx, ledgerAccounts: accounts }, sofa({ StandardSalesAccountId: 110 }));
    expect(r.ok && r.body.StandardSalesAccountId).toBe(110);
  });
  it("Unit → Unit (through the Units mapping)", () => {
    expect(body.UnitOfMeasureCode).toBe("HUR");
  });
  it("inactive → archived", () => {
    expect(body.IsArchived).toBe(false);
    const r = productToPowerOffice({ ...crm, active: false }, productCtx);
    expect(r.ok && r.body.IsArchived).toBe(true);
  });
  it("is a valid ProductPostDto, and every member is writable on ProductDto (the patchable view)", () => {
    expect(specErrors("ProductPostDto", body)).toEqual([]);
    expect(specErrors("ProductDto", body)).toEqual([]);
    expect(Object.keys(body).filter((m) => readOnlyMembers("ProductDto").includes(m))).toEqual([]);
  });
  it("round-trips through productFromDto", () => {
    const back = product.parse(productFromDto({ ...body, Id: 9 } as Wire<ProductDto>, productCtx));
    expect(back).toMatchObject({ code: "KONS-T", name: crm.name, description: crm.description, unit: "Uur", productGroupId: "pg-services", vatGroupId: "vat-no15", salesPrice: 950, purchasePrice: 400, active: true });
  });

  it("an unmapped unit or VAT group is a problem, not a guess", () => {
    const r = productToPowerOffice({ ...crm, unit: "Doos", vatGroupId: "vat-be6" }, productCtx);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems.map((p) => [p.code, p.params])).toEqual([
      ["unmappedUnit", { unit: "Doos" }],
      ["unmappedVatGroup", { vatGroup: "vat-be6" }],
    ]);
  });
});

// ================================================================== Factuur

function makeInvoice(over: Partial<InvoiceInput> = {}) {
  return invoice.parse({
    number: "2026-0042",
    relationId: "host-rel-1",
    date: "2026-03-31",
    paymentTermDays: 30,
    currency: "NOK",
    subject: "Oppussing lobby",
    lines: [
      { description: "Sofa", productId: "host-sofa", quantity: 2, unitPrice: 12990, discountPercentage: 10, vatGroupId: "vat-no25", vatPercentage: 25, totalExcludingVat: 23382, vatAmount: 5845.5 },
      { description: "Konsultasjon", productId: null, quantity: 3, unitPrice: 950, vatGroupId: "vat-no25", vatPercentage: 25, totalExcludingVat: 2850, vatAmount: 712.5 },
      { description: "Levering uke 14", productId: null, quantity: 1, unitPrice: 0, vatGroupId: null, vatPercentage: 0, totalExcludingVat: 0, vatAmount: 0 },
    ],
    totalExcludingVat: 26232,
    vatAmount: 6558,
    totalIncludingVat: 32790,
    ...over,
  });
}

const INSTALLATION = "3f8a2c71-0000-4000-8000-000000000c11";
const soCtx: SalesOrderContext = {
  customerId: 5001,
  installationId: INSTALLATION,
  productIds: { "host-sofa": 301 },
  settings: { vatMapping: { "vat-no25": "3", "vat-no15": "31", "vat-no0": "5" }, unitMapping: { Stuk: "EA", Uur: "HUR" }, salesOrderStatus: "Draft" },
};

function booked(inv = makeInvoice(), ctx = soCtx) {
  const r = invoiceToSalesOrder(inv, ctx);
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.body;
}

describe("Factuur: CRM → PowerOffice", () => {
  it("Nummer → Contact Number: ExternalImportReference (installation + number), ImportedOrderNo when numeric", () => {
    const body = booked();
    expect(body.ExternalImportReference).toBe(salesOrderReference(INSTALLATION, "2026-0042"));
    expect(body.ExternalImportReference).toBe(`ledgerlink:${INSTALLATION}:inv:2026-0042`);
    expect(body).not.toHaveProperty("ImportedOrderNo");
    expect(body).not.toHaveProperty("CustomerReference");
    expect(booked(makeInvoice({ number: "20260042" })).ImportedOrderNo).toBe(20260042);
  });
  it("Betalingsvoorwaarden in dagen → Payment terms", () => {
    expect(booked().PaymentTerm).toBe(30);
  });
  it("Factuurdatum → Delivery date (and the order date)", () => {
    expect(booked()).toMatchObject({ DeliveryDate: "2026-03-31", SalesOrderDate: "2026-03-31" });
  });
  it("Productregels → Invoice lines", () => {
    expect(booked().SalesOrderLines).toEqual([
      { LineType: "Normal", Description: "Sofa", ProductId: 301, Quantity: 2, ProductUnitPrice: 12990, Allowance: 10, SortOrder: 0 },
      { LineType: "Normal", Description: "Konsultasjon", Quantity: 3, ProductUnitPrice: 950, Allowance: 0, SortOrder: 1 },
      { LineType: "Text", Description: "Levering uke 14", SortOrder: 2 },
    ]);
  });

  it("header: customer, currency and the status from the settings", () => {
    expect(booked()).toMatchObject({ CustomerId: 5001, CurrencyCode: "NOK", SalesOrderStatus: "Draft" });
    expect(booked(makeInvoice(), { ...soCtx, settings: { ...soCtx.settings, salesOrderStatus: "Confirmed" } }).SalesOrderStatus).toBe("Confirmed");
  });

  it("is a valid SalesOrderCompletePostDto", () => {
    expect(specErrors("SalesOrderCompletePostDto", booked())).toEqual([]);
  });

  it("a line's unit goes through the Units mapping", () => {
    const inv = makeInvoice();
    (inv.lines[1] as { unit?: string | null }).unit = "Uur";
    expect(booked(inv).SalesOrderLines?.[1]).toMatchObject({ UnitOfMeasureCode: "HUR" });
  });

  it("an unmapped VAT group is a problem naming the group; a RecordRejectedError with its key", () => {
    const inv = makeInvoice();
    inv.lines[1].vatGroupId = "vat-be21";
    const r = invoiceToSalesOrder(inv, soCtx);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems).toEqual([expect.objectContaining({ code: "unmappedVatGroup", field: "lines.1.vatGroupId", params: { vatGroup: "vat-be21", line: 2 } })]);
    const err = rejectionOf(r.problems);
    expect(err).toBeInstanceOf(RecordRejectedError);
    expect(err.logMessage).toEqual({ key: "connectors.poweroffice.log.unmappedVatGroup", params: { vatGroup: "vat-be21", line: "2" } });
  });

  it("an unmapped unit is a problem naming the unit", () => {
    const inv = makeInvoice();
    (inv.lines[0] as { unit?: string | null }).unit = "Doos";
    const r = invoiceToSalesOrder(inv, soCtx);
    expect(r.ok ? [] : r.problems.map((p) => [p.code, p.params])).toEqual([["unmappedUnit", { unit: "Doos", line: 1 }]]);
  });

  it("names a line without VAT group and a product that is not linked", () => {
    const inv = makeInvoice();
    inv.lines[1].vatGroupId = null;
    const r = invoiceToSalesOrder(inv, { ...soCtx, productIds: {} });
    expect(r.ok ? [] : r.problems.map((p) => p.code)).toEqual(["productNotLinked", "vatGroupMissing"]);
  });

  it("with the accounts known: picks the standard or optional sales account, refuses VAT Go would not charge", () => {
    const lineVat = { productVatCodes: { "301": { standard: "3", optional: "5" } }, defaultVatCode: "3" };
    const body = booked(makeInvoice(), { ...soCtx, lineVat });
    expect(body.SalesOrderLines?.[0]).toMatchObject({ UseStandardSalesAccount: true });
    expect(body.SalesOrderLines?.[1]).not.toHaveProperty("UseStandardSalesAccount");

    const zero = makeInvoice();
    Object.assign(zero.lines[0], { vatGroupId: "vat-no0", vatPercentage: 0 });
    expect(booked(zero, { ...soCtx, lineVat }).SalesOrderLines?.[0]).toMatchObject({ UseStandardSalesAccount: false });

    const fifteen = makeInvoice();
    Object.assign(fifteen.lines[1], { vatGroupId: "vat-no15", vatPercentage: 15 });
    const r = invoiceToSalesOrder(fifteen, { ...soCtx, lineVat });
    expect(r.ok ? [] : r.problems).toEqual([
      expect.objectContaining({ code: "vatCodeMismatch", params: { line: 2, vatGroup: "vat-no15", vatCode: "31", actual: "3" } }),
    ]);
  });

  it("refuses a VAT group mapped to a code of another rate", () => {
    const r = invoiceToSalesOrder(makeInvoice(), { ...soCtx, settings: { ...soCtx.settings, vatMapping: { "vat-no25": "31" } }, vatRates: { "3": 25, "31": 15 } });
    expect(r.ok ? [] : r.problems.map((p) => [p.code, p.params.vatCode, p.params.rate])).toEqual([
      ["vatRateMismatch", "31", 15],
      ["vatRateMismatch", "31", 15],
    ]);
  });
});

// ================================================================== payments

describe("outgoingInvoiceToPayment", () => {
  const sent = {
    Id: "0b8c6c1e-6a55-4d1c-9d7e-1f0f7a3f9a01",
    InvoiceNo: 2,
    CurrencyCode: "NOK",
    TotalAmount: 12450,
    Balance: 10450,
    BalanceLastChangedDateTimeOffset: "2024-03-20T09:00:00.1234567Z",
    IsReversed: false,
  };

  it("part paid: the balance is outstanding", () => {
    expect(outgoingInvoiceToPayment(sent)).toEqual({
      remoteInvoiceId: sent.Id,
      invoiceNumber: "2",
      total: 12450,
      outstanding: 10450,
      currency: "NOK",
      paid: false,
      changedAt: "2024-03-20T09:00:00.1234567Z",
    });
  });

  it("fully paid: nothing outstanding, within rounding", () => {
    expect(outgoingInvoiceToPayment({ ...sent, Balance: 0 })).toMatchObject({ paid: true, outstanding: 0 });
    expect(outgoingInvoiceToPayment({ ...sent, Balance: 0.004 })).toMatchObject({ paid: true, outstanding: 0 });
    expect(outgoingInvoiceToPayment({ ...sent, Balance: 0.01 })).toMatchObject({ paid: false, outstanding: 0.01 });
  });

  it("defaults the currency to NOK and converts a foreign invoice's balance back", () => {
    expect(outgoingInvoiceToPayment({ ...sent, CurrencyCode: null }).currency).toBe("NOK");
    const eur = outgoingInvoiceToPayment({ ...sent, CurrencyCode: "EUR", TotalAmount: 1000, CurrencyExchangeRate: 11.5, Balance: 5750 });
    expect(eur).toMatchObject({ currency: "EUR", total: 1000, outstanding: 500, paid: false });
  });

  it("a reversed invoice is never reported paid", () => {
    expect(outgoingInvoiceToPayment({ ...sent, Balance: 0, IsReversed: true }).paid).toBe(false);
  });
});
