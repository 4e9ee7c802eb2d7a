import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { consumeHostToken } from "@/lib/auth/replay";
import { createTestDatabase } from "../helpers/db";

let handle: Awaited<ReturnType<typeof createTestDatabase>>;
beforeAll(async () => {
  handle = await createTestDatabase();
});
afterAll(() => handle.close());

describe("host token replay", () => {
  it("accepts a token id once and refuses it after", async () => {
    const exp = new Date(Date.now() + 300_000);
    expect(await consumeHostToken(handle.db, "jti-aaaaaaaa", exp)).toBe(true);
    expect(await consumeHostToken(handle.db, "jti-aaaaaaaa", exp)).toBe(false);
    expect(await consumeHostToken(handle.db, "jti-bbbbbbbb", exp)).toBe(true);
  });
});
