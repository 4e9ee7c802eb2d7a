// Everything one sandbox host instance holds: store, config, tokens, rate windows, stats,
// webhook dispatcher and the cached app manifest.

import { randomBytes, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { SignJWT } from "jose";
import { QueryEngine } from "./odata/query";
import type { EntityExtras } from "./schema";
import { Store, type Installation, type SeedDocument, type Tenant, type User, type WebhookSubscription } from "./store";
import { WebhookDispatcher } from "./webhooks";

export interface HostOptions {
  port?: number;
  appUrl?: string;
  appSecret?: string;
  webhookSecret?: string;
  clientId?: string;
  clientSecret?: string;
  /** a seed document (wins over seedFile) */
  seed?: SeedDocument;
  /** path to a seed JSON file (default sandbox/host/seed.json) */
  seedFile?: string;
}

/** How entities look and list where Tribe's documentation leaves room (docs/host-api.md, "assumed"). */
export interface EntityConfig extends EntityExtras {
  /** without `$orderby`, list rows in creation order; otherwise in an order that changes on every call */
  stableDefaultOrder: boolean;
}

export const DEFAULT_ENTITY_CONFIG: EntityConfig = {
  houseNumberFields: false,
  assumedActivityFields: true,
  stableDefaultOrder: false,
};

export interface HostConfig extends EntityConfig {
  rateLimitPerMinute: number;
  /** send Retry-After (seconds) on 429; null = no header (Tribe's documented behaviour) */
  retryAfterSeconds: number | null;
  latencyMs: number;
  /** total delivery attempts (default 5) */
  webhookRetries: number;
  webhookBackoffMs: number;
  webhookTimeoutMs: number;
  webhookUrlOverride: string | null;
  /** the header the signature is sent in (Tribe does not publish its name) */
  webhookSignatureHeader: string;
  /** a header naming each delivery, the same on its retries; null = none (Tribe documents none) */
  webhookDeliveryHeader: string | null;
  /** add the mutation's type, entity type and changed fields to the payload (Tribe documents none of them) */
  webhookPayloadExtras: boolean;
  /** Activate in the Marketplace also subscribes the manifest's webhooks (not a Tribe feature: apps subscribe through /v1/webhooks) */
  subscribeOnActivate: boolean;
  /** access-token lifetime (Tribe's: NOT FOUND, clients read `expires_in`) */
  tokenTtlSeconds: number;
  /** tokens and consents only for organizations where the app is activated */
  requireActivation: boolean;
  /** redirect URIs registered for the app; per instance the default is `<appUrl>/api/host/oauth/callback` (HostState.defaultConfig) */
  oauthRedirectUris: string[];
  /** scopes the authorization endpoint accepts (Tribe's list: NOT FOUND; these are the ones Efficy's code sends) */
  oauthScopes: string[];
  /** an authorization code expires this long after the consent */
  authCodeTtlSeconds: number;
  /** each refresh answers a new refresh token and invalidates the one used (Hydra's behaviour) */
  rotateRefreshTokens: boolean;
  /** refresh-token lifetime; null = until used or revoked (Tribe's: NOT FOUND) */
  refreshTokenTtlSeconds: number | null;
}

export const DEFAULT_CONFIG: HostConfig = {
  rateLimitPerMinute: 1000,
  retryAfterSeconds: null,
  latencyMs: 0,
  webhookRetries: 5,
  webhookBackoffMs: 1000,
  webhookTimeoutMs: 10_000,
  webhookUrlOverride: null,
  webhookSignatureHeader: "X-Tribe-Signature",
  webhookDeliveryHeader: null,
  webhookPayloadExtras: false,
  subscribeOnActivate: false,
  tokenTtlSeconds: 3600,
  requireActivation: true,
  oauthRedirectUris: [],
  oauthScopes: ["read", "write", "offline"],
  authCodeTtlSeconds: 600,
  rotateRefreshTokens: true,
  refreshTokenTtlSeconds: null,
  ...DEFAULT_ENTITY_CONFIG,
};

export interface TokenInfo {
  tenantId: string;
  clientId: string;
  expiresAt: number;
  /** the user who consented (authorization-code and refresh grants); client-credentials tokens have none */
  userId?: string;
}

/** What a consent granted: the grant behind an authorization code and its refresh tokens. */
export interface Grant {
  clientId: string;
  tenantId: string;
  userId: string;
  scopes: string[];
}

export interface AuthorizationCode extends Grant {
  redirectUri: string;
  expiresAt: number;
}

export interface RefreshToken extends Grant {
  /** null: no expiry */
  expiresAt: number | null;
}

export interface TokenResponse {
  access_token: string;
  token_type: "bearer";
  expires_in: number;
  refresh_token?: string;
  scope?: string;
}

export interface OrgStats {
  total: number;
  rateLimited: number;
  byMethod: Record<string, number>;
  byEntitySet: Record<string, number>;
  byMethodAndEntitySet: Record<string, number>;
}

export interface Manifest {
  id: string;
  name: Record<string, string>;
  description?: Record<string, string>;
  category?: string;
  icon?: string;
  listings: {
    id: string;
    name: Record<string, string>;
    description?: Record<string, string>;
    category?: string;
    icon?: string;
    entryUrl: string;
  }[];
  scopes?: string[];
  webhooks?: { url: string; events: string[] };
  frameAncestors?: string[];
}

class SlidingWindow {
  private hits: number[] = [];
  private head = 0;
  /** Record a hit if under `limit` within `windowMs`; answer whether it was allowed. */
  hit(now: number, limit: number, windowMs = 60_000): boolean {
    while (this.head < this.hits.length && this.hits[this.head]! <= now - windowMs) this.head++;
    if (this.head > 1024 && this.head * 2 > this.hits.length) {
      this.hits = this.hits.slice(this.head);
      this.head = 0;
    }
    if (this.hits.length - this.head >= limit) return false;
    this.hits.push(now);
    return true;
  }
}

export class HostState {
  readonly store = new Store(() => this.config);
  readonly query = new QueryEngine(this.store);
  readonly webhooks: WebhookDispatcher;
  config: HostConfig = { ...DEFAULT_CONFIG };
  tokens = new Map<string, TokenInfo>();
  authCodes = new Map<string, AuthorizationCode>();
  refreshTokens = new Map<string, RefreshToken>();
  /** token requests per grant_type: answered with a token, or refused */
  tokenRequests = new Map<string, { issued: number; refused: number }>();
  private windows = new Map<string, SlidingWindow>();
  stats = new Map<string, OrgStats>();
  statsSince = new Date().toISOString();
  manifest: Manifest | null = null;
  /** the user's locale per tenant+user id (UI setting) */
  locales = new Map<string, "nl" | "fr" | "en">();

  readonly appUrl: string;
  readonly appSecret: string;
  readonly webhookSecret: string;
  readonly clientId: string;
  readonly clientSecret: string;
  private readonly seedDoc: SeedDocument;

  constructor(opts: HostOptions) {
    this.appUrl = (opts.appUrl ?? "http://127.0.0.1:3000").replace(/\/+$/, "");
    this.appSecret = opts.appSecret ?? "dev-app-secret-change-me";
    this.webhookSecret = opts.webhookSecret ?? "dev-webhook-secret";
    this.clientId = opts.clientId ?? "ledgerlink";
    this.clientSecret = opts.clientSecret ?? "sandbox-client-secret";
    this.seedDoc = opts.seed ?? (JSON.parse(readFileSync(opts.seedFile ?? new URL("./seed.json", import.meta.url), "utf8")) as SeedDocument);
    this.webhooks = new WebhookDispatcher(this.store, () => ({
      secret: this.webhookSecret,
      attempts: this.config.webhookRetries,
      backoffMs: this.config.webhookBackoffMs,
      timeoutMs: this.config.webhookTimeoutMs,
      urlOverride: this.config.webhookUrlOverride,
      signatureHeader: this.config.webhookSignatureHeader,
      deliveryHeader: this.config.webhookDeliveryHeader,
      payloadExtras: this.config.webhookPayloadExtras,
    }));
    this.store.onMutation((e) => this.webhooks.onMutation(e));
    this.reset();
  }

  /** Back to the seed (or to `doc`) and the default config. Only the manifest cache survives. */
  reset(doc?: SeedDocument) {
    this.config = this.defaultConfig();
    this.webhooks.reset();
    this.store.clear();
    this.tokens.clear();
    this.authCodes.clear();
    this.refreshTokens.clear();
    this.tokenRequests.clear();
    this.windows.clear();
    this.locales.clear();
    this.resetStats();
    this.store.load(doc ?? this.seedDoc);
  }

  defaultConfig(): HostConfig {
    return { ...DEFAULT_CONFIG, oauthRedirectUris: [`${this.appUrl}/api/host/oauth/callback`] };
  }

  resetStats() {
    this.stats.clear();
    this.statsSince = new Date().toISOString();
  }

  // ------------------------------------------------------------ tokens and limits

  issueToken(tenantId: string, userId?: string): TokenResponse {
    const token = randomBytes(32).toString("base64url");
    const ttl = this.config.tokenTtlSeconds;
    this.tokens.set(token, { tenantId, clientId: this.clientId, expiresAt: Date.now() + ttl * 1000, ...(userId ? { userId } : {}) });
    return { access_token: token, token_type: "bearer", expires_in: ttl };
  }

  /**
   * An access token for a consent's grant, and a refresh token when the grant has the `offline` scope
   * (as Hydra does): a new one, or `keptRefreshToken` again when refresh tokens do not rotate.
   */
  issueGrantTokens(grant: Grant, keptRefreshToken?: string): TokenResponse {
    const out: TokenResponse = { ...this.issueToken(grant.tenantId, grant.userId), scope: grant.scopes.join(" ") };
    if (!grant.scopes.includes("offline")) return out;
    if (keptRefreshToken) return { ...out, refresh_token: keptRefreshToken };
    const refresh = randomBytes(32).toString("base64url");
    const ttl = this.config.refreshTokenTtlSeconds;
    this.refreshTokens.set(refresh, { ...grant, expiresAt: ttl == null ? null : Date.now() + ttl * 1000 });
    return { ...out, refresh_token: refresh };
  }

  countTokenRequest(grantType: string, issued: boolean) {
    let c = this.tokenRequests.get(grantType);
    if (!c) this.tokenRequests.set(grantType, (c = { issued: 0, refused: 0 }));
    if (issued) c.issued++;
    else c.refused++;
  }

  isActivated(t: Tenant): boolean {
    return t.installations.size > 0;
  }

  /** Count a call; answer false when over the sliding-window limit. */
  countCall(tenantId: string, clientId: string, method: string, set: string): boolean {
    let s = this.stats.get(tenantId);
    if (!s) this.stats.set(tenantId, (s = { total: 0, rateLimited: 0, byMethod: {}, byEntitySet: {}, byMethodAndEntitySet: {} }));
    s.total++;
    s.byMethod[method] = (s.byMethod[method] ?? 0) + 1;
    s.byEntitySet[set] = (s.byEntitySet[set] ?? 0) + 1;
    const k = `${method} ${set}`;
    s.byMethodAndEntitySet[k] = (s.byMethodAndEntitySet[k] ?? 0) + 1;
    const key = `${clientId}\u0000${tenantId}`;
    let w = this.windows.get(key);
    if (!w) this.windows.set(key, (w = new SlidingWindow()));
    const ok = w.hit(Date.now(), this.config.rateLimitPerMinute);
    if (!ok) s.rateLimited++;
    return ok;
  }

  statsJson() {
    const organizations: Record<string, OrgStats & { name: string }> = {};
    let total = 0;
    for (const [id, s] of this.stats) {
      organizations[id] = { name: this.store.tenant(id)?.name ?? id, ...s };
      total += s.total;
    }
    return { since: this.statsSince, total, organizations };
  }

  // ------------------------------------------------------------ marketplace

  locale(t: Tenant, user: User): "nl" | "fr" | "en" {
    return this.locales.get(`${t.id}:${user.id}`) ?? user.locale ?? "nl";
  }

  async fetchManifest(): Promise<Manifest> {
    const url = `${this.appUrl}/api/host/manifest`;
    const res = await fetch(url, { signal: AbortSignal.timeout(15_000), headers: { accept: "application/json" } });
    if (!res.ok) throw new Error(`${url} answered HTTP ${res.status}`);
    const m = (await res.json()) as Manifest;
    if (!m || typeof m.id !== "string" || !Array.isArray(m.listings)) throw new Error(`${url} is not an app manifest`);
    this.manifest = m;
    return m;
  }

  resolveAppUrl(u: string): string {
    return new URL(u, `${this.appUrl}/`).toString();
  }

  /** `subscribe`: also subscribe the manifest's webhooks (the test hook asks for it; the Marketplace only when configured) */
  activate(t: Tenant, user: User, manifest: Manifest, listingId: string, subscribe = this.config.subscribeOnActivate): Installation {
    let inst = t.installations.get(listingId);
    if (!inst) {
      inst = {
        id: randomUUID(),
        tenantId: t.id,
        appId: manifest.id,
        listingId,
        userId: user.id,
        createdAt: new Date().toISOString(),
        webhookIds: [],
      };
      t.installations.set(listingId, inst);
    }
    if (manifest.webhooks?.url && subscribe) {
      const url = this.resolveAppUrl(manifest.webhooks.url);
      for (const entityType of manifest.webhooks.events ?? []) {
        const exists = [...t.webhooks.values()].some((w) => w.url === url && w.entityType === entityType);
        if (exists) continue;
        const sub = this.subscribe(t, entityType, url, inst.id);
        inst.webhookIds.push(sub.id);
      }
    }
    return inst;
  }

  deactivate(t: Tenant, listingId: string) {
    const inst = t.installations.get(listingId);
    if (!inst) return;
    t.installations.delete(listingId);
    // subscriptions are shared by the app's listings: drop them with the last installation
    const remaining = [...t.installations.values()].filter((i) => i.appId === inst.appId);
    if (remaining.length === 0) {
      for (const [id, w] of t.webhooks) if (w.installationId) t.webhooks.delete(id);
    }
    if (t.installations.size === 0) {
      for (const map of [this.tokens, this.authCodes, this.refreshTokens]) for (const [tok, info] of map) if (info.tenantId === t.id) map.delete(tok);
    }
  }

  subscribe(t: Tenant, entityType: string, url: string, installationId?: string, headers?: Record<string, string>): WebhookSubscription {
    const sub: WebhookSubscription = {
      id: randomUUID(),
      organizationId: t.id,
      entityType,
      url,
      ...(headers ? { headers } : {}),
      createdAt: new Date().toISOString(),
      ...(installationId ? { installationId } : {}),
    };
    t.webhooks.set(sub.id, sub);
    return sub;
  }

  /** The iframe session token (docs/host-api.md § Marketplace and the iframe). */
  async iframeToken(t: Tenant, user: User, opts: { aud?: string; locale?: string; ttlSeconds?: number } = {}): Promise<string> {
    const iat = Math.floor(Date.now() / 1000);
    const locale = opts.locale && ["nl", "fr", "en"].includes(opts.locale) ? opts.locale : this.locale(t, user);
    return new SignJWT({ tenant_id: t.id, tenant_name: t.name, user_name: user.name, locale })
      .setProtectedHeader({ alg: "HS256", typ: "JWT" })
      .setIssuer("sandbox-host")
      .setAudience(opts.aud ?? this.manifest?.id ?? this.clientId)
      .setSubject(user.id)
      .setJti(randomUUID())
      .setIssuedAt(iat)
      .setExpirationTime(iat + (opts.ttlSeconds ?? 300))
      .sign(new TextEncoder().encode(this.appSecret));
  }
}
