/** The request statistics both vendor simulators keep (`GET /__admin/stats`); each adds its own counters. */

export interface RequestStats {
  total: number;
  /** "GET /v2/…/{id}" → count (token and admin calls under their paths) */
  byRoute: Record<string, number>;
  byStatus: Record<string, number>;
  injectedTooManyRequests: number;
  injectedErrors: number;
  injectedTimeouts: number;
  since: string;
}

export function emptyRequestStats(now: Date): RequestStats {
  return {
    total: 0,
    byRoute: {},
    byStatus: {},
    injectedTooManyRequests: 0,
    injectedErrors: 0,
    injectedTimeouts: 0,
    since: now.toISOString(),
  };
}
