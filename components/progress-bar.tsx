/** A progress bar whose text and fill come from the same numbers; indeterminate while the total is unknown. */
export function ProgressBar({ name, text, processed, total, done }: { name: string; text: string; processed: number; total: number | null; done: boolean }) {
  const pct = done ? 100 : total ? Math.min(100, Math.round((processed / total) * 100)) : null;
  return (
    <div className="space-y-1">
      <div
        role="progressbar"
        aria-label={name}
        aria-valuetext={text}
        aria-valuemin={0}
        aria-valuemax={total ?? undefined}
        aria-valuenow={total ? processed : undefined}
        className="h-3 w-full overflow-hidden rounded-full bg-slate-200"
      >
        <div className={`h-full bg-teal-600 transition-all ${pct === null ? "w-1/3 animate-pulse" : ""}`} style={pct === null ? undefined : { width: `${pct}%` }} />
      </div>
      <p className="text-sm text-slate-700">{text}</p>
    </div>
  );
}
