import Link from "next/link";
import { getFormatter, getTranslations } from "next-intl/server";
import { retryAction } from "@/app/(embedded)/[connector]/actions";
import { logMessageText, type Translator } from "@/lib/i18n/log-message";
import { syncLogHref, type OverviewFilters } from "@/lib/installations/overview";
import type { schema } from "@/lib/db";
import { SubmitButton } from "./submit-button";
import { rowClass, tableClass, tdClass, thClass, theadClass } from "./table-styles";

type SyncEvent = typeof schema.syncEvents.$inferSelect;
const OUTCOMES = ["created", "updated", "linked", "unchanged", "skipped", "failed"] as const;

/** The per-record log: filters, one page of rows with the record's name, and paging that keeps the filters. */
export async function SyncLog({
  connectorId,
  entities,
  filters,
  log,
}: {
  connectorId: string;
  entities: string[];
  filters: OverviewFilters;
  log: { events: SyncEvent[]; page: number; hasPrevious: boolean; hasNext: boolean };
}) {
  const t = await getTranslations();
  const format = await getFormatter();
  const when = (d: Date) => format.dateTime(d, { dateStyle: "short", timeStyle: "medium" });
  const linkClass = "rounded-md border border-slate-300 px-3 py-1.5 hover:bg-slate-50 focus:outline-none focus-visible:ring-2 focus-visible:ring-teal-500";

  return (
    <section aria-labelledby="log-heading" className="rounded-xl border border-slate-200 bg-white p-5">
      <h2 id="log-heading" className="mb-3 font-medium">
        {t("overview.syncLog")}
      </h2>
      <form method="get" className="mb-4 flex flex-wrap items-end gap-3 text-sm">
        <label className="flex flex-col gap-1">
          {t("overview.filterEntity")}
          <select name="entity" defaultValue={filters.entity ?? ""} className="rounded-md border border-slate-300 px-2 py-1">
            <option value="">{t("overview.all")}</option>
            {entities.map((e) => (
              <option key={e} value={e}>
                {t(`entities.${e as "relation"}`)}
              </option>
            ))}
          </select>
        </label>
        <label className="flex flex-col gap-1">
          {t("overview.filterOutcome")}
          <select name="outcome" defaultValue={filters.outcome ?? ""} className="rounded-md border border-slate-300 px-2 py-1">
            <option value="">{t("overview.all")}</option>
            {OUTCOMES.map((o) => (
              <option key={o} value={o}>
                {t(`outcomes.${o}`)}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="rounded-md border border-slate-300 px-3 py-1.5 hover:bg-slate-50 focus:outline-none focus-visible:ring-2 focus-visible:ring-teal-500">
          {t("overview.filter")}
        </button>
      </form>
      {log.events.length === 0 ? (
        <p className="text-sm text-slate-500">{t("overview.noEvents")}</p>
      ) : (
        <div className="overflow-x-auto">
          <table className={tableClass} data-testid="sync-log">
            <thead className={theadClass}>
              <tr>
                <th scope="col" className={thClass}>{t("overview.time")}</th>
                <th scope="col" className={thClass}>{t("overview.entity")}</th>
                <th scope="col" className={thClass}>{t("overview.record")}</th>
                <th scope="col" className={thClass}>{t("overview.direction")}</th>
                <th scope="col" className={thClass}>{t("overview.runStatus")}</th>
                <th scope="col" className={thClass}>{t("overview.message")}</th>
                <th scope="col" className={thClass}>
                  <span className="sr-only">{t("overview.retry")}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {log.events.map((e) => (
                <tr key={e.id} className={rowClass} data-outcome={e.outcome} data-entity={e.entity}>
                  <td className={`${tdClass} whitespace-nowrap`}>{when(e.createdAt)}</td>
                  <td className={tdClass}>{t(`entities.${e.entity as "relation"}`)}</td>
                  <td className={`${tdClass} font-medium`} data-testid="sync-log-record">
                    {e.label ?? "—"}
                  </td>
                  <td className={`${tdClass} whitespace-nowrap`}>{t(`overview.${e.direction}`)}</td>
                  <td className={tdClass}>{t(`outcomes.${e.outcome}`)}</td>
                  <td className={`${tdClass} text-slate-700`} data-testid="sync-log-message">
                    {logMessageText(t as unknown as Translator, e.message, e.messageParams)}
                  </td>
                  <td className={tdClass}>
                    {e.outcome === "failed" && e.retriable ? (
                      e.retriedAt ? (
                        <span className="text-slate-500">{t("overview.retried")}</span>
                      ) : (
                        <form action={retryAction.bind(null, connectorId)}>
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
        </div>
      )}
      {log.hasPrevious || log.hasNext ? (
        <nav aria-label={t("overview.logPages")} className="mt-4 flex items-center justify-between text-sm">
          {log.hasPrevious ? (
            <Link href={syncLogHref(connectorId, filters, log.page - 1)} rel="prev" className={linkClass}>
              ← {t("overview.previousPage")}
            </Link>
          ) : (
            <span />
          )}
          <span className="text-slate-600" aria-current="page">
            {t("overview.page", { page: log.page })}
          </span>
          {log.hasNext ? (
            <Link href={syncLogHref(connectorId, filters, log.page + 1)} rel="next" className={linkClass}>
              {t("overview.nextPage")} →
            </Link>
          ) : (
            <span />
          )}
        </nav>
      ) : null}
    </section>
  );
}
