/**
 * PowerOffice's fault knobs (the dice deciding per call are
 * sandbox/shared/faults.ts) and request statistics.
 */
import { z } from "zod";
import { FAULT_KNOBS } from "../../shared/faults";

export const FaultConfigSchema = z.object(FAULT_KNOBS).partial().strict();

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
