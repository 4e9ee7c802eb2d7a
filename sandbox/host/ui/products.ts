// Products: list, create, edit, delete.

import { redirect, sendHtml } from "../http";
import type { Rec } from "../store";
import { bool, diff, num, ref, str } from "./forms";
import { escapeHtml as esc } from "../../shared/html";
import { actionForm, button, checkbox, fmtMoney, input, page, select, withQuery, type UiCtx } from "./layout";

export function datastoreOptions(ctx: UiCtx, set: string, empty = true) {
  const rows = [...ctx.state.store.table(ctx.tenant, set).rows.values()];
  return [...(empty ? [{ value: "", label: "—" }] : []), ...rows.map((r) => ({ value: r.id, label: String(r.f.Name ?? r.id) }))];
}

export function listProducts(ctx: UiCtx) {
  const s = ctx.state.store;
  const t = ctx.tenant;
  const q = (ctx.url.searchParams.get("q") ?? "").trim().toLowerCase();
  const rows: Rec[] = [];
  for (const r of s.table(t, "Product").rows.values()) {
    if (q && !`${String(r.f.Name ?? "")} ${String(r.f.Code ?? "")}`.toLowerCase().includes(q)) continue;
    rows.push(r);
    if (rows.length >= 200) break;
  }
  const trs = rows
    .map((r) => {
      const vg = r.r.VatGroup ? t.byId.get(r.r.VatGroup) : undefined;
      return `<tr><td><a href="/products/${r.id}">${esc(r.f.Name)}</a></td><td>${esc(r.f.Code)}</td><td class="num">${fmtMoney(r.f.SalesPrice)}</td><td>${esc(vg?.f.Name)}</td><td>${r.f.IsInactive ? "Nee" : "Ja"}</td></tr>`;
    })
    .join("");
  const body = `<h1>Producten</h1>
<div class="toolbar"><form method="get" action="/products" class="toolbar">${input("Zoeken / Search", "q", q, { type: "search" })}${button("Zoeken", { class: "secondary" })}</form>
<a class="btn" href="/products/new">Nieuw product</a></div>
<table><thead><tr><th>Naam</th><th>Code</th><th class="num">Verkoopprijs</th><th>BTW-groep</th><th>Actief</th></tr></thead><tbody>${trs}</tbody></table>`;
  sendHtml(ctx.res, 200, page(ctx, "Producten", body));
}

export function productForm(ctx: UiCtx, rec?: Rec) {
  const f = rec?.f ?? {};
  const r = rec?.r ?? {};
  const s = ctx.state.store;
  const t = ctx.tenant;
  const body = `<p><a href="/products">← Producten</a></p>
<h1>${rec ? esc(f.Name) : "Nieuw product"}</h1>
${rec ? `<p>ID <code>${rec.id}</code> · gewijzigd ${esc(rec.modified)}</p>` : ""}
<form method="post" action="${rec ? `/products/${rec.id}` : "/products/new"}"><fieldset><legend>Product</legend>
${input("Naam / Name", "Name", f.Name, { required: true })}
${input("Code", "Code", f.Code)}
${input("Omschrijving / Description", "Description", f.Description)}
${input("Verkoopprijs / Sales price", "SalesPrice", f.SalesPrice, { inputmode: "decimal" })}
${input("Inkoopprijs / Purchase price", "PurchasePrice", f.PurchasePrice, { inputmode: "decimal" })}
${select("Eenheid / Unit", "Unit", datastoreOptions(ctx, "Datastore_Unit"), r.Unit ?? (rec ? "" : s.defaultOf(t, "Datastore_Unit")?.id))}
${select("BTW-groep / VAT group", "VatGroup", datastoreOptions(ctx, "Datastore_VatGroup"), r.VatGroup ?? (rec ? "" : s.defaultOf(t, "Datastore_VatGroup")?.id))}
${select("Productgroep / Product group", "ProductGroup", datastoreOptions(ctx, "Datastore_ProductGroup"), r.ProductGroup)}
${select("Grootboekrekening / Ledger account", "GeneralLedgerAccount", datastoreOptions(ctx, "Datastore_GeneralLedgerAccount"), r.GeneralLedgerAccount)}
${checkbox("Inactief / Inactive", "IsInactive", f.IsInactive === true)}
</fieldset>${button(rec ? "Opslaan" : "Aanmaken")}</form>
${rec ? actionForm(`/products/${rec.id}/delete`, "Verwijderen", "danger") : ""}`;
  sendHtml(ctx.res, 200, page(ctx, rec ? String(f.Name ?? "Product") : "Nieuw product", body));
}

export function saveProduct(ctx: UiCtx, rec?: Rec) {
  const form = ctx.form!;
  const s = ctx.state.store;
  try {
    const body = diff(rec, {
      Name: str(form, "Name"),
      Code: str(form, "Code"),
      Description: str(form, "Description"),
      SalesPrice: num(form, "SalesPrice") ?? 0,
      PurchasePrice: num(form, "PurchasePrice"),
      Unit: ref(form, "Unit"),
      VatGroup: ref(form, "VatGroup"),
      ProductGroup: ref(form, "ProductGroup"),
      GeneralLedgerAccount: ref(form, "GeneralLedgerAccount"),
      IsInactive: bool(form, "IsInactive"),
    });
    let saved = rec;
    if (!rec) saved = s.create(ctx.tenant, "Product", body);
    else if (Object.keys(body).length) saved = s.update(ctx.tenant, "Product", rec.id, body);
    redirect(ctx.res, withQuery(`/products/${saved!.id}`, { msg: rec ? "Opgeslagen." : "Aangemaakt." }));
  } catch (err) {
    redirect(ctx.res, withQuery(rec ? `/products/${rec.id}` : "/products/new", { error: err instanceof Error ? err.message : String(err) }));
  }
}

export function deleteProduct(ctx: UiCtx, rec: Rec) {
  ctx.state.store.delete(ctx.tenant, "Product", rec.id);
  redirect(ctx.res, withQuery("/products", { msg: "Verwijderd." }));
}
