/** Shared types of the PowerOffice Go API v2 simulator. */

export type JsonPrimitive = string | number | boolean | null;
export type JsonValue = JsonPrimitive | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** Where a request is served: the production API or the demo environment (`/Demo/...`). */
export type Environment = "production" | "demo";

/** One reason a request was refused: the field (or `body`, a query parameter) and why. */
export interface Reason {
  field: string;
  message: string;
}

/** What an operation answers; `body` undefined = no body (204, or 200 on DELETE). */
export interface ApiResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** raw bytes instead of JSON (attachment download) */
  bytes?: { data: Buffer; contentType: string; fileName: string };
}

/** Behaviour where the vendor's documentation is silent; see README "Choices". */
export interface Settings {
  /** `expires_in` of issued tokens (s). */
  tokenExpiresInSeconds: number;
  /** Requests per second per subscription key, across all clients; 0 = no limit. */
  rateLimitPerSecond: number;
  /** Send `Retry-After` with a 429 (the real API's header is not documented). */
  retryAfterHeader: boolean;
  /** Paging metadata on list answers: none, or an `X-Pagination` JSON header. */
  pagingHeaders: "none" | "x-pagination";
  /** Page size when `PageSize` is absent. */
  defaultPageSize: number;
  /** Largest `PageSize` accepted (`MaxPageSize`). */
  maxPageSize: number;
  /** Days until due when neither the order nor the customer gives a payment term. */
  defaultPaymentTermDays: number;
}

export const DEFAULT_SETTINGS: Settings = {
  tokenExpiresInSeconds: 600,
  rateLimitPerSecond: 10,
  retryAfterHeader: false,
  pagingHeaders: "none",
  defaultPageSize: 5000,
  maxPageSize: 20000,
  defaultPaymentTermDays: 14,
};
