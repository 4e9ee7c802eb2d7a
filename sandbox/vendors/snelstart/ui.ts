/**
 * The bookkeeper page (`GET /__admin/ui`): verkoopfacturen with a
 * "Markeer betaald" button, relaties and verkoopboekingen with their
 * documents. Plain HTML, no scripts.
 */
import { escapeHtml as h } from "./http";
import type { Administratie } from "./store";
import type { SimulatorState } from "./simulator";

const MAX_ROWS = 200;

const eur = (n: unknown) =>
  typeof n === "number" ? n.toLocaleString("nl-NL", { style: "currency", currency: "EUR" }) : "";
const day = (s: unknown) => (typeof s === "string" ? s.slice(0, 10) : "");

export function renderUi(state: SimulatorState, adm: Administratie | undefined, url: URL): string {
  const refresh = Number(url.searchParams.get("refresh") ?? "0");
  const betaald = url.searchParams.get("betaald");
  const nav = [...state.administraties.values()]
    .map(
      (a) =>
        `<li><a href="/__admin/ui?administratie=${encodeURIComponent(a.id)}"${a === adm ? ' aria-current="page"' : ""}>${h(a.naam)}</a> (${h(a.pakket)})</li>`,
    )
    .join("");
  const body = adm ? administratie(adm) : "<p>Geen administraties.</p>";
  return `<!doctype html>
<html lang="nl">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
${refresh > 0 ? `<meta http-equiv="refresh" content="${Math.max(1, Math.floor(refresh))}">` : ""}
<title>SnelStart-simulator${adm ? ` — ${h(adm.naam)}` : ""}</title>
<style>
  body { font-family: system-ui, sans-serif; margin: 1.5rem; color: #1a1a1a; }
  table { border-collapse: collapse; margin-bottom: 2rem; width: 100%; }
  caption { text-align: left; font-weight: 600; font-size: 1.15rem; padding: .5rem 0; }
  th, td { border-bottom: 1px solid #ccc; padding: .35rem .5rem; text-align: left; vertical-align: top; }
  td.num, th.num { text-align: right; }
  button { padding: .3rem .7rem; }
  .paid { color: #05620f; font-weight: 600; }
  .status { background: #e6f4ea; border: 1px solid #05620f; padding: .5rem; }
  nav ul { list-style: none; padding: 0; display: flex; gap: 1rem; flex-wrap: wrap; }
</style>
</head>
<body>
<header>
<h1>SnelStart-simulator — boekhouder</h1>
<nav aria-label="Administraties"><ul>${nav}</ul></nav>
<p><a href="${h(withParam(url, "refresh", refresh > 0 ? "" : "5"))}">${refresh > 0 ? "Automatisch verversen uitzetten" : "Elke 5 seconden verversen"}</a></p>
</header>
<main>
${betaald ? `<p class="status" role="status">Factuur ${h(betaald)} is als betaald gemarkeerd.</p>` : ""}
${body}
</main>
</body>
</html>`;
}

function withParam(url: URL, key: string, value: string): string {
  const u = new URL(url.toString());
  if (value) u.searchParams.set(key, value);
  else u.searchParams.delete(key);
  u.searchParams.delete("betaald");
  return u.pathname + u.search;
}

function administratie(adm: Administratie): string {
  const naamVan = (id: unknown) => {
    const r = typeof id === "string" ? adm.relaties.get(id) : undefined;
    return r ? `${r.relatiecode} — ${r.naam}` : String(id ?? "");
  };
  const facturen = adm.verkoopfacturen.all().slice(-MAX_ROWS).reverse();
  const factuurRows = facturen
    .map((f) => {
      const open = f.openstaandSaldo > 0;
      const action = open
        ? `<form method="post" action="/__admin/verkoopfacturen/${h(f.id)}/betaald">
             <button type="submit" aria-label="Markeer factuur ${h(f.factuurnummer)} als betaald">Markeer betaald</button>
           </form>`
        : `<span class="paid">Betaald</span>`;
      return `<tr>
  <th scope="row">${h(f.factuurnummer)}</th>
  <td>${h(naamVan(f.relatie.id))}</td>
  <td>${h(day(f.factuurDatum))}</td>
  <td>${h(day(f.vervalDatum))}</td>
  <td class="num">${h(eur(f.factuurBedrag))}</td>
  <td class="num">${h(eur(f.openstaandSaldo))}</td>
  <td>${h(f.modifiedOn)}</td>
  <td>${action}</td>
</tr>`;
    })
    .join("\n");

  const boekingen = adm.verkoopboekingen.all().slice(-MAX_ROWS).reverse();
  const boekingRows = boekingen
    .map((b) => {
      const docs = adm.documentsOf(b.id);
      const docList = docs.length
        ? `<ul>${docs
            .map((d) => `<li><a href="/__admin/documenten/${h(d.id)}">${h(d.fileName)}</a></li>`)
            .join("")}</ul>`
        : "<span>geen</span>";
      return `<tr>
  <th scope="row">${h(b.factuurnummer)}</th>
  <td>${h(naamVan(b.klant.id))}</td>
  <td>${h(day(b.factuurdatum))}</td>
  <td>${h(b.omschrijving ?? "")}</td>
  <td class="num">${h(eur(b.factuurbedrag))}</td>
  <td>${h(b.modifiedOn)}</td>
  <td>${docList}</td>
</tr>`;
    })
    .join("\n");

  const relaties = adm.relaties.all().slice(-MAX_ROWS).reverse();
  const relatieRows = relaties
    .map(
      (r) => `<tr>
  <th scope="row">${h(r.relatiecode)}</th>
  <td>${h(r.naam)}</td>
  <td>${h(r.relatiesoort.join(", "))}</td>
  <td>${r.nonactief ? "nonactief" : "actief"}</td>
  <td>${h(r.email ?? "")}</td>
  <td>${h(r.modifiedOn)}</td>
</tr>`,
    )
    .join("\n");

  const note = (n: number) => (n > MAX_ROWS ? ` (laatste ${MAX_ROWS} van ${n})` : ` (${n})`);
  return `<h2>${h(adm.naam)} <small>(${h(adm.pakket)})</small></h2>
<table>
<caption>Verkoopfacturen${note(adm.verkoopfacturen.size)}</caption>
<thead><tr><th scope="col">Factuurnummer</th><th scope="col">Klant</th><th scope="col">Factuurdatum</th><th scope="col">Vervaldatum</th><th scope="col" class="num">Bedrag</th><th scope="col" class="num">Openstaand saldo</th><th scope="col">Gewijzigd</th><th scope="col">Actie</th></tr></thead>
<tbody>
${factuurRows || '<tr><td colspan="8">Nog geen verkoopfacturen.</td></tr>'}
</tbody>
</table>
<table>
<caption>Verkoopboekingen met documenten${note(adm.verkoopboekingen.size)}</caption>
<thead><tr><th scope="col">Factuurnummer</th><th scope="col">Klant</th><th scope="col">Factuurdatum</th><th scope="col">Omschrijving</th><th scope="col" class="num">Bedrag</th><th scope="col">Gewijzigd</th><th scope="col">Documenten</th></tr></thead>
<tbody>
${boekingRows || '<tr><td colspan="7">Nog geen verkoopboekingen.</td></tr>'}
</tbody>
</table>
<table>
<caption>Relaties, nieuwste eerst${note(adm.relaties.size)}</caption>
<thead><tr><th scope="col">Relatiecode</th><th scope="col">Naam</th><th scope="col">Soort</th><th scope="col">Status</th><th scope="col">E-mail</th><th scope="col">Gewijzigd</th></tr></thead>
<tbody>
${relatieRows || '<tr><td colspan="6">Geen relaties.</td></tr>'}
</tbody>
</table>`;
}
