/**
 * Tribe entities ↔ the canonical model (pure: no I/O).
 *
 * A relation is a `Relation_Organization` or `Relation_Person` read with
 * `Addresses($expand=AddressType)` and `Relationships` (organizations also `($expand=Person)` for
 * their contact persons). Roles come from the relationships' `_Type`s; addresses are typed by their
 * AddressType's Code. Writes are deep: one body carries the relation, its addresses and its
 * relationships; children with an ID are updated, without one created, none is ever deleted.
 */
import { z } from "zod";
import {
  invoice as invoiceSchema,
  product as productSchema,
  relation as relationSchema,
  salesOrder as salesOrderSchema,
  type Address,
  type AddressKind,
  type ContactPerson,
  type Invoice,
  type InvoiceLine,
  type Product,
  type Relation,
  type SalesOrder,
} from "@/lib/model";
import { RecordRejectedError, type SideRecord } from "@/lib/sync/types";

// ------------------------------------------------------------------ entity schemas

const text = z.string().nullish();
const num = z.number().nullish();
const bool = z.boolean().nullish();
/** numbers that some tenants hold as numbers and others as text */
const code = z
  .union([z.string(), z.number()])
  .nullish()
  .transform((v) => (v == null ? v : String(v)));
const ref = z.looseObject({ ID: z.string().min(1) });

const system = {
  ID: z.string().min(1),
  _Type: text,
  _Name: text,
  CreationDate: text,
  LastMutationDate: text,
};

export const tribeDatastore = z.looseObject({
  ...system,
  Name: text,
  Code: text,
  IsDefault: bool,
});
export type TribeDatastore = z.infer<typeof tribeDatastore>;

export const tribeVatGroup = tribeDatastore.extend({ Percentage: num, CountryCode: text });
export type TribeVatGroup = z.infer<typeof tribeVatGroup>;

export const tribeRelationshipType = tribeDatastore.extend({ EntityType: text });
export type TribeRelationshipType = z.infer<typeof tribeRelationshipType>;

export const tribeAddress = z.looseObject({
  ...system,
  Street: text,
  HouseNumber: text,
  HouseNumberAddition: text,
  Postalcode: text,
  City: text,
  CountryCode: text,
  AddressType: tribeDatastore.nullish(),
  Relation: ref.nullish(),
});
export type TribeAddress = z.infer<typeof tribeAddress>;

export const tribePerson = z.looseObject({
  ...system,
  FirstName: text,
  MiddleName: text,
  LastName: text,
  EmailAddress: text,
  PhoneNumber: text,
  MobilePhoneNumber: text,
});

export const tribeRelationship = z.looseObject({
  ...system,
  _Type: z.string().min(1),
  DebtorNumber: code,
  CreditorNumber: code,
  PaymentTermInDays: num,
  IsActive: bool,
  EmailAddress: text,
  PhoneNumber: text,
  MobilePhoneNumber: text,
  Department: text,
  Person: tribePerson.nullish(),
  Relation: ref.nullish(),
});
export type TribeRelationship = z.infer<typeof tribeRelationship>;

export const tribeRelation = z.looseObject({
  ...system,
  _Type: z.enum(["Relation.Organization", "Relation.Person"]),
  Name: text,
  FirstName: text,
  MiddleName: text,
  LastName: text,
  EmailAddress: text,
  PhoneNumber: text,
  MobilePhoneNumber: text,
  Website: text,
  VatNumber: text,
  ChamberOfCommerceNumber: text,
  IsActive: bool,
  IsOwnOrganization: bool,
  Addresses: z.array(tribeAddress).optional(),
  Relationships: z.array(tribeRelationship).optional(),
});
export type TribeRelation = z.infer<typeof tribeRelation>;

export const tribeProduct = z.looseObject({
  ...system,
  Name: text,
  Code: text,
  Description: text,
  SalesPrice: num,
  PurchasePrice: num,
  IsInactive: bool,
  Unit: ref.nullish(),
  VatGroup: ref.nullish(),
  ProductGroup: ref.nullish(),
  GeneralLedgerAccount: ref.nullish(),
});
export type TribeProduct = z.infer<typeof tribeProduct>;

export const tribeProductLine = z.looseObject({
  ...system,
  Description: text,
  Quantity: num,
  Price: num,
  DiscountPercentage: num,
  VatPercentage: num,
  TotalExcludingVat: num,
  VatAmount: num,
  TotalIncludingVat: num,
  Product: z.looseObject({ ID: z.string().min(1), ProductGroup: ref.nullish() }).nullish(),
  VatGroup: z.looseObject({ ID: z.string().min(1), Percentage: num }).nullish(),
});
export type TribeProductLine = z.infer<typeof tribeProductLine>;

const activity = {
  ...system,
  Number: code,
  Subject: text,
  PaymentTermInDays: num,
  Currency: text,
  IsVatIncluded: bool,
  TotalExcludingVat: num,
  VatAmount: num,
  TotalIncludingVat: num,
  Relation: ref.nullish(),
  Relationship: ref.nullish(),
  Phase: tribeDatastore.nullish(),
  ProductLines: z.array(tribeProductLine).optional(),
};

export const tribeInvoice = z.looseObject({
  ...activity,
  InvoiceDate: text,
  IsPaid: bool,
  Subscription: ref.nullish(),
});
export type TribeInvoice = z.infer<typeof tribeInvoice>;

export const tribeSalesOrder = z.looseObject({
  ...activity,
  OrderDate: text,
  DeliveryDate: text,
  CustomerReference: text,
});
export type TribeSalesOrder = z.infer<typeof tribeSalesOrder>;

// ------------------------------------------------------------------ constants

export const RELATION_SETS = { organization: "Relation_Organization", person: "Relation_Person" } as const;
export type RelationSet = (typeof RELATION_SETS)[keyof typeof RELATION_SETS];

/** `$expand` of a relation read: typed addresses, roles, and (organizations) contact persons. */
export const RELATION_EXPAND = {
  Relation_Organization: "Addresses($expand=AddressType),Relationships($expand=Person)",
  Relation_Person: "Addresses($expand=AddressType),Relationships",
} as const satisfies Record<RelationSet, string>;

export const INVOICE_EXPAND = "ProductLines($expand=VatGroup,Product($expand=ProductGroup)),Phase,Relation,Subscription";
export const SALES_ORDER_EXPAND = "ProductLines($expand=VatGroup,Product($expand=ProductGroup)),Phase,Relation";

const ADDRESS_KIND_BY_CODE: Record<string, AddressKind> = {
  visiting: "visiting",
  postal: "postal",
  invoice: "invoice",
  delivery: "delivery",
};
export const ADDRESS_CODE_BY_KIND: Record<AddressKind, string> = {
  visiting: "Visiting",
  postal: "Postal",
  invoice: "Invoice",
  delivery: "Delivery",
};

/** relationship `_Type` suffix after `Relationship.<Organization|Person>.` → relation type Code */
export const DEFAULT_RELATIONSHIP_CODES: Readonly<Record<string, string>> = {
  "CommercialRelationship.Customer": "Customer",
  Supplier: "Supplier",
  "CommercialRelationship.Prospect": "Prospect",
  Partner: "Partner",
};

/** which relationship kinds exist for each relation kind (docs/host-api.md entity sets) */
const RELATIONSHIP_SUFFIXES: Record<"organization" | "person", Record<string, string>> = {
  organization: {
    Customer: "CommercialRelationship.Customer",
    Supplier: "Supplier",
    Prospect: "CommercialRelationship.Prospect",
    Partner: "Partner",
  },
  person: { Customer: "CommercialRelationship.Customer", Supplier: "Supplier" },
};
const CONTACT_SUFFIX = "Contact.Standard";

const CUSTOMER_SUFFIX = "CommercialRelationship.Customer";
const SUPPLIER_SUFFIX = "Supplier";

export function relationKindOf(type: string): "organization" | "person" {
  return type === "Relation.Person" ? "person" : "organization";
}

export function relationSetOf(kind: "organization" | "person"): RelationSet {
  return RELATION_SETS[kind];
}

/** `Relationship.Organization.CommercialRelationship.Customer` → `CommercialRelationship.Customer` */
export function relationshipSuffix(type: string): string | null {
  const m = /^Relationship\.(?:Organization|Person)\.(.+)$/.exec(type);
  return m ? m[1]! : null;
}

function relationshipType(kind: "organization" | "person", suffix: string): string {
  return `Relationship.${kind === "person" ? "Person" : "Organization"}.${suffix}`;
}

// ------------------------------------------------------------------ small helpers

/** trimmed text or null; long values cut to what the canonical model takes */
function clean(v: unknown, max = 500): string | null {
  if (v == null) return null;
  const s = String(v).trim();
  return s === "" ? null : s.slice(0, max);
}

function country(v: unknown): string | null {
  const s = clean(v);
  return s && /^[A-Za-z]{2}$/.test(s) ? s.toUpperCase() : null;
}

function latest(...dates: Array<string | null | undefined>): string | null {
  let best: string | null = null;
  let bestMs = -Infinity;
  for (const d of dates) {
    if (!d) continue;
    const ms = Date.parse(d);
    if (!Number.isNaN(ms) && ms > bestMs) {
      bestMs = ms;
      best = new Date(ms).toISOString();
    }
  }
  return best;
}

function termDays(v: number | null | undefined): number | null {
  if (v == null || !Number.isFinite(v)) return null;
  const n = Math.round(v);
  return n >= 0 && n <= 365 ? n : null;
}

function dateOnly(v: string | null | undefined): string | null {
  if (!v) return null;
  if (/^\d{4}-\d{2}-\d{2}$/.test(v)) return v;
  const ms = Date.parse(v);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString().slice(0, 10);
}

const round = (n: number, d: number) => Math.round((n + Number.EPSILON) * 10 ** d) / 10 ** d;

/** equal after normalising empty text to null */
function same(a: unknown, b: unknown): boolean {
  const norm = (v: unknown) => (typeof v === "string" ? (v.trim() === "" ? null : v.trim()) : v ?? null);
  return norm(a) === norm(b);
}

/**
 * Message keys of the RecordRejectedErrors raised here (for the i18n catalogue):
 * - `host.tribe.addressTypeMissing` {kind, code}: the CRM has no address type with that Code
 * - `host.tribe.kindChange` {from, to}: an organization cannot become a person or back
 * - `host.tribe.documentInvalid` {document, number, field, issue}: an invoice/sales order the model refuses
 * - `host.tribe.documentWithoutCustomer` {document, number}: an invoice/sales order without Relation
 */
function rejectOnIssues<T>(document: "invoice" | "salesOrder", number: string, parsed: z.ZodSafeParseResult<T>): T {
  if (parsed.success) return parsed.data;
  const first = parsed.error.issues[0]!;
  const field = first.path.map(String).join(".") || "(record)";
  throw new RecordRejectedError("host.tribe.documentInvalid", { document, number, field, issue: first.message });
}

// ------------------------------------------------------------------ relations: read

export type RelationContext = {
  /** AddressType ID → Code, for addresses read without `$expand=AddressType` */
  addressTypeCodes?: ReadonlyMap<string, string>;
  /** relationship `_Type` suffix → relation type Code (Datastore_RelationshipType.EntityType → Code) */
  relationshipCodes?: Readonly<Record<string, string>>;
};

export function addressKindOf(a: TribeAddress, ctx: RelationContext = {}): AddressKind | null {
  if (!a.AddressType) return "visiting"; // the server's default type
  const c = a.AddressType.Code ?? ctx.addressTypeCodes?.get(a.AddressType.ID) ?? null;
  if (c == null) return null;
  return ADDRESS_KIND_BY_CODE[c.toLowerCase()] ?? null;
}

export function addressFromTribe(a: TribeAddress, ctx: RelationContext = {}): Address | null {
  const kind = addressKindOf(a, ctx);
  if (!kind) return null; // a type the canonical model has no kind for
  return {
    kind,
    street: clean(a.Street),
    houseNumber: clean(a.HouseNumber),
    houseNumberAddition: clean(a.HouseNumberAddition),
    postcode: clean(a.Postalcode),
    city: clean(a.City),
    country: country(a.CountryCode),
    hostTypeId: a.AddressType?.ID ?? null,
  };
}

function relationships(e: TribeRelation, suffix: string): TribeRelationship[] {
  const all = (e.Relationships ?? []).filter((r) => relationshipSuffix(r._Type) === suffix);
  // the active one first: its numbers are the ones that count
  return all.sort((a, b) => Number(b.IsActive !== false) - Number(a.IsActive !== false));
}

export function personName(p: { FirstName?: string | null; MiddleName?: string | null; LastName?: string | null }): string | null {
  const parts = [p.FirstName, p.MiddleName, p.LastName].map((v) => clean(v)).filter((v): v is string => !!v);
  return parts.length ? parts.join(" ") : null;
}

export function relationFromTribe(e: TribeRelation, ctx: RelationContext = {}): SideRecord<Relation> {
  const kind = relationKindOf(e._Type);
  const codes = { ...DEFAULT_RELATIONSHIP_CODES, ...(ctx.relationshipCodes ?? {}) };
  const customer = relationships(e, CUSTOMER_SUFFIX)[0];
  const supplier = relationships(e, SUPPLIER_SUFFIX)[0];
  const relationTypes: string[] = [];
  for (const r of e.Relationships ?? []) {
    const suffix = relationshipSuffix(r._Type);
    const c = suffix ? codes[suffix] : undefined;
    if (c && !relationTypes.includes(c)) relationTypes.push(c);
  }
  const contactPersons: ContactPerson[] =
    kind === "organization"
      ? (e.Relationships ?? [])
          .filter((r) => relationshipSuffix(r._Type) === CONTACT_SUFFIX)
          .map((r) => ({
            firstName: clean(r.Person?.FirstName),
            middleName: clean(r.Person?.MiddleName),
            lastName: clean(r.Person?.LastName),
            email: clean(r.EmailAddress ?? r.Person?.EmailAddress),
            phone: clean(r.PhoneNumber ?? r.Person?.PhoneNumber),
            mobile: clean(r.MobilePhoneNumber ?? r.Person?.MobilePhoneNumber),
          }))
      : [];
  const name =
    (kind === "person" ? personName(e) : clean(e.Name, 250)) ?? clean(e._Name, 250) ?? clean(e.Name, 250) ?? `(${e.ID})`;
  const data: Relation = {
    kind,
    name: name.slice(0, 250),
    firstName: kind === "person" ? clean(e.FirstName) : null,
    middleName: kind === "person" ? clean(e.MiddleName) : null,
    lastName: kind === "person" ? clean(e.LastName) : null,
    isCustomer: !!customer,
    isSupplier: !!supplier,
    relationTypes,
    debtorNumber: clean(customer?.DebtorNumber),
    creditorNumber: clean(supplier?.CreditorNumber),
    vatNumber: kind === "organization" ? clean(e.VatNumber) : null,
    chamberOfCommerceNumber: kind === "organization" ? clean(e.ChamberOfCommerceNumber) : null,
    email: clean(e.EmailAddress),
    phone: clean(e.PhoneNumber),
    mobile: kind === "person" ? clean(e.MobilePhoneNumber) : null,
    website: kind === "organization" ? clean(e.Website) : null,
    paymentTermDays: termDays(customer?.PaymentTermInDays),
    addresses: (e.Addresses ?? []).map((a) => addressFromTribe(a, ctx)).filter((a): a is Address => a !== null),
    contactPersons,
    active: e.IsActive !== false,
  };
  return {
    id: e.ID,
    number: data.debtorNumber ?? data.creditorNumber,
    data: relationSchema.parse(data),
    parts: childIds(e),
    modifiedAt: latest(
      e.LastMutationDate,
      ...(e.Addresses ?? []).map((a) => a.LastMutationDate),
      ...(e.Relationships ?? []).map((r) => r.LastMutationDate),
    ),
  };
}

/** The ids of a relation's addresses and relationships (children created but not read back have none). */
export function childIds(e: Pick<TribeRelation, "Addresses" | "Relationships">): string[] {
  return [...(e.Addresses ?? []), ...(e.Relationships ?? [])].map((c) => c.ID).filter((id) => id !== "");
}

/**
 * The host entities a relation write created or changed, each of which the CRM answers with a
 * webhook: the relation itself when the body sets its own fields (a create always), every child
 * the body names by ID, and every child it created.
 */
export function mutatedBy(id: string, body: Record<string, unknown>, before: TribeRelation | null, after: TribeRelation): string[] {
  const children = new Set(["Addresses", "Relationships"]);
  const own = before === null || Object.keys(body).some((k) => !children.has(k));
  const named = [...children]
    .flatMap((k) => (Array.isArray(body[k]) ? (body[k] as Array<{ ID?: unknown }>) : []))
    .map((c) => (typeof c.ID === "string" ? c.ID : ""))
    .filter((x) => x !== "");
  return [...new Set([...(own ? [id] : []), ...named, ...createdChildren(before, after)])];
}

/**
 * Children `after` has that `before` had not. `before` may be a shape rebuilt from the canonical
 * record (children without ids): then the children beyond the count `before` had of their type
 * are the new ones (a relation's children are listed in creation order).
 */
function createdChildren(before: TribeRelation | null, after: TribeRelation): string[] {
  const all = (r: Pick<TribeRelation, "Addresses" | "Relationships">) => [...(r.Addresses ?? []), ...(r.Relationships ?? [])];
  const kindOf = (c: TribeAddress | TribeRelationship) =>
    String(c._Type ?? "").startsWith("Relationship.") ? `role:${c._Type}` : `address:${(c as TribeAddress).AddressType?.ID ?? ""}`;
  if (!before) return childIds(after);
  const known = new Set(childIds(before));
  const had = new Map<string, number>();
  for (const c of all(before)) had.set(kindOf(c), (had.get(kindOf(c)) ?? 0) + 1);
  const seen = new Map<string, number>();
  const out: string[] = [];
  for (const c of all(after)) {
    const k = kindOf(c);
    const n = (seen.get(k) ?? 0) + 1;
    seen.set(k, n);
    if (c.ID && !known.has(c.ID) && (known.size > 0 || n > (had.get(k) ?? 0))) out.push(c.ID);
  }
  return out;
}

// ------------------------------------------------------------------ relations: write

export type AddressTypeIds = Partial<Record<AddressKind, string>>;

/** Code → kind map of a Datastore_AddressType list, as the id map the writers need. */
export function addressTypeIdsFrom(types: TribeDatastore[]): AddressTypeIds {
  const out: AddressTypeIds = {};
  for (const t of types) {
    const kind = t.Code ? ADDRESS_KIND_BY_CODE[t.Code.toLowerCase()] : undefined;
    if (kind && !out[kind]) out[kind] = t.ID;
  }
  return out;
}

function relationFields(d: Relation): Record<string, unknown> {
  if (d.kind === "person") {
    const hasParts = !!(d.firstName || d.middleName || d.lastName);
    return {
      FirstName: d.firstName,
      MiddleName: d.middleName,
      // a person known only by a full name keeps it as the last name
      LastName: hasParts ? d.lastName : d.name,
      EmailAddress: d.email,
      PhoneNumber: d.phone,
      MobilePhoneNumber: d.mobile,
      IsActive: d.active,
    };
  }
  return {
    Name: d.name,
    EmailAddress: d.email,
    PhoneNumber: d.phone,
    Website: d.website,
    VatNumber: d.vatNumber,
    ChamberOfCommerceNumber: d.chamberOfCommerceNumber,
    IsActive: d.active,
  };
}

function addressFields(a: Address): Record<string, unknown> {
  return {
    Street: a.street,
    HouseNumber: a.houseNumber,
    HouseNumberAddition: a.houseNumberAddition,
    Postalcode: a.postcode,
    City: a.city,
    CountryCode: a.country,
  };
}

function addressTypeRef(a: Address, ids: AddressTypeIds): { ID: string } | undefined {
  const id = a.hostTypeId ?? ids[a.kind];
  if (id) return { ID: id };
  if (a.kind === "visiting") return undefined; // the server types an untyped address as Visiting
  throw new RecordRejectedError("host.tribe.addressTypeMissing", { kind: a.kind, code: ADDRESS_CODE_BY_KIND[a.kind] });
}

function newAddress(a: Address, ids: AddressTypeIds): Record<string, unknown> {
  const type = addressTypeRef(a, ids);
  return { ...withoutNulls(addressFields(a)), ...(type ? { AddressType: type } : {}) };
}

function withoutNulls(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null && v !== undefined));
}

/** Role codes (Customer, Supplier, …) the relation should hold, as relationship `_Type` suffixes. */
function wantedSuffixes(d: Relation): string[] {
  const map = RELATIONSHIP_SUFFIXES[d.kind];
  const out: string[] = [];
  const add = (s: string | undefined) => {
    if (s && !out.includes(s)) out.push(s);
  };
  if (d.isCustomer) add(map.Customer);
  if (d.isSupplier) add(map.Supplier);
  for (const code of d.relationTypes) add(map[code]);
  return out;
}

function newRelationship(d: Relation, suffix: string): Record<string, unknown> {
  const body: Record<string, unknown> = { _Type: relationshipType(d.kind, suffix) };
  if (suffix === CUSTOMER_SUFFIX) {
    if (d.debtorNumber) body.DebtorNumber = d.debtorNumber;
    if (d.paymentTermDays != null) body.PaymentTermInDays = d.paymentTermDays;
  }
  if (suffix === SUPPLIER_SUFFIX && d.creditorNumber) body.CreditorNumber = d.creditorNumber;
  return body;
}

/**
 * Deep-insert body of a new relation: its fields, its addresses (typed by AddressType ID) and its
 * relationships (Customer with DebtorNumber and PaymentTermInDays, Supplier with CreditorNumber,
 * Prospect, Partner). Contact persons are not written (a contact needs an existing Relation_Person).
 */
export function relationCreateBody(d: Relation, addressTypeIds: AddressTypeIds = {}): Record<string, unknown> {
  const body: Record<string, unknown> = withoutNulls(relationFields(d));
  const addresses = d.addresses.map((a) => newAddress(a, addressTypeIds));
  if (addresses.length) body.Addresses = addresses;
  const rels = wantedSuffixes(d).map((s) => newRelationship(d, s));
  if (rels.length) body.Relationships = rels;
  return body;
}

/** Pairs each wanted address with the existing one it updates (same type), or null to create. */
function matchAddresses(current: TribeRelation, wanted: Address[], ctx: RelationContext): Array<[Address, TribeAddress | null]> {
  const pool = [...(current.Addresses ?? [])];
  return wanted.map((a) => {
    let i = a.hostTypeId ? pool.findIndex((x) => x.AddressType?.ID === a.hostTypeId) : -1;
    if (i < 0) i = pool.findIndex((x) => addressKindOf(x, ctx) === a.kind);
    const hit = i >= 0 ? pool.splice(i, 1)[0]! : null;
    return [a, hit];
  });
}

/** True when an update would create an address whose type ID must come from Datastore_AddressType. */
export function updateNeedsAddressTypes(current: TribeRelation, d: Relation, ctx: RelationContext = {}): boolean {
  return matchAddresses(current, d.addresses, ctx).some(([a, hit]) => !hit && !a.hostTypeId && a.kind !== "visiting");
}
export function createNeedsAddressTypes(d: Relation): boolean {
  return d.addresses.some((a) => !a.hostTypeId);
}

/**
 * The PUT body that turns `current` into `d`, or null when nothing differs. Fields that differ are
 * sent (null clears); an address of a type the relation has is updated by ID, one it lacks is
 * created; a role it lacks gets a relationship, an existing one gets the numbers and payment term
 * when given. Nothing is deleted, and a number is never cleared.
 */
export function relationUpdateBody(
  current: TribeRelation,
  d: Relation,
  addressTypeIds: AddressTypeIds = {},
  ctx: RelationContext = {},
): Record<string, unknown> | null {
  if (relationKindOf(current._Type) !== d.kind) {
    throw new RecordRejectedError("host.tribe.kindChange", { from: relationKindOf(current._Type), to: d.kind });
  }
  const body: Record<string, unknown> = {};
  const cur = current as Record<string, unknown>;
  for (const [k, v] of Object.entries(relationFields(d))) {
    if (k === "IsActive" ? (cur.IsActive !== false) !== v : !same(cur[k], v)) body[k] = v;
  }

  const addresses: Record<string, unknown>[] = [];
  for (const [a, hit] of matchAddresses(current, d.addresses, ctx)) {
    if (!hit) {
      addresses.push(newAddress(a, addressTypeIds));
      continue;
    }
    const diff: Record<string, unknown> = {};
    const h = hit as Record<string, unknown>;
    for (const [k, v] of Object.entries(addressFields(a))) {
      if (k === "CountryCode" ? country(h[k]) !== v : !same(h[k], v)) diff[k] = v;
    }
    if (Object.keys(diff).length) addresses.push({ ID: hit.ID, ...diff });
  }
  if (addresses.length) body.Addresses = addresses;

  const rels: Record<string, unknown>[] = [];
  for (const suffix of wantedSuffixes(d)) {
    const hit = relationships(current, suffix)[0];
    if (!hit) {
      rels.push(newRelationship(d, suffix));
      continue;
    }
    const diff: Record<string, unknown> = {};
    if (suffix === CUSTOMER_SUFFIX) {
      if (d.debtorNumber && !same(hit.DebtorNumber, d.debtorNumber)) diff.DebtorNumber = d.debtorNumber;
      if (d.paymentTermDays != null && hit.PaymentTermInDays !== d.paymentTermDays) diff.PaymentTermInDays = d.paymentTermDays;
    }
    if (suffix === SUPPLIER_SUFFIX && d.creditorNumber && !same(hit.CreditorNumber, d.creditorNumber)) {
      diff.CreditorNumber = d.creditorNumber;
    }
    if (Object.keys(diff).length) rels.push({ ID: hit.ID, ...diff });
  }
  if (rels.length) body.Relationships = rels;
  return Object.keys(body).length ? body : null;
}

/**
 * Body that overwrites the debtor/creditor numbers through the relation (deep update): the
 * existing customer/supplier relationship by ID, or a new one when the relation lacks the role.
 */
export function numbersUpdateBody(
  current: TribeRelation,
  numbers: { debtorNumber?: string | null; creditorNumber?: string | null },
): Record<string, unknown> | null {
  const kind = relationKindOf(current._Type);
  const rels: Record<string, unknown>[] = [];
  const debtor = clean(numbers.debtorNumber);
  const creditor = clean(numbers.creditorNumber);
  if (debtor) {
    const hit = relationships(current, CUSTOMER_SUFFIX)[0];
    if (!hit) rels.push({ _Type: relationshipType(kind, CUSTOMER_SUFFIX), DebtorNumber: debtor });
    else if (!same(hit.DebtorNumber, debtor)) rels.push({ ID: hit.ID, DebtorNumber: debtor });
  }
  if (creditor) {
    const hit = relationships(current, SUPPLIER_SUFFIX)[0];
    if (!hit) rels.push({ _Type: relationshipType(kind, SUPPLIER_SUFFIX), CreditorNumber: creditor });
    else if (!same(hit.CreditorNumber, creditor)) rels.push({ ID: hit.ID, CreditorNumber: creditor });
  }
  return rels.length ? { Relationships: rels } : null;
}

/** True when a write body creates children (their IDs are then unknown until read again). */
export function createsChildren(body: Record<string, unknown>): boolean {
  return ["Addresses", "Relationships", "ProductLines"].some(
    (k) => Array.isArray(body[k]) && (body[k] as Array<Record<string, unknown>>).some((c) => c.ID == null),
  );
}

/**
 * The relation as it is after a write, from what was there, the body sent and the server's answer
 * (which carries the relation's own fields, not its children). Created children have an empty ID.
 */
export function applyRelationWrite(
  before: TribeRelation | null,
  body: Record<string, unknown>,
  answer: TribeRelation,
  addressTypes: ReadonlyMap<string, TribeDatastore> = new Map(),
): TribeRelation {
  if (answer.Addresses && answer.Relationships) return answer; // the server expanded them itself
  const now = answer.LastMutationDate ?? null;
  const mergeChildren = <C extends { ID: string }>(existing: C[], items: unknown, build: (item: Record<string, unknown>, old: C | null) => C): C[] => {
    const out = [...existing];
    for (const raw of Array.isArray(items) ? (items as Record<string, unknown>[]) : []) {
      const i = raw.ID != null ? out.findIndex((c) => c.ID === raw.ID) : -1;
      if (i >= 0) out[i] = build(raw, out[i]!);
      else out.push(build(raw, null));
    }
    return out;
  };
  const typeOf = (item: Record<string, unknown>, old: TribeAddress | null): TribeAddress["AddressType"] => {
    const r = item.AddressType as { ID?: string } | undefined;
    if (r?.ID) return addressTypes.get(r.ID) ?? { ID: r.ID };
    return old?.AddressType ?? [...addressTypes.values()].find((t) => t.Code?.toLowerCase() === "visiting") ?? null;
  };
  const addresses = mergeChildren<TribeAddress>(before?.Addresses ?? [], body.Addresses, (item, old) => ({
    ...(old ?? {}),
    ...item,
    ID: old?.ID ?? "",
    AddressType: typeOf(item, old),
    LastMutationDate: now ?? old?.LastMutationDate ?? null,
  }) as TribeAddress);
  const rels = mergeChildren<TribeRelationship>(before?.Relationships ?? [], body.Relationships, (item, old) => ({
    ...(old ?? {}),
    ...item,
    ID: old?.ID ?? "",
    _Type: String(old?._Type ?? item._Type),
    LastMutationDate: now ?? old?.LastMutationDate ?? null,
  }) as TribeRelationship);
  return { ...(before ?? {}), ...answer, Addresses: addresses, Relationships: rels };
}

/**
 * A relation in Tribe's shape, rebuilt from the canonical record the engine holds (children have
 * an empty ID). Used to plan an update without reading the relation first: a body that only sets
 * fields and creates children needs no child IDs; one that touches an existing child does
 * (its items then carry `ID: ""`, see `needsChildIds`).
 */
export function relationToTribeShape(id: string, r: Relation): TribeRelation {
  const suffixes = RELATIONSHIP_SUFFIXES[r.kind];
  const rels: TribeRelationship[] = [];
  const codes = [...r.relationTypes];
  if (r.isCustomer && !codes.includes("Customer")) codes.push("Customer");
  if (r.isSupplier && !codes.includes("Supplier")) codes.push("Supplier");
  for (const c of codes) {
    const suffix = suffixes[c];
    if (!suffix) continue;
    rels.push({
      ID: "",
      _Type: relationshipType(r.kind, suffix),
      DebtorNumber: suffix === CUSTOMER_SUFFIX ? r.debtorNumber : undefined,
      PaymentTermInDays: suffix === CUSTOMER_SUFFIX ? r.paymentTermDays : undefined,
      CreditorNumber: suffix === SUPPLIER_SUFFIX ? r.creditorNumber : undefined,
      IsActive: true,
    } as TribeRelationship);
  }
  for (const cp of r.kind === "organization" ? r.contactPersons : []) {
    rels.push({
      ID: "",
      _Type: relationshipType("person", CONTACT_SUFFIX),
      EmailAddress: cp.email,
      PhoneNumber: cp.phone,
      MobilePhoneNumber: cp.mobile,
      Person: { ID: "", FirstName: cp.firstName, MiddleName: cp.middleName, LastName: cp.lastName },
    } as TribeRelationship);
  }
  const f = relationFields(r);
  return {
    ID: id,
    _Type: r.kind === "person" ? "Relation.Person" : "Relation.Organization",
    ...f,
    // what the relation holds, not what a write would send
    ...(r.kind === "person" ? { FirstName: r.firstName, MiddleName: r.middleName, LastName: r.lastName } : {}),
    MobilePhoneNumber: r.mobile,
    IsActive: r.active,
    Addresses: r.addresses.map((a) => ({
      ID: "",
      ...addressFields(a),
      // no type id: the address had no type (read as visiting)
      AddressType: a.hostTypeId
        ? { ID: a.hostTypeId, Code: ADDRESS_CODE_BY_KIND[a.kind] }
        : a.kind === "visiting"
          ? null
          : { ID: "", Code: ADDRESS_CODE_BY_KIND[a.kind] },
    })),
    Relationships: rels,
  } as TribeRelation;
}

/** True when a write body updates a child whose ID is not known (planned on a rebuilt shape). */
export function needsChildIds(body: Record<string, unknown>): boolean {
  return ["Addresses", "Relationships"].some(
    (k) => Array.isArray(body[k]) && (body[k] as Array<Record<string, unknown>>).some((c) => c.ID === ""),
  );
}

// ------------------------------------------------------------------ products

export function productFromTribe(p: TribeProduct, units: ReadonlyMap<string, TribeDatastore>): SideRecord<Product> {
  const unit = p.Unit ? units.get(p.Unit.ID) : undefined;
  const data = {
    code: clean(p.Code),
    name: clean(p.Name, 250) ?? clean(p._Name, 250) ?? clean(p.Code, 250) ?? `(${p.ID})`,
    description: clean(p.Description),
    unit: clean(unit?.Name ?? unit?.Code),
    productGroupId: p.ProductGroup?.ID ?? null,
    vatGroupId: p.VatGroup?.ID ?? null,
    ledgerAccountId: p.GeneralLedgerAccount?.ID ?? null,
    salesPrice: p.SalesPrice ?? null,
    purchasePrice: p.PurchasePrice ?? null,
    active: p.IsInactive !== true,
  };
  return { id: p.ID, number: data.code, data: productSchema.parse(data), modifiedAt: latest(p.LastMutationDate) };
}

export function findUnit(units: Iterable<TribeDatastore>, unit: string | null): TribeDatastore | null {
  if (!unit) return null;
  const u = unit.trim().toLowerCase();
  const list = [...units];
  return list.find((x) => x.Name?.trim().toLowerCase() === u) ?? list.find((x) => x.Code?.trim().toLowerCase() === u) ?? null;
}

/**
 * Body of a product write. With `current`, only what differs (null when nothing does).
 * References (unit, VAT group, product group, ledger account) are set when given, never cleared;
 * an unknown unit name leaves the unit as it is.
 */
export function productBody(d: Product, units: Iterable<TribeDatastore>, current?: TribeProduct): Record<string, unknown> | null {
  const unit = findUnit(units, d.unit);
  const fields: Record<string, unknown> = {
    Name: d.name,
    Code: d.code,
    Description: d.description,
    IsInactive: !d.active,
    ...(d.salesPrice != null ? { SalesPrice: d.salesPrice } : {}),
    ...(d.purchasePrice != null ? { PurchasePrice: d.purchasePrice } : {}),
  };
  const refs: Record<string, string | null> = {
    Unit: unit?.ID ?? null,
    VatGroup: d.vatGroupId,
    ProductGroup: d.productGroupId,
    GeneralLedgerAccount: d.ledgerAccountId,
  };
  if (!current) {
    const body = withoutNulls(fields);
    for (const [k, id] of Object.entries(refs)) if (id) body[k] = { ID: id };
    return body;
  }
  const body: Record<string, unknown> = {};
  const cur = current as Record<string, unknown>;
  for (const [k, v] of Object.entries(fields)) {
    if (k === "IsInactive" ? (current.IsInactive === true) !== v : !same(cur[k], v)) body[k] = v;
  }
  for (const [k, id] of Object.entries(refs)) {
    const now = (cur[k] as { ID?: string } | null | undefined)?.ID ?? null;
    if (id && id.toLowerCase() !== now?.toLowerCase()) body[k] = { ID: id };
  }
  return Object.keys(body).length ? body : null;
}

// ------------------------------------------------------------------ invoices and sales orders

function lineFromTribe(l: TribeProductLine, vatIncluded: boolean): InvoiceLine {
  const pct = l.VatPercentage ?? 0;
  const price = l.Price ?? 0;
  return {
    description: clean(l.Description) ?? "",
    productId: l.Product?.ID ?? null,
    productGroupId: l.Product?.ProductGroup?.ID ?? null,
    quantity: l.Quantity ?? 1,
    // the canonical unit price excludes VAT
    unitPrice: vatIncluded ? round(price / (1 + pct / 100), 4) : price,
    discountPercentage: l.DiscountPercentage ?? 0,
    vatGroupId: l.VatGroup?.ID ?? null,
    vatPercentage: pct,
    totalExcludingVat: l.TotalExcludingVat ?? 0,
    vatAmount: l.VatAmount ?? 0,
  };
}

function activityBase(e: TribeInvoice | TribeSalesOrder, document: "invoice" | "salesOrder", date: string | null | undefined) {
  if (!e.Relation?.ID) throw new RecordRejectedError("host.tribe.documentWithoutCustomer", { document, number: e.Number ?? e.ID });
  const vatIncluded = e.IsVatIncluded === true;
  return {
    number: clean(e.Number) ?? "",
    relationId: e.Relation.ID,
    date: dateOnly(date) ?? "",
    paymentTermDays: termDays(e.PaymentTermInDays) ?? undefined,
    currency: clean(e.Currency)?.toUpperCase() ?? undefined,
    subject: clean(e.Subject),
    lines: (e.ProductLines ?? []).map((l) => lineFromTribe(l, vatIncluded)),
    totalExcludingVat: e.TotalExcludingVat ?? 0,
    vatAmount: e.VatAmount ?? 0,
    totalIncludingVat: e.TotalIncludingVat ?? 0,
  };
}

export function invoiceFromTribe(e: TribeInvoice): { record: SideRecord<Invoice>; phase: string } {
  const data = rejectOnIssues(
    "invoice",
    e.Number ?? e.ID,
    invoiceSchema.safeParse({
      ...activityBase(e, "invoice", e.InvoiceDate),
      subscriptionId: e.Subscription?.ID ?? null,
      paid: e.IsPaid === true,
    }),
  );
  return {
    record: { id: e.ID, number: data.number, data, modifiedAt: latest(e.LastMutationDate) },
    phase: e.Phase?.Code ?? "",
  };
}

export function salesOrderFromTribe(e: TribeSalesOrder): { record: SideRecord<SalesOrder>; phase: string } {
  const data = rejectOnIssues(
    "salesOrder",
    e.Number ?? e.ID,
    salesOrderSchema.safeParse({
      ...activityBase(e, "salesOrder", e.OrderDate),
      deliveryDate: dateOnly(e.DeliveryDate),
      customerReference: clean(e.CustomerReference),
    }),
  );
  return {
    record: { id: e.ID, number: data.number, data, modifiedAt: latest(e.LastMutationDate) },
    phase: e.Phase?.Code ?? "",
  };
}

/** `factuur-2026-0001.pdf`; anything but letters, digits, dot, dash and underscore becomes `_`. */
export function documentFileName(prefix: string, number: string): string {
  return `${prefix}-${number.replace(/[^\w.-]/g, "_")}.pdf`;
}
