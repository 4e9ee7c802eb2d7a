/**
 * The frame every bookkeeper page shares: client switch, section nav,
 * status and error messages, and small formatters.
 */
import type { Ctx } from "../dto";
import type { SimulatorState } from "../simulator";
import type { Client } from "../store";
import type { JsonValue, Reason } from "../types";
import { html, type Html } from "../../../shared/html";

export const UI_ROOT = "/__admin/ui";

export interface UiContext {
  state: SimulatorState;
  client: Client;
  url: URL;
  /** the posted form; empty on GET */
  form: URLSearchParams;
}

export type UiResult = { status: number; page: Html } | { redirect: string };

export type Section = "invoices" | "orders" | "customers" | "suppliers" | "products";

const SECTIONS: ReadonlyArray<{ key: Section; label: string; path: string }> = [
  { key: "invoices", label: "Outgoing invoices (Utgående fakturaer)", path: "" },
  { key: "orders", label: "Sales orders (Salgsordrer)", path: "/sales-orders" },
  { key: "customers", label: "Customers (Kunder)", path: "/customers" },
  { key: "suppliers", label: "Suppliers (Leverandører)", path: "/suppliers" },
  { key: "products", label: "Products (Produkter)", path: "/products" },
];

/** What a redirect after a successful post tells the bookkeeper (`?notice=`). */
const NOTICES: Record<string, string> = {
  paid: "Payment registered.",
  sent: "Sales order sent as an invoice.",
  saved: "Changes saved.",
  deactivated: "Deactivated.",
  activated: "Active again.",
  archived: "Product archived.",
  restored: "Product restored.",
};

/** A page URL for the client; every link and form action carries it. */
export function href(client: Client, path: string, params: Record<string, string> = {}): string {
  return `${UI_ROOT}${path}?${new URLSearchParams({ client: client.id, ...params })}`;
}

export function domainCtx(c: UiContext): Ctx {
  return { client: c.client, spec: c.state.spec, settings: c.state.settings };
}

/** Lists show at most this many rows (the newest first). */
const MAX_ROWS = 200;

export function newestFirst<T>(rows: Iterable<T>): { shown: T[]; total: number } {
  const all = [...rows];
  return { shown: all.slice(-MAX_ROWS).reverse(), total: all.length };
}

export const caption = (label: string, shown: number, total: number) => html`<caption>${label} (${shown < total ? `${shown} of ${total}` : total})</caption>`;

export const text = (v: JsonValue | undefined) => (v === undefined || v === null ? "" : String(v));
export const nok = (v: JsonValue | undefined) =>
  typeof v === "number" ? v.toLocaleString("nb-NO", { style: "currency", currency: "NOK" }) : "";
/** A timestamp as date and time (UTC), as the bookkeeper reads it. */
export const when = (v: JsonValue | undefined) => (typeof v === "string" ? `${v.slice(0, 10)} ${v.slice(11, 19)}` : "");

export function errorSummary(reasons: readonly Reason[], message?: string): Html {
  if (reasons.length === 0 && !message) return html``;
  return html`<div class="errors" role="alert">
<p>PowerOffice refused the change${message && reasons.length === 0 ? html`: ${message}` : ":"}</p>
${reasons.length > 0 ? html`<ul>${reasons.map((r) => html`<li>${r.field}: ${r.message}</li>`)}</ul>` : ""}
</div>`;
}

/** A small form with one button that posts (hidden fields as given). */
export function actionButton(action: string, label: string, hidden: Record<string, string>, ariaLabel: string): Html {
  return html`<form method="post" action="${action}" class="inline">${Object.entries(hidden).map(
    ([k, v]) => html`<input type="hidden" name="${k}" value="${v}">`,
  )}<button type="submit" aria-label="${ariaLabel}">${label}</button></form>`;
}

export function layout(c: UiContext, section: Section, title: string, body: Html): Html {
  const { state, client, url } = c;
  const notice = NOTICES[url.searchParams.get("notice") ?? ""];
  const here = SECTIONS.find((s) => s.key === section)!;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} — ${client.info.name} — PowerOffice Go simulator</title>
<style>
  body { font-family: system-ui, sans-serif; margin: 1.5rem; color: #1a1a1a; max-width: 80rem; }
  table { border-collapse: collapse; margin-bottom: 2rem; width: 100%; }
  caption { text-align: left; font-weight: 600; font-size: 1.15rem; padding: .5rem 0; }
  th, td { border-bottom: 1px solid #ccc; padding: .35rem .5rem; text-align: left; vertical-align: top; }
  td.num { text-align: right; white-space: nowrap; }
  form.inline { display: inline; }
  fieldset { margin: 0 0 1rem; border: 1px solid #bbb; }
  .field { margin: .4rem 0; }
  .field label { display: inline-block; min-width: 12rem; }
  dl { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; }
  dt { font-weight: 600; }
  .status { background: #e6f4ea; border: 1px solid #05620f; padding: .5rem; }
  .errors, .error { color: #a00000; }
  .errors { border: 1px solid #a00000; padding: .5rem; }
  nav ul { list-style: none; padding: 0; display: flex; gap: 1rem; flex-wrap: wrap; }
  [aria-current] { font-weight: 700; }
</style>
</head>
<body>
<header>
<p>PowerOffice Go simulator — bookkeeper (regnskapsfører)</p>
<nav aria-label="Clients"><ul>${[...state.clients.values()].map(
    (cl) =>
      html`<li><a href="${href(cl, here.path)}"${cl === client ? html` aria-current="true"` : ""}>${cl.info.name}</a>${
        cl.info.environment === "demo" ? " (demo)" : ""
      }</li>`,
  )}</ul></nav>
<nav aria-label="Sections"><ul>${SECTIONS.map(
    (s) => html`<li><a href="${href(client, s.path)}"${s.key === section ? html` aria-current="page"` : ""}>${s.label}</a></li>`,
  )}</ul></nav>
</header>
<main>
<h1>${title}</h1>
${notice ? html`<p class="status" role="status">${notice}</p>` : ""}
${body}
</main>
</body>
</html>`;
}

export function notFoundPage(c: UiContext, section: Section, what: string): UiResult {
  return { status: 404, page: layout(c, section, "Not found", html`<p>${what} does not exist (any more) in ${c.client.info.name}.</p>`) };
}
