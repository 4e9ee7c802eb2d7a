"use client";

import { useFormStatus } from "react-dom";
import { useHydrated } from "./use-hydrated";

/** A form's submit button, busy while the form's action runs (or while `pending` says so). */
export function SubmitButton({
  children,
  pendingLabel,
  pending,
  className,
}: {
  children: React.ReactNode;
  pendingLabel?: string;
  /** for forms that dispatch their action themselves, which useFormStatus does not see */
  pending?: boolean;
  className?: string;
}) {
  const status = useFormStatus();
  const busy = Boolean(pending) || status.pending;
  const hydrated = useHydrated();
  return (
    <button
      type="submit"
      disabled={busy}
      aria-busy={busy}
      data-ready={hydrated}
      className={className ?? "rounded-md bg-teal-700 px-4 py-2 text-sm font-medium text-white hover:bg-teal-800 focus:outline-none focus-visible:ring-2 focus-visible:ring-teal-500 disabled:opacity-60"}
    >
      {busy && pendingLabel ? pendingLabel : children}
    </button>
  );
}
