import Link from "next/link";
import { notFound } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { z } from "zod";
import { requireSession } from "@/lib/auth/guard";
import { getConnector } from "@/lib/connectors";
import { getDb } from "@/lib/db";
import { beginHostConsent, hostConnectionOf, hostSignIn } from "@/lib/host";
import { installationOverview, pendingSettingsTabs } from "@/lib/installations";
import { entityKind } from "@/lib/model";
import { StatusBadge } from "@/components/status-badge";
import { AutoRefresh } from "@/components/auto-refresh";
import { DeactivateButton } from "@/components/deactivate-button";
import { HostConsent } from "@/components/host-consent";
import { ImportProgress } from "@/components/import-progress";
import { LastRuns } from "@/components/last-runs";
import { PendingSettings } from "@/components/pending-settings";
import { PullNow } from "@/components/pull-now";
import { SyncLog } from "@/components/sync-log";

const filters = z.object({
  entity: entityKind.optional().catch(undefined),
  outcome: z.enum(["created", "updated", "linked", "unchanged", "skipped", "failed"]).optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(100_000).optional().catch(undefined),
});

export default async function Overview({
  params,
  searchParams,
}: {
  params: Promise<{ connector: string }>;
  searchParams: Promise<Record<string, string | undefined>>;
}) {
  const session = await requireSession();
  const connector = getConnector((await params).connector);
  if (!connector) notFound();
  const f = filters.parse(await searchParams);
  const db = await getDb();
  const [overview, pendingTabs] = await Promise.all([
    installationOverview(db, { tenantId: session.tenantId, connectorId: connector.id, filters: f }),
    pendingSettingsTabs(db, { tenantId: session.tenantId, connector }),
  ]);
  const { installation, lastRuns, importProgress, syncing, pull, log } = overview;
  // with Tribe's marketplace flow, syncing needs the organisation's consent, which can be withdrawn
  const consent = hostSignIn() === "authorization_code" && installation && installation.status !== "inactive";
  const connection = consent ? await hostConnectionOf(db, session.tenantId) : null;
  const t = await getTranslations();
  const status = installation?.status ?? "inactive";
  const tabLabel = (key: string) => t(`connectors.${connector.id}.${key}` as "app.name");

  return (
    <main className="space-y-8">
      {/* live while the import or any other run goes on, up to the moment the installation goes active */}
      {status === "importing" || syncing ? <AutoRefresh /> : null}
      <section aria-labelledby="status-heading" className="flex flex-wrap items-start justify-between gap-4 rounded-xl border border-slate-200 bg-white p-5">
        <div className="space-y-1">
          <h1 id="status-heading" className="text-xl font-semibold">
            {connector.name}
          </h1>
          <p className="flex items-center gap-2 text-sm">
            <span className="text-slate-500">{t("overview.status")}:</span>
            <StatusBadge status={status} />
          </p>
          {installation?.statusMessage ? <p className="text-sm text-red-700">{installation.statusMessage}</p> : null}
        </div>
        <div className="flex flex-wrap items-start gap-2">
          {status === "inactive" ? (
            <Link href={`/${connector.id}/connect`} className="rounded-md bg-teal-700 px-4 py-2 text-sm font-medium text-white hover:bg-teal-800">
              {t("overview.activate")}
            </Link>
          ) : (
            <>
              <Link href={`/${connector.id}/settings/${connector.settings.tabs[0].id}`} className="rounded-md border border-slate-300 px-4 py-2 text-sm font-medium hover:bg-slate-50">
                {t("overview.settings")}
              </Link>
              {status === "active" ? (
                <PullNow connectorId={connector.id} pullBusy={pull.busy} lastPullStartedAt={pull.lastStartedAt?.toISOString() ?? null} />
              ) : null}
              <DeactivateButton connectorId={connector.id} />
            </>
          )}
        </div>
      </section>

      {consent && !connection ? (
        <div className="rounded-xl border border-red-200 bg-red-50 p-5">
          <HostConsent consentUrl={await beginHostConsent(db, session.tenantId, session.locale)} title="overview.hostDisconnected" />
        </div>
      ) : connection ? (
        <p data-testid="host-connected" className="text-sm text-slate-600">
          {t("overview.hostConnectedBy", { who: connection.connectedBy ?? "—" })}
        </p>
      ) : null}

      {pendingTabs.length > 0 ? (
        <PendingSettings links={connector.settings.tabs.filter((tab) => pendingTabs.includes(tab.id)).map((tab) => ({ href: `/${connector.id}/settings/${tab.id}`, label: tabLabel(tab.label) }))} />
      ) : null}

      {importProgress ? <ImportProgress entities={importProgress} /> : null}

      <LastRuns runs={lastRuns} />

      {/* the log's kinds of record (contact persons are logged with their relation) */}
      <SyncLog connectorId={connector.id} entities={Object.keys(connector.entities).filter((e) => entityKind.safeParse(e).success)} filters={f} log={log} />
    </main>
  );
}
