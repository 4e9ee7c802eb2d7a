/**
 * Artikelen (the koppeling's producten): list, create, edit the synced
 * fields, (de)activate and delete; and the artikelomzetgroepen, which carry
 * an artikel's btw soort and grootboek (read-only in the API).
 */
import type { ApiError, Entity, JsonObject } from "../types";
import { editForm, type FieldGroup } from "./form";
import { html } from "../../../shared/html";
import { UI_ROOT, actionButton, newestFirst, text, type UiResult } from "../../../shared/ui-layout";
import { countNote, day, errorSummary, eur, href, layout, notFoundPage, refIdOf, type UiContext } from "./layout";
import { recordWrites } from "./write";


function omzetgroepLabel(g: Entity): string {
  return `${text(g.nummer)} — ${text(g.omschrijving)} (btw ${String(g.verkoopNederlandBtwSoort ?? "?")})`;
}

function grootboekLabel(c: UiContext, id: string): string {
  const g = c.adm.grootboeken.get(id);
  return g ? `${g.nummer} — ${text(g.omschrijving)}` : id;
}

function artikelGroups(c: UiContext): FieldGroup[] {
  return [
    {
      legend: "Artikel",
      fields: [
        { kind: "text", path: "artikelcode", label: "Artikelcode" },
        { kind: "text", path: "omschrijving", label: "Omschrijving" },
        {
          kind: "ref",
          path: "artikelOmzetgroep",
          label: "Artikelomzetgroep",
          options: c.adm.artikelomzetgroepen.all().map((g) => ({ value: g.id, label: omzetgroepLabel(g) })),
        },
        { kind: "text", path: "eenheid", label: "Eenheid" },
        { kind: "number", path: "verkoopprijs", label: "Verkoopprijs" },
        { kind: "number", path: "inkoopprijs", label: "Inkoopprijs" },
        { kind: "checkbox", path: "voorraadControle", label: "Voorraadcontrole" },
      ],
    },
  ];
}

export function artikelenList(c: UiContext): UiResult {
  const { adm } = c;
  const zoek = (c.url.searchParams.get("zoek") ?? "").trim().toLowerCase();
  const matches = adm.artikelen
    .all()
    .filter((a) => !zoek || a.artikelcode.toLowerCase().includes(zoek) || text(a.omschrijving).toLowerCase().includes(zoek));
  const { shown: rows } = newestFirst(matches);
  const groepen = adm.artikelomzetgroepen.all();
  const body = html`<p><a href="${href(adm, "/artikelen/nieuw")}">Nieuw artikel</a></p>
<form method="get" action="${UI_ROOT}/artikelen">
<input type="hidden" name="administratie" value="${adm.id}">
<label for="filter-zoek">Artikelcode of omschrijving</label>
<input type="text" id="filter-zoek" name="zoek" value="${c.url.searchParams.get("zoek") ?? ""}">
<button type="submit">Filteren</button>
</form>
<table>
<caption>Artikelen, nieuwste eerst${countNote(rows.length, matches.length)}</caption>
<thead><tr><th scope="col">Artikelcode</th><th scope="col">Omschrijving</th><th scope="col">Omzetgroep</th><th scope="col">Eenheid</th><th scope="col" class="num">Verkoopprijs</th><th scope="col" class="num">Inkoopprijs</th><th scope="col">Status</th><th scope="col">Gewijzigd</th></tr></thead>
<tbody>
${rows.map((a) => {
  const g = adm.artikelomzetgroepen.get(refIdOf(a.artikelOmzetgroep));
  return html`<tr>
  <th scope="row"><a href="${href(adm, `/artikelen/${a.id}`)}">${a.artikelcode}</a></th>
  <td>${text(a.omschrijving)}</td>
  <td>${g ? text(g.omschrijving) : ""}</td>
  <td>${text(a.eenheid)}</td>
  <td class="num">${eur(a.verkoopprijs)}</td>
  <td class="num">${eur(a.inkoopprijs)}</td>
  <td>${a.isNonActief ? html`<span class="nonactief">nonactief</span>` : "actief"}</td>
  <td>${a.modifiedOn}</td>
</tr>`;
})}
${rows.length === 0 ? html`<tr><td colspan="8">Geen artikelen.</td></tr>` : ""}
</tbody>
</table>
<table>
<caption>Artikelomzetgroepen${countNote(groepen.length, groepen.length)}</caption>
<thead><tr><th scope="col">Nummer</th><th scope="col">Omschrijving</th><th scope="col">Btw soort (verkoop Nederland)</th><th scope="col">Grootboek (verkoop Nederland)</th></tr></thead>
<tbody>
${groepen.map(
  (g) => html`<tr><th scope="row">${text(g.nummer)}</th><td>${text(g.omschrijving)}</td><td>${text(g.verkoopNederlandBtwSoort)}</td><td>${grootboekLabel(c, refIdOf(g.verkoopGrootboekNederlandIdentifier))}</td></tr>`,
)}
</tbody>
</table>`;
  return { status: 200, page: layout(c, "artikelen", "Artikelen", body) };
}

export function artikelNew(c: UiContext, draft: JsonObject = {}, errors: ApiError[] = []): UiResult {
  const body = html`${errorSummary(errors)}
${editForm({ id: "artikel", action: href(c.adm, "/artikelen"), groups: artikelGroups(c), values: draft, errors, submit: "Artikel aanmaken" })}`;
  return { status: errors.length ? 400 : 200, page: layout(c, "artikelen", "Nieuw artikel", body) };
}

export function artikelShow(c: UiContext, id: string, refused?: { errors: ApiError[]; artikel?: JsonObject }): UiResult {
  const { adm } = c;
  const a = adm.artikelen.get(id);
  if (!a) return notFoundPage(c, "artikelen", `Artikel ${id}`);
  const errors = refused?.errors ?? [];
  const self = `/artikelen/${a.id}`;
  const groep = adm.artikelomzetgroepen.get(refIdOf(a.artikelOmzetgroep));
  const orders = adm.verkooporders
    .all()
    .filter((o) => Array.isArray(o.regels) && o.regels.some((r) => refIdOf((r as JsonObject).artikel) === a.id));
  const body = html`${errorSummary(errors)}
<dl>
<dt>Status</dt><dd>${a.isNonActief ? html`<span class="nonactief">nonactief</span>` : "actief"}</dd>
<dt>Btw soort</dt><dd>${groep ? text(groep.verkoopNederlandBtwSoort) : ""}</dd>
<dt>Grootboek</dt><dd>${groep ? grootboekLabel(c, refIdOf(groep.verkoopGrootboekNederlandIdentifier)) : ""}</dd>
<dt>Voorraad (technisch / vrij)</dt><dd>${String(a.technischeVoorraad ?? 0)} / ${String(a.vrijeVoorraad ?? 0)}</dd>
<dt>Gewijzigd (modifiedOn)</dt><dd>${a.modifiedOn}</dd>
<dt>Id</dt><dd>${a.id}</dd>
</dl>
<div class="acties">
${a.isNonActief
  ? actionButton(href(adm, `${self}/nonactief`), "Activeren", { isNonActief: "false" })
  : actionButton(href(adm, `${self}/nonactief`), "Deactiveren", { isNonActief: "true" })}
${actionButton(href(adm, `${self}/verwijderen`), "Artikel verwijderen")}
</div>
<h2>Gegevens</h2>
${editForm({
  id: "artikel",
  action: href(adm, self),
  groups: artikelGroups(c),
  values: refused?.artikel ?? a,
  errors: refused?.artikel ? errors : [],
  submit: "Opslaan",
})}
<table>
<caption>Gebruikt in verkooporders${countNote(orders.length, orders.length)}</caption>
<thead><tr><th scope="col">Nummer</th><th scope="col">Datum</th><th scope="col">Processtatus</th></tr></thead>
<tbody>
${orders.map(
  (o) => html`<tr><th scope="row"><a href="${href(adm, `/verkooporders/${o.id}`)}">${o.nummer}</a></th><td>${day(o.datum)}</td><td>${text(o.procesStatus)}</td></tr>`,
)}
${orders.length === 0 ? html`<tr><td colspan="3">In geen enkele verkooporder.</td></tr>` : ""}
</tbody>
</table>`;
  return {
    status: errors.length ? 400 : 200,
    page: layout(c, "artikelen", `Artikel ${a.artikelcode} — ${text(a.omschrijving)}`, body),
  };
}

export const {
  create: artikelCreate,
  save: artikelSave,
  setNonactief: artikelSetNonactief,
  remove: artikelDelete,
} = recordWrites({
  section: "artikelen",
  label: "Artikel",
  flag: "isNonActief",
  find: (c, id) => c.adm.artikelen.get(id),
  groups: artikelGroups,
  newPage: artikelNew,
  showPage: (c, id, errors, artikel) => artikelShow(c, id, { errors, artikel }),
});
