/**
 * JSON Patch (RFC 6902) over JSON Pointers (RFC 6901): add, remove, replace,
 * move, copy, test. Written here because no JSON Patch package is installed.
 *
 * One deliberate leniency, as ASP.NET's JsonPatch applies patches to typed
 * objects: an object member that is not found under its exact name is looked
 * up case-insensitively (`/name` reaches `Name`).
 */
import type { JsonObject, JsonValue } from "./types";

export interface PatchOperation {
  op: "add" | "remove" | "replace" | "move" | "copy" | "test";
  path: string;
  value?: JsonValue;
  from?: string;
}

/** A patch that cannot be applied; `index` is the failing operation's position. */
export class PatchError extends Error {
  constructor(
    readonly index: number,
    message: string,
  ) {
    super(message);
  }
}

const OPS = new Set(["add", "remove", "replace", "move", "copy", "test"]);

/** Checks the patch document's shape: an array of `{op, path, value?, from?}`. */
export function parsePatch(body: unknown): PatchOperation[] {
  if (!Array.isArray(body)) throw new PatchError(-1, "The body must be a JSON Patch document: an array of operations.");
  return body.map((raw, i) => {
    if (!raw || typeof raw !== "object" || Array.isArray(raw)) throw new PatchError(i, "An operation must be an object.");
    const o = raw as Record<string, unknown>;
    const unknown = Object.keys(o).filter((k) => !["op", "path", "value", "from"].includes(k));
    if (unknown.length > 0) throw new PatchError(i, `Unknown member(s) ${unknown.join(", ")}; an operation has op, path, value and from.`);
    if (typeof o.op !== "string" || !OPS.has(o.op))
      throw new PatchError(i, `op must be one of add, remove, replace, move, copy, test (got ${JSON.stringify(o.op)}).`);
    if (typeof o.path !== "string") throw new PatchError(i, "path must be a string (a JSON Pointer).");
    const op = o.op as PatchOperation["op"];
    if ((op === "add" || op === "replace" || op === "test") && !("value" in o)) throw new PatchError(i, `${op} needs a value.`);
    if ((op === "move" || op === "copy") && typeof o.from !== "string") throw new PatchError(i, `${op} needs from (a JSON Pointer).`);
    return { op, path: o.path, value: o.value as JsonValue | undefined, from: o.from as string | undefined };
  });
}

/** The pointer's reference tokens. */
export function pointerTokens(pointer: string): string[] {
  if (pointer === "") return [];
  if (!pointer.startsWith("/")) throw new Error(`'${pointer}' is not a JSON Pointer (it must start with '/').`);
  return pointer
    .slice(1)
    .split("/")
    .map((t) => t.replace(/~1/g, "/").replace(/~0/g, "~"));
}

function isObject(v: JsonValue | undefined): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** The member name an object uses for `token` (exact, else case-insensitive), or undefined. */
function memberName(o: JsonObject, token: string): string | undefined {
  if (Object.hasOwn(o, token)) return token;
  const lower = token.toLowerCase();
  return Object.keys(o).find((k) => k.toLowerCase() === lower);
}

function arrayIndex(a: JsonValue[], token: string, forAdd: boolean): number {
  if (forAdd && token === "-") return a.length;
  if (!/^(0|[1-9]\d*)$/.test(token)) throw new Error(`'${token}' is not an array index.`);
  const i = Number(token);
  if (i > a.length || (!forAdd && i === a.length)) throw new Error(`index ${i} is out of range (length ${a.length}).`);
  return i;
}

function get(doc: JsonValue, tokens: string[]): JsonValue {
  let cur: JsonValue = doc;
  for (const t of tokens) {
    if (Array.isArray(cur)) cur = cur[arrayIndex(cur, t, false)]!;
    else if (isObject(cur)) {
      const name = memberName(cur, t);
      if (name === undefined) throw new Error(`'${t}' was not found.`);
      cur = cur[name]!;
    } else throw new Error(`'${t}' was not found (its parent is ${cur === null ? "null" : typeof cur}).`);
  }
  return cur;
}

function equal(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => equal(x, b[i]));
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => Object.hasOwn(b, k) && equal(a[k], b[k]));
  }
  return false;
}

/**
 * Applies the operations in order to a copy of `doc` and returns it; the
 * first operation that cannot be applied throws a `PatchError` (nothing is
 * half-applied: the original is untouched).
 */
export function applyPatch(doc: JsonValue, ops: readonly PatchOperation[]): JsonValue {
  let root = structuredClone(doc);

  const add = (tokens: string[], value: JsonValue) => {
    if (tokens.length === 0) {
      root = value;
      return;
    }
    const parent = get(root, tokens.slice(0, -1));
    const last = tokens.at(-1)!;
    if (Array.isArray(parent)) parent.splice(arrayIndex(parent, last, true), 0, value);
    else if (isObject(parent)) parent[memberName(parent, last) ?? last] = value;
    else throw new Error(`cannot add '${last}': its parent is ${parent === null ? "null" : typeof parent}.`);
  };
  const remove = (tokens: string[]): JsonValue => {
    if (tokens.length === 0) throw new Error("cannot remove the whole document.");
    const parent = get(root, tokens.slice(0, -1));
    const last = tokens.at(-1)!;
    if (Array.isArray(parent)) return parent.splice(arrayIndex(parent, last, false), 1)[0]!;
    if (isObject(parent)) {
      const name = memberName(parent, last);
      if (name === undefined) throw new Error(`'${last}' was not found.`);
      const old = parent[name]!;
      delete parent[name];
      return old;
    }
    throw new Error(`'${last}' was not found.`);
  };

  /** Sets an existing member or element in place (keeping the member's own name). */
  const replace = (tokens: string[], value: JsonValue) => {
    if (tokens.length === 0) {
      root = value;
      return;
    }
    const parent = get(root, tokens.slice(0, -1));
    const last = tokens.at(-1)!;
    if (Array.isArray(parent)) parent[arrayIndex(parent, last, false)] = value;
    else if (isObject(parent)) {
      const name = memberName(parent, last);
      if (name === undefined) throw new Error(`'${last}' was not found.`);
      parent[name] = value;
    } else throw new Error(`'${last}' was not found.`);
  };

  ops.forEach((op, index) => {
    try {
      const path = pointerTokens(op.path);
      switch (op.op) {
        case "add":
          add(path, structuredClone(op.value!));
          break;
        case "remove":
          remove(path);
          break;
        case "replace":
          replace(path, structuredClone(op.value!));
          break;
        case "move": {
          const from = pointerTokens(op.from!);
          if (path.length > from.length && from.every((t, i) => t === path[i]))
            throw new Error("cannot move a value into one of its own children.");
          add(path, remove(from));
          break;
        }
        case "copy":
          add(path, structuredClone(get(root, pointerTokens(op.from!))));
          break;
        case "test":
          if (!equal(get(root, path), op.value)) throw new Error(`test failed: the value at '${op.path}' is not ${JSON.stringify(op.value)}.`);
          break;
      }
    } catch (e) {
      if (e instanceof PatchError) throw e;
      throw new PatchError(index, `Operation ${index} (${op.op} ${op.path}): ${(e as Error).message}`);
    }
  });
  return root;
}
