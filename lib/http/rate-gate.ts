/**
 * A rate limit that counts a group of calls together: an application's calls in one customer's
 * Tribe (over a sliding minute, answered 429 without a Retry-After; its guidance is to wait at
 * least a minute, docs/host-api.md), a subscription key's at PowerOffice (10 a second). A 429 then means the
 * window is full: calls backing off one by one (5 s, 10 s, 20 s …) only probe a full window, each
 * on its own, and resume well after it has emptied.
 *
 * One gate per group (lib/host keeps one per group its rate limit declares, as its budget): after
 * a 429 every call, the ones about to go out included, waits until a window has passed since that
 * refusal (or what a Retry-After asks), then all go on at full speed. An import thus runs in
 * bursts of the limit a window apart.
 */
export class RateGate {
  private openAt = 0;

  constructor(private readonly windowMs = 60_000) {}

  /** A call was refused at `at`; answers how long calls now wait. */
  refuse(at: number, retryAfterMs: number | null): number {
    this.openAt = Math.max(this.openAt, at + (retryAfterMs ?? this.windowMs));
    return this.openAt - at;
  }

  /** How long a call about to go out at `at` waits first (0 when the gate is open). */
  waitMs(at: number): number {
    return Math.max(0, this.openAt - at);
  }
}

const sharedGates = new Map<string, RateGate>();

/**
 * The process's one gate for a group of calls a limit counts together (e.g. "poweroffice:" + a
 * subscription key): every client created for the group gets the same gate. The first caller's
 * window holds for the group. Namespace the group by vendor, as keys of two vendors may be equal.
 */
export function sharedRateGate(group: string, windowMs: number): RateGate {
  let gate = sharedGates.get(group);
  if (!gate) sharedGates.set(group, (gate = new RateGate(windowMs)));
  return gate;
}
