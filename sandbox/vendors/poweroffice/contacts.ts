/**
 * Customers, suppliers and their contact persons.
 *
 * Go keeps one contact entity per company or person; being a customer and
 * being a supplier are roles of it, and the spec says their Id "might be
 * shared" when a contact has both. Here each role is its own record
 * (CustomerDto / SupplierDto) with its own Number from its own series; a
 * contact with both roles has two records with the same Id, and the members
 * that belong to the contact (name, address, e-mail, archived …) are kept
 * equal on both. Through the API, POST /Suppliers always creates a new
 * contact (SupplierPostDto has no way to name an existing one).
 */
import { assignKnown, blank, emailReasons, mustFit, num, patchDto, str, type Ctx } from "./dto";
import type { PatchOperation } from "./jsonpatch";
import { invalid, notFound, Refusal } from "./problem";
import type { Client, NumberSeries } from "./store";
import type { JsonObject, Reason } from "./types";

export type Role = "customer" | "supplier";

interface RoleInfo {
  label: "Customer" | "Supplier";
  dto: "CustomerDto" | "SupplierDto";
  created: "CustomerCreatedDateTimeOffset" | "SupplierCreatedDateTimeOffset";
  records(c: Client): Map<number, JsonObject>;
  inactive(c: Client): Set<number>;
  series(c: Client): NumberSeries;
}

export const ROLES: Record<Role, RoleInfo> = {
  customer: {
    label: "Customer",
    dto: "CustomerDto",
    created: "CustomerCreatedDateTimeOffset",
    records: (c) => c.customers,
    inactive: (c) => c.inactiveCustomerRoles,
    series: (c) => c.info.customerSeries,
  },
  supplier: {
    label: "Supplier",
    dto: "SupplierDto",
    created: "SupplierCreatedDateTimeOffset",
    records: (c) => c.suppliers,
    inactive: (c) => c.inactiveSupplierRoles,
    series: (c) => c.info.supplierSeries,
  },
};

const otherRole = (role: Role): Role => (role === "customer" ? "supplier" : "customer");

/** Members of the contact itself, equal on its customer and supplier records. */
const CONTACT_MEMBERS = [
  "Name",
  "LegalName",
  "FirstName",
  "LastName",
  "IsPerson",
  "OrganizationNumber",
  "EmailAddress",
  "PhoneNumber",
  "WebsiteUrl",
  "MailAddress",
  "DateOfBirth",
  "ContactGroupIds",
  "IsArchived",
] as const;

/** What a read answers: the national id number only says that there is one (the spec: 'hidden'). */
export function contactOut(rec: JsonObject): JsonObject {
  return "NationalIdNumber" in rec && rec.NationalIdNumber !== null ? { ...rec, NationalIdNumber: "hidden" } : rec;
}

/** Open balance of a customer: the sum of its outgoing invoices' Balance. */
function openBalance(client: Client, customerId: number): number {
  let sum = 0;
  for (const inv of client.invoices.values()) if (inv.dto.CustomerId === customerId) sum += num(inv.dto.Balance) ?? 0;
  return sum;
}

/** A stored address in ContactAddressDto shape, keeping its Id and stamping it when it changed. */
function normaliseAddress(c: Client, next: JsonObject | null, previous: JsonObject | null, reasons: Reason[]): JsonObject | null {
  if (next === null) return null;
  const country = str(next.CountryCode) ?? "NO";
  if (!/^[A-Za-z]{2}$/.test(country))
    reasons.push({ field: "MailAddress.CountryCode", message: `'${country}' is not an ISO 3166-1 alpha-2 country code.` });
  const address: JsonObject = {
    Id: num(previous?.Id) ?? c.ids.next(),
    AddressLine1: next.AddressLine1 ?? null,
    AddressLine2: next.AddressLine2 ?? null,
    ZipCode: next.ZipCode ?? null,
    City: next.City ?? null,
    CountryCode: country.toUpperCase(),
    ExternalCode: next.ExternalCode ?? null,
    LastChangedDateTimeOffset: previous?.LastChangedDateTimeOffset ?? null,
  };
  const changed =
    !previous ||
    ["AddressLine1", "AddressLine2", "ZipCode", "City", "CountryCode", "ExternalCode"].some((k) => address[k] !== previous[k]);
  if (changed) address.LastChangedDateTimeOffset = c.stamp();
  return address;
}

/** The business rules of a customer or supplier record (`selfId` = the record being changed). */
function contactReasons(c: Client, role: Role, rec: JsonObject, selfId: number | undefined): Reason[] {
  const info = ROLES[role];
  const reasons: Reason[] = [];
  if (rec.IsPerson === true) {
    if (!str(rec.FirstName)?.trim()) reasons.push({ field: "FirstName", message: "is required when IsPerson is true." });
    if (!str(rec.LastName)?.trim()) reasons.push({ field: "LastName", message: "is required when IsPerson is true." });
  } else if (!str(rec.Name)?.trim()) reasons.push({ field: "Name", message: "is required for a company (IsPerson is not true)." });
  reasons.push(...emailReasons(rec, ["EmailAddress", "InvoiceEmailAddress", "InvoiceEmailAddressCC", "PaymentReminderEmailAddress"]));

  const series = info.series(c);
  const number = num(rec.Number);
  if (number !== undefined) {
    if (number < series.from || number > series.to)
      reasons.push({ field: "Number", message: `${number} is outside the ${role} ledger number series ${series.from}-${series.to}.` });
    const holder = c.numbers[role].get(number);
    if (holder !== undefined && holder !== selfId) reasons.push({ field: "Number", message: `${number} is already used by ${role} ${holder}.` });
  }
  const ref = str(rec.ExternalImportReference);
  const refHolder = ref ? c.importReferences[role].get(ref) : undefined;
  if (refHolder !== undefined && refHolder !== selfId)
    reasons.push({ field: "ExternalImportReference", message: `'${ref}' is already used by ${role} ${refHolder}.` });
  return reasons;
}

/** The next free number after the highest one handed out (Go's "next available number"). */
function nextNumber(c: Client, role: Role): number {
  const { from, to } = ROLES[role].series(c);
  let n = Math.max(from, c.maxNumber[role] + 1);
  while (c.numbers[role].has(n)) n++;
  if (n > to) throw invalid([{ field: "Number", message: `the ${role} number series ${from}-${to} is full.` }]);
  return n;
}

/** Keeps the Number and ExternalImportReference indexes in step with a record (`previous` undefined = new, `next` undefined = deleted). */
function reindex(c: Client, role: Role, previous: JsonObject | undefined, next: JsonObject | undefined): void {
  const id = (next ?? previous)!.Id as number;
  const oldNo = num(previous?.Number);
  const newNo = num(next?.Number);
  if (oldNo !== undefined && oldNo !== newNo) c.numbers[role].delete(oldNo);
  if (newNo !== undefined) {
    c.numbers[role].set(newNo, id);
    const { from, to } = ROLES[role].series(c);
    if (newNo >= from && newNo <= to && newNo > c.maxNumber[role]) c.maxNumber[role] = newNo;
  }
  const oldRef = str(previous?.ExternalImportReference);
  const newRef = str(next?.ExternalImportReference);
  if (oldRef && oldRef !== newRef) c.importReferences[role].delete(oldRef);
  if (newRef) c.importReferences[role].set(newRef, id);
}

function computeIsActive(c: Client, role: Role, rec: JsonObject): void {
  rec.IsActive = rec.IsArchived !== true && !ROLES[role].inactive(c).has(rec.Id as number);
}

/** Copies the contact's members to its record in the other role, if it has one and they differ. */
function syncOtherRole(c: Client, role: Role, rec: JsonObject): void {
  const other = otherRole(role);
  const twin = ROLES[other].records(c).get(rec.Id as number);
  if (!twin) return;
  const changed = CONTACT_MEMBERS.filter((k) => JSON.stringify(twin[k]) !== JSON.stringify(rec[k]));
  if (changed.length === 0) return;
  for (const k of changed) twin[k] = structuredClone(rec[k]!);
  computeIsActive(c, other, twin);
  twin.LastChangedDateTimeOffset = c.stamp();
}

/**
 * Creates a customer or supplier from a post body. With `contactId`, the
 * role is added to that existing contact (seeds: a company that is both).
 */
export function createContact(ctx: Ctx, role: Role, body: JsonObject, contactId?: number): JsonObject {
  const { client: c, spec } = ctx;
  const info = ROLES[role];
  const twin = contactId === undefined ? undefined : ROLES[otherRole(role)].records(c).get(contactId);
  if (contactId !== undefined && !twin) throw notFound(`Contact ${contactId}`);
  const rec = assignKnown(spec, info.dto, blank(spec, info.dto), body);
  if (twin) for (const k of CONTACT_MEMBERS) rec[k] = structuredClone(twin[k]!);
  if (rec.IsPerson === true && !str(rec.Name)?.trim()) rec.Name = `${str(rec.FirstName) ?? ""} ${str(rec.LastName) ?? ""}`.trim();
  rec.IsArchived = rec.IsArchived === true;

  const reasons = contactReasons(c, role, rec, undefined);
  rec.MailAddress = twin ? rec.MailAddress : normaliseAddress(c, (body.MailAddress as JsonObject | undefined) ?? null, null, reasons);
  if (reasons.length > 0) throw invalid(reasons);
  mustFit(spec, info.dto, rec);

  rec.Id = twin ? (twin.Id as number) : c.ids.next();
  rec.Number = num(rec.Number) ?? nextNumber(c, role);
  rec.SubledgerAccountId = c.ids.next();
  const now = c.stamp();
  rec.ContactCreatedDateTimeOffset = twin?.ContactCreatedDateTimeOffset ?? now;
  rec[info.created] = now;
  rec.LastChangedDateTimeOffset = now;
  computeIsActive(c, role, rec);
  info.records(c).set(rec.Id, rec);
  reindex(c, role, undefined, rec);
  return rec;
}

export function getContact(c: Client, role: Role, id: number): JsonObject {
  const rec = ROLES[role].records(c).get(id);
  if (!rec) throw notFound(`${ROLES[role].label} ${id}`);
  return rec;
}

export function patchContact(ctx: Ctx, role: Role, id: number, ops: readonly PatchOperation[]): JsonObject {
  const { client: c, spec } = ctx;
  const info = ROLES[role];
  const stored = getContact(c, role, id);
  const patched = patchDto(spec, info.dto, stored, ops);
  if (patched.IsPerson === true && !str(patched.Name)?.trim())
    patched.Name = `${str(patched.FirstName) ?? ""} ${str(patched.LastName) ?? ""}`.trim();
  patched.IsArchived = patched.IsArchived === true;

  const reasons = contactReasons(c, role, patched, id);
  patched.MailAddress = normaliseAddress(c, patched.MailAddress as JsonObject | null, stored.MailAddress as JsonObject | null, reasons);
  if (patched.IsArchived && stored.IsArchived !== true) {
    const balance = openBalance(c, id); // customer invoices of this contact, whichever role is patched
    if (balance !== 0)
      reasons.push({ field: "IsArchived", message: `cannot be set: the contact has a ledger balance of ${balance.toFixed(2)}.` });
  }
  if (reasons.length > 0) throw invalid(reasons);

  computeIsActive(c, role, patched);
  patched.LastChangedDateTimeOffset = c.stamp();
  info.records(c).set(id, patched);
  reindex(c, role, stored, patched);
  syncOtherRole(c, role, patched);
  return patched;
}

export function deleteContact(ctx: Ctx, role: Role, id: number): void {
  const c = ctx.client;
  const stored = getContact(c, role, id);
  const other = otherRole(role);
  if (ROLES[other].records(c).get(id)?.IsActive === true)
    throw new Refusal(409, `${ROLES[role].label} ${id} cannot be deleted: the contact is also an active ${other}.`);
  if (role === "customer") {
    const inUse =
      [...c.salesOrders.values()].some((o) => o.dto.CustomerId === id) || [...c.invoices.values()].some((i) => i.dto.CustomerId === id);
    if (inUse) throw new Refusal(409, `Customer ${id} cannot be deleted: it has sales orders or invoices.`);
  }
  ROLES[role].records(c).delete(id);
  ROLES[role].inactive(c).delete(id);
  reindex(c, role, stored, undefined);
  if (!ROLES[other].records(c).has(id))
    for (const [pid, p] of c.contactPersons) if (p.ContactId === id) c.contactPersons.delete(pid);
}

/**
 * The bookkeeper deactivates (or reactivates) a customer or supplier: a
 * contact that has only this role is archived; one that is also the other
 * role keeps its contact active and only this role becomes inactive (the
 * spec's IsActive description).
 */
export function setRoleActive(ctx: Ctx, role: Role, id: number, active: boolean): JsonObject {
  const c = ctx.client;
  const rec = getContact(c, role, id);
  if (!ROLES[otherRole(role)].records(c).has(id))
    return patchContact(ctx, role, id, [{ op: "replace", path: "/IsArchived", value: !active }]);
  if (active) ROLES[role].inactive(c).delete(id);
  else ROLES[role].inactive(c).add(id);
  computeIsActive(c, role, rec);
  rec.LastChangedDateTimeOffset = c.stamp();
  return rec;
}

// ---------------------------------------------------------------- contact persons

function contactPersonReasons(rec: JsonObject): Reason[] {
  const reasons: Reason[] = [];
  if (!str(rec.FirstName)?.trim()) reasons.push({ field: "FirstName", message: "is required." });
  if (!str(rec.LastName)?.trim()) reasons.push({ field: "LastName", message: "is required." });
  return [...reasons, ...emailReasons(rec, ["EmailAddress"])];
}

/** Only one default contact person per contact: the new default takes it over. */
function takeDefault(c: Client, person: JsonObject): void {
  if (person.IsDefault !== true) return;
  for (const p of c.contactPersons.values())
    if (p.ContactId === person.ContactId && p.Id !== person.Id && p.IsDefault === true) {
      p.IsDefault = false;
      p.LastChangedDateTimeOffset = c.stamp();
    }
}

export function createContactPerson(ctx: Ctx, contactId: number, body: JsonObject): JsonObject {
  const { client: c, spec } = ctx;
  if (!c.customers.has(contactId) && !c.suppliers.has(contactId)) throw notFound(`Contact ${contactId}`);
  const rec = assignKnown(spec, "ContactPersonDto", blank(spec, "ContactPersonDto"), body);
  rec.IsActive = rec.IsActive !== false;
  rec.IsDefault = rec.IsDefault === true;
  if (rec.MailAddress && typeof rec.MailAddress === "object") {
    const a = rec.MailAddress as JsonObject;
    a.CountryCode = (str(a.CountryCode) ?? "NO").toUpperCase();
  }
  const reasons = contactPersonReasons(rec);
  if (reasons.length > 0) throw invalid(reasons);
  mustFit(spec, "ContactPersonDto", rec);
  rec.Id = c.ids.next();
  rec.ContactId = contactId;
  rec.CreatedDateTimeOffset = rec.LastChangedDateTimeOffset = c.stamp();
  c.contactPersons.set(rec.Id, rec);
  takeDefault(c, rec);
  return rec;
}

export function getContactPerson(c: Client, contactId: number, id: number): JsonObject {
  const p = c.contactPersons.get(id);
  if (!p || p.ContactId !== contactId) throw notFound(`Contact person ${id} of contact ${contactId}`);
  return p;
}

export function patchContactPerson(ctx: Ctx, contactId: number, id: number, ops: readonly PatchOperation[]): JsonObject {
  const { client: c, spec } = ctx;
  getContactPerson(c, contactId, id);
  const patched = patchDto(spec, "ContactPersonDto", c.contactPersons.get(id)!, ops);
  const reasons = contactPersonReasons(patched);
  if (reasons.length > 0) throw invalid(reasons);
  patched.LastChangedDateTimeOffset = c.stamp();
  c.contactPersons.set(id, patched);
  takeDefault(c, patched);
  return patched;
}

export function deleteContactPerson(ctx: Ctx, contactId: number, id: number): void {
  const c = ctx.client;
  getContactPerson(c, contactId, id);
  if ([...c.salesOrders.values()].some((o) => o.dto.CustomerReferenceContactPersonId === id))
    throw new Refusal(409, `Contact person ${id} cannot be deleted: a sales order uses it as the customer reference.`);
  c.contactPersons.delete(id);
}
