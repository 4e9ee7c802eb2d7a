import { getFormatter, getTranslations } from "next-intl/server";
import type { RunCounts } from "@/lib/db/schema";
import type { RunResult } from "@/lib/installations/overview";
import { rowClass, tableClass, tdClass, thClass, theadClass } from "./table-styles";

type Run = { id: string; entity: string; kind: string; status: string; counts: RunCounts; startedAt: Date; finishedAt: Date | null; result: RunResult };

/** The last run of each kind and entity, with what came of it. */
export async function LastRuns({ runs }: { runs: Run[] }) {
  const t = await getTranslations();
  const format = await getFormatter();
  const when = (d: Date | null) => (d ? format.dateTime(d, { dateStyle: "short", timeStyle: "medium" }) : "—");
  return (
    <section aria-labelledby="runs-heading" className="rounded-xl border border-slate-200 bg-white p-5">
      <h2 id="runs-heading" className="mb-3 font-medium">
        {t("overview.lastRuns")}
      </h2>
      {runs.length === 0 ? (
        <p className="text-sm text-slate-500">{t("overview.noRuns")}</p>
      ) : (
        <div className="overflow-x-auto">
          <table className={tableClass} data-testid="last-runs">
            <thead className={theadClass}>
              <tr>
                <th scope="col" className={thClass}>{t("overview.entity")}</th>
                <th scope="col" className={thClass}>{t("overview.kind")}</th>
                <th scope="col" className={thClass}>{t("overview.runStatus")}</th>
                <th scope="col" className={thClass}>{t("overview.counts")}</th>
                <th scope="col" className={thClass}>{t("overview.started")}</th>
                <th scope="col" className={thClass}>{t("overview.finished")}</th>
              </tr>
            </thead>
            <tbody>
              {runs.map((r) => (
                <tr key={r.id} className={rowClass} data-entity={r.entity} data-kind={r.kind} data-status={r.status} data-result={r.result.key}>
                  <td className={tdClass}>{t(`entities.${r.entity as "relation"}`)}</td>
                  <td className={tdClass}>{t(`runKind.${r.kind as "import"}`)}</td>
                  <td className={`${tdClass} ${r.result.key === "partial" || r.result.key === "failed" ? "text-red-700" : ""}`}>
                    {r.result.key === "partial" ? t("runStatus.partial", { failed: r.result.failed }) : t(`runStatus.${r.result.key}`)}
                  </td>
                  <td className={`${tdClass} text-slate-600`}>
                    {(Object.entries(r.counts) as Array<[keyof RunCounts, number]>)
                      .filter(([, n]) => n > 0)
                      .map(([k, n]) => `${t(`outcomes.${k}`)} ${n}`)
                      .join(" · ") || "—"}
                  </td>
                  <td className={`${tdClass} whitespace-nowrap`}>{when(r.startedAt)}</td>
                  <td className={`${tdClass} whitespace-nowrap`}>{when(r.finishedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
