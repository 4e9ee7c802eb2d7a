import Link from "next/link";
import { notFound } from "next/navigation";
import { getFormatter, getTranslations } from "next-intl/server";
import { z } from "zod";
import { requireSession } from "@/lib/auth/guard";
import { getConnector } from "@/lib/connectors";
import { getDb } from "@/lib/db";
import { installationOverview } from "@/lib/installations";
import { StatusBadge } from "@/components/status-badge";
import { ProgressBar } from "@/components/progress-bar";
import { AutoRefresh } from "@/components/auto-refresh";
import { SubmitButton } from "@/components/submit-button";
import { deactivateAction, pullNowAction, retryAction } from "./actions";

const filters = z.object({
  entity: z.enum(["relation", "product", "invoice", "salesOrder", "payment"]).optional().catch(undefined),
  outcome: z.enum(["created", "updated", "linked", "unchanged", "skipped", "failed"]).optional().catch(undefined),
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
  const { installation, lastRuns, runningImport, events } = await installationOverview(await getDb(), {
    tenantId: session.tenantId,
    connectorId: connector.id,
    filters: f,
  });
  const t = await getTranslations();
  const format = await getFormatter();
  const status = installation?.status ?? "inactive";
  const entities = Object.keys(connector.entities) as Array<"relation">;
  const when = (d: Date | null) => (d ? format.dateTime(d, { dateStyle: "short", timeStyle: "medium" }) : "—");

  return (
    <main className="space-y-8">
      {/* live while the import runs, up to the moment the installation goes active */}
      {status === "importing" || runningImport ? <AutoRefresh /> : null}
      <section aria-labelledby="status-heading" className="flex flex-wrap items-center justify-between gap-4 rounded-xl border border-slate-200 bg-white p-5">
        <div className="space-y-1">
          <h1 id="status-heading" className="text-xl font-semibold">
            {connector.name}
          </h1>
          <div className="flex items-center gap-2 text-sm">
            <span className="text-slate-500">{t("overview.status")}:</span>
            <StatusBadge status={status} />
          </div>
          {installation?.statusMessage ? <p className="text-sm text-red-700">{installation.statusMessage}</p> : null}
        </div>
        <div className="flex gap-2">
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
                <form action={pullNowAction.bind(null, connector.id)}>
                  <SubmitButton className="rounded-md border border-slate-300 px-4 py-2 text-sm font-medium hover:bg-slate-50">
                    {t("overview.pullNow")}
                  </SubmitButton>
                </form>
              ) : null}
              <form action={deactivateAction.bind(null, connector.id)}>
                <SubmitButton className="rounded-md border border-red-300 px-4 py-2 text-sm font-medium text-red-700 hover:bg-red-50">
                  {t("overview.deactivate")}
                </SubmitButton>
              </form>
            </>
          )}
        </div>
      </section>

      {runningImport ? (
        <section aria-labelledby="progress-heading" className="rounded-xl border border-sky-200 bg-sky-50 p-5">
          <h2 id="progress-heading" className="mb-3 font-medium">
            {t("overview.progress")}
          </h2>
          <ProgressBar
            processed={runningImport.processed}
            total={runningImport.total}
            label={
              runningImport.total
                ? t("overview.importing", { processed: runningImport.processed, total: runningImport.total })
                : t("overview.importingUnknown", { processed: runningImport.processed })
            }
          />
        </section>
      ) : null}

      <section aria-labelledby="runs-heading" className="rounded-xl border border-slate-200 bg-white p-5">
        <h2 id="runs-heading" className="mb-3 font-medium">
          {t("overview.lastRuns")}
        </h2>
        {lastRuns.length === 0 ? (
          <p className="text-sm text-slate-500">{t("overview.noRuns")}</p>
        ) : (
          <table className="w-full text-left text-sm" data-testid="last-runs">
            <thead className="text-slate-500">
              <tr>
                <th className="py-1">{t("overview.entity")}</th>
                <th>{t("overview.kind")}</th>
                <th>{t("overview.runStatus")}</th>
                <th>{t("overview.counts")}</th>
                <th>{t("overview.started")}</th>
                <th>{t("overview.finished")}</th>
              </tr>
            </thead>
            <tbody>
              {lastRuns.map((r) => (
                <tr key={r.id} className="border-t border-slate-100" data-entity={r.entity} data-kind={r.kind} data-status={r.status}>
                  <td className="py-1">{t(`entities.${r.entity as "relation"}`)}</td>
                  <td>{t(`runKind.${r.kind as "import"}`)}</td>
                  <td>{t(`runStatus.${r.status}`)}</td>
                  <td className="text-slate-600">
                    {(Object.entries(r.counts) as Array<[keyof typeof r.counts, number]>)
                      .filter(([, n]) => n > 0)
                      .map(([k, n]) => `${t(`outcomes.${k}`)} ${n}`)
                      .join(" · ") || "—"}
                  </td>
                  <td>{when(r.startedAt)}</td>
                  <td>{when(r.finishedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      <section aria-labelledby="log-heading" className="rounded-xl border border-slate-200 bg-white p-5">
        <h2 id="log-heading" className="mb-3 font-medium">
          {t("overview.syncLog")}
        </h2>
        <form method="get" className="mb-4 flex flex-wrap items-end gap-3 text-sm">
          <label className="flex flex-col gap-1">
            {t("overview.filterEntity")}
            <select name="entity" defaultValue={f.entity ?? ""} className="rounded-md border border-slate-300 px-2 py-1">
              <option value="">{t("overview.all")}</option>
              {entities.map((e) => (
                <option key={e} value={e}>
                  {t(`entities.${e}`)}
                </option>
              ))}
            </select>
          </label>
          <label className="flex flex-col gap-1">
            {t("overview.filterOutcome")}
            <select name="outcome" defaultValue={f.outcome ?? ""} className="rounded-md border border-slate-300 px-2 py-1">
              <option value="">{t("overview.all")}</option>
              {(["created", "updated", "linked", "unchanged", "skipped", "failed"] as const).map((o) => (
                <option key={o} value={o}>
                  {t(`outcomes.${o}`)}
                </option>
              ))}
            </select>
          </label>
          <button type="submit" className="rounded-md border border-slate-300 px-3 py-1.5 hover:bg-slate-50">
            {t("overview.filter")}
          </button>
        </form>
        {events.length === 0 ? (
          <p className="text-sm text-slate-500">{t("overview.noEvents")}</p>
        ) : (
          <table className="w-full text-left text-sm" data-testid="sync-log">
            <thead className="text-slate-500">
              <tr>
                <th className="py-1">{t("overview.time")}</th>
                <th>{t("overview.entity")}</th>
                <th>{t("overview.direction")}</th>
                <th>{t("overview.runStatus")}</th>
                <th>{t("overview.message")}</th>
                <th>
                  <span className="sr-only">{t("overview.retry")}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {events.map((e) => (
                <tr key={e.id} className="border-t border-slate-100 align-top" data-outcome={e.outcome} data-entity={e.entity}>
                  <td className="py-1 whitespace-nowrap">{when(e.createdAt)}</td>
                  <td>{t(`entities.${e.entity as "relation"}`)}</td>
                  <td>{t(`overview.${e.direction}`)}</td>
                  <td>{t(`outcomes.${e.outcome}`)}</td>
                  <td className="text-slate-700">{e.message ? (t.has(e.message) ? t(e.message as "app.name", e.messageParams ?? {}) : e.message) : ""}</td>
                  <td>
                    {e.outcome === "failed" && e.retriable ? (
                      e.retriedAt ? (
                        <span className="text-slate-500">{t("overview.retried")}</span>
                      ) : (
                        <form action={retryAction.bind(null, connector.id)}>
                          <input type="hidden" name="syncEventId" value={e.id} />
                          <SubmitButton className="rounded border border-slate-300 px-2 py-0.5 hover:bg-slate-50">{t("overview.retry")}</SubmitButton>
                        </form>
                      )
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </main>
  );
}
