/**
 * A small OData `$filter` parser/evaluator covering what a SnelStart client
 * sends. Both OData v3 literals (`DateTime'2024-01-01T00:00:00'`,
 * `guid'…'`) and v4 literals (bare `2024-01-01T00:00:00Z`, bare GUIDs) are
 * accepted because the spec does not say which one SnelStart expects.
 *
 * Supported: eq ne gt ge lt le, and or not, parentheses, string/number/
 * bool/null/datetime/guid literals, property paths with `/`
 * (`Klant/Id eq guid'…'`), contains/startswith/endswith/substringof/
 * tolower/toupper/length, and `Path/any(x: x eq 'Klant')` / `all`.
 * Property names match case-insensitively (`ModifiedOn` = `modifiedOn`);
 * string comparison is case-insensitive (like SnelStart's SQL collation).
 * A naive date-time (no offset) is read as UTC.
 */

export class ODataError extends Error {}

type Literal =
  | { kind: "string"; value: string }
  | { kind: "number"; value: number }
  | { kind: "bool"; value: boolean }
  | { kind: "null" }
  | { kind: "datetime"; value: number; raw: string }
  | { kind: "guid"; value: string };

type Node =
  | { type: "lit"; lit: Literal }
  | { type: "prop"; path: string[] }
  | { type: "var"; name: string; path: string[] }
  | { type: "cmp"; op: CmpOp; left: Node; right: Node }
  | { type: "and" | "or"; left: Node; right: Node }
  | { type: "not"; expr: Node }
  | { type: "call"; name: string; args: Node[] }
  | { type: "lambda"; fn: "any" | "all"; path: string[]; varName?: string; varRoot?: string; body?: Node };

type CmpOp = "eq" | "ne" | "gt" | "ge" | "lt" | "le";
const CMP_OPS = new Set<string>(["eq", "ne", "gt", "ge", "lt", "le"]);
const FUNCS = new Set(["contains", "startswith", "endswith", "substringof", "tolower", "toupper", "length"]);

interface Token {
  t: "(" | ")" | "," | ":" | "ident" | "lit" | "end";
  v?: string;
  lit?: Literal;
  pos: number;
}

const GUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
const DATETIME_RE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?/i;
const NUMBER_RE = /^-?\d+(\.\d+)?([eE][+-]?\d+)?[mMdDlLfF]?/;

function parseDate(raw: string): number {
  let s = raw.trim();
  if (/^\d{4}-\d{2}-\d{2}$/.test(s)) s += "T00:00:00Z";
  else if (!/(Z|[+-]\d{2}:\d{2})$/i.test(s)) s += "Z";
  const ms = Date.parse(s);
  if (Number.isNaN(ms)) throw new ODataError(`Ongeldige datum '${raw}'`);
  return ms;
}

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === "(" || c === ")" || c === "," || c === ":") {
      out.push({ t: c, pos: i });
      i++;
      continue;
    }
    if (c === "'") {
      const { value, end } = readQuoted(src, i);
      out.push({ t: "lit", lit: { kind: "string", value }, pos: i });
      i = end;
      continue;
    }
    const rest = src.slice(i);
    const guid = GUID_RE.exec(rest);
    if (guid && !/[\w-]/.test(rest[guid[0].length] ?? "")) {
      out.push({ t: "lit", lit: { kind: "guid", value: guid[0].toLowerCase() }, pos: i });
      i += guid[0].length;
      continue;
    }
    const dt = DATETIME_RE.exec(rest);
    if (dt && (dt[1] || /^\d{4}-\d{2}-\d{2}(?![\d.])/.test(rest))) {
      out.push({ t: "lit", lit: { kind: "datetime", value: parseDate(dt[0]), raw: dt[0] }, pos: i });
      i += dt[0].length;
      continue;
    }
    const num = NUMBER_RE.exec(rest);
    if (num) {
      out.push({ t: "lit", lit: { kind: "number", value: Number(num[0].replace(/[mMdDlLfF]$/, "")) }, pos: i });
      i += num[0].length;
      continue;
    }
    const id = /^[A-Za-z_][\w]*(\/[A-Za-z_][\w]*)*/.exec(rest);
    if (id) {
      const word = id[0];
      const lower = word.toLowerCase();
      i += word.length;
      // typed literals: DateTime'…', datetimeoffset'…', guid'…', X'…'
      if (src[i] === "'" && ["datetime", "datetimeoffset", "guid", "date"].includes(lower)) {
        const { value, end } = readQuoted(src, i);
        i = end;
        if (lower === "guid") {
          if (!GUID_RE.test(value)) throw new ODataError(`Ongeldige guid '${value}'`);
          out.push({ t: "lit", lit: { kind: "guid", value: value.toLowerCase() }, pos: i });
        } else {
          out.push({ t: "lit", lit: { kind: "datetime", value: parseDate(value), raw: value }, pos: i });
        }
        continue;
      }
      if (lower === "true" || lower === "false") {
        out.push({ t: "lit", lit: { kind: "bool", value: lower === "true" }, pos: i });
        continue;
      }
      if (lower === "null") {
        out.push({ t: "lit", lit: { kind: "null" }, pos: i });
        continue;
      }
      out.push({ t: "ident", v: word, pos: i - word.length });
      continue;
    }
    throw new ODataError(`Onverwacht teken '${c}' op positie ${i}`);
  }
  out.push({ t: "end", pos: src.length });
  return out;
}

function readQuoted(src: string, start: number): { value: string; end: number } {
  let i = start + 1;
  let value = "";
  while (i < src.length) {
    if (src[i] === "'") {
      if (src[i + 1] === "'") {
        value += "'";
        i += 2;
        continue;
      }
      return { value, end: i + 1 };
    }
    value += src[i];
    i++;
  }
  throw new ODataError("Niet afgesloten tekenreeks");
}

class Parser {
  private i = 0;
  private vars = new Set<string>();
  constructor(private toks: Token[]) {}
  private peek(): Token {
    return this.toks[this.i]!;
  }
  private next(): Token {
    return this.toks[this.i++]!;
  }
  private expect(t: Token["t"]): Token {
    const tok = this.next();
    if (tok.t !== t) throw new ODataError(`'${t}' verwacht op positie ${tok.pos}`);
    return tok;
  }
  private isKeyword(word: string): boolean {
    const p = this.peek();
    return p.t === "ident" && p.v!.toLowerCase() === word;
  }
  parse(): Node {
    const n = this.parseOr();
    if (this.peek().t !== "end") throw new ODataError(`Onverwachte invoer op positie ${this.peek().pos}`);
    return n;
  }
  private parseOr(): Node {
    let left = this.parseAnd();
    while (this.isKeyword("or")) {
      this.next();
      left = { type: "or", left, right: this.parseAnd() };
    }
    return left;
  }
  private parseAnd(): Node {
    let left = this.parseNot();
    while (this.isKeyword("and")) {
      this.next();
      left = { type: "and", left, right: this.parseNot() };
    }
    return left;
  }
  private parseNot(): Node {
    if (this.isKeyword("not")) {
      this.next();
      return { type: "not", expr: this.parseNot() };
    }
    return this.parseCmp();
  }
  private parseCmp(): Node {
    const left = this.parsePrimary();
    const p = this.peek();
    if (p.t === "ident" && CMP_OPS.has(p.v!.toLowerCase())) {
      this.next();
      const right = this.parsePrimary();
      return { type: "cmp", op: p.v!.toLowerCase() as CmpOp, left, right };
    }
    if (p.t === "ident" && ["in", "has", "add", "sub", "mul", "div", "mod"].includes(p.v!.toLowerCase())) {
      throw new ODataError(`Operator '${p.v}' wordt niet ondersteund`);
    }
    return left;
  }
  private parsePrimary(): Node {
    const tok = this.next();
    if (tok.t === "(") {
      const e = this.parseOr();
      this.expect(")");
      return e;
    }
    if (tok.t === "lit") return { type: "lit", lit: tok.lit! };
    if (tok.t === "ident") {
      const segs = tok.v!.split("/");
      const last = segs[segs.length - 1]!.toLowerCase();
      // lambda: Path/any(x: …)
      if ((last === "any" || last === "all") && segs.length > 1 && this.peek().t === "(") {
        this.next();
        const path = segs.slice(0, -1);
        if (this.peek().t === ")") {
          this.next();
          return { type: "lambda", fn: last, path: this.resolvePath(path) };
        }
        const v = this.expect("ident").v!;
        this.expect(":");
        this.vars.add(v);
        const body = this.parseOr();
        this.vars.delete(v);
        this.expect(")");
        return { type: "lambda", fn: last, path: this.resolvePath(path), varName: v, body };
      }
      if (segs.length === 1 && this.peek().t === "(") {
        if (!FUNCS.has(last)) throw new ODataError(`Functie '${tok.v}' wordt niet ondersteund`);
        this.next();
        const args: Node[] = [];
        if (this.peek().t !== ")") {
          args.push(this.parseOr());
          while (this.peek().t === ",") {
            this.next();
            args.push(this.parseOr());
          }
        }
        this.expect(")");
        return { type: "call", name: last, args };
      }
      return this.resolvePathNode(segs);
    }
    throw new ODataError(`Onverwachte invoer op positie ${tok.pos}`);
  }
  private resolvePath(segs: string[]): string[] {
    return segs;
  }
  private resolvePathNode(segs: string[]): Node {
    if (this.vars.has(segs[0]!)) return { type: "var", name: segs[0]!, path: segs.slice(1) };
    return { type: "prop", path: segs };
  }
}

/** Parsed filter: a predicate plus the top-level properties it uses. */
export interface CompiledFilter {
  test(entity: Record<string, unknown>): boolean;
  properties: string[];
}

function getCI(obj: unknown, key: string): unknown {
  if (!obj || typeof obj !== "object") return undefined;
  const o = obj as Record<string, unknown>;
  if (key in o) return o[key];
  const lower = key.toLowerCase();
  for (const k of Object.keys(o)) if (k.toLowerCase() === lower) return o[k];
  return undefined;
}

function getPath(obj: unknown, path: string[]): unknown {
  let cur = obj;
  for (const seg of path) cur = getCI(cur, seg);
  return cur;
}

type Val = unknown;

function evalNode(n: Node, row: unknown, env: Map<string, unknown>): Val {
  switch (n.type) {
    case "lit":
      return n.lit;
    case "prop":
      return getPath(row, n.path);
    case "var":
      return getPath(env.get(n.name), n.path);
    case "and":
      return truthy(evalNode(n.left, row, env)) && truthy(evalNode(n.right, row, env));
    case "or":
      return truthy(evalNode(n.left, row, env)) || truthy(evalNode(n.right, row, env));
    case "not":
      return !truthy(evalNode(n.expr, row, env));
    case "cmp":
      return compare(evalNode(n.left, row, env), evalNode(n.right, row, env), n.op);
    case "lambda": {
      const coll = getPath(row, n.path);
      if (!Array.isArray(coll)) return n.fn === "all";
      if (!n.body) return coll.length > 0;
      const test = (item: unknown) => {
        const e2 = new Map(env);
        e2.set(n.varName!, item);
        return truthy(evalNode(n.body!, row, e2));
      };
      return n.fn === "any" ? coll.some(test) : coll.every(test);
    }
    case "call": {
      const args = n.args.map((a) => str(evalNode(a, row, env)));
      const [a, b] = args;
      switch (n.name) {
        case "contains":
          return a != null && b != null && a.toLowerCase().includes(b.toLowerCase());
        case "substringof":
          return a != null && b != null && b.toLowerCase().includes(a.toLowerCase());
        case "startswith":
          return a != null && b != null && a.toLowerCase().startsWith(b.toLowerCase());
        case "endswith":
          return a != null && b != null && a.toLowerCase().endsWith(b.toLowerCase());
        case "tolower":
          return a?.toLowerCase() ?? null;
        case "toupper":
          return a?.toUpperCase() ?? null;
        case "length":
          return a?.length ?? null;
      }
      return null;
    }
  }
}

function truthy(v: Val): boolean {
  if (v && typeof v === "object" && "kind" in (v as object)) {
    const l = v as Literal;
    return l.kind === "bool" ? l.value : false;
  }
  return v === true;
}

function str(v: Val): string | null {
  if (v == null) return null;
  if (typeof v === "object" && "kind" in (v as object)) {
    const l = v as Literal;
    if (l.kind === "null") return null;
    if (l.kind === "datetime") return l.raw;
    return String((l as { value: unknown }).value);
  }
  return String(v);
}

function compare(a: Val, b: Val, op: CmpOp): boolean {
  const la = isLit(a) ? a : undefined;
  const lb = isLit(b) ? b : undefined;
  const av = la ? litValue(la) : a;
  const bv = lb ? litValue(lb) : b;
  if (av == null || bv == null) {
    const eq = (av ?? null) === (bv ?? null);
    if (op === "eq") return eq;
    if (op === "ne") return !eq;
    return false;
  }
  let x: number | string | boolean;
  let y: number | string | boolean;
  if (la?.kind === "datetime" || lb?.kind === "datetime") {
    x = typeof av === "number" ? av : parseDateLoose(String(av));
    y = typeof bv === "number" ? bv : parseDateLoose(String(bv));
    if (Number.isNaN(x) || Number.isNaN(y)) return op === "ne";
  } else if (typeof av === "number" && typeof bv === "number") {
    x = av;
    y = bv;
  } else if (typeof av === "boolean" || typeof bv === "boolean") {
    x = av === true || av === "true";
    y = bv === true || bv === "true";
  } else {
    x = String(av).toLowerCase();
    y = String(bv).toLowerCase();
  }
  switch (op) {
    case "eq":
      return x === y;
    case "ne":
      return x !== y;
    case "gt":
      return x > y;
    case "ge":
      return x >= y;
    case "lt":
      return x < y;
    case "le":
      return x <= y;
  }
}

function parseDateLoose(s: string): number {
  if (s.endsWith("Z")) {
    const ms = Date.parse(s);
    if (!Number.isNaN(ms)) return ms;
  }
  try {
    return parseDate(s);
  } catch {
    return NaN;
  }
}

function isLit(v: Val): v is Literal {
  return !!v && typeof v === "object" && !Array.isArray(v) && "kind" in (v as object);
}

function litValue(l: Literal): unknown {
  switch (l.kind) {
    case "null":
      return null;
    default:
      return l.value;
  }
}

function collectProps(n: Node, out: Set<string>): void {
  switch (n.type) {
    case "prop":
      out.add(n.path[0]!);
      break;
    case "lambda":
      out.add(n.path[0]!);
      if (n.body) collectProps(n.body, out);
      break;
    case "cmp":
    case "and":
    case "or":
      collectProps(n.left, out);
      collectProps(n.right, out);
      break;
    case "not":
      collectProps(n.expr, out);
      break;
    case "call":
      for (const a of n.args) collectProps(a, out);
      break;
    default:
      break;
  }
}

/**
 * Compiles `$filter`. `knownProperties` (top-level property names of the
 * entity) make unknown names an error instead of silently matching nothing.
 */
export function compileFilter(src: string, knownProperties?: Iterable<string>): CompiledFilter {
  const ast = new Parser(tokenize(src)).parse();
  const props = new Set<string>();
  collectProps(ast, props);
  if (knownProperties) {
    const known = new Set([...knownProperties].map((p) => p.toLowerCase()));
    for (const p of props) {
      if (!known.has(p.toLowerCase())) throw new ODataError(`Onbekende eigenschap '${p}' in $filter`);
    }
  }
  const env = new Map<string, unknown>();
  return {
    properties: [...props],
    test: (row) => truthy(evalNode(ast, row, env)),
  };
}
