/**
 * Verkoopboekingen and their verkoopfacturen (the start page): list, show a
 * boeking with its regels and documents (the attached invoice PDF), and
 * register a payment, in full or in part, which sets `openstaandSaldo`.
 * The payment form posts to `/__admin/verkoopfacturen/{id}/betaald`.
 */
import type { JsonObject } from "../types";
import { html } from "../../../shared/html";
import { newestFirst, text, type UiResult } from "../../../shared/ui-layout";
import { countNote, day, documentHref, documentTable, eur, href, layout, notFoundPage, refIdOf, type UiContext } from "./layout";
import { relatieLink } from "./relaties";


/** The admin hook that registers a payment (also answers JSON, see README). */
const betaaldAction = (factuurId: string) => `/__admin/verkoopfacturen/${factuurId}/betaald`;

export function boekingenList(c: UiContext): UiResult {
  const { adm } = c;
  const { shown: facturen } = newestFirst(adm.verkoopfacturen.all());
  const { shown: boekingen } = newestFirst(adm.verkoopboekingen.all());
  const body = html`<table>
<caption>Verkoopfacturen${countNote(facturen.length, adm.verkoopfacturen.size)}</caption>
<thead><tr><th scope="col">Factuurnummer</th><th scope="col">Klant</th><th scope="col">Factuurdatum</th><th scope="col">Vervaldatum</th><th scope="col" class="num">Bedrag</th><th scope="col" class="num">Openstaand saldo</th><th scope="col">Gewijzigd</th><th scope="col">Actie</th></tr></thead>
<tbody>
${facturen.map(
  (f) => html`<tr>
  <th scope="row"><a href="${href(adm, `/verkoopboekingen/${f.verkoopBoeking.id}`)}">${f.factuurnummer}</a></th>
  <td>${relatieLink(c, f.relatie.id)}</td>
  <td>${day(f.factuurDatum)}</td>
  <td>${day(f.vervalDatum)}</td>
  <td class="num">${eur(f.factuurBedrag)}</td>
  <td class="num">${eur(f.openstaandSaldo)}</td>
  <td>${f.modifiedOn}</td>
  <td>${
    f.openstaandSaldo > 0
      ? html`<form method="post" action="${betaaldAction(f.id)}"><button type="submit" aria-label="Markeer factuur ${f.factuurnummer} als betaald">Markeer betaald</button></form>`
      : html`<span class="paid">Betaald</span>`
  }</td>
</tr>`,
)}
${facturen.length === 0 ? html`<tr><td colspan="8">Nog geen verkoopfacturen.</td></tr>` : ""}
</tbody>
</table>
<table>
<caption>Verkoopboekingen met documenten${countNote(boekingen.length, adm.verkoopboekingen.size)}</caption>
<thead><tr><th scope="col">Factuurnummer</th><th scope="col">Klant</th><th scope="col">Factuurdatum</th><th scope="col">Omschrijving</th><th scope="col" class="num">Bedrag</th><th scope="col">Gewijzigd</th><th scope="col">Documenten</th></tr></thead>
<tbody>
${boekingen.map((b) => {
  const docs = adm.documentsOf(b.id);
  return html`<tr>
  <th scope="row"><a href="${href(adm, `/verkoopboekingen/${b.id}`)}">${b.factuurnummer}</a></th>
  <td>${relatieLink(c, b.klant.id)}</td>
  <td>${day(b.factuurdatum)}</td>
  <td>${text(b.omschrijving)}</td>
  <td class="num">${eur(b.factuurbedrag)}</td>
  <td>${b.modifiedOn}</td>
  <td>${docs.length ? html`<ul>${docs.map((d) => html`<li><a href="${documentHref(d.id)}">${d.fileName}</a></li>`)}</ul>` : "geen"}</td>
</tr>`;
})}
${boekingen.length === 0 ? html`<tr><td colspan="7">Nog geen verkoopboekingen.</td></tr>` : ""}
</tbody>
</table>`;
  return { status: 200, page: layout(c, "boekingen", "Verkoopboekingen", body) };
}

export function boekingShow(c: UiContext, id: string): UiResult {
  const { adm } = c;
  const b = adm.verkoopboekingen.get(id);
  if (!b) return notFoundPage(c, "boekingen", `Verkoopboeking ${id}`);
  const fid = adm.factuurByBoeking.get(b.id);
  const f = fid ? adm.verkoopfacturen.get(fid) : undefined;
  const regels = Array.isArray(b.boekingsregels) ? (b.boekingsregels as JsonObject[]) : [];
  const btw = Array.isArray(b.btw) ? (b.btw as JsonObject[]) : [];
  const docs = adm.documentsOf(b.id);
  const machtiging = adm.doorlopendeIncassoMachtigingen.get(refIdOf(b.doorlopendeIncassoMachtiging));
  const grootboek = (v: unknown) => {
    const g = adm.grootboeken.get(refIdOf(v));
    return g ? `${g.nummer} — ${text(g.omschrijving)}` : refIdOf(v);
  };
  const betalen =
    f && f.openstaandSaldo > 0
      ? html`<form method="post" action="${betaaldAction(f.id)}">
<input type="hidden" name="terug" value="boeking">
<label for="bedrag">Ontvangen bedrag</label>
<input type="text" inputmode="decimal" id="bedrag" name="bedrag" aria-describedby="bedrag-hint">
<small id="bedrag-hint">leeg = het hele openstaande saldo (${eur(f.openstaandSaldo)})</small>
<button type="submit">Betaling registreren</button>
</form>`
      : html`<p class="paid">Betaald</p>`;
  const body = html`<dl>
<dt>Klant</dt><dd>${relatieLink(c, b.klant.id)}</dd>
<dt>Factuurdatum</dt><dd>${day(b.factuurdatum)}</dd>
<dt>Vervaldatum</dt><dd>${day(f?.vervalDatum)}</dd>
<dt>Betalingstermijn</dt><dd>${text(b.betalingstermijn)} dagen</dd>
<dt>Omschrijving</dt><dd>${text(b.omschrijving)}</dd>
<dt>Boekstuk</dt><dd>${text(b.boekstuk)}</dd>
<dt>Incassomachtiging</dt><dd>${machtiging ? text(machtiging.kenmerk) : ""}</dd>
<dt>Factuurbedrag</dt><dd>${eur(b.factuurbedrag)}</dd>
<dt>Openstaand saldo</dt><dd>${eur(f?.openstaandSaldo)}</dd>
<dt>Gewijzigd (modifiedOn)</dt><dd>${b.modifiedOn}</dd>
<dt>Id</dt><dd>${b.id}</dd>
</dl>
<h2>Betaling</h2>
${betalen}
<table>
<caption>Boekingsregels${countNote(regels.length, regels.length)}</caption>
<thead><tr><th scope="col">Omschrijving</th><th scope="col">Grootboek</th><th scope="col">Btw soort</th><th scope="col" class="num">Bedrag</th></tr></thead>
<tbody>
${regels.map(
  (r) => html`<tr><th scope="row">${text(r.omschrijving)}</th><td>${grootboek(r.grootboek)}</td><td>${text(r.btwSoort)}</td><td class="num">${eur(r.bedrag)}</td></tr>`,
)}
</tbody>
</table>
<table>
<caption>Btw${countNote(btw.length, btw.length)}</caption>
<thead><tr><th scope="col">Btw soort</th><th scope="col" class="num">Btw-bedrag</th></tr></thead>
<tbody>
${btw.map((r) => html`<tr><th scope="row">${text(r.btwSoort)}</th><td class="num">${eur(r.btwBedrag)}</td></tr>`)}
${btw.length === 0 ? html`<tr><td colspan="2">Geen btw.</td></tr>` : ""}
</tbody>
</table>
${documentTable("Documenten", docs)}`;
  return { status: 200, page: layout(c, "boekingen", `Verkoopboeking ${b.factuurnummer}`, body) };
}
