/**
 * The simulator's whole state: administraties, issued tokens, faults and
 * statistics. One instance per running server; `reset()` rebuilds it in
 * place so references handed out (e.g. `state` in tests) stay valid.
 */
import { randomBytes } from "node:crypto";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Administratie, Clock } from "./store";
import type { DomainOptions } from "./domain";
import type { SpecValidator } from "./spec";
import { Faults, emptyStats, type Stats } from "./faults";
import { buildAdministratie, parseSeed, readSeedFile, type AdministratieSeed, type SeedFile } from "./seed";
import type { FaultConfig, Pakket } from "./types";

export const DEFAULT_SEED_PATH = resolve(dirname(fileURLToPath(import.meta.url)), "seed.json");

export interface SimulatorConfig {
  subscriptionKey: string;
  tokenExpiresInSeconds: number;
  defaultTop: number;
  maxTop: number;
  packagesWithoutApiAccess: Pakket[];
  domain: DomainOptions;
}

interface TokenInfo {
  administratieId: string;
  expiresAt: number;
}

export class ConflictError extends Error {}

export class SimulatorState {
  readonly administraties = new Map<string, Administratie>();
  readonly tokens = new Map<string, TokenInfo>();
  readonly faults: Faults;
  stats: Stats;
  /** The seed the server started with; `reset()` without a seed returns to it. */
  private readonly initialSeed: SeedFile;

  constructor(
    readonly spec: SpecValidator,
    readonly config: SimulatorConfig,
    readonly clock: Clock,
    seed: SeedFile | string | undefined,
  ) {
    this.faults = new Faults(() => clock().getTime());
    this.stats = emptyStats(clock());
    this.initialSeed =
      typeof seed === "string" || seed === undefined ? readSeedFile(seed ?? DEFAULT_SEED_PATH) : parseSeed(seed);
    this.load(this.initialSeed);
  }

  private load(seed: SeedFile): void {
    this.administraties.clear();
    for (const a of seed.administraties) this.addAdministratie(a);
  }

  /** Back to the initial seed (or to `seed`): data, tokens, faults and stats. */
  reset(seed?: SeedFile | unknown): void {
    const next = seed === undefined ? this.initialSeed : parseSeed(seed);
    this.tokens.clear();
    this.faults.reset();
    this.stats = emptyStats(this.clock());
    this.load(next);
  }

  setFaults(partial: Partial<FaultConfig>): FaultConfig {
    return this.faults.set(partial);
  }

  addAdministratie(seed: AdministratieSeed): Administratie {
    const adm = buildAdministratie(seed, { spec: this.spec, options: this.config.domain, clock: this.clock });
    for (const other of this.administraties.values()) {
      if (other.id === adm.id) throw new ConflictError(`administratie ${adm.id} bestaat al`);
      if (other.koppelsleutel === adm.koppelsleutel) throw new ConflictError("koppelsleutel is al in gebruik");
      if (other.username.toLowerCase() === adm.username.toLowerCase())
        throw new ConflictError("gebruikersnaam is al in gebruik");
    }
    this.administraties.set(adm.id, adm);
    return adm;
  }

  /** By id, koppelsleutel or naam (case-insensitive); the first administratie when `key` is empty. */
  find(key?: string | null): Administratie | undefined {
    if (!key) return this.administraties.values().next().value;
    const k = key.toLowerCase();
    const byId = this.administraties.get(k);
    if (byId) return byId;
    for (const a of this.administraties.values())
      if (a.koppelsleutel === key || a.naam.toLowerCase() === k || a.username.toLowerCase() === k) return a;
    return undefined;
  }

  byKoppelsleutel(key: string): Administratie | undefined {
    for (const a of this.administraties.values()) if (a.koppelsleutel === key) return a;
    return undefined;
  }

  byCredentials(username: string, password: string): Administratie | undefined {
    for (const a of this.administraties.values())
      if (a.username.toLowerCase() === username.toLowerCase() && a.password === password) return a;
    return undefined;
  }

  issueToken(adm: Administratie): { access_token: string; token_type: "bearer"; expires_in: number } {
    const token = randomBytes(32).toString("base64url");
    const expiresIn = this.config.tokenExpiresInSeconds;
    this.tokens.set(token, { administratieId: adm.id, expiresAt: this.clock().getTime() + expiresIn * 1000 });
    return { access_token: token, token_type: "bearer", expires_in: expiresIn };
  }

  /** The administratie of a bearer token, or why not. */
  resolveToken(token: string | undefined): { adm: Administratie } | { error: "missing" | "invalid" | "expired" } {
    if (!token) return { error: "missing" };
    const info = this.tokens.get(token);
    if (!info) return { error: "invalid" };
    if (info.expiresAt <= this.clock().getTime()) return { error: "expired" };
    const adm = this.administraties.get(info.administratieId);
    if (!adm) return { error: "invalid" };
    return { adm };
  }

  /** Finds a verkoopfactuur in any administratie (ids are unique). */
  findFactuur(id: string): Administratie | undefined {
    for (const a of this.administraties.values()) if (a.verkoopfacturen.has(id)) return a;
    return undefined;
  }

  countRequest(route: string): void {
    this.stats.total++;
    this.stats.byRoute[route] = (this.stats.byRoute[route] ?? 0) + 1;
  }

  countStatus(status: number): void {
    this.stats.byStatus[String(status)] = (this.stats.byStatus[String(status)] ?? 0) + 1;
  }

  resetStats(): void {
    this.stats = emptyStats(this.clock());
  }
}
