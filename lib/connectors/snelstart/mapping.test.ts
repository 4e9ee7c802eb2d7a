import { describe, expect, it } from "vitest";
import { invoice, product, relation, salesOrder, type InvoiceInput } from "@/lib/model";
import {
  artikelToProduct,
  invoiceToVerkoopboeking,
  joinStreet,
  productToArtikel,
  relatieToRelation,
  relationToRelatie,
  salesOrderToVerkooporder,
  splitStreet,
  verkoopfactuurToPayment,
  type InvoiceBookingContext,
  type OmzetgroepContext,
} from "./mapping";
import { toCents } from "@/lib/model/money";
import { specErrors } from "./spec-validator.test-util";
import type { ArtikelOmzetGroepModel, RelatieModel } from "./types";

const S = "SnelStart.B2B.Api.V2.Models";
const NL = "11111111-1111-1111-1111-111111111111";
const BE = "22222222-2222-2222-2222-222222222222";
const landen = { [NL]: "NL", [BE]: "BE" };
const landIdByCountry = { NL, BE };
const addressKinds = { vestigingsAdres: "visiting", correspondentieAdres: "postal" } as const;

const LEDGER_DEFAULT = "8a1f0c1e-0000-4000-8000-000000000001";
const LEDGER_SERVICES = "8a1f0c1e-0000-4000-8000-000000000002";
const KLANT_ID = "c0ffee00-0000-4000-8000-000000000001";

describe("splitStreet", () => {
  it.each([
    ["Keizersgracht 123-A", "Keizersgracht", "123", "A"],
    ["Dorpsstraat 5 bis", "Dorpsstraat", "5", "bis"],
    ["Laan van Meerdervoort 12a", "Laan van Meerdervoort", "12", "a"],
    ["1e Jan Steenstraat 3 B", "1e Jan Steenstraat", "3", "B"],
    ["Kerkstraat 1", "Kerkstraat", "1", null],
    ["Kerkstraat 12 hs", "Kerkstraat", "12", "hs"],
    ["Kerkstraat 12-III", "Kerkstraat", "12", "III"],
    ["Kerkstraat 12 - 14", "Kerkstraat", "12", "14"],
    ["Kerkstraat 12/2", "Kerkstraat", "12", "2"],
    ["Oudegracht 12bis", "Oudegracht", "12", "bis"],
    ["Plein 1940-1945 3", "Plein 1940-1945", "3", null],
    ["Rue de la Loi 16 bte 3", "Rue de la Loi", "16", "bte 3"],
    ["Kerkstraat 12 bus 3", "Kerkstraat", "12", "bus 3"],
    ["  Kerkstraat   7  ", "Kerkstraat", "7", null],
    ["10 Downing Street", "Downing Street", "10", null],
    ["Keizersgracht123A", "Keizersgracht", "123", "A"],
    ["Postbus 5000", "Postbus", "5000", null],
    ["Dorpsstraat", "Dorpsstraat", null, null],
    ["1e Jan Steenstraat", "1e Jan Steenstraat", null, null],
  ])("%j → %j %j %j", (input, street, houseNumber, houseNumberAddition) => {
    expect(splitStreet(input)).toEqual({ street, houseNumber, houseNumberAddition });
  });

  it("treats empty input as no address", () => {
    expect(splitStreet("")).toEqual({ street: null, houseNumber: null, houseNumberAddition: null });
    expect(splitStreet(null)).toEqual({ street: null, houseNumber: null, houseNumberAddition: null });
  });

  it.each([
    [{ street: "Keizersgracht", houseNumber: "123", houseNumberAddition: "A" }, "Keizersgracht 123A"],
    [{ street: "Dorpsstraat", houseNumber: "5", houseNumberAddition: "bis" }, "Dorpsstraat 5 bis"],
    [{ street: "Kerkstraat", houseNumber: "12", houseNumberAddition: "2" }, "Kerkstraat 12-2"],
    [{ street: "Kerkstraat", houseNumber: "12", houseNumberAddition: null }, "Kerkstraat 12"],
    [{ street: "Kerkstraat", houseNumber: null, houseNumberAddition: null }, "Kerkstraat"],
  ])("joinStreet(%j) = %j and splits back", (parts, joined) => {
    expect(joinStreet(parts)).toBe(joined);
    expect(splitStreet(joined)).toEqual(parts);
  });
});

function relatie(over: Partial<RelatieModel> = {}): RelatieModel {
  return {
    id: "aaaaaaaa-0000-4000-8000-000000000001",
    relatiesoort: ["Klant"],
    relatiecode: 1001,
    naam: "Bakkerij De Gouden Korst B.V.",
    vestigingsAdres: { straat: "Keizersgracht 123-A", postcode: "1015 CJ", plaats: "Amsterdam", land: { id: NL } },
    correspondentieAdres: { straat: "Postbus 5000", postcode: "1000 AA", plaats: "Amsterdam", land: { id: NL } },
    telefoon: "020-1234567",
    mobieleTelefoon: "06-12345678",
    email: "info@goudenkorst.nl",
    websiteUrl: "https://goudenkorst.nl",
    btwNummer: "NL001234567B01",
    kvkNummer: "12345678",
    krediettermijn: 30,
    nonactief: false,
    modifiedOn: "2025-01-02T10:00:00",
    ...over,
  };
}

describe("relatieToRelation", () => {
  it("maps a customer with both addresses", () => {
    const rel = relation.parse(relatieToRelation(relatie(), { landen }));
    expect(rel).toMatchObject({
      kind: "organization",
      name: "Bakkerij De Gouden Korst B.V.",
      isCustomer: true,
      isSupplier: false,
      debtorNumber: "1001",
      creditorNumber: null,
      vatNumber: "NL001234567B01",
      chamberOfCommerceNumber: "12345678",
      email: "info@goudenkorst.nl",
      phone: "020-1234567",
      mobile: "06-12345678",
      website: "https://goudenkorst.nl",
      paymentTermDays: 30,
      active: true,
    });
    expect(rel.addresses).toEqual([
      {
        kind: "visiting",
        street: "Keizersgracht",
        houseNumber: "123",
        houseNumberAddition: "A",
        postcode: "1015 CJ",
        city: "Amsterdam",
        country: "NL",
        hostTypeId: null,
      },
      {
        kind: "postal",
        street: "Postbus",
        houseNumber: "5000",
        houseNumberAddition: null,
        postcode: "1000 AA",
        city: "Amsterdam",
        country: "NL",
        hostTypeId: null,
      },
    ]);
  });

  it("gives a customer-and-supplier both numbers from the one relatiecode", () => {
    const rel = relatieToRelation(relatie({ relatiesoort: ["Klant", "Leverancier"] }));
    expect(rel).toMatchObject({ isCustomer: true, isSupplier: true, debtorNumber: "1001", creditorNumber: "1001" });
    const supplier = relatieToRelation(relatie({ relatiesoort: ["Leverancier"] }));
    expect(supplier).toMatchObject({ isCustomer: false, isSupplier: true, debtorNumber: null, creditorNumber: "1001" });
  });

  it("maps nonactief to inactive", () => {
    expect(relatieToRelation(relatie({ nonactief: true })).active).toBe(false);
  });

  it("uses the configured address kinds, host type ids and the land lookup", () => {
    const rel = relatieToRelation(
      relatie({ vestigingsAdres: { straat: "Rue de la Loi 16 bte 3", postcode: "1000", plaats: "Brussel", land: { id: BE } } }),
      {
        landen,
        addressKinds: { vestigingsAdres: "invoice", correspondentieAdres: "delivery" },
        addressHostTypeIds: { vestigingsAdres: "host-type-1" },
      },
    );
    expect(rel.addresses?.[0]).toMatchObject({ kind: "invoice", country: "BE", hostTypeId: "host-type-1", houseNumberAddition: "bte 3" });
    expect(rel.addresses?.[1]).toMatchObject({ kind: "delivery" });
  });

  it("writes the postcode in its country's format", () => {
    const rel = relatieToRelation(
      relatie({
        vestigingsAdres: { straat: "Oudegracht 1", postcode: "3511 ab", plaats: "Utrecht", land: { id: NL } },
        correspondentieAdres: { straat: "Rue de la Loi 16", postcode: "B-1000", plaats: "Brussel", land: { id: BE } },
      }),
      { landen },
    );
    expect(rel.addresses?.map((a) => a.postcode)).toEqual(["3511 AB", "1000"]);
  });

  it("defaults the country to NL and survives the nulls .NET sends", () => {
    const r = relatie({
      vestigingsAdres: { straat: "Dorpsstraat 5 bis", postcode: null, plaats: "Ede", land: null } as never,
      correspondentieAdres: null as never,
      telefoon: null as never,
      relatiesoort: null as never,
      krediettermijn: null as never,
    });
    const rel = relation.parse(relatieToRelation(r));
    expect(rel.addresses).toHaveLength(1);
    expect(rel.addresses[0]).toMatchObject({ country: "NL", postcode: null, street: "Dorpsstraat" });
    expect(rel).toMatchObject({ phone: null, isCustomer: false, paymentTermDays: null });
  });
});

describe("relationToRelatie", () => {
  const base = relation.parse({
    kind: "organization",
    name: "Bakkerij De Gouden Korst B.V.",
    isCustomer: true,
    isSupplier: false,
    debtorNumber: "D-17",
    email: "info@goudenkorst.nl",
    paymentTermDays: 14,
    chamberOfCommerceNumber: "1234 5678",
    addresses: [
      { kind: "visiting", street: "Laan van Meerdervoort", houseNumber: "12", houseNumberAddition: "a", postcode: "2517 AA", city: "Den Haag", country: "NL" },
      { kind: "postal", street: "Rue de la Loi", houseNumber: "16", houseNumberAddition: "bte 3", postcode: "1000", city: "Brussel", country: "BE" },
    ],
    contactPersons: [{ firstName: "Jan", lastName: "Jansen" }],
  });

  it("builds a valid POST body without relatiecode", () => {
    const body = relationToRelatie(base, { addressKinds, landIdByCountry });
    expect(body.relatiecode).toBeUndefined();
    expect(body).toMatchObject({
      relatiesoort: ["Klant"],
      naam: "Bakkerij De Gouden Korst B.V.",
      email: "info@goudenkorst.nl",
      krediettermijn: 14,
      kvkNummer: "12345678",
      nonactief: false,
      vestigingsAdres: { straat: "Laan van Meerdervoort 12a", postcode: "2517 AA", plaats: "Den Haag", land: { id: NL }, contactpersoon: "Jan Jansen" },
      correspondentieAdres: { straat: "Rue de la Loi 16 bte 3", plaats: "Brussel", land: { id: BE } },
    });
    expect(body).not.toHaveProperty("telefoon");
    expect(specErrors(`${S}.Relaties.RelatieWriteModel`, body)).toEqual([]);
  });

  it("round-trips through relatieToRelation", () => {
    const body = relationToRelatie(base, { addressKinds, landIdByCountry, relatiecode: 1001 });
    const back = relation.parse(relatieToRelation({ ...body, id: "aaaaaaaa-0000-4000-8000-000000000001" }, { landen }));
    expect(back.addresses).toEqual(base.addresses);
    expect(back).toMatchObject({ name: base.name, isCustomer: true, debtorNumber: "1001", email: base.email, paymentTermDays: 14 });
  });

  it("names a person First Middle Last", () => {
    const person = relation.parse({
      kind: "person",
      name: "Vries, Anna de",
      firstName: "Anna",
      middleName: "de",
      lastName: "Vries",
      isCustomer: true,
      isSupplier: true,
    });
    const body = relationToRelatie(person, { addressKinds, landIdByCountry });
    expect(body.naam).toBe("Anna de Vries");
    expect(body.relatiesoort).toEqual(["Klant", "Leverancier"]);
    expect(specErrors(`${S}.Relaties.RelatieWriteModel`, body)).toEqual([]);
  });

  it("truncates the name to SnelStart's 50 characters and maps active=false to nonactief", () => {
    const long = relation.parse({ ...base, name: "X".repeat(80), active: false });
    const body = relationToRelatie(long, { addressKinds, landIdByCountry });
    expect(body.naam).toHaveLength(50);
    expect(body.nonactief).toBe(true);
    expect(specErrors(`${S}.Relaties.RelatieWriteModel`, body)).toEqual([]);
  });

  it("on update keeps fields the CRM does not know, clears emptied ones, drops read-only ones", () => {
    const current = relatie({
      iban: "NL91ABNA0417164300",
      memo: "VIP",
      telefoon: "020-1234567",
      uri: "/relaties/aaaa",
      verkoopBoekingenUri: "/relaties/aaaa/verkoopboekingen",
      extraVeldenKlant: [{ naam: "x", waarde: "y" }],
      factuurEmailVersturen: { shouldSend: true, email: "f@x.nl", ccEmail: null as never },
    });
    const body = relationToRelatie(base, { addressKinds, landIdByCountry, base: current });
    expect(body).toMatchObject({ iban: "NL91ABNA0417164300", memo: "VIP", relatiecode: 1001, telefoon: "" });
    expect(body).not.toHaveProperty("uri");
    expect(body).not.toHaveProperty("verkoopBoekingenUri");
    expect(body).not.toHaveProperty("extraVeldenKlant");
    expect(body.factuurEmailVersturen).toEqual({ shouldSend: true, email: "f@x.nl" });
    expect(specErrors(`${S}.Relaties.RelatieWriteModel`, body)).toEqual([]);
  });
});

describe("artikelen", () => {
  const LEDGER_LOW = "8a1f0c1e-0000-4000-8000-000000000003";
  const HIGH = "0e000000-0000-4000-8000-000000000001";
  const LOW = "0e000000-0000-4000-8000-000000000002";
  const SERVICES = "0e000000-0000-4000-8000-000000000003";
  const omzetgroep = (id: string, soort: ArtikelOmzetGroepModel["verkoopNederlandBtwSoort"], ledger: string): ArtikelOmzetGroepModel => ({
    id,
    nummer: 1,
    omschrijving: `Omzet ${soort}`,
    verkoopNederlandBtwSoort: soort,
    verkoopGrootboekNederlandIdentifier: { id: ledger },
  });
  // a Belgian tenant that sells in the Netherlands too: NL 9% and BE 6% are both "Laag"
  const ctx: OmzetgroepContext = {
    omzetgroepen: [omzetgroep(HIGH, "Hoog", LEDGER_DEFAULT), omzetgroep(LOW, "Laag", LEDGER_LOW), omzetgroep(SERVICES, "Hoog", LEDGER_SERVICES)],
    grootboekNummers: { [LEDGER_DEFAULT]: 8000, [LEDGER_LOW]: 8010, [LEDGER_SERVICES]: 8100 },
    vatMapping: { "vat-nl21": "Hoog", "vat-nl9": "Laag", "vat-be21": "Hoog", "vat-be6": "Laag", "vat-nl0": "Geen" },
    ledgerByProductGroup: { "pg-bakery": LEDGER_LOW, "pg-services": LEDGER_SERVICES, "pg-shop": LEDGER_SERVICES },
    defaultLedgerId: LEDGER_DEFAULT,
    host: {
      vatGroups: [
        { value: "vat-nl21", country: "NL" },
        { value: "vat-nl9", country: "NL" },
        { value: "vat-nl0", country: "NL" },
        { value: "vat-be21", country: "BE" },
        { value: "vat-be6", country: "BE" },
      ],
      productGroups: [{ value: "pg-bakery" }, { value: "pg-services" }, { value: "pg-shop" }, { value: "pg-other" }],
      ledgerAccounts: [
        { value: "gl-8000", hint: "8000" },
        { value: "gl-8010", hint: "8010" },
      ],
      ownCountry: "BE",
    },
  };
  const artikel = (omzetgroepId: string) => ({
    id: "a0000000-0000-4000-8000-000000000001",
    artikelcode: "TAART-01",
    omschrijving: "Appeltaart",
    eenheid: "stuk",
    verkoopprijs: 18.5,
    inkoopprijs: 7.2,
    isNonActief: true,
    artikelOmzetgroep: { id: omzetgroepId },
  });

  it("gives a product the VAT group, product group and ledger account of its artikel's omzetgroep", () => {
    const p = product.parse(artikelToProduct(artikel(LOW), ctx));
    expect(p).toMatchObject({
      code: "TAART-01",
      name: "Appeltaart",
      unit: "stuk",
      salesPrice: 18.5,
      purchasePrice: 7.2,
      // mapped to Laag, of the own organisation's country
      vatGroupId: "vat-be6",
      // the one product group whose ledger is the omzetgroep's grootboek
      productGroupId: "pg-bakery",
      // the CRM's account numbered like that grootboek
      ledgerAccountId: "gl-8010",
      active: false,
    });
  });

  it("leaves out what the CRM cannot say: no product group when several share the grootboek, no account the CRM lacks", () => {
    const p = artikelToProduct(artikel(SERVICES), ctx);
    expect(p).toMatchObject({ vatGroupId: "vat-be21", productGroupId: null, ledgerAccountId: null });
    expect(artikelToProduct(artikel("0e000000-0000-4000-8000-000000000009"), ctx)).toMatchObject({ vatGroupId: null, productGroupId: null, ledgerAccountId: null });
  });

  it("puts a product in the omzetgroep of its VAT group and product group's ledger", () => {
    const p = product.parse(artikelToProduct(artikel(LOW), ctx));
    const body = productToArtikel(p, ctx);
    expect(body).toEqual({
      artikelcode: "TAART-01",
      omschrijving: "Appeltaart",
      eenheid: "stuk",
      verkoopprijs: 18.5,
      inkoopprijs: 7.2,
      isNonActief: true,
      artikelOmzetgroep: { id: LOW },
    });
    expect(specErrors(`${S}.Artikelen.ArtikelModel`, body)).toEqual([]);
    const services = { ...p, vatGroupId: "vat-nl21", productGroupId: "pg-services", ledgerAccountId: null };
    expect(productToArtikel(services, ctx).artikelOmzetgroep).toEqual({ id: SERVICES });
  });

  it("follows the VAT group before the ledger, and then the ledger account or the default ledger", () => {
    const p = product.parse({ name: "Broodje", vatGroupId: "vat-nl9", productGroupId: "pg-services" });
    expect(productToArtikel(p, ctx).artikelOmzetgroep).toEqual({ id: LOW });
    expect(productToArtikel({ ...p, vatGroupId: "vat-nl21", productGroupId: null }, ctx).artikelOmzetgroep).toEqual({ id: HIGH });
    expect(productToArtikel({ ...p, vatGroupId: null, productGroupId: null, ledgerAccountId: "gl-8010" }, ctx).artikelOmzetgroep).toEqual({ id: LOW });
  });

  it("keeps an artikel's own omzetgroep when it fits as well, or when none has the VAT kind", () => {
    const p = product.parse({ name: "Advies", vatGroupId: "vat-nl21" });
    const current = artikel(SERVICES);
    // the CRM says nothing of the ledger: the default ledger does not move it
    expect(productToArtikel(p, ctx, current).artikelOmzetgroep).toEqual({ id: SERVICES });
    expect(productToArtikel({ ...p, productGroupId: "pg-bakery" }, ctx, current).artikelOmzetgroep).toEqual({ id: SERVICES });
    expect(productToArtikel({ ...p, vatGroupId: "vat-nl0" }, ctx, current).artikelOmzetgroep).toEqual({ id: SERVICES });
    // but another VAT kind or ledger moves it
    expect(productToArtikel({ ...p, vatGroupId: "vat-nl9" }, ctx, current).artikelOmzetgroep).toEqual({ id: LOW });
    expect(productToArtikel({ ...p, ledgerAccountId: "gl-8000" }, ctx, current).artikelOmzetgroep).toEqual({ id: HIGH });
  });
});

function makeInvoice(over: Partial<InvoiceInput> = {}) {
  return invoice.parse({
    number: "2025-0042",
    relationId: "host-rel-1",
    date: "2025-03-31",
    paymentTermDays: 30,
    subject: "Onderhoud maart",
    lines: [
      { description: "Consultancy", productGroupId: "pg-services", quantity: 3, unitPrice: 100, vatGroupId: "vat21", vatPercentage: 21, totalExcludingVat: 300, vatAmount: 63 },
      { description: "Boeken", productGroupId: "pg-books", quantity: 1, unitPrice: 20, vatGroupId: "vat9", vatPercentage: 9, totalExcludingVat: 20, vatAmount: 1.8 },
      { description: "Export", productGroupId: null, quantity: 1, unitPrice: 50, vatGroupId: "vat0", vatPercentage: 0, totalExcludingVat: 50, vatAmount: 0 },
    ],
    totalExcludingVat: 370,
    vatAmount: 64.8,
    totalIncludingVat: 434.8,
    ...over,
  });
}

const bookingCtx: InvoiceBookingContext = {
  klantId: KLANT_ID,
  settings: {
    vatMapping: { vat21: "Hoog", vat9: "Laag", vat0: "Geen" },
    defaultLedgerId: LEDGER_DEFAULT,
    ledgerByProductGroup: { "pg-services": LEDGER_SERVICES },
  },
};

describe("invoiceToVerkoopboeking", () => {
  it("books lines excl. VAT with VAT totals per soort", () => {
    const result = invoiceToVerkoopboeking(makeInvoice(), { ...bookingCtx, doorlopendeIncassoMachtigingId: "dddddddd-0000-4000-8000-000000000001" });
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    expect(result.body).toEqual({
      factuurnummer: "2025-0042",
      klant: { id: KLANT_ID },
      factuurdatum: "2025-03-31T00:00:00Z",
      betalingstermijn: 30,
      omschrijving: "Onderhoud maart",
      factuurbedrag: 434.8,
      boekingsregels: [
        { omschrijving: "Consultancy", grootboek: { id: LEDGER_SERVICES }, bedrag: 300, btwSoort: "Hoog" },
        { omschrijving: "Boeken", grootboek: { id: LEDGER_DEFAULT }, bedrag: 20, btwSoort: "Laag" },
        { omschrijving: "Export", grootboek: { id: LEDGER_DEFAULT }, bedrag: 50, btwSoort: "Geen" },
      ],
      btw: [
        { btwSoort: "VerkopenHoog", btwBedrag: 63 },
        { btwSoort: "VerkopenLaag", btwBedrag: 1.8 },
      ],
      doorlopendeIncassoMachtiging: { id: "dddddddd-0000-4000-8000-000000000001" },
    });
    expect(specErrors(`${S}.VerkoopBoekingen.VerkoopBoekingModel`, result.body)).toEqual([]);
  });

  it("stops an unmapped VAT group with a problem naming the group and the line", () => {
    const result = invoiceToVerkoopboeking(makeInvoice(), {
      ...bookingCtx,
      settings: { ...bookingCtx.settings, vatMapping: { vat21: "Hoog", vat0: "Geen" } },
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]).toMatchObject({ field: "lines.1.vatGroupId", code: "vatGroupUnmapped", params: { vatGroup: "vat9", line: 2 } });
    expect(result.problems[0].message).toContain('"vat9"');
    expect(result.problems[0].message).toContain("line 2");
    expect(result.problems[0].message).toContain("Boeken");
  });

  it("reports a missing ledger once", () => {
    const result = invoiceToVerkoopboeking(makeInvoice(), {
      ...bookingCtx,
      settings: { ...bookingCtx.settings, defaultLedgerId: null, ledgerByProductGroup: {} },
    });
    expect(result).toEqual({ ok: false, problems: [expect.objectContaining({ code: "noLedger", field: "settings.defaultLedgerId" })] });
  });

  it("sums VAT per soort over several lines and rounds to cents", () => {
    const lines = [0.1, 0.2, 0.3].map((x, i) => ({
      description: `r${i}`,
      quantity: 1,
      unitPrice: 10 + x,
      vatGroupId: "vat21",
      vatPercentage: 21,
      totalExcludingVat: 10 + x + 0.004, // host sends unrounded amounts
      vatAmount: (10 + x) * 0.21,
    }));
    const result = invoiceToVerkoopboeking(
      makeInvoice({ lines, totalExcludingVat: 30.6, vatAmount: 6.43, totalIncludingVat: 37.03 }),
      bookingCtx,
    );
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    expect(result.body.boekingsregels.map((r) => r.bedrag)).toEqual([10.1, 10.2, 10.3]);
    // 2.121 + 2.142 + 2.163 → 2.12 + 2.14 + 2.16 = 6.42; the invoice says 6.43: the cent goes to the bucket
    expect(result.body.btw).toEqual([{ btwSoort: "VerkopenHoog", btwBedrag: 6.43 }]);
    expect(result.body.factuurbedrag).toBe(37.03);
    const regels = result.body.boekingsregels.reduce((a, r) => a + toCents(r.bedrag ?? 0), 0);
    const btw = (result.body.btw ?? []).reduce((a, b) => a + toCents(b.btwBedrag ?? 0), 0);
    expect(regels + btw).toBe(toCents(result.body.factuurbedrag!));
  });

  it("refuses totals that do not add up instead of booking them", () => {
    const result = invoiceToVerkoopboeking(makeInvoice({ totalIncludingVat: 500 }), bookingCtx);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems[0]).toMatchObject({ code: "totalsMismatch", field: "totalIncludingVat" });
  });

  it("books a credit note with negative amounts", () => {
    const credit = makeInvoice({
      number: "C-2025-1",
      lines: [{ description: "Creditering", quantity: -1, unitPrice: 100, vatGroupId: "vat21", vatPercentage: 21, totalExcludingVat: -100, vatAmount: -21 }],
      totalExcludingVat: -100,
      vatAmount: -21,
      totalIncludingVat: -121,
    });
    const result = invoiceToVerkoopboeking(credit, bookingCtx);
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    expect(result.body).toMatchObject({ factuurbedrag: -121, btw: [{ btwSoort: "VerkopenHoog", btwBedrag: -21 }] });
  });

  it("refuses a currency other than EUR", () => {
    const result = invoiceToVerkoopboeking(makeInvoice({ currency: "USD" }), bookingCtx);
    expect(result).toEqual({ ok: false, problems: [expect.objectContaining({ code: "unsupportedCurrency", field: "currency" })] });
  });

});

describe("salesOrderToVerkooporder", () => {
  const order = salesOrder.parse({
    ...makeInvoice(),
    number: "SO-7",
    customerReference: "PO 4711",
    lines: [{ description: "Koffiebonen", productId: "host-prod-1", quantity: 2, unitPrice: 19.95, discountPercentage: 10, vatGroupId: "vat9", vatPercentage: 9, totalExcludingVat: 35.91, vatAmount: 3.23 }],
    totalExcludingVat: 35.91,
    vatAmount: 3.23,
    totalIncludingVat: 39.14,
  });
  const ctx = { relatieId: KLANT_ID, sjabloonId: "5a000000-0000-4000-8000-000000000001", artikelIdByProductId: { "host-prod-1": "a0000000-0000-4000-8000-000000000001" } };

  it("builds a valid verkooporder", () => {
    const result = salesOrderToVerkooporder(order, ctx);
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    expect(result.body).toMatchObject({
      relatie: { id: KLANT_ID },
      datum: "2025-03-31T00:00:00Z",
      verkoopordersjabloon: { id: ctx.sjabloonId },
      orderreferentie: "PO 4711",
      memo: "Order SO-7",
      regels: [{ artikel: { id: "a0000000-0000-4000-8000-000000000001" }, aantal: 2, stuksprijs: 19.95, kortingsPercentage: 10, totaal: 35.91 }],
    });
    expect(specErrors(`${S}.Verkooporders.VerkoopOrderModel`, result.body)).toEqual([]);
  });

  it("names a product that is not linked yet", () => {
    const result = salesOrderToVerkooporder(order, { ...ctx, artikelIdByProductId: {} });
    expect(result).toEqual({ ok: false, problems: [expect.objectContaining({ code: "productNotLinked", field: "lines.0.productId" })] });
  });
});

describe("verkoopfactuurToPayment", () => {
  it("is paid when nothing is outstanding", () => {
    expect(
      verkoopfactuurToPayment({ id: "f0000000-0000-4000-8000-000000000001", factuurnummer: "2025-0042", openstaandSaldo: 0, factuurBedrag: 434.8, verkoopBoeking: { id: "b0000000-0000-4000-8000-000000000001" } }),
    ).toEqual({ remoteInvoiceId: "b0000000-0000-4000-8000-000000000001", invoiceNumber: "2025-0042", total: 434.8, outstanding: 0, currency: "EUR", paid: true, changedAt: null });
  });

  it("is open when a balance remains, keyed by the factuur id without a boeking", () => {
    expect(verkoopfactuurToPayment({ id: "f0000000-0000-4000-8000-000000000002", factuurnummer: "2025-0043", openstaandSaldo: 100.004, factuurBedrag: 250, modifiedOn: "2026-11-20T10:00:00" })).toEqual({
      remoteInvoiceId: "f0000000-0000-4000-8000-000000000002",
      invoiceNumber: "2025-0043",
      total: 250,
      outstanding: 100,
      currency: "EUR",
      paid: false,
      changedAt: "2026-11-20T10:00:00",
    });
  });
});
