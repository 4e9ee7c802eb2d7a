/**
 * Field mapping between PowerOffice Go API v2 DTOs (generated types, ./api) and the canonical
 * model, per the PowerOffice help page's tables (seed 001, "Welke data wordt gesynchroniseerd?").
 * Pure functions: no I/O, no clock, no randomness; what they need comes in as arguments.
 *
 * Go answers every member, `null` included, and the client's wire schemas read them as nullish,
 * so every DTO parameter is a `Wire<…>` (the generated type with `null` allowed everywhere) and
 * every read goes through `?.` / `??`.
 *
 * Decisions where the seed is unclear (each is also said where it is made):
 * - Tussenvoegsel: Go has only FirstName/LastName. Outward the tussenvoegsel is the start of the
 *   LastName ("de Vries"); inward a LastName that starts with lower-case Dutch/German particles
 *   gives them back as middleName. A capitalised particle ("De Smet", Flemish) is part of the
 *   surname and stays there, so both directions round-trip.
 * - Deactivation: a relation inactive in Go (IsActive false or IsArchived) maps to active=false
 *   faithfully; "de relatie blijft actief" is the connector's `remoteDeactivation: "keep-active"`
 *   rule, not the mapping's. The CRM never archives a relation in Go (not in the seed, and Go
 *   refuses it for a contact with ledger balances). An archived product is inactive in the CRM,
 *   and an inactive CRM product is archived in Go (products sync both ways).
 * - Product group / VAT: the seed's Producten table crosses them ("Product group → BTW", "VAT group →
 *   Productgroep"). Go's product has no VAT member; VAT comes from its sales account. So the
 *   product group follows the product group (matched by name, else code), and the VAT group follows
 *   the VAT code of the product's standard sales account through the BTW-groepen mapping.
 * - Invoice number ("Contact Number → Nummer"): SalesOrderCompletePostDto has no free invoice
 *   number. The CRM's number is always in ExternalImportReference (`salesOrderReference`, what
 *   the duplicate check finds), and also in ImportedOrderNo ("the order number in the external
 *   system", shown in Go's GUI) when it is a plain whole number; CustomerReference and
 *   PurchaseOrderReference are the buyer's references and print as such, so they are left alone.
 * - Line VAT: a sales order line has no VAT or account member; Go takes VAT from the sales account
 *   of the line's product (standard, or optional when UseStandardSalesAccount is false), else the
 *   client's default sales account. So products get the sales account whose VAT code is the one
 *   their CRM VAT group is mapped to (`productToPowerOffice`), and an invoice line, given what the
 *   accounts say (`SalesOrderContext.lineVat`), picks the standard or optional account or is
 *   refused with a problem instead of being booked with other VAT.
 */
import { round2, toCents } from "@/lib/model/money";
import type { Address, ContactPerson, Invoice, Payment, Product, ProductInput, Relation, RelationInput, SalesOrder } from "@/lib/model";
import { formatPostcode } from "@/lib/model/postcode";
import { joinStreet, splitStreet } from "@/lib/model/street";
import { RecordRejectedError } from "@/lib/sync/types";
import type { components } from "./api";

type Schemas = components["schemas"];

/**
 * A DTO as Go sends it (and as the client's wire schemas read it): every member may be missing or
 * null, also in nested objects, and enum members are plain strings (a value Go adds later must not
 * make the record unreadable).
 */
export type Wire<T> = { [K in keyof T]?: WireValue<T[K]> | null };
type WireValue<V> =
  NonNullable<V> extends string ? string : NonNullable<V> extends readonly unknown[] ? V : NonNullable<V> extends object ? Wire<NonNullable<V>> : V;

export type CustomerDto = Schemas["CustomerDto"];
export type CustomerPostDto = Schemas["CustomerPostDto"];
export type SupplierDto = Schemas["SupplierDto"];
export type SupplierPostDto = Schemas["SupplierPostDto"];
export type ContactAddressPostDto = Schemas["ContactAddressPostDto"];
export type ContactPersonDto = Schemas["ContactPersonDto"];
export type ContactPersonPostDto = Schemas["ContactPersonPostDto"];
export type ProductDto = Schemas["ProductDto"];
export type ProductPostDto = Schemas["ProductPostDto"];
export type ProductGroupDto = Schemas["ProductGroupDto"];
export type SalesOrderCompletePostDto = Schemas["SalesOrderCompletePostDto"];
export type SalesOrderLinePostDto = Schemas["SalesOrderLinePostDto"];
export type OutgoingInvoiceDto = Schemas["OutgoingInvoiceDto"];
export type VatCodeDto = Schemas["VatCodeDto"];
export type GeneralLedgerAccountDto = Schemas["GeneralLedgerAccountDto"];
/** A UN/ECE unit code as Go knows them (EA, HUR, DAY, KGM …). */
export type UnitOfMeasureCode = NonNullable<Schemas["UnitOfMeasureType"]>;
export type SalesOrderStatus = NonNullable<Schemas["OrderStatus"]>;

/** Go's country when an address has none: its clients are Norwegian ("Defaults to NO"). */
export const DEFAULT_COUNTRY = "NO";
/** Go's currency when a record names none ("Defaults to NOK"). */
export const DEFAULT_CURRENCY = "NOK";

/** Spec limits (post DTOs) Go enforces with a 400. */
const LIMITS = { productCode: 100, productName: 400, addressLine: 200, city: 100, zipCode: 50 } as const;

export type ProblemCode =
  | "unmappedVatGroup"
  | "unmappedUnit"
  | "vatGroupMissing"
  | "productNotLinked"
  | "vatCodeMismatch"
  | "vatRateMismatch";

export type Problem = {
  /** dotted path into the canonical record (or settings) that needs attention */
  field: string;
  /** readable English sentence for developers and tests; the user sees `log.<code>` */
  message: string;
  /** the message key under the connector's `log.*` */
  code: ProblemCode;
  params: Record<string, string | number>;
};

export type MappingResult<T> = { ok: true; body: T } | { ok: false; problems: Problem[] };

/** The message key a problem is shown with (the connector's catalogue, under connectors.poweroffice). */
export const problemKey = (code: ProblemCode) => `connectors.poweroffice.log.${code}`;

/** The error a caller throws for a record the mapping refused: the first problem, as a message key. */
export function rejectionOf(problems: Problem[]): RecordRejectedError {
  const p = problems[0];
  return new RecordRejectedError(problemKey(p.code), Object.fromEntries(Object.entries(p.params).map(([k, v]) => [k, String(v)])));
}

// ==================================================================== names

/**
 * Dutch (and German/French) name particles. Only lower-case ones are split off: written with a
 * capital ("De Smet", "Van Dyck") they belong to the surname, as in Flanders.
 */
const PARTICLES = new Set([
  "van", "de", "der", "den", "het", "'t", "’t", "te", "ter", "ten", "in", "op", "onder", "aan", "bij", "uit", "voor", "over", "tot",
  "von", "zu", "zum", "vom", "du", "des", "la", "le", "d'", "l'", "di", "da", "del", "della", "dos", "das",
]);

/** "de Vries" → { middleName: "de", lastName: "Vries" }; "van der Berg" → "van der" + "Berg". */
export function splitLastName(lastName: string | null | undefined): { middleName: string | null; lastName: string | null } {
  const words = (lastName ?? "").trim().split(/\s+/).filter(Boolean);
  let i = 0;
  while (i < words.length - 1 && PARTICLES.has(words[i])) i++;
  return { middleName: i ? words.slice(0, i).join(" ") : null, lastName: words.slice(i).join(" ") || null };
}

/** The LastName Go gets: the tussenvoegsel in front of the surname. */
export function joinLastName(p: { middleName?: string | null; lastName?: string | null }): string | null {
  return [p.middleName, p.lastName].map(clean).filter(Boolean).join(" ") || null;
}

/** "First Middle Last", falling back to `name`. */
export function fullName(p: { firstName?: string | null; middleName?: string | null; lastName?: string | null; name?: string | null }): string {
  return [p.firstName, p.middleName, p.lastName].map(clean).filter(Boolean).join(" ") || (p.name ?? "").trim();
}

/** A person's parts from Go's FirstName/LastName, or from a full Name when those are empty. */
function personParts(first: string | null | undefined, last: string | null | undefined, name: string | null | undefined) {
  if (clean(first) || clean(last)) return { firstName: clean(first), ...splitLastName(last) };
  const words = (name ?? "").trim().split(/\s+/).filter(Boolean);
  if (words.length < 2) return { firstName: null, middleName: null, lastName: words[0] ?? null };
  return { firstName: words[0], ...splitLastName(words.slice(1).join(" ")) };
}

// ==================================================================== customers and suppliers

type ContactDto = Wire<CustomerDto> | Wire<SupplierDto>;

export interface ContactToRelationOptions {
  /** the contact's persons (GET /ContactPersons?contactIds=…); inactive ones are left out */
  contactPersons?: Wire<ContactPersonDto>[] | null;
  /** country of an address without CountryCode; default NO (Go's own default) */
  defaultCountry?: string;
}

/**
 * A customer and/or supplier of one Go contact as a canonical relation input (parse it with
 * `relation` from lib/model). A company that is both has one contact Id and two records (two
 * numbers); give both to get one relation with both roles and numbers. Contact members (name,
 * address, e-mail …) are equal on both; the customer's are read first.
 */
export function contactToRelation(
  records: { customer?: Wire<CustomerDto> | null; supplier?: Wire<SupplierDto> | null },
  opts: ContactToRelationOptions = {},
): RelationInput {
  const { customer, supplier } = records;
  const c = (customer ?? supplier) as ContactDto | null | undefined;
  if (!c) throw new Error("contactToRelation needs a customer or a supplier");
  const isPerson = c.IsPerson === true;
  const debtorNumber = customer ? numberText(customer.Number) : null;
  const creditorNumber = supplier ? numberText(supplier.Number) : null;
  const person = isPerson ? personParts(c.FirstName, c.LastName, c.Name) : null;
  const name = (person ? fullName(person) : null) || clean(c.Name) || clean(c.LegalName) || debtorNumber || creditorNumber || "Contact";
  const active = [customer, supplier].some((r) => r && isActiveContact(r));
  const address = mailAddressToAddress(c.MailAddress, opts.defaultCountry ?? DEFAULT_COUNTRY);

  return {
    kind: isPerson ? "person" : "organization",
    name,
    firstName: person?.firstName ?? null,
    middleName: person?.middleName ?? null,
    lastName: person?.lastName ?? null,
    isCustomer: Boolean(customer),
    isSupplier: Boolean(supplier),
    debtorNumber,
    creditorNumber,
    vatNumber: clean(c.OrganizationNumber),
    email: clean(c.EmailAddress),
    phone: clean(c.PhoneNumber),
    website: clean(c.WebsiteUrl),
    // PaymentTerm is a customer's (days); a supplier has none
    paymentTermDays: typeof customer?.PaymentTerm === "number" ? clamp(Math.trunc(customer.PaymentTerm), 0, 365) : null,
    addresses: address ? [address] : [],
    contactPersons: (opts.contactPersons ?? []).filter((p) => p.IsActive !== false).map(contactPersonFromDto),
    active,
  };
}

/** A Go customer as a canonical relation input (seed: Organisatie and Persoon tables). */
export function customerToRelation(
  customer: Wire<CustomerDto>,
  opts: ContactToRelationOptions & { supplier?: Wire<SupplierDto> | null } = {},
): RelationInput {
  return contactToRelation({ customer, supplier: opts.supplier }, opts);
}

/** A Go supplier as a canonical relation input. */
export function supplierToRelation(
  supplier: Wire<SupplierDto>,
  opts: ContactToRelationOptions & { customer?: Wire<CustomerDto> | null } = {},
): RelationInput {
  return contactToRelation({ customer: opts.customer, supplier }, opts);
}

/** Whether Go counts the customer/supplier as active: neither deactivated nor archived. */
export function isActiveContact(c: ContactDto): boolean {
  return c.IsActive !== false && c.IsArchived !== true;
}

function mailAddressToAddress(a: Wire<CustomerDto>["MailAddress"], defaultCountry: string): Address | null {
  if (!a) return null;
  const parts = splitStreet(a.AddressLine1);
  const country = (clean(a.CountryCode) ?? defaultCountry).toUpperCase();
  const postcode = formatPostcode(a.ZipCode, country);
  const city = clean(a.City);
  if (!parts.street && !parts.houseNumber && !postcode && !city) return null;
  return {
    kind: "invoice",
    street: parts.street,
    houseNumber: parts.houseNumber,
    houseNumberAddition: parts.houseNumberAddition,
    postcode,
    city,
    country,
    hostTypeId: null,
  };
}

/**
 * The members of a customer or supplier this integration owns, as the CRM says they should be:
 * what the JSON Patch builder diffs ("as last synced" against "now") to update a Go contact.
 * Every member is present, null when the CRM has no value, so a value the CRM clears is
 * cleared in Go too; MailAddress is always an object, so the patch names its members
 * (/MailAddress/City) and never replaces Go's address Id. Members not here (LegalName,
 * AddressLine2, InvoiceEmailAddress, PaymentTerm, …) are Go's.
 */
export type ContactFields = {
  Name: string;
  FirstName: string | null;
  LastName: string | null;
  IsPerson: boolean;
  EmailAddress: string | null;
  PhoneNumber: string | null;
  WebsiteUrl: string | null;
  OrganizationNumber: string | null;
  MailAddress: { AddressLine1: string | null; ZipCode: string | null; City: string | null; CountryCode: string | null };
};

/** The customer members we own (see ContactFields); also the supplier's. */
export function relationToCustomerFields(rel: Relation): ContactFields {
  const person = rel.kind === "person";
  const first = person ? clean(rel.firstName) : null;
  const last = person ? joinLastName(rel) : null;
  // Go requires First and LastName for a person: a person known only by a full name is split
  const parts = person && !first && !last ? personParts(null, null, rel.name) : null;
  const address = rel.addresses.find((a) => a.kind === "invoice") ?? null;
  return {
    Name: person ? fullName(rel) : rel.name.trim(),
    FirstName: parts ? parts.firstName : first,
    LastName: parts ? joinLastName(parts) : last,
    IsPerson: person,
    EmailAddress: clean(rel.email),
    PhoneNumber: clean(rel.phone),
    WebsiteUrl: clean(rel.website),
    OrganizationNumber: clean(rel.vatNumber),
    MailAddress: {
      AddressLine1: address ? truncateOrNull(joinStreet(address), LIMITS.addressLine) : null,
      ZipCode: address ? truncateOrNull(address.postcode, LIMITS.zipCode) : null,
      City: address ? truncateOrNull(address.city, LIMITS.city) : null,
      CountryCode: address?.country ?? null,
    },
  };
}

/** The supplier members we own: the same as a customer's (one contact in Go). */
export const relationToSupplierFields = relationToCustomerFields;

export interface RelationToContactOptions {
  /** set only to force a number; otherwise Go assigns the next one (and the CRM takes it over) */
  number?: number | null;
  /** a reference to the CRM record, for Go's duplicate check (max 50) */
  externalImportReference?: string | null;
}

/** A canonical relation as the body of POST /Customers. */
export function relationToCustomerPost(rel: Relation, opts: RelationToContactOptions = {}): CustomerPostDto {
  const body: CustomerPostDto = { ...contactPostMembers(rel, opts) };
  if (rel.paymentTermDays !== null) body.PaymentTerm = rel.paymentTermDays;
  return body;
}

/** A canonical relation as the body of POST /Suppliers (Go always makes a new contact). */
export function relationToSupplierPost(rel: Relation, opts: RelationToContactOptions = {}): SupplierPostDto {
  return contactPostMembers(rel, opts);
}

function contactPostMembers(rel: Relation, opts: RelationToContactOptions) {
  const f = relationToCustomerFields(rel);
  const body: CustomerPostDto & SupplierPostDto = { Name: f.Name, IsPerson: f.IsPerson };
  if (f.IsPerson) {
    body.FirstName = f.FirstName;
    body.LastName = f.LastName;
  }
  for (const key of ["EmailAddress", "PhoneNumber", "WebsiteUrl", "OrganizationNumber"] as const) {
    if (f[key] !== null) body[key] = f[key];
  }
  const a = f.MailAddress;
  if (a.AddressLine1 || a.ZipCode || a.City) {
    // City and ZipCode are required members of ContactAddressPostDto (null allowed)
    const address: ContactAddressPostDto = { AddressLine1: a.AddressLine1, ZipCode: a.ZipCode, City: a.City };
    if (a.CountryCode) address.CountryCode = a.CountryCode;
    body.MailAddress = address;
  }
  if (opts.number !== null && opts.number !== undefined) body.Number = opts.number;
  const ref = clean(opts.externalImportReference);
  if (ref) body.ExternalImportReference = ref.slice(0, 50);
  return body;
}

// ==================================================================== contact persons

/** A Go contact person as a canonical one (seed: Contactpersoon table). */
export function contactPersonFromDto(p: Wire<ContactPersonDto>): ContactPerson {
  const parts = personParts(p.FirstName, p.LastName, null);
  return {
    firstName: parts.firstName,
    middleName: parts.middleName,
    lastName: parts.lastName,
    email: clean(p.EmailAddress),
    phone: clean(p.PhoneNumber),
    mobile: null,
  };
}

/**
 * A canonical contact person as the body of POST /ContactPersons/{contactId}. The same members
 * are writable on ContactPersonDto, so this is also the patchable view of one. FirstName and
 * LastName are required members (null allowed).
 */
export function contactPersonToDto(p: ContactPerson): ContactPersonPostDto {
  return {
    FirstName: clean(p.firstName),
    LastName: joinLastName(p),
    EmailAddress: clean(p.email),
    PhoneNumber: clean(p.phone),
  };
}

// ==================================================================== products

/** What places a product's unit, group and VAT on either side: the settings and both sides' lists. */
export interface ProductContext {
  /** settings → Units: CRM unit → Go unit code */
  unitMapping: Record<string, string | null | undefined>;
  /** settings → BTW-groepen: CRM VAT group id → Go VAT code */
  vatMapping: Record<string, string | null | undefined>;
  /** settings → Grootboekrekening: the Go account Id of products without a better one */
  defaultLedgerAccountId: number | string | null;
  /** GET /ProductGroups */
  productGroups: Wire<ProductGroupDto>[];
  /** GET /GeneralLedgerAccounts */
  ledgerAccounts: Wire<GeneralLedgerAccountDto>[];
  host: {
    /** label: the group's name, hint: its code */
    productGroups: Array<{ value: string; label: string; hint?: string }>;
    vatGroups: Array<{ value: string; country: string | null }>;
    /** hint: the account number */
    ledgerAccounts: Array<{ value: string; hint?: string }>;
    ownCountry: string | null;
  };
}

/**
 * A Go product as a canonical product input (seed: Producten table).
 * - unit: the CRM unit mapped to its UnitOfMeasureCode (the product's current CRM unit first
 *   when several map to it); a code no CRM unit maps to leaves the unit null (the CRM keeps its own);
 * - productGroupId: the CRM product group with the Go group's name (else its code);
 * - vatGroupId: the CRM VAT group mapped to the VAT code of the product's sales account (its own,
 *   else its group's, else the default account of the settings), one of the own organisation's
 *   country first; ledgerAccountId: the CRM account with that account's number.
 */
export function productFromDto(p: Wire<ProductDto>, ctx: ProductContext, currentUnit?: string | null): ProductInput {
  const group = findProductGroup(ctx.productGroups, p.ProductGroupId, p.ProductGroupCode);
  // without an account of its own or its group's, Go books on the client's default sales account;
  // the Grootboekrekening setting stands for it (the same account a CRM product without VAT group gets)
  const account =
    salesAccountOf(p, group, ctx.ledgerAccounts) ??
    (ctx.defaultLedgerAccountId !== null && ctx.defaultLedgerAccountId !== "" ? ctx.ledgerAccounts.find((a) => a.Id === Number(ctx.defaultLedgerAccountId)) : undefined);
  const vatCode = clean(account?.VatCode);
  const vatGroups = vatCode ? ctx.host.vatGroups.filter((v) => sameCode(ctx.vatMapping[v.value], vatCode)) : [];
  const own = ctx.host.ownCountry;
  const vatGroup = vatGroups.find((v) => own !== null && v.country === own) ?? vatGroups.find((v) => !v.country) ?? vatGroups[0];
  const accountNo = account?.AccountNo ?? null;
  const ledger = accountNo !== null ? ctx.host.ledgerAccounts.find((l) => l.hint?.trim() === String(accountNo)) : undefined;
  return {
    code: clean(p.Code),
    name: clean(p.Name) ?? clean(p.Code) ?? "Product",
    description: clean(p.Description),
    unit: unitFromCode(p.UnitOfMeasureCode, ctx.unitMapping, currentUnit),
    productGroupId: group ? (hostGroupFor(group, ctx.host.productGroups)?.value ?? null) : null,
    vatGroupId: vatGroup?.value ?? null,
    ledgerAccountId: ledger?.value ?? null,
    salesPrice: typeof p.UnitPrice === "number" ? p.UnitPrice : null,
    purchasePrice: typeof p.UnitCost === "number" ? p.UnitCost : null,
    // archived in Go = inactive in the CRM (seed: "verwerkt met de status inactief")
    active: p.IsArchived !== true,
  };
}

/** The CRM unit a Go unit code stands for: the reverse of the Units mapping. */
export function unitFromCode(
  code: string | null | undefined,
  unitMapping: Record<string, string | null | undefined>,
  preferred?: string | null,
): string | null {
  const c = clean(code);
  if (!c) return null;
  if (preferred && sameCode(unitMapping[preferred], c)) return preferred;
  return Object.keys(unitMapping).find((unit) => sameCode(unitMapping[unit], c)) ?? null;
}

/** The Go unit code of a CRM unit, or null when the unit is not mapped. */
export function unitCodeFor(unit: string | null | undefined, unitMapping: Record<string, string | null | undefined>): UnitOfMeasureCode | null {
  const u = clean(unit);
  if (!u) return null;
  const hit = unitMapping[u] ?? Object.entries(unitMapping).find(([k]) => k.trim().toLowerCase() === u.toLowerCase())?.[1];
  return (clean(hit)?.toUpperCase() as UnitOfMeasureCode | undefined) ?? null;
}

type ProductFields = Pick<Product, "code" | "name" | "description" | "unit" | "productGroupId" | "vatGroupId" | "ledgerAccountId" | "salesPrice" | "purchasePrice" | "active">;

/**
 * A canonical product as the body of POST /Products. Every member it sets is writable on
 * ProductDto too, so the body is also the patchable view the JSON Patch builder diffs.
 *
 * The sales account (which gives the product its VAT in Go) is, in this order: the product's
 * current one in Go when its VAT code is the mapped one (a bookkeeper's choice is kept); the
 * CRM's ledger account by number, the default account (settings), else the first active sales
 * account, whichever has the mapped VAT code; the default account when none has it or the
 * product has no VAT group. An unmapped VAT group or unit is a problem, not a guess.
 */
export function productToPowerOffice(p: ProductFields, ctx: ProductContext, current?: Wire<ProductDto> | null): MappingResult<ProductPostDto> {
  const problems: Problem[] = [];
  const unit = clean(p.unit);
  const unitCode = unitCodeFor(unit, ctx.unitMapping);
  if (unit && !unitCode) problems.push(unmappedUnit(unit, "unit"));
  let vatCode: string | null = null;
  if (p.vatGroupId) {
    vatCode = clean(ctx.vatMapping[p.vatGroupId]);
    if (!vatCode) problems.push(unmappedVatGroup(p.vatGroupId, "vatGroupId"));
  }
  if (problems.length) return { ok: false, problems };

  const body: ProductPostDto = {
    Name: truncate(p.name.trim(), LIMITS.productName),
    Description: clean(p.description),
    UnitPrice: p.salesPrice,
    UnitCost: p.purchasePrice,
    IsArchived: !p.active,
  };
  const code = clean(p.code);
  if (code) body.Code = truncate(code, LIMITS.productCode);
  body.UnitOfMeasureCode = unitCode;

  const hostGroup = p.productGroupId ? ctx.host.productGroups.find((g) => g.value === p.productGroupId) : undefined;
  const group = hostGroup ? goGroupFor(hostGroup, ctx.productGroups) : undefined;
  // no Go group of that name: the product stays in the group it has (a new one: Go's default group)
  const groupId = typeof group?.Id === "number" ? group.Id : current?.ProductGroupId;
  if (typeof groupId === "number") body.ProductGroupId = groupId;

  const accountId = salesAccountFor(p, vatCode, ctx, current);
  if (accountId !== null) body.StandardSalesAccountId = accountId;
  return { ok: true, body };
}

function salesAccountFor(p: ProductFields, vatCode: string | null, ctx: ProductContext, current?: Wire<ProductDto> | null): number | null {
  const active = ctx.ledgerAccounts.filter((a) => a.IsActive !== false && typeof a.Id === "number");
  const byId = (id: number | string | null | undefined) => (id === null || id === undefined || id === "" ? undefined : active.find((a) => a.Id === Number(id)));
  const hostNumber = p.ledgerAccountId ? ctx.host.ledgerAccounts.find((l) => l.value === p.ledgerAccountId)?.hint?.trim() : undefined;
  const byHost = hostNumber ? active.find((a) => String(a.AccountNo) === hostNumber) : undefined;
  const fallback = byId(ctx.defaultLedgerAccountId);
  if (!vatCode) return (byHost ?? fallback)?.Id ?? null;
  const fits = (a: Wire<GeneralLedgerAccountDto> | undefined) => (a && sameCode(a.VatCode, vatCode) ? a : undefined);
  const kept = current ? fits(byId(current.StandardSalesAccountId) ?? active.find((a) => a.AccountNo === current.StandardSalesAccount)) : undefined;
  const firstSales = active.filter((a) => isSalesAccount(a) && sameCode(a.VatCode, vatCode)).sort((a, b) => (a.AccountNo ?? 0) - (b.AccountNo ?? 0))[0];
  return (kept ?? fits(byHost) ?? fits(fallback) ?? firstSales ?? fallback)?.Id ?? null;
}

/** An income account: Go's type says so, or (type not given) Norway's account class 3. */
export function isSalesAccount(a: Wire<GeneralLedgerAccountDto>): boolean {
  if (a.GeneralLedgerAccountType) return a.GeneralLedgerAccountType === "Income";
  return typeof a.AccountNo === "number" && a.AccountNo >= 3000 && a.AccountNo < 4000;
}

function findProductGroup(groups: Wire<ProductGroupDto>[], id: number | null | undefined, code: string | null | undefined) {
  if (typeof id === "number") {
    const hit = groups.find((g) => g.Id === id);
    if (hit) return hit;
  }
  const c = clean(code);
  return c ? groups.find((g) => clean(g.Code) === c) : undefined;
}

/** The CRM product group of a Go group: the one with its name, else the one whose code is its code; only a single match counts. */
function hostGroupFor(group: Wire<ProductGroupDto>, hostGroups: ProductContext["host"]["productGroups"]) {
  const byName = hostGroups.filter((h) => sameName(h.label, group.Name));
  if (byName.length === 1) return byName[0];
  const byCode = hostGroups.filter((h) => sameName(h.hint, group.Code));
  return byCode.length === 1 ? byCode[0] : undefined;
}

/** The Go group of a CRM product group, matched the same way (active groups only). */
function goGroupFor(hostGroup: { label: string; hint?: string }, groups: Wire<ProductGroupDto>[]) {
  const live = groups.filter((g) => g.IsArchived !== true);
  const byName = live.filter((g) => sameName(g.Name, hostGroup.label));
  if (byName.length === 1) return byName[0];
  const byCode = live.filter((g) => sameName(g.Code, hostGroup.hint));
  return byCode.length === 1 ? byCode[0] : undefined;
}

/** The product's standard sales account, else its group's (by Id, else by number). */
function salesAccountOf(p: Wire<ProductDto>, group: Wire<ProductGroupDto> | undefined, accounts: Wire<GeneralLedgerAccountDto>[]) {
  const find = (id: number | null | undefined, no: number | null | undefined) =>
    (typeof id === "number" ? accounts.find((a) => a.Id === id) : undefined) ?? (typeof no === "number" ? accounts.find((a) => a.AccountNo === no) : undefined);
  return find(p.StandardSalesAccountId, p.StandardSalesAccount) ?? (group ? find(group.StandardSalesAccountId, group.StandardSalesAccount) : undefined);
}

// ==================================================================== invoices → sales orders

/** The reference that makes a booked invoice findable and unique in Go: installation + number. */
export function salesOrderReference(installationId: string, documentNumber: string, kind: "invoice" | "salesOrder" = "invoice"): string {
  return `ledgerlink:${installationId}:${kind === "invoice" ? "inv" : "so"}:${documentNumber.trim()}`;
}

export interface SalesOrderContext {
  /** Go Id of the customer (the relation's link) */
  customerId: number;
  installationId: string;
  /** host product id → Go product Id (the product links) */
  productIds: Record<string, number | string>;
  settings: {
    vatMapping: Record<string, string | null | undefined>;
    unitMapping: Record<string, string | null | undefined>;
    salesOrderStatus: SalesOrderStatus;
  };
  /**
   * What decides each line's VAT in Go: the VAT code of each linked product's standard and
   * optional sales account, and of the client's default sales account (lines without a product).
   * Without it the lines are not checked and Go's accounts decide.
   */
  lineVat?: {
    productVatCodes: Record<string, { standard: string | null; optional: string | null }>;
    defaultVatCode: string | null;
  };
  /** Go VAT code → its rate in percent (GET /VatCodes): a line whose CRM rate differs is refused */
  vatRates?: Record<string, number>;
}

/**
 * A canonical invoice (or sales order) as the body of POST /SalesOrders/Complete (seed: Factuur
 * table): SalesOrderDate and DeliveryDate the invoice date ("Delivery date → Factuurdatum"),
 * PaymentTerm its days, the number in ExternalImportReference (and ImportedOrderNo when
 * numeric), the status from the settings. Lines: by product (ProductId) or as text; prices
 * excluding VAT; Allowance always sent (null would take the customer's default allowance).
 */
export function invoiceToSalesOrder(
  inv: Invoice & Partial<Pick<SalesOrder, "deliveryDate" | "customerReference">>,
  ctx: SalesOrderContext,
  kind: "invoice" | "salesOrder" = "invoice",
): MappingResult<SalesOrderCompletePostDto> {
  const problems: Problem[] = [];
  const lines: SalesOrderLinePostDto[] = [];

  inv.lines.forEach((line, i) => {
    const description = line.description.trim();
    const isText = !line.productId && line.unitPrice === 0 && line.totalExcludingVat === 0;
    if (isText) {
      // a line with only words: Go's Text line carries no amount, VAT or unit
      if (description) lines.push({ LineType: "Text", Description: description, SortOrder: i });
      return;
    }
    const out: SalesOrderLinePostDto = {
      LineType: "Normal",
      Description: description || clean(inv.subject) || inv.number,
      Quantity: line.quantity,
      ProductUnitPrice: line.unitPrice,
      Allowance: line.discountPercentage,
      SortOrder: i,
    };
    let goProductId: string | null = null;
    if (line.productId) {
      const id = ctx.productIds[line.productId];
      if (id === undefined || id === null || id === "") {
        problems.push({
          field: `lines.${i}.productId`,
          code: "productNotLinked",
          message: `Line ${i + 1}: product "${line.productId}" is not linked to a PowerOffice product yet.`,
          params: { product: line.productId, line: i + 1 },
        });
      } else {
        out.ProductId = Number(id);
        goProductId = String(id);
        if (!description) delete out.Description; // Go takes the product's name
      }
    }
    const unit = clean((line as { unit?: string | null }).unit ?? null);
    if (unit) {
      const code = unitCodeFor(unit, ctx.settings.unitMapping);
      if (code) out.UnitOfMeasureCode = code;
      else problems.push(unmappedUnit(unit, `lines.${i}.unit`, i));
    }
    const vat = lineVatProblems(line, i, goProductId, ctx, Boolean(line.productId) && !goProductId);
    problems.push(...vat.problems);
    if (vat.useStandardSalesAccount !== null) out.UseStandardSalesAccount = vat.useStandardSalesAccount;
    lines.push(out);
  });

  if (problems.length) return { ok: false, problems };

  const body: SalesOrderCompletePostDto = {
    CustomerId: ctx.customerId,
    SalesOrderDate: inv.date,
    DeliveryDate: inv.deliveryDate ?? inv.date,
    PaymentTerm: inv.paymentTermDays,
    CurrencyCode: inv.currency.toUpperCase(),
    SalesOrderStatus: ctx.settings.salesOrderStatus,
    ExternalImportReference: salesOrderReference(ctx.installationId, inv.number, kind),
    SalesOrderLines: lines,
  };
  const numeric = inv.number.trim();
  if (/^\d{1,15}$/.test(numeric) && Number(numeric) > 0) body.ImportedOrderNo = Number(numeric);
  const reference = clean(inv.customerReference);
  if (reference) body.CustomerReference = reference;
  return { ok: true, body };
}

/** The VAT of one invoice line: its group mapped; with `lineVat`, which sales account gives that code. */
function lineVatProblems(
  line: Invoice["lines"][number],
  i: number,
  goProductId: string | null,
  ctx: SalesOrderContext,
  productUnlinked: boolean,
): { problems: Problem[]; useStandardSalesAccount: boolean | null } {
  const none = { problems: [] as Problem[], useStandardSalesAccount: null };
  if (!line.vatGroupId) {
    return {
      ...none,
      problems: [{ field: `lines.${i}.vatGroupId`, code: "vatGroupMissing", message: `Line ${i + 1} has no VAT group.`, params: { line: i + 1 } }],
    };
  }
  const code = clean(ctx.settings.vatMapping[line.vatGroupId]);
  if (!code) return { ...none, problems: [unmappedVatGroup(line.vatGroupId, `lines.${i}.vatGroupId`, i)] };

  const rate = ctx.vatRates?.[code];
  if (rate !== undefined && Math.abs(rate - line.vatPercentage) > 0.001) {
    return {
      ...none,
      problems: [
        {
          field: `lines.${i}.vatGroupId`,
          code: "vatRateMismatch",
          message: `Line ${i + 1}: VAT group "${line.vatGroupId}" (${line.vatPercentage} %) is mapped to PowerOffice VAT code ${code} (${rate} %).`,
          params: { line: i + 1, vatGroup: line.vatGroupId, vatCode: code, percentage: line.vatPercentage, rate },
        },
      ],
    };
  }

  if (!ctx.lineVat || productUnlinked) return none;
  let actual: string | null;
  if (goProductId) {
    const accounts = ctx.lineVat.productVatCodes[goProductId];
    if (!accounts) return none; // the product's accounts are not known: Go decides
    if (sameCode(accounts.standard, code)) return { ...none, useStandardSalesAccount: true };
    if (sameCode(accounts.optional, code)) return { ...none, useStandardSalesAccount: false };
    actual = accounts.standard;
  } else {
    if (sameCode(ctx.lineVat.defaultVatCode, code)) return none;
    actual = ctx.lineVat.defaultVatCode;
  }
  return {
    ...none,
    problems: [
      {
        field: `lines.${i}.vatGroupId`,
        code: "vatCodeMismatch",
        message: `Line ${i + 1}: VAT group "${line.vatGroupId}" is mapped to VAT code ${code}, but PowerOffice would book the line with VAT code ${actual ?? "none"} (from its sales account).`,
        params: { line: i + 1, vatGroup: line.vatGroupId, vatCode: code, actual: actual ?? "" },
      },
    ],
  };
}

// ==================================================================== payments

/**
 * Payment status of a sent invoice. `remoteInvoiceId` is the invoice's Id, which is the Id of
 * the sales order the invoice push created. Balance is in the client's currency (NOK); for an
 * invoice in another currency it is converted back with the invoice's exchange rate so it can be
 * set against TotalAmount. A reversed (credited) invoice is never reported paid.
 */
export function outgoingInvoiceToPayment(inv: Wire<OutgoingInvoiceDto>, opts: { clientCurrency?: string } = {}): Payment {
  const currency = (clean(inv.CurrencyCode) ?? DEFAULT_CURRENCY).toUpperCase();
  const clientCurrency = (opts.clientCurrency ?? DEFAULT_CURRENCY).toUpperCase();
  const total = typeof inv.TotalAmount === "number" ? round2(inv.TotalAmount) : null;
  const rate = typeof inv.CurrencyExchangeRate === "number" && inv.CurrencyExchangeRate > 0 ? inv.CurrencyExchangeRate : null;
  const balance = typeof inv.Balance === "number" ? inv.Balance : null;
  const inInvoiceCurrency = balance === null ? null : currency !== clientCurrency && rate !== null ? balance / rate : balance;
  const outstanding = inInvoiceCurrency === null ? (total ?? 0) : round2(inInvoiceCurrency);
  return {
    remoteInvoiceId: inv.Id ?? "",
    invoiceNumber: typeof inv.InvoiceNo === "number" ? String(inv.InvoiceNo) : "",
    total,
    outstanding,
    currency,
    // within rounding: a balance that rounds to 0.00 is settled
    paid: balance !== null && toCents(balance) === 0 && inv.IsReversed !== true,
    changedAt: inv.BalanceLastChangedDateTimeOffset ?? null,
  };
}

// ==================================================================== helpers

function unmappedVatGroup(vatGroup: string, field: string, i?: number): Problem {
  return {
    field,
    code: "unmappedVatGroup",
    message: `VAT group "${vatGroup}"${i === undefined ? "" : ` on line ${i + 1}`} is not mapped to a PowerOffice VAT code (BTW-groepen tab).`,
    params: i === undefined ? { vatGroup } : { vatGroup, line: i + 1 },
  };
}

function unmappedUnit(unit: string, field: string, i?: number): Problem {
  return {
    field,
    code: "unmappedUnit",
    message: `Unit "${unit}"${i === undefined ? "" : ` on line ${i + 1}`} is not mapped to a PowerOffice unit (Units tab).`,
    params: i === undefined ? { unit } : { unit, line: i + 1 },
  };
}

function clean(v: string | null | undefined): string | null {
  const t = typeof v === "string" ? v.trim() : "";
  return t ? t : null;
}

function sameCode(a: string | null | undefined, b: string | null | undefined): boolean {
  const x = clean(a);
  return x !== null && x.toUpperCase() === clean(b)?.toUpperCase();
}

function sameName(a: string | null | undefined, b: string | null | undefined): boolean {
  const norm = (s: string | null | undefined) => clean(s)?.toLowerCase().replace(/\s+/g, " ") ?? null;
  const x = norm(a);
  return x !== null && x === norm(b);
}

function numberText(n: number | null | undefined): string | null {
  return typeof n === "number" ? String(n) : null;
}

function truncate(s: string, max: number): string {
  return s.length > max ? s.slice(0, max) : s;
}

function truncateOrNull(s: string | null | undefined, max: number): string | null {
  const c = clean(s);
  return c === null ? null : truncate(c, max);
}

function clamp(n: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, n));
}

