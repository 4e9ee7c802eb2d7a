import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { resetConfigForTests } from "@/lib/config";
import { schema, setDbHandle, type Db, type DbHandle } from "@/lib/db";
import { createTestDatabase } from "@/tests/helpers/db";
import { ARRIVAL_SPREAD_MS, createRequestBudget, requestBudget, type RequestBudget } from "./request-budget";

/** Takes `n` requests from the budgets in turn, all at once; answers when each went out, in the order they were asked for. */
async function takeAll(budgets: RequestBudget[], n: number): Promise<number[]> {
  const at: number[] = [];
  await Promise.all(Array.from({ length: n }, (_, i) => budgets[i % budgets.length]!.take().then(() => void (at[i] = Date.now()))));
  return at;
}

/** The most requests any window of `periodMs` holds, wherever it starts (less `slackMs` of timing noise). */
function mostInAWindow(at: number[], periodMs: number, slackMs = 40): number {
  const sorted = [...at].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0; i < sorted.length; i++) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1]! - sorted[i]! < periodMs - slackMs) j++;
    most = Math.max(most, j - i + 1);
  }
  return most;
}

/** `db` whose statements (the budget's upserts) answer `lateMs()` later than the database did. */
function withLateAnswers(db: Db, lateMs: () => number): Db {
  const late = (builder: object): object =>
    new Proxy(builder, {
      get(target, prop) {
        const value = Reflect.get(target, prop, target);
        if (typeof value !== "function") return value;
        if (prop === "then") {
          return (resolve: (v: unknown) => unknown, reject: (e: unknown) => unknown) => {
            const delay = lateMs();
            return value.call(target, (v: unknown) => new Promise((r) => setTimeout(() => r(v), delay))).then(resolve, reject);
          };
        }
        return (...args: unknown[]) => {
          const out = value.apply(target, args);
          return out && typeof out === "object" ? late(out) : out;
        };
      },
    });
  return new Proxy(db, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target);
      return prop === "insert" || prop === "execute" ? (...args: unknown[]) => late(value.apply(target, args)) : value;
    },
  });
}

const drivers: Array<"pg" | "pglite"> = process.env.DATABASE_URL ? ["pg", "pglite"] : ["pglite"];

describe.each(drivers)("request budgets in the database (%s)", (driver) => {
  let handle: DbHandle;
  beforeAll(async () => {
    handle = await createTestDatabase(driver);
  }, 60_000);
  afterAll(() => handle?.close());

  it("two budgets with one key, as two processes have, never together exceed the limit in a window", async () => {
    const store = { kind: "database", db: handle.db } as const;
    const a = createRequestBudget("vendor:shared", { limit: 4, period: "1s" }, store);
    const b = createRequestBudget("vendor:shared", { limit: 4, period: "1s" }, store);
    const started = Date.now();
    const at = await takeAll([a, b], 10);
    expect(at.filter((t) => t !== undefined)).toHaveLength(10);
    expect(mostInAWindow(at, 1000)).toBeLessThanOrEqual(4);
    // and the budget is used: 10 requests, one every 250 ms, in about 2.25 s
    expect(Date.now() - started).toBeLessThan(4000);
    const [row] = await handle.db.select().from(schema.requestBudgets).where(eq(schema.requestBudgets.key, "budget:vendor:shared"));
    expect(row).toBeDefined();
  });

  it("lets waiting callers out in the order they came", async () => {
    const budget = createRequestBudget("vendor:order", { limit: 20, period: "1s" }, { kind: "database", db: handle.db });
    const order: number[] = [];
    await Promise.all(Array.from({ length: 8 }, (_, i) => budget.take().then(() => void order.push(i))));
    expect(order).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it("never lets a window hold more than the limit, however late the slots' answers come back", async () => {
    // every third statement answers 60 ms late (a busy process, a connection to wait for): a slot
    // answered late, then the next at once, must not send two requests 40 ms apart
    let statements = 0;
    const db = withLateAnswers(handle.db, () => (statements++ % 3 === 0 ? 60 : 0));
    const budget = createRequestBudget("vendor:late", { limit: 10, period: "1s" }, { kind: "database", db });
    const at = await takeAll([budget], 14);
    expect(mostInAWindow(at, 1000, 1)).toBeLessThanOrEqual(10);
  });

  it("keeps the limit's pace when the database answers slowly: a slow answer does not push back the requests after it", async () => {
    // every statement answers 60 ms late (a busy pool): asking the counter twice per request and
    // starting each spacing when a grant came back made every request 20–50 ms late
    const db = withLateAnswers(handle.db, () => 60);
    const budget = createRequestBudget("vendor:slow", { limit: 10, period: "1s" }, { kind: "database", db });
    const at = await takeAll([budget], 31);
    expect(mostInAWindow(at, 1000, 1)).toBeLessThanOrEqual(10);
    // 31 requests at 10 a second (and the arrival spread): 30 spacings from the first to the last
    const span = Math.max(...at) - Math.min(...at);
    expect(span).toBeLessThan((30 * (1000 + ARRIVAL_SPREAD_MS)) / 10 + 150);
  });

  it("counts another key on its own", async () => {
    const store = { kind: "database", db: handle.db } as const;
    const busy = createRequestBudget("vendor:busy", { limit: 1, period: "1m" }, store);
    const other = createRequestBudget("vendor:other", { limit: 1, period: "1m" }, store);
    await busy.take();
    let waited = true;
    const next = busy.take().then(() => void (waited = false));
    const started = Date.now();
    await other.take();
    expect(Date.now() - started).toBeLessThan(500);
    expect(waited).toBe(true);
    void next;
  });
});

describe("the process's budgets (requestBudget)", () => {
  let handle: DbHandle;
  const env = process.env.REQUEST_BUDGET_SCALE;
  beforeAll(async () => {
    handle = await createTestDatabase();
    setDbHandle(Promise.resolve(handle));
  }, 60_000);
  afterAll(async () => {
    if (env === undefined) delete process.env.REQUEST_BUDGET_SCALE;
    else process.env.REQUEST_BUDGET_SCALE = env;
    resetConfigForTests();
    setDbHandle(undefined);
    await handle?.close();
  });
  const scale = (s: string | undefined) => {
    if (s === undefined) delete process.env.REQUEST_BUDGET_SCALE;
    else process.env.REQUEST_BUDGET_SCALE = s;
    resetConfigForTests();
  };

  it("are one per key and rule", () => {
    const rule = { limit: 10, period: "1s" } as const;
    expect(requestBudget("k1", rule)).toBe(requestBudget("k1", { ...rule }));
    expect(requestBudget("k1", rule)).not.toBe(requestBudget("k2", rule));
  });

  it("do not pace under test unless a test turns them on", async () => {
    scale(undefined);
    const budget = requestBudget("k-off", { limit: 1, period: "1m" });
    const started = Date.now();
    for (let i = 0; i < 5; i++) await budget.take();
    expect(Date.now() - started).toBeLessThan(500);
  });

  it("pace at the declared limit times REQUEST_BUDGET_SCALE", async () => {
    scale("2");
    const budget = requestBudget("k-on", { limit: 2, period: "1s" });
    const at = await takeAll([budget], 6);
    expect(mostInAWindow(at, 1000)).toBeLessThanOrEqual(4);
    // counted where every process counts: the database on PostgreSQL, memory on PGlite
    const rows = await handle.db.select().from(schema.requestBudgets).where(eq(schema.requestBudgets.key, "budget:k-on"));
    expect(rows).toHaveLength(handle.driver === "pg" ? 1 : 0);
    scale("0");
  });
});
