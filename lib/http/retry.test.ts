import { describe, expect, it } from "vitest";
import { RateGate } from "./rate-gate";
import type { RequestBudget } from "./request-budget";
import { sendWithRetries, type Call, type RetryPolicy } from "./retry";
import { createTokenCache } from "./token-cache";
import { NoAnswerInTime, type HttpAnswer, type HttpRequest } from "./transport";

type Step = number | { status: number; retryAfter?: string } | Error;

const answer = (status: number, retryAfter?: string): HttpAnswer => ({
  status,
  headers: { get: (name) => (name.toLowerCase() === "retry-after" ? (retryAfter ?? null) : null) },
  body: new Uint8Array(),
});

/** A transport that plays `steps` in order (the last one again when they run out), and a policy around it. */
function setup(steps: Step[], over: Partial<RetryPolicy> = {}) {
  const sent: HttpRequest[] = [];
  const sleeps: number[] = [];
  const policy: RetryPolicy = {
    transport: async (request) => {
      sent.push(request);
      const step = steps.length > 1 ? steps.shift()! : steps[0]!;
      if (step instanceof Error) throw step;
      return typeof step === "number" ? answer(step) : answer(step.status, step.retryAfter);
    },
    maxRetries: 3,
    backoff: { baseMs: 100, capMs: 1_000 },
    maxRetryAfterMs: 60_000,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    now: () => 1_000_000,
    ...over,
  };
  const send = (call: Partial<Call> = {}) => sendWithRetries(policy, { request: { method: "GET", url: "http://api.test/x", headers: {} }, repeatable: true, ...call });
  return { send, sent, sleeps };
}

const refused = () => Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED" });

describe("sendWithRetries: which answers are sent again", () => {
  it("hands a 2xx or a 4xx back at once", async () => {
    for (const status of [200, 204, 400, 404, 409]) {
      const { send, sent, sleeps } = setup([status]);
      expect(await send()).toMatchObject({ kind: "answered", answer: { status }, mayHaveSucceeded: false });
      expect(sent).toHaveLength(1);
      expect(sleeps).toEqual([]);
    }
  });

  it("repeats a 5xx of a repeatable call, then hands the last one back", async () => {
    const { send, sent } = setup([500, 502, 504]);
    expect(await send()).toMatchObject({ kind: "answered", answer: { status: 504 }, mayHaveSucceeded: false });
    expect(sent).toHaveLength(4);
  });

  it("repeats 429 and 503 even for a write: they are refusals before any work", async () => {
    const { send, sent } = setup([429, 503, 201]);
    expect(await send({ repeatable: false })).toMatchObject({ kind: "answered", answer: { status: 201 } });
    expect(sent).toHaveLength(3);
    const exhausted = setup([503]);
    expect(await exhausted.send({ repeatable: false })).toMatchObject({ answer: { status: 503 }, mayHaveSucceeded: false });
  });

  it("does not repeat another 5xx to a write, which may have been applied", async () => {
    for (const status of [500, 502, 504]) {
      const { send, sent } = setup([status, 201]);
      expect(await send({ repeatable: false })).toMatchObject({ kind: "answered", answer: { status }, mayHaveSucceeded: true });
      expect(sent).toHaveLength(1);
    }
  });
});

describe("sendWithRetries: how long it waits", () => {
  it("doubles the backoff from its base up to its cap", async () => {
    const { send, sleeps } = setup([500], { maxRetries: 6 });
    await send();
    expect(sleeps).toEqual([100, 200, 400, 800, 1_000, 1_000]);
  });

  it("with jitter, waits between half and all of the doubled backoff", async () => {
    const low = setup([500], { backoff: { baseMs: 100, capMs: 1_000, random: () => 0 } });
    await low.send();
    expect(low.sleeps).toEqual([50, 100, 200]);
    const high = setup([500], { backoff: { baseMs: 100, capMs: 1_000, random: () => 0.999 } });
    await high.send();
    expect(high.sleeps).toEqual([100, 200, 400]);
  });

  it("waits what Retry-After asks, in seconds or as an HTTP date", async () => {
    const now = Date.parse("2025-03-01T12:00:00Z");
    const { send, sleeps } = setup([{ status: 429, retryAfter: "7" }, { status: 503, retryAfter: new Date(now + 12_000).toUTCString() }, 200], { now: () => now });
    await send();
    expect(sleeps).toEqual([7_000, 12_000]);
  });

  it("hands a Retry-After longer than it waits in process back at once", async () => {
    const { send, sent, sleeps } = setup([{ status: 429, retryAfter: "300" }, 200], { maxRetryAfterMs: 60_000 });
    const outcome = await send();
    expect(outcome).toMatchObject({ kind: "answered", answer: { status: 429 } });
    expect(sent).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });
});

describe("sendWithRetries: lost answers", () => {
  it("repeats a repeatable call that got no answer or timed out", async () => {
    const { send, sent, sleeps } = setup([new TypeError("socket hang up"), new NoAnswerInTime(100), 200]);
    expect(await send()).toMatchObject({ kind: "answered", answer: { status: 200 } });
    expect(sent).toHaveLength(3);
    expect(sleeps).toEqual([100, 200]);
  });

  it("hands back a write whose answer was lost as maybe applied, without sending it again", async () => {
    const timedOut = setup([new NoAnswerInTime(100), 201]);
    expect(await timedOut.send({ repeatable: false })).toMatchObject({ kind: "unanswered", timedOut: true, mayHaveSucceeded: true });
    expect(timedOut.sent).toHaveLength(1);
    const reset = setup([Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" }), 201]);
    expect(await reset.send({ repeatable: false })).toMatchObject({ kind: "unanswered", timedOut: false, mayHaveSucceeded: true });
    expect(reset.sent).toHaveLength(1);
  });

  it("repeats a write whose connection was never made (nothing was sent)", async () => {
    const { send, sent } = setup([new TypeError("fetch failed", { cause: refused() }), 201]);
    expect(await send({ repeatable: false })).toMatchObject({ kind: "answered", answer: { status: 201 } });
    expect(sent).toHaveLength(2);
    const down = setup([refused()]);
    const outcome = await down.send({ repeatable: false });
    expect(outcome).toMatchObject({ kind: "unanswered", timedOut: false, mayHaveSucceeded: false });
    expect(down.sent).toHaveLength(4);
  });

  it("throws the caller's cancellation as it came, without retrying", async () => {
    const caller = new AbortController();
    caller.abort();
    const aborted = new DOMException("aborted", "AbortError");
    const { send, sent } = setup([aborted, 200]);
    await expect(send({ request: { method: "GET", url: "http://api.test/x", headers: {}, signal: caller.signal } })).rejects.toBe(aborted);
    expect(sent).toHaveLength(1);
  });
});

describe("sendWithRetries: tokens, gate, reporting", () => {
  function tokenSource() {
    let n = 0;
    return createTokenCache(async () => ({ accessToken: `t${++n}`, expiresInSeconds: 3600 }));
  }

  it("sends the bearer token, and on a 401 once more with a new one", async () => {
    const { send, sent } = setup([401, 200]);
    expect(await send({ tokens: tokenSource(), request: { method: "GET", url: "http://api.test/x", headers: { accept: "application/json" } } })).toMatchObject({ answer: { status: 200 } });
    expect(sent.map((r) => r.headers)).toEqual([
      { accept: "application/json", authorization: "Bearer t1" },
      { accept: "application/json", authorization: "Bearer t2" },
    ]);
    const twice = setup([401]);
    expect(await twice.send({ tokens: tokenSource() })).toMatchObject({ answer: { status: 401 } });
    expect(twice.sent).toHaveLength(2);
    const tokenless = setup([401]);
    expect(await tokenless.send()).toMatchObject({ answer: { status: 401 } });
    expect(tokenless.sent).toHaveLength(1);
  });

  it("lets a failing token source fail the call: that is no lost answer", async () => {
    const { send, sent } = setup([200]);
    const broken = createTokenCache(async () => Promise.reject(new Error("auth server down")));
    await expect(send({ tokens: broken })).rejects.toThrow("auth server down");
    expect(sent).toHaveLength(0);
  });

  it("after a 429, holds every call at a shared gate for its window, or a Retry-After up to the most", async () => {
    let clock = 0;
    const gate = new RateGate(5_000);
    const { send, sleeps } = setup([429, 200], { gate, now: () => clock });
    await send();
    expect(sleeps).toEqual([5_000]);
    await send();
    expect(sleeps, "another call waits for the same gate").toEqual([5_000, 5_000]);
    clock += 5_000;
    await send();
    expect(sleeps).toHaveLength(2);

    const capped = setup([{ status: 429, retryAfter: "600" }, 200], { gate: new RateGate(), now: () => 0, maxRetryAfterMs: 60_000 });
    expect(await capped.send()).toMatchObject({ answer: { status: 200 } });
    expect(capped.sleeps).toEqual([60_000]);
  });

  it("hands the last 429 back when the gate's retries run out", async () => {
    const { send, sent } = setup([429], { gate: new RateGate(1_000), maxRetries: 2 });
    expect(await send()).toMatchObject({ kind: "answered", answer: { status: 429 } });
    expect(sent).toHaveLength(3);
  });

  it("reports every exchange with its attempt, 0 when no answer came, and ignores a reporter that throws", async () => {
    const seen: string[] = [];
    const { send } = setup([new TypeError("socket hang up"), 401, 500, 200]);
    await send({
      tokens: tokenSource(),
      onExchange: (status, attempt) => {
        seen.push(`${attempt}:${status}`);
        throw new Error("reporter broke");
      },
    });
    expect(seen).toEqual(["1:0", "2:401", "3:500", "4:200"]);
  });
});

describe("sendWithRetries: a request budget", () => {
  /** A budget that only records, in the same log as the transport. */
  const recording = (log: string[], onTake?: () => void): RequestBudget => ({
    key: "test",
    take: async () => {
      log.push("take");
      onTake?.();
    },
  });
  const logged = (steps: number[], log: string[]) => async (request: HttpRequest): Promise<HttpAnswer> => {
    log.push(`send ${request.url}`);
    return answer(steps.length > 1 ? steps.shift()! : steps[0]!);
  };

  it("takes one request before every attempt, retries included", async () => {
    const log: string[] = [];
    const { send } = setup([], { transport: logged([500, 429, 200], log), budget: recording(log) });
    expect(await send()).toMatchObject({ answer: { status: 200 } });
    expect(log).toEqual(["take", "send http://api.test/x", "take", "send http://api.test/x", "take", "send http://api.test/x"]);
  });

  it("takes one for the token request too, when the token comes through the same policy", async () => {
    const log: string[] = [];
    const policy: RetryPolicy = {
      transport: async (request) => {
        log.push(`send ${request.url}`);
        return request.url.endsWith("/token") ? { ...answer(200), body: new TextEncoder().encode('{"access_token":"t"}') } : answer(200);
      },
      maxRetries: 3,
      backoff: { baseMs: 100, capMs: 1_000 },
      maxRetryAfterMs: 60_000,
      budget: recording(log),
      sleep: async () => {},
      now: () => 0,
    };
    const tokens = createTokenCache(async () => {
      await sendWithRetries(policy, { request: { method: "POST", url: "http://auth.test/token", headers: {} }, repeatable: true });
      return { accessToken: "t", expiresInSeconds: 3600 };
    });
    await sendWithRetries(policy, { request: { method: "GET", url: "http://api.test/x", headers: {} }, repeatable: true, tokens });
    expect(log).toEqual(["take", "send http://auth.test/token", "take", "send http://api.test/x"]);
  });

  it("waits at the gate a 429 closed while it waited its turn, then takes a request anew", async () => {
    const log: string[] = [];
    let clock = 0;
    const gate = new RateGate(1_000);
    let first = true;
    const budget = recording(log, () => {
      // another call of the group was refused while this one stood in line
      if (first) gate.refuse(clock, null);
      first = false;
    });
    const { send, sleeps } = setup([], {
      transport: logged([200], log),
      gate,
      budget,
      now: () => clock,
      sleep: async (ms) => {
        sleeps.push(ms);
        clock += ms;
      },
    });
    expect(await send()).toMatchObject({ answer: { status: 200 } });
    expect(sleeps).toEqual([1_000]);
    expect(log).toEqual(["take", "take", "send http://api.test/x"]);
  });
});
