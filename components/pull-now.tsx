"use client";

import { useActionState, useEffect, useState } from "react";
import { useTranslations } from "next-intl";
import { pullNowAction, type PullNowState } from "@/app/(embedded)/[connector]/actions";
import { AutoRefresh } from "./auto-refresh";
import { SubmitButton } from "./submit-button";

// a pull that has not begun this long after the click is not waited for any more
const WAIT_FOR_START_MS = 2 * 60_000;
// a pull that began just before the click also counts (the two clocks are not the same)
const CLOCK_SLACK_MS = 5_000;

/**
 * "Nu synchroniseren" and what came of it: started, then done. Until the pull's runs appear the
 * page refreshes itself; while they run the overview does (it refreshes while any run runs).
 */
export function PullNow({ connectorId, pullBusy, lastPullStartedAt }: { connectorId: string; pullBusy: boolean; lastPullStartedAt: string | null }) {
  const t = useTranslations("overview");
  const [state, dispatch] = useActionState<PullNowState, FormData>(pullNowAction.bind(null, connectorId), { ok: null });
  const [gaveUp, setGaveUp] = useState(false);
  const requestedAt = state.ok && state.requestedAt ? Date.parse(state.requestedAt) : null;
  const begun = requestedAt !== null && lastPullStartedAt !== null && Date.parse(lastPullStartedAt) >= requestedAt - CLOCK_SLACK_MS;
  const waiting = requestedAt !== null && !begun && !gaveUp;

  useEffect(() => {
    if (requestedAt === null) return;
    setGaveUp(false);
    const timer = setTimeout(() => setGaveUp(true), WAIT_FOR_START_MS);
    return () => clearTimeout(timer);
  }, [requestedAt]);

  const message =
    state.ok === false ? t("pullRefused") : waiting || (begun && pullBusy) ? t("pullStarted") : begun ? t("pullDone") : null;
  return (
    <div className="flex flex-col items-end gap-1">
      {waiting ? <AutoRefresh /> : null}
      <form action={dispatch}>
        <SubmitButton className="rounded-md border border-slate-300 px-4 py-2 text-sm font-medium hover:bg-slate-50 focus:outline-none focus-visible:ring-2 focus-visible:ring-teal-500 disabled:opacity-60">
          {t("pullNow")}
        </SubmitButton>
      </form>
      <p role="status" data-testid="pull-status" className="max-w-xs text-right text-sm text-slate-700">
        {message}
      </p>
    </div>
  );
}
