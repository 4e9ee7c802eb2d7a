"use client";

import Link from "next/link";
import { startTransition, useActionState, useState } from "react";
import { useTranslations } from "next-intl";
import { saveSettingsAction, type SettingsFormState } from "@/app/(embedded)/[connector]/actions";
import type { Option, SettingsField } from "@/lib/sync/types";
import { MappingField, MultiSelectField, RadioField, SelectField, ToggleField } from "./settings-fields";
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

/** One settings tab, rendered from the fields the connector declares. */
export function SettingsForm({ connectorId, tabId, fields, options, values: initial, suggested }: Props) {
  const t = useTranslations();
  const hydrated = useHydrated();
  const [values, setValues] = useState(initial);
  const [state, dispatch, pending] = useActionState<SettingsFormState, FormData>(async (prev, formData) => {
    const next = await saveSettingsAction(connectorId, tabId, prev, formData);
    // the form shows the tab as it was saved (cleaned: duplicates and empty rows dropped)
    if (next.ok && next.saved) setValues(next.saved);
    return next;
  }, { ok: null });
  const set = (name: string) => (value: unknown) => setValues((v) => ({ ...v, [name]: value }));
  const label = (key: string) => t(`connectors.${connectorId}.${key}` as "app.name");
  const errorOf = (key: string) => state.fieldErrors?.[key];

  // Submitted from onSubmit, not as the form's action: React resets a form after its action,
  // which put every select back on "Kies…" and the radios on their first default.
  const submit = (event: React.FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const formData = new FormData(event.currentTarget);
    startTransition(() => dispatch(formData));
  };

  return (
    <form onSubmit={submit} data-ready={hydrated} className="space-y-6" noValidate>
      {fields.map((field) => {
        const common = { label, errorOf };
        const opts = "options" in field ? (options[field.options] ?? []) : [];
        switch (field.kind) {
          case "mapping":
            return (
              <MappingField
                key={field.name}
                {...common}
                field={field}
                rows={options[field.rows] ?? []}
                options={opts}
                value={(values[field.name] ?? {}) as Record<string, string>}
                suggested={(suggested?.[field.name] ?? null) as Record<string, string> | null}
                onChange={set(field.name)}
              />
            );
          case "select":
            return <SelectField key={field.name} {...common} field={field} options={opts} value={String(values[field.name] ?? "")} onChange={set(field.name)} />;
          case "multiselect":
            return <MultiSelectField key={field.name} {...common} field={field} options={opts} value={(values[field.name] ?? []) as string[]} onChange={set(field.name)} />;
          case "radio":
            return <RadioField key={field.name} {...common} field={field} options={opts} value={String(values[field.name] ?? "")} onChange={set(field.name)} />;
          case "toggle":
            return <ToggleField key={field.name} field={field} label={label} value={Boolean(values[field.name])} onChange={set(field.name)} />;
        }
      })}
      {errorOf("_form") ? (
        <p role="alert" className="text-sm text-red-700">
          {t(errorOf("_form") as "app.name")}
        </p>
      ) : null}
      {state.ok !== null ? (
        <div
          role={state.ok ? "status" : "alert"}
          data-testid="settings-result"
          data-ok={state.ok}
          className={`space-y-1 rounded-md p-3 text-sm ${state.ok ? "bg-emerald-50 text-emerald-800" : "bg-red-50 text-red-800"}`}
        >
          <p>{t((state.message?.key ?? (state.ok ? "settings.saved" : "settings.invalid")) as "app.name", state.message?.params)}</p>
          {state.importStarted ? (
            <Link href={`/${connectorId}`} className="font-medium underline">
              {t("settings.followImport")}
            </Link>
          ) : null}
        </div>
      ) : null}
      <SubmitButton pending={pending}>{t("settings.save")}</SubmitButton>
    </form>
  );
}
