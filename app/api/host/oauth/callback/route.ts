import { z } from "zod";
import { plainPage } from "@/lib/auth/unauthorized-page";
import { getDb } from "@/lib/db";
import { completeHostConsent } from "@/lib/host";
import { isLocale, localeFromAcceptLanguage } from "@/lib/i18n";

export const dynamic = "force-dynamic";

const callback = z.object({
  state: z.string().min(8).max(200),
  code: z.string().min(1).max(4000).optional(),
  error: z.string().max(200).optional(),
});

/** Where Tribe's auth server sends the administrator back after the consent (a window the app opened). */
export async function GET(request: Request) {
  const fallback = localeFromAcceptLanguage(request.headers.get("accept-language"));
  const parsed = callback.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!parsed.success) return plainPage(fallback, { status: 400, title: "consent.failedTitle", message: "consent.unknown_state", reason: "bad_request" });
  const outcome = await completeHostConsent(await getDb(), parsed.data);
  const locale = outcome.locale && isLocale(outcome.locale) ? outcome.locale : fallback;
  if (outcome.ok) return plainPage(locale, { status: 200, title: "consent.doneTitle", message: "consent.done", reason: "connected", closeAfterMs: 1500 });
  return plainPage(locale, { status: outcome.reason === "unknown_state" ? 400 : 403, title: "consent.failedTitle", message: `consent.${outcome.reason}`, reason: outcome.reason });
}
