/**
 * A request budget: the requests a vendor lets one group of callers send (10 a second per
 * subscription key, 1,000 a minute per environment …), paced before they go out instead of
 * learned from 429s. Every HTTP attempt takes one request from its budget first (lib/http/retry:
 * retries and token requests included), whatever job sends it: an import, a pull, a push, a
 * booking. The vendor's answer to a 429 stays what it was (RateGate); a budget makes it rare.
 *
 * Requests are spaced `period / limit` apart (one point per spacing in rate-limiter-flexible's
 * terms): no window of the period, wherever it starts, then holds more than `limit` of them, which
 * is how the vendors count (a sliding window). Counting `limit` per fixed window instead would let
 * twice the limit through around a window's edge.
 *
 * The counter is a row of `request_budgets` (RateLimiterDrizzle, an atomic upsert), so every
 * process on one PostgreSQL database draws from the same budget; callers waiting in one process go
 * out first come first served (one at a time in line for RateLimiterQueue, which waits out the
 * spacing and asks again), and never closer together than the spacing, however late the counter's
 * answers come back (see `inTurn`). While the database cannot be reached, each process counts in memory
 * (the insurance limiter). On PGlite the counter is kept in memory: PGlite is one process's
 * database, a budget row written for every request would queue behind its single connection, and
 * a call made inside a transaction would wait for that transaction, which waits for the call.
 */
import { RateLimiterDrizzle, RateLimiterMemory, RateLimiterQueue, type RateLimiterAbstract } from "rate-limiter-flexible";
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

const PERIOD_SECONDS: Record<BudgetRule["period"], number> = { "1s": 1, "1m": 60 };
const KEY_PREFIX = "budget";

/** The limiter and its waiting line for one rule in one store (a budget is a key in them), and the rule's spacing. */
type Pacer = { queue: RateLimiterQueue; spacingMs: number };

function openPacer(rule: BudgetRule, store: BudgetStore): Pacer {
  if (!(rule.limit > 0) || !Number.isFinite(rule.limit)) throw new RangeError(`a request budget needs a positive limit, not ${rule.limit}`);
  // one request per spacing: the first that comes after a spacing has passed goes out
  const opts = { keyPrefix: KEY_PREFIX, points: 1, duration: PERIOD_SECONDS[rule.period] / rule.limit };
  const memory = new RateLimiterMemory(opts);
  const limiter: RateLimiterAbstract =
    store.kind === "memory" ? memory : new RateLimiterDrizzle({ ...opts, storeClient: store.db, schema: schema.requestBudgets, insuranceLimiter: memory });
  return { queue: new RateLimiterQueue(limiter), spacingMs: (PERIOD_SECONDS[rule.period] * 1000) / rule.limit };
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * A budget's line in this process: one caller at a time asks the limiter, the others wait in the
 * order they came (callers asking at once would otherwise race: the first answers to come back
 * from the database win), and each is let out at least a spacing after the one before.
 *
 * The shared counter starts a spacing at the moment it is asked, but the request goes out when
 * its answer is back. Its answers take from under a millisecond to tens of them (a busy process,
 * a database connection to wait for): a grant that came back late followed by one that came back
 * at once would send two requests closer together than the spacing, ten of them would fit in the
 * vendor's window, and the vendor, counting arrivals, refuses the one that fills it (PowerOffice
 * then wants a second's pause from every call of the key). Across processes the counter alone
 * spaces their requests.
 */
function inTurn(): (pacer: () => Promise<Pacer>, key: string) => Promise<void> {
  let tail: Promise<unknown> = Promise.resolve();
  let lastOut = -Infinity;
  const one = async (pacerOf: () => Promise<Pacer>, key: string) => {
    const pacer = await pacerOf();
    await pacer.queue.removeTokens(1, key);
    for (let wait = lastOut + pacer.spacingMs - performance.now(); wait > 0; wait = lastOut + pacer.spacingMs - performance.now()) await sleep(Math.ceil(wait));
    lastOut = performance.now();
  };
  return (pacerOf, key) => {
    const turn = tail.then(() => one(pacerOf, key));
    tail = turn.catch(() => {});
    return turn;
  };
}

function budgetIn(pacer: Pacer, key: string): RequestBudget {
  const turn = inTurn();
  return { key, take: () => turn(async () => pacer, key) };
}

/**
 * A budget of its own over `store`: two made with the same key and database count together, as
 * two processes' do. The app takes its budgets from `requestBudget`; this is for tests and tools.
 */
export function createRequestBudget(key: string, rule: BudgetRule, store: BudgetStore): RequestBudget {
  return budgetIn(openPacer(rule, store), key);
}

// ------------------------------------------------------------------ the process's budgets

const ruleId = (r: BudgetRule) => `${r.limit}/${r.period}`;
const memoryPacers = new Map<string, Pacer>();
const databasePacers = new WeakMap<Db, Map<string, Pacer>>();

async function pacerFor(rule: BudgetRule): Promise<Pacer> {
  const { db, driver } = await getDbHandle();
  const pacers = driver === "pg" ? (databasePacers.get(db) ?? databasePacers.set(db, new Map()).get(db)!) : memoryPacers;
  let pacer = pacers.get(ruleId(rule));
  if (!pacer) pacers.set(ruleId(rule), (pacer = openPacer(rule, driver === "pg" ? { kind: "database", db } : { kind: "memory" })));
  return pacer;
}

class RegisteredBudget implements RequestBudget {
  private readonly turn = inTurn();

  constructor(
    readonly key: string,
    readonly rule: BudgetRule,
  ) {}

  async take(): Promise<void> {
    // read each time: tests and the bench turn budgets on and off (lib/config REQUEST_BUDGET_SCALE)
    const scale = config().REQUEST_BUDGET_SCALE;
    if (scale === 0) return;
    await this.turn(() => pacerFor({ limit: this.rule.limit * scale, period: this.rule.period }), this.key);
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
