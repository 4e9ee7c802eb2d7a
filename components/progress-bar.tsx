/** A progress bar; indeterminate when the total is unknown. */
export function ProgressBar({ processed, total, label }: { processed: number; total: number | null; label: string }) {
  const pct = total ? Math.min(100, Math.round((processed / total) * 100)) : null;
  return (
    <div className="space-y-1">
      <div
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={total ?? undefined}
        aria-valuenow={total ? processed : undefined}
        className="h-3 w-full overflow-hidden rounded-full bg-slate-200"
      >
        <div className={`h-full bg-teal-600 transition-all ${pct === null ? "w-1/3 animate-pulse" : ""}`} style={pct === null ? undefined : { width: `${pct}%` }} />
      </div>
      <p className="text-sm text-slate-600" data-testid="import-progress" data-processed={processed} data-total={total ?? ""}>
        {label}
      </p>
    </div>
  );
}
