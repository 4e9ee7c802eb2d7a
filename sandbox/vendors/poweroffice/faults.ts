/**
 * Fault injection (a seeded PRNG deciding per call), the rate limiter per
 * subscription key, and request statistics.
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
    timeoutAfterWriteRate: rate,
    timeoutMode: z.enum(["destroy", "hang"]),
    seed: z.number().int(),
  })
  .partial()
  .strict();

/** mulberry32: tiny, fast, deterministic. */
function prng(seed: number): () => number {
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

  /** Replaces the whole configuration (missing keys get their defaults) and restarts the PRNG. */
  set(partial: Partial<FaultConfig>): FaultConfig {
    this.config = { ...DEFAULT_FAULTS, ...FaultConfigSchema.parse(partial) };
    this.rand = prng(this.config.seed);
    return this.config;
  }

  /** Each decision draws once per call, so the sequence depends only on the seed and the call order. */
  injectTooManyRequests(): boolean {
    return this.rand() < this.config.tooManyRequestsRate;
  }

  injectError(): number | undefined {
    if (!(this.rand() < this.config.errorRate)) return undefined;
    const list = this.config.errorStatuses;
    return list[Math.floor(this.rand() * list.length)]!;
  }

  injectTimeoutAfterWrite(): boolean {
    return this.rand() < this.config.timeoutAfterWriteRate;
  }
}

/**
 * "10 requests per second per subscription key" as a sliding one-second
 * window: a call is accepted when fewer than `limit` calls were accepted in
 * the 1000 ms before it. Refused calls do not count.
 */
export class RateLimiter {
  private readonly windows = new Map<string, number[]>();

  constructor(private readonly now: () => number) {}

  /** Seconds to wait when over the limit, else undefined (and the call is counted). */
  take(key: string, limit: number): number | undefined {
    if (limit <= 0) return undefined;
    const now = this.now();
    let w = this.windows.get(key);
    if (!w) this.windows.set(key, (w = []));
    while (w.length > 0 && w[0]! <= now - 1000) w.shift();
    if (w.length >= limit) return Math.max(1, Math.ceil((w[w.length - limit]! + 1000 - now) / 1000));
    w.push(now);
    return undefined;
  }

  clear(): void {
    this.windows.clear();
  }
}

export interface Stats {
  total: number;
  /** "GET /v2/Customers/{id}" → count (token and admin calls under their paths) */
  byRoute: Record<string, number>;
  /** "GET /v2/Customers/{id}" → {"200": n, "429": m} */
  byRouteAndStatus: Record<string, Record<string, number>>;
  byStatus: Record<string, number>;
  /** subscription key → calls refused by the rate limit */
  refusedByRateLimit: Record<string, number>;
  injectedTooManyRequests: number;
  injectedErrors: number;
  injectedTimeouts: number;
  since: string;
}

export function emptyStats(now: Date): Stats {
  return {
    total: 0,
    byRoute: {},
    byRouteAndStatus: {},
    byStatus: {},
    refusedByRateLimit: {},
    injectedTooManyRequests: 0,
    injectedErrors: 0,
    injectedTimeouts: 0,
    since: now.toISOString(),
  };
}
