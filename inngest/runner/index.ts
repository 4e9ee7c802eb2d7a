import { Cron } from "croner";
import { InngestTestEngine } from "@inngest/test";
import { NonRetriableError, RetryAfterError, type InngestFunction } from "inngest";
import { onEventsSent, type SentEvent } from "./transport";

/* eslint-disable @typescript-eslint/no-explicit-any */
type AnyFunction = InngestFunction.Any;

export type RunRecord = {
  functionId: string;
  event: SentEvent;
  status: "running" | "completed" | "failed";
  attempts: number;
  result?: unknown;
  error?: string;
  /** the error of each failed attempt, in order */
  errors: string[];
  /** when it ended (ms since the epoch) */
  finishedAt?: number;
};

export type Runner = {
  /** resolves when no run is under way and no event waits */
  idle(): Promise<void>;
  runs: RunRecord[];
  stop(): void;
};

/**
 * The wait a failed run asks for, in ms, or null: RetryAfterError keeps `retryAfter` as whole
 * seconds in a string, or as an ISO date (inngest's own encoding; "2" is not a date). A run's
 * error as @inngest/test returns it is serialized without `retryAfter`: `retryDelayReader`
 * reads the execution's own `retriable` instead.
 */
export function requestedRetryDelayMs(error: unknown, now = Date.now()): number | null {
  const ra = (error as { retryAfter?: unknown } | null)?.retryAfter;
  if (typeof ra !== "string" || ra.trim() === "") return null;
  if (/^\d+(\.\d+)?$/.test(ra.trim())) return Number(ra) * 1000;
  const at = Date.parse(ra);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/**
 * Reads the wait a failed run of this engine asked for, in ms, or null. @inngest/test drops it
 * from `execute()`'s answer; its (private) `individualExecution` result keeps it as `retriable`
 * (true, false, or a RetryAfterError's delay in seconds or as a date). When that shape changes
 * the reader answers null, and callers back off as for any error.
 */
export function retryDelayReader(engine: InngestTestEngine): (error: unknown) => number | null {
  let retriable: unknown;
  const inner = (engine as any).individualExecution;
  if (typeof inner === "function") {
    (engine as any).individualExecution = async (...args: unknown[]) => {
      const out = await inner.apply(engine, args);
      retriable = out?.result?.retriable;
      return out;
    };
  }
  return (error) => {
    if (!(error instanceof RetryAfterError) && (error as { name?: unknown } | null)?.name !== "RetryAfterError") return null;
    const said = typeof retriable === "string" || typeof retriable === "number" ? requestedRetryDelayMs({ retryAfter: String(retriable) }) : null;
    return requestedRetryDelayMs(error) ?? said;
  };
}

type Trigger = { event?: string; cron?: string; if?: string };

function triggersOf(fn: AnyFunction): Trigger[] {
  const raw = ((fn as any).opts?.triggers ?? []) as Array<Trigger | { name: string }>;
  return raw.map((t) => ("name" in t && typeof t.name === "string" ? { event: t.name } : (t as Trigger)));
}

function retriesOf(fn: AnyFunction): number {
  const r = (fn as any).opts?.retries;
  return typeof r === "number" ? r : 3;
}

/** A key expression's value for an event: ours are CEL that only join event.data fields and string literals with +. */
function keyValue(expression: string, event: SentEvent): string {
  return String(expression)
    .split("+")
    .map((part) => {
      const p = part.trim();
      if (/^'.*'$/.test(p)) return p.slice(1, -1);
      return String((event.data as any)?.[p.replace(/^event\.data\./, "")] ?? "");
    })
    .join("");
}

function concurrencyKey(fn: AnyFunction, event: SentEvent): string | null {
  // Serialise runs per installation, as the functions' concurrency keys ask of Inngest.
  const c = (fn as any).opts?.concurrency;
  const conf = Array.isArray(c) ? c[0] : c;
  if (!conf || typeof conf !== "object" || !conf.key) return null;
  return `${fn.id()}:${keyValue(conf.key, event)}`;
}

type Batching = { maxSize: number; timeoutMs: number; key?: string };

function batchingOf(fn: AnyFunction): Batching | null {
  const b = (fn as any).opts?.batchEvents;
  if (!b) return null;
  return { maxSize: b.maxSize, timeoutMs: durationMs(b.timeout), key: b.key };
}

/** "1s", "500ms", "2m" → ms (the forms Inngest's flow control takes). */
export function durationMs(v: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(String(v).trim());
  if (!m) throw new Error(`not a duration: ${v}`);
  return Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as "ms" | "s" | "m" | "h"];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Dev-only stand-in for an Inngest server: runs the same function objects, in this process,
 * for every event the app sends and for every cron trigger, with retries and step memoisation.
 */
export function startInProcessRunner(
  functions: AnyFunction[],
  opts: { crons?: boolean; log?: (msg: string) => void; backoffMs?: number; /** the newest runs kept in `runs` (default 1000) */ keepRuns?: number } = {},
): Runner {
  if (process.env.NODE_ENV === "production") {
    throw new Error("The in-process job runner is for development only; use Inngest Cloud or `inngest start` in production.");
  }
  const log = opts.log ?? ((m: string) => console.log(`[jobs] ${m}`));
  const backoffMs = opts.backoffMs ?? 1000;
  const runs: RunRecord[] = [];
  const chains = new Map<string, Promise<void>>();
  let pending = 0;
  let waiters: Array<() => void> = [];

  const settle = () => {
    if (pending === 0) {
      const w = waiters;
      waiters = [];
      w.forEach((f) => f());
    }
  };

  async function execute(fn: AnyFunction, events: SentEvent[], record: RunRecord) {
    const engine = new InngestTestEngine({ function: fn as any, events: events as any });
    const askedDelayMs = retryDelayReader(engine);
    let memo: Array<{ id: string; idIsHashed: true; handler: () => unknown }> = [];
    const maxAttempts = retriesOf(fn) + 1;
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      record.attempts = attempt;
      const out: any = await engine.execute({ steps: memo } as any);
      if (!out.error) {
        record.status = "completed";
        record.result = out.result;
        return;
      }
      // keep what already succeeded, so a retry resumes after it (as Inngest would)
      const settled = await Promise.all(
        Object.entries(out.state ?? {}).map(async ([id, p]) => {
          try {
            return { id, data: await (p as Promise<unknown>), ok: true };
          } catch {
            return { id, data: undefined, ok: false };
          }
        }),
      );
      memo = settled.filter((s) => s.ok).map((s) => ({ id: s.id, idIsHashed: true as const, handler: () => s.data }));
      const err = out.error as Error;
      record.error = err?.message ?? String(err);
      record.errors.push(record.error);
      if (err instanceof NonRetriableError || err?.name === "NonRetriableError" || attempt === maxAttempts) break;
      const wait = askedDelayMs(err) ?? backoffMs * 2 ** (attempt - 1);
      log(`${fn.id()} attempt ${attempt} failed (${record.error}); retrying in ${wait} ms`);
      await sleep(wait);
    }
    record.status = "failed";
    log(`${fn.id()} failed: ${record.error}`);
  }

  // events collected for batching functions, per function and batch key
  const batches = new Map<string, { fn: AnyFunction; events: SentEvent[]; timer: NodeJS.Timeout }>();

  function flush(batchKey: string) {
    const batch = batches.get(batchKey);
    if (!batch) return;
    batches.delete(batchKey);
    clearTimeout(batch.timer);
    run(batch.fn, batch.events);
    pending--; // the batch's own hold, taken when it opened
  }

  /** An event for a batching function joins its key's batch, which runs when full or when its timeout ends. */
  function collect(fn: AnyFunction, batching: Batching, event: SentEvent) {
    const batchKey = `${fn.id()}:${batching.key ? keyValue(batching.key, event) : ""}`;
    let batch = batches.get(batchKey);
    if (!batch) {
      pending++; // the runner is not idle while a batch waits
      batch = { fn, events: [], timer: setTimeout(() => flush(batchKey), batching.timeoutMs) };
      batches.set(batchKey, batch);
    }
    batch.events.push(event);
    if (batch.events.length >= batching.maxSize) flush(batchKey);
  }

  function dispatch(fn: AnyFunction, event: SentEvent) {
    const batching = batchingOf(fn);
    if (batching) collect(fn, batching, event);
    else run(fn, [event]);
  }

  function run(fn: AnyFunction, events: SentEvent[]) {
    const event = events[0]!;
    const record: RunRecord = { functionId: fn.id(), event, status: "running", attempts: 0, errors: [] };
    runs.push(record);
    const keep = opts.keepRuns ?? 1000;
    if (runs.length > keep) runs.splice(0, runs.length - keep);
    pending++;
    const key = concurrencyKey(fn, event);
    const prev = (key && chains.get(key)) || Promise.resolve();
    const chained = prev
      .then(() => execute(fn, events, record))
      .catch((e) => {
        record.status = "failed";
        record.error = String(e);
      })
      .finally(() => {
        record.finishedAt = Date.now();
        pending--;
        if (key && chains.get(key) === chained) chains.delete(key);
        settle();
      });
    if (key) chains.set(key, chained);
  }

  const deliver = (event: SentEvent) => {
    for (const fn of functions) {
      if (triggersOf(fn).some((t) => t.event === event.name)) dispatch(fn, event);
    }
  };
  const timers = new Set<NodeJS.Timeout>();
  const unsubscribe = onEventsSent((events) => {
    for (const event of events) {
      // an event stamped in the future starts its runs then, as Inngest schedules it
      const delay = (event.ts ?? 0) - Date.now();
      if (delay <= 0) {
        deliver({ ...event, ts: event.ts ?? Date.now() });
        continue;
      }
      pending++;
      const timer = setTimeout(() => {
        timers.delete(timer);
        deliver(event);
        pending--;
        settle();
      }, delay);
      timers.add(timer);
    }
  });

  const crons: Cron[] = [];
  if (opts.crons !== false) {
    for (const fn of functions) {
      for (const t of triggersOf(fn)) {
        if (t.cron) {
          crons.push(
            new Cron(t.cron.replace(/^TZ=\S+\s+/, ""), () =>
              dispatch(fn, { name: "inngest/scheduled.timer", data: { cron: t.cron }, ts: Date.now() }),
            ),
          );
        }
      }
    }
  }
  log(`in-process runner started with ${functions.length} functions (no Inngest server configured)`);

  return {
    runs,
    idle: () => (pending === 0 ? Promise.resolve() : new Promise<void>((r) => waiters.push(r))),
    stop: () => {
      unsubscribe();
      crons.forEach((c) => c.stop());
      for (const t of timers) clearTimeout(t);
      for (const b of batches.values()) clearTimeout(b.timer);
    },
  };
}
