// Server-rendered chrome of the sandbox CRM: top bar, left navigation, helpers.

import type { IncomingMessage, ServerResponse } from "node:http";
import { escapeHtml as esc } from "../../shared/html";
import type { HostState } from "../state";
import type { Tenant, User } from "../store";

export interface UiCtx {
  state: HostState;
  tenant: Tenant;
  user: User;
  locale: "nl" | "fr" | "en";
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  form?: URLSearchParams;
}

export function attrs(a: Record<string, string | number | boolean | null | undefined>): string {
  return Object.entries(a)
    .filter(([, v]) => v !== false && v != null)
    .map(([k, v]) => (v === true ? ` ${k}` : ` ${k}="${esc(v)}"`))
    .join("");
}

let fieldSeq = 0;
const fid = (name: string) => `f-${name.replace(/[^\w-]/g, "_")}-${++fieldSeq}`;

/** A labelled text-like input. */
export function input(label: string, name: string, value: unknown, extra: Record<string, string | number | boolean | null | undefined> = {}): string {
  const id = fid(name);
  return `<div class="field"><label for="${id}">${esc(label)}</label><input${attrs({ id, name, value: value == null ? "" : String(value), type: "text", ...extra })}></div>`;
}

export function checkbox(label: string, name: string, checked: boolean): string {
  const id = fid(name);
  return `<div class="field check"><input${attrs({ id, name, type: "checkbox", value: "on", checked })}><label for="${id}">${esc(label)}</label></div>`;
}

export function select(label: string, name: string, options: { value: string; label: string }[], selected: string | null | undefined, extra: Record<string, string | boolean> = {}): string {
  const id = fid(name);
  const opts = options.map((o) => `<option${attrs({ value: o.value, selected: o.value === (selected ?? "") })}>${esc(o.label)}</option>`).join("");
  return `<div class="field"><label for="${id}">${esc(label)}</label><select${attrs({ id, name, ...extra })}>${opts}</select></div>`;
}

export function button(label: string, extra: Record<string, string> = {}): string {
  return `<button${attrs({ type: "submit", ...extra })}>${esc(label)}</button>`;
}

/** A one-button form posting to `action`. */
export function actionForm(action: string, label: string, cls = ""): string {
  return `<form method="post" action="${esc(action)}" class="inline">${button(label, cls ? { class: cls } : {})}</form>`;
}

export const CSS = `
*{box-sizing:border-box}body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2933;background:#f4f6f8}
a{color:#1d5fbf}header.top{display:flex;align-items:center;gap:16px;height:48px;padding:0 16px;background:#16324f;color:#fff}
header.top .brand{font-weight:700;font-size:16px;letter-spacing:.3px}header.top .tenant{opacity:.85}header.top .spacer{flex:1}
header.top a{color:#cfe0f5}.shell{display:flex;min-height:calc(100vh - 48px)}
nav.side{width:200px;background:#fff;border-right:1px solid #dde3ea;padding:12px 0}nav.side a{display:block;padding:8px 18px;color:#2d3e50;text-decoration:none}
nav.side a[aria-current=page]{background:#e8f0fb;border-left:3px solid #1d5fbf;font-weight:600}main{flex:1;padding:20px 28px;min-width:0}
h1{font-size:20px;margin:0 0 16px}h2{font-size:16px;margin:18px 0 8px}
table{border-collapse:collapse;width:100%;background:#fff;border:1px solid #dde3ea}th,td{text-align:left;padding:7px 10px;border-bottom:1px solid #edf0f3}th{background:#f8fafc;font-weight:600}
td.num,th.num{text-align:right}.field{display:flex;flex-direction:column;margin:0 0 10px;max-width:420px}.field label{font-weight:600;margin-bottom:3px}
.field input,.field select,.field textarea{padding:6px 8px;border:1px solid #c3ccd6;border-radius:4px;font:inherit}
.field.check{flex-direction:row;align-items:center;gap:8px}.field.check label{margin:0;font-weight:500}
fieldset{border:1px solid #dde3ea;background:#fff;border-radius:6px;margin:0 0 14px;padding:10px 16px}legend{font-weight:700;padding:0 6px}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(260px,1fr));gap:14px}
.card{background:#fff;border:1px solid #dde3ea;border-radius:8px;padding:14px}.card img{width:40px;height:40px;object-fit:contain}
.card h2{margin:6px 0}.badge{display:inline-block;padding:2px 8px;border-radius:10px;background:#e6f4ea;color:#1e6b34;font-size:12px}
.badge.grey{background:#eef1f4;color:#4a5866}button,.btn{background:#1d5fbf;color:#fff;border:0;border-radius:4px;padding:7px 14px;font:inherit;cursor:pointer;text-decoration:none;display:inline-block}
button.secondary,.btn.secondary{background:#e8edf3;color:#1f2933}button.danger{background:#b42318}form.inline{display:inline-block;margin:0 6px 6px 0}
[role=tablist]{display:flex;gap:4px;border-bottom:1px solid #c9d3de;margin-bottom:16px}[role=tab]{padding:8px 14px;text-decoration:none;color:#2d3e50;border:1px solid transparent;border-bottom:0;border-radius:6px 6px 0 0}
[role=tab][aria-selected=true]{background:#fff;border-color:#c9d3de;font-weight:600;margin-bottom:-1px}
.alert{padding:10px 14px;border-radius:6px;margin-bottom:14px;background:#fdecea;color:#8a1c12;border:1px solid #f5c2bc}.note{padding:10px 14px;border-radius:6px;margin-bottom:14px;background:#e8f0fb;border:1px solid #c3d6f2}
.toolbar{display:flex;gap:10px;align-items:flex-end;margin-bottom:12px;flex-wrap:wrap}.toolbar .field{margin:0}
iframe.app{width:100%;height:calc(100vh - 130px);border:1px solid #dde3ea;background:#fff;border-radius:6px}
dl.props{display:grid;grid-template-columns:180px 1fr;gap:4px 12px;background:#fff;border:1px solid #dde3ea;padding:12px;border-radius:6px}dl.props dt{font-weight:600}dl.props dd{margin:0}
`;

const NAV: [string, string][] = [
  ["/marketplace", "Marketplace"],
  ["/organizations", "Organisaties"],
  ["/persons", "Personen"],
  ["/products", "Producten"],
  ["/invoices", "Facturen"],
  ["/sales-orders", "Verkooporders"],
  ["/settings", "Instellingen"],
];

export function page(ctx: UiCtx, title: string, body: string): string {
  const path = ctx.url.pathname;
  const nav = NAV.map(([href, label]) => `<a href="${href}"${path === href || path.startsWith(href + "/") ? ' aria-current="page"' : ""}>${esc(label)}</a>`).join("");
  const tenants = [...ctx.state.store.tenants.values()]
    .filter((t) => t.id !== ctx.tenant.id)
    .map((t) => `<a href="?tenant=${esc(t.id)}">${esc(t.name)}</a>`)
    .join(" ");
  const msg = ctx.url.searchParams.get("msg");
  const err = ctx.url.searchParams.get("error");
  return `<!doctype html><html lang="${ctx.locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(title)} · Sandbox CRM</title><style>${CSS}</style></head><body>
<header class="top"><span class="brand">Sandbox CRM</span><span class="tenant" data-testid="tenant-name">${esc(ctx.tenant.name)}</span><span class="spacer"></span>
${tenants ? `<span class="switch">Wissel naar: ${tenants}</span>` : ""}<span class="user">${esc(ctx.user.name)}</span></header>
<div class="shell"><nav class="side" aria-label="Hoofdmenu">${nav}</nav><main>
${err ? `<div class="alert" role="alert">${esc(err)}</div>` : ""}${msg ? `<div class="note" role="status">${esc(msg)}</div>` : ""}
${body}</main></div></body></html>`;
}

export function withQuery(path: string, q: Record<string, string>): string {
  const u = new URL(path, "http://x");
  for (const [k, v] of Object.entries(q)) u.searchParams.set(k, v);
  return u.pathname + u.search;
}

export const fmtMoney = (v: unknown, cur = "EUR") => (typeof v === "number" ? `${cur === "EUR" ? "€" : cur} ${v.toFixed(2)}` : "");
export const yesNo = (v: unknown) => (v === true ? "Ja" : "Nee");
