/**
 * Relaties: list, create, edit (the fields the koppeling syncs: naam, adres
 * as SnelStart stores it — straat holds huisnummer and toevoeging —,
 * contact, relatiesoort, relatiecode, bank), (de)activate and delete, with
 * the relatie's documents, verkoopboekingen, verkooporders and doorlopende
 * incassomachtigingen (which are only entered here, never through the API).
 */
import { LANDEN } from "../api";
import { RELATIESOORTEN, SCHEMA, createIncassomachtiging, trekIncassomachtigingIn } from "../domain";
import type { ApiError, JsonObject, Relatie } from "../types";
import { applyForm, editForm, enumOptions, type FieldGroup } from "./form";
import { html, type Html } from "../../../shared/html";
import { UI_ROOT, actionButton, newestFirst, text, type UiResult } from "../../../shared/ui-layout";
import { countNote, day, documentTable, errorSummary, eur, href, layout, notFoundPage, refIdOf, type UiContext } from "./layout";
import { domainCtx, reasons, recordWrites } from "./write";

function adresFields(key: string): FieldGroup["fields"] {
  return [
    { kind: "text", path: `${key}.contactpersoon`, label: "Contactpersoon" },
    { kind: "text", path: `${key}.straat`, label: "Straat en huisnummer", hint: "met toevoeging, bijv. Dorpsstraat 12a" },
    { kind: "text", path: `${key}.postcode`, label: "Postcode" },
    { kind: "text", path: `${key}.plaats`, label: "Plaats" },
    { kind: "ref", path: `${key}.land`, label: "Land", options: LANDEN.map((l) => ({ value: l.id, label: l.naam })) },
  ];
}

function relatieGroups(c: UiContext): FieldGroup[] {
  return [
    {
      legend: "Relatie",
      fields: [
        { kind: "text", path: "naam", label: "Naam" },
        { kind: "number", integer: true, path: "relatiecode", label: "Relatiecode (debiteur-/crediteurnummer)", hint: "leeg = het volgende vrije nummer" },
        { kind: "checkboxes", path: "relatiesoort", label: "Relatiesoort", options: RELATIESOORTEN.map((s) => ({ value: s, label: s })) },
      ],
    },
    { legend: "Vestigingsadres", fields: adresFields("vestigingsAdres") },
    { legend: "Correspondentieadres", fields: adresFields("correspondentieAdres") },
    {
      legend: "Contact",
      fields: [
        { kind: "text", path: "telefoon", label: "Telefoon" },
        { kind: "text", path: "mobieleTelefoon", label: "Mobiele telefoon" },
        { kind: "text", path: "email", label: "E-mail" },
        { kind: "text", path: "websiteUrl", label: "Website" },
      ],
    },
    {
      legend: "Financieel",
      fields: [
        { kind: "text", path: "kvkNummer", label: "KvK-nummer" },
        { kind: "text", path: "btwNummer", label: "Btw-nummer" },
        { kind: "text", path: "iban", label: "IBAN" },
        { kind: "text", path: "bic", label: "BIC" },
        { kind: "number", integer: true, path: "krediettermijn", label: "Krediettermijn (dagen)" },
        { kind: "select", path: "incassoSoort", label: "Incassosoort", options: enumOptions(c.state.spec, SCHEMA.relatieWrite, "incassoSoort") },
      ],
    },
    { legend: "Memo", fields: [{ kind: "textarea", path: "memo", label: "Memo" }] },
  ];
}

const machtigingGroups: FieldGroup[] = [
  {
    legend: "Nieuwe doorlopende incassomachtiging",
    fields: [
      { kind: "text", path: "kenmerk", label: "Kenmerk" },
      { kind: "text", path: "omschrijving", label: "Omschrijving" },
      { kind: "date", path: "afsluitDatum", label: "Afsluitdatum" },
    ],
  },
];

const soortLabel = (r: Relatie) => r.relatiesoort.join(", ");
const plaatsOf = (r: Relatie) => {
  const a = r.vestigingsAdres;
  return a && typeof a === "object" && !Array.isArray(a) ? String(a.plaats ?? "") : "";
};

export function relatieLink(c: UiContext, id: unknown): Html {
  const r = typeof id === "string" ? c.adm.relaties.get(id) : undefined;
  if (!r) return html`${String(id ?? "")}`;
  return html`<a href="${href(c.adm, `/relaties/${r.id}`)}">${r.relatiecode} — ${r.naam}</a>`;
}

export function relatiesList(c: UiContext): UiResult {
  const soort = c.url.searchParams.get("soort") ?? "";
  const zoek = (c.url.searchParams.get("zoek") ?? "").trim().toLowerCase();
  const all = c.adm.relaties.all();
  const matches = all.filter(
    (r) =>
      (!soort || r.relatiesoort.includes(soort)) &&
      (!zoek || r.naam.toLowerCase().includes(zoek) || String(r.relatiecode) === zoek),
  );
  const { shown: rows } = newestFirst(matches);
  const body = html`<p><a href="${href(c.adm, "/relaties/nieuw")}">Nieuwe relatie</a></p>
<form method="get" action="${UI_ROOT}/relaties">
<input type="hidden" name="administratie" value="${c.adm.id}">
<label for="filter-soort">Soort</label>
<select id="filter-soort" name="soort">
<option value="">Klanten en leveranciers</option>
${RELATIESOORTEN.map((s) => html`<option value="${s}"${s === soort ? html` selected` : ""}>${s}</option>`)}
</select>
<label for="filter-zoek">Naam of relatiecode</label>
<input type="text" id="filter-zoek" name="zoek" value="${c.url.searchParams.get("zoek") ?? ""}">
<button type="submit">Filteren</button>
</form>
<table>
<caption>Relaties, nieuwste eerst${countNote(rows.length, matches.length)}</caption>
<thead><tr><th scope="col">Relatiecode</th><th scope="col">Naam</th><th scope="col">Soort</th><th scope="col">Status</th><th scope="col">Plaats</th><th scope="col">E-mail</th><th scope="col">Gewijzigd</th></tr></thead>
<tbody>
${rows.map(
  (r) => html`<tr>
  <th scope="row">${r.relatiecode}</th>
  <td><a href="${href(c.adm, `/relaties/${r.id}`)}">${r.naam}</a></td>
  <td>${soortLabel(r)}</td>
  <td>${r.nonactief ? html`<span class="nonactief">nonactief</span>` : "actief"}</td>
  <td>${plaatsOf(r)}</td>
  <td>${text(r.email)}</td>
  <td>${r.modifiedOn}</td>
</tr>`,
)}
${rows.length === 0 ? html`<tr><td colspan="7">Geen relaties.</td></tr>` : ""}
</tbody>
</table>`;
  return { status: 200, page: layout(c, "relaties", "Relaties", body) };
}

export function relatieNew(c: UiContext, draft: JsonObject = { relatiesoort: ["Klant"] }, errors: ApiError[] = []): UiResult {
  const body = html`${errorSummary(errors)}
${editForm({ id: "relatie", action: href(c.adm, "/relaties"), groups: relatieGroups(c), values: draft, errors, submit: "Relatie aanmaken" })}`;
  return { status: errors.length ? 400 : 200, page: layout(c, "relaties", "Nieuwe relatie", body) };
}

/** What was posted and refused, to show again with the reasons next to its fields. */
interface Refused {
  errors: ApiError[];
  /** the relatie as the edit form posted it */
  relatie?: JsonObject;
  /** the new incassomachtiging as posted */
  machtiging?: JsonObject;
}

export function relatieShow(c: UiContext, id: string, refused?: Refused): UiResult {
  const errors = refused?.errors ?? [];
  const { adm } = c;
  const r = adm.relaties.get(id);
  if (!r) return notFoundPage(c, "relaties", `Relatie ${id}`);
  const self = `/relaties/${r.id}`;
  const documenten = adm.documentsOf(r.id);
  const boekingen = adm.verkoopboekingen.all().filter((b) => b.klant.id === r.id);
  const orders = adm.verkooporders.all().filter((o) => refIdOf(o.relatie) === r.id);
  const machtigingen = adm.doorlopendeIncassoMachtigingen.all().filter((m) => refIdOf(m.klant) === r.id);
  const factuurOf = (boekingId: string) => {
    const fid = adm.factuurByBoeking.get(boekingId);
    return fid ? adm.verkoopfacturen.get(fid) : undefined;
  };

  const body = html`${errorSummary(errors)}
<dl>
<dt>Relatiecode</dt><dd>${r.relatiecode}</dd>
<dt>Soort</dt><dd>${soortLabel(r)}</dd>
<dt>Status</dt><dd>${r.nonactief ? html`<span class="nonactief">nonactief</span>` : "actief"}</dd>
<dt>Gewijzigd (modifiedOn)</dt><dd>${r.modifiedOn}</dd>
<dt>Id</dt><dd>${r.id}</dd>
</dl>
<div class="acties">
${r.nonactief
  ? actionButton(href(adm, `${self}/nonactief`), "Activeren", { nonactief: "false" })
  : actionButton(href(adm, `${self}/nonactief`), "Deactiveren", { nonactief: "true" })}
${actionButton(href(adm, `${self}/verwijderen`), "Relatie verwijderen")}
</div>
<h2>Gegevens</h2>
${editForm({ id: "relatie", action: href(adm, self), groups: relatieGroups(c), values: refused?.relatie ?? r, errors: refused?.relatie ? errors : [], submit: "Opslaan" })}

${documentTable("Documenten (relatie documenten)", documenten)}

<table>
<caption>Verkoopboekingen${countNote(boekingen.length, boekingen.length)}</caption>
<thead><tr><th scope="col">Factuurnummer</th><th scope="col">Factuurdatum</th><th scope="col" class="num">Bedrag</th><th scope="col" class="num">Openstaand saldo</th></tr></thead>
<tbody>
${boekingen.map(
  (b) => html`<tr><th scope="row"><a href="${href(adm, `/verkoopboekingen/${b.id}`)}">${b.factuurnummer}</a></th><td>${day(b.factuurdatum)}</td><td class="num">${eur(b.factuurbedrag)}</td><td class="num">${eur(factuurOf(b.id)?.openstaandSaldo)}</td></tr>`,
)}
${boekingen.length === 0 ? html`<tr><td colspan="4">Geen verkoopboekingen.</td></tr>` : ""}
</tbody>
</table>

<table>
<caption>Verkooporders${countNote(orders.length, orders.length)}</caption>
<thead><tr><th scope="col">Nummer</th><th scope="col">Datum</th><th scope="col">Processtatus</th><th scope="col" class="num">Totaal incl. btw</th></tr></thead>
<tbody>
${orders.map(
  (o) => html`<tr><th scope="row"><a href="${href(adm, `/verkooporders/${o.id}`)}">${o.nummer}</a></th><td>${day(o.datum)}</td><td>${text(o.procesStatus)}</td><td class="num">${eur(o.totaalInclusiefBtw)}</td></tr>`,
)}
${orders.length === 0 ? html`<tr><td colspan="4">Geen verkooporders.</td></tr>` : ""}
</tbody>
</table>

<table>
<caption>Doorlopende incassomachtigingen${countNote(machtigingen.length, machtigingen.length)}</caption>
<thead><tr><th scope="col">Kenmerk</th><th scope="col">Omschrijving</th><th scope="col">Afgesloten</th><th scope="col">Ingetrokken</th><th scope="col">Actie</th></tr></thead>
<tbody>
${machtigingen.map(
  (m) => html`<tr><th scope="row">${text(m.kenmerk)}</th><td>${text(m.omschrijving)}</td><td>${day(m.afsluitDatum)}</td><td>${day(m.intrekkingsDatum) || "actief"}</td><td>${
    typeof m.intrekkingsDatum === "string"
      ? ""
      : actionButton(href(adm, `${self}/incassomachtigingen/${m.id}/intrekken`), "Intrekken", {}, `Machtiging ${text(m.kenmerk)} intrekken`)
  }</td></tr>`,
)}
${machtigingen.length === 0 ? html`<tr><td colspan="5">Geen incassomachtigingen.</td></tr>` : ""}
</tbody>
</table>
${editForm({
  id: "machtiging",
  action: href(adm, `${self}/incassomachtigingen`),
  groups: machtigingGroups,
  values: refused?.machtiging ?? {},
  errors: refused?.machtiging ? errors : [],
  submit: "Machtiging toevoegen",
})}`;
  return {
    status: errors.length ? 400 : 200,
    page: layout(c, "relaties", `Relatie ${r.relatiecode} — ${r.naam}`, body),
  };
}

export const {
  create: relatieCreate,
  save: relatieSave,
  setNonactief: relatieSetNonactief,
  remove: relatieDelete,
} = recordWrites({
  section: "relaties",
  label: "Relatie",
  flag: "nonactief",
  find: (c, id) => c.adm.relaties.get(id),
  groups: relatieGroups,
  newPage: relatieNew,
  showPage: (c, id, errors, relatie) => relatieShow(c, id, { errors, relatie }),
});

export function machtigingCreate(c: UiContext, relatieId: string): UiResult {
  const input = applyForm({}, machtigingGroups, c.form);
  const out = createIncassomachtiging(domainCtx(c), relatieId, input);
  if (!out.ok) return out.status === 404 ? notFoundPage(c, "relaties", `Relatie ${relatieId}`) : relatieShow(c, relatieId, { errors: reasons(out), machtiging: input });
  return { redirect: href(c.adm, `/relaties/${relatieId}`, { melding: "machtiging" }) };
}

export function machtigingIntrekken(c: UiContext, relatieId: string, machtigingId: string): UiResult {
  const m = c.adm.doorlopendeIncassoMachtigingen.get(machtigingId);
  if (!m || refIdOf(m.klant) !== relatieId.toLowerCase())
    return notFoundPage(c, "relaties", `Incassomachtiging ${machtigingId}`);
  const out = trekIncassomachtigingIn(domainCtx(c), m.id);
  if (!out.ok) return relatieShow(c, relatieId, { errors: reasons(out) });
  return { redirect: href(c.adm, `/relaties/${relatieId}`, { melding: "ingetrokken" }) };
}
