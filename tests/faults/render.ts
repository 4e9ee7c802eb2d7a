/**
 * Renders the app's pages to HTML outside Next: async server components are awaited, client
 * components go through react-dom/server. Only for searching the HTML (whose data is on it),
 * not a faithful Next render.
 */
import { createElement, Fragment, isValidElement, type ReactNode } from "react";
import { renderToStaticMarkup } from "react-dom/server";

const escape = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

function attrs(props: Record<string, unknown>): string {
  return Object.entries(props)
    .filter(([k]) => k !== "children" && k !== "key")
    .map(([k, v]) => {
      if (typeof v === "function") return ` ${k}="[function]"`;
      if (v === false || v == null) return "";
      if (typeof v === "object") return ` ${k}="${escape(JSON.stringify(v))}"`;
      return ` ${k}="${escape(String(v))}"`;
    })
    .join("");
}

export async function renderToHtml(node: unknown): Promise<string> {
  if (node == null || typeof node === "boolean") return "";
  if (typeof node === "string" || typeof node === "number" || typeof node === "bigint") return escape(String(node));
  if (node instanceof Promise) return renderToHtml(await node);
  if (Array.isArray(node)) return (await Promise.all(node.map(renderToHtml))).join("");
  if (!isValidElement(node)) return escape(String(node));
  const el = node as { type: unknown; props: Record<string, unknown> };
  if (typeof el.type === "string") {
    return `<${el.type}${attrs(el.props)}>${await renderToHtml(el.props.children)}</${el.type}>`;
  }
  if (el.type === Fragment) return renderToHtml(el.props.children);
  if (typeof el.type === "function") {
    const fn = el.type as (p: unknown) => unknown;
    if (fn.constructor.name === "AsyncFunction") return renderToHtml(await fn(el.props));
    try {
      return renderToStaticMarkup(createElement(fn as never, el.props as never) as ReactNode as never);
    } catch (err) {
      // a client component that needs what only Next provides: keep what it was given
      return `<client-component name="${fn.name}"${attrs(el.props)} error="${escape(String((err as Error).message).slice(0, 200))}">${await renderToHtml(el.props.children)}</client-component>`;
    }
  }
  // context providers, Suspense and the like: their children
  return renderToHtml(el.props?.children);
}
