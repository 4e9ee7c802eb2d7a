/**
 * Errors of the API as the spec's `ProblemDetails` (`Type, Title, Status,
 * Detail, Instance`, PascalCase as the spec spells them), and `Refusal`, the
 * exception domain code throws to refuse a request.
 */
import type { ApiResponse, Reason } from "./types";

const TITLES: Record<number, [type: string, title: string]> = {
  400: ["https://tools.ietf.org/html/rfc7231#section-6.5.1", "One or more validation errors occurred."],
  401: ["https://tools.ietf.org/html/rfc7235#section-3.1", "Unauthorized"],
  403: ["https://tools.ietf.org/html/rfc7231#section-6.5.3", "Forbidden"],
  404: ["https://tools.ietf.org/html/rfc7231#section-6.5.4", "Not Found"],
  405: ["https://tools.ietf.org/html/rfc7231#section-6.5.5", "Method Not Allowed"],
  409: ["https://tools.ietf.org/html/rfc7231#section-6.5.8", "Conflict"],
  413: ["https://tools.ietf.org/html/rfc7231#section-6.5.11", "Payload Too Large"],
  415: ["https://tools.ietf.org/html/rfc7231#section-6.5.13", "Unsupported Media Type"],
  500: ["https://tools.ietf.org/html/rfc7231#section-6.6.1", "Internal Server Error"],
  501: ["https://tools.ietf.org/html/rfc7231#section-6.6.2", "Not Implemented"],
  502: ["https://tools.ietf.org/html/rfc7231#section-6.6.3", "Bad Gateway"],
  503: ["https://tools.ietf.org/html/rfc7231#section-6.6.4", "Service Unavailable"],
  504: ["https://tools.ietf.org/html/rfc7231#section-6.6.5", "Gateway Timeout"],
};

export interface ProblemDetails {
  Type: string;
  Title: string;
  Status: number;
  Detail: string;
  Instance: string;
  /** The reasons per field (an extension member; ProblemDetails allows additional properties). */
  Errors?: Record<string, string[]>;
}

export function problemBody(status: number, detail: string, instance: string, reasons?: readonly Reason[]): ProblemDetails {
  const [type, title] = TITLES[status] ?? ["about:blank", `HTTP ${status}`];
  const body: ProblemDetails = { Type: type, Title: title, Status: status, Detail: detail, Instance: instance };
  if (reasons && reasons.length > 0) {
    const errors: Record<string, string[]> = {};
    for (const r of reasons) (errors[r.field] ??= []).push(r.message);
    body.Errors = errors;
  }
  return body;
}

export function problem(status: number, detail: string, instance: string, reasons?: readonly Reason[]): ApiResponse {
  return { status, body: problemBody(status, detail, instance, reasons) };
}

/** A request the domain refuses: 400 (with reasons), 404 or 409. */
export class Refusal extends Error {
  constructor(
    readonly status: 400 | 404 | 409,
    message: string,
    readonly reasons: Reason[] = [],
  ) {
    super(message);
  }
}

/** 400 naming every reason; the detail lists them all so a log line alone says what was wrong. */
export function invalid(reasons: Reason[]): Refusal {
  return new Refusal(400, reasons.map((r) => `${r.field}: ${r.message}`).join("; "), reasons);
}

export const notFound = (what: string) => new Refusal(404, `${what} was not found.`);
