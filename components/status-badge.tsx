import { getTranslations } from "next-intl/server";

// a coloured dot and plain text: a state to read, nothing to click
const dot: Record<string, string> = {
  inactive: "bg-slate-400",
  connecting: "bg-amber-500",
  importing: "bg-sky-500",
  active: "bg-emerald-500",
  error: "bg-red-600",
  needs_reconnect: "bg-orange-500",
};

export async function StatusBadge({ status }: { status: string }) {
  const t = await getTranslations("status");
  return (
    <span data-testid="installation-status" data-status={status} className="inline-flex items-center gap-1.5 text-sm font-medium text-slate-800">
      <span aria-hidden="true" className={`h-2.5 w-2.5 rounded-full ${dot[status] ?? dot.inactive}`} />
      {t(status as "active")}
    </span>
  );
}
