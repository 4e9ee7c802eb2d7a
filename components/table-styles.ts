/** Shared look of the overview's tables: room between columns, headers set apart from the rows. */
export const tableClass = "w-full border-collapse text-left text-sm";
export const theadClass = "border-b border-slate-200 bg-slate-50";
export const thClass = "px-3 py-2 text-xs font-semibold uppercase tracking-wide text-slate-600";
export const tdClass = "px-3 py-2 align-top";
export const rowClass = "border-t border-slate-100";
