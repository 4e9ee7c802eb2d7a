/**
 * The frame of a vendor simulator's bookkeeper page (`/__admin/ui`): the
 * document, its header with the simulator's name and navigation, the status
 * line after a post, and small pieces every page uses. What the pages say,
 * their sections and styles of their own stay with each simulator.
 */
import { Html, html } from "./html";

export const UI_ROOT = "/__admin/ui";

/** A page, or where to go after a successful post (303). */
export type UiResult = { status: number; page: Html } | { redirect: string };

/** A bookkeeper page's URL; every link and form action carries the company it is about in `params`. */
export function uiHref(path: string, params: Record<string, string>): string {
  return `${UI_ROOT}${path}?${new URLSearchParams(params)}`;
}

/** Lists show at most this many rows. */
const MAX_ROWS = 200;

/** The newest rows first (the last stored), at most MAX_ROWS of them, and how many there are. */
export function newestFirst<T>(rows: Iterable<T>): { shown: T[]; total: number } {
  const all = [...rows];
  return { shown: all.slice(-MAX_ROWS).reverse(), total: all.length };
}

/** A stored value as text, "" when absent. */
export const text = (v: unknown) => (v === undefined || v === null ? "" : String(v));

/** A small form with one button that posts (hidden fields as given). */
export function actionButton(action: string, label: string, hidden: Record<string, string> = {}, ariaLabel?: string): Html {
  return html`<form method="post" action="${action}" class="inline">${Object.entries(hidden).map(
    ([k, v]) => html`<input type="hidden" name="${k}" value="${v}">`,
  )}<button type="submit"${ariaLabel ? html` aria-label="${ariaLabel}"` : ""}>${label}</button></form>`;
}

export interface NavItem {
  href: string;
  label: string;
  /** the entry the page is on: "page" for its section, "true" for the company it shows */
  current?: "page" | "true";
  /** text after the link */
  after?: string;
}

export interface Frame {
  lang: string;
  /** the document's title */
  title: string;
  /** the page's heading */
  heading: string;
  /** extra elements in <head> */
  head?: Html;
  /** the simulator's own style rules, after the shared ones */
  css: string;
  /** the header's first line: which simulator, as whom */
  banner: string;
  navs: Array<{ label: string; items: NavItem[] }>;
  /** more header content, after the navigation */
  headerEnd?: Html;
  /** what a redirect after a successful post tells the bookkeeper */
  status?: string;
  body: Html;
}

const CSS = `
  body { font-family: system-ui, sans-serif; margin: 1.5rem; color: #1a1a1a; max-width: 80rem; }
  table { border-collapse: collapse; margin-bottom: 2rem; width: 100%; }
  caption { text-align: left; font-weight: 600; font-size: 1.15rem; padding: .5rem 0; }
  th, td { border-bottom: 1px solid #ccc; padding: .35rem .5rem; text-align: left; vertical-align: top; }
  form.inline { display: inline; }
  fieldset { margin: 0 0 1rem; border: 1px solid #bbb; }
  dl { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; }
  dt { font-weight: 600; }
  .status { background: #e6f4ea; border: 1px solid #05620f; padding: .5rem; }
  nav ul { list-style: none; padding: 0; display: flex; gap: 1rem; flex-wrap: wrap; }
  [aria-current] { font-weight: 700; }
`;

function nav(label: string, items: NavItem[]): Html {
  return html`<nav aria-label="${label}"><ul>${items.map(
    (i) => html`<li><a href="${i.href}"${i.current ? html` aria-current="${i.current}"` : ""}>${i.label}</a>${i.after ?? ""}</li>`,
  )}</ul></nav>
`;
}

export function pageFrame(f: Frame): Html {
  return html`<!doctype html>
<html lang="${f.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
${f.head ?? ""}
<title>${f.title}</title>
<style>${new Html(CSS + f.css)}</style>
</head>
<body>
<header>
<p>${f.banner}</p>
${f.navs.map((n) => nav(n.label, n.items))}${f.headerEnd ?? ""}
</header>
<main>
<h1>${f.heading}</h1>
${f.status ? html`<p class="status" role="status">${f.status}</p>` : ""}
${f.body}
</main>
</body>
</html>`;
}
