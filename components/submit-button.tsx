"use client";

import { useFormStatus } from "react-dom";
import { useHydrated } from "./use-hydrated";

export function SubmitButton({ children, pendingLabel, className }: { children: React.ReactNode; pendingLabel?: string; className?: string }) {
  const { pending } = useFormStatus();
  const hydrated = useHydrated();
  return (
    <button
      type="submit"
      disabled={pending}
      aria-busy={pending}
      data-ready={hydrated}
      className={className ?? "rounded-md bg-teal-700 px-4 py-2 text-sm font-medium text-white hover:bg-teal-800 focus:outline-none focus-visible:ring-2 focus-visible:ring-teal-500 disabled:opacity-60"}
    >
      {pending && pendingLabel ? pendingLabel : children}
    </button>
  );
}
