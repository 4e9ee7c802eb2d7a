import Link from "next/link";
import { getTranslations } from "next-intl/server";

/** Which settings tabs still need filling before the first import can start, each a link. */
export async function PendingSettings({ links }: { links: Array<{ href: string; label: string }> }) {
  const t = await getTranslations("overview");
  return (
    <section aria-labelledby="setup-heading" data-testid="pending-settings" className="rounded-xl border border-amber-200 bg-amber-50 p-5">
      <h2 id="setup-heading" className="mb-2 font-medium text-amber-900">
        {t("setupHeading")}
      </h2>
      <p className="mb-3 text-sm text-amber-900">{t("setupPending")}</p>
      <ul className="flex flex-wrap gap-2">
        {links.map((l) => (
          <li key={l.href}>
            <Link href={l.href} className="inline-block rounded-md border border-amber-300 bg-white px-3 py-1.5 text-sm font-medium text-amber-900 underline-offset-2 hover:underline focus:outline-none focus-visible:ring-2 focus-visible:ring-amber-500">
              {l.label}
            </Link>
          </li>
        ))}
      </ul>
    </section>
  );
}
