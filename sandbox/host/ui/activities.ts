// Invoices and sales orders: list, create with a product line, add lines, change phase, PDF, delete.

import { redirect, sendHtml } from "../http";
import { CUSTOMER_SETS, SETS } from "../schema";
import type { Rec, Tenant } from "../store";
import { bool, num, ref, str } from "./forms";
import { escapeHtml as esc } from "../../shared/html";
import { actionForm, button, checkbox, fmtMoney, input, page, select, withQuery, yesNo, type UiCtx } from "./layout";

export type ActKind = "invoices" | "sales-orders";

const K = {
  invoices: { set: "Activity_Invoice", phases: "Datastore_Phase_ActivityInvoice", title: "Facturen", one: "factuur", dateField: "InvoiceDate", dateLabel: "Factuurdatum / Invoice date" },
  "sales-orders": { set: "Activity_SalesOrder", phases: "Datastore_Phase_ActivitySalesOrder", title: "Verkooporders", one: "verkooporder", dateField: "OrderDate", dateLabel: "Orderdatum / Order date" },
} as const;

const PAGE_SIZE = 50;

export function activitySet(kind: ActKind): string {
  return K[kind].set;
}

/** The customer of an invoice or sales order: the relation of its relationship. */
function customerOf(t: Tenant, act: Rec): Rec | undefined {
  const relationship = act.r.Relationship ? t.byId.get(act.r.Relationship) : undefined;
  return relationship?.r.Relation ? t.byId.get(relationship.r.Relation) : undefined;
}

function relationOptions(ctx: UiCtx) {
  const s = ctx.state.store;
  const t = ctx.tenant;
  const opts: { value: string; label: string }[] = [{ value: "", label: "— kies een klant —" }];
  for (const set of ["Relation_Organization", "Relation_Person"]) {
    let n = 0;
    for (const r of s.table(t, set).rows.values()) {
      if (r.f.IsOwnOrganization === true) continue;
      opts.push({ value: r.id, label: s.nameOf(t, r) });
      if (++n >= 500) break;
    }
  }
  return opts;
}

function productOptions(ctx: UiCtx) {
  const opts = [{ value: "", label: "— kies een product —" }];
  let n = 0;
  for (const r of ctx.state.store.table(ctx.tenant, "Product").rows.values()) {
    if (r.f.IsInactive === true) continue;
    opts.push({ value: r.id, label: `${String(r.f.Name ?? "")}${r.f.Code ? ` (${String(r.f.Code)})` : ""}` });
    if (++n >= 500) break;
  }
  return opts;
}

function lineFields(ctx: UiCtx) {
  return `${select("Product", "LineProduct", productOptions(ctx), "")}
${input("Aantal / Quantity", "LineQuantity", 1, { inputmode: "decimal" })}
${input("Prijs / Price (optioneel)", "LinePrice", "", { inputmode: "decimal" })}
${input("Korting % / Discount %", "LineDiscount", "", { inputmode: "decimal" })}
${input("Regelomschrijving / Line description", "LineDescription", "")}`;
}

function lineBody(form: URLSearchParams): Record<string, unknown> | null {
  const product = ref(form, "LineProduct");
  const description = str(form, "LineDescription");
  if (!product && !description) return null;
  const line: Record<string, unknown> = { Quantity: num(form, "LineQuantity") ?? 1 };
  if (product) line.Product = product;
  const price = num(form, "LinePrice");
  if (price != null) line.Price = price;
  const discount = num(form, "LineDiscount");
  if (discount != null) line.DiscountPercentage = discount;
  if (description) line.Description = description;
  return line;
}

export function listActivities(ctx: UiCtx, kind: ActKind) {
  const s = ctx.state.store;
  const t = ctx.tenant;
  const pageNo = Math.max(1, Number(ctx.url.searchParams.get("page") ?? 1) || 1);
  const all = [...s.table(t, K[kind].set).rows.values()].reverse();
  const rows = all.slice((pageNo - 1) * PAGE_SIZE, pageNo * PAGE_SIZE);
  const trs = rows
    .map((r) => {
      const rel = customerOf(t, r);
      const phase = r.r.Phase ? t.byId.get(r.r.Phase) : undefined;
      return `<tr><td><a href="/${kind}/${r.id}">${esc(r.f.Number)}</a></td><td>${esc(rel ? s.nameOf(t, rel) : "")}</td><td>${esc(r.f.Subject)}</td>
<td>${esc(r.f[K[kind].dateField])}</td><td>${esc(phase?.f.Name)}</td><td class="num">${fmtMoney(s.activityTotals(t, r).includingVat, String(r.f.Currency ?? "EUR"))}</td>
${kind === "invoices" ? `<td>${yesNo(r.f.IsPaid)}</td>` : ""}</tr>`;
    })
    .join("");
  const pages = Math.max(1, Math.ceil(all.length / PAGE_SIZE));
  const body = `<h1>${K[kind].title}</h1>
<div class="toolbar"><a class="btn" href="/${kind}/new">Nieuwe ${K[kind].one}</a></div>
<table><thead><tr><th>Nummer</th><th>Klant</th><th>Onderwerp</th><th>Datum</th><th>Fase</th><th class="num">Totaal incl. BTW</th>${kind === "invoices" ? "<th>Betaald</th>" : ""}</tr></thead>
<tbody>${trs}</tbody></table>
<p>${all.length} ${K[kind].title.toLowerCase()} — pagina ${pageNo} van ${pages}
${pageNo > 1 ? `<a href="/${kind}?page=${pageNo - 1}">Vorige</a>` : ""} ${pageNo < pages ? `<a href="/${kind}?page=${pageNo + 1}">Volgende</a>` : ""}</p>`;
  sendHtml(ctx.res, 200, page(ctx, K[kind].title, body));
}

export function newActivityForm(ctx: UiCtx, kind: ActKind) {
  const s = ctx.state.store;
  const t = ctx.tenant;
  const subs = [{ value: "", label: "— geen —" }, ...[...s.table(t, "Activity_Subscription").rows.values()].map((r) => ({ value: r.id, label: s.nameOf(t, r) }))];
  const body = `<p><a href="/${kind}">← ${K[kind].title}</a></p><h1>Nieuwe ${K[kind].one}</h1>
<form method="post" action="/${kind}/new">
<fieldset><legend>Kop</legend>
${select("Klant / Customer", "Relation", relationOptions(ctx), "", { required: true })}
${input("Onderwerp / Subject", "Subject", "")}
${input(K[kind].dateLabel, "Date", new Date().toISOString().slice(0, 10), { type: "date" })}
${kind === "sales-orders" ? input("Klantreferentie / Customer reference", "CustomerReference", "") + input("Leverdatum / Delivery date", "DeliveryDate", "", { type: "date" }) : ""}
${input("Betalingstermijn in dagen / Payment term in days", "PaymentTermInDays", "", { type: "number", min: 0 })}
${checkbox("Prijzen inclusief BTW / Prices include VAT", "IsVatIncluded", false)}
${kind === "invoices" ? select("Abonnement / Subscription", "Subscription", subs, "") : ""}
</fieldset>
<fieldset><legend>Productregel / Product line</legend>${lineFields(ctx)}</fieldset>
${button(kind === "invoices" ? "Factuur aanmaken" : "Verkooporder aanmaken")}
</form>`;
  sendHtml(ctx.res, 200, page(ctx, `Nieuwe ${K[kind].one}`, body));
}

export function createActivity(ctx: UiCtx, kind: ActKind) {
  const form = ctx.form!;
  const s = ctx.state.store;
  const t = ctx.tenant;
  const def = SETS.get(K[kind].set)!;
  try {
    const rel = ref(form, "Relation");
    if (!rel) throw new Error("Kies een klant.");
    const customer = CUSTOMER_SETS.flatMap((set) => s.referencing(t, set, "Relation", rel.ID))[0];
    if (!customer) throw new Error("Deze relatie is geen klant.");
    const body: Record<string, unknown> = {
      Relationship: { ID: customer.id },
      Subject: str(form, "Subject"),
      IsVatIncluded: bool(form, "IsVatIncluded"),
    };
    // invoice date, payment term and subscription exist only with the assumedActivityFields setting
    const date = str(form, "Date");
    if (date && s.exists(def, K[kind].dateField)) body[K[kind].dateField] = date;
    const term = num(form, "PaymentTermInDays");
    if (term != null && s.exists(def, "PaymentTermInDays")) body.PaymentTermInDays = term;
    if (kind === "invoices") {
      const sub = ref(form, "Subscription");
      if (sub && s.exists(def, "Subscription")) body.Subscription = sub;
    } else {
      body.CustomerReference = str(form, "CustomerReference");
      const d = str(form, "DeliveryDate");
      if (d) body.DeliveryDate = d;
    }
    const line = lineBody(form);
    if (line) body.ProductLines = [line];
    const rec = s.create(t, K[kind].set, body);
    redirect(ctx.res, withQuery(`/${kind}/${rec.id}`, { msg: "Aangemaakt." }));
  } catch (err) {
    redirect(ctx.res, withQuery(`/${kind}/new`, { error: err instanceof Error ? err.message : String(err) }));
  }
}

export function activityDetail(ctx: UiCtx, kind: ActKind, rec: Rec) {
  const s = ctx.state.store;
  const t = ctx.tenant;
  const f = rec.f;
  const rel = customerOf(t, rec);
  const totals = s.activityTotals(t, rec);
  const relShip = rec.r.Relationship ? t.byId.get(rec.r.Relationship) : undefined;
  const phase = rec.r.Phase ? t.byId.get(rec.r.Phase) : undefined;
  const sub = rec.r.Subscription ? t.byId.get(rec.r.Subscription) : undefined;
  const cur = String(f.Currency ?? "EUR");
  const lines = s.children(t, rec, "ProductLines");
  const trs = lines
    .map(
      (l) => `<tr><td>${esc(l.f.Description)}</td><td class="num">${esc(l.f.Quantity)}</td><td class="num">${fmtMoney(l.f.Price, cur)}</td>
<td class="num">${esc(l.f.DiscountPercentage)}%</td><td class="num">${esc(l.f.VatPercentage)}%</td><td class="num">${fmtMoney(l.f.TotalExcludingVat, cur)}</td>
<td class="num">${fmtMoney(l.f.TotalIncludingVat, cur)}</td><td>${actionForm(`/${kind}/${rec.id}/lines/${l.id}/delete`, "Regel verwijderen", "secondary")}</td></tr>`,
    )
    .join("");
  const phaseButtons = [...s.table(t, K[kind].phases).rows.values()]
    .filter((p) => p.id !== phase?.id)
    .map((p) => `<form method="post" action="/${kind}/${rec.id}/phase" class="inline"><input type="hidden" name="Phase" value="${p.id}">${button(`Zet op ${String(p.f.Name)}`)}</form>`)
    .join("");
  const props: [string, string][] = [
    ["Nummer", esc(f.Number)],
    ["Klant", rel ? `<a href="/${rel.def.set === "Relation_Person" ? "persons" : "organizations"}/${rel.id}">${esc(s.nameOf(t, rel))}</a>` : ""],
    ["Debiteurnummer", esc(relShip?.f.DebtorNumber)],
    ["Onderwerp", esc(f.Subject)],
    [kind === "invoices" ? "Factuurdatum" : "Orderdatum", esc(f[K[kind].dateField])],
    ["Betalingstermijn", `${esc(f.PaymentTermInDays)} dagen`],
    ["Fase / Phase", `<span data-testid="phase">${esc(phase?.f.Name)}</span> (<code>${esc(phase?.f.Code)}</code>)`],
    ...(kind === "invoices"
      ? ([
          ["Betaald / Paid", `<span data-testid="is-paid">${yesNo(f.IsPaid)}</span>`],
          ["Abonnement", esc(sub ? s.nameOf(t, sub) : "—")],
        ] as [string, string][])
      : ([
          ["Klantreferentie", esc(f.CustomerReference)],
          ["Leverdatum", esc(f.DeliveryDate)],
        ] as [string, string][])),
    ["Prijzen incl. BTW", yesNo(f.IsVatIncluded)],
    ["Totaal excl. BTW (Amount)", fmtMoney(totals.excludingVat, cur)],
    ["BTW", fmtMoney(totals.vat, cur)],
    ["Totaal incl. BTW", `<strong>${fmtMoney(totals.includingVat, cur)}</strong>`],
    ["Gewijzigd", esc(rec.modified)],
  ];
  const body = `<p><a href="/${kind}">← ${K[kind].title}</a></p>
<h1>${kind === "invoices" ? "Factuur" : "Verkooporder"} ${esc(f.Number)}</h1>
<dl class="props">${props.map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`).join("")}</dl>
<h2>Fase wijzigen</h2><div>${phaseButtons}</div>
<h2>Regels</h2>
<table><thead><tr><th>Omschrijving</th><th class="num">Aantal</th><th class="num">Prijs</th><th class="num">Korting</th><th class="num">BTW</th><th class="num">Excl. BTW</th><th class="num">Incl. BTW</th><th></th></tr></thead><tbody>${trs}</tbody></table>
<h2>Regel toevoegen</h2>
<form method="post" action="/${kind}/${rec.id}/lines"><fieldset><legend>Nieuwe regel</legend>${lineFields(ctx)}</fieldset>${button("Regel toevoegen")}</form>
<h2>Document</h2><p><a class="btn secondary" href="/${kind}/${rec.id}/document" target="_blank">PDF bekijken</a></p>
${actionForm(`/${kind}/${rec.id}/delete`, kind === "invoices" ? "Factuur verwijderen" : "Verkooporder verwijderen", "danger")}`;
  sendHtml(ctx.res, 200, page(ctx, `${kind === "invoices" ? "Factuur" : "Verkooporder"} ${String(f.Number ?? "")}`, body));
}

export function setPhase(ctx: UiCtx, kind: ActKind, rec: Rec) {
  const phase = ref(ctx.form!, "Phase");
  try {
    if (!phase) throw new Error("Geen fase gekozen.");
    ctx.state.store.update(ctx.tenant, K[kind].set, rec.id, { Phase: phase });
    const name = ctx.tenant.byId.get(phase.ID)?.f.Name;
    redirect(ctx.res, withQuery(`/${kind}/${rec.id}`, { msg: `Fase gewijzigd naar ${String(name ?? "")}.` }));
  } catch (err) {
    redirect(ctx.res, withQuery(`/${kind}/${rec.id}`, { error: err instanceof Error ? err.message : String(err) }));
  }
}

export function addLine(ctx: UiCtx, kind: ActKind, rec: Rec) {
  try {
    const line = lineBody(ctx.form!);
    if (!line) throw new Error("Kies een product of vul een omschrijving in.");
    ctx.state.store.create(ctx.tenant, "ProductLine", { ...line, Activity: { ID: rec.id } });
    redirect(ctx.res, withQuery(`/${kind}/${rec.id}`, { msg: "Regel toegevoegd." }));
  } catch (err) {
    redirect(ctx.res, withQuery(`/${kind}/${rec.id}`, { error: err instanceof Error ? err.message : String(err) }));
  }
}

export function deleteLine(ctx: UiCtx, kind: ActKind, rec: Rec, lineId: string) {
  const line = ctx.state.store.get(ctx.tenant, "ProductLine", lineId);
  if (line && line.r.Activity === rec.id) ctx.state.store.delete(ctx.tenant, "ProductLine", lineId);
  redirect(ctx.res, withQuery(`/${kind}/${rec.id}`, { msg: "Regel verwijderd." }));
}

export function deleteActivity(ctx: UiCtx, kind: ActKind, rec: Rec) {
  ctx.state.store.delete(ctx.tenant, K[kind].set, rec.id);
  redirect(ctx.res, withQuery(`/${kind}`, { msg: "Verwijderd." }));
}
