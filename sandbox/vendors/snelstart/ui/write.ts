/**
 * A change made on the bookkeeper page is the matching `/v2` call, run
 * in-process through the API's own validation and handler (no token, no
 * faults: the bookkeeper works in SnelStart itself, not through the API).
 */
import type { UiResult } from "../../../shared/ui-layout";
import type { Ctx, Result } from "../domain";
import { runOperation } from "../operation";
import { matchOperation } from "../spec";
import type { ApiError, Entity, JsonObject } from "../types";
import { applyForm, type FieldGroup } from "./form";
import { href, notFoundPage, type UiContext } from "./layout";

export function apiWrite(c: UiContext, method: "POST" | "PUT" | "DELETE", path: string, body?: JsonObject): Result<JsonObject> {
  const match = matchOperation(c.state.spec, method, path);
  if (!match) throw new Error(`the spec has no ${method} ${path}`);
  const out = runOperation(c.state, c.adm, match, { method, path, query: {}, body, contentType: "application/json" });
  if (out.status < 300) return { ok: true, value: (out.body ?? {}) as JsonObject };
  if (out.status === 400) return { ok: false, status: 400, errors: out.body as ApiError[] };
  if (out.status === 404) return { ok: false, status: 404, message: String((out.body as { message?: unknown }).message) };
  throw new Error(`${method} ${path} answered ${out.status}: ${JSON.stringify(out.body)}`);
}

/** The refusal as a list of reasons (a 404 becomes one). */
export function reasons(r: Result<unknown>): ApiError[] {
  if (r.ok) return [];
  return r.status === 400 ? r.errors : [{ kenmerk: "id", message: r.message, errorCode: "NotFound" }];
}

/** For the bookkeeper actions that have no API operation (payments, incassomachtigingen). */
export function domainCtx(c: UiContext): Ctx {
  return { adm: c.adm, spec: c.state.spec, options: c.state.config.domain };
}

/** A kind of record the bookkeeper creates, edits, (de)activates and deletes through the API: relaties, artikelen. */
export interface RecordKind {
  /** the section; also the path below the page and below `/v2` */
  section: "relaties" | "artikelen";
  /** "Relatie", "Artikel" */
  label: string;
  /** the boolean (de)activating sets, as the button posts it */
  flag: string;
  find(c: UiContext, id: string): Entity | undefined;
  groups(c: UiContext): FieldGroup[];
  /** the form for a new one again, with the reasons it was refused */
  newPage(c: UiContext, draft: JsonObject, errors: ApiError[]): UiResult;
  /** the record's page again, with the reasons (and the edit form as posted) */
  showPage(c: UiContext, id: string, errors: ApiError[], draft?: JsonObject): UiResult;
}

/**
 * The four writes of a kind, each the API call a bookkeeper's change is:
 * POST, PUT of the edit, PUT with the flag, DELETE. Success answers 303 with
 * a `melding`; a refusal shows the form or the record again with the reasons.
 */
export function recordWrites(k: RecordKind) {
  const notFound = (c: UiContext, id: string) => notFoundPage(c, k.section, `${k.label} ${id}`);
  return {
    create(c: UiContext): UiResult {
      const draft = applyForm({}, k.groups(c), c.form);
      const r = apiWrite(c, "POST", `/v2/${k.section}`, draft);
      if (!r.ok) return k.newPage(c, draft, reasons(r));
      return { redirect: href(c.adm, `/${k.section}/${String(r.value.id)}`, { melding: "aangemaakt" }) };
    },
    save(c: UiContext, id: string): UiResult {
      const e = k.find(c, id);
      if (!e) return notFound(c, id);
      // a PUT replaces the record: start from what is stored so fields not on the form stay
      const draft = applyForm(e, k.groups(c), c.form);
      const out = apiWrite(c, "PUT", `/v2/${k.section}/${e.id}`, draft);
      if (!out.ok) return k.showPage(c, id, reasons(out), draft);
      return { redirect: href(c.adm, `/${k.section}/${e.id}`, { melding: "opgeslagen" }) };
    },
    setNonactief(c: UiContext, id: string): UiResult {
      const e = k.find(c, id);
      if (!e) return notFound(c, id);
      const nonactief = c.form.get(k.flag) === "true";
      const out = apiWrite(c, "PUT", `/v2/${k.section}/${e.id}`, { ...structuredClone(e), [k.flag]: nonactief });
      if (!out.ok) return k.showPage(c, id, reasons(out));
      return { redirect: href(c.adm, `/${k.section}/${e.id}`, { melding: nonactief ? "gedeactiveerd" : "geactiveerd" }) };
    },
    remove(c: UiContext, id: string): UiResult {
      const out = apiWrite(c, "DELETE", `/v2/${k.section}/${id}`);
      if (!out.ok) return out.status === 404 ? notFound(c, id) : k.showPage(c, id, reasons(out));
      return { redirect: href(c.adm, `/${k.section}`, { melding: "verwijderd" }) };
    },
  };
}
