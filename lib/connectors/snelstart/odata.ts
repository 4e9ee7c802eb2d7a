/**
 * OData `$filter` expressions for SnelStart. The API is ASP.NET Web API OData v3
 * (`System.Web.Http.OData` in the spec's schema names), so literals follow OData v3:
 * `datetime'…'`, `'string'` with `''` escaping, bare integers. Property names are the
 * PascalCase CLR names (`ModifiedOn`, `Relatiecode`), as in public SnelStart client code.
 *
 * The modified-since literal is NOT documented by SnelStart. Every caller goes through
 * `modifiedSinceFilter`, so when the real format turns out different it changes here only.
 */

/**
 * `ModifiedOn ge datetime'YYYY-MM-DDTHH:mm:ss'`, the instant in UTC, truncated to the second:
 * everything changed at or after `since`, and the rest of its second.
 *
 * Truncating makes the filter slightly wider, never narrower: a record modified in the same
 * second as the cursor comes back once more (the engine's hash compare drops it as unchanged)
 * rather than being missed. `ge`, not `gt`, so a cursor on a whole second (the engine moves it
 * there once that second is settled) still reads a record stamped exactly then.
 * No offset is written because OData v3 `datetime` has none.
 */
export function modifiedSinceFilter(since: Date | string): string {
  const d = typeof since === "string" ? new Date(since) : since;
  if (Number.isNaN(d.getTime())) throw new RangeError(`modifiedSince is not a valid date: ${String(since)}`);
  return `ModifiedOn ge datetime'${d.toISOString().slice(0, 19)}'`;
}

/** `Field eq 'value'` with OData quote escaping. */
export function eqString(field: string, value: string): string {
  return `${field} eq '${value.replace(/'/g, "''")}'`;
}

/** `Field eq 123`; refuses anything but a safe integer so no text reaches the filter unquoted. */
export function eqInt(field: string, value: number): string {
  if (!Number.isSafeInteger(value)) throw new RangeError(`${field} must be an integer, got ${String(value)}`);
  return `${field} eq ${value}`;
}

/** Joins the given clauses with `and`, skipping empty ones; undefined when nothing is left. */
export function and(...clauses: Array<string | null | undefined | false>): string | undefined {
  const parts = clauses.filter((c): c is string => typeof c === "string" && c.trim().length > 0);
  if (parts.length === 0) return undefined;
  if (parts.length === 1) return parts[0];
  return parts.map((p) => `(${p})`).join(" and ");
}
