/**
 * The frame every bookkeeper page shares: administratie switch, section nav,
 * status messages and error summaries, and small formatters.
 */
import type { ApiError, StoredDocument } from "../types";
import type { Administratie } from "../store";
import type { SimulatorState } from "../simulator";
import { html, type Html } from "../../../shared/html";
import { pageFrame, uiHref, type UiResult } from "../../../shared/ui-layout";

export interface UiContext {
  state: SimulatorState;
  adm: Administratie;
  url: URL;
  /** the posted form; empty on GET */
  form: URLSearchParams;
}

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
  return uiHref(path, { administratie: adm.id, ...params });
}

export function countNote(shown: number, total: number): string {
  return shown < total ? ` (${shown} van ${total})` : ` (${total})`;
}

/** The id of an `{id, uri}` reference, "" without one. */
export const refIdOf = (v: unknown) => (v && typeof v === "object" && "id" in v ? String(v.id) : "");

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

export function layout(c: UiContext, section: Section, title: string, body: Html): Html {
  const { state, adm, url } = c;
  const refresh = Number(url.searchParams.get("refresh") ?? "0");
  const melding = MELDINGEN[url.searchParams.get("melding") ?? ""];
  const here = SECTIONS.find((s) => s.key === section)!;
  const toggle = new URL(url.toString());
  if (refresh > 0) toggle.searchParams.delete("refresh");
  else toggle.searchParams.set("refresh", "5");
  toggle.searchParams.delete("melding");
  return pageFrame({
    lang: "nl",
    title: `${title} — ${adm.naam} — SnelStart-simulator`,
    heading: title,
    head: refresh > 0 ? html`<meta http-equiv="refresh" content="${Math.max(1, Math.floor(refresh))}">` : undefined,
    css: `  td.num, th.num { text-align: right; }
  button { padding: .3rem .7rem; }
  .veld { margin: .4rem 0; }
  .veld label { display: inline-block; min-width: 14rem; }
  .veld input[type=text], .veld select, .veld textarea { min-width: 20rem; }
  .paid { color: #05620f; font-weight: 600; }
  .nonactief { color: #8a4b00; font-weight: 600; }
  .fouten, .fout { color: #a00000; }
  .fouten { border: 1px solid #a00000; padding: .5rem; }
`,
    banner: "SnelStart-simulator — boekhouder",
    navs: [
      {
        label: "Administraties",
        items: [...state.administraties.values()].map((a) => ({
          href: href(a, here.path),
          label: a.naam,
          current: a === adm ? "true" : undefined,
          after: ` (${a.pakket})`,
        })),
      },
      {
        label: "Onderdelen",
        items: SECTIONS.map((s) => ({ href: href(adm, s.path), label: s.label, current: s.key === section ? "page" : undefined })),
      },
    ],
    headerEnd: html`<p><a href="${toggle.pathname + toggle.search}">${refresh > 0 ? "Automatisch verversen uitzetten" : "Elke 5 seconden verversen"}</a></p>`,
    status: melding,
    body,
  });
}

export function notFoundPage(c: UiContext, section: Section, what: string): UiResult {
  return {
    status: 404,
    page: layout(c, section, "Niet gevonden", html`<p>${what} bestaat niet (meer) in ${c.adm.naam}.</p>`),
  };
}
