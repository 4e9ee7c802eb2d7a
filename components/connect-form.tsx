"use client";

import { useActionState, useState } from "react";
import { useTranslations } from "next-intl";
import { connectAction, type FormState } from "@/app/(embedded)/[connector]/actions";
import { SubmitButton } from "./submit-button";
import { useHydrated } from "./use-hydrated";

type Field = { name: string; label: string; type: "text" | "password" | "select"; options?: string[]; optional?: boolean };

/** The credentials form; a select field (the sign-in method) decides which other fields show. */
export function ConnectForm({ connectorId, connectorName, fields }: { connectorId: string; connectorName: string; fields: Field[] }) {
  const t = useTranslations();
  const hydrated = useHydrated();
  const [state, action] = useActionState<FormState, FormData>(connectAction.bind(null, connectorId), { ok: null });
  const selector = fields.find((f) => f.type === "select");
  const [choice, setChoice] = useState(selector?.options?.[0] ?? "");
  // a refused submit re-mounts the fields with what was typed (React resets a submitted form)
  const attempt = JSON.stringify(state);
  const label = (key: string, values?: Record<string, string>) => t(`connectors.${connectorId}.${key}` as "app.name", values);
  const visible = fields.filter((f) => f.type === "select" || !f.name.includes(":") || f.name.split(":")[0] === choice);
  const reasonText =
    state.reason === "credentials"
      ? t("connect.credentialsRejected")
      : state.reason === "unreachable"
        ? t("connect.unreachable", { connector: connectorName })
        : state.reason === "package"
          ? label("packageRefused", state.params)
          : state.reason === "host"
            ? t("connect.webhooksFailed")
            : t("errors.generic");

  return (
    <form key={attempt} action={action} data-ready={hydrated} className="space-y-4" noValidate>
      {visible.map((f) => {
        const name = f.name.includes(":") ? f.name.split(":")[1] : f.name;
        const error = state.fieldErrors?.[name];
        const id = `field-${name}`;
        return (
          <div key={f.name} className="flex flex-col gap-1">
            <label htmlFor={id} className="text-sm font-medium">
              {label(f.label)}
            </label>
            {f.type === "select" ? (
              <select id={id} name={name} value={choice} onChange={(e) => setChoice(e.target.value)} className="rounded-md border border-slate-300 px-3 py-2">
                {f.options?.map((o) => (
                  <option key={o} value={o}>
                    {label(`fields.method${o[0].toUpperCase()}${o.slice(1)}`)}
                  </option>
                ))}
              </select>
            ) : (
              <input
                id={id}
                name={name}
                type={f.type}
                defaultValue={state.values?.[name]}
                autoComplete={f.type === "password" ? "current-password" : "off"}
                required={!f.optional}
                aria-invalid={Boolean(error)}
                aria-describedby={error ? `${id}-error` : undefined}
                className="rounded-md border border-slate-300 px-3 py-2 aria-[invalid=true]:border-red-500"
              />
            )}
            {error ? (
              <p id={`${id}-error`} className="text-sm text-red-700">
                {t(error as "app.name")}
              </p>
            ) : null}
          </div>
        );
      })}
      {state.ok === false && !state.fieldErrors ? (
        <p role="alert" className="rounded-md bg-red-50 p-3 text-sm text-red-800">
          {reasonText}
        </p>
      ) : null}
      <SubmitButton pendingLabel={t("connect.connecting")}>{t("connect.submit")}</SubmitButton>
    </form>
  );
}
