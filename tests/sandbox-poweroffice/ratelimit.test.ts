import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { PowerOfficeSimulator } from "../../sandbox/vendors/poweroffice/server";
import { admin, api, CLIENTS, OTHER_SUBSCRIPTION_KEY, requestToken, startSim, SUBSCRIPTION_KEY, tokenFor, type Api } from "./helpers";

let sim: PowerOfficeSimulator;
/** the clock stands still unless a test moves it, so "one second" is exact */
let now = Date.parse("2024-06-03T10:00:00Z");
let nordlys: Api;
let sjomat: Api;
let sjomatOtherKey: Api;

beforeAll(async () => {
  sim = await startSim({ clock: () => new Date(now), settings: { rateLimitPerSecond: 10 } });
});
afterAll(() => sim.close());
beforeEach(async () => {
  sim.reset();
  const nordlysToken = await tokenFor(sim, CLIENTS.nordlys.key);
  const sjomatToken = await tokenFor(sim, CLIENTS.sjomat.key, { subscriptionKey: OTHER_SUBSCRIPTION_KEY });
  now += 5000; // the token calls leave the window
  nordlys = api(sim, nordlysToken);
  sjomat = api(sim, sjomatToken);
  sjomatOtherKey = api(sim, sjomatToken, { subscriptionKey: OTHER_SUBSCRIPTION_KEY });
});

async function status(c: Api, path = "/VatCodes?PageSize=1"): Promise<number> {
  const r = await c.get(path);
  await r.arrayBuffer();
  return r.status;
}

describe("10 requests per second per subscription key", () => {
  it("is shared by every client using the key, and answers 429 with APIM's body past it", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push(await status(i % 2 === 0 ? nordlys : sjomat));
    expect(statuses).toEqual(Array(10).fill(200));

    const refused = await sjomat.get("/VatCodes");
    expect(refused.status).toBe(429);
    expect(await refused.json()).toEqual({ statusCode: "429", message: "Rate limit is exceeded. Try again in 1 seconds." });
    expect(refused.headers.get("retry-after")).toBeNull();
    expect(await status(nordlys)).toBe(429);

    const stats = (await (await admin(sim, "/stats")).json()) as { refusedByRateLimit: Record<string, number>; byRouteAndStatus: Record<string, Record<string, number>> };
    expect(stats.refusedByRateLimit).toEqual({ [SUBSCRIPTION_KEY]: 2 });
    expect(stats.byRouteAndStatus["GET /v2/VatCodes"]).toEqual({ "200": 10, "429": 2 });
  });

  it("is not shared across subscription keys", async () => {
    for (let i = 0; i < 10; i++) expect(await status(nordlys)).toBe(200);
    expect(await status(nordlys)).toBe(429);
    expect(await status(sjomatOtherKey)).toBe(200);
  });

  it("is a sliding second: a call is accepted again once the oldest leaves the window", async () => {
    for (let i = 0; i < 5; i++) expect(await status(nordlys)).toBe(200);
    now += 600;
    for (let i = 0; i < 5; i++) expect(await status(nordlys)).toBe(200);
    expect(await status(nordlys)).toBe(429);
    now += 400; // the first five are a full second old
    for (let i = 0; i < 5; i++) expect(await status(nordlys)).toBe(200);
    expect(await status(nordlys)).toBe(429);
  });

  it("counts token requests too", async () => {
    for (let i = 0; i < 10; i++) expect(await status(nordlys)).toBe(200);
    const token = await requestToken(sim);
    expect(token.status).toBe(429);
    expect(((await token.json()) as { statusCode: string }).statusCode).toBe("429");
  });

  it("is configurable: the limit, and a Retry-After header", async () => {
    const set = await admin(sim, "/config", { rateLimitPerSecond: 2, retryAfterHeader: true });
    expect(set.status).toBe(200);
    expect(await status(nordlys)).toBe(200);
    expect(await status(nordlys)).toBe(200);
    const refused = await nordlys.get("/VatCodes");
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toBe("1");
    expect((await admin(sim, "/config", { rateLimitPerSecond: -1 })).status).toBe(400);
    await admin(sim, "/config", { rateLimitPerSecond: 0 });
    for (let i = 0; i < 30; i++) expect(await status(nordlys)).toBe(200);
  });
});
