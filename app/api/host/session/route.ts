import { z } from "zod";
import { CredentialsSignin } from "next-auth";
import { signIn } from "@/lib/auth";
import { config } from "@/lib/config";
import { connectorIds } from "@/lib/connectors";
import { HostTokenError, unverifiedLocale, verifyHostSessionToken } from "@/lib/host/tribe/session-token";
import { localeFromAcceptLanguage } from "@/lib/i18n";
import { unauthorizedPage } from "@/lib/auth/unauthorized-page";

export const dynamic = "force-dynamic";

const query = z.object({ token: z.string().optional(), connector: z.enum(connectorIds) });

/** The iframe's entry point: the host's signed token becomes our session cookie. */
export async function GET(request: Request) {
  const url = new URL(request.url);
  const parsed = query.safeParse(Object.fromEntries(url.searchParams));
  const token = url.searchParams.get("token");
  const locale = unverifiedLocale(token) ?? localeFromAcceptLanguage(request.headers.get("accept-language"));
  if (!parsed.success) return unauthorizedPage(locale, parsed.error.issues[0]?.path[0] === "connector" ? "unknown_connector" : "missing");
  try {
    // verified here only to tell the user why not; the session is made (and the token spent) in signIn
    await verifyHostSessionToken(token, { secret: config().LEDGERLINK_APP_SECRET, audience: config().LEDGERLINK_APP_ID });
  } catch (err) {
    if (err instanceof HostTokenError) return unauthorizedPage(locale, err.reason);
    throw err;
  }
  try {
    // throws NEXT_REDIRECT with the session cookie set: let it through
    await signIn("host-token", { token, redirectTo: `/${parsed.data.connector}` });
  } catch (err) {
    // the token verified above, so a refusal here means it was used before
    if (err instanceof CredentialsSignin) return unauthorizedPage(locale, "replayed");
    throw err;
  }
}
