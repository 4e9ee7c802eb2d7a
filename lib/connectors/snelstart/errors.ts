/**
 * Errors the SnelStart client throws. Each says what the job layer should do with it
 * (`retryable`, `mayHaveSucceeded`, `retryAfterMs`) so the Inngest functions can pick
 * NonRetriableError / RetryAfterError without knowing HTTP.
 *
 * None of them ever holds the credentials: messages are built from the vendor's body
 * after `redact()`, and no request, header or config object is attached.
 *
 * `message` is for developers; `logMessage` is what the sync log tells the user, as a key of
 * this connector's catalogue (messages/*.json `log`) with its values.
 */
import { firstString, HttpError, plainText, type HttpErrorOptions, type RequestLine } from "@/lib/http/errors";
import type { LogMessage } from "@/lib/sync/types";

function said(key: string, params?: Record<string, string>): LogMessage {
  return { key: `connectors.snelstart.log.${key}`, ...(params ? { params } : {}) };
}

/** The vendor's own words, or the request when it gave none. */
function vendorDetail(err: { messages: string[]; method: string | null; path: string | null }): string {
  return err.messages.length ? err.messages.join("; ").slice(0, 500) : `${err.method} ${err.path}`;
}

export class SnelStartError extends HttpError {
  /** true when trying the same call again later can succeed */
  readonly retryable: boolean;

  constructor(message: string, opts: HttpErrorOptions & { retryable?: boolean } = {}) {
    super(message, opts);
    this.retryable = opts.retryable ?? false;
  }

  get logMessage(): LogMessage {
    return said("failed", { detail: this.message.slice(0, 300) });
  }
}

/** A non-2xx answer from the API. `messages` are the vendor's own texts. */
export class SnelStartApiError extends SnelStartError {
  declare readonly status: number;
  readonly messages: string[];

  constructor(
    status: number,
    messages: string[],
    ctx: RequestLine,
    opts: { retryable?: boolean; mayHaveSucceeded?: boolean; label?: string } = {},
  ) {
    const detail = messages.length ? `: ${messages.join("; ")}` : "";
    super(`SnelStart ${opts.label ?? "error"}: ${ctx.method} ${ctx.path} returned HTTP ${status}${detail}`, {
      status,
      request: ctx,
      retryable: opts.retryable ?? false,
      mayHaveSucceeded: opts.mayHaveSucceeded ?? false,
    });
    this.messages = messages;
  }

  override get logMessage(): LogMessage {
    return said("refused", { status: String(this.status), detail: vendorDetail(this) });
  }
}

/** 400: one or more of SnelStart's validation rules were broken. Fix the data; do not retry. */
export class SnelStartValidationError extends SnelStartApiError {
  constructor(messages: string[], ctx: RequestLine) {
    super(400, messages, ctx, { label: "validation error" });
  }
  override get logMessage(): LogMessage {
    return said("invalid", { detail: vendorDetail(this) });
  }
}

/** 403: the key lacks the scope (or the SnelStart package lacks the module, e.g. orders on InStap). */
export class SnelStartForbiddenError extends SnelStartApiError {
  constructor(messages: string[], ctx: RequestLine) {
    super(403, messages, ctx, { label: "forbidden" });
  }
  override get logMessage(): LogMessage {
    return said("forbidden", { detail: vendorDetail(this) });
  }
}

export class SnelStartNotFoundError extends SnelStartApiError {
  constructor(messages: string[], ctx: RequestLine) {
    super(404, messages, ctx, { label: "not found" });
  }
  override get logMessage(): LogMessage {
    return said("notFound", { detail: vendorDetail(this) });
  }
}

/** 429 still there after the retries, or a Retry-After longer than the client will wait in-process. */
export class SnelStartRateLimitError extends SnelStartApiError {
  /** how long SnelStart asked us to wait; null when it did not say */
  readonly retryAfterMs: number | null;
  constructor(messages: string[], ctx: RequestLine, retryAfterMs: number | null) {
    super(429, messages, ctx, { retryable: true, label: "rate limit" });
    this.retryAfterMs = retryAfterMs;
  }
  override get logMessage(): LogMessage {
    return said("rateLimited");
  }
}

/** 5xx after the retries (GET), or at once for a write that may have been applied (POST/PUT). */
export class SnelStartServerError extends SnelStartApiError {
  constructor(status: number, messages: string[], ctx: RequestLine, mayHaveSucceeded: boolean) {
    super(status, messages, ctx, { retryable: !mayHaveSucceeded, mayHaveSucceeded, label: "server error" });
  }
  override get logMessage(): LogMessage {
    return said(this.mayHaveSucceeded ? "serverErrorAfterWrite" : "serverError", { status: String(this.status) });
  }
}

/** The token endpoint refused the credentials (400/401), or the API still says 401 with a fresh token. */
export class SnelStartAuthError extends SnelStartError {
  readonly messages: string[];
  constructor(status: number | null, messages: string[], ctx: RequestLine) {
    const detail = messages.length ? `: ${messages.join("; ")}` : "";
    super(`SnelStart authentication failed (${ctx.method} ${ctx.path}, HTTP ${status ?? "?"})${detail}`, {
      status,
      request: ctx,
    });
    this.messages = messages;
  }
  override get logMessage(): LogMessage {
    return said("authFailed");
  }
}

/** What was wrong with a 2xx answer. */
export type ResponseProblem =
  | { kind: "notJson"; contentType: string; snippet: string }
  | { kind: "empty" }
  /** `field`: dotted path of the first offending field, "" for the whole body */
  | { kind: "shape"; field: string; issue: string };

/** A 2xx answer whose body is not what the spec promises (HTML page, empty body, wrong types). */
export class SnelStartResponseError extends SnelStartError {
  /** dotted path of the first offending field, "" for the whole body */
  readonly field: string;
  readonly problem: ResponseProblem;
  constructor(
    message: string,
    ctx: RequestLine,
    opts: { status?: number | null; problem: ResponseProblem; mayHaveSucceeded?: boolean; cause?: unknown },
  ) {
    // Often a proxy or maintenance page: worth another try later, never a silent success.
    // A 2xx to a write means the write most likely happened, so say so.
    super(message, {
      status: opts.status ?? null,
      request: ctx,
      retryable: !opts.mayHaveSucceeded,
      mayHaveSucceeded: opts.mayHaveSucceeded ?? false,
      cause: opts.cause,
    });
    this.problem = opts.problem;
    this.field = opts.problem.kind === "shape" ? opts.problem.field : "";
  }
  override get logMessage(): LogMessage {
    const status = String(this.status ?? "?");
    const p = this.problem;
    if (p.kind === "notJson") return said("responseNotJson", { status, contentType: p.contentType, snippet: p.snippet });
    if (p.kind === "empty") return said("responseEmpty", { status });
    return p.field ? said("responseUnexpected", { field: p.field, issue: p.issue }) : said("responseUnexpectedBody", { issue: p.issue });
  }
}

/** The request did not complete (connection reset, DNS, …). */
export class SnelStartNetworkError extends SnelStartError {
  constructor(message: string, ctx: RequestLine, mayHaveSucceeded: boolean, cause?: unknown) {
    super(message, { request: ctx, retryable: true, mayHaveSucceeded, cause });
  }
  override get logMessage(): LogMessage {
    return said(this.mayHaveSucceeded ? "noAnswerAfterWrite" : "unreachable");
  }
}

/**
 * No answer within the timeout. For a write (POST/PUT) `mayHaveSucceeded` is true and the
 * client has NOT retried: the engine must look the record up before creating it again.
 */
export class SnelStartTimeoutError extends SnelStartNetworkError {
  readonly timeoutMs: number;
  constructor(ctx: RequestLine, timeoutMs: number, mayHaveSucceeded: boolean) {
    super(
      `SnelStart did not answer ${ctx.method} ${ctx.path} within ${timeoutMs} ms` +
        (mayHaveSucceeded ? " (the write may have been applied; look it up before retrying)" : ""),
      ctx,
      mayHaveSucceeded,
    );
    this.timeoutMs = timeoutMs;
  }
  override get logMessage(): LogMessage {
    return this.mayHaveSucceeded ? said("noAnswerAfterWrite") : said("timeout", { seconds: String(Math.round(this.timeoutMs / 1000)) });
  }
}

const MAX_MESSAGES = 20;
const MAX_MESSAGE_LENGTH = 500;

/**
 * The vendor's message(s) from an error body. SnelStart does not document the 400 shape, so
 * this accepts what .NET / API Management produce:
 *   [{message}], [{kenmerk, message}], ["text"],
 *   {message|Message|error_description|error, errors|Errors: [...] | {field: [...]}, ModelState: {field: [...]}},
 *   plain text or an HTML page (its <title>, else its text).
 */
export function extractVendorMessages(bodyText: string): string[] {
  const text = bodyText.trim();
  if (!text) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return [clip(plainText(text))].filter(Boolean);
  }
  const out: string[] = [];
  collect(parsed, out, null);
  return [...new Set(out.map(clip).filter(Boolean))].slice(0, MAX_MESSAGES);
}

function collect(value: unknown, out: string[], field: string | null): void {
  if (out.length >= MAX_MESSAGES || value == null) return;
  if (typeof value === "string") {
    out.push(field ? `${field}: ${value}` : value);
    return;
  }
  if (typeof value === "number" || typeof value === "boolean") return;
  if (Array.isArray(value)) {
    for (const item of value) collect(item, out, field);
    return;
  }
  if (typeof value !== "object") return;
  const o = value as Record<string, unknown>;
  const message = firstString(o, ["message", "Message", "errorMessage", "ErrorMessage", "error_description", "detail", "title"]);
  const kenmerk = firstString(o, ["kenmerk", "Kenmerk", "field", "Field", "propertyName", "PropertyName"]);
  const label = kenmerk ?? field;
  if (message) out.push(label ? `${label}: ${message}` : message);
  else if (typeof o.error === "string") out.push(label ? `${label}: ${o.error}` : o.error);
  for (const key of ["errors", "Errors", "ModelState", "modelState"]) {
    const nested = o[key];
    if (nested == null) continue;
    if (Array.isArray(nested)) collect(nested, out, null);
    else if (typeof nested === "object") {
      for (const [k, v] of Object.entries(nested as Record<string, unknown>)) collect(v, out, k || null);
    } else collect(nested, out, null);
  }
}



function clip(s: string): string {
  const t = s.trim();
  return t.length > MAX_MESSAGE_LENGTH ? `${t.slice(0, MAX_MESSAGE_LENGTH)}…` : t;
}
