/**
 * An insertion-ordered entity collection. Lookups by id are O(1); the
 * creation-ordered array is kept incrementally (appends are O(1), a delete
 * rebuilds it lazily once), so `$skip`/`$top` paging without a filter is a
 * plain slice and never re-sorts.
 */
import type { Entity } from "./types";
import type { CompiledFilter } from "./odata";

interface Cursor {
  version: number;
  /** matches consumed so far (= skip + rows returned) */
  matched: number;
  /** index in the ordered array to continue scanning from */
  pos: number;
}

const MAX_CURSORS = 32;

export class Collection<T extends Entity> {
  private byId = new Map<string, T>();
  private ordered: T[] = [];
  private dirty = false;
  /**
   * Bumped when existing rows change or disappear (appends keep the prefix
   * intact and do not invalidate cursors).
   */
  private version = 0;
  /** `$filter` text → where the previous page stopped, so paging a filter is O(n) overall */
  private cursors = new Map<string, Cursor>();

  /** Call after mutating a stored entity in place. */
  changed(): void {
    this.version++;
  }

  get size(): number {
    return this.byId.size;
  }

  get(id: string): T | undefined {
    return this.byId.get(id.toLowerCase());
  }

  has(id: string): boolean {
    return this.byId.has(id.toLowerCase());
  }

  insert(entity: T): T {
    const key = entity.id.toLowerCase();
    if (this.byId.has(key)) throw new Error(`duplicate id ${entity.id}`);
    this.byId.set(key, entity);
    if (!this.dirty) this.ordered.push(entity);
    return entity;
  }

  /** Replaces the stored object in place (keeps its position in creation order). */
  replace(entity: T): T {
    const cur = this.byId.get(entity.id.toLowerCase());
    if (!cur) throw new Error(`unknown id ${entity.id}`);
    for (const k of Object.keys(cur)) delete (cur as Record<string, unknown>)[k];
    Object.assign(cur, entity);
    this.version++;
    return cur;
  }

  delete(id: string): boolean {
    const ok = this.byId.delete(id.toLowerCase());
    if (ok) {
      this.dirty = true;
      this.version++;
    }
    return ok;
  }

  all(): readonly T[] {
    if (this.dirty) {
      this.ordered = [...this.byId.values()];
      this.dirty = false;
    }
    return this.ordered;
  }

  /**
   * One page in creation order. Without a filter this is a slice; with one it
   * scans once and stops as soon as the page is full.
   */
  page(opts: {
    skip: number;
    top: number;
    filter?: CompiledFilter;
    /** cache key of `filter` (its source text); enables resuming where the previous page stopped */
    filterKey?: string;
    where?: (e: T) => boolean;
  }): T[] {
    const rows = this.all();
    const { skip, top, filter, where, filterKey } = opts;
    if (!filter && !where) return rows.slice(skip, skip + top);
    let matched = 0;
    let pos = 0;
    const cacheable = filterKey !== undefined && !where;
    if (cacheable) {
      const c = this.cursors.get(filterKey);
      if (c && c.version === this.version && c.matched <= skip) {
        matched = c.matched;
        pos = c.pos;
      }
    }
    const out: T[] = [];
    for (; pos < rows.length && out.length < top; pos++) {
      const e = rows[pos]!;
      if (where && !where(e)) continue;
      if (filter && !filter.test(e)) continue;
      if (matched < skip) {
        matched++;
        continue;
      }
      out.push(e);
    }
    if (cacheable) {
      this.cursors.delete(filterKey);
      this.cursors.set(filterKey, { version: this.version, matched: skip + out.length, pos });
      if (this.cursors.size > MAX_CURSORS) this.cursors.delete(this.cursors.keys().next().value!);
    }
    return out;
  }

  clear(): void {
    this.byId.clear();
    this.ordered = [];
    this.dirty = false;
    this.version++;
    this.cursors.clear();
  }
}
