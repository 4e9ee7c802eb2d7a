import { describe, expect, it } from "vitest";
import type { LogMessage } from "@/lib/sync/types";
import { HttpError, makeRedactor } from "./errors";

class VendorError extends HttpError {
  get logMessage(): LogMessage {
    return { key: "vendor.log.failed" };
  }
}

describe("HttpError", () => {
  it("carries what the job layer reads, named after the client's class", () => {
    const cause = new Error("socket hang up");
    const err = new VendorError("Vendor POST /things failed", { status: 502, request: { method: "POST", path: "/things" }, mayHaveSucceeded: true, cause });
    expect(err).toBeInstanceOf(Error);
    expect(err).toMatchObject({ name: "VendorError", status: 502, method: "POST", path: "/things", mayHaveSucceeded: true, cause });
    expect(err.logMessage).toEqual({ key: "vendor.log.failed" });
    const bare = new VendorError("no answer");
    expect(bare).toMatchObject({ status: null, method: null, path: null, mayHaveSucceeded: false });
    expect("cause" in bare).toBe(false);
  });
});

describe("makeRedactor", () => {
  it("hides every secret, also URL-encoded, the longest first; too short ones are no secret", () => {
    const redact = makeRedactor(["key-1234", "key-1234-long", "p@ss word", "abc", null, undefined]);
    expect(redact("unknown key key-1234-long and key-1234")).toBe("unknown key *** and ***");
    expect(redact("password=p%40ss%20word or p@ss word")).toBe("password=*** or ***");
    expect(redact("abc stays")).toBe("abc stays");
  });
});
