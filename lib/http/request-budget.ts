/**
 * A request budget: the requests a vendor lets one group of callers send (10 a second per
 * subscription key, 1,000 a minute per environment …), paced before they go out instead of
 * learned from 429s. Every HTTP attempt takes one request from its budget first (lib/http/retry:
 * retries and token requests included), whatever job sends it: an import, a pull, a push, a
 * booking. The vendor's answer to a 429 stays what it was (RateGate); a budget makes it rare.
 *
 * How requests are paced. The vendors count a sliding window: no `period`, wherever it starts, may
 * hold more than `limit` requests (counting `limit` per fixed window instead would let twice the
 * limit through around a window's edge). They count arrivals, which come a variable time after a
 * request was let out (the network, the vendor's own gateway): the budget keeps `limit` per
 * `period` plus ARRIVAL_SPREAD_MS, so that spread does not make a window the vendor sees hold one
 * too many (5 % of a 10-a-second limit, 0.1 % of a per-minute one). A refusal costs far more: after
 * a 429 PowerOffice wants a second's pause from every call of the key, ten requests' worth.
 *
 * Each request takes a slot, a spacing (`period / limit`, plus the spread's share) after the one
 * before, or now when the budget has been idle: the slots are a grid that a late caller does not
 * shift, so the pace stays the limit's however busy the process is. A slot is handed out by one
 * atomic upsert of the budget's row in `request_budgets` (the next free slot, in the database's
 * clock), so every process on one PostgreSQL database draws from the same budget, first come first
 * served; a caller reserves its slot on arriving and sleeps until it.
 *
 * A caller wakes up late now and then (a busy event loop, its slot's answer slow to come back from
 * the database), and a grid would then send the next request closer to it than the spacing. So
 * each process also keeps its last `limit` requests' times and lets a request out only once the one
 * `limit` before it is a whole window ago: the vendor's own rule, applied to what actually went
 * out. Requests catch up with the grid after a late one without crowding a window, and the limit
 * is used to within a timer's lateness per window. (Waiting a spacing after the request before
 * instead, as the first version did, lost a timer's lateness on every request: 85–90 % of the
 * limit on a busy process.)
 *
 * While the database cannot be reached, each process hands out slots in memory. On PGlite the
 * slots are kept in memory: PGlite is one process's database, a budget row written for every
 * request would queue behind its single connection, and a call made inside a transaction would
 * wait for that transaction, which waits for the call.
 */
import { sql } from "drizzle-orm";
import { config } from "@/lib/config";
import { getDbHandle, schema, type Db } from "@/lib/db";

export type BudgetRule = {
  /** requests per period */
  limit: number;
  period: "1s" | "1m";
};

export interface RequestBudget {
  /** what the vendor counts together, as the budget's row names it (never a secret in clear) */
  readonly key: string;
  /** Resolves when one request may go out now; waits its turn otherwise. Each call is one request. */
  take(): Promise<void>;
}

/** Where a budget counts: in this process, or in the database every process shares. */
export type BudgetStore = { kind: "memory" } | { kind: "database"; db: Db };

const PERIOD_MS: Record<BudgetRule["period"], number> = { "1s": 1_000, "1m": 60_000 };
/**
 * How much later than the budget's window the vendor's may end: the spread between the moments
 * requests are let out and the moments the vendor counts them (an event loop's lag before the
 * request is written, the network's varying latency, the vendor's gateway). Measured against the
 * PowerOffice simulator on a busy 2-core machine: up to ~40 ms; an internet path adds its own.
 */
export const ARRIVAL_SPREAD_MS = 50;
const KEY_PREFIX = "budget";

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Hands out slots: how long (ms) the caller waits for the slot it was given. */
type Slots = (key: string, spacingMs: number) => Promise<number>;

/** Slots counted in this process. */
function memorySlots(): Slots {
  const next = new Map<string, number>();
  return async (key, spacingMs) => {
    const now = performance.now();
    const slot = Math.max(next.get(key) ?? now, now);
    next.set(key, slot + spacingMs);
    if (next.size > 10_000) for (const [k, at] of next) if (at < now) next.delete(k);
    return slot - now;
  };
}

const CLEAR_EVERY_MS = 5 * 60_000;

/**
 * Slots counted in the database: the row's `expire` is the budget's next free slot, `points` the
 * requests taken since it was last idle. One statement reserves a slot and answers the wait, both
 * in the database's clock, so the processes' clocks need not agree. While the database cannot be
 * reached, `fallback` counts in this process.
 */
function databaseSlots(db: Db, fallback: Slots): Slots {
  let clearedAt = 0;
  return async (key, spacingMs) => {
    try {
      const step = sql`${spacingMs}::float8 * interval '1 millisecond'`;
      const result = await db.execute(sql`
        WITH t AS (SELECT clock_timestamp() AS now)
        INSERT INTO ${schema.requestBudgets} AS b (key, points, expire)
        SELECT ${key}::text, 1, t.now + ${step} FROM t
        ON CONFLICT (key) DO UPDATE SET
          points = CASE WHEN b.expire IS NULL OR b.expire <= (SELECT now FROM t) THEN 1 ELSE b.points + 1 END,
          expire = GREATEST(b.expire, (SELECT now FROM t)) + ${step}
        RETURNING (extract(epoch FROM b.expire - (SELECT now FROM t)) * 1000)::float8 - ${spacingMs}::float8 AS wait_ms`);
      const rows = (result as unknown as { rows: Array<{ wait_ms: number | string }> }).rows;
      if (Date.now() - clearedAt > CLEAR_EVERY_MS) {
        clearedAt = Date.now();
        // the rows of budgets idle for an hour
        db.execute(sql`DELETE FROM ${schema.requestBudgets} WHERE expire < now() - interval '1 hour'`).catch(() => {});
      }
      return Math.max(0, Number(rows[0]?.wait_ms ?? 0));
    } catch {
      return fallback(key, spacingMs);
    }
  };
}

/**
 * The requests a process let out of one budget: the last `limit` times, and how long the next
 * waits so that no window of `periodMs` holds more than `limit` of them.
 */
class SentLog {
  private readonly at: Float64Array;
  private n = 0;

  constructor(
    readonly limit: number,
    readonly periodMs: number,
  ) {
    this.at = new Float64Array(Math.max(1, Math.ceil(limit)));
  }

  waitMs(now: number): number {
    if (this.n < this.at.length) return 0;
    return this.at[this.n % this.at.length]! + this.periodMs - now;
  }

  record(now: number) {
    this.at[this.n++ % this.at.length] = now;
  }
}

/**
 * A budget's line in this process: its callers reserve their slots one at a time, in the order
 * they came (callers asking at once would otherwise race, the first answers back from the database
 * winning), then each sleeps until its slot and until the sent log lets it out.
 */
function line(slots: Slots, key: string): (rule: BudgetRule) => Promise<void> {
  let tail: Promise<unknown> = Promise.resolve();
  let log: SentLog | null = null;
  return async (rule) => {
    if (!(rule.limit > 0) || !Number.isFinite(rule.limit)) throw new RangeError(`a request budget needs a positive limit, not ${rule.limit}`);
    // the window as the vendor may see it, counted from the moments requests are let out
    const periodMs = PERIOD_MS[rule.period] + ARRIVAL_SPREAD_MS;
    const reserved = tail.then(() => slots(key, periodMs / rule.limit));
    tail = reserved.catch(() => {});
    const wait = await reserved;
    if (wait > 0) await sleep(Math.ceil(wait));
    if (!log || log.limit !== rule.limit || log.periodMs !== periodMs) log = new SentLog(rule.limit, periodMs);
    for (let w = log.waitMs(performance.now()); w > 0; w = log.waitMs(performance.now())) await sleep(Math.ceil(w));
    log.record(performance.now());
  };
}

/**
 * A budget of its own over `store`: two made with the same key and database count together, as
 * two processes' do. The app takes its budgets from `requestBudget`; this is for tests and tools.
 */
export function createRequestBudget(key: string, rule: BudgetRule, store: BudgetStore): RequestBudget {
  const memory = memorySlots();
  const take = line(store.kind === "memory" ? memory : databaseSlots(store.db, memory), `${KEY_PREFIX}:${key}`);
  const fixed = { ...rule };
  return { key, take: () => take(fixed) };
}

// ------------------------------------------------------------------ the process's budgets

const ruleId = (r: BudgetRule) => `${r.limit}/${r.period}`;
const memoryStore = memorySlots();
const databaseStores = new WeakMap<Db, Slots>();

async function slotsOfTheApp(): Promise<Slots> {
  const { db, driver } = await getDbHandle();
  if (driver !== "pg") return memoryStore;
  let slots = databaseStores.get(db);
  if (!slots) databaseStores.set(db, (slots = databaseSlots(db, memoryStore)));
  return slots;
}

class RegisteredBudget implements RequestBudget {
  private readonly inLine: (rule: BudgetRule) => Promise<void>;

  constructor(
    readonly key: string,
    readonly rule: BudgetRule,
  ) {
    // the store is the app's database of the moment (tests swap it): looked up for each request
    this.inLine = line((k, spacingMs) => slotsOfTheApp().then((slots) => slots(k, spacingMs)), `${KEY_PREFIX}:${key}`);
  }

  async take(): Promise<void> {
    // read each time: tests and the bench turn budgets on and off (lib/config REQUEST_BUDGET_SCALE)
    const scale = config().REQUEST_BUDGET_SCALE;
    if (scale === 0) return;
    await this.inLine({ limit: this.rule.limit * scale, period: this.rule.period });
  }
}

const budgets = new Map<string, RegisteredBudget>();

/**
 * The budget of `key` in this process, counted with every other process on the app's database
 * (in memory on PGlite): the same object for the same key and rule. A rule changed for a key (a
 * declaration changed, in a test) replaces its budget. The key names what the vendor counts
 * together; it is stored as it is given, so a caller hashes whatever secret it is made of.
 */
export function requestBudget(key: string, rule: BudgetRule): RequestBudget {
  const known = budgets.get(key);
  if (known && ruleId(known.rule) === ruleId(rule)) return known;
  const budget = new RegisteredBudget(key, { ...rule });
  budgets.set(key, budget);
  return budget;
}
