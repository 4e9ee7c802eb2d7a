"use client";

import { useId, useRef } from "react";
import { useTranslations } from "next-intl";
import { deactivateAction } from "@/app/(embedded)/[connector]/actions";
import { SubmitButton } from "./submit-button";
import { useHydrated } from "./use-hydrated";

/**
 * "Deactiveren", asked again in a modal dialog first. The native <dialog> keeps focus inside
 * while open and closes on Escape; Cancel has the focus, so Enter does not deactivate by accident.
 */
export function DeactivateButton({ connectorId }: { connectorId: string }) {
  const t = useTranslations("overview");
  const hydrated = useHydrated();
  const dialog = useRef<HTMLDialogElement>(null);
  const id = useId();
  return (
    <>
      <button
        type="button"
        aria-haspopup="dialog"
        data-ready={hydrated}
        onClick={() => dialog.current?.showModal()}
        className="rounded-md border border-red-300 px-4 py-2 text-sm font-medium text-red-700 hover:bg-red-50 focus:outline-none focus-visible:ring-2 focus-visible:ring-red-500"
      >
        {t("deactivate")}
      </button>
      <dialog
        ref={dialog}
        role="alertdialog"
        aria-modal="true"
        aria-labelledby={`${id}-title`}
        aria-describedby={`${id}-text`}
        className="m-auto max-w-md rounded-xl border border-slate-200 p-6 shadow-xl backdrop:bg-slate-900/40"
      >
        <h2 id={`${id}-title`} className="text-lg font-semibold">
          {t("deactivateTitle")}
        </h2>
        <p id={`${id}-text`} className="mt-2 text-sm text-slate-700">
          {t("deactivateConfirm")}
        </p>
        <form action={deactivateAction.bind(null, connectorId)} className="mt-6 flex justify-end gap-2">
          <button
            type="button"
            autoFocus
            onClick={() => dialog.current?.close()}
            className="rounded-md border border-slate-300 px-4 py-2 text-sm font-medium hover:bg-slate-50 focus:outline-none focus-visible:ring-2 focus-visible:ring-teal-500"
          >
            {t("cancel")}
          </button>
          <SubmitButton className="rounded-md bg-red-700 px-4 py-2 text-sm font-medium text-white hover:bg-red-800 focus:outline-none focus-visible:ring-2 focus-visible:ring-red-500 disabled:opacity-60">
            {t("deactivateConfirmButton")}
          </SubmitButton>
        </form>
      </dialog>
    </>
  );
}
