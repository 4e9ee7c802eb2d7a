/**
 * Tribe counts an application's calls over a sliding minute and answers 429 past its limit,
 * without a Retry-After; its guidance is to wait at least a minute (docs/host-api.md). A 429
 * therefore means the window is full: calls backing off one by one (5 s, 10 s, 20 s …) only probe
 * a full window, each on its own, and resume well after it has emptied.
 *
 * One gate per application (lib/host shares it between the tenants' clients, as Tribe's limit is
 * the application's): after a 429 every call, the ones about to go out included, waits until a
 * window has passed since that refusal (or what a Retry-After asks), then all go on at full speed.
 * An import thus runs in bursts of the host's limit a minute apart.
 */
export class RateGate {
  private openAt = 0;

  constructor(private readonly windowMs = 60_000) {}

  /** The host refused a call at `at`; answers how long calls now wait. */
  refuse(at: number, retryAfterMs: number | null): number {
    this.openAt = Math.max(this.openAt, at + (retryAfterMs ?? this.windowMs));
    return this.openAt - at;
  }

  /** How long a call about to go out at `at` waits first (0 when the gate is open). */
  waitMs(at: number): number {
    return Math.max(0, this.openAt - at);
  }
}
