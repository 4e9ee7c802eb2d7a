import { headers } from "next/headers";
import { getRequestConfig } from "next-intl/server";
import { auth } from "@/lib/auth";
import { catalogues, localeFromAcceptLanguage } from "@/lib/i18n";

// Locale from the host's token (kept in the session), else the browser's.
export default getRequestConfig(async () => {
  const session = await auth();
  const locale = session?.locale ?? localeFromAcceptLanguage((await headers()).get("accept-language"));
  return { locale, messages: catalogues[locale], timeZone: "Europe/Amsterdam" };
});
