/**
 * An access token kept until shortly before it expires, fetched by one caller at a time: calls
 * that need a token while one is being fetched wait for that one instead of asking again.
 */
export type TokenSource = () => Promise<{ accessToken: string; expiresInSeconds: number }>;

export type TokenCache = {
  get(): Promise<string>;
  /** the host refused this token: the next get fetches a new one (unless another caller already did) */
  invalidate(token: string): void;
};

export function createTokenCache(source: TokenSource, now: () => number = Date.now): TokenCache {
  let cached: { token: string; refreshAt: number } | null = null;
  let inFlight: Promise<string> | null = null;
  return {
    get() {
      if (cached && now() < cached.refreshAt) return Promise.resolve(cached.token);
      inFlight ??= source()
        .then(({ accessToken, expiresInSeconds }) => {
          const lifeMs = expiresInSeconds * 1000;
          // renewed a minute early (a tenth of its life for short-lived ones), so no call carries one about to expire
          cached = { token: accessToken, refreshAt: now() + lifeMs - Math.min(60_000, lifeMs / 10) };
          return accessToken;
        })
        .finally(() => {
          inFlight = null;
        });
      return inFlight;
    },
    invalidate(token) {
      if (cached?.token === token) cached = null;
    },
  };
}
