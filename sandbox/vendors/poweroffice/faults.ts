/**
 * PowerOffice's fault knobs (the dice deciding per call are
 * sandbox/shared/faults.ts) and request statistics (sandbox/shared/stats.ts
 * and PowerOffice's own counters).
 */
import { z } from "zod";
import { FAULT_KNOBS } from "../../shared/faults";
import { emptyRequestStats, type RequestStats } from "../../shared/stats";

export const FaultConfigSchema = z.object(FAULT_KNOBS).partial().strict();

export interface Stats extends RequestStats {
  /** "GET /v2/Customers/{id}" → {"200": n, "429": m} */
  byRouteAndStatus: Record<string, Record<string, number>>;
  /** subscription key → calls refused by the rate limit */
  refusedByRateLimit: Record<string, number>;
}

export function emptyStats(now: Date): Stats {
  return { ...emptyRequestStats(now), byRouteAndStatus: {}, refusedByRateLimit: {} };
}
