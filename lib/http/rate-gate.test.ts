import { describe, expect, it } from "vitest";
import { RateGate, sharedRateGate } from "./rate-gate";

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

describe("sharedRateGate", () => {
  it("gives every client of a group the same gate, and another group its own", () => {
    const a = sharedRateGate("vendor:key-1", 1_000);
    expect(sharedRateGate("vendor:key-1", 1_000)).toBe(a);
    a.refuse(0, null);
    expect(sharedRateGate("vendor:key-1", 1_000).waitMs(500)).toBe(500);
    const other = sharedRateGate("vendor:key-2", 1_000);
    expect(other).not.toBe(a);
    expect(other.waitMs(500)).toBe(0);
  });
});
