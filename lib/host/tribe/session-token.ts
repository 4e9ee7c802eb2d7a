import { errors as joseErrors, jwtVerify } from "jose";
import { z } from "zod";

/** The claims the host signs into the token it appends to the iframe URL. */
const claimsSchema = z.object({
  sub: z.string().min(1),
  tenant_id: z.string().min(1),
  tenant_name: z.string().min(1).optional(),
  user_name: z.string().optional(),
  locale: z.enum(["nl", "fr", "en"]).catch("nl"),
  jti: z.string().min(8),
  iat: z.number().int(),
  exp: z.number().int(),
});

export type HostSession = {
  tenantId: string;
  tenantName: string;
  userId: string;
  userName: string | null;
  locale: "nl" | "fr" | "en";
  /** the token's own id and expiry: a token is accepted once */
  tokenId: string;
  expiresAt: Date;
};

export type TokenFailure = "missing" | "expired" | "invalid_signature" | "wrong_audience" | "malformed" | "too_long_lived" | "replayed";

export class HostTokenError extends Error {
  constructor(readonly reason: TokenFailure) {
    super(`host session token rejected: ${reason}`);
  }
}

/** A token may live at most this long; a longer one is refused even when validly signed. */
export const MAX_TOKEN_LIFETIME_SECONDS = 300;

export async function verifyHostSessionToken(
  token: string | null | undefined,
  opts: { secret: string; audience: string; now?: Date },
): Promise<HostSession> {
  if (!token) throw new HostTokenError("missing");
  let payload: unknown;
  try {
    ({ payload } = await jwtVerify(token, new TextEncoder().encode(opts.secret), {
      algorithms: ["HS256"],
      audience: opts.audience,
      requiredClaims: ["exp", "iat", "sub"],
      currentDate: opts.now,
      clockTolerance: 5,
    }));
  } catch (err) {
    if (err instanceof joseErrors.JWTExpired) throw new HostTokenError("expired");
    if (err instanceof joseErrors.JWSSignatureVerificationFailed) throw new HostTokenError("invalid_signature");
    if (err instanceof joseErrors.JWTClaimValidationFailed && err.claim === "aud")
      throw new HostTokenError("wrong_audience");
    throw new HostTokenError("malformed");
  }
  const claims = claimsSchema.safeParse(payload);
  if (!claims.success) throw new HostTokenError("malformed");
  if (claims.data.exp - claims.data.iat > MAX_TOKEN_LIFETIME_SECONDS) throw new HostTokenError("too_long_lived");
  return {
    tenantId: claims.data.tenant_id,
    tenantName: claims.data.tenant_name ?? claims.data.tenant_id,
    userId: claims.data.sub,
    userName: claims.data.user_name ?? null,
    locale: claims.data.locale,
    tokenId: claims.data.jti,
    expiresAt: new Date(claims.data.exp * 1000),
  };
}

/** The locale a token asks for, read without trusting it: only to say "no" in the user's language. */
export function unverifiedLocale(token: string | null | undefined): "nl" | "fr" | "en" | null {
  try {
    const body = JSON.parse(Buffer.from(String(token).split(".")[1] ?? "", "base64url").toString("utf8"));
    return ["nl", "fr", "en"].includes(body?.locale) ? body.locale : null;
  } catch {
    return null;
  }
}
