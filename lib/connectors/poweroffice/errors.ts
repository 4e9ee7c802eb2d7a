/**
 * Errors the PowerOffice Go client throws, one class per thing the job layer or the user must do
 * differently. All extend lib/http's HttpError (status, request line, `mayHaveSucceeded`);
 * PowerOfficeRateLimitError adds `retryAfterMs` (lib/sync's rateLimitedFor reads it).
 *
 * `detail` is the vendor's own words: ProblemDetails' `Detail` (the spec's error body), API
 * Management's `message` (subscription key, rate limit), the token endpoint's
 * `error_description`, or the text of a body that is none of these. The client redacts it before
 * it gets here, and no request, header or option is attached, so no error holds a key or token.
 *
 * `message` is for developers; `logMessage` is what the sync log tells the user: a key of this
 * connector's catalogue, `connectors.poweroffice.log.<name>`, with `{ detail }`.
 */
import { firstString, HttpError, plainText, type HttpErrorOptions, type RequestLine } from "@/lib/http/errors";
import type { LogMessage } from "@/lib/sync/types";
import { ProblemDetails } from "./wire";

function said(name: string, detail: string): LogMessage {
  return { key: `connectors.poweroffice.log.${name}`, params: { detail } };
}

/** What an error answer said, whatever its shape. */
export type VendorProblem = {
  /** the vendor's own words; "" when the body said nothing */
  detail: string;
  /** ProblemDetails' Title, or the OAuth error code (`invalid_client`) */
  title: string | null;
  type: string | null;
  instance: string | null;
  /** ProblemDetails' `Errors`: field (dotted path, query parameter, `[i]` for a patch operation) → reasons */
  errors: Record<string, string[]>;
};

const MAX_DETAIL = 500;

export class PowerOfficeError extends HttpError {
  /** the vendor's words, else the request line */
  readonly detail: string;

  constructor(message: string, opts: HttpErrorOptions & { detail: string }) {
    super(message, opts);
    this.detail = opts.detail;
  }

  get logMessage(): LogMessage {
    return said("failed", this.detail);
  }
}

/** A non-2xx answer. Subclasses name the statuses the app handles; this one is any other (405, 415, 501 …). */
export class PowerOfficeApiError extends PowerOfficeError {
  declare readonly status: number;
  readonly problem: VendorProblem | null;

  constructor(status: number, problem: VendorProblem | null, ctx: RequestLine, opts: { mayHaveSucceeded?: boolean; label?: string } = {}) {
    const detail = problem?.detail || `${ctx.method} ${ctx.path} answered ${status}`;
    super(`PowerOffice ${opts.label ?? "error"}: ${ctx.method} ${ctx.path} answered ${status}${problem?.detail ? `: ${problem.detail}` : ""}`, {
      status,
      request: ctx,
      mayHaveSucceeded: opts.mayHaveSucceeded ?? false,
      detail,
    });
    this.problem = problem;
  }

  override get logMessage(): LogMessage {
    return said("refused", this.detail);
  }
}

/** 400: the data breaks a rule of Go's (schema or business rule). Fix the data; do not retry. */
export class PowerOfficeValidationError extends PowerOfficeApiError {
  constructor(problem: VendorProblem | null, ctx: RequestLine) {
    super(400, problem, ctx, { label: "validation error" });
  }
  /** field → reasons, from ProblemDetails' `Errors` */
  get fieldErrors(): Record<string, string[]> {
    return this.problem?.errors ?? {};
  }
  override get logMessage(): LogMessage {
    return said("validation", this.detail);
  }
}

/**
 * The keys are refused: the token endpoint's 400 `invalid_client` (a wrong application or client
 * key, or one of the other environment), API Management's 401 (subscription key), or a 401 that
 * stays with a new token. The user must connect the Go client again.
 */
export class PowerOfficeAuthError extends PowerOfficeApiError {
  constructor(status: number, problem: VendorProblem | null, ctx: RequestLine) {
    super(status, problem, ctx, { label: "authentication failed" });
  }
  override get logMessage(): LogMessage {
    return said("auth", this.detail);
  }
}

/** 403: the integration lacks the privilege on this Go client (see ClientIntegrationInformation.InvalidPrivileges). */
export class PowerOfficeForbiddenError extends PowerOfficeApiError {
  constructor(problem: VendorProblem | null, ctx: RequestLine) {
    super(403, problem, ctx, { label: "forbidden" });
  }
  override get logMessage(): LogMessage {
    return said("forbidden", this.detail);
  }
}

/** 404: the record does not exist (any more) on this client. The `get…` reads answer null instead. */
export class PowerOfficeNotFoundError extends PowerOfficeApiError {
  constructor(problem: VendorProblem | null, ctx: RequestLine) {
    super(404, problem, ctx, { label: "not found" });
  }
  override get logMessage(): LogMessage {
    return said("notFound", this.detail);
  }
}

/** 409: the state forbids it, e.g. deleting a customer that has invoices. */
export class PowerOfficeConflictError extends PowerOfficeApiError {
  constructor(problem: VendorProblem | null, ctx: RequestLine) {
    super(409, problem, ctx, { label: "conflict" });
  }
  override get logMessage(): LogMessage {
    return said("conflict", this.detail);
  }
}

/** 429 after the retries: the job should come back after `retryAfterMs`. */
export class PowerOfficeRateLimitError extends PowerOfficeApiError {
  constructor(
    problem: VendorProblem | null,
    ctx: RequestLine,
    /** what Retry-After asked, else until the subscription key's gate opens (at least a second) */
    readonly retryAfterMs: number,
  ) {
    super(429, problem, ctx, { label: "rate limit" });
  }
  override get logMessage(): LogMessage {
    return said("rateLimited", this.detail);
  }
}

/** 5xx after the retries of a read, or at once for a write, which may then have been applied. */
export class PowerOfficeServerError extends PowerOfficeApiError {
  constructor(status: number, problem: VendorProblem | null, ctx: RequestLine, mayHaveSucceeded: boolean) {
    super(status, problem, ctx, { mayHaveSucceeded, label: "server error" });
  }
  override get logMessage(): LogMessage {
    return said(this.mayHaveSucceeded ? "serverAfterWrite" : "server", this.detail);
  }
}

/**
 * No whole answer: connection refused or reset, DNS, or none within the timeout. A write whose
 * answer was lost is not sent again and has `mayHaveSucceeded`: look it up before repeating it.
 */
export class PowerOfficeNetworkError extends PowerOfficeError {
  readonly timedOut: boolean;

  constructor(ctx: RequestLine, opts: { cause: unknown; timedOut: boolean; mayHaveSucceeded: boolean }) {
    const what = describeCause(opts.cause);
    const maybe = opts.mayHaveSucceeded ? " (the write may have been applied; look it up before repeating it)" : "";
    super(`PowerOffice ${ctx.method} ${ctx.path}: no answer: ${what}${maybe}`, {
      request: ctx,
      mayHaveSucceeded: opts.mayHaveSucceeded,
      cause: opts.cause,
      detail: what,
    });
    this.timedOut = opts.timedOut;
  }

  override get logMessage(): LogMessage {
    return said(this.mayHaveSucceeded ? "noAnswerAfterWrite" : "network", this.detail);
  }
}

/** A 2xx whose body is not what the spec promises (not JSON, empty, a member of the wrong type). */
export class PowerOfficeResponseError extends PowerOfficeError {
  constructor(
    ctx: RequestLine,
    status: number,
    detail: string,
    /** a 2xx to a write: it was most likely applied */
    mayHaveSucceeded: boolean,
    cause?: unknown,
  ) {
    super(`PowerOffice ${ctx.method} ${ctx.path} answered ${status} with an unexpected body: ${detail}`, {
      status,
      request: ctx,
      mayHaveSucceeded,
      cause,
      detail,
    });
  }
  override get logMessage(): LogMessage {
    return said("badResponse", this.detail);
  }
}

// ------------------------------------------------------------------ reading error bodies

/**
 * What an error body says. ProblemDetails in PascalCase (the spec) or camelCase (ASP.NET's
 * default serializer), API Management's `{statusCode, message}`, OAuth's `{error,
 * error_description}`, or any other text (an HTML page by its title). Null for an empty body.
 * `redact` hides secrets the vendor may echo.
 */
export function readProblem(body: string, redact: (s: string) => string = (s) => s): VendorProblem | null {
  const raw = redact(body).trim();
  if (!raw) return null;
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return bare(plainText(raw));
  }
  if (!json || typeof json !== "object" || Array.isArray(json)) return bare(plainText(raw));
  const o = pascalCased(json as Record<string, unknown>);
  const problem = ProblemDetails.safeParse(o);
  if (problem.success && (problem.data.Detail || problem.data.Title || problem.data.Errors)) {
    const p = problem.data;
    const errors: Record<string, string[]> = {};
    for (const [field, reasons] of Object.entries(p.Errors ?? {})) errors[field] = (Array.isArray(reasons) ? reasons : [reasons]).map(clip);
    const fromErrors = Object.entries(errors)
      .map(([f, r]) => `${f}: ${r.join(" ")}`)
      .join("; ");
    return {
      detail: clip(p.Detail || fromErrors || p.Title || ""),
      title: p.Title ?? null,
      type: p.Type ?? null,
      instance: p.Instance ?? null,
      errors,
    };
  }
  const message = firstString(o, ["Message", "Error_description", "Error"]);
  if (message) return { ...bare(message), title: firstString(o, ["Error"]) };
  return bare(clip(raw.replace(/\s+/g, " ")));
}

function bare(detail: string): VendorProblem {
  return { detail: clip(detail), title: null, type: null, instance: null, errors: {} };
}

/** `detail` → `Detail`, so both spellings read alike. */
function pascalCased(o: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    const key = k.charAt(0).toUpperCase() + k.slice(1);
    if (!(key in out) || k === key) out[key] = v;
  }
  return out;
}



function clip(s: string): string {
  const t = s.trim();
  return t.length > MAX_DETAIL ? `${t.slice(0, MAX_DETAIL)}…` : t;
}

function describeCause(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const code = (err as { code?: unknown }).code ?? (err.cause as { code?: unknown } | undefined)?.code;
  return typeof code === "string" && !err.message.includes(code) ? `${err.message} (${code})` : err.message;
}
