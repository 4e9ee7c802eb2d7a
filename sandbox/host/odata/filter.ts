// A small OData v4 $filter parser and compiler for the sandbox host CRM.
// Supports: eq ne gt ge lt le, and or not, parentheses, contains/startswith/endswith
// (case-insensitive), tolower/toupper, string/number/bool/null/guid/date/datetime literals,
// and navigation paths (Phase/Code, Relation/ID). `in` and `has` answer 400.

import { badRequest } from "../errors";
import { navName, SETS, type FieldType, type SetDef } from "../schema";
import type { Rec, Store, Tenant } from "../store";

type Tok =
  | { k: "(" | ")" | "," }
  | { k: "str"; v: string }
  | { k: "num"; v: number }
  | { k: "guid"; v: string }
  | { k: "datetime"; v: string }
  | { k: "date"; v: string }
  | { k: "ident"; v: string };

const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}/;
const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?/;
const DATE = /^\d{4}-\d{2}-\d{2}(?![\dT])/;
const NUM = /^-?\d+(\.\d+)?([eE][+-]?\d+)?[mMdDfFlL]?/;
const IDENT = /^[A-Za-z_$][\w$]*(\/[A-Za-z_$][\w$]*)*/;

export function tokenize(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === "(" || c === ")" || c === ",") {
      out.push({ k: c });
      i++;
      continue;
    }
    if (c === "'") {
      let s = "";
      i++;
      for (;;) {
        if (i >= src.length) throw badRequest("Unterminated string literal in $filter");
        if (src[i] === "'") {
          if (src[i + 1] === "'") {
            s += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        s += src[i++];
      }
      out.push({ k: "str", v: s });
      continue;
    }
    const rest = src.slice(i);
    let m: RegExpExecArray | null;
    // typed legacy literals: guid'...', datetime'...'
    if ((m = /^(guid|datetime|datetimeoffset)'([^']*)'/i.exec(rest))) {
      const kind = m[1]!.toLowerCase();
      if (kind === "guid") out.push({ k: "guid", v: m[2]!.toLowerCase() });
      else out.push({ k: "datetime", v: m[2]! });
      i += m[0].length;
      continue;
    }
    if ((m = GUID.exec(rest))) {
      out.push({ k: "guid", v: m[0].toLowerCase() });
      i += m[0].length;
      continue;
    }
    if ((m = DATETIME.exec(rest))) {
      out.push({ k: "datetime", v: m[0] });
      i += m[0].length;
      continue;
    }
    if ((m = DATE.exec(rest))) {
      out.push({ k: "date", v: m[0] });
      i += m[0].length;
      continue;
    }
    if ((m = NUM.exec(rest))) {
      out.push({ k: "num", v: Number(m[0].replace(/[mMdDfFlL]$/, "")) });
      i += m[0].length;
      continue;
    }
    if ((m = IDENT.exec(rest))) {
      out.push({ k: "ident", v: m[0] });
      i += m[0].length;
      continue;
    }
    throw badRequest(`Unexpected character '${c}' at position ${i} in $filter`);
  }
  return out;
}

export type Node =
  | { t: "bin"; op: "and" | "or"; l: Node; r: Node }
  | { t: "not"; e: Node }
  | { t: "cmp"; op: CmpOp; l: Node; r: Node }
  | { t: "call"; name: string; args: Node[] }
  | { t: "lit"; kind: "string" | "number" | "boolean" | "null" | "guid" | "datetime" | "date"; v: unknown }
  | { t: "path"; segs: string[] };

type CmpOp = "eq" | "ne" | "gt" | "ge" | "lt" | "le";
const CMP = new Set(["eq", "ne", "gt", "ge", "lt", "le"]);
const FUNCS = new Set(["contains", "startswith", "endswith", "tolower", "toupper", "trim", "length"]);

export function parseFilter(src: string): Node {
  const toks = tokenize(src);
  let p = 0;
  const peek = () => toks[p];
  const isWord = (w: string) => {
    const t = toks[p];
    return t?.k === "ident" && t.v.toLowerCase() === w;
  };
  const expect = (k: "(" | ")" | ",") => {
    if (toks[p]?.k !== k) throw badRequest(`Expected '${k}' in $filter`);
    p++;
  };

  const parseOr = (): Node => {
    let l = parseAnd();
    while (isWord("or")) {
      p++;
      l = { t: "bin", op: "or", l, r: parseAnd() };
    }
    return l;
  };
  const parseAnd = (): Node => {
    let l = parseNot();
    while (isWord("and")) {
      p++;
      l = { t: "bin", op: "and", l, r: parseNot() };
    }
    return l;
  };
  const parseNot = (): Node => {
    if (isWord("not")) {
      p++;
      return { t: "not", e: parseNot() };
    }
    return parseCmp();
  };
  const parseCmp = (): Node => {
    const l = parsePrimary();
    const t = peek();
    if (t?.k === "ident") {
      const w = t.v.toLowerCase();
      if (CMP.has(w)) {
        p++;
        return { t: "cmp", op: w as CmpOp, l, r: parsePrimary() };
      }
      if (w === "in" || w === "has") throw badRequest(`The '${w}' operator is not supported`, "NotSupported");
      if (["add", "sub", "mul", "div", "mod"].includes(w)) throw badRequest(`Arithmetic operator '${w}' is not supported`, "NotSupported");
    }
    return l;
  };
  const parsePrimary = (): Node => {
    const t = toks[p];
    if (!t) throw badRequest("Unexpected end of $filter");
    p++;
    switch (t.k) {
      case "(": {
        const e = parseOr();
        expect(")");
        return e;
      }
      case "str":
        return { t: "lit", kind: "string", v: t.v };
      case "num":
        return { t: "lit", kind: "number", v: t.v };
      case "guid":
        return { t: "lit", kind: "guid", v: t.v };
      case "datetime":
        if (Number.isNaN(Date.parse(t.v))) throw badRequest(`Invalid date-time literal ${t.v}`);
        return { t: "lit", kind: "datetime", v: t.v };
      case "date":
        return { t: "lit", kind: "date", v: t.v };
      case "ident": {
        const w = t.v.toLowerCase();
        if (w === "true" || w === "false") return { t: "lit", kind: "boolean", v: w === "true" };
        if (w === "null") return { t: "lit", kind: "null", v: null };
        if (toks[p]?.k === "(") {
          if (!FUNCS.has(w)) throw badRequest(`Function '${t.v}' is not supported`, "NotSupported");
          p++;
          const args: Node[] = [];
          if (toks[p]?.k !== ")") {
            args.push(parseOr());
            while (toks[p]?.k === ",") {
              p++;
              args.push(parseOr());
            }
          }
          expect(")");
          return { t: "call", name: w, args };
        }
        if (["and", "or", "not", ...CMP].includes(w)) throw badRequest(`Unexpected '${t.v}' in $filter`);
        return { t: "path", segs: t.v.split("/") };
      }
      default:
        throw badRequest(`Unexpected '${t.k}' in $filter`);
    }
  };

  const node = parseOr();
  if (p < toks.length) throw badRequest(`Unexpected token at the end of $filter`);
  return node;
}

// ------------------------------------------------------------------ compiling

type Getter = (rec: Rec) => unknown;
export type Predicate = (rec: Rec) => boolean;

interface Resolved {
  get: Getter;
  type: FieldType | "ref" | "unknown";
}

/** Resolve a path (e.g. ["Phase","Code"]) into a getter, validating it against the schema. */
export function resolvePath(store: Store, t: Tenant, def: SetDef, segs: string[]): Resolved {
  const [head, ...rest] = segs;
  if (!head) throw badRequest("Empty property path");
  const ft = store.fieldType(def, head);
  if (ft) {
    if (rest.length) throw badRequest(`'${head}' is not a navigation property of ${def.type}`);
    return { get: systemOrField(store, t, head), type: ft };
  }
  const targets = store.navTargets(def, head);
  if (!targets) {
    if (def.collections[head]) throw badRequest(`Collection '${head}' cannot be used in this expression (any/all are not supported)`, "NotSupported");
    throw badRequest(`Property '${head}' does not exist on ${def.type}`, "UnknownProperty");
  }
  const nav = navName(def, head);
  if (rest.length === 0) return { get: (r) => r.r[nav] ?? null, type: "ref" };
  if (rest.length === 1 && rest[0] === "ID") return { get: (r) => r.r[nav] ?? null, type: "guid" };
  // validate against every possible target type
  const subs = targets.map((s) => resolvePath(store, t, SETS.get(s)!, rest));
  const types = new Set(subs.map((s) => s.type));
  const inner = subs[0]!.get;
  return {
    get: (r) => {
      const id = r.r[nav];
      if (!id) return null;
      const target = t.byId.get(id);
      return target ? inner(target) : null;
    },
    type: types.size === 1 ? subs[0]!.type : "unknown",
  };
}

function systemOrField(store: Store, t: Tenant, name: string): Getter {
  switch (name) {
    case "ID":
      return (r) => r.id;
    case "_Type":
      return (r) => r.def.type;
    case "_Name":
      return (r) => store.nameOf(t, r);
    case "SortIndex":
      return (r) => r.seq;
    case "CreationDate":
      return (r) => r.created;
    case "LastMutationDate":
      return (r) => r.modified;
    default:
      return (r) => r.f[name];
  }
}

function litValue(n: Extract<Node, { t: "lit" }>, against: FieldType | "ref" | "unknown"): unknown {
  if (n.kind === "datetime") {
    if (against === "date") return new Date(n.v as string).toISOString().slice(0, 10);
    return Date.parse(n.v as string);
  }
  if (n.kind === "date") {
    if (against === "datetime") return Date.parse(`${n.v as string}T00:00:00Z`);
    return n.v;
  }
  if (n.kind === "string") {
    if (against === "datetime") {
      const ms = Date.parse(n.v as string);
      if (Number.isNaN(ms)) throw badRequest(`'${n.v as string}' is not a date-time`);
      return ms;
    }
    if (against === "guid" || against === "ref") return (n.v as string).toLowerCase();
    if (against === "number") {
      const num = Number(n.v);
      if (Number.isNaN(num)) throw badRequest(`'${n.v as string}' is not a number`);
      return num;
    }
  }
  if (n.kind === "number" && against === "string") return String(n.v);
  return n.v;
}

interface Operand {
  get: Getter;
  type: FieldType | "ref" | "unknown";
  lit?: Extract<Node, { t: "lit" }>;
}

export function compileFilter(store: Store, t: Tenant, def: SetDef, node: Node): Predicate {
  const operand = (n: Node): Operand => {
    if (n.t === "path") return resolvePath(store, t, def, n.segs);
    if (n.t === "lit") return { get: () => n.v, type: "unknown", lit: n };
    if (n.t === "call") {
      const fn = compileCall(n);
      return { get: fn, type: n.name === "length" ? "number" : n.name === "contains" || n.name.endsWith("with") ? "boolean" : "string" };
    }
    const pred = compile(n);
    return { get: pred, type: "boolean" };
  };

  const compileCall = (n: Extract<Node, { t: "call" }>): Getter => {
    const args = n.args.map(operand);
    const str = (v: unknown) => (v == null ? null : String(v));
    const arity = (k: number) => {
      if (args.length !== k) throw badRequest(`${n.name}() takes ${k} argument(s)`);
    };
    switch (n.name) {
      case "contains":
      case "startswith":
      case "endswith": {
        arity(2);
        const [a, b] = args as [Operand, Operand];
        const test =
          n.name === "contains"
            ? (x: string, y: string) => x.includes(y)
            : n.name === "startswith"
              ? (x: string, y: string) => x.startsWith(y)
              : (x: string, y: string) => x.endsWith(y);
        return (r) => {
          const x = str(a.get(r));
          const y = str(b.get(r));
          if (x == null || y == null) return false;
          return test(x.toLowerCase(), y.toLowerCase());
        };
      }
      case "tolower":
      case "toupper":
      case "trim":
      case "length": {
        arity(1);
        const a = args[0]!;
        return (r) => {
          const x = str(a.get(r));
          if (x == null) return null;
          return n.name === "tolower" ? x.toLowerCase() : n.name === "toupper" ? x.toUpperCase() : n.name === "trim" ? x.trim() : x.length;
        };
      }
    }
    throw badRequest(`Function '${n.name}' is not supported`, "NotSupported");
  };

  const compileCmp = (n: Extract<Node, { t: "cmp" }>): Predicate => {
    let l = operand(n.l);
    let r = operand(n.r);
    // literal on the left: swap so the field type drives coercion
    let op = n.op;
    if (l.lit && !r.lit) {
      [l, r] = [r, l];
      op = ({ gt: "lt", lt: "gt", ge: "le", le: "ge", eq: "eq", ne: "ne" } as const)[op];
    }
    const ftype = l.type;
    let rget = r.get;
    if (r.lit) {
      const v = litValue(r.lit, ftype);
      rget = () => v;
    }
    const norm = (v: unknown): unknown => {
      if (v == null) return null;
      if (ftype === "datetime" && typeof v === "string") return Date.parse(v);
      if ((ftype === "guid" || ftype === "ref") && typeof v === "string") return v.toLowerCase();
      return v;
    };
    const cmp = (a: unknown, b: unknown): boolean => {
      if (a == null || b == null) {
        if (op === "eq") return a == null && b == null;
        if (op === "ne") return !(a == null && b == null);
        return false;
      }
      switch (op) {
        case "eq":
          return a === b;
        case "ne":
          return a !== b;
        case "gt":
          return (a as number) > (b as number);
        case "ge":
          return (a as number) >= (b as number);
        case "lt":
          return (a as number) < (b as number);
        case "le":
          return (a as number) <= (b as number);
      }
    };
    const lget = l.get;
    if (r.lit) {
      const rv = rget(undefined as unknown as Rec);
      return (rec) => cmp(norm(lget(rec)), rv);
    }
    return (rec) => cmp(norm(lget(rec)), norm(rget(rec)));
  };

  const compile = (n: Node): Predicate => {
    switch (n.t) {
      case "bin": {
        const a = compile(n.l);
        const b = compile(n.r);
        return n.op === "and" ? (r) => a(r) && b(r) : (r) => a(r) || b(r);
      }
      case "not": {
        const a = compile(n.e);
        return (r) => !a(r);
      }
      case "cmp":
        return compileCmp(n);
      case "call": {
        const g = compileCall(n);
        return (r) => g(r) === true;
      }
      case "path": {
        const o = resolvePath(store, t, def, n.segs);
        if (o.type !== "boolean") throw badRequest(`'${n.segs.join("/")}' is not a boolean expression`);
        return (r) => o.get(r) === true;
      }
      case "lit":
        if (n.kind !== "boolean") throw badRequest("A $filter must be a boolean expression");
        return () => n.v === true;
    }
  };

  return compile(node);
}

/**
 * If the filter is (a conjunction containing) `ID eq <guid>` or `<Nav>/ID eq <guid>`,
 * answer the candidate rows from the indexes, so such lookups stay O(1) at any table size.
 */
export function indexCandidates(store: Store, t: Tenant, def: SetDef, node: Node): Rec[] | undefined {
  const conj: Node[] = [];
  const walk = (n: Node) => {
    if (n.t === "bin" && n.op === "and") {
      walk(n.l);
      walk(n.r);
    } else conj.push(n);
  };
  walk(node);
  for (const n of conj) {
    const hit = indexedTerm(store, t, def, n);
    if (hit) return hit;
  }
  return undefined;
}

/** Rows for `ID eq <guid>`, `<Nav>/ID eq <guid>`, or an `or` of such terms (e.g. a relation by any of its addresses). */
function indexedTerm(store: Store, t: Tenant, def: SetDef, n: Node): Rec[] | undefined {
  if (n.t === "bin" && n.op === "or") {
    const l = indexedTerm(store, t, def, n.l);
    const r = l && indexedTerm(store, t, def, n.r);
    return r && [...new Set([...l!, ...r])].sort((a, b) => a.seq - b.seq);
  }
  if (n.t !== "cmp" || n.op !== "eq") return undefined;
  const [path, lit] = n.l.t === "path" ? [n.l, n.r] : [n.r, n.l];
  if (path.t !== "path" || lit.t !== "lit" || (lit.kind !== "guid" && lit.kind !== "string")) return undefined;
  const id = String(lit.v).toLowerCase();
  if (path.segs.length === 1 && path.segs[0] === "ID") {
    const rec = store.get(t, def.set, id);
    return rec ? [rec] : [];
  }
  if (path.segs.length === 2 && path.segs[1] === "ID" && store.navTargets(def, path.segs[0]!)) {
    return store.referencing(t, def.set, navName(def, path.segs[0]!), id);
  }
  return undefined;
}
