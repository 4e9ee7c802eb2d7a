// Organizations and persons: list, create, edit (with visiting address, customer and supplier roles), delete.
// The form has separate house number fields; without the houseNumberFields setting they are written into
// `Street` ("Keizersgracht 123 A"), as Tribe keeps them.

import { HttpError } from "../errors";
import { redirect, sendHtml } from "../http";
import type { Rec } from "../store";
import { bool, diff, num, str } from "./forms";
import { escapeHtml as esc } from "../../shared/html";
import { actionForm, button, checkbox, input, page, select, withQuery, type UiCtx } from "./layout";

export type RelKind = "organizations" | "persons";

const K = {
  organizations: {
    set: "Relation_Organization",
    customer: "Relationship_Organization_CommercialRelationship_Customer",
    customerType: "Relationship.Organization.CommercialRelationship.Customer",
    supplier: "Relationship_Organization_Supplier",
    supplierType: "Relationship.Organization.Supplier",
    title: "Organisaties",
    one: "organisatie",
  },
  persons: {
    set: "Relation_Person",
    customer: "Relationship_Person_CommercialRelationship_Customer",
    customerType: "Relationship.Person.CommercialRelationship.Customer",
    supplier: "Relationship_Person_Supplier",
    supplierType: "Relationship.Person.Supplier",
    title: "Personen",
    one: "persoon",
  },
} as const;

const PAGE_SIZE = 50;

function parts(ctx: UiCtx, kind: RelKind, rec: Rec | undefined) {
  const s = ctx.state.store;
  const t = ctx.tenant;
  if (!rec) return { address: undefined, customer: undefined, supplier: undefined };
  const address = rec.r.VisitingAddress ? t.byId.get(rec.r.VisitingAddress) : undefined;
  const customer = s.referencing(t, K[kind].customer, "Relation", rec.id)[0];
  const supplier = s.referencing(t, K[kind].supplier, "Relation", rec.id)[0];
  return { address, customer, supplier };
}

export function listRelations(ctx: UiCtx, kind: RelKind) {
  const s = ctx.state.store;
  const t = ctx.tenant;
  const q = (ctx.url.searchParams.get("q") ?? "").trim().toLowerCase();
  const pageNo = Math.max(1, Number(ctx.url.searchParams.get("page") ?? 1) || 1);
  const rows: Rec[] = [];
  let total = 0;
  for (const r of s.table(t, K[kind].set).rows.values()) {
    if (q && !s.nameOf(t, r).toLowerCase().includes(q)) continue;
    total++;
    if (total > (pageNo - 1) * PAGE_SIZE && rows.length < PAGE_SIZE) rows.push(r);
  }
  const trs = rows
    .map((r) => {
      const p = parts(ctx, kind, r);
      return `<tr><td><a href="/${kind}/${r.id}">${esc(s.nameOf(t, r) || "(naamloos)")}</a>${r.f.IsOwnOrganization ? ' <span class="badge">Eigen organisatie</span>' : ""}</td>
<td>${esc(p.customer?.f.DebtorNumber)}</td><td>${esc(p.supplier?.f.CreditorNumber)}</td><td>${esc(p.address?.f.City)}</td><td>${esc(r.f.EmailAddress)}</td><td>${r.f.IsActive === false ? "Nee" : "Ja"}</td></tr>`;
    })
    .join("");
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
  const nav = `<p>${total} resultaten — pagina ${pageNo} van ${pages}
${pageNo > 1 ? `<a href="${withQuery(`/${kind}`, { q, page: String(pageNo - 1) })}">Vorige</a>` : ""}
${pageNo < pages ? `<a href="${withQuery(`/${kind}`, { q, page: String(pageNo + 1) })}">Volgende</a>` : ""}</p>`;
  const body = `<h1>${K[kind].title}</h1>
<div class="toolbar"><form method="get" action="/${kind}" class="toolbar">${input("Zoeken / Search", "q", q, { type: "search" })}${button("Zoeken", { class: "secondary" })}</form>
<a class="btn" href="/${kind}/new">Nieuwe ${K[kind].one}</a></div>
<table><thead><tr><th>Naam</th><th>Debiteurnummer</th><th>Crediteurnummer</th><th>Plaats</th><th>E-mail</th><th>Actief</th></tr></thead><tbody>${trs}</tbody></table>${nav}`;
  sendHtml(ctx.res, 200, page(ctx, K[kind].title, body));
}

export function relationForm(ctx: UiCtx, kind: RelKind, rec?: Rec) {
  const s = ctx.state.store;
  const t = ctx.tenant;
  const p = parts(ctx, kind, rec);
  const f = rec?.f ?? {};
  const a = p.address?.f ?? {};
  const country = p.address?.r.Country ? t.byId.get(p.address.r.Country) : undefined;
  const countries = [{ value: "", label: "—" }, ...[...s.table(t, "Datastore_Country").rows.values()].map((c) => ({ value: String(c.f.Code), label: `${String(c.f.Name)} (${String(c.f.Code)})` }))];
  const action = rec ? `/${kind}/${rec.id}` : `/${kind}/new`;
  const main =
    kind === "organizations"
      ? [
          input("Naam / Name", "Name", f.Name, { required: true }),
          input("Telefoonnummer / Phone number", "PhoneNumber", f.PhoneNumber, { type: "tel" }),
          input("E-mailadres / Email address", "EmailAddress", f.EmailAddress, { type: "email" }),
          input("Website", "Website", f.Website),
          input("BTW-nummer / VAT number", "VatNumber", f.VatNumber),
          input("KvK-nummer / Chamber of Commerce number", "ChamberOfCommerceNumber", f.ChamberOfCommerceNumber),
        ].join("")
      : [
          input("Voornaam / First name", "FirstName", f.FirstName),
          input("Tussenvoegsel / Middle name", "MiddleName", f.MiddleName),
          input("Achternaam / Last name", "LastName", f.LastName, { required: true }),
          input("E-mailadres / Email address", "EmailAddress", f.EmailAddress, { type: "email" }),
          input("Telefoonnummer / Phone number", "PhoneNumber", f.PhoneNumber, { type: "tel" }),
          input("Mobiel / Mobile", "MobilePhoneNumber", f.MobilePhoneNumber, { type: "tel" }),
        ].join("");
  const isCustomer = rec ? !!p.customer && p.customer.f.IsActive !== false : true;
  const isSupplier = !!p.supplier && p.supplier.f.IsActive !== false;
  const body = `<p><a href="/${kind}">← ${K[kind].title}</a></p>
<h1>${rec ? esc(s.nameOf(t, rec)) : `Nieuwe ${K[kind].one}`}</h1>
${rec ? `<p>ID <code>${rec.id}</code> · gewijzigd ${esc(rec.modified)}</p>` : ""}
<form method="post" action="${action}">
<fieldset><legend>Gegevens</legend>${main}${checkbox("Actief / Active", "IsActive", f.IsActive !== false)}</fieldset>
<fieldset><legend>Bezoekadres / Visiting address</legend>
${input("Straat / Street", "Street", a.Street)}
${input("Huisnummer / House number", "HouseNumber", a.HouseNumber)}
${input("Toevoeging / Addition", "HouseNumberAddition", a.HouseNumberAddition)}
${input("Postcode / Postal code", "Postalcode", a.Postalcode)}
${input("Plaats / City", "City", a.City)}
${select("Land / Country", "CountryCode", countries, (country?.f.Code as string | undefined) ?? (rec ? "" : "NL"))}
</fieldset>
<fieldset><legend>Relatietype</legend>
${checkbox("Klant / Customer", "IsCustomer", isCustomer)}
${input("Debiteurnummer / Debtor number", "DebtorNumber", p.customer?.f.DebtorNumber)}
${input("Betalingstermijn in dagen / Payment term in days", "PaymentTermInDays", p.customer?.f.PaymentTermInDays ?? (rec ? "" : 30), { type: "number", min: 0 })}
${checkbox("Leverancier / Supplier", "IsSupplier", isSupplier)}
${input("Crediteurnummer / Creditor number", "CreditorNumber", p.supplier?.f.CreditorNumber)}
</fieldset>
${button(rec ? "Opslaan" : "Aanmaken")}
</form>
${rec ? actionForm(`/${kind}/${rec.id}/delete`, "Verwijderen", "danger") : ""}`;
  sendHtml(ctx.res, 200, page(ctx, rec ? s.nameOf(t, rec) : `Nieuwe ${K[kind].one}`, body));
}

export function saveRelation(ctx: UiCtx, kind: RelKind, rec?: Rec) {
  const form = ctx.form!;
  const s = ctx.state.store;
  const t = ctx.tenant;
  const p = parts(ctx, kind, rec);
  const back = rec ? `/${kind}/${rec.id}` : `/${kind}/new`;
  try {
    const fields: Record<string, unknown> =
      kind === "organizations"
        ? {
            Name: str(form, "Name"),
            PhoneNumber: str(form, "PhoneNumber"),
            EmailAddress: str(form, "EmailAddress"),
            Website: str(form, "Website"),
            VatNumber: str(form, "VatNumber"),
            ChamberOfCommerceNumber: str(form, "ChamberOfCommerceNumber"),
          }
        : {
            FirstName: str(form, "FirstName"),
            MiddleName: str(form, "MiddleName"),
            LastName: str(form, "LastName"),
            EmailAddress: str(form, "EmailAddress"),
            PhoneNumber: str(form, "PhoneNumber"),
            MobilePhoneNumber: str(form, "MobilePhoneNumber"),
          };
    fields.IsActive = bool(form, "IsActive");
    const body = diff(rec, fields);

    const number = { HouseNumber: str(form, "HouseNumber"), HouseNumberAddition: str(form, "HouseNumberAddition") };
    const countryCode = str(form, "CountryCode");
    const country = countryCode ? s.byCode(t, "Datastore_Country", countryCode) : undefined;
    if (countryCode && !country) throw new Error(`Onbekend land ${countryCode}`);
    const addr: Record<string, unknown> = {
      ...(ctx.state.config.houseNumberFields
        ? { Street: str(form, "Street"), ...number }
        : { Street: [str(form, "Street"), number.HouseNumber, number.HouseNumberAddition].filter(Boolean).join(" ") || null }),
      Postalcode: str(form, "Postalcode"),
      City: str(form, "City"),
      Country: country ? { ID: country.id } : null,
    };
    const anyAddr = ["Street", "HouseNumber", "Postalcode", "City"].some((k) => addr[k] != null);
    if (p.address) {
      const d = diff(p.address, addr);
      if (Object.keys(d).length) body.VisitingAddress = { ID: p.address.id, ...d };
    } else if (anyAddr) body.VisitingAddress = addr;

    const relationships: Record<string, unknown>[] = [];
    const debtor = str(form, "DebtorNumber");
    const term = num(form, "PaymentTermInDays");
    if (bool(form, "IsCustomer") || debtor) {
      const want: Record<string, unknown> = { IsActive: true, PaymentTermInDays: term };
      if (debtor) want.DebtorNumber = debtor;
      if (p.customer) {
        const d = diff(p.customer, want);
        if (Object.keys(d).length) relationships.push({ ID: p.customer.id, ...d });
      } else relationships.push({ _Type: K[kind].customerType, ...want });
    } else if (p.customer && p.customer.f.IsActive !== false) relationships.push({ ID: p.customer.id, IsActive: false });
    const creditor = str(form, "CreditorNumber");
    if (bool(form, "IsSupplier") || creditor) {
      const want: Record<string, unknown> = { IsActive: true };
      if (creditor) want.CreditorNumber = creditor;
      if (p.supplier) {
        const d = diff(p.supplier, want);
        if (Object.keys(d).length) relationships.push({ ID: p.supplier.id, ...d });
      } else relationships.push({ _Type: K[kind].supplierType, ...want });
    } else if (p.supplier && p.supplier.f.IsActive !== false) relationships.push({ ID: p.supplier.id, IsActive: false });
    if (relationships.length) body.Relationships = relationships;

    let saved = rec;
    if (!rec) saved = s.create(t, K[kind].set, body);
    else if (Object.keys(body).length) saved = s.update(t, K[kind].set, rec.id, body);
    redirect(ctx.res, withQuery(`/${kind}/${saved!.id}`, { msg: rec ? "Opgeslagen." : "Aangemaakt." }));
  } catch (err) {
    if (err instanceof HttpError || err instanceof Error) return redirect(ctx.res, withQuery(back, { error: err.message }));
    throw err;
  }
}

export function deleteRelation(ctx: UiCtx, kind: RelKind, rec: Rec) {
  ctx.state.store.delete(ctx.tenant, K[kind].set, rec.id);
  redirect(ctx.res, withQuery(`/${kind}`, { msg: "Verwijderd." }));
}

export const RELATION_SET: Record<RelKind, string> = { organizations: K.organizations.set, persons: K.persons.set };
