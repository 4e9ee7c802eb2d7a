import { describe, expect, it } from "vitest";
import { formatPostcode } from "./postcode";

describe("formatPostcode", () => {
  it.each([
    ["3511ab", "NL", "3511 AB"],
    [" 3511  AB ", "NL", "3511 AB"],
    ["3511 ab", "nl", "3511 AB"],
    ["NL-3511AB", "NL", "3511 AB"],
    ["B-1000", "BE", "1000"],
    ["1000 ", "BE", "1000"],
    ["L-1234", "LU", "1234"],
    ["N-0150", "NO", "0150"],
    ["0150", "NO", "0150"],
    ["D-10115", "DE", "10115"],
    ["75 001", "FR", "75001"],
  ])("writes %j in %s as %j", (given, country, expected) => {
    expect(formatPostcode(given, country)).toBe(expected);
  });

  it("leaves what does not fit the country's format as given, trimmed", () => {
    expect(formatPostcode(" 0511 AB", "NL")).toBe("0511 AB");
    expect(formatPostcode("1000 Brussel", "BE")).toBe("1000 Brussel");
    expect(formatPostcode(" sw1a 1aa ", "GB")).toBe("sw1a 1aa");
    expect(formatPostcode("3511ab", null)).toBe("3511ab");
  });

  it("has no postcode for an empty one", () => {
    expect(formatPostcode("  ", "NL")).toBeNull();
    expect(formatPostcode(null, "NL")).toBeNull();
  });
});
