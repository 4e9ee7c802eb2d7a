/**
 * Fault injection: a seeded PRNG, a sliding-window rate limiter and the
 * per-request decisions, plus request statistics.
 */
import { z } from "zod";
import { DEFAULT_FAULTS, type FaultConfig } from "./types";

const rate = z.number().min(0).max(1);
export const FaultConfigSchema = z
  .object({
    latencyMs: z.number().int().min(0).max(120_000),
    errorRate: rate,
    errorStatuses: z.array(z.number().int().min(500).max(599)).min(1),
    tooManyRequestsRate: rate,
    retryAfterSeconds: z.number().int().min(0).max(3600),
    rateLimitPerMinute: z.number().int().min(0),
    timeoutAfterWriteRate: rate,
    timeoutMode: z.enum(["destroy", "hang"]),
    seed: z.number().int(),
  })
  .partial()
  .strict();

/** mulberry32: tiny, fast, deterministic. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class Faults {
  config: FaultConfig = { ...DEFAULT_FAULTS };
  private rand = prng(DEFAULT_FAULTS.seed);
  /** administratie (or "anonymous") → timestamps of accepted calls in the last minute */
  private windows = new Map<string, number[]>();

  constructor(private readonly now: () => number) {}

  /** Replaces the whole configuration (missing keys get their defaults) and restarts the PRNG. */
  set(partial: Partial<FaultConfig>): FaultConfig {
    const parsed = FaultConfigSchema.parse(partial);
    this.config = { ...DEFAULT_FAULTS, ...parsed };
    this.rand = prng(this.config.seed);
    this.windows.clear();
    return this.config;
  }

  reset(): void {
    this.set({});
  }

  /** Sliding one-minute window. Returns Retry-After seconds when over the limit, else records the call. */
  rateLimit(key: string): number | undefined {
    const limit = this.config.rateLimitPerMinute;
    if (!limit) return undefined;
    const now = this.now();
    const since = now - 60_000;
    let w = this.windows.get(key);
    if (!w) {
      w = [];
      this.windows.set(key, w);
    }
    let drop = 0;
    while (drop < w.length && w[drop]! <= since) drop++;
    if (drop) w.splice(0, drop);
    if (w.length >= limit) {
      const oldest = w[w.length - limit]!;
      return Math.max(1, Math.ceil((oldest + 60_000 - now) / 1000));
    }
    w.push(now);
    return undefined;
  }

  /** Draws once per call so the sequence only depends on the seed and the call order. */
  injectTooManyRequests(): boolean {
    const r = this.rand();
    return this.config.tooManyRequestsRate > 0 && r < this.config.tooManyRequestsRate;
  }

  injectError(): number | undefined {
    const r = this.rand();
    if (!(this.config.errorRate > 0 && r < this.config.errorRate)) return undefined;
    const list = this.config.errorStatuses;
    return list[Math.floor(this.rand() * list.length)] ?? 500;
  }

  injectTimeoutAfterWrite(): boolean {
    const r = this.rand();
    return this.config.timeoutAfterWriteRate > 0 && r < this.config.timeoutAfterWriteRate;
  }
}

export interface Stats {
  total: number;
  /** "GET /v2/relaties/{id}" → count (admin and token calls included under their paths) */
  byRoute: Record<string, number>;
  byStatus: Record<string, number>;
  refusedByRateLimit: number;
  injectedTooManyRequests: number;
  injectedErrors: number;
  injectedTimeouts: number;
  since: string;
}

export function emptyStats(now: Date): Stats {
  return {
    total: 0,
    byRoute: {},
    byStatus: {},
    refusedByRateLimit: 0,
    injectedTooManyRequests: 0,
    injectedErrors: 0,
    injectedTimeouts: 0,
    since: now.toISOString(),
  };
}
