import { describe, expect, it } from "vitest";
import { RateGate } from "./rate-gate";

describe("RateGate", () => {
  it("is open until a refusal, then closed for a window from it, for every call", () => {
    const gate = new RateGate(60_000);
    expect(gate.waitMs(1_000)).toBe(0);
    expect(gate.refuse(1_000, null)).toBe(60_000);
    expect(gate.waitMs(31_000)).toBe(30_000);
    expect(gate.waitMs(61_000)).toBe(0);
  });

  it("follows a Retry-After, and a later refusal never shortens the wait", () => {
    const gate = new RateGate(60_000);
    expect(gate.refuse(0, 5_000)).toBe(5_000);
    expect(gate.refuse(1_000, null)).toBe(60_000);
    expect(gate.refuse(2_000, 1_000)).toBe(59_000);
  });
});
