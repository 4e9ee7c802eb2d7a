/**
 * The frame every bookkeeper page shares: administratie switch, section nav,
 * status messages and error summaries, and small formatters.
 */
import type { ApiError, StoredDocument } from "../types";
import type { Administratie } from "../store";
import type { SimulatorState } from "../simulator";
import { html, type Html } from "../../../shared/html";

export interface UiContext {
  state: SimulatorState;
  adm: Administratie;
  url: URL;
  /** the posted form; empty on GET */
  form: URLSearchParams;
}

export type UiResult = { status: number; page: Html } | { redirect: string };

export const UI_ROOT = "/__admin/ui";

export type Section = "boekingen" | "relaties" | "artikelen" | "verkooporders";

const SECTIONS: ReadonlyArray<{ key: Section; label: string; path: string }> = [
  { key: "boekingen", label: "Verkoopboekingen", path: "" },
  { key: "relaties", label: "Relaties", path: "/relaties" },
  { key: "artikelen", label: "Artikelen", path: "/artikelen" },
  { key: "verkooporders", label: "Verkooporders", path: "/verkooporders" },
];

/** What a redirect after a successful post tells the bookkeeper (`?melding=`). */
const MELDINGEN: Record<string, string> = {
  aangemaakt: "Aangemaakt.",
  opgeslagen: "Wijzigingen opgeslagen.",
  gedeactiveerd: "Gedeactiveerd (nonactief).",
  geactiveerd: "Weer actief.",
  verwijderd: "Verwijderd.",
  betaald: "Betaling geregistreerd.",
  processtatus: "Processtatus gewijzigd.",
  machtiging: "Incassomachtiging toegevoegd.",
  ingetrokken: "Incassomachtiging ingetrokken.",
};

/** A page URL inside the administratie; every link and form action carries it. */
export function href(adm: Administratie, path: string, params: Record<string, string> = {}): string {
  const q = new URLSearchParams({ administratie: adm.id, ...params });
  return `${UI_ROOT}${path}?${q}`;
}

/** Lists show the newest rows first, at most this many. */
export const MAX_ROWS = 200;

export function countNote(shown: number, total: number): string {
  return shown < total ? ` (${shown} van ${total})` : ` (${total})`;
}

/** The id of an `{id, uri}` reference, "" without one. */
export const refIdOf = (v: unknown) => (v && typeof v === "object" && "id" in v ? String(v.id) : "");
/** A stored value as text, "" when absent. */
export const text = (v: unknown) => (v === undefined || v === null ? "" : String(v));

export const eur = (n: unknown) =>
  typeof n === "number" ? n.toLocaleString("nl-NL", { style: "currency", currency: "EUR" }) : "";
export const day = (s: unknown) => (typeof s === "string" ? s.slice(0, 10) : "");

export function errorSummary(errors: readonly ApiError[]): Html {
  if (errors.length === 0) return html``;
  return html`<div class="fouten" role="alert">
<p>SnelStart heeft de wijziging geweigerd:</p>
<ul>${errors.map((e) => html`<li>${e.kenmerk}: ${e.message}</li>`)}</ul>
</div>`;
}

/** Where a document's bytes are served (`GET /__admin/documenten/{id}`). */
export const documentHref = (id: string) => `/__admin/documenten/${id}`;

/** Documents of a boeking or relatie, each a link to download it. */
export function documentTable(caption: string, docs: readonly StoredDocument[]): Html {
  return html`<table>
<caption>${caption}${countNote(docs.length, docs.length)}</caption>
<thead><tr><th scope="col">Bestand</th><th scope="col">Alleen lezen</th><th scope="col">Toegevoegd</th></tr></thead>
<tbody>
${docs.map(
  (d) => html`<tr><th scope="row"><a href="${documentHref(d.id)}">${d.fileName}</a></th><td>${d.readOnly ? "ja" : "nee"}</td><td>${d.createdOn}</td></tr>`,
)}
${docs.length === 0 ? html`<tr><td colspan="3">Geen documenten.</td></tr>` : ""}
</tbody>
</table>`;
}

/** A small form with one button that posts (hidden fields as given). */
export function actionButton(action: string, label: string, hidden: Record<string, string> = {}, aria?: string): Html {
  return html`<form method="post" action="${action}" class="inline">${Object.entries(hidden).map(
    ([k, v]) => html`<input type="hidden" name="${k}" value="${v}">`,
  )}<button type="submit"${aria ? html` aria-label="${aria}"` : ""}>${label}</button></form>`;
}

export function layout(c: UiContext, section: Section, title: string, body: Html): Html {
  const { state, adm, url } = c;
  const refresh = Number(url.searchParams.get("refresh") ?? "0");
  const melding = MELDINGEN[url.searchParams.get("melding") ?? ""];
  const here = SECTIONS.find((s) => s.key === section)!;
  const toggle = new URL(url.toString());
  if (refresh > 0) toggle.searchParams.delete("refresh");
  else toggle.searchParams.set("refresh", "5");
  toggle.searchParams.delete("melding");
  return html`<!doctype html>
<html lang="nl">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
${refresh > 0 ? html`<meta http-equiv="refresh" content="${Math.max(1, Math.floor(refresh))}">` : ""}
<title>${title} — ${adm.naam} — SnelStart-simulator</title>
<style>
  body { font-family: system-ui, sans-serif; margin: 1.5rem; color: #1a1a1a; max-width: 80rem; }
  table { border-collapse: collapse; margin-bottom: 2rem; width: 100%; }
  caption { text-align: left; font-weight: 600; font-size: 1.15rem; padding: .5rem 0; }
  th, td { border-bottom: 1px solid #ccc; padding: .35rem .5rem; text-align: left; vertical-align: top; }
  td.num, th.num { text-align: right; }
  button { padding: .3rem .7rem; }
  form.inline { display: inline; }
  fieldset { margin: 0 0 1rem; border: 1px solid #bbb; }
  .veld { margin: .4rem 0; }
  .veld label { display: inline-block; min-width: 14rem; }
  .veld input[type=text], .veld select, .veld textarea { min-width: 20rem; }
  dl { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; }
  dt { font-weight: 600; }
  .paid { color: #05620f; font-weight: 600; }
  .nonactief { color: #8a4b00; font-weight: 600; }
  .status { background: #e6f4ea; border: 1px solid #05620f; padding: .5rem; }
  .fouten, .fout { color: #a00000; }
  .fouten { border: 1px solid #a00000; padding: .5rem; }
  nav ul { list-style: none; padding: 0; display: flex; gap: 1rem; flex-wrap: wrap; }
  [aria-current] { font-weight: 700; }
</style>
</head>
<body>
<header>
<p>SnelStart-simulator — boekhouder</p>
<nav aria-label="Administraties"><ul>${[...state.administraties.values()].map(
    (a) =>
      html`<li><a href="${href(a, here.path)}"${a === adm ? html` aria-current="true"` : ""}>${a.naam}</a> (${a.pakket})</li>`,
  )}</ul></nav>
<nav aria-label="Onderdelen"><ul>${SECTIONS.map(
    (s) => html`<li><a href="${href(adm, s.path)}"${s.key === section ? html` aria-current="page"` : ""}>${s.label}</a></li>`,
  )}</ul></nav>
<p><a href="${toggle.pathname + toggle.search}">${refresh > 0 ? "Automatisch verversen uitzetten" : "Elke 5 seconden verversen"}</a></p>
</header>
<main>
<h1>${title}</h1>
${melding ? html`<p class="status" role="status">${melding}</p>` : ""}
${body}
</main>
</body>
</html>`;
}

export function notFoundPage(c: UiContext, section: Section, what: string): UiResult {
  return {
    status: 404,
    page: layout(c, section, "Niet gevonden", html`<p>${what} bestaat niet (meer) in ${c.adm.naam}.</p>`),
  };
}
