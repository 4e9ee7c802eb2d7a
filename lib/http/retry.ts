/**
 * A call sent until it has an answer worth handing back, by rules every client shares:
 * - 429 and 503 are refusals before any work: repeated, even for a write;
 * - other 5xx, and a lost answer (network error, timeout), are repeated only for a call that is
 *   `repeatable`: a write whose answer was lost is not sent again blindly (it could be applied
 *   twice) but handed back as maybe applied; one whose connection was never made is repeated;
 * - a wait is what Retry-After asks, up to the longest the client waits in process (a longer one
 *   ends the call, for the job to reschedule itself), else an exponential backoff with a cap;
 * - with bearer tokens, a 401 drops the token once and sends the call again with a new one;
 * - calls that one limit counts together wait at their shared gate after a 429 to any of them;
 * - with a request budget, every attempt (a retry, a token request sent through here) first takes
 *   one request from it, so the calls a vendor counts together are paced before it refuses any.
 * What the answer or the failure means is the client's to say, with its own typed errors.
 */
import type { RateGate } from "./rate-gate";
import type { RequestBudget } from "./request-budget";
import { parseRetryAfter } from "./retry-after";
import type { TokenCache } from "./token-cache";
import { NoAnswerInTime, type HttpAnswer, type HttpRequest, type Transport } from "./transport";

type Backoff = {
  /** the first wait; it doubles with each retry, up to `capMs` */
  baseMs: number;
  capMs: number;
  /**
   * Jitter source in [0,1): a wait is then drawn between half and all of the doubled one ("equal
   * jitter", so retries spread out but never hammer). Without it, the wait is the doubled one.
   */
  random?: () => number;
};

export type RetryPolicy = {
  transport: Transport;
  /** retries after the first attempt */
  maxRetries: number;
  backoff: Backoff;
  /**
   * The longest Retry-After waited in process; a longer one ends the call. With a gate, the
   * longest the gate closes (every call waits there, so none may wait longer).
   */
  maxRetryAfterMs: number;
  /** shared by the calls one limit counts together; without one, a 429 holds only the refused call */
  gate?: RateGate;
  /** the vendor's budget for the calls it counts together: each attempt takes one request from it first */
  budget?: RequestBudget;
  sleep: (ms: number) => Promise<void>;
  now: () => number;
};

export type Call = {
  request: HttpRequest;
  /** sending it twice does no harm (a read, a write that sets a state): repeated after a 5xx or a lost answer too */
  repeatable: boolean;
  /** where bearer tokens come from: each attempt carries the current one */
  tokens?: TokenCache;
  /** after every exchange, with status 0 when no answer came; what it throws is ignored */
  onExchange?: (status: number, attempt: number) => void;
};

export type Outcome =
  /** a 2xx, or the last answer when its status is not (or no longer) retried */
  | { kind: "answered"; answer: HttpAnswer; mayHaveSucceeded: boolean }
  /** no whole answer came, and the call is not sent again */
  | { kind: "unanswered"; error: unknown; timedOut: boolean; mayHaveSucceeded: boolean };

/** Sends the call, repeating it as the rules above allow. A caller's cancellation is thrown as it came. */
export async function sendWithRetries(policy: RetryPolicy, call: Call): Promise<Outcome> {
  const { gate, budget, now, sleep } = policy;
  let retryNo = 0;
  let attempt = 0;
  let reauthenticated = false;
  let regated = false;
  for (;;) {
    const gateWait = gate?.waitMs(now()) ?? 0;
    if (gateWait > 0) await sleep(gateWait);
    // the token first: fetching one may take a request of the budget itself
    const token = call.tokens ? await call.tokens.get() : null;
    if (budget) {
      await budget.take();
      // another call's 429 closed the gate while this one waited its turn: wait there, then take anew
      if (!regated && (gate?.waitMs(now()) ?? 0) > 0) {
        regated = true;
        continue;
      }
    }
    regated = false;
    const headers = token === null ? call.request.headers : { ...call.request.headers, authorization: `Bearer ${token}` };
    attempt++;
    let answer: HttpAnswer;
    try {
      answer = await policy.transport({ ...call.request, headers });
    } catch (error) {
      observe(call, 0, attempt);
      if (call.request.signal?.aborted) throw error;
      const timedOut = error instanceof NoAnswerInTime;
      const repeatable = call.repeatable || neverSent(error);
      if (repeatable && retryNo < policy.maxRetries) {
        retryNo++;
        await sleep(backoffMs(retryNo, policy.backoff));
        continue;
      }
      return { kind: "unanswered", error, timedOut, mayHaveSucceeded: !repeatable };
    }
    observe(call, answer.status, attempt);
    const { status } = answer;
    if (status === 401 && token !== null && !reauthenticated) {
      // tokens can be revoked before they expire: one new token, then the 401 stands
      reauthenticated = true;
      call.tokens!.invalidate(token);
      continue;
    }
    const refusedUnread = status === 429 || status === 503;
    const retryable = refusedUnread || (status >= 500 && call.repeatable);
    // a 5xx other than 503 to a write may come after the write was done
    const answered: Outcome = { kind: "answered", answer, mayHaveSucceeded: status >= 500 && !refusedUnread && !call.repeatable };
    if (!retryable) return answered;
    const at = now();
    const retryAfter = parseRetryAfter(answer.headers.get("retry-after"), at);
    if (status === 429 && gate) {
      // the gate holds this call and every other one until the window has passed
      gate.refuse(at, retryAfter === null ? null : Math.min(retryAfter, policy.maxRetryAfterMs));
      if (retryNo >= policy.maxRetries) return answered;
      retryNo++;
      continue;
    }
    if (retryNo >= policy.maxRetries || (retryAfter !== null && retryAfter > policy.maxRetryAfterMs)) return answered;
    retryNo++;
    await sleep(retryAfter ?? backoffMs(retryNo, policy.backoff));
  }
}

function observe(call: Call, status: number, attempt: number) {
  try {
    call.onExchange?.(status, attempt);
  } catch {
    // counting calls must never break one
  }
}

function backoffMs(retryNo: number, { baseMs, capMs, random }: Backoff): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** (retryNo - 1));
  return random ? Math.round(ceiling / 2 + random() * (ceiling / 2)) : ceiling;
}

const NEVER_CONNECTED = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "ENETUNREACH", "EHOSTUNREACH"]);

/** True when the error says the connection was never made, so not even a write can have landed. */
function neverSent(err: unknown): boolean {
  let e: unknown = err;
  for (let depth = 0; depth < 5 && e && typeof e === "object"; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && NEVER_CONNECTED.has(code)) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}
