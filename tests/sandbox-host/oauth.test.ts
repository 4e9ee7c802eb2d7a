// The sandbox CRM's auth server: Tribe's authorization code flow with consent, code exchange and
// refresh-token rotation (FACTS.md second pass §1), next to the unchanged client-credentials grant.

import { readFileSync } from "node:fs";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { SeedDocument } from "../../sandbox/host/store";
import type { HostSandbox } from "../../sandbox/host/server";
import { api, CLIENT, install, MANIFEST, startHost, startReceiver, T1, T2, token } from "./helpers";

let host: HostSandbox;
let app: Awaited<ReturnType<typeof startReceiver>>;
let REDIRECT: string;
const STATE = "state-1234";

beforeAll(async () => {
  app = await startReceiver({ manifest: MANIFEST });
  host = await startHost({ appUrl: app.url });
  REDIRECT = `${app.url}/api/host/oauth/callback`;
});
afterAll(async () => {
  await host.close();
  await app.close();
});
beforeEach(async () => {
  await fetch(`${host.url}/__admin/reset`, { method: "POST" });
  await install(host, T1);
  await install(host, T2);
});

const config = (body: Record<string, unknown>) => fetch(`${host.url}/__admin/config`, { method: "POST", body: JSON.stringify(body) });

function authorizeQuery(extra: Record<string, string> = {}): string {
  return new URLSearchParams({ client_id: CLIENT.client_id, redirect_uri: REDIRECT, state: STATE, response_type: "code", scope: "read write offline", ...extra }).toString();
}

async function page(path: string, init?: RequestInit) {
  const r = await fetch(`${host.url}${path}`, { redirect: "manual", ...init });
  return { status: r.status, location: r.headers.get("location"), type: r.headers.get("content-type"), text: await r.text() };
}

/** The consent form's POST, as the browser sends it. */
function decide(decision: "allow" | "deny", extra: Record<string, string> = {}) {
  return page("/oauth2/auth/decision", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: `${authorizeQuery({ tenant: T1, ...extra })}&decision=${decision}`,
  });
}

/** The consent without a browser (test hook); answers the redirect location. */
async function consent(body: Record<string, unknown> = {}) {
  const r = await fetch(`${host.url}/__admin/oauth/consent`, {
    method: "POST",
    body: JSON.stringify({ client_id: CLIENT.client_id, redirect_uri: REDIRECT, state: STATE, scope: "read write offline", tenant: T1, ...body }),
  });
  return { status: r.status, json: await r.json() };
}

async function codeFor(body: Record<string, unknown> = {}): Promise<string> {
  const { status, json } = await consent(body);
  expect(status).toBe(200);
  return new URL(json.location).searchParams.get("code")!;
}

async function tokenRequest(params: Record<string, string>, headers: Record<string, string> = {}) {
  const r = await fetch(`${host.url}/oauth2/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
    body: new URLSearchParams(params),
  });
  return { status: r.status, json: await r.json() };
}

const exchange = (code: string, redirectUri = REDIRECT) => tokenRequest({ grant_type: "authorization_code", code, redirect_uri: redirectUri, ...CLIENT });
const refresh = (refreshToken: string) => tokenRequest({ grant_type: "refresh_token", refresh_token: refreshToken, redirect_uri: REDIRECT, ...CLIENT });

describe("authorization endpoint: the consent screen", () => {
  it("names the app (the client id until the manifest is cached), the organization, the signed-in user and each scope, with Allow and Deny buttons", async () => {
    const before = await page(`/oauth2/auth?${authorizeQuery()}`);
    expect(before.status).toBe(200);
    expect(before.type).toContain("text/html");
    expect(before.text).toMatch(/data-testid="consent-app">ledgerlink</);

    await fetch(`${host.url}/marketplace`); // caches the manifest
    const p = await page(`/oauth2/auth?${authorizeQuery()}`);
    expect(p.text).toMatch(/data-testid="consent-app">Ledgerlink</);
    expect(p.text).toMatch(/data-testid="consent-organization">Sandbox BV</);
    expect(p.text).toMatch(/data-testid="consent-user">Sanne de Vries/);
    for (const scope of ["read", "write", "offline"]) expect(p.text).toContain(`<li><code>${scope}</code>`);
    expect(p.text).toMatch(/<button type="submit" name="decision" value="allow">Toestaan \/ Allow<\/button>/);
    expect(p.text).toMatch(/<button type="submit" name="decision" value="deny"[^>]*>Weigeren \/ Deny<\/button>/);
    expect(p.text).toContain(`<form method="post" action="/oauth2/auth/decision"`);
    expect(p.text).toContain(`name="tenant" value="${T1}"`);
  });

  it("asks for the tenant of ?tenant= or of the sandbox_tenant cookie, and only lists the scopes asked", async () => {
    const byQuery = await page(`/oauth2/auth?${authorizeQuery({ tenant: "2", scope: "read" })}`);
    expect(byQuery.text).toMatch(/data-testid="consent-organization">Fjordhandel AS</);
    expect(byQuery.text).toMatch(/data-testid="consent-user">Ola Nordmann/);
    expect(byQuery.text).toContain(`name="tenant" value="${T2}"`);
    expect(byQuery.text).toContain("<li><code>read</code>");
    expect(byQuery.text).not.toContain("<li><code>offline</code>");
    const byCookie = await page(`/oauth2/auth?${authorizeQuery()}`, { headers: { cookie: `sandbox_tenant=${T2}` } });
    expect(byCookie.text).toMatch(/data-testid="consent-organization">Fjordhandel AS</);
  });

  it("Allow redirects (303) to the redirect_uri with a code and the state", async () => {
    const r = await decide("allow");
    expect(r.status).toBe(303);
    const to = new URL(r.location!);
    expect(to.origin + to.pathname).toBe(REDIRECT);
    expect(to.searchParams.get("state")).toBe(STATE);
    expect(to.searchParams.get("code")).toMatch(/^[\w-]{20,}$/);
    expect(to.searchParams.get("error")).toBeNull();
  });

  it("Deny redirects with error=access_denied and the state, and no code", async () => {
    const r = await decide("deny");
    expect(r.status).toBe(303);
    const to = new URL(r.location!);
    expect(to.origin + to.pathname).toBe(REDIRECT);
    expect(to.searchParams.get("error")).toBe("access_denied");
    expect(to.searchParams.get("state")).toBe(STATE);
    expect(to.searchParams.get("code")).toBeNull();
  });

  it("refuses a state of 7 characters with a page that says so (8 is enough)", async () => {
    const short = await page(`/oauth2/auth?${authorizeQuery({ state: "1234567" })}`);
    expect(short.status).toBe(400);
    expect(short.location).toBeNull();
    expect(short.text).toContain('role="alert"');
    expect(short.text).toContain("state: must be at least 8 characters (got 7)");
    expect((await decide("allow", { state: "1234567" })).status).toBe(400);
    expect((await page(`/oauth2/auth?${authorizeQuery({ state: "12345678" })}`)).status).toBe(200);
  });

  it("shows an error page for a redirect_uri that is not registered and never redirects to it", async () => {
    const evil = "https://evil.example/callback";
    const p = await page(`/oauth2/auth?${authorizeQuery({ redirect_uri: evil })}`);
    expect(p.status).toBe(400);
    expect(p.location).toBeNull();
    expect(p.text).toContain("redirect_uri: &#39;https://evil.example/callback&#39; is not registered");
    expect(p.text).not.toContain(`href="${evil}`);
    const posted = await decide("allow", { redirect_uri: evil });
    expect(posted.status).toBe(400);
    expect(posted.location).toBeNull();
    const hook = await consent({ redirect_uri: evil });
    expect(hook.status).toBe(400);
    expect(hook.json.error.message).toContain("redirect_uri");
    // a prefix of a registered URI is not registered either
    expect((await page(`/oauth2/auth?${authorizeQuery({ redirect_uri: `${REDIRECT}/x` })}`)).status).toBe(400);
  });

  it("names every wrong parameter: unknown client_id, response_type other than code, unknown scope, missing scope", async () => {
    const p = await page(`/oauth2/auth?${authorizeQuery({ client_id: "someone-else", response_type: "token", scope: "read admin" })}`);
    expect(p.status).toBe(400);
    expect(p.text).toContain("client_id: unknown client &#39;someone-else&#39;");
    expect(p.text).toContain("response_type: &#39;token&#39; is not supported");
    expect(p.text).toContain("scope: unknown &#39;admin&#39;");
    expect(p.text).not.toContain("redirect_uri:");
    expect((await page(`/oauth2/auth?${authorizeQuery({ scope: "" })}`)).text).toContain("scope is missing");
  });

  it("accepts another registered redirect_uri once configured (oauthRedirectUris)", async () => {
    const other = "https://ledgerlink.example/api/host/oauth/callback";
    expect((await page(`/oauth2/auth?${authorizeQuery({ redirect_uri: other })}`)).status).toBe(400);
    expect((await config({ oauthRedirectUris: [REDIRECT, other] })).status).toBe(200);
    expect((await page(`/oauth2/auth?${authorizeQuery({ redirect_uri: other })}`)).status).toBe(200);
    expect((await config({ oauthRedirectUris: ["not a url"] })).status).toBe(400);
    expect((await (await config({ reset: true })).json()).oauthRedirectUris).toEqual([REDIRECT]);
  });

  it("refuses consent with a clear page where the app is not activated (requireActivation)", async () => {
    await fetch(`${host.url}/__admin/uninstall`, { method: "POST", body: JSON.stringify({ tenant: T2 }) });
    const p = await page(`/oauth2/auth?${authorizeQuery({ tenant: T2 })}`);
    expect(p.status).toBe(403);
    expect(p.text).toContain("niet geactiveerd in de Marketplace van Fjordhandel AS");
    expect(p.text).not.toContain('value="allow"');
    const posted = await decide("allow", { tenant: T2 });
    expect(posted.status).toBe(403);
    expect(posted.location).toBeNull();
    expect((await consent({ tenant: T2 })).status).toBe(403);

    await config({ requireActivation: false });
    expect((await page(`/oauth2/auth?${authorizeQuery({ tenant: T2 })}`)).status).toBe(200);
  });
});

describe("token endpoint: authorization_code and refresh_token grants", () => {
  it("exchanges a code for tokens that work against the API for the consenting organization only", async () => {
    const r = await exchange(await codeFor({ tenant: T2 }));
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ token_type: "bearer", expires_in: 3600, scope: "read write offline" });
    expect(r.json.access_token).toEqual(expect.any(String));
    expect(r.json.refresh_token).toEqual(expect.any(String));

    const mine = api(host, r.json.access_token);
    const orgs = await mine.get("Relation_Organization?$select=ID,Name");
    expect(orgs.status).toBe(200);
    const t1Org = (await api(host, await token(host, T1)).get("Relation_Organization?$top=1")).json.value[0];
    expect(orgs.json.value.map((o: { ID: string }) => o.ID)).not.toContain(t1Org.ID);
    expect((await mine.get(`Relation_Organization(${t1Org.ID})`)).status).toBe(404);
    expect(host.state.statsJson().organizations[T2]?.total).toBe(2);
  });

  it("answers a code once: the second exchange is invalid_grant", async () => {
    const code = await codeFor();
    expect((await exchange(code)).status).toBe(200);
    const again = await exchange(code);
    expect(again.status).toBe(400);
    expect(again.json.error).toBe("invalid_grant");
    expect(again.json.error_description).toEqual(expect.any(String));
  });

  it("refuses a code with a redirect_uri other than the one it was issued for (also a registered one), and still takes the right one", async () => {
    const other = "https://ledgerlink.example/api/host/oauth/callback";
    await config({ oauthRedirectUris: [REDIRECT, other] });
    const code = await codeFor();
    const wrong = await exchange(code, other);
    expect(wrong.status).toBe(400);
    expect(wrong.json.error).toBe("invalid_grant");
    expect(wrong.json.error_description).toContain("redirect_uri");
    const missing = await tokenRequest({ grant_type: "authorization_code", code, ...CLIENT });
    expect(missing.json.error).toBe("invalid_grant");
    expect((await exchange(code)).status).toBe(200);
  });

  it("lets a code expire after authCodeTtlSeconds", async () => {
    await config({ authCodeTtlSeconds: 0 });
    const r = await exchange(await codeFor());
    expect(r.status).toBe(400);
    expect(r.json).toMatchObject({ error: "invalid_grant", error_description: "The authorization code has expired" });
  });

  it("authenticates the client by form or HTTP Basic, and refuses a wrong secret with 401 invalid_client", async () => {
    const bad = await tokenRequest({ grant_type: "authorization_code", code: await codeFor(), redirect_uri: REDIRECT, client_id: CLIENT.client_id, client_secret: "nope" });
    expect(bad.status).toBe(401);
    expect(bad.json.error).toBe("invalid_client");
    const basic = `Basic ${Buffer.from(`${CLIENT.client_id}:${CLIENT.client_secret}`).toString("base64")}`;
    const ok = await tokenRequest({ grant_type: "authorization_code", code: await codeFor(), redirect_uri: REDIRECT }, { authorization: basic });
    expect(ok.status).toBe(200);
    const noCode = await tokenRequest({ grant_type: "authorization_code", redirect_uri: REDIRECT, ...CLIENT });
    expect(noCode).toMatchObject({ status: 400, json: { error: "invalid_request" } });
    const password = await tokenRequest({ grant_type: "password", ...CLIENT });
    expect(password).toMatchObject({ status: 400, json: { error: "unsupported_grant_type" } });
  });

  it("gives no refresh token without the offline scope", async () => {
    const r = await exchange(await codeFor({ scope: "read write" }));
    expect(r.status).toBe(200);
    expect(r.json.scope).toBe("read write");
    expect(r.json).not.toHaveProperty("refresh_token");
    expect((await api(host, r.json.access_token).get("Product?$top=1")).status).toBe(200);
  });

  it("rotates refresh tokens: each refresh answers a new access and refresh token, and the old refresh token then fails", async () => {
    const first = (await exchange(await codeFor())).json;
    const r1 = await refresh(first.refresh_token);
    expect(r1.status).toBe(200);
    expect(r1.json).toMatchObject({ token_type: "bearer", expires_in: 3600, scope: "read write offline" });
    expect(r1.json.refresh_token).not.toBe(first.refresh_token);
    expect(r1.json.access_token).not.toBe(first.access_token);
    expect((await api(host, r1.json.access_token).get("Product?$top=1")).status).toBe(200);

    const reused = await refresh(first.refresh_token);
    expect(reused.status).toBe(400);
    expect(reused.json.error).toBe("invalid_grant");
    const r2 = await refresh(r1.json.refresh_token);
    expect(r2.status).toBe(200);

    const stats = await (await fetch(`${host.url}/__admin/tokens`)).json();
    expect(stats.requests).toMatchObject({ authorization_code: { issued: 1, refused: 0 }, refresh_token: { issued: 2, refused: 1 } });
    expect(stats.refreshTokens).toBe(1);
    await fetch(`${host.url}/__admin/tokens/reset`, { method: "POST" });
    expect((await (await fetch(`${host.url}/__admin/tokens`)).json()).requests).toEqual({});
  });

  it("keeps the refresh token when rotateRefreshTokens is off", async () => {
    await config({ rotateRefreshTokens: false });
    const first = (await exchange(await codeFor())).json;
    const r1 = await refresh(first.refresh_token);
    const r2 = await refresh(first.refresh_token);
    expect([r1.status, r2.status]).toEqual([200, 200]);
    expect(r1.json.refresh_token).toBe(first.refresh_token);
    expect(r2.json.access_token).not.toBe(r1.json.access_token);
  });

  it("refuses a refresh token after refreshTokenTtlSeconds", async () => {
    await config({ refreshTokenTtlSeconds: 0 });
    const r = await refresh((await exchange(await codeFor())).json.refresh_token);
    expect(r).toMatchObject({ status: 400, json: { error: "invalid_grant", error_description: "The refresh token has expired" } });
  });

  it("revokes the tokens when the app is uninstalled from the Marketplace", async () => {
    const tokens = (await exchange(await codeFor())).json;
    await fetch(`${host.url}/__admin/uninstall`, { method: "POST", body: JSON.stringify({ tenant: T1 }) });
    const r = await refresh(tokens.refresh_token);
    expect(r.status).toBe(400);
    expect(r.json.error).toBe("invalid_grant");
    expect((await api(host, tokens.access_token).get("Product")).status).toBe(401);
    await install(host, T1);
    expect((await refresh(tokens.refresh_token)).status).toBe(400);
  });

  it("leaves client credentials as they were (no refresh token, no scope)", async () => {
    const r = await tokenRequest({ grant_type: "client_credentials", scope: "read write offline", organization_id: T1, ...CLIENT });
    expect(r.status).toBe(200);
    expect(Object.keys(r.json).sort()).toEqual(["access_token", "expires_in", "token_type"]);
  });
});

describe("GetCurrentEmployee() with an authorization-code token", () => {
  const PIETER = { id: "5b0c7a52-7f43-4d8e-9a57-2f0c8e1d3b61", name: "Pieter Bakker", email: "pieter@sandbox-bv.nl", locale: "nl" as const };

  /** The seed with a second user (and employee) in Sandbox BV, so "the first user" and "the consenting user" differ. */
  function seedWithSecondUser(): SeedDocument {
    const doc = JSON.parse(readFileSync(new URL("../../sandbox/host/seed.json", import.meta.url), "utf8")) as SeedDocument;
    const t = doc.tenants!.find((x) => x.id === T1)!;
    t.users = [...(t.users ?? []), PIETER];
    const ownOrganization = (t.entities!.Relationship_Person_Contact_Employee![0]!.Relation as { ID: string }).ID;
    t.entities!.Relation_Person!.push({ ID: "9d3e52a1-6c0b-4f5e-8a41-3b7e2c9d1f08", FirstName: "Pieter", LastName: "Bakker", EmailAddress: PIETER.email });
    t.entities!.Relationship_Person_Contact_Employee!.push({
      ID: "c4a8e0f2-1b7d-4e39-9c65-8f2a7d0b3e14",
      Person: { ID: "9d3e52a1-6c0b-4f5e-8a41-3b7e2c9d1f08" },
      Relation: { ID: ownOrganization },
      EmailAddress: PIETER.email,
    });
    return doc;
  }

  it("answers the consenting user's employee, where a client-credentials token answers the installer's", async () => {
    await fetch(`${host.url}/__admin/reset`, { method: "POST", body: JSON.stringify(seedWithSecondUser()) });
    await install(host, T1);
    const installer = await api(host, await token(host, T1)).get("GetCurrentEmployee()");
    expect(installer.json.EmailAddress).toBe("sanne@sandbox-bv.nl");

    const r = await exchange(await codeFor({ user: PIETER.name }));
    const me = await api(host, r.json.access_token).get("GetCurrentEmployee()?$expand=Person");
    expect(me.status).toBe(200);
    expect(me.json.EmailAddress).toBe(PIETER.email);
    expect(me.json.Person.FirstName).toBe("Pieter");

    const refreshed = await refresh(r.json.refresh_token);
    expect((await api(host, refreshed.json.access_token).get("GetCurrentEmployee()")).json.EmailAddress).toBe(PIETER.email);
  });
});
