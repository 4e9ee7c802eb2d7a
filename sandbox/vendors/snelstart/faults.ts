/**
 * Fault injection: the shared seeded dice (sandbox/shared/faults.ts) with
 * SnelStart's knobs, the rate limit per administratie (a sliding one-minute
 * window), plus request statistics (sandbox/shared/stats.ts and the
 * refusals by the rate limit).
 */
import { z } from "zod";
import { FAULT_KNOBS, FaultDice, SlidingWindowLimiter } from "../../shared/faults";
import { emptyRequestStats, type RequestStats } from "../../shared/stats";
import { DEFAULT_FAULTS, type FaultConfig } from "./types";

export const FaultConfigSchema = z
  .object({
    ...FAULT_KNOBS,
    retryAfterSeconds: z.number().int().min(0).max(3600),
    rateLimitPerMinute: z.number().int().min(0),
  })
  .partial()
  .strict();

export class Faults extends FaultDice<FaultConfig> {
  /** administratie (or "key:…") → timestamps of accepted calls in the last minute */
  private readonly limiter: SlidingWindowLimiter;

  constructor(now: () => number) {
    super(FaultConfigSchema, DEFAULT_FAULTS);
    this.limiter = new SlidingWindowLimiter(now, 60_000);
  }

  /** Also forgets the rate-limit windows. */
  override set(partial: Partial<FaultConfig>): FaultConfig {
    const config = super.set(partial);
    this.limiter.clear();
    return config;
  }

  reset(): void {
    this.set({});
  }

  /** Retry-After seconds when over `rateLimitPerMinute`, else records the call. */
  rateLimit(key: string): number | undefined {
    return this.limiter.take(key, this.config.rateLimitPerMinute);
  }
}

export interface Stats extends RequestStats {
  refusedByRateLimit: number;
}

export function emptyStats(now: Date): Stats {
  return { ...emptyRequestStats(now), refusedByRateLimit: 0 };
}
