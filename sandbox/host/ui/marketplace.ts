// Marketplace pages: the tab list, a listing with Activate / uninstall, and the app page with the iframe.

import { redirect, sendHtml } from "../http";
import type { Manifest } from "../state";
import { escapeHtml as esc } from "../../shared/html";
import { actionForm, page, withQuery, type UiCtx } from "./layout";

type Listing = Manifest["listings"][number];

const TABS: { id: string; label: string; category: string | null }[] = [
  { id: "financial", label: "Financieel / Financial", category: "Financial" },
  { id: "all", label: "Alle apps / All apps", category: null },
  { id: "identity", label: "Identiteitsbeheer / Identity management", category: "Identity" },
];

export function tr(m: Record<string, string> | undefined, locale: string): string {
  if (!m) return "";
  return m[locale] ?? m.en ?? m.nl ?? Object.values(m)[0] ?? "";
}

async function manifestOrError(ctx: UiCtx): Promise<{ manifest: Manifest | null; error: string | null }> {
  try {
    return { manifest: await ctx.state.fetchManifest(), error: null };
  } catch (err) {
    const reason = err instanceof Error ? (err.cause instanceof Error ? `${err.message} (${err.cause.message})` : err.message) : String(err);
    return { manifest: ctx.state.manifest, error: `De apps konden niet worden geladen van ${ctx.state.appUrl}/api/host/manifest: ${reason}` };
  }
}

export async function marketplacePage(ctx: UiCtx) {
  const tabId = ctx.url.searchParams.get("tab") ?? "financial";
  const tab = TABS.find((t) => t.id === tabId) ?? TABS[0]!;
  const { manifest, error } = await manifestOrError(ctx);
  const tabs = TABS.map(
    (t) => `<a role="tab" href="/marketplace?tab=${t.id}" aria-selected="${t.id === tab.id}">${esc(t.label)}</a>`,
  ).join("");
  let cards = "";
  if (manifest) {
    const listings = manifest.listings.filter((l) => tab.category === null || (l.category ?? manifest.category) === tab.category);
    cards = listings
      .map((l) => {
        const installed = ctx.tenant.installations.has(l.id);
        const icon = l.icon ?? manifest.icon;
        return `<article class="card" data-listing="${esc(l.id)}">
${icon ? `<img src="${esc(ctx.state.resolveAppUrl(icon))}" alt="">` : ""}
<h2><a href="/marketplace/${encodeURIComponent(manifest.id)}/${encodeURIComponent(l.id)}">${esc(tr(l.name, ctx.locale))}</a></h2>
<p>${esc(tr(l.description, ctx.locale))}</p>
<p><span class="badge grey">${esc(tr(manifest.name, ctx.locale))}</span> ${installed ? '<span class="badge">Geactiveerd</span>' : ""}</p>
</article>`;
      })
      .join("");
  }
  if (tab.id === "identity") {
    cards += `<article class="card"><h2>Azure SCIM</h2><p>Gebruikers en teams synchroniseren vanuit Microsoft Entra ID (ingebouwd, niet actief in de sandbox).</p></article>`;
  }
  if (!cards && !error) cards = `<p>Er zijn geen apps in deze categorie.</p>`;
  const body = `<h1>Marketplace</h1>
${error ? `<div class="alert" role="alert">${esc(error)}</div>` : ""}
<div role="tablist" aria-label="Categorieën">${tabs}</div>
<section role="tabpanel" aria-label="${esc(tab.label)}"><div class="grid">${cards}</div></section>`;
  sendHtml(ctx.res, error && !manifest ? 200 : 200, page(ctx, "Marketplace", body));
}

async function findListing(ctx: UiCtx, appId: string, listingId: string): Promise<{ manifest: Manifest; listing: Listing } | string> {
  const { manifest, error } = await manifestOrError(ctx);
  if (!manifest) return error ?? "Geen manifest";
  if (manifest.id !== appId) return `Onbekende app '${appId}'`;
  const listing = manifest.listings.find((l) => l.id === listingId);
  if (!listing) return `Onbekende listing '${listingId}' van app '${appId}'`;
  return { manifest, listing };
}

export async function listingPage(ctx: UiCtx, appId: string, listingId: string) {
  const found = await findListing(ctx, appId, listingId);
  if (typeof found === "string") {
    return sendHtml(ctx.res, 404, page(ctx, "Niet gevonden", `<h1>App niet gevonden</h1><div class="alert" role="alert">${esc(found)}</div><p><a href="/marketplace">Terug naar de Marketplace</a></p>`));
  }
  const { manifest, listing } = found;
  const inst = ctx.tenant.installations.get(listing.id);
  const base = `/marketplace/${encodeURIComponent(manifest.id)}/${encodeURIComponent(listing.id)}`;
  const icon = listing.icon ?? manifest.icon;
  const scopes = (manifest.scopes ?? []).map((s) => `<li><code>${esc(s)}</code></li>`).join("");
  const events = (manifest.webhooks?.events ?? []).map((s) => `<li><code>${esc(s)}</code></li>`).join("");
  const body = `<p><a href="/marketplace?tab=financial">← Marketplace</a></p>
<div class="card">
${icon ? `<img src="${esc(ctx.state.resolveAppUrl(icon))}" alt="">` : ""}
<h1>${esc(tr(listing.name, ctx.locale))}</h1>
<p>${esc(tr(listing.description, ctx.locale))}</p>
<p>Door <strong>${esc(tr(manifest.name, ctx.locale))}</strong> — ${esc(tr(manifest.description, ctx.locale))}</p>
${inst ? `<p role="status"><span class="badge">Geactiveerd</span> sinds ${esc(new Date(inst.createdAt).toLocaleString("nl-NL"))}</p>` : `<p><span class="badge grey">Niet geactiveerd</span></p>`}
${actionForm(`${base}/activate`, "Activeren")}
${inst ? `<a class="btn secondary" href="/apps/${encodeURIComponent(manifest.id)}/${encodeURIComponent(listing.id)}">App openen</a> ${actionForm(`${base}/uninstall`, "Deïnstalleren", "danger")}` : ""}
</div>
${scopes ? `<h2>Deze app vraagt toegang tot</h2><ul>${scopes}</ul>` : ""}
${events ? `<h2>Webhooks</h2><p>Bij activeren wordt <code>${esc(manifest.webhooks?.url ? ctx.state.resolveAppUrl(manifest.webhooks.url) : "")}</code> geabonneerd op:</p><ul>${events}</ul>` : ""}`;
  sendHtml(ctx.res, 200, page(ctx, tr(listing.name, ctx.locale), body));
}

export async function activateAction(ctx: UiCtx, appId: string, listingId: string) {
  const found = await findListing(ctx, appId, listingId);
  if (typeof found === "string") return redirect(ctx.res, withQuery(`/marketplace`, { error: found }));
  ctx.state.activate(ctx.tenant, ctx.user, found.manifest, found.listing.id);
  redirect(ctx.res, `/apps/${encodeURIComponent(appId)}/${encodeURIComponent(listingId)}`);
}

export async function uninstallAction(ctx: UiCtx, appId: string, listingId: string) {
  ctx.state.deactivate(ctx.tenant, listingId);
  redirect(ctx.res, withQuery(`/marketplace/${encodeURIComponent(appId)}/${encodeURIComponent(listingId)}`, { msg: "De app is gedeïnstalleerd." }));
}

export async function appPage(ctx: UiCtx, appId: string, listingId: string) {
  if (!ctx.tenant.installations.has(listingId)) {
    return redirect(ctx.res, `/marketplace/${encodeURIComponent(appId)}/${encodeURIComponent(listingId)}`);
  }
  const found = await findListing(ctx, appId, listingId);
  if (typeof found === "string") {
    return sendHtml(ctx.res, 502, page(ctx, "App", `<h1>App</h1><div class="alert" role="alert">${esc(found)}</div>`));
  }
  const { manifest, listing } = found;
  const token = await ctx.state.iframeToken(ctx.tenant, ctx.user, { aud: manifest.id });
  const src = new URL(listing.entryUrl, `${ctx.state.appUrl}/`);
  src.searchParams.set("token", token);
  const body = `<h1>${esc(tr(listing.name, ctx.locale))}</h1>
<iframe class="app" title="Ledgerlink" src="${esc(src.toString())}" allow="clipboard-write"></iframe>`;
  sendHtml(ctx.res, 200, page(ctx, tr(listing.name, ctx.locale), body));
}
