import { describe, expect, it } from "vitest";
import { round2, toCents } from "./money";

describe("money", () => {
  it("rounds half away from zero without binary surprises", () => {
    expect(toCents(1.005)).toBe(101);
    expect(toCents(-1.005)).toBe(-101);
    expect(toCents(0.1 + 0.2)).toBe(30);
    expect(round2(2.675)).toBe(2.68);
  });
});
