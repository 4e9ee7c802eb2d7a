/**
 * A tenant's connection to Tribe through the authorization-code flow Tribe documents for
 * marketplace integrations: the organisation's administrator consents once on Tribe's auth
 * server; the refresh token that gives is kept sealed and used, one caller at a time across
 * every process, to get access tokens (each refresh token works once).
 */
import { randomBytes } from "node:crypto";
import { and, eq, gt, lt } from "drizzle-orm";
import { config } from "@/lib/config";
import { decryptJson, encryptJson } from "@/lib/crypto";
import type { Db } from "@/lib/db";
import { schema } from "@/lib/db";
import type { TokenSource } from "@/lib/http/token-cache";
import type { LogMessage } from "@/lib/sync/types";
import { createTribeHostAdapter } from "./adapter";
import { authorizeUrl, requestTribeToken, TribeAuthError, type TribeAuthServer } from "./auth";
import { createTribeClient } from "./client";

/** Where Tribe's auth server sends the administrator back after the consent. */
export const CALLBACK_PATH = "/api/host/oauth/callback";
/** How long a consent may take before its state is no longer accepted. */
const STATE_TTL_MS = 15 * 60_000;

export function authServer(): TribeAuthServer {
  const c = config();
  return { url: c.HOST_AUTH_URL, clientId: c.HOST_CLIENT_ID, clientSecret: c.HOST_CLIENT_SECRET, scope: c.HOST_OAUTH_SCOPE };
}

export function redirectUri(): string {
  return new URL(CALLBACK_PATH, config().LEDGERLINK_APP_URL).toString();
}

const sealContext = (tenantId: string) => `host-connection:${tenantId}`;

/** Ledgerlink has no consent of the tenant's CRM (never given, or withdrawn): someone must give it again. */
export class HostNotConnectedError extends Error {
  constructor(tenantId: string) {
    super(`Tribe CRM of tenant ${tenantId} has not given Ledgerlink access (or no longer does)`);
    this.name = "HostNotConnectedError";
  }
  get logMessage(): LogMessage {
    return { key: "host.errors.notConnected" };
  }
}

/**
 * The address of Tribe's consent page for this tenant; the state it carries is kept to check the
 * callback. The page waiting for the consent renders again every few seconds: while a state has
 * more than half its life left it is offered again, not a new one each time.
 */
export async function beginConsent(db: Db, tenantId: string, locale: string): Promise<string> {
  const s = schema.oauthStates;
  const [fresh] = await db
    .select({ state: s.state })
    .from(s)
    .where(and(eq(s.tenantId, tenantId), eq(s.locale, locale), gt(s.expiresAt, new Date(Date.now() + STATE_TTL_MS / 2))))
    .limit(1);
  if (fresh) return authorizeUrl(authServer(), { redirectUri: redirectUri(), state: fresh.state });
  await db.delete(s).where(and(eq(s.tenantId, tenantId), lt(s.expiresAt, new Date())));
  const state = randomBytes(24).toString("base64url");
  await db.insert(s).values({ state, tenantId, locale, expiresAt: new Date(Date.now() + STATE_TTL_MS) });
  return authorizeUrl(authServer(), { redirectUri: redirectUri(), state });
}

export type ConsentOutcome =
  | { ok: true; tenantId: string; locale: string; connectedBy: string | null }
  | { ok: false; reason: "unknown_state" | "denied" | "no_offline_access" | "refused"; locale: string | null; detail?: string };

/**
 * The callback of the consent: the state must be one this app issued (once, in time); the code
 * is exchanged, and the refresh token kept for the state's tenant, with who consented.
 */
export async function completeConsent(db: Db, q: { state: string; code?: string; error?: string }): Promise<ConsentOutcome> {
  const [issued] = await db
    .delete(schema.oauthStates)
    .where(and(eq(schema.oauthStates.state, q.state), gt(schema.oauthStates.expiresAt, new Date())))
    .returning();
  if (!issued) return { ok: false, reason: "unknown_state", locale: null };
  if (q.error || !q.code) return { ok: false, reason: "denied", locale: issued.locale, detail: q.error };
  let tokens;
  try {
    tokens = await requestTribeToken(authServer(), { grant_type: "authorization_code", code: q.code, redirect_uri: redirectUri() });
  } catch (err) {
    if (err instanceof TribeAuthError) return { ok: false, reason: "refused", locale: issued.locale, detail: err.code };
    throw err;
  }
  if (!tokens.refresh_token) return { ok: false, reason: "no_offline_access", locale: issued.locale };
  const connectedBy = await whoConsented(issued.tenantId, tokens.access_token, tokens.expires_in);
  const sealed = encryptJson({ refreshToken: tokens.refresh_token }, sealContext(issued.tenantId));
  const keyId = sealed.split(".")[1]!;
  await db
    .insert(schema.hostConnections)
    .values({ tenantId: issued.tenantId, sealed, keyId, connectedBy })
    .onConflictDoUpdate({ target: schema.hostConnections.tenantId, set: { sealed, keyId, connectedBy, connectedAt: new Date(), updatedAt: new Date() } });
  return { ok: true, tenantId: issued.tenantId, locale: issued.locale, connectedBy };
}

/** Tribe's GetCurrentEmployee() with the fresh token: the user the overview names as having connected. */
async function whoConsented(tenantId: string, accessToken: string, expiresInSeconds: number): Promise<string | null> {
  const c = config();
  const client = createTribeClient({
    apiUrl: c.HOST_API_URL,
    clientId: c.HOST_CLIENT_ID,
    clientSecret: c.HOST_CLIENT_SECRET,
    organizationId: tenantId,
    token: async () => ({ accessToken, expiresInSeconds }),
  });
  const me = await createTribeHostAdapter(client).currentUser();
  return me.email ? `${me.name} (${me.email})` : me.name;
}

/** Who gave the tenant's consent, and when; null when there is none. */
export async function hostConnectionOf(db: Db, tenantId: string): Promise<{ connectedBy: string | null; connectedAt: Date } | null> {
  const [row] = await db
    .select({ connectedBy: schema.hostConnections.connectedBy, connectedAt: schema.hostConnections.connectedAt })
    .from(schema.hostConnections)
    .where(eq(schema.hostConnections.tenantId, tenantId));
  return row ?? null;
}

export async function forgetHostConnection(db: Db, tenantId: string): Promise<void> {
  await db.delete(schema.hostConnections).where(eq(schema.hostConnections.tenantId, tenantId));
}

/**
 * Access tokens from the tenant's refresh token. The row is locked while refreshing, so two
 * processes never spend the same refresh token (the second waits and uses the one the first
 * stored). A refresh token Tribe refuses means the consent is gone: the connection is dropped
 * and the user asked to consent again.
 */
export function refreshingTokenSource(getDb: () => Promise<Db>, tenantId: string): TokenSource {
  return async () => {
    const db = await getDb();
    try {
      return await db.transaction(async (tx) => {
        const [row] = await tx.select().from(schema.hostConnections).where(eq(schema.hostConnections.tenantId, tenantId)).for("update");
        if (!row) throw new HostNotConnectedError(tenantId);
        const { refreshToken } = decryptJson<{ refreshToken: string }>(row.sealed, sealContext(tenantId));
        const answer = await requestTribeToken(authServer(), { grant_type: "refresh_token", refresh_token: refreshToken });
        if (answer.refresh_token && answer.refresh_token !== refreshToken) {
          const sealed = encryptJson({ refreshToken: answer.refresh_token }, sealContext(tenantId));
          await tx.update(schema.hostConnections).set({ sealed, keyId: sealed.split(".")[1]!, updatedAt: new Date() }).where(eq(schema.hostConnections.tenantId, tenantId));
        }
        return { accessToken: answer.access_token, expiresInSeconds: answer.expires_in };
      });
    } catch (err) {
      if (err instanceof TribeAuthError && err.code === "invalid_grant") {
        await forgetHostConnection(db, tenantId);
        throw new HostNotConnectedError(tenantId);
      }
      throw err;
    }
  };
}
