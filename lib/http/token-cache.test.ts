import { describe, expect, it } from "vitest";
import { createTokenCache } from "./token-cache";

function source(expiresInSeconds = 3600) {
  let fetched = 0;
  return { fetch: async () => ({ accessToken: `t${++fetched}`, expiresInSeconds }), fetched: () => fetched };
}

describe("createTokenCache", () => {
  it("fetches one token for callers that ask while it is being fetched", async () => {
    const s = source();
    const cache = createTokenCache(s.fetch);
    expect(await Promise.all([cache.get(), cache.get(), cache.get()])).toEqual(["t1", "t1", "t1"]);
    expect(s.fetched()).toBe(1);
  });

  it.each([
    [3600, 3_540_000],
    [100, 90_000],
  ])("renews a token of %i s a minute before expiry, or a tenth of a short life before: at %i ms", async (life, renewAt) => {
    let clock = 0;
    const cache = createTokenCache(source(life).fetch, () => clock);
    await cache.get();
    clock = renewAt - 1;
    expect(await cache.get()).toBe("t1");
    clock = renewAt;
    expect(await cache.get()).toBe("t2");
  });

  it("drops a refused token once, not one another caller already replaced", async () => {
    const s = source();
    const cache = createTokenCache(s.fetch);
    const first = await cache.get();
    cache.invalidate(first);
    expect(await cache.get()).toBe("t2");
    cache.invalidate(first);
    expect(await cache.get()).toBe("t2");
    expect(s.fetched()).toBe(2);
  });

  it("asks again after a failed fetch", async () => {
    let n = 0;
    const cache = createTokenCache(async () => {
      if (++n === 1) throw new Error("auth server down");
      return { accessToken: "t", expiresInSeconds: 3600 };
    });
    await expect(cache.get()).rejects.toThrow("auth server down");
    expect(await cache.get()).toBe("t");
  });
});
