// Tribe's auth server (FACTS.md §1, second pass §1 "Authorization code flow"; ORY Hydra underneath),
// served on the API's port: GET /oauth2/auth (consent screen), POST /oauth2/auth/decision, POST /oauth2/token.

import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { HttpError } from "./errors";
import { sendJson } from "../shared/http";
import { parseJson, readBody, redirect, sendHtml } from "./http";
import type { Grant, HostState, TokenResponse } from "./state";
import type { Tenant, User } from "./store";
import { consentPage, invalidRequestPage, notActivatedPage } from "./ui/consent";
import { cookieTenant, pickTenant, signedInUser, tenantCookie } from "./ui/index";
import { tr } from "./ui/marketplace";

/** [V] "state (at least 8 characters)" */
const MIN_STATE_LENGTH = 8;

export interface AuthorizationRequest {
  clientId: string;
  redirectUri: string;
  state: string;
  scopes: string[];
}

/** Check every parameter; answer the request, or one line for each parameter that is wrong. */
export function validateAuthorizationRequest(state: HostState, params: URLSearchParams): { request: AuthorizationRequest } | { problems: string[] } {
  const problems: string[] = [];
  const clientId = params.get("client_id") ?? "";
  const redirectUri = params.get("redirect_uri") ?? "";
  const requestState = params.get("state") ?? "";
  const responseType = params.get("response_type") ?? "";
  const scopes = [...new Set((params.get("scope") ?? "").split(/\s+/).filter(Boolean))];
  if (clientId !== state.clientId) problems.push(clientId ? `client_id: unknown client '${clientId}'` : "client_id is missing");
  if (!state.config.oauthRedirectUris.includes(redirectUri)) {
    problems.push(redirectUri ? `redirect_uri: '${redirectUri}' is not registered for this app` : "redirect_uri is missing");
  }
  if (requestState.length < MIN_STATE_LENGTH) problems.push(`state: must be at least ${MIN_STATE_LENGTH} characters (got ${requestState.length})`);
  if (responseType !== "code") problems.push(responseType ? `response_type: '${responseType}' is not supported (only 'code')` : "response_type is missing");
  const unknown = scopes.filter((s) => !state.config.oauthScopes.includes(s));
  if (scopes.length === 0) problems.push("scope is missing");
  else if (unknown.length) problems.push(`scope: unknown ${unknown.map((s) => `'${s}'`).join(", ")} (known: ${state.config.oauthScopes.join(" ")})`);
  return problems.length ? { problems } : { request: { clientId, redirectUri, state: requestState, scopes } };
}

export function appName(state: HostState, locale: string): string {
  return tr(state.manifest?.name, locale) || state.clientId;
}

/** Why `tenant` may not consent, or null when it may. */
export function consentRefusal(state: HostState, tenant: Tenant): string | null {
  if (!state.config.requireActivation || state.isActivated(tenant)) return null;
  return `The app '${state.clientId}' is not activated in the Marketplace of organization ${tenant.name}`;
}

/** Record the user's decision; answer where the browser goes next (RFC 6749 §4.1.2). */
export function decide(state: HostState, request: AuthorizationRequest, tenant: Tenant, user: User, allow: boolean): string {
  const to = new URL(request.redirectUri);
  if (allow) {
    const code = randomBytes(32).toString("base64url");
    state.authCodes.set(code, {
      clientId: request.clientId,
      tenantId: tenant.id,
      userId: user.id,
      scopes: request.scopes,
      redirectUri: request.redirectUri,
      expiresAt: Date.now() + state.config.authCodeTtlSeconds * 1000,
    });
    to.searchParams.set("code", code);
  } else {
    to.searchParams.set("error", "access_denied");
    to.searchParams.set("error_description", "The resource owner denied the request");
  }
  to.searchParams.set("state", request.state);
  return to.toString();
}

/** `GET /oauth2/auth`: the consent screen for the organization of `?tenant=` or the `sandbox_tenant` cookie. */
export async function handleAuthorize(state: HostState, req: IncomingMessage, res: ServerResponse, url: URL) {
  if (req.method !== "GET") throw new HttpError(405, "MethodNotAllowed", "Use GET");
  const checked = validateAuthorizationRequest(state, url.searchParams);
  if ("problems" in checked) return sendHtml(res, 400, invalidRequestPage(checked.problems));
  const chosen = pickTenant(state, url.searchParams.get("tenant"));
  const tenant = chosen ?? cookieTenant(state, req);
  const headers: Record<string, string> = chosen ? { "set-cookie": tenantCookie(chosen) } : {};
  const user = signedInUser(tenant);
  const locale = state.locale(tenant, user);
  const name = appName(state, locale);
  if (consentRefusal(state, tenant)) return sendHtml(res, 403, notActivatedPage(name, tenant), headers);
  const { request } = checked;
  const others = [...state.store.tenants.values()]
    .filter((t) => t.id !== tenant.id)
    .map((t) => {
      const ask = new URL(url.pathname + url.search, "http://x");
      ask.searchParams.set("tenant", t.id);
      return { name: t.name, href: ask.pathname + ask.search };
    });
  const icon = state.manifest?.icon;
  const html = consentPage({
    appName: name,
    appDescription: tr(state.manifest?.description, locale) || undefined,
    appIcon: icon ? state.resolveAppUrl(icon) : undefined,
    tenant,
    otherTenants: others,
    user,
    fields: {
      client_id: request.clientId,
      redirect_uri: request.redirectUri,
      state: request.state,
      response_type: "code",
      scope: request.scopes.join(" "),
      tenant: tenant.id,
    },
    scopes: request.scopes,
  });
  sendHtml(res, 200, html, headers);
}

/** `POST /oauth2/auth/decision`: the consent form. The request is checked again: its hidden fields come from the browser. */
export async function handleDecision(state: HostState, req: IncomingMessage, res: ServerResponse) {
  if (req.method !== "POST") throw new HttpError(405, "MethodNotAllowed", "Use POST");
  const form = new URLSearchParams(await readBody(req, 64 * 1024));
  const checked = validateAuthorizationRequest(state, form);
  if ("problems" in checked) return sendHtml(res, 400, invalidRequestPage(checked.problems));
  const tenant = pickTenant(state, form.get("tenant"));
  const decision = form.get("decision");
  if (!tenant || (decision !== "allow" && decision !== "deny")) {
    return sendHtml(res, 400, invalidRequestPage([!tenant ? "tenant: unknown organization" : "decision: must be 'allow' or 'deny'"]));
  }
  const user = signedInUser(tenant);
  if (decision === "allow" && consentRefusal(state, tenant)) {
    return sendHtml(res, 403, notActivatedPage(appName(state, state.locale(tenant, user)), tenant));
  }
  redirect(res, decide(state, checked.request, tenant, user, decision === "allow"));
}

/** An OAuth 2 error answer (RFC 6749 §5.2). */
class OAuthError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    description: string,
  ) {
    super(description);
  }
}

function tokenParams(raw: string, contentType: string): URLSearchParams {
  if (!contentType.includes("application/json")) return new URLSearchParams(raw);
  const j = (parseJson(raw) ?? {}) as Record<string, unknown>;
  return new URLSearchParams(Object.entries(j).map(([k, v]) => [k, String(v)]));
}

/** Form `client_id`/`client_secret`, or HTTP Basic (which wins). */
function authenticateClient(state: HostState, req: IncomingMessage, params: URLSearchParams): string {
  let clientId = params.get("client_id");
  let clientSecret = params.get("client_secret");
  const basic = /^Basic\s+(.+)$/i.exec(req.headers.authorization ?? "");
  if (basic) {
    const [id, secret] = Buffer.from(basic[1]!, "base64").toString("utf8").split(":");
    clientId = decodeURIComponent(id ?? "");
    clientSecret = decodeURIComponent(secret ?? "");
  }
  if (clientId !== state.clientId || clientSecret !== state.clientSecret) {
    throw new OAuthError(401, "invalid_client", "Unknown client_id or wrong client_secret");
  }
  return clientId;
}

function clientCredentials(state: HostState, clientId: string, params: URLSearchParams): TokenResponse {
  const orgId = params.get("organization_id");
  if (!orgId) throw new OAuthError(400, "invalid_request", "organization_id (the tenant id) is required");
  const t = state.store.tenant(orgId.toLowerCase());
  if (!t) throw new OAuthError(401, "unauthorized_client", `Organization ${orgId} does not exist`);
  if (state.config.requireActivation && !state.isActivated(t)) {
    throw new OAuthError(401, "unauthorized_client", `The app '${clientId}' is not activated in the Marketplace of organization ${t.name}`);
  }
  return state.issueToken(t.id);
}

const grantOf = (g: Grant): Grant => ({ clientId: g.clientId, tenantId: g.tenantId, userId: g.userId, scopes: g.scopes });

function authorizationCode(state: HostState, clientId: string, params: URLSearchParams): TokenResponse {
  const code = params.get("code");
  if (!code) throw new OAuthError(400, "invalid_request", "code is required");
  const found = state.authCodes.get(code);
  if (!found || found.clientId !== clientId) throw new OAuthError(400, "invalid_grant", "The authorization code is unknown or was already used");
  if (found.expiresAt <= Date.now()) {
    state.authCodes.delete(code);
    throw new OAuthError(400, "invalid_grant", "The authorization code has expired");
  }
  // a mismatch does not use the code up (as Hydra): the client may still send the right redirect_uri
  if (params.get("redirect_uri") !== found.redirectUri) {
    throw new OAuthError(400, "invalid_grant", "redirect_uri differs from the one the authorization code was issued for");
  }
  state.authCodes.delete(code);
  return state.issueGrantTokens(grantOf(found));
}

function refreshToken(state: HostState, clientId: string, params: URLSearchParams): TokenResponse {
  const token = params.get("refresh_token");
  if (!token) throw new OAuthError(400, "invalid_request", "refresh_token is required");
  const found = state.refreshTokens.get(token);
  if (!found || found.clientId !== clientId) {
    throw new OAuthError(400, "invalid_grant", "The refresh token is unknown, was already used, or was revoked (the app was deactivated)");
  }
  if (found.expiresAt != null && found.expiresAt <= Date.now()) {
    state.refreshTokens.delete(token);
    throw new OAuthError(400, "invalid_grant", "The refresh token has expired");
  }
  if (!state.config.rotateRefreshTokens) return state.issueGrantTokens(grantOf(found), token);
  state.refreshTokens.delete(token);
  return state.issueGrantTokens(grantOf(found));
}

const GRANTS = new Map<string, (state: HostState, clientId: string, params: URLSearchParams) => TokenResponse>([
  ["authorization_code", authorizationCode],
  ["refresh_token", refreshToken],
  ["client_credentials", clientCredentials],
]);

/** `POST /oauth2/token`, form-encoded (JSON also accepted). Every request is counted per grant_type (GET /__admin/tokens). */
export async function handleToken(state: HostState, req: IncomingMessage, res: ServerResponse) {
  if (req.method !== "POST") throw new HttpError(405, "MethodNotAllowed", "Use POST");
  const params = tokenParams(await readBody(req, 1024 * 1024), req.headers["content-type"] ?? "");
  const grantType = params.get("grant_type") ?? "";
  const noStore = { "cache-control": "no-store" };
  try {
    const grant = GRANTS.get(grantType);
    if (!grant) throw new OAuthError(400, "unsupported_grant_type", `grant_type must be one of ${[...GRANTS.keys()].join(", ")}`);
    const answer = grant(state, authenticateClient(state, req, params), params);
    state.countTokenRequest(grantType, true);
    sendJson(res, 200, answer, noStore);
  } catch (err) {
    if (!(err instanceof OAuthError)) throw err;
    state.countTokenRequest(grantType || "(none)", false);
    sendJson(res, err.status, { error: err.error, error_description: err.message }, noStore);
  }
}
