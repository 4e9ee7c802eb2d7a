import { describe, expect, it } from "vitest";
import { nextPullSince, PULL_OVERLAP_MS } from "./store";

describe("nextPullSince", () => {
  const start = Date.parse("2026-11-23T10:00:00.000Z");

  it("keeps the newest change seen while it lies within the overlap before the pull began", () => {
    const newest = new Date(start - PULL_OVERLAP_MS + 1).toISOString();
    expect(nextPullSince(newest, start)).toBe(newest);
    expect(nextPullSince("2026-11-23T10:05:00.000Z", start)).toBe("2026-11-23T10:05:00.000Z");
  });

  it("moves to the pull's start less the overlap once the newest change lies further back", () => {
    expect(nextPullSince("2026-11-23T09:00:00.250Z", start)).toBe(new Date(start - PULL_OVERLAP_MS).toISOString());
    expect(nextPullSince(null, start)).toBe(new Date(start - PULL_OVERLAP_MS).toISOString());
  });
});
