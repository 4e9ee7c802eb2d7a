/**
 * The simulator's whole state: keys, clients, issued tokens, settings,
 * faults, the rate limiter and statistics. One instance per running server;
 * `reset()` rebuilds it in place so references handed out stay valid.
 */
import { randomBytes } from "node:crypto";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { DEFAULT_FAULT_KNOBS, FaultDice, SlidingWindowLimiter, type FaultKnobs } from "../../shared/faults";
import { emptyStats, FaultConfigSchema, type Stats } from "./faults";
import { buildClient, parseSeed, readSeedFile, type ClientSeed, type SeedFile } from "./seed";
import type { Spec } from "./spec";
import { IdSequence, type Client, type Clock } from "./store";
import type { Environment, Settings } from "./types";

export const DEFAULT_SEED_PATH = resolve(dirname(fileURLToPath(import.meta.url)), "seed.json");

export const SettingsSchema = z
  .object({
    tokenExpiresInSeconds: z.number().int().min(1),
    rateLimitPerSecond: z.number().int().min(0),
    retryAfterHeader: z.boolean(),
    pagingHeaders: z.enum(["none", "x-pagination"]),
    defaultPageSize: z.number().int().min(1),
    maxPageSize: z.number().int().min(1),
    defaultPaymentTermDays: z.number().int().min(0),
  })
  .partial()
  .strict();

export interface KeyOverrides {
  applicationKey?: string;
  subscriptionKeys?: string[];
}

interface TokenInfo {
  clientId: string;
  applicationKey: string;
  environment: Environment;
  expiresAt: number;
}

export type TokenCheck = { client: Client; applicationKey: string } | { error: "invalid" | "expired" | "environment" };

export class ConflictError extends Error {}

export class SimulatorState {
  readonly clients = new Map<string, Client>();
  readonly tokens = new Map<string, TokenInfo>();
  readonly faults = new FaultDice(FaultConfigSchema, DEFAULT_FAULT_KNOBS);
  /** `settings.rateLimitPerSecond` per subscription key, as a sliding one-second window */
  readonly rateLimiter: SlidingWindowLimiter;
  stats: Stats;
  settings: Settings;
  applicationKey = "";
  applicationName = "";
  subscriptionKeys: string[] = [];
  private ids = new IdSequence();
  private vatCodes: Array<Record<string, unknown>> = [];
  private readonly initialSeed: SeedFile;

  constructor(
    readonly spec: Spec,
    readonly clock: Clock,
    seed: SeedFile | string | undefined,
    private readonly initialSettings: Settings,
    private readonly keyOverrides: KeyOverrides,
  ) {
    this.rateLimiter = new SlidingWindowLimiter(() => clock().getTime(), 1000);
    this.stats = emptyStats(clock());
    this.settings = { ...initialSettings };
    this.initialSeed = typeof seed === "string" || seed === undefined ? readSeedFile(seed ?? DEFAULT_SEED_PATH) : parseSeed(seed);
    this.load(this.initialSeed);
  }

  /** Builds every client of the seed first, so a seed that fails leaves the current state as it was. */
  private load(raw: SeedFile): void {
    const seed = parseSeed(raw);
    const ids = new IdSequence();
    const clients = new Map<string, Client>();
    for (const c of seed.clients) this.addClient(c, clients, ids, seed.vatCodes);
    this.applicationKey = this.keyOverrides.applicationKey ?? seed.applicationKey;
    this.applicationName = seed.applicationName;
    this.subscriptionKeys = this.keyOverrides.subscriptionKeys ?? seed.subscriptionKeys;
    this.vatCodes = seed.vatCodes;
    this.ids = ids;
    this.clients.clear();
    for (const [id, c] of clients) this.clients.set(id, c);
  }

  /** Back to the start seed (or to `seed`): data, tokens, settings, faults, rate windows and stats. */
  reset(seed?: SeedFile): void {
    const next = seed === undefined ? this.initialSeed : seed;
    this.load(next);
    this.tokens.clear();
    this.settings = { ...this.initialSettings };
    this.faults.set({});
    this.rateLimiter.clear();
    this.stats = emptyStats(this.clock());
  }

  setFaults(partial: Partial<FaultKnobs>): FaultKnobs {
    return this.faults.set(partial);
  }

  /** Changes some settings (the others stay). */
  setSettings(partial: Partial<Settings>): Settings {
    this.settings = { ...this.settings, ...SettingsSchema.parse(partial) };
    return this.settings;
  }

  /** Adds a client (seed format); ids and client keys must be new. */
  addClient(seed: ClientSeed, into = this.clients, ids = this.ids, vatCodes = this.vatCodes): Client {
    const client = buildClient(seed, { spec: this.spec, settings: this.settings, ids, clock: this.clock, vatCodes });
    for (const other of into.values()) {
      if (other.id === client.id) throw new ConflictError(`client ${client.id} already exists`);
      if (other.info.clientKey === client.info.clientKey) throw new ConflictError("that client key is already in use");
    }
    into.set(client.id, client);
    return client;
  }

  /** By id, client key or name (case-insensitive); the first client when `key` is empty. */
  find(key?: string | null): Client | undefined {
    if (!key) return this.clients.values().next().value;
    const byId = this.clients.get(key.toLowerCase());
    if (byId) return byId;
    const k = key.toLowerCase();
    for (const c of this.clients.values()) if (c.info.clientKey === key || c.info.name.toLowerCase() === k) return c;
    return undefined;
  }

  byClientKey(key: string, environment: Environment): Client | undefined {
    for (const c of this.clients.values()) if (c.info.clientKey === key && c.info.environment === environment) return c;
    return undefined;
  }

  issueToken(client: Client, applicationKey: string): { access_token: string; token_type: "bearer"; expires_in: number } {
    const token = randomBytes(32).toString("base64url");
    const expiresIn = this.settings.tokenExpiresInSeconds;
    this.tokens.set(token, {
      clientId: client.id,
      applicationKey,
      environment: client.info.environment,
      expiresAt: this.clock().getTime() + expiresIn * 1000,
    });
    return { access_token: token, token_type: "bearer", expires_in: expiresIn };
  }

  resolveToken(token: string, environment: Environment): TokenCheck {
    const info = this.tokens.get(token);
    const client = info && this.clients.get(info.clientId);
    if (!info || !client) return { error: "invalid" };
    if (info.environment !== environment) return { error: "environment" };
    if (info.expiresAt <= this.clock().getTime()) return { error: "expired" };
    return { client, applicationKey: info.applicationKey };
  }

  /** Counts one answered (or dropped) request. */
  record(route: string, status: number | "dropped"): void {
    const s = this.stats;
    s.total++;
    s.byRoute[route] = (s.byRoute[route] ?? 0) + 1;
    const byStatus = (s.byRouteAndStatus[route] ??= {});
    byStatus[String(status)] = (byStatus[String(status)] ?? 0) + 1;
    s.byStatus[String(status)] = (s.byStatus[String(status)] ?? 0) + 1;
  }

  resetStats(): void {
    this.stats = emptyStats(this.clock());
  }
}
