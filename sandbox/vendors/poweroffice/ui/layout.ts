/**
 * The frame every bookkeeper page shares: client switch, section nav,
 * status and error messages, and small formatters.
 */
import type { Ctx } from "../dto";
import type { SimulatorState } from "../simulator";
import type { Client } from "../store";
import type { JsonValue, Reason } from "../types";
import { html, type Html } from "../../../shared/html";
import { pageFrame, uiHref, type UiResult } from "../../../shared/ui-layout";

export interface UiContext {
  state: SimulatorState;
  client: Client;
  url: URL;
  /** the posted form; empty on GET */
  form: URLSearchParams;
}

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
  return uiHref(path, { client: client.id, ...params });
}

export function domainCtx(c: UiContext): Ctx {
  return { client: c.client, spec: c.state.spec, settings: c.state.settings };
}

export const caption = (label: string, shown: number, total: number) => html`<caption>${label} (${shown < total ? `${shown} of ${total}` : total})</caption>`;

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

export function layout(c: UiContext, section: Section, title: string, body: Html): Html {
  const { state, client, url } = c;
  const notice = NOTICES[url.searchParams.get("notice") ?? ""];
  const here = SECTIONS.find((s) => s.key === section)!;
  return pageFrame({
    lang: "en",
    title: `${title} — ${client.info.name} — PowerOffice Go simulator`,
    heading: title,
    css: `  td.num { text-align: right; white-space: nowrap; }
  .field { margin: .4rem 0; }
  .field label { display: inline-block; min-width: 12rem; }
  .errors, .error { color: #a00000; }
  .errors { border: 1px solid #a00000; padding: .5rem; }
`,
    banner: "PowerOffice Go simulator — bookkeeper (regnskapsfører)",
    navs: [
      {
        label: "Clients",
        items: [...state.clients.values()].map((cl) => ({
          href: href(cl, here.path),
          label: cl.info.name,
          current: cl === client ? "true" : undefined,
          after: cl.info.environment === "demo" ? " (demo)" : "",
        })),
      },
      {
        label: "Sections",
        items: SECTIONS.map((s) => ({ href: href(client, s.path), label: s.label, current: s.key === section ? "page" : undefined })),
      },
    ],
    status: notice,
    body,
  });
}

export function notFoundPage(c: UiContext, section: Section, what: string): UiResult {
  return { status: 404, page: layout(c, section, "Not found", html`<p>${what} does not exist (any more) in ${c.client.info.name}.</p>`) };
}
