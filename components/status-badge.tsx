import { getTranslations } from "next-intl/server";

const tone: Record<string, string> = {
  inactive: "bg-slate-100 text-slate-700",
  connecting: "bg-amber-100 text-amber-800",
  importing: "bg-sky-100 text-sky-800",
  active: "bg-emerald-100 text-emerald-800",
  error: "bg-red-100 text-red-800",
  needs_reconnect: "bg-orange-100 text-orange-800",
};

export async function StatusBadge({ status }: { status: string }) {
  const t = await getTranslations("status");
  return (
    <span data-testid="installation-status" data-status={status} className={`rounded-full px-3 py-1 text-sm font-medium ${tone[status] ?? tone.inactive}`}>
      {t(status as "active")}
    </span>
  );
}
