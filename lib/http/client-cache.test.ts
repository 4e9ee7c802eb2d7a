import { describe, expect, it } from "vitest";
import { clientCache } from "./client-cache";

describe("clientCache", () => {
  it("makes one client per set of parts, and lets the oldest go past the maximum", () => {
    let made = 0;
    const clientFor = clientCache<{ n: number }>(2);
    const make = () => ({ n: ++made });
    const a = clientFor(["key-a", "url"], make);
    expect(clientFor(["key-a", "url"], make)).toBe(a);
    expect(clientFor(["key-b", "url"], make)).not.toBe(a);
    clientFor(["key-c", "url"], make);
    // key-a was the oldest: made again
    expect(clientFor(["key-a", "url"], make)).not.toBe(a);
    expect(made).toBe(4);
  });
});
