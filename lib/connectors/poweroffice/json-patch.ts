/**
 * JSON Patch (RFC 6902) documents for PowerOffice Go's PATCH endpoints, built from the difference
 * between a DTO as last synced and as it should be now.
 *
 * Only changed members are sent, so a change a bookkeeper made in Go to another member since the
 * last sync is not overwritten. Go's DTOs always carry every member (null included), so a member
 * is changed with `replace`; Go refuses an `add` of a member the DTO does not have.
 *
 * - Nested objects are followed member by member (`/MailAddress/City`); an object that is null on
 *   one side is replaced whole.
 * - Arrays are replaced whole (Go applies patches to typed lists; an index-wise diff would be fragile).
 * - Member names are escaped as JSON Pointer tokens (`~` → `~0`, `/` → `~1`).
 * - A member only `after` has is an `add`; one only `before` has (or undefined in `after`) a
 *   `remove` (Go sets it to null). Start `after` from a copy of `before` so neither happens by accident.
 * - `readOnly` lists members never sent, as JSON Pointers from the DTO's root with or without the
 *   leading slash (`Id`, `/MailAddress/Id`); a listed object excludes all its members. Go refuses a
 *   patch touching one (Id, LastChangedDateTimeOffset, IsActive, MailAddress/Id, a customer's
 *   PaymentTerm, a product's ProductGroupCode …), and the caller knows which it maps;
 *   wire.ts's READ_ONLY has the spec's read-only members of each DTO.
 */

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export type JsonPatchOperation =
  | { op: "replace"; path: string; value: JsonValue }
  | { op: "add"; path: string; value: JsonValue }
  | { op: "remove"; path: string };

/** The operations that turn `before` into `after`; an empty list when nothing changed. */
export function patchOperations(before: object, after: object, readOnly: readonly string[] = []): JsonPatchOperation[] {
  if (!isPlainObject(before) || !isPlainObject(after)) throw new TypeError("patchOperations compares two objects (DTOs)");
  const excluded = new Set(readOnly.map((p) => (p.startsWith("/") ? p : `/${p}`)));
  const ops: JsonPatchOperation[] = [];
  diffObjects(before as Record<string, unknown>, after as Record<string, unknown>, "", excluded, ops);
  return ops;
}

/** `a/b~c` → `a~1b~0c` (RFC 6901) */
export function escapePointerToken(name: string): string {
  return name.replace(/~/g, "~0").replace(/\//g, "~1");
}

function diffObjects(before: Record<string, unknown>, after: Record<string, unknown>, base: string, excluded: Set<string>, ops: JsonPatchOperation[]): void {
  const names = [...Object.keys(after), ...Object.keys(before).filter((k) => !(k in after))];
  for (const name of names) {
    const path = `${base}/${escapePointerToken(name)}`;
    if (excluded.has(path)) continue;
    const b = before[name];
    const a = after[name];
    const hadIt = Object.hasOwn(before, name) && b !== undefined;
    const hasIt = Object.hasOwn(after, name) && a !== undefined;
    if (!hasIt) {
      if (hadIt) ops.push({ op: "remove", path });
      continue;
    }
    if (!hadIt) {
      ops.push({ op: "add", path, value: toJson(a, path) });
      continue;
    }
    if (isPlainObject(b) && isPlainObject(a)) {
      diffObjects(b, a, path, excluded, ops);
      continue;
    }
    if (!jsonEqual(b, a)) ops.push({ op: "replace", path, value: toJson(a, path) });
  }
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** Equal as JSON: same primitives, arrays element by element, objects member by member (in any order). */
function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]));
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    return ka.length === kb.length && ka.every((k) => Object.hasOwn(b, k) && jsonEqual(a[k], b[k]));
  }
  return false;
}

/** The value as it goes on the wire; refuses what JSON cannot carry instead of sending something else. */
function toJson(v: unknown, path: string): JsonValue {
  if (v === null || typeof v === "string" || typeof v === "boolean") return v;
  if (typeof v === "number") {
    if (!Number.isFinite(v)) throw new TypeError(`${path}: ${v} is not a JSON number`);
    return v;
  }
  if (Array.isArray(v)) return v.map((x, i) => toJson(x === undefined ? null : x, `${path}/${i}`));
  if (isPlainObject(v)) {
    const out: Record<string, JsonValue> = {};
    for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = toJson(x, `${path}/${escapePointerToken(k)}`);
    return out;
  }
  throw new TypeError(`${path}: a ${v instanceof Date ? "Date" : typeof v} is not JSON (send timestamps as Go's strings)`);
}
