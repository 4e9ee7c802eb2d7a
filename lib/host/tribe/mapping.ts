/**
 * Tribe relations and products ↔ the canonical model (pure: no I/O).
 *
 * A relation is a `Relation_Organization` or `Relation_Person` read with its addresses
 * (`VisitingAddress`, `PostalAddress`, `InvoiceAddress`: see addresses.ts) and `Relationships`
 * (organizations also `($expand=Person)` for their contact persons). Roles come from the
 * relationships' `_Type`s. Writes are deep: one body carries the relation, its addresses and its
 * relationships; a child with an ID is updated, one without created, none is ever deleted.
 * Contact persons are `Relationship_Person_Contact_Standard` relationships of an organization,
 * each naming a `Relation_Person`: their e-mail and phone numbers are the relationship's, their
 * name the person's. A write body carries a contact's person as `Person: {ID?, FirstName, …}`;
 * Tribe documents no deep write of `Person` (it is a reference), so the adapter makes or updates
 * the person first and sends `Person: {ID}` (see `personWritesOf`, `afterPersonWrites`).
 * Invoices and sales orders: activities.ts.
 */
import { z } from "zod";
import {
  product as productSchema,
  relation as relationSchema,
  type ContactPerson,
  type Product,
  type Relation,
} from "@/lib/model";
import { contactPersonFullName, pairContactPersons } from "@/lib/model/contact-persons";
import { RecordRejectedError, type SideRecord } from "@/lib/sync/types";
import {
  ADDRESS_EXPAND,
  ADDRESS_NAVS,
  addressDiff,
  addressesFromTribe,
  addressNavOf,
  addressSlots,
  addressToTribeShape,
  newAddressBody,
  wantedAddresses,
  type AddressNav,
  type AddressWriteOptions,
  type TribeCountry,
} from "./addresses";
import { bool, clean, code, latest, num, ref, same, system, termDays, text, tribeDatastore, type TribeDatastore } from "./entity";

// ------------------------------------------------------------------ entity schemas

export const tribeVatGroup = tribeDatastore.extend({ Percentage: num, CountryCode: text });
export type TribeVatGroup = z.infer<typeof tribeVatGroup>;

export const tribeRelationshipType = tribeDatastore.extend({ EntityType: text });
export type TribeRelationshipType = z.infer<typeof tribeRelationshipType>;

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
  ...addressSlots,
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

// ------------------------------------------------------------------ constants

export const RELATION_SETS = { organization: "Relation_Organization", person: "Relation_Person" } as const;
export type RelationSet = (typeof RELATION_SETS)[keyof typeof RELATION_SETS];

/** `$expand` of a relation read: addresses with their countries, roles, and (organizations) contact persons. */
export const RELATION_EXPAND = {
  Relation_Organization: `${ADDRESS_EXPAND},Relationships($expand=Person)`,
  Relation_Person: `${ADDRESS_EXPAND},Relationships`,
} as const satisfies Record<RelationSet, string>;

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
const CONTACT_TYPE = `Relationship.Person.${CONTACT_SUFFIX}`;

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

const isAddressNav = (k: string): k is AddressNav => (ADDRESS_NAVS as readonly string[]).includes(k);

/** The relation's addresses, in navigation-property order. */
function addressesOf(e: TribeRelation): Array<[AddressNav, NonNullable<TribeRelation[AddressNav]>]> {
  return ADDRESS_NAVS.flatMap((n) => (e[n] ? [[n, e[n]] as [AddressNav, NonNullable<TribeRelation[AddressNav]>]] : []));
}

/*
 * Message keys of the RecordRejectedErrors raised here and in addresses.ts (for the i18n catalogue):
 * - `host.tribe.addressTypeMissing` {kind, code}: the CRM has no address of that kind
 * - `host.tribe.countryMissing` {country}: the CRM has no country with that ISO code
 * - `host.tribe.kindChange` {from, to}: an organization cannot become a person or back
 */

// ------------------------------------------------------------------ relations: read

function relationships(e: TribeRelation, suffix: string): TribeRelationship[] {
  const all = (e.Relationships ?? []).filter((r) => relationshipSuffix(r._Type) === suffix);
  // the active one first: its numbers are the ones that count
  return all.sort((a, b) => Number(b.IsActive !== false) - Number(a.IsActive !== false));
}

export function personName(p: { FirstName?: string | null; MiddleName?: string | null; LastName?: string | null }): string | null {
  const parts = [p.FirstName, p.MiddleName, p.LastName].map((v) => clean(v)).filter((v): v is string => !!v);
  return parts.length ? parts.join(" ") : null;
}

/** An organization's contact relationships, in the CRM's order. */
function contactRelationships(e: TribeRelation): TribeRelationship[] {
  return (e.Relationships ?? []).filter((r) => relationshipSuffix(r._Type) === CONTACT_SUFFIX);
}

/** A contact relationship as a canonical contact person: the relationship's own e-mail and phones first, else its person's. */
function contactPersonOf(r: TribeRelationship): ContactPerson {
  return {
    firstName: clean(r.Person?.FirstName),
    middleName: clean(r.Person?.MiddleName),
    lastName: clean(r.Person?.LastName),
    email: clean(r.EmailAddress ?? r.Person?.EmailAddress),
    phone: clean(r.PhoneNumber ?? r.Person?.PhoneNumber),
    mobile: clean(r.MobilePhoneNumber ?? r.Person?.MobilePhoneNumber),
  };
}

export function relationFromTribe(e: TribeRelation): SideRecord<Relation> {
  const kind = relationKindOf(e._Type);
  const customer = relationships(e, CUSTOMER_SUFFIX)[0];
  const supplier = relationships(e, SUPPLIER_SUFFIX)[0];
  const relationTypes: string[] = [];
  for (const r of e.Relationships ?? []) {
    const suffix = relationshipSuffix(r._Type);
    const c = suffix ? DEFAULT_RELATIONSHIP_CODES[suffix] : undefined;
    if (c && !relationTypes.includes(c)) relationTypes.push(c);
  }
  const contacts = kind === "organization" ? contactRelationships(e) : [];
  const contactPersons: ContactPerson[] = contacts.map(contactPersonOf);
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
    addresses: addressesFromTribe(e),
    contactPersons,
    active: e.IsActive !== false,
  };
  return {
    id: e.ID,
    number: data.debtorNumber ?? data.creditorNumber,
    data: relationSchema.parse(data),
    parts: childIds(e),
    // a contact's person is a relation of its own, and may be another organization's contact too
    related: [...new Set(contacts.map((r) => r.Person?.ID ?? "").filter((id) => id !== ""))],
    modifiedAt: latest(
      e.LastMutationDate,
      ...addressesOf(e).map(([, a]) => a.LastMutationDate),
      ...(e.Relationships ?? []).map((r) => r.LastMutationDate),
    ),
  };
}

/** The ids of a relation's addresses and relationships (children created but not read back have none). */
export function childIds(e: TribeRelation): string[] {
  return [...addressesOf(e).map(([, a]) => a), ...(e.Relationships ?? [])].map((c) => c.ID).filter((id) => id !== "");
}

/**
 * The host entities a relation write created or changed, each of which the CRM answers with a
 * webhook: the relation itself when the body sets its own fields or links an address anew (a
 * create always), every address and relationship the body writes, and every relationship it created.
 */
export function mutatedBy(id: string, body: Record<string, unknown>, before: TribeRelation | null, after: TribeRelation): string[] {
  const idOf = (item: unknown) => {
    const v = (item as { ID?: unknown } | null)?.ID;
    return typeof v === "string" ? v : "";
  };
  const written = ADDRESS_NAVS.filter((n) => body[n] != null);
  const relinked = written.some((n) => !idOf(body[n]) || idOf(body[n]) !== before?.[n]?.ID);
  const own = before === null || relinked || Object.keys(body).some((k) => k !== "Relationships" && !isAddressNav(k));
  const addresses = written.map((n) => idOf(body[n]) || after[n]?.ID || "");
  const named = (Array.isArray(body.Relationships) ? (body.Relationships as unknown[]) : []).map(idOf);
  return [...new Set([...(own ? [id] : []), ...addresses, ...named, ...createdRelationships(before, after)])].filter((x) => x !== "");
}

/**
 * Relationships `after` has that `before` had not. `before` may be a shape rebuilt from the
 * canonical record (relationships without ids): then the ones beyond the count `before` had of
 * their type are the new ones, the latest created last.
 */
function createdRelationships(before: TribeRelation | null, after: TribeRelation): string[] {
  const rels = (r: TribeRelation) => r.Relationships ?? [];
  if (!before) return rels(after).map((r) => r.ID);
  const known = new Set(rels(before).map((r) => r.ID).filter((x) => x !== ""));
  const had = new Map<string, number>();
  for (const r of rels(before)) had.set(r._Type, (had.get(r._Type) ?? 0) + 1);
  const byCreation = [...rels(after)].sort((a, b) => (a.CreationDate ?? "").localeCompare(b.CreationDate ?? ""));
  const seen = new Map<string, number>();
  const out: string[] = [];
  for (const r of byCreation) {
    const n = (seen.get(r._Type) ?? 0) + 1;
    seen.set(r._Type, n);
    if (r.ID && !known.has(r.ID) && (known.size > 0 || n > (had.get(r._Type) ?? 0))) out.push(r.ID);
  }
  return out;
}

// ------------------------------------------------------------------ relations: write

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

/** Whether Tribe can hold the contact person: a person needs a first or last name. */
const hasName = (cp: ContactPerson) => contactPersonFullName(cp) !== "";

/** A new contact relationship with its new person (made by the adapter before the write, see `personWritesOf`). */
function newContactRelationship(cp: ContactPerson): Record<string, unknown> {
  return {
    _Type: CONTACT_TYPE,
    Person: withoutNulls({ FirstName: cp.firstName, MiddleName: cp.middleName, LastName: cp.lastName }),
    ...withoutNulls({ EmailAddress: cp.email, PhoneNumber: cp.phone, MobilePhoneNumber: cp.mobile }),
  };
}

const CONTACT_FIELDS = [
  ["EmailAddress", "email"],
  ["PhoneNumber", "phone"],
  ["MobilePhoneNumber", "mobile"],
] as const;

/**
 * The `Relationships` items that give an organization the contact persons `wanted` lists: a person
 * it lacks becomes a new contact relationship with a new person; one it has (the same person by
 * lib/model/contact-persons.ts) gets the e-mail and phone numbers that differ and, when it reads
 * differently, its name. Nothing is cleared, nothing deleted; a person without a name is left out.
 */
function contactPersonItems(current: TribeRelation, wanted: readonly ContactPerson[]): Record<string, unknown>[] {
  const hits = contactRelationships(current);
  const pairs = pairContactPersons(wanted, hits.map(contactPersonOf));
  const items: Record<string, unknown>[] = [];
  wanted.forEach((cp, i) => {
    const hit = pairs[i]! >= 0 ? hits[pairs[i]!]! : null;
    if (!hit) {
      if (hasName(cp)) items.push(newContactRelationship(cp));
      return;
    }
    const now = contactPersonOf(hit);
    const diff: Record<string, unknown> = {};
    for (const [field, key] of CONTACT_FIELDS) if (cp[key] && !same(now[key], cp[key])) diff[field] = cp[key];
    if (hit.Person && hasName(cp) && contactPersonFullName(cp) !== contactPersonFullName(now)) {
      diff.Person = { ID: hit.Person.ID, FirstName: clean(cp.firstName), MiddleName: clean(cp.middleName), LastName: clean(cp.lastName) };
    }
    if (Object.keys(diff).length) items.push({ ID: hit.ID, ...diff });
  });
  return items;
}

/**
 * Deep-insert body of a new relation: its fields, its addresses (one per navigation property) and
 * its relationships (Customer with DebtorNumber and PaymentTermInDays, Supplier with CreditorNumber,
 * Prospect, Partner, and an organization's contact persons, each with the person to make first).
 */
export function relationCreateBody(d: Relation, opts: AddressWriteOptions = {}): Record<string, unknown> {
  const body: Record<string, unknown> = withoutNulls(relationFields(d));
  for (const [nav, a] of wantedAddresses(d)) body[nav] = newAddressBody(a, opts);
  const rels = wantedSuffixes(d).map((s) => newRelationship(d, s));
  if (d.kind === "organization") rels.push(...d.contactPersons.filter(hasName).map(newContactRelationship));
  if (rels.length) body.Relationships = rels;
  return body;
}

/**
 * The PUT body that turns `current` into `d`, or null when nothing differs. Fields that differ are
 * sent (null clears); an address the relation has is updated by ID, one it lacks is created; a
 * role it lacks gets a relationship, an existing one gets the numbers and payment term when
 * given; an organization's contact persons as `contactPersonItems` says. Nothing is deleted, and
 * a number is never cleared.
 */
export function relationUpdateBody(current: TribeRelation, d: Relation, opts: AddressWriteOptions = {}): Record<string, unknown> | null {
  if (relationKindOf(current._Type) !== d.kind) {
    throw new RecordRejectedError("host.tribe.kindChange", { from: relationKindOf(current._Type), to: d.kind });
  }
  const body: Record<string, unknown> = {};
  const cur = current as Record<string, unknown>;
  for (const [k, v] of Object.entries(relationFields(d))) {
    if (k === "IsActive" ? (cur.IsActive !== false) !== v : !same(cur[k], v)) body[k] = v;
  }

  for (const [nav, a] of wantedAddresses(d)) {
    const hit = current[nav];
    if (!hit) {
      body[nav] = newAddressBody(a, opts);
      continue;
    }
    const diff = addressDiff(hit, a, opts);
    if (diff) body[nav] = { ID: hit.ID, ...diff };
  }

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
  if (d.kind === "organization") rels.push(...contactPersonItems(current, d.contactPersons));
  if (rels.length) body.Relationships = rels;
  return Object.keys(body).length ? body : null;
}

/** A contact's person a write body makes (`id` null) or renames, for the adapter to write before the body. */
export type PersonWrite = { id: string | null; fields: Record<string, unknown> };

/** The persons a relation write body makes or renames, in the order of its `Relationships` items. */
export function personWritesOf(body: Record<string, unknown>): PersonWrite[] {
  const items = Array.isArray(body.Relationships) ? (body.Relationships as Record<string, unknown>[]) : [];
  return items.flatMap((item) => {
    const person = personIn(item);
    if (!person) return [];
    const { ID, ...fields } = person;
    return [{ id: typeof ID === "string" && ID !== "" ? ID : null, fields }];
  });
}

/** An item's `Person` when it carries more than a reference. */
function personIn(item: Record<string, unknown>): Record<string, unknown> | null {
  const p = item.Person;
  if (p === null || typeof p !== "object" || Array.isArray(p)) return null;
  return Object.keys(p).some((k) => k !== "ID") ? (p as Record<string, unknown>) : null;
}

/**
 * A write body once its persons are written (`ids`: the person of each `personWritesOf` entry):
 * `logical` still carries each person's fields, with its ID (what the relation holds after the
 * write, for `applyRelationWrite`); `wire` is what goes to the CRM, persons as references only and
 * without the items that only renamed a person (null when nothing is left to send).
 */
export function afterPersonWrites(body: Record<string, unknown>, ids: readonly string[]): { logical: Record<string, unknown>; wire: Record<string, unknown> | null } {
  if (!Array.isArray(body.Relationships)) return { logical: body, wire: body };
  let n = 0;
  const logicalItems: Record<string, unknown>[] = [];
  const wireItems: Record<string, unknown>[] = [];
  for (const item of body.Relationships as Record<string, unknown>[]) {
    const person = personIn(item);
    if (!person) {
      logicalItems.push(item);
      wireItems.push(item);
      continue;
    }
    const id = ids[n++];
    if (!id) throw new Error("afterPersonWrites: a person of the body was not written");
    logicalItems.push({ ...item, Person: { ...person, ID: id } });
    const { Person: _person, ...rest } = item;
    if (item.ID == null) wireItems.push({ ...rest, Person: { ID: id } });
    else if (Object.keys(rest).some((k) => k !== "ID")) wireItems.push(rest);
  }
  const { Relationships: _rels, ...own } = body;
  const wire: Record<string, unknown> = wireItems.length ? { ...own, Relationships: wireItems } : own;
  return { logical: { ...body, Relationships: logicalItems }, wire: Object.keys(wire).length ? wire : null };
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
  const created = (item: unknown) => (item as { ID?: unknown }).ID == null;
  return (
    ADDRESS_NAVS.some((n) => body[n] != null && created(body[n])) ||
    ["Relationships", "ProductLines"].some((k) => Array.isArray(body[k]) && (body[k] as unknown[]).some(created))
  );
}

/**
 * The relation as it is after a write, from what was there, the body sent and the server's answer
 * (which carries the relation's own fields and its address references, not the addresses
 * themselves nor its relationships). Created relationships have an empty ID.
 */
export function applyRelationWrite(
  before: TribeRelation | null,
  body: Record<string, unknown>,
  answer: TribeRelation,
  countries: ReadonlyMap<string, TribeCountry> = new Map(),
): TribeRelation {
  if (answer.Relationships) return answer; // the server expanded its answer itself
  const now = answer.LastMutationDate ?? null;
  const after: TribeRelation = { ...(before ?? {}), ...answer };
  for (const nav of ADDRESS_NAVS) {
    const old = before?.[nav] ?? null;
    const id = answer[nav]?.ID ?? old?.ID ?? "";
    const item = body[nav] as Record<string, unknown> | undefined;
    if (!item) {
      after[nav] = old && { ...old, ID: old.ID || id };
      continue;
    }
    const country = (item.Country as { ID?: string } | undefined)?.ID;
    after[nav] = {
      ...(old?.ID === item.ID ? old : {}),
      ...item,
      ID: id,
      Country: country ? (countries.get(country) ?? { ID: country }) : (old?.Country ?? null),
      LastMutationDate: now ?? old?.LastMutationDate ?? null,
    } as TribeRelation[AddressNav];
  }
  const rels = [...(before?.Relationships ?? [])];
  for (const raw of Array.isArray(body.Relationships) ? (body.Relationships as Record<string, unknown>[]) : []) {
    const i = raw.ID != null ? rels.findIndex((c) => c.ID === raw.ID) : -1;
    const old = i >= 0 ? rels[i]! : null;
    // a contact's person: the fields written over the ones it had
    const person = raw.Person && typeof raw.Person === "object" ? { Person: { ...(old?.Person ?? {}), ...(raw.Person as object) } } : {};
    const merged = { ...(old ?? {}), ...raw, ...person, ID: old?.ID ?? "", _Type: String(old?._Type ?? raw._Type), LastMutationDate: now ?? old?.LastMutationDate ?? null } as TribeRelationship;
    if (old) rels[i] = merged;
    else rels.push(merged);
  }
  return { ...after, Relationships: rels };
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
  const shape = {
    ID: id,
    _Type: r.kind === "person" ? "Relation.Person" : "Relation.Organization",
    ...f,
    // what the relation holds, not what a write would send
    ...(r.kind === "person" ? { FirstName: r.firstName, MiddleName: r.middleName, LastName: r.lastName } : {}),
    MobilePhoneNumber: r.mobile,
    IsActive: r.active,
    Relationships: rels,
  } as TribeRelation;
  for (const a of r.addresses) {
    const nav = addressNavOf(a);
    shape[nav] ??= addressToTribeShape(a);
  }
  return shape;
}

/** True when a write body updates a child (or a contact's person) whose ID is not known (planned on a rebuilt shape). */
export function needsChildIds(body: Record<string, unknown>): boolean {
  const unknownId = (item: unknown) => (item as { ID?: unknown }).ID === "";
  const unknownPerson = (item: unknown) => {
    const p = (item as { Person?: unknown }).Person;
    return p != null && typeof p === "object" && unknownId(p);
  };
  return (
    ADDRESS_NAVS.some((n) => body[n] != null && unknownId(body[n])) ||
    (Array.isArray(body.Relationships) && body.Relationships.some((i) => unknownId(i) || unknownPerson(i)))
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

