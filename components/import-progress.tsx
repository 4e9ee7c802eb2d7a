import { getTranslations } from "next-intl/server";
import type { ImportProgress as Progress } from "@/lib/installations/overview";
import { ProgressBar } from "./progress-bar";

/** The first import, one bar per entity, each bar and its text from that entity's run. */
export async function ImportProgress({ entities }: { entities: Progress[] }) {
  const t = await getTranslations();
  return (
    <section aria-labelledby="progress-heading" className="rounded-xl border border-sky-200 bg-sky-50 p-5">
      <h2 id="progress-heading" className="mb-3 font-medium">
        {t("overview.progress")}
      </h2>
      {entities.some((p) => p.resuming) ? (
        <p role="status" data-testid="import-resuming" className="mb-3 rounded-md bg-amber-50 p-2 text-sm text-amber-900">
          {t("overview.importResuming")}
        </p>
      ) : null}
      <ul className="space-y-4">
        {entities.map((p) => {
          const entity = t(`entities.${p.entity as "relation"}`);
          const values = { entity, processed: p.processed, total: p.total ?? 0 };
          const text =
            p.stage === "done"
              ? t("overview.importDone", values)
              : p.stage === "waiting"
                ? t("overview.importWaiting", values)
                : p.stage === "indexing"
                  ? t("overview.importIndexing", values)
                  : p.total
                    ? t("overview.importing", values)
                    : t("overview.importingUnknown", values);
          return (
            <li key={p.entity} data-testid="import-progress" data-entity={p.entity} data-stage={p.stage} data-processed={p.processed} data-total={p.total ?? ""}>
              <ProgressBar name={entity} text={text} processed={p.processed} total={p.total} done={p.stage === "done"} />
            </li>
          );
        })}
      </ul>
    </section>
  );
}
