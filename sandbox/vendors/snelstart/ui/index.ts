/**
 * The bookkeeper page under `/__admin/ui`: what a bookkeeper does in
 * SnelStart for the things the koppeling syncs. Plain server-rendered HTML
 * forms; a change is the matching `/v2` write, run through the API's own
 * validation and handler (write.ts), or, where the API cannot write
 * (payments, incassomachtigingen), the domain's bookkeeper action. Each page
 * and form carries `?administratie=`.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { redirect, sendHtml } from "../../../shared/http";
import type { SimulatorState } from "../simulator";
import { html } from "../../../shared/html";
import { UI_ROOT, type UiResult } from "../../../shared/ui-layout";
import type { UiContext } from "./layout";
import { boekingShow, boekingenList } from "./boekingen";
import {
  machtigingCreate,
  machtigingIntrekken,
  relatieCreate,
  relatieDelete,
  relatieNew,
  relatieSave,
  relatieSetNonactief,
  relatieShow,
  relatiesList,
} from "./relaties";
import {
  artikelCreate,
  artikelDelete,
  artikelNew,
  artikelSave,
  artikelSetNonactief,
  artikelShow,
  artikelenList,
} from "./artikelen";
import { verkooporderSetProcesStatus, verkooporderShow, verkoopordersList } from "./verkooporders";

type Route = [method: "GET" | "POST", pattern: RegExp, page: (c: UiContext, ...ids: string[]) => UiResult];

const ID = "([^/]+)";
const ROUTES: Route[] = [
  ["GET", /^$/, boekingenList],
  ["GET", new RegExp(`^/verkoopboekingen/${ID}$`), boekingShow],
  ["GET", /^\/relaties$/, relatiesList],
  ["POST", /^\/relaties$/, relatieCreate],
  ["GET", /^\/relaties\/nieuw$/, (c) => relatieNew(c)],
  ["GET", new RegExp(`^/relaties/${ID}$`), (c, id) => relatieShow(c, id!)],
  ["POST", new RegExp(`^/relaties/${ID}$`), relatieSave],
  ["POST", new RegExp(`^/relaties/${ID}/nonactief$`), relatieSetNonactief],
  ["POST", new RegExp(`^/relaties/${ID}/verwijderen$`), relatieDelete],
  ["POST", new RegExp(`^/relaties/${ID}/incassomachtigingen$`), machtigingCreate],
  ["POST", new RegExp(`^/relaties/${ID}/incassomachtigingen/${ID}/intrekken$`), machtigingIntrekken],
  ["GET", /^\/artikelen$/, artikelenList],
  ["POST", /^\/artikelen$/, artikelCreate],
  ["GET", /^\/artikelen\/nieuw$/, (c) => artikelNew(c)],
  ["GET", new RegExp(`^/artikelen/${ID}$`), (c, id) => artikelShow(c, id!)],
  ["POST", new RegExp(`^/artikelen/${ID}$`), artikelSave],
  ["POST", new RegExp(`^/artikelen/${ID}/nonactief$`), artikelSetNonactief],
  ["POST", new RegExp(`^/artikelen/${ID}/verwijderen$`), artikelDelete],
  ["GET", /^\/verkooporders$/, verkoopordersList],
  ["GET", new RegExp(`^/verkooporders/${ID}$`), (c, id) => verkooporderShow(c, id!)],
  ["POST", new RegExp(`^/verkooporders/${ID}/processtatus$`), verkooporderSetProcesStatus],
];

const plainPage = (title: string, message: string) =>
  html`<!doctype html><html lang="nl"><head><meta charset="utf-8"><title>${title}</title></head><body><h1>${title}</h1><p>${message}</p></body></html>`;

/** Answers a request below `/__admin/ui`; false when no page matches it. */
export function handleUi(
  state: SimulatorState,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  raw: Buffer,
): boolean {
  const sub = url.pathname.slice(UI_ROOT.length).replace(/\/+$/, "");
  const method = req.method;
  if (method !== "GET" && method !== "POST") return false;
  for (const [m, pattern, page] of ROUTES) {
    const match = m === method ? pattern.exec(sub) : null;
    if (!match) continue;
    const send = (status: number, body: string) => {
      state.countStatus(status);
      sendHtml(res, status, body);
    };
    const admParam = url.searchParams.get("administratie");
    const adm = state.find(admParam);
    if (!adm) {
      send(404, plainPage("Administratie niet gevonden", admParam ? `Geen administratie '${admParam}'.` : "Er zijn geen administraties.").text);
      return true;
    }
    const form = method === "POST" ? new URLSearchParams(raw.toString("utf8")) : new URLSearchParams();
    const out = page({ state, adm, url, form }, ...match.slice(1).map(decodeURIComponent));
    if ("redirect" in out) {
      state.countStatus(303);
      redirect(res, out.redirect);
    } else send(out.status, out.page.text);
    return true;
  }
  return false;
}
