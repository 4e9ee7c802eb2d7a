import Link from "next/link";
import { notFound, redirect } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { requireSession } from "@/lib/auth/guard";
import { getConnector } from "@/lib/connectors";
import { getDb } from "@/lib/db";
import { settingsOptions } from "@/lib/installations/options";
import { incompleteTabs, settingsComplete } from "@/lib/installations/settings";
import { findInstallation } from "@/lib/tenancy";
import { SettingsForm } from "@/components/settings-form";

export default async function SettingsPage({ params }: { params: Promise<{ connector: string; tab: string }> }) {
  const session = await requireSession();
  const p = await params;
  const connector = getConnector(p.connector);
  const tab = connector?.settings.tabs.find((x) => x.id === p.tab);
  if (!connector || !tab) notFound();
  const db = await getDb();
  const installation = await findInstallation(db, session.tenantId, connector.id);
  if (!installation || installation.status === "inactive") redirect(`/${connector.id}/connect`);
  const t = await getTranslations();
  const options = await settingsOptions(db, session.tenantId, connector);
  const saved = (installation.settings as Record<string, Record<string, unknown> | undefined>)[tab.id];
  const values = saved ?? connector.settings.suggest(tab.id, options.host, options.lists);
  const complete = settingsComplete(connector, installation.settings, options.lists);
  const toFill = new Set(incompleteTabs(connector, installation.settings, options.lists));
  const label = (key: string, v?: Record<string, string>) => t(`connectors.${connector.id}.${key}` as "app.name", v);

  return (
    <main className="space-y-4">
      <div className="flex items-center justify-between">
        <h1 className="text-xl font-semibold">
          {connector.name} — {t("settings.title")}
        </h1>
        <Link href={`/${connector.id}`} className="text-sm text-teal-700 underline">
          {t("overview.status")}
        </Link>
      </div>
      <p role="status" data-testid="settings-completeness" data-complete={complete} className={`rounded-md p-3 text-sm ${complete ? "bg-emerald-50 text-emerald-800" : "bg-amber-50 text-amber-900"}`}>
        {complete ? t("settings.complete") : t("settings.incomplete")}
      </p>
      <nav aria-label={t("settings.title")}>
        <ul role="tablist" className="flex flex-wrap gap-1 border-b border-slate-200">
          {connector.settings.tabs.map((x) => (
            <li key={x.id} role="presentation">
              <Link
                role="tab"
                aria-selected={x.id === tab.id}
                aria-controls="settings-panel"
                href={`/${connector.id}/settings/${x.id}`}
                className={`-mb-px inline-block rounded-t-md border px-3 py-2 text-sm ${x.id === tab.id ? "border-slate-200 border-b-white bg-white font-medium" : "border-transparent text-slate-600 hover:text-slate-900"}`}
              >
                {label(x.label)}
                {toFill.has(x.id) ? (
                  <>
                    <span aria-hidden="true" className="ml-1.5 inline-block h-2 w-2 rounded-full bg-amber-500 align-middle" />
                    <span className="sr-only"> ({t("settings.tabIncomplete")})</span>
                  </>
                ) : null}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <section id="settings-panel" role="tabpanel" aria-label={label(tab.label)} className="rounded-b-xl border border-t-0 border-slate-200 bg-white p-5">
        {tab.help ? <p className="mb-4 text-sm text-slate-600">{label(tab.help, { country: options.host.ownCountry ?? "—" })}</p> : null}
        <SettingsForm
          key={tab.id}
          connectorId={connector.id}
          tabId={tab.id}
          fields={tab.fields}
          options={options.lists}
          values={values}
          suggested={saved ? null : values}
        />
      </section>
    </main>
  );
}
