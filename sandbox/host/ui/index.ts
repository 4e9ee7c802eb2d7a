// Router of the sandbox CRM web UI.

import type { IncomingMessage, ServerResponse } from "node:http";
import { parseCookies, readBody, redirect, sendHtml } from "../http";
import type { HostState } from "../state";
import type { Tenant, User } from "../store";
import { activityPdf } from "../pdf";
import { activityDetail, activitySet, addLine, createActivity, deleteActivity, deleteLine, listActivities, newActivityForm, setPhase, type ActKind } from "./activities";
import { escapeHtml as esc } from "../../shared/html";
import { button, page, select, type UiCtx } from "./layout";
import { activateAction, appPage, listingPage, marketplacePage, uninstallAction } from "./marketplace";
import { deleteProduct, listProducts, productForm, saveProduct } from "./products";
import { deleteRelation, listRelations, RELATION_SET, relationForm, saveRelation, type RelKind } from "./relations";

const TENANT_COOKIE = "sandbox_tenant";

/** A tenant by id, 1-based index or name (`?tenant=`, the `sandbox_tenant` cookie). */
export function pickTenant(state: HostState, ref: string | null | undefined): Tenant | undefined {
  if (!ref) return undefined;
  const list = [...state.store.tenants.values()];
  return state.store.tenant(ref.toLowerCase()) ?? (/^\d+$/.test(ref) ? list[Number(ref) - 1] : list.find((t) => t.name === ref));
}

/** The tenant the browser is working in: its `sandbox_tenant` cookie, else the first tenant. */
export function cookieTenant(state: HostState, req: IncomingMessage): Tenant {
  return pickTenant(state, parseCookies(req)[TENANT_COOKIE]) ?? state.store.firstTenant();
}

export function tenantCookie(t: Tenant): string {
  return `${TENANT_COOKIE}=${encodeURIComponent(t.id)}; Path=/; SameSite=Lax`;
}

/** The sandbox has no login: a tenant's first user is the one signed in. */
export function signedInUser(tenant: Tenant): User {
  return tenant.users[0] ?? { id: "00000000-0000-4000-8000-000000000001", name: "Sandbox Gebruiker", locale: "nl" };
}

function notFoundPage(ctx: UiCtx) {
  sendHtml(ctx.res, 404, page(ctx, "Niet gevonden", `<h1>Niet gevonden</h1><p>Deze pagina bestaat niet.</p><p><a href="/marketplace">Naar de Marketplace</a></p>`));
}

function settingsPage(ctx: UiCtx) {
  const tenants = [...ctx.state.store.tenants.values()].map((t) => ({ value: t.id, label: t.name }));
  const body = `<h1>Instellingen</h1>
<form method="post" action="/settings"><fieldset><legend>Gebruiker: ${esc(ctx.user.name)}</legend>
${select("Taal / Language", "locale", [
    { value: "nl", label: "Nederlands" },
    { value: "fr", label: "Français" },
    { value: "en", label: "English" },
  ], ctx.locale)}
${select("Organisatie / Organization", "tenant", tenants, ctx.tenant.id)}
</fieldset>${button("Opslaan")}</form>
<h2>Sandbox</h2><dl class="props"><dt>Organisatie-ID</dt><dd><code>${esc(ctx.tenant.id)}</code></dd><dt>Gebruiker-ID</dt><dd><code>${esc(ctx.user.id)}</code></dd>
<dt>App-URL</dt><dd><code>${esc(ctx.state.appUrl)}</code></dd><dt>Installaties</dt><dd>${[...ctx.tenant.installations.values()].map((i) => esc(`${i.appId}/${i.listingId}`)).join(", ") || "—"}</dd></dl>`;
  sendHtml(ctx.res, 200, page(ctx, "Instellingen", body));
}

export async function handleUi(state: HostState, req: IncomingMessage, res: ServerResponse, url: URL) {
  const method = (req.method ?? "GET").toUpperCase();
  const switchTo = url.searchParams.get("tenant");
  if (switchTo != null && method === "GET") {
    const t = pickTenant(state, switchTo);
    url.searchParams.delete("tenant");
    return redirect(res, url.pathname + url.search, t ? { "set-cookie": tenantCookie(t) } : {});
  }
  const tenant = cookieTenant(state, req);
  const user = signedInUser(tenant);
  const ctx: UiCtx = { state, tenant, user, locale: state.locale(tenant, user), req, res, url };
  if (method === "POST") ctx.form = new URLSearchParams(await readBody(req, 10 * 1024 * 1024));
  const seg = url.pathname.split("/").filter(Boolean).map(decodeURIComponent);
  const [a, b, c, d, e] = seg;
  const s = state.store;

  if (seg.length === 0) return redirect(res, "/marketplace");
  if (a === "favicon.ico") {
    res.writeHead(204);
    return res.end();
  }

  if (a === "marketplace") {
    if (seg.length === 1 && method === "GET") return marketplacePage(ctx);
    if (seg.length === 3 && method === "GET") return listingPage(ctx, b!, c!);
    if (seg.length === 4 && method === "POST" && d === "activate") return activateAction(ctx, b!, c!);
    if (seg.length === 4 && method === "POST" && (d === "uninstall" || d === "deactivate")) return uninstallAction(ctx, b!, c!);
    return notFoundPage(ctx);
  }
  if (a === "apps" && seg.length === 3 && method === "GET") return appPage(ctx, b!, c!);

  if (a === "settings") {
    if (method === "POST") {
      const locale = ctx.form!.get("locale");
      if (locale === "nl" || locale === "fr" || locale === "en") state.locales.set(`${tenant.id}:${user.id}`, locale);
      const t = pickTenant(state, ctx.form!.get("tenant") ?? undefined);
      if (t && t.id !== tenant.id) {
        // the user of the other tenant keeps the chosen locale
        const u = t.users[0];
        if (u && (locale === "nl" || locale === "fr" || locale === "en")) state.locales.set(`${t.id}:${u.id}`, locale);
      }
      return redirect(res, "/settings?msg=Opgeslagen.", t ? { "set-cookie": tenantCookie(t) } : {});
    }
    return settingsPage(ctx);
  }

  if (a === "organizations" || a === "persons") {
    const kind = a as RelKind;
    if (seg.length === 1) return listRelations(ctx, kind);
    if (b === "new") return method === "POST" ? saveRelation(ctx, kind) : relationForm(ctx, kind);
    const rec = s.get(tenant, RELATION_SET[kind], b!);
    if (!rec) return notFoundPage(ctx);
    if (seg.length === 2) return method === "POST" ? saveRelation(ctx, kind, rec) : relationForm(ctx, kind, rec);
    if (seg.length === 3 && c === "delete" && method === "POST") return deleteRelation(ctx, kind, rec);
    return notFoundPage(ctx);
  }

  if (a === "products") {
    if (seg.length === 1) return listProducts(ctx);
    if (b === "new") return method === "POST" ? saveProduct(ctx) : productForm(ctx);
    const rec = s.get(tenant, "Product", b!);
    if (!rec) return notFoundPage(ctx);
    if (seg.length === 2) return method === "POST" ? saveProduct(ctx, rec) : productForm(ctx, rec);
    if (seg.length === 3 && c === "delete" && method === "POST") return deleteProduct(ctx, rec);
    return notFoundPage(ctx);
  }

  if (a === "invoices" || a === "sales-orders") {
    const kind = a as ActKind;
    if (seg.length === 1) return listActivities(ctx, kind);
    if (b === "new") return method === "POST" ? createActivity(ctx, kind) : newActivityForm(ctx, kind);
    const rec = s.get(tenant, activitySet(kind), b!);
    if (!rec) return notFoundPage(ctx);
    if (seg.length === 2 && method === "GET") return activityDetail(ctx, kind, rec);
    if (seg.length === 3 && c === "phase" && method === "POST") return setPhase(ctx, kind, rec);
    if (seg.length === 3 && c === "lines" && method === "POST") return addLine(ctx, kind, rec);
    if (seg.length === 5 && c === "lines" && e === "delete" && method === "POST") return deleteLine(ctx, kind, rec, d!);
    if (seg.length === 3 && c === "delete" && method === "POST") return deleteActivity(ctx, kind, rec);
    if (seg.length === 3 && c === "document" && method === "GET") {
      const pdf = await activityPdf(s, tenant, rec);
      res.writeHead(200, { "content-type": "application/pdf", "content-length": pdf.byteLength });
      return res.end(Buffer.from(pdf));
    }
    return notFoundPage(ctx);
  }

  return notFoundPage(ctx);
}
