/**
 * The bookkeeper page under `/__admin/ui`: what a bookkeeper does in Go for
 * the things the integration syncs. Plain server-rendered HTML forms; every
 * page and form carries `?client=`. A change goes through the same domain
 * code as the API (no token, no faults, no rate limit: the bookkeeper works
 * in Go itself).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { redirect, sendHtml } from "../../../shared/http";
import type { SimulatorState } from "../simulator";
import { contactSave, contactSetActive, contactShow, contactsList } from "./contacts";
import { html } from "../../../shared/html";
import { invoicePay, invoiceShow, invoicesList } from "./invoices";
import { UI_ROOT, type UiResult } from "../../../shared/ui-layout";
import type { UiContext } from "./layout";
import { orderSend, orderShow, ordersList } from "./orders";
import { productSetArchived, productsList } from "./products";

type Route = [method: "GET" | "POST", pattern: RegExp, page: (c: UiContext, id: string) => UiResult];

const ROUTES: Route[] = [
  ["GET", /^$/, (c) => invoicesList(c)],
  ["GET", /^\/invoices\/([^/]+)$/, (c, id) => invoiceShow(c, id)],
  ["POST", /^\/invoices\/([^/]+)\/payment$/, invoicePay],
  ["GET", /^\/sales-orders$/, ordersList],
  ["GET", /^\/sales-orders\/([^/]+)$/, (c, id) => orderShow(c, id)],
  ["POST", /^\/sales-orders\/([^/]+)\/send$/, orderSend],
  ["GET", /^\/customers$/, (c) => contactsList(c, "customer")],
  ["GET", /^\/customers\/(\d+)$/, (c, id) => contactShow(c, "customer", id)],
  ["POST", /^\/customers\/(\d+)$/, (c, id) => contactSave(c, "customer", id)],
  ["POST", /^\/customers\/(\d+)\/active$/, (c, id) => contactSetActive(c, "customer", id)],
  ["GET", /^\/suppliers$/, (c) => contactsList(c, "supplier")],
  ["GET", /^\/suppliers\/(\d+)$/, (c, id) => contactShow(c, "supplier", id)],
  ["POST", /^\/suppliers\/(\d+)$/, (c, id) => contactSave(c, "supplier", id)],
  ["POST", /^\/suppliers\/(\d+)\/active$/, (c, id) => contactSetActive(c, "supplier", id)],
  ["GET", /^\/products$/, (c) => productsList(c)],
  ["POST", /^\/products\/(\d+)\/archived$/, productSetArchived],
];

const plainPage = (status: number, title: string, message: string) =>
  html`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head><body><h1>${title}</h1><p>${message}</p><p><a href="${UI_ROOT}">Back</a></p></body></html>`;

/** Answers a request below `/__admin/ui` and returns the status it answered with. */
export function handleUi(state: SimulatorState, req: IncomingMessage, res: ServerResponse, url: URL, raw: Buffer): number {
  const sub = url.pathname.slice(UI_ROOT.length).replace(/\/+$/, "");
  const method = req.method;
  for (const [m, pattern, page] of ROUTES) {
    const match = m === method ? pattern.exec(sub) : null;
    if (!match) continue;
    const clientParam = url.searchParams.get("client");
    const client = state.find(clientParam);
    if (!client) {
      sendHtml(res, 404, plainPage(404, "Client not found", clientParam ? `There is no client '${clientParam}'.` : "There are no clients.").text);
      return 404;
    }
    const form = method === "POST" ? new URLSearchParams(raw.toString("utf8")) : new URLSearchParams();
    const out = page({ state, client, url, form }, decodeURIComponent(match[1] ?? ""));
    if ("redirect" in out) {
      redirect(res, out.redirect);
      return 303;
    }
    sendHtml(res, out.status, out.page.text);
    return out.status;
  }
  sendHtml(res, 404, plainPage(404, "Not found", `No bookkeeper page at ${url.pathname}.`).text);
  return 404;
}
