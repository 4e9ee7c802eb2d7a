/**
 * Verkooporders: list and show (relatie, regels, processtatus, sjabloon,
 * totals, documents) and change the processtatus; the
 * verkoopordersjablonen the koppeling lets one choose from.
 */
import { SCHEMA } from "../domain";
import type { ApiError, JsonObject } from "../types";
import { enumOptions } from "./form";
import { html } from "../../../shared/html";
import { newestFirst, text, type UiResult } from "../../../shared/ui-layout";
import { countNote, day, documentTable, errorSummary, eur, href, layout, notFoundPage, refIdOf, type UiContext } from "./layout";
import { relatieLink } from "./relaties";
import { apiWrite, reasons } from "./write";


export function verkoopordersList(c: UiContext): UiResult {
  const { adm } = c;
  const all = adm.verkooporders.all();
  const { shown: rows } = newestFirst(all);
  const sjablonen = adm.verkoopordersjablonen.all();
  const body = html`<table>
<caption>Verkooporders, nieuwste eerst${countNote(rows.length, all.length)}</caption>
<thead><tr><th scope="col">Nummer</th><th scope="col">Datum</th><th scope="col">Relatie</th><th scope="col">Omschrijving</th><th scope="col">Processtatus</th><th scope="col">Orderstatus</th><th scope="col" class="num">Totaal excl. btw</th><th scope="col" class="num">Totaal incl. btw</th><th scope="col">Gewijzigd</th></tr></thead>
<tbody>
${rows.map(
  (o) => html`<tr>
  <th scope="row"><a href="${href(adm, `/verkooporders/${o.id}`)}">${o.nummer}</a></th>
  <td>${day(o.datum)}</td>
  <td>${relatieLink(c, refIdOf(o.relatie))}</td>
  <td>${text(o.omschrijving)}</td>
  <td>${text(o.procesStatus)}</td>
  <td>${text(o.verkoopOrderStatus)}</td>
  <td class="num">${eur(o.totaalExclusiefBtw)}</td>
  <td class="num">${eur(o.totaalInclusiefBtw)}</td>
  <td>${o.modifiedOn}</td>
</tr>`,
)}
${rows.length === 0 ? html`<tr><td colspan="9">Nog geen verkooporders.</td></tr>` : ""}
</tbody>
</table>
<table>
<caption>Verkoopordersjablonen${countNote(sjablonen.length, sjablonen.length)}</caption>
<thead><tr><th scope="col">Omschrijving</th><th scope="col">Status</th><th scope="col">Prijzen exclusief btw</th><th scope="col">Nieuwe orders blokkeren</th><th scope="col">Id</th></tr></thead>
<tbody>
${sjablonen.map(
  (s) => html`<tr><th scope="row">${text(s.omschrijving)}</th><td>${s.nonactief ? html`<span class="nonactief">nonactief</span>` : "actief"}</td><td>${s.prijsIngaveExclusiefBtw ? "ja" : "nee"}</td><td>${s.nieuweOrdersBlokkeren ? "ja" : "nee"}</td><td>${s.id}</td></tr>`,
)}
</tbody>
</table>`;
  return { status: 200, page: layout(c, "verkooporders", "Verkooporders", body) };
}

export function verkooporderShow(c: UiContext, id: string, errors: ApiError[] = []): UiResult {
  const { adm } = c;
  const o = adm.verkooporders.get(id);
  if (!o) return notFoundPage(c, "verkooporders", `Verkooporder ${id}`);
  const relatieId = refIdOf(o.relatie);
  const sjabloon = adm.verkoopordersjablonen.get(refIdOf(o.verkoopordersjabloon));
  const machtiging = adm.doorlopendeIncassoMachtigingen.get(refIdOf(o.incassomachtiging));
  const factuur = adm.verkoopfacturen.get(refIdOf(o.verkoopfactuur));
  const regels = Array.isArray(o.regels) ? (o.regels as JsonObject[]) : [];
  const documenten = adm.documentsOf(relatieId);
  const statussen = enumOptions(c.state.spec, SCHEMA.verkooporder, "procesStatus");
  const body = html`${errorSummary(errors)}
<dl>
<dt>Nummer</dt><dd>${o.nummer}</dd>
<dt>Datum</dt><dd>${day(o.datum)}</dd>
<dt>Relatie</dt><dd>${relatieLink(c, relatieId)}</dd>
<dt>Omschrijving</dt><dd>${text(o.omschrijving)}</dd>
<dt>Processtatus</dt><dd>${text(o.procesStatus)}</dd>
<dt>Orderstatus</dt><dd>${text(o.verkoopOrderStatus)}</dd>
<dt>Sjabloon</dt><dd>${sjabloon ? text(sjabloon.omschrijving) : text(refIdOf(o.verkoopordersjabloon))}</dd>
<dt>Incassomachtiging</dt><dd>${machtiging ? text(machtiging.kenmerk) : ""}</dd>
<dt>Prijzen</dt><dd>${text(o.verkooporderBtwIngaveModel)} btw</dd>
<dt>Krediettermijn</dt><dd>${text(o.krediettermijn)}</dd>
<dt>Orderreferentie</dt><dd>${text(o.orderreferentie)}</dd>
<dt>Memo</dt><dd>${text(o.memo)}</dd>
<dt>Verkoopfactuur</dt><dd>${factuur ? html`<a href="${href(adm, `/verkoopboekingen/${factuur.verkoopBoeking.id}`)}">${factuur.factuurnummer}</a>` : ""}</dd>
<dt>Totaal exclusief btw</dt><dd>${eur(o.totaalExclusiefBtw)}</dd>
<dt>Totaal inclusief btw</dt><dd>${eur(o.totaalInclusiefBtw)}</dd>
<dt>Gewijzigd (modifiedOn)</dt><dd>${o.modifiedOn}</dd>
<dt>Id</dt><dd>${o.id}</dd>
</dl>
<form method="post" action="${href(adm, `/verkooporders/${o.id}/processtatus`)}">
<label for="procesStatus">Processtatus</label>
<select id="procesStatus" name="procesStatus">
${statussen.map((s) => html`<option value="${s.value}"${s.value === o.procesStatus ? html` selected` : ""}>${s.label}</option>`)}
</select>
<button type="submit">Processtatus wijzigen</button>
</form>
<table>
<caption>Regels${countNote(regels.length, regels.length)}</caption>
<thead><tr><th scope="col">Artikel</th><th scope="col">Omschrijving</th><th scope="col" class="num">Aantal</th><th scope="col" class="num">Stuksprijs</th><th scope="col" class="num">Korting %</th><th scope="col" class="num">Totaal</th></tr></thead>
<tbody>
${regels.map((r) => {
  const art = adm.artikelen.get(refIdOf(r.artikel));
  return html`<tr><th scope="row">${art ? html`<a href="${href(adm, `/artikelen/${art.id}`)}">${art.artikelcode}</a>` : ""}</th><td>${text(r.omschrijving)}</td><td class="num">${text(r.aantal)}</td><td class="num">${eur(r.stuksprijs)}</td><td class="num">${text(r.kortingsPercentage)}</td><td class="num">${eur(r.totaal)}</td></tr>`;
})}
${regels.length === 0 ? html`<tr><td colspan="6">Geen regels.</td></tr>` : ""}
</tbody>
</table>
${documentTable("Documenten op de relatiekaart", documenten)}
<p><small>SnelStart bewaart documenten alleen bij boekingen en relaties (documenttype Verkoopboekingen, Inkoopboekingen of Relaties); een orderdocument staat op de relatiekaart.</small></p>`;
  return {
    status: errors.length ? 400 : 200,
    page: layout(c, "verkooporders", `Verkooporder ${o.nummer}`, body),
  };
}

export function verkooporderSetProcesStatus(c: UiContext, id: string): UiResult {
  const o = c.adm.verkooporders.get(id);
  if (!o) return notFoundPage(c, "verkooporders", `Verkooporder ${id}`);
  const out = apiWrite(c, "PUT", `/v2/verkooporders/${o.id}/ProcesStatus`, {
    id: o.id,
    procesStatus: c.form.get("procesStatus") ?? "",
  });
  if (!out.ok) return verkooporderShow(c, id, reasons(out));
  return { redirect: href(c.adm, `/verkooporders/${o.id}`, { melding: "processtatus" }) };
}
