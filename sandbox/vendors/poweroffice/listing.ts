/**
 * List answers: the spec's query filters (comma lists, number ranges,
 * "greater than" timestamps), `OrderBy`, `Fields`, paging with
 * `PageNumber`/`PageSize`, and 204 with no body when a page is empty.
 */
import { invalid } from "./problem";
import { parseInstant } from "./time";
import type { ApiResponse, JsonObject, JsonValue, Reason, Settings } from "./types";

/** "a, b ,c" → ["a", "b", "c"]; empty or whitespace → undefined (the spec: "the filter is not used"). */
export function csv(value: string | undefined): string[] | undefined {
  if (value === undefined || value.trim() === "") return undefined;
  return value.split(",").map((s) => s.trim()).filter(Boolean);
}

/** "10000-11000, 12000, 13000-" → a test of numbers; undefined when the filter is not used. */
export function numberRanges(param: string, value: string | undefined): ((n: JsonValue | undefined) => boolean) | undefined {
  const parts = csv(value);
  if (!parts) return undefined;
  const ranges = parts.map((p) => {
    const m = /^(\d+)\s*(?:(-)\s*(\d+)?)?$/.exec(p);
    if (!m) throw invalid([{ field: param, message: `'${p}' is not a number or a range (e.g. "10000-11000, 12000, 13000-").` }]);
    const from = Number(m[1]);
    const to = m[2] ? (m[3] !== undefined ? Number(m[3]) : Infinity) : from;
    return [from, to] as const;
  });
  return (n) => typeof n === "number" && ranges.some(([from, to]) => n >= from && n <= to);
}

/** A "…GreaterThan" timestamp filter (exclusive, full precision); undefined when not used. */
export function after(param: string, value: string | undefined): ((stamp: JsonValue | undefined) => boolean) | undefined {
  if (value === undefined || value.trim() === "") return undefined;
  const limit = parseInstant(value);
  if (limit === undefined) throw invalid([{ field: param, message: `'${value}' is not a date-time with an offset.` }]);
  return (stamp) => {
    const t = typeof stamp === "string" ? parseInstant(stamp) : undefined;
    return t !== undefined && t > limit;
  };
}

export const bool = (value: string | undefined) => (value === undefined ? undefined : value === "true");

/** Keeps the rows every given test accepts (undefined tests are filters not in use). */
export function where<T>(rows: Iterable<T>, tests: Array<((row: T) => boolean) | undefined | false>): T[] {
  const active = tests.filter((t): t is (row: T) => boolean => typeof t === "function");
  const out: T[] = [];
  for (const r of rows) if (active.every((t) => t(r))) out.push(r);
  return out;
}

function memberOf(row: JsonObject, name: string): string | undefined {
  if (name in row) return name;
  return Object.keys(row).find((k) => k.toLowerCase() === name.toLowerCase());
}

function compare(a: JsonValue | undefined, b: JsonValue | undefined): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return -1;
  if (b === null || b === undefined) return 1;
  if (typeof a === "number" && typeof b === "number") return a - b;
  return String(a).localeCompare(String(b), "nb");
}

/**
 * One page of `rows` (in creation order unless `OrderBy` says otherwise),
 * projected to `Fields`; 204 without a body when the page is empty.
 */
export function listResponse(rows: JsonObject[], query: Record<string, string>, settings: Settings): ApiResponse {
  const reasons: Reason[] = [];
  const pageNumber = query.PageNumber !== undefined ? Number(query.PageNumber) : 1;
  const pageSize = query.PageSize !== undefined ? Number(query.PageSize) : settings.defaultPageSize;
  if (!(pageNumber >= 1)) reasons.push({ field: "PageNumber", message: "must be 1 or more (the first page is 1)." });
  if (!(pageSize >= 1)) reasons.push({ field: "PageSize", message: "must be 1 or more." });
  if (pageSize > settings.maxPageSize)
    reasons.push({ field: "PageSize", message: `is not allowed to be larger than MaxPageSize (${settings.maxPageSize}).` });

  const sample = rows[0];
  const order = (csv(query.OrderBy) ?? []).map((part) => {
    const [name = "", dir = "asc", ...rest] = part.split(/\s+/);
    const member = sample ? memberOf(sample, name) : name;
    if (!member || rest.length > 0 || !/^(asc|desc)$/i.test(dir))
      reasons.push({ field: "OrderBy", message: `'${part}' is not "<field> [asc|desc]" with a field of this resource.` });
    return { member: member ?? name, desc: dir.toLowerCase() === "desc" };
  });
  const fields = (csv(query.Fields) ?? []).map((name) => {
    const member = sample ? memberOf(sample, name) : name;
    if (!member) reasons.push({ field: "Fields", message: `'${name}' is not a field of this resource.` });
    return member ?? name;
  });
  if (reasons.length > 0) throw invalid(reasons);

  const sorted =
    order.length === 0
      ? rows
      : [...rows].sort((a, b) => {
          for (const o of order) {
            const c = compare(a[o.member], b[o.member]);
            if (c !== 0) return o.desc ? -c : c;
          }
          return 0;
        });
  const page = sorted.slice((pageNumber - 1) * pageSize, pageNumber * pageSize);
  const headers: Record<string, string> =
    settings.pagingHeaders === "x-pagination"
      ? {
          "x-pagination": JSON.stringify({
            TotalCount: rows.length,
            PageSize: pageSize,
            CurrentPage: pageNumber,
            TotalPages: Math.ceil(rows.length / pageSize),
          }),
        }
      : {};
  if (page.length === 0) return { status: 204, headers };
  const body = fields.length === 0 ? page : page.map((r) => Object.fromEntries(fields.map((f) => [f, r[f] ?? null])));
  return { status: 200, body, headers };
}
