"use client";

import { useTranslations } from "next-intl";
import type { Option, SettingsField } from "@/lib/sync/types";

/**
 * The inputs of one settings field, one component per kind. All are controlled: the form owns
 * the values, so they show what was saved after a success and what the user chose after a refusal.
 */

type Common<K extends SettingsField["kind"]> = {
  field: Extract<SettingsField, { kind: K }>;
  /** a connector message (labels, option names) */
  label: (key: string) => string;
  errorOf: (key: string) => string | undefined;
};

const inputClass = "rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm focus:outline-none focus-visible:ring-2 focus-visible:ring-teal-500 aria-[invalid=true]:border-red-500";

function FieldError({ id, message }: { id: string; message: string | undefined }) {
  const t = useTranslations();
  return message ? (
    <p id={id} className="text-sm text-red-700">
      {t(message as "app.name")}
    </p>
  ) : null;
}

const describedBy = (id: string, error: string | undefined) => (error ? `${id}-error` : undefined);

export function MappingField({
  field,
  label,
  errorOf,
  rows,
  options,
  value,
  suggested,
  onChange,
}: Common<"mapping"> & {
  rows: Option[];
  options: Option[];
  value: Record<string, string>;
  /** rows whose value is the connector's proposal, not the user's choice */
  suggested: Record<string, string> | null;
  onChange: (value: Record<string, string>) => void;
}) {
  const t = useTranslations();
  const id = `field-${field.name}`;
  return (
    <fieldset className="space-y-2">
      <legend className="mb-2 font-medium">{label(field.label)}</legend>
      <FieldError id={`${id}-error`} message={errorOf(field.name)} />
      <table className="w-full text-sm">
        <tbody>
          {rows.map((row) => {
            const rowId = `${id}-${row.value}`;
            const error = errorOf(`${field.name}.${row.value}`);
            return (
              <tr key={row.value} className="border-t border-slate-100">
                <td className="py-2 pr-4 align-top">
                  <label htmlFor={rowId}>{row.label}</label>
                  {row.hint ? <span className="ml-2 text-xs text-slate-500">{row.hint}</span> : null}
                </td>
                <td className="py-2">
                  <select
                    id={rowId}
                    name={`${field.name}.${row.value}`}
                    value={value[row.value] ?? ""}
                    onChange={(e) => onChange({ ...value, [row.value]: e.target.value })}
                    aria-invalid={Boolean(error)}
                    aria-describedby={describedBy(rowId, error)}
                    className={inputClass}
                  >
                    <option value="">{field.required ? t("settings.choose") : label("labels.sameAsDefault")}</option>
                    {options.map((o) => (
                      <option key={o.value} value={o.value}>
                        {o.label}
                      </option>
                    ))}
                  </select>
                  {suggested?.[row.value] && suggested[row.value] === value[row.value] ? (
                    <span className="ml-2 text-xs text-sky-700">{label("labels.suggested")}</span>
                  ) : null}
                  <FieldError id={`${rowId}-error`} message={error} />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </fieldset>
  );
}

export function SelectField({ field, label, errorOf, options, value, onChange }: Common<"select"> & { options: Option[]; value: string; onChange: (v: string) => void }) {
  const id = `field-${field.name}`;
  const error = errorOf(field.name);
  return (
    <div className="flex flex-col gap-1">
      <label htmlFor={id} className="font-medium">
        {label(field.label)}
      </label>
      <select
        id={id}
        name={field.name}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        aria-invalid={Boolean(error)}
        aria-describedby={describedBy(id, error)}
        className={`${inputClass} max-w-md`}
      >
        <ChoiceOptions options={options} />
      </select>
      <FieldError id={`${id}-error`} message={error} />
    </div>
  );
}

/** "Choose…" first, then the options: a mapping left unchosen is visibly so. */
function ChoiceOptions({ options }: { options: Option[] }) {
  const t = useTranslations();
  return (
    <>
      <option value="">{t("settings.choose")}</option>
      {options.map((o) => (
        <option key={o.value} value={o.value}>
          {o.label}
        </option>
      ))}
    </>
  );
}

/** A list of selects; "+" adds a row (seed 002: "Gebruik + voor extra relatietypes"). */
export function MultiSelectField({ field, label, errorOf, options, value, onChange }: Common<"multiselect"> & { options: Option[]; value: string[]; onChange: (v: string[]) => void }) {
  const t = useTranslations();
  const id = `field-${field.name}`;
  const rows = value.length ? value : [""];
  return (
    <fieldset className="space-y-2">
      <legend className="font-medium">{label(field.label)}</legend>
      {rows.map((current, i) => {
        const rowId = `${id}-${i}`;
        const error = errorOf(`${field.name}.${i}`);
        return (
          <div key={i} className="flex flex-wrap items-center gap-2">
            <select
              id={rowId}
              aria-label={`${label(field.label)} ${i + 1}`}
              name={field.name}
              value={current}
              onChange={(e) => onChange(rows.map((r, j) => (j === i ? e.target.value : r)))}
              aria-invalid={Boolean(error)}
              aria-describedby={describedBy(rowId, error)}
              className={inputClass}
            >
              <ChoiceOptions options={options} />
            </select>
            {rows.length > 1 ? (
              <button
                type="button"
                onClick={() => onChange(rows.filter((_, j) => j !== i))}
                aria-label={t("settings.removeRow", { row: i + 1 })}
                className="text-sm text-slate-600 underline focus:outline-none focus-visible:ring-2 focus-visible:ring-teal-500"
              >
                {label("labels.removeRelationType")}
              </button>
            ) : null}
            <FieldError id={`${rowId}-error`} message={error} />
          </div>
        );
      })}
      <button
        type="button"
        onClick={() => onChange([...rows, ""])}
        className="rounded-md border border-slate-300 px-2 py-1 text-sm focus:outline-none focus-visible:ring-2 focus-visible:ring-teal-500"
        aria-label={label("labels.addRelationType")}
      >
        +
      </button>
      <FieldError id={`${id}-error`} message={errorOf(field.name)} />
    </fieldset>
  );
}

export function RadioField({ field, label, errorOf, options, value, onChange }: Common<"radio"> & { options: Option[]; value: string; onChange: (v: string) => void }) {
  const id = `field-${field.name}`;
  const error = errorOf(field.name);
  return (
    <fieldset className="space-y-1" aria-describedby={describedBy(id, error)}>
      <legend className="font-medium">{label(field.label)}</legend>
      {options.map((o) => (
        <label key={o.value} className="flex items-center gap-2 text-sm">
          <input type="radio" name={field.name} value={o.value} checked={value === o.value} onChange={() => onChange(o.value)} />
          {o.label.startsWith("labels.") ? label(o.label) : o.label}
        </label>
      ))}
      <FieldError id={`${id}-error`} message={error} />
    </fieldset>
  );
}

export function ToggleField({ field, label, value, onChange }: Omit<Common<"toggle">, "errorOf"> & { value: boolean; onChange: (v: boolean) => void }) {
  const id = `field-${field.name}`;
  return (
    <label className="flex items-center gap-3">
      <input id={id} type="checkbox" role="switch" name={field.name} checked={value} onChange={(e) => onChange(e.target.checked)} className="h-5 w-5 accent-teal-700" />
      <span className="font-medium">{label(field.label)}</span>
    </label>
  );
}
