// OData query options ($filter, $orderby, $top, $skip, $count, $select, $expand) and
// entity serialization for the sandbox host CRM.

import { badRequest } from "../errors";
import { navName, SETS, type SetDef } from "../schema";
import type { Rec, Store, Tenant } from "../store";
import { compileFilter, indexCandidates, parseFilter, resolvePath, type Predicate } from "./filter";

export const MAX_TOP = 100;

export interface QueryOptions {
  filter?: string;
  orderby?: string;
  top?: number;
  skip?: number;
  count?: boolean;
  select?: string[];
  expand?: ExpandItem[];
}

export interface ExpandItem {
  name: string;
  options: QueryOptions;
}

/** Split on `sep` at parenthesis depth 0, ignoring separators inside quoted strings. */
function splitTop(s: string, sep: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quoted = false;
  let cur = "";
  for (const c of s) {
    if (c === "'") quoted = !quoted;
    if (!quoted) {
      if (c === "(") depth++;
      else if (c === ")") depth--;
      if (depth < 0) throw badRequest("Unbalanced parentheses");
      if (c === sep && depth === 0) {
        out.push(cur);
        cur = "";
        continue;
      }
    }
    cur += c;
  }
  if (depth !== 0) throw badRequest("Unbalanced parentheses");
  out.push(cur);
  return out.map((x) => x.trim()).filter((x) => x !== "");
}

function parseInt0(name: string, v: string): number {
  if (!/^\d+$/.test(v.trim())) throw badRequest(`${name} must be a non-negative integer`);
  return Number(v);
}

/** Parse options from a map of `$name` → value (top level or nested inside $expand). */
export function parseOptions(get: (name: string) => string | null | undefined, nested = false): QueryOptions {
  const o: QueryOptions = {};
  const filter = get("$filter");
  if (filter != null && filter.trim() !== "") o.filter = filter;
  const orderby = get("$orderby");
  if (orderby != null && orderby.trim() !== "") o.orderby = orderby;
  const top = get("$top");
  if (top != null) {
    o.top = parseInt0("$top", top);
    if (o.top > MAX_TOP) throw badRequest(`$top may be at most ${MAX_TOP}`, "TopTooLarge");
  }
  const skip = get("$skip");
  if (skip != null) o.skip = parseInt0("$skip", skip);
  const count = get("$count");
  if (count != null) {
    if (count !== "true" && count !== "false") throw badRequest("$count must be true or false");
    o.count = count === "true";
  }
  const select = get("$select");
  if (select != null && select.trim() !== "" && select.trim() !== "*") o.select = select.split(",").map((s) => s.trim()).filter(Boolean);
  const expand = get("$expand");
  if (expand != null && expand.trim() !== "") o.expand = parseExpand(expand);
  if (!nested) {
    if (get("$search") != null) throw badRequest("$search is not supported", "NotSupported");
    if (get("$apply") != null) throw badRequest("$apply is not supported", "NotSupported");
  }
  return o;
}

export function parseExpand(src: string): ExpandItem[] {
  return splitTop(src, ",").map((item) => {
    const open = item.indexOf("(");
    if (open < 0) return { name: item.trim(), options: {} };
    if (!item.endsWith(")")) throw badRequest(`Malformed $expand item '${item}'`);
    const name = item.slice(0, open).trim();
    const inner = item.slice(open + 1, -1);
    const map = new Map<string, string>();
    for (const part of splitTop(inner, ";")) {
      const eq = part.indexOf("=");
      if (eq < 0) throw badRequest(`Malformed $expand option '${part}'`);
      map.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
    }
    for (const k of map.keys()) {
      if (!["$select", "$expand", "$filter", "$orderby", "$top", "$skip", "$count"].includes(k)) {
        throw badRequest(`Unsupported option '${k}' inside $expand`);
      }
    }
    return { name, options: parseOptions((n) => map.get(n), true) };
  });
}

export class QueryEngine {
  constructor(private readonly store: Store) {}

  /** Check $select/$expand names; with several possible types a name must exist on at least one. */
  validateShape(defs: SetDef[], o: QueryOptions) {
    for (const s of o.select ?? []) {
      if (!defs.some((def) => this.store.fieldType(def, s) || this.store.navTargets(def, s) || def.collections[s])) {
        throw badRequest(`Property '${s}' in $select does not exist on ${defs.map((d) => d.type).join(" or ")}`, "UnknownProperty");
      }
    }
    for (const e of o.expand ?? []) {
      const targets = new Set<string>();
      for (const def of defs) for (const s of this.store.navTargets(def, e.name) ?? def.collections[e.name]?.sets ?? []) targets.add(s);
      if (targets.size === 0) {
        throw badRequest(`'${e.name}' in $expand is not a navigation property of ${defs.map((d) => d.type).join(" or ")}`, "UnknownProperty");
      }
      this.validateShape([...targets].map((s) => SETS.get(s)!), e.options);
    }
  }

  /**
   * Filter, order and page rows. Without `$orderby` rows come in creation order, or with
   * `unstableOrder` in an order that changes from call to call (Tribe promises no default order).
   */
  run(t: Tenant, def: SetDef, source: Iterable<Rec> | undefined, o: QueryOptions, unstableOrder = false): { rows: Rec[]; count: number } {
    let pred: Predicate | undefined;
    let candidates: Iterable<Rec> | undefined = source;
    if (o.filter) {
      const ast = parseFilter(o.filter);
      pred = compileFilter(this.store, t, def, ast);
      if (!candidates) candidates = indexCandidates(this.store, t, def, ast);
    }
    if (!candidates) candidates = this.store.table(t, def.set).rows.values();
    const skip = o.skip ?? 0;
    const top = o.top ?? MAX_TOP;
    if (!o.orderby && unstableOrder) candidates = rotated([...candidates]);
    if (!o.orderby) {
      // fast path: stream in creation order, stop early unless a count is wanted
      const rows: Rec[] = [];
      let matched = 0;
      for (const r of candidates) {
        if (pred && !pred(r)) continue;
        if (matched >= skip && rows.length < top) rows.push(r);
        matched++;
        if (!o.count && rows.length >= top) break;
      }
      return { rows, count: matched };
    }
    const all: Rec[] = [];
    for (const r of candidates) if (!pred || pred(r)) all.push(r);
    const keys = splitTop(o.orderby, ",").map((part) => {
      const [path, dir, extra] = part.split(/\s+/);
      if (extra !== undefined || (dir && !/^(asc|desc)$/i.test(dir))) throw badRequest(`Malformed $orderby '${part}'`);
      const res = resolvePath(this.store, t, def, path!.split("/"));
      return { get: res.get, desc: dir?.toLowerCase() === "desc" };
    });
    const decorated = all.map((r) => ({ r, k: keys.map((k) => k.get(r)) }));
    decorated.sort((a, b) => {
      for (let i = 0; i < keys.length; i++) {
        const c = compareValues(a.k[i], b.k[i]);
        if (c !== 0) return keys[i]!.desc ? -c : c;
      }
      return a.r.seq - b.r.seq;
    });
    return { rows: decorated.slice(skip, skip + top).map((d) => d.r), count: all.length };
  }

  serialize(t: Tenant, rec: Rec, o: QueryOptions = {}): Record<string, unknown> {
    const def = rec.def;
    const sel = o.select ? new Set(o.select) : undefined;
    const want = (k: string) => !sel || sel.has(k);
    const out: Record<string, unknown> = {};
    out.ID = rec.id;
    if (want("_Type")) out._Type = def.type;
    if (want("_Name")) out._Name = this.store.nameOf(t, rec);
    if (want("SortIndex")) out.SortIndex = rec.seq;
    if (want("CreationDate")) out.CreationDate = rec.created;
    if (want("LastMutationDate")) out.LastMutationDate = rec.modified;
    for (const k of Object.keys(def.fields)) if (want(k) && this.store.exists(def, k)) out[k] = rec.f[k] ?? null;
    const expanded = new Map((o.expand ?? []).map((e) => [e.name, e.options]));
    for (const name of [...Object.keys(def.nav), ...Object.keys(def.aliases ?? {})]) {
      if (!this.store.navTargets(def, name)) continue;
      const id = rec.r[navName(def, name)] ?? null;
      const eo = expanded.get(name);
      if (eo) {
        const target = id ? t.byId.get(id) : undefined;
        out[name] = target ? this.serialize(t, target, eo) : null;
      } else if (want(name)) out[name] = id ? { ID: id } : null;
    }
    for (const coll of Object.keys(def.collections)) {
      const eo = expanded.get(coll);
      if (!eo) continue;
      let children = this.store.children(t, rec, coll);
      const sets = def.collections[coll]!.sets;
      let childOpts: QueryOptions = { ...eo, top: eo.top ?? Number.MAX_SAFE_INTEGER };
      if (sets.length > 1 && eo.filter) {
        // polymorphic collection: filter each child with its own type; a type lacking a property never matches
        const preds = new Map<string, Predicate>();
        const ast = parseFilter(eo.filter);
        children = children.filter((c) => {
          let p = preds.get(c.def.set);
          if (!p) {
            try {
              p = compileFilter(this.store, t, c.def, ast);
            } catch {
              p = () => false;
            }
            preds.set(c.def.set, p);
          }
          return p(c);
        });
        childOpts = { ...childOpts, filter: undefined };
      }
      const childDef = SETS.get(sets[0]!)!;
      const { rows, count } = this.run(t, childDef, children, childOpts);
      out[coll] = rows.map((c) => this.serialize(t, c, eo));
      if (eo.count) out[`${coll}@odata.count`] = count;
    }
    return out;
  }
}

/** The rows from a random starting point onwards, wrapping around: a different order on every call. */
function rotated(rows: Rec[]): Rec[] {
  const start = Math.floor(Math.random() * rows.length);
  return [...rows.slice(start), ...rows.slice(0, start)];
}

function compareValues(a: unknown, b: unknown): number {
  if (a == null && b == null) return 0;
  if (a == null) return -1;
  if (b == null) return 1;
  if (typeof a === "number" && typeof b === "number") return a - b;
  if (typeof a === "boolean" && typeof b === "boolean") return Number(a) - Number(b);
  const sa = String(a);
  const sb = String(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}
