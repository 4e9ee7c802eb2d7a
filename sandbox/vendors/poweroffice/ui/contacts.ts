/**
 * Customers and suppliers: lists, deactivating and reactivating, and editing
 * the name and e-mail address (through the same JSON Patch rules as the API).
 */
import { getContact, patchContact, ROLES, setRoleActive, type Role } from "../contacts";
import type { PatchOperation } from "../jsonpatch";
import { Refusal } from "../problem";
import type { JsonObject, Reason } from "../types";
import { html, type Html } from "../../../shared/html";
import { actionButton, newestFirst, text, type UiResult } from "../../../shared/ui-layout";
import { caption, domainCtx, errorSummary, href, layout, notFoundPage, when, type Section, type UiContext } from "./layout";

const SECTION: Record<Role, Section> = { customer: "customers", supplier: "suppliers" };
const PATH: Record<Role, string> = { customer: "/customers", supplier: "/suppliers" };

export function contactsList(c: UiContext, role: Role): UiResult {
  const label = role === "customer" ? "Customers" : "Suppliers";
  const { shown, total } = newestFirst(ROLES[role].records(c.client).values());
  const body = html`<table>
${caption(label, shown.length, total)}
<thead><tr><th scope="col">Number</th><th scope="col">Name</th><th scope="col">Person</th><th scope="col">Organisation no</th><th scope="col">E-mail</th><th scope="col">Active</th><th scope="col">Last changed</th><th scope="col">Actions</th></tr></thead>
<tbody>
${shown.map((r) => {
  const id = String(r.Id);
  const name = text(r.Name);
  const active = r.IsActive === true;
  return html`<tr><th scope="row">${text(r.Number)}</th><td><a href="${href(c.client, `${PATH[role]}/${id}`)}">${name}</a></td>
<td>${r.IsPerson === true ? "yes" : "no"}</td><td>${text(r.OrganizationNumber)}</td><td>${text(r.EmailAddress)}</td>
<td>${active ? "yes" : html`<strong>no</strong>`}</td><td>${when(r.LastChangedDateTimeOffset)}</td>
<td>${actionButton(href(c.client, `${PATH[role]}/${id}/active`), active ? "Deactivate" : "Activate", { active: String(!active) }, `${active ? "Deactivate" : "Activate"} ${name}`)}</td></tr>`;
})}
${shown.length === 0 ? html`<tr><td colspan="8">None.</td></tr>` : ""}
</tbody>
</table>`;
  return { status: 200, page: layout(c, SECTION[role], label, body) };
}

export function contactSetActive(c: UiContext, role: Role, id: string): UiResult {
  if (!ROLES[role].records(c.client).has(Number(id))) return notFoundPage(c, SECTION[role], `${ROLES[role].label} ${id}`);
  const active = c.form.get("active") === "true";
  try {
    setRoleActive(domainCtx(c), role, Number(id), active);
  } catch (e) {
    if (e instanceof Refusal) return contactShow(c, role, id, e.reasons, e.message);
    throw e;
  }
  return { redirect: href(c.client, PATH[role], { notice: active ? "activated" : "deactivated" }) };
}

/** The editable members: a company's name, or a person's first and last name, and the e-mail address. */
function editableFields(r: JsonObject): Array<{ name: string; label: string }> {
  const names = r.IsPerson === true ? [{ name: "FirstName", label: "First name" }, { name: "LastName", label: "Last name" }] : [{ name: "Name", label: "Name" }];
  return [...names, { name: "EmailAddress", label: "E-mail address" }];
}

function field(name: string, label: string, value: string, reasons: readonly Reason[]): Html {
  const mine = reasons.filter((r) => r.field === name);
  const errId = `${name}-error`;
  return html`<div class="field"><label for="${name}">${label}</label> <input type="text" id="${name}" name="${name}" value="${value}"${
    mine.length > 0 ? html` aria-invalid="true" aria-describedby="${errId}"` : ""
  }>${mine.length > 0 ? html` <span class="error" id="${errId}">${mine.map((r) => r.message).join(" ")}</span>` : ""}</div>`;
}

export function contactShow(c: UiContext, role: Role, id: string, reasons: Reason[] = [], message?: string, typed?: URLSearchParams): UiResult {
  const r = ROLES[role].records(c.client).get(Number(id));
  if (!r) return notFoundPage(c, SECTION[role], `${ROLES[role].label} ${id}`);
  const persons = [...c.client.contactPersons.values()].filter((p) => p.ContactId === r.Id);
  const address = r.MailAddress as JsonObject | null;
  const body = html`${errorSummary(reasons, message)}
<dl>
<dt>Number</dt><dd>${text(r.Number)}</dd>
<dt>Id</dt><dd>${text(r.Id)}</dd>
<dt>Organisation no</dt><dd>${text(r.OrganizationNumber)}</dd>
<dt>Address</dt><dd>${address ? `${text(address.AddressLine1)}, ${text(address.ZipCode)} ${text(address.City)} ${text(address.CountryCode)}` : ""}</dd>
<dt>Phone</dt><dd>${text(r.PhoneNumber)}</dd>
<dt>Active</dt><dd>${r.IsActive === true ? "yes" : "no"}</dd>
<dt>Last changed</dt><dd>${when(r.LastChangedDateTimeOffset)}</dd>
</dl>
<form method="post" action="${href(c.client, `${PATH[role]}/${id}`)}">
<fieldset><legend>Edit</legend>
${editableFields(r).map((f) => field(f.name, f.label, typed?.get(f.name) ?? text(r[f.name]), reasons))}
</fieldset>
<button type="submit">Save</button>
</form>
<table>
${caption("Contact persons", persons.length, persons.length)}
<thead><tr><th scope="col">Name</th><th scope="col">Title</th><th scope="col">E-mail</th><th scope="col">Phone</th><th scope="col">Default</th></tr></thead>
<tbody>
${persons.map(
  (p) => html`<tr><th scope="row">${text(p.FirstName)} ${text(p.LastName)}</th><td>${text(p.Title)}</td><td>${text(p.EmailAddress)}</td><td>${text(p.PhoneNumber)}</td><td>${p.IsDefault === true ? "yes" : "no"}</td></tr>`,
)}
${persons.length === 0 ? html`<tr><td colspan="5">No contact persons.</td></tr>` : ""}
</tbody>
</table>`;
  return { status: reasons.length > 0 || message ? 400 : 200, page: layout(c, SECTION[role], `${ROLES[role].label} ${text(r.Number)} ${text(r.Name)}`, body) };
}

export function contactSave(c: UiContext, role: Role, id: string): UiResult {
  let stored: JsonObject;
  try {
    stored = getContact(c.client, role, Number(id));
  } catch {
    return notFoundPage(c, SECTION[role], `${ROLES[role].label} ${id}`);
  }
  const ops: PatchOperation[] = editableFields(stored)
    .filter((f) => c.form.has(f.name))
    .map((f) => ({ op: "replace", path: `/${f.name}`, value: c.form.get(f.name)!.trim() || null }));
  try {
    patchContact(domainCtx(c), role, Number(id), ops);
  } catch (e) {
    if (e instanceof Refusal) return contactShow(c, role, id, e.reasons, e.message, c.form);
    throw e;
  }
  return { redirect: href(c.client, `${PATH[role]}/${id}`, { notice: "saved" }) };
}
