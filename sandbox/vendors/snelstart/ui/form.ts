/**
 * Edit forms described once as fields on paths of the API's JSON model
 * (`vestigingsAdres.postcode`): the same description renders the inputs and
 * turns a posted form into the request body. Values are passed on as typed;
 * the spec and the domain rules judge them, as for an API call.
 */
import type { SpecValidator } from "../spec";
import type { ApiError, JsonObject, JsonValue } from "../types";
import { html, type Html } from "../../../shared/html";

export interface Option {
  value: string;
  label: string;
}

export type Field =
  | { kind: "text" | "textarea" | "date"; path: string; label: string; hint?: string }
  | { kind: "number"; path: string; label: string; hint?: string; integer?: boolean }
  | { kind: "checkbox"; path: string; label: string }
  /** a string enum; the empty choice leaves the field out */
  | { kind: "select"; path: string; label: string; options: Option[] }
  /** an `{id}` reference; the empty choice leaves it out */
  | { kind: "ref"; path: string; label: string; options: Option[] }
  /** a string array, one checkbox per option */
  | { kind: "checkboxes"; path: string; label: string; options: Option[] };

export interface FieldGroup {
  legend: string;
  fields: Field[];
}

/** The values a spec schema allows for a property (its `enum`). */
export function enumOptions(spec: SpecValidator, schemaName: string, prop: string): Option[] {
  const p = (spec.schema(schemaName).properties as Record<string, { enum?: string[] }> | undefined)?.[prop];
  return (p?.enum ?? []).map((v) => ({ value: v, label: v }));
}

const inputId = (form: string, path: string, suffix = "") => `${form}-${path.replace(/[^A-Za-z0-9]+/g, "-")}${suffix}`;

function get(o: JsonObject, path: string): JsonValue | undefined {
  let cur: JsonValue | undefined = o;
  for (const k of path.split(".")) {
    if (!cur || typeof cur !== "object" || Array.isArray(cur)) return undefined;
    cur = cur[k];
  }
  return cur;
}

function set(o: JsonObject, path: string, value: JsonValue): void {
  const keys = path.split(".");
  let cur = o;
  for (const k of keys.slice(0, -1)) {
    const next = cur[k];
    if (!next || typeof next !== "object" || Array.isArray(next)) cur[k] = {};
    cur = cur[k] as JsonObject;
  }
  cur[keys.at(-1)!] = value;
}

/** Removes the field, and its parent objects when they end up empty. */
function unset(o: JsonObject, path: string): void {
  const keys = path.split(".");
  const parents: JsonObject[] = [o];
  for (const k of keys.slice(0, -1)) {
    const next = parents.at(-1)![k];
    if (!next || typeof next !== "object" || Array.isArray(next)) return;
    parents.push(next);
  }
  delete parents.at(-1)![keys.at(-1)!];
  for (let i = parents.length - 1; i > 0 && Object.keys(parents[i]!).length === 0; i--) delete parents[i - 1]![keys[i - 1]!];
}

/** `base` (the stored entity, or `{}`) with the posted fields applied: what a PUT or POST sends. */
export function applyForm(base: JsonObject, groups: FieldGroup[], form: URLSearchParams): JsonObject {
  const out = structuredClone(base);
  for (const f of groups.flatMap((g) => g.fields)) {
    if (f.kind === "checkbox") {
      set(out, f.path, form.has(f.path));
      continue;
    }
    if (f.kind === "checkboxes") {
      set(out, f.path, form.getAll(f.path));
      continue;
    }
    const raw = form.get(f.path) ?? "";
    const v = f.kind === "textarea" ? raw : raw.trim();
    if (v === "") {
      unset(out, f.path);
      continue;
    }
    if (f.kind === "number") {
      const n = Number(v.replace(",", "."));
      // a non-number goes as typed, so the spec's type check reports it
      set(out, f.path, Number.isFinite(n) ? n : v);
    } else if (f.kind === "ref") set(out, f.path, { id: v });
    else if (f.kind === "date") set(out, f.path, /^\d{4}-\d{2}-\d{2}$/.test(v) ? `${v}T00:00:00Z` : v);
    else set(out, f.path, v);
  }
  return out;
}

/** The reasons about one field: its path, or a part of it (`artikelOmzetgroep.id`). */
function errorsFor(errors: readonly ApiError[], path: string): ApiError[] {
  return errors.filter((e) => e.kenmerk === path || e.kenmerk.startsWith(`${path}.`) || e.kenmerk.startsWith(`${path}[`));
}

function fieldHtml(form: string, f: Field, values: JsonObject, errors: readonly ApiError[]): Html {
  const id = inputId(form, f.path);
  const v = get(values, f.path);
  const mine = errorsFor(errors, f.path);
  const errId = inputId(form, f.path, "-fout");
  const hintId = inputId(form, f.path, "-hint");
  const describedBy = [mine.length ? errId : "", "hint" in f && f.hint ? hintId : ""].filter(Boolean).join(" ");
  const aria = html`${mine.length ? html` aria-invalid="true"` : ""}${describedBy ? html` aria-describedby="${describedBy}"` : ""}`;
  const after = html`${"hint" in f && f.hint ? html` <small id="${hintId}">${f.hint}</small>` : ""}${
    mine.length ? html` <span class="fout" id="${errId}">${mine.map((e) => e.message).join(" ")}</span>` : ""
  }`;
  const scalar = v === undefined || v === null || typeof v === "object" ? "" : String(v);

  switch (f.kind) {
    case "text":
    case "number":
      return html`<div class="veld"><label for="${id}">${f.label}</label> <input type="text"${
        f.kind === "number" ? html` inputmode="${f.integer ? "numeric" : "decimal"}"` : ""
      } id="${id}" name="${f.path}" value="${scalar}"${aria}>${after}</div>`;
    case "date":
      return html`<div class="veld"><label for="${id}">${f.label}</label> <input type="date" id="${id}" name="${f.path}" value="${scalar.slice(0, 10)}"${aria}>${after}</div>`;
    case "textarea":
      return html`<div class="veld"><label for="${id}">${f.label}</label> <textarea id="${id}" name="${f.path}" rows="3"${aria}>${scalar}</textarea>${after}</div>`;
    case "checkbox":
      return html`<div class="veld"><input type="checkbox" id="${id}" name="${f.path}" value="true"${v === true ? html` checked` : ""}${aria}> <label for="${id}">${f.label}</label>${after}</div>`;
    case "select":
    case "ref": {
      const current = f.kind === "ref" && v && typeof v === "object" && !Array.isArray(v) ? String(v.id ?? "") : scalar;
      const known = f.options.some((o) => o.value === current);
      return html`<div class="veld"><label for="${id}">${f.label}</label> <select id="${id}" name="${f.path}"${aria}>
<option value="">(geen)</option>
${current && !known ? html`<option value="${current}" selected>${current}</option>` : ""}
${f.options.map((o) => html`<option value="${o.value}"${o.value === current ? html` selected` : ""}>${o.label}</option>`)}
</select>${after}</div>`;
    }
    case "checkboxes": {
      const chosen = Array.isArray(v) ? v.map(String) : [];
      return html`<fieldset${aria}><legend>${f.label}</legend>${f.options.map((o, i) => {
        const oid = inputId(form, f.path, `-${i}`);
        return html`<span class="veld"><input type="checkbox" id="${oid}" name="${f.path}" value="${o.value}"${
          chosen.includes(o.value) ? html` checked` : ""
        }> <label for="${oid}">${o.label}</label></span> `;
      })}${after}</fieldset>`;
    }
  }
}

/** A form posting `groups` to `action`, filled from `values`, with the refusal reasons next to their fields. */
export function editForm(opts: {
  /** prefix of the inputs' ids, unique on the page */
  id: string;
  action: string;
  groups: FieldGroup[];
  values: JsonObject;
  errors?: readonly ApiError[];
  submit: string;
}): Html {
  const errors = opts.errors ?? [];
  return html`<form method="post" action="${opts.action}">
${opts.groups.map((g) => html`<fieldset><legend>${g.legend}</legend>
${g.fields.map((f) => fieldHtml(opts.id, f, opts.values, errors))}
</fieldset>`)}
<button type="submit">${opts.submit}</button>
</form>`;
}
