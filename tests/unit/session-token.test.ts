import { describe, expect, it } from "vitest";
import { SignJWT } from "jose";
import { HostTokenError, verifyHostSessionToken } from "@/lib/host/tribe/session-token";

const secret = "test-app-secret-0123456789";
const audience = "ledgerlink";

async function token(claims: Record<string, unknown> = {}, opts: { secret?: string; aud?: string; lifetime?: number; iatOffset?: number } = {}) {
  const now = Math.floor(Date.now() / 1000) + (opts.iatOffset ?? 0);
  return new SignJWT({ tenant_id: "tenant-1", tenant_name: "Sandbox BV", locale: "fr", jti: "token-0123456789", ...claims })
    .setProtectedHeader({ alg: "HS256" })
    .setSubject("user-1")
    .setAudience(opts.aud ?? audience)
    .setIssuedAt(now)
    .setExpirationTime(now + (opts.lifetime ?? 300))
    .sign(new TextEncoder().encode(opts.secret ?? secret));
}

async function reason(t: string | null) {
  try {
    await verifyHostSessionToken(t, { secret, audience });
    return "accepted";
  } catch (e) {
    return (e as HostTokenError).reason;
  }
}

describe("host session token", () => {
  it("accepts a valid token and takes the tenant from its claims", async () => {
    const s = await verifyHostSessionToken(await token(), { secret, audience });
    expect(s).toMatchObject({ tenantId: "tenant-1", tenantName: "Sandbox BV", userId: "user-1", userName: null, locale: "fr", tokenId: "token-0123456789" });
  });

  it("refuses each kind of bad token with its own reason", async () => {
    expect(await reason(null)).toBe("missing");
    expect(await reason(await token({}, { secret: "another-secret-abcdefgh" }))).toBe("invalid_signature");
    expect(await reason(await token({}, { aud: "someone-else" }))).toBe("wrong_audience");
    expect(await reason(await token({}, { iatOffset: -1000 }))).toBe("expired");
    expect(await reason(await token({}, { lifetime: 3600 }))).toBe("too_long_lived");
    expect(await reason(await token({ tenant_id: undefined }))).toBe("malformed");
    expect(await reason(await token({ jti: undefined }))).toBe("malformed");
    expect(await reason("not.a.jwt")).toBe("malformed");
  });

  it("refuses a token signed with another algorithm", async () => {
    const now = Math.floor(Date.now() / 1000);
    const hs512 = await new SignJWT({ tenant_id: "t" })
      .setProtectedHeader({ alg: "HS512" })
      .setSubject("u")
      .setAudience(audience)
      .setIssuedAt(now)
      .setExpirationTime(now + 60)
      .sign(new TextEncoder().encode(secret));
    expect(await reason(hs512)).toBe("malformed");
  });
});
