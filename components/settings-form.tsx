"use client";

import { useActionState, useState } from "react";
import { useTranslations } from "next-intl";
import { saveSettingsAction, type FormState } from "@/app/(embedded)/[connector]/actions";
import type { Option, SettingsField } from "@/lib/sync/types";
import { SubmitButton } from "./submit-button";
import { useHydrated } from "./use-hydrated";

type Props = {
  connectorId: string;
  tabId: string;
  fields: SettingsField[];
  options: Record<string, Option[]>;
  values: Record<string, unknown>;
  suggested: Record<string, unknown> | null;
};

const inputClass = "rounded-md border border-slate-300 px-2 py-1.5 text-sm aria-[invalid=true]:border-red-500";

/** One settings tab, rendered from the fields the connector declares. */
export function SettingsForm({ connectorId, tabId, fields, options, values, suggested }: Props) {
  const t = useTranslations();
  const hydrated = useHydrated();
  const [state, action] = useActionState<FormState, FormData>(saveSettingsAction.bind(null, connectorId, tabId), { ok: null });
  const label = (key: string) => t(`connectors.${connectorId}.${key}` as "app.name");
  const errorOf = (key: string) => state.fieldErrors?.[key];
  const ErrorText = ({ id, k }: { id: string; k: string }) =>
    errorOf(k) ? (
      <p id={id} className="text-sm text-red-700">
        {t(errorOf(k) as "app.name")}
      </p>
    ) : null;

  return (
    <form action={action} data-ready={hydrated} className="space-y-6" noValidate>
      {fields.map((field) => {
        const id = `field-${field.name}`;
        const opts = "options" in field ? (options[field.options] ?? []) : [];
        if (field.kind === "mapping") {
          const rows = options[field.rows] ?? [];
          const current = (values[field.name] ?? {}) as Record<string, string>;
          return (
            <fieldset key={field.name} className="space-y-2">
              <legend className="mb-2 font-medium">{label(field.label)}</legend>
              <ErrorText id={`${id}-error`} k={field.name} />
              <table className="w-full text-sm">
                <tbody>
                  {rows.map((row) => {
                    const key = `${field.name}.${row.value}`;
                    const isSuggested = suggested && (suggested[field.name] as Record<string, string> | undefined)?.[row.value];
                    return (
                      <tr key={row.value} className="border-t border-slate-100">
                        <td className="py-2 pr-4">
                          <label htmlFor={`${id}-${row.value}`}>{row.label}</label>
                          {row.hint ? <span className="ml-2 text-xs text-slate-500">{row.hint}</span> : null}
                        </td>
                        <td className="py-2">
                          <select
                            id={`${id}-${row.value}`}
                            name={key}
                            defaultValue={current[row.value] ?? ""}
                            aria-invalid={Boolean(errorOf(key))}
                            aria-describedby={errorOf(key) ? `${id}-${row.value}-error` : undefined}
                            className={inputClass}
                          >
                            <option value="">{field.required ? t("settings.choose") : label("labels.sameAsDefault")}</option>
                            {opts.map((o) => (
                              <option key={o.value} value={o.value}>
                                {o.label}
                              </option>
                            ))}
                          </select>
                          {isSuggested ? <span className="ml-2 text-xs text-sky-700">{label("labels.suggested")}</span> : null}
                          <ErrorText id={`${id}-${row.value}-error`} k={key} />
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </fieldset>
          );
        }
        if (field.kind === "select") {
          return (
            <div key={field.name} className="flex flex-col gap-1">
              <label htmlFor={id} className="font-medium">
                {label(field.label)}
              </label>
              <select id={id} name={field.name} defaultValue={String(values[field.name] ?? "")} aria-invalid={Boolean(errorOf(field.name))} aria-describedby={`${id}-error`} className={`${inputClass} max-w-md`}>
                <option value="">{t("settings.choose")}</option>
                {opts.map((o) => (
                  <option key={o.value} value={o.value}>
                    {o.label}
                  </option>
                ))}
              </select>
              <ErrorText id={`${id}-error`} k={field.name} />
            </div>
          );
        }
        if (field.kind === "multiselect") {
          return <MultiSelect key={field.name} field={field} options={opts} initial={(values[field.name] as string[]) ?? []} label={label} errorOf={errorOf} />;
        }
        if (field.kind === "radio") {
          return (
            <fieldset key={field.name} className="space-y-1">
              <legend className="font-medium">{label(field.label)}</legend>
              {opts.map((o) => (
                <label key={o.value} className="flex items-center gap-2 text-sm">
                  <input type="radio" name={field.name} value={o.value} defaultChecked={values[field.name] === o.value} />
                  {o.label.startsWith("labels.") ? label(o.label) : o.label}
                </label>
              ))}
              <ErrorText id={`${id}-error`} k={field.name} />
            </fieldset>
          );
        }
        return (
          <label key={field.name} className="flex items-center gap-3">
            <input id={id} type="checkbox" role="switch" name={field.name} defaultChecked={Boolean(values[field.name])} className="h-5 w-5 accent-teal-700" />
            <span className="font-medium">{label(field.label)}</span>
          </label>
        );
      })}
      {errorOf("_form") ? (
        <p role="alert" className="text-sm text-red-700">
          {t(errorOf("_form") as "app.name")}
        </p>
      ) : null}
      {state.ok !== null ? (
        <p role="status" data-testid="settings-result" data-ok={state.ok} className={`rounded-md p-3 text-sm ${state.ok ? "bg-emerald-50 text-emerald-800" : "bg-red-50 text-red-800"}`}>
          {state.ok ? t((state.message ?? "settings.saved") as "app.name") : t("settings.invalid")}
        </p>
      ) : null}
      <SubmitButton>{t("settings.save")}</SubmitButton>
    </form>
  );
}

function MultiSelect({
  field,
  options,
  initial,
  label,
  errorOf,
}: {
  field: Extract<SettingsField, { kind: "multiselect" }>;
  options: Option[];
  initial: string[];
  label: (k: string) => string;
  errorOf: (k: string) => string | undefined;
}) {
  const t = useTranslations();
  const [rows, setRows] = useState<string[]>(initial.length ? initial : [""]);
  return (
    <fieldset className="space-y-2">
      <legend className="font-medium">{label(field.label)}</legend>
      {rows.map((value, i) => (
        <div key={i} className="flex items-center gap-2">
          <select
            aria-label={`${label(field.label)} ${i + 1}`}
            name={field.name}
            value={value}
            onChange={(e) => setRows(rows.map((r, j) => (j === i ? e.target.value : r)))}
            aria-invalid={Boolean(errorOf(`${field.name}.${i}`))}
            className={inputClass}
          >
            <option value="">{t("settings.choose")}</option>
            {options.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </select>
          {rows.length > 1 ? (
            <button type="button" onClick={() => setRows(rows.filter((_, j) => j !== i))} className="text-sm text-slate-600 underline">
              {label("labels.removeRelationType")}
            </button>
          ) : null}
        </div>
      ))}
      <button type="button" onClick={() => setRows([...rows, ""])} className="rounded-md border border-slate-300 px-2 py-1 text-sm" aria-label={label("labels.addRelationType")}>
        +
      </button>
      {errorOf(field.name) ? <p className="text-sm text-red-700">{t(errorOf(field.name) as "app.name")}</p> : null}
    </fieldset>
  );
}
