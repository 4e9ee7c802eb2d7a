/**
 * An HTML template tag that escapes every interpolated value unless it is
 * itself `Html`, so data from a client cannot become markup by forgetting
 * to escape it.
 */
import { escapeHtml } from "../http";

export class Html {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

/** Arrays are joined; undefined, null and false render as nothing. */
function render(v: unknown): string {
  if (v instanceof Html) return v.text;
  if (Array.isArray(v)) return v.map(render).join("");
  if (v === undefined || v === null || v === false) return "";
  return escapeHtml(v);
}

export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let out = strings[0]!;
  values.forEach((v, i) => {
    out += render(v) + strings[i + 1]!;
  });
  return new Html(out);
}
