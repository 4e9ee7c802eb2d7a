/**
 * Records kept as the spec's DTOs: built from a post body, patched with JSON
 * Patch under the DTO's schema (read-only members refused, unknown members
 * refused, types checked), and checked against their schema.
 */
import { applyPatch, PatchError, pointerTokens, type PatchOperation } from "./jsonpatch";
import { invalid } from "./problem";
import type { Spec } from "./spec";
import type { Client } from "./store";
import type { JsonObject, JsonValue, Reason, Settings } from "./types";

/** What domain code works with: the client, the spec and the settings. */
export interface Ctx {
  client: Client;
  spec: Spec;
  settings: Settings;
}

type Schema = JsonObject & { properties?: Record<string, Schema>; items?: Schema; readOnly?: boolean };

export function properties(spec: Spec, schemaName: string): Record<string, Schema> {
  return ((spec.schema(schemaName) as Schema).properties ?? {}) as Record<string, Schema>;
}

/** Every property of the schema, null. */
export function blank(spec: Spec, schemaName: string): JsonObject {
  return Object.fromEntries(Object.keys(properties(spec, schemaName)).map((k) => [k, null]));
}

/** `target` with the members of `source` that `target`'s schema declares. */
export function assignKnown(spec: Spec, schemaName: string, target: JsonObject, source: JsonObject): JsonObject {
  const props = properties(spec, schemaName);
  for (const [k, v] of Object.entries(source)) if (k in props && v !== undefined) target[k] = structuredClone(v);
  return target;
}

/** A copy without null members: the spec cannot mark a `$ref` nullable, yet .NET writes null for an absent object. */
function withoutNulls(v: JsonValue): JsonValue {
  if (Array.isArray(v)) return v.map(withoutNulls);
  if (v && typeof v === "object")
    return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== null).map(([k, x]) => [k, withoutNulls(x)]));
  return v;
}

/** The value against the named schema; refused with the reasons when it does not fit. */
export function mustFit(spec: Spec, schemaName: string, value: JsonObject): void {
  const reasons = spec.check(schemaName, withoutNulls(value));
  if (reasons.length > 0) throw invalid(reasons);
}

/** The read-only member a pointer reaches or passes through, if any (`/MailAddress/Id` → "MailAddress.Id"). */
function readOnlyOnPath(schema: Schema, tokens: string[]): string | undefined {
  let s: Schema | undefined = schema;
  const seen: string[] = [];
  for (const t of tokens) {
    if (!s) return undefined;
    if (s.items) {
      seen.push(`[${t}]`);
      s = s.items;
      continue;
    }
    const props: Record<string, Schema> = s.properties ?? {};
    const name = t in props ? t : Object.keys(props).find((k) => k.toLowerCase() === t.toLowerCase());
    if (name === undefined) return undefined; // unknown members are reported by the schema check
    seen.push(name);
    s = props[name];
    if (s?.readOnly) return seen.join(".").replace(/\.\[/g, "[");
  }
  return undefined;
}

/**
 * Applies a JSON Patch to a stored DTO and returns the patched copy: a patch
 * that touches a read-only member, cannot be applied (unknown path for
 * replace/remove, failed test) or leaves a value the schema does not allow
 * is refused with 400. A removed member becomes null (ASP.NET's JsonPatch
 * resets a removed property of a typed object to its default).
 */
export function patchDto(spec: Spec, schemaName: string, stored: JsonObject, ops: readonly PatchOperation[]): JsonObject {
  const schema = spec.schema(schemaName) as Schema;
  const refused: Reason[] = [];
  ops.forEach((op, i) => {
    const pointers = op.op === "test" ? [] : op.op === "move" ? [op.path, op.from!] : [op.path];
    for (const p of pointers) {
      let tokens: string[];
      try {
        tokens = pointerTokens(p);
      } catch (e) {
        refused.push({ field: `[${i}].path`, message: (e as Error).message });
        continue;
      }
      if (tokens.length === 0) refused.push({ field: `[${i}].path`, message: "The whole record cannot be replaced; patch its members." });
      const member = readOnlyOnPath(schema, tokens);
      if (member) refused.push({ field: member, message: `is read-only and cannot be changed (operation ${i}: ${op.op} ${p}).` });
    }
  });
  if (refused.length > 0) throw invalid(refused);

  let patched: JsonValue;
  try {
    patched = applyPatch(stored, ops);
  } catch (e) {
    if (e instanceof PatchError) throw invalid([{ field: e.index >= 0 ? `[${e.index}]` : "body", message: e.message }]);
    throw e;
  }
  const out = patched as JsonObject;
  for (const k of Object.keys(schema.properties ?? {})) if (!(k in out)) out[k] = null;
  mustFit(spec, schemaName, out);
  return out;
}

export const round2 = (n: number) => Math.round((n + Number.EPSILON) * 100) / 100;

/** Go validates e-mail addresses "for typos"; this checks the shape. */
export function emailReasons(record: JsonObject, fields: string[]): Reason[] {
  const out: Reason[] = [];
  for (const f of fields) {
    const v = record[f];
    if (typeof v !== "string" || v === "") continue;
    const addresses = f.endsWith("CC") ? v.split(";").map((s) => s.trim()).filter(Boolean) : [v];
    for (const a of addresses)
      if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(a)) out.push({ field: f, message: `'${a}' is not a valid e-mail address.` });
  }
  return out;
}

/** A JSON value of a record as a string/number, for lookups. */
export const str = (v: JsonValue | undefined) => (typeof v === "string" ? v : undefined);
export const num = (v: JsonValue | undefined) => (typeof v === "number" ? v : undefined);
