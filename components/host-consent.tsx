import { getTranslations } from "next-intl/server";
import { AutoRefresh } from "./auto-refresh";

/**
 * The first step of activating: the organisation gives Ledgerlink access to its CRM, on the CRM's
 * own consent page (which will not show in a frame, so it opens in a window of its own); this
 * page looks again every few seconds until the consent has come back.
 */
export async function HostConsent({ consentUrl, title = "connect.host.title" }: { consentUrl: string; title?: "connect.host.title" | "overview.hostDisconnected" }) {
  const t = await getTranslations();
  return (
    <section aria-labelledby="consent-heading" className="space-y-3" data-testid="host-consent-step">
      <AutoRefresh ms={2500} />
      <h2 id="consent-heading" className="font-medium">
        {t(title)}
      </h2>
      <p className="text-sm text-slate-600">{t("connect.host.explain")}</p>
      <a
        href={consentUrl}
        target="_blank"
        rel="noopener"
        data-testid="host-consent"
        className="inline-block rounded-md bg-teal-700 px-4 py-2 text-sm font-medium text-white hover:bg-teal-800 focus-visible:outline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-teal-700"
      >
        {t("connect.host.button")}
      </a>
      <p role="status" className="text-sm text-slate-500">
        {t("connect.host.waiting")}
      </p>
    </section>
  );
}
