/**
 * What every client's typed errors have in common, and what the job layer reads from them
 * (lib/sync/types): the status, the request, whether a write may have been applied, and what the
 * sync log says, as a key of the client's own message catalogue.
 *
 * An error never holds a credential: messages are built from the vendor's words (redacted where
 * the vendor may echo a secret) and the request line, and no request, header or config is attached.
 */
import type { LogMessage } from "@/lib/sync/types";

/** Method and path of a failed call, without its query: all an error says of the request. */
export type RequestLine = { method: string; path: string };

export type HttpErrorOptions = {
  /** the answer's status; none when no answer came */
  status?: number | null;
  request?: RequestLine;
  /** a write that may have been applied although no success was seen: look it up before doing it again */
  mayHaveSucceeded?: boolean;
  cause?: unknown;
};

export abstract class HttpError extends Error {
  readonly status: number | null;
  readonly method: string | null;
  readonly path: string | null;
  readonly mayHaveSucceeded: boolean;

  constructor(message: string, opts: HttpErrorOptions = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = new.target.name;
    this.status = opts.status ?? null;
    this.method = opts.request?.method ?? null;
    this.path = opts.request?.path ?? null;
    this.mayHaveSucceeded = opts.mayHaveSucceeded ?? false;
  }

  /** what the sync log tells the user */
  abstract get logMessage(): LogMessage;
}

/** Replaces every secret (key, password, token) that might be echoed in a body by "***". */
export function makeRedactor(secrets: Array<string | undefined | null>): (s: string) => string {
  const list = secrets.filter((s): s is string => typeof s === "string" && s.length >= 4);
  // Longest first, so a secret containing another is removed whole.
  list.sort((a, b) => b.length - a.length);
  return (s) => {
    let out = s;
    for (const secret of list) {
      out = out.split(secret).join("***");
      const encoded = encodeURIComponent(secret);
      if (encoded !== secret) out = out.split(encoded).join("***");
    }
    return out;
  };
}

/** The first non-empty string among `keys` of a parsed error body. */
export function firstString(o: Record<string, unknown>, keys: string[]): string | null {
  for (const k of keys) {
    const v = o[k];
    if (typeof v === "string" && v.trim()) return v.trim();
  }
  return null;
}

/** An error body that is not JSON as one line of text: an HTML page by its title, else its text. */
export function plainText(text: string): string {
  if (/^\s*</.test(text)) {
    const title = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(text)?.[1];
    return (title ?? text.replace(/<script[\s\S]*?<\/script>|<style[\s\S]*?<\/style>/gi, " ").replace(/<[^>]+>/g, " ")).replace(/\s+/g, " ").trim();
  }
  return text.replace(/\s+/g, " ").trim();
}
