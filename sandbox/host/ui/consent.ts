// Pages of the auth server: the consent screen, and why an authorization request is refused.
// They stand apart from the CRM's chrome (no navigation): Tribe's consent is on its auth server.

import type { Tenant, User } from "../store";
import { escapeHtml as esc } from "../../shared/html";
import { CSS } from "./layout";

/** What each scope means to the user (Tribe's own wording: NOT FOUND). */
const SCOPE_TEXT: Record<string, string> = {
  read: "Uw gegevens lezen / Read your data",
  write: "Gegevens aanmaken en wijzigen / Create and change data",
  offline: "Toegang houden als u niet bent ingelogd / Keep access while you are signed out",
};

const AUTH_CSS = `.auth{max-width:560px;margin:32px auto;background:#fff;border:1px solid #dde3ea;border-radius:8px;padding:24px 28px}
.auth .app{display:flex;gap:12px;align-items:center}.auth .app img{width:48px;height:48px;object-fit:contain}
.auth ul.scopes{padding-left:20px}.auth .actions{display:flex;gap:10px;margin-top:18px}`;

function authDocument(title: string, body: string): string {
  return `<!doctype html><html lang="nl"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(title)} · Sandbox CRM</title><style>${CSS}${AUTH_CSS}</style></head><body>
<header class="top"><span class="brand">Sandbox CRM</span><span class="tenant">Autorisatie / Authorization</span></header>
<main class="auth">${body}</main></body></html>`;
}

export interface ConsentView {
  appName: string;
  appDescription?: string;
  appIcon?: string;
  tenant: Tenant;
  /** the tenants the user may switch to, each with the link that asks again for it */
  otherTenants: { name: string; href: string }[];
  user: User;
  /** the authorization request, posted back with the decision */
  fields: { client_id: string; redirect_uri: string; state: string; response_type: string; scope: string; tenant: string };
  scopes: string[];
}

export function consentPage(v: ConsentView): string {
  const hidden = Object.entries(v.fields)
    .map(([name, value]) => `<input type="hidden" name="${esc(name)}" value="${esc(value)}">`)
    .join("");
  const scopes = v.scopes.map((s) => `<li><code>${esc(s)}</code> — ${esc(SCOPE_TEXT[s] ?? s)}</li>`).join("");
  const others = v.otherTenants.map((t) => `<a href="${esc(t.href)}">${esc(t.name)}</a>`).join(", ");
  const body = `<div class="app">${v.appIcon ? `<img src="${esc(v.appIcon)}" alt="">` : ""}<h1 id="consent-title">${esc(v.appName)} vraagt toegang / asks for access</h1></div>
${v.appDescription ? `<p>${esc(v.appDescription)}</p>` : ""}
<dl class="props">
<dt>App</dt><dd data-testid="consent-app">${esc(v.appName)}</dd>
<dt>Organisatie / Organization</dt><dd data-testid="consent-organization">${esc(v.tenant.name)}</dd>
<dt>Gebruiker / User</dt><dd data-testid="consent-user">${esc(v.user.name)}${v.user.email ? ` (${esc(v.user.email)})` : ""}</dd>
</dl>
${others ? `<p>Andere organisatie / Other organization: ${others}</p>` : ""}
<h2 id="scopes-title">Rechten / Permissions</h2>
<ul class="scopes" aria-labelledby="scopes-title">${scopes}</ul>
<form method="post" action="/oauth2/auth/decision" aria-labelledby="consent-title">${hidden}
<div class="actions"><button type="submit" name="decision" value="allow">Toestaan / Allow</button>
<button type="submit" name="decision" value="deny" class="secondary">Weigeren / Deny</button></div>
</form>`;
  return authDocument("Toegang verlenen / Grant access", body);
}

/** An authorization request that cannot be answered; it names every parameter that is wrong and never links to the redirect_uri. */
export function invalidRequestPage(problems: string[]): string {
  const items = problems.map((p) => `<li>${esc(p)}</li>`).join("");
  return authDocument(
    "Ongeldig verzoek / Invalid request",
    `<h1>Ongeldig autorisatieverzoek / Invalid authorization request</h1>
<div class="alert" role="alert"><ul>${items}</ul></div>
<p>Neem contact op met de leverancier van de app. / Contact the app's vendor.</p>`,
  );
}

export function notActivatedPage(appName: string, tenant: Tenant): string {
  return authDocument(
    "Niet geactiveerd / Not activated",
    `<h1>${esc(appName)} is niet geactiveerd / is not activated</h1>
<div class="alert" role="alert">De app ${esc(appName)} is niet geactiveerd in de Marketplace van ${esc(tenant.name)}. Activeer de app eerst en probeer het opnieuw.
/ The app ${esc(appName)} is not activated in the Marketplace of ${esc(tenant.name)}. Activate it first, then try again.</div>
<p><a href="/marketplace?tenant=${esc(tenant.id)}">Naar de Marketplace / To the Marketplace</a></p>`,
  );
}
