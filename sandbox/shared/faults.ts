/**
 * The fault knobs both vendor simulators have, the seeded dice that decide
 * per call, and a sliding-window rate limiter. What a fault answers (status,
 * body, Retry-After) and the rate-limit rule (window, limit, key) stay with
 * each simulator.
 */
import type { IncomingMessage } from "node:http";
import { z } from "zod";

const rate = z.number().min(0).max(1);

/** The knobs' zod fields; a simulator adds its own and makes them `.partial().strict()`. */
export const FAULT_KNOBS = {
  latencyMs: z.number().int().min(0).max(120_000),
  errorRate: rate,
  errorStatuses: z.array(z.number().int().min(500).max(599)).min(1),
  tooManyRequestsRate: rate,
  timeoutAfterWriteRate: rate,
  timeoutMode: z.enum(["destroy", "hang"]),
  seed: z.number().int(),
};

export interface FaultKnobs {
  /** Added delay before every API answer (ms). */
  latencyMs: number;
  /** Fraction (0..1) of API calls answered with one of `errorStatuses`, picked at random, without doing anything. */
  errorRate: number;
  errorStatuses: number[];
  /** Fraction (0..1) of API calls answered 429 without doing anything. */
  tooManyRequestsRate: number;
  /** Fraction (0..1) of successful writes that are performed and then get no answer. */
  timeoutAfterWriteRate: number;
  /** "destroy" resets the socket; "hang" keeps it open and never answers. */
  timeoutMode: "destroy" | "hang";
  /** Seed of the fault PRNG: the same seed and call sequence give the same faults. */
  seed: number;
}

export const DEFAULT_FAULT_KNOBS: FaultKnobs = {
  latencyMs: 0,
  errorRate: 0,
  errorStatuses: [500, 503],
  tooManyRequestsRate: 0,
  timeoutAfterWriteRate: 0,
  timeoutMode: "destroy",
  seed: 1,
};

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

const WRITE_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/** The per-call fault decisions under a simulator's knobs `C`. */
export class FaultDice<C extends FaultKnobs> {
  config: C;
  private rand: () => number;

  constructor(
    private readonly schema: z.ZodType<Partial<C>>,
    private readonly defaults: C,
  ) {
    this.config = { ...defaults };
    this.rand = prng(defaults.seed);
  }

  /** Replaces the whole configuration (missing keys get their defaults) and restarts the PRNG. */
  set(partial: Partial<C>): C {
    this.config = { ...this.defaults, ...this.schema.parse(partial) };
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

  /**
   * Whether the answer to a successful write (`status` < 300) is lost: the
   * write happened, the client never hears. "destroy" resets the socket
   * here; with "hang" the socket stays open until the client gives up or the
   * server closes. Draws only for successful writes.
   */
  loseAnswer(req: IncomingMessage, method: string, status: number): boolean {
    if (!(WRITE_METHODS.has(method) && status < 300 && this.rand() < this.config.timeoutAfterWriteRate)) return false;
    if (this.config.timeoutMode === "destroy") req.socket.destroy();
    return true;
  }
}

/**
 * A sliding window per key: a call is accepted when fewer than `limit` calls
 * were accepted in the `windowMs` before it. Refused calls do not count.
 */
export class SlidingWindowLimiter {
  private readonly windows = new Map<string, number[]>();

  constructor(
    private readonly now: () => number,
    private readonly windowMs: number,
  ) {}

  /** Seconds to wait when over the limit, else undefined (and the call is counted). A limit of 0 is no limit. */
  take(key: string, limit: number): number | undefined {
    if (limit <= 0) return undefined;
    const now = this.now();
    let w = this.windows.get(key);
    if (!w) this.windows.set(key, (w = []));
    let drop = 0;
    while (drop < w.length && w[drop]! <= now - this.windowMs) drop++;
    if (drop) w.splice(0, drop);
    if (w.length >= limit) return Math.max(1, Math.ceil((w[w.length - limit]! + this.windowMs - now) / 1000));
    w.push(now);
    return undefined;
  }

  clear(): void {
    this.windows.clear();
  }
}
