/**
 * A change made on the bookkeeper page is the matching `/v2` call, run
 * in-process through the API's own validation and handler (no token, no
 * faults: the bookkeeper works in SnelStart itself, not through the API).
 */
import type { Ctx, Result } from "../domain";
import { runOperation } from "../operation";
import { matchOperation } from "../spec";
import type { ApiError, JsonObject } from "../types";
import type { UiContext } from "./layout";

export function apiWrite(c: UiContext, method: "POST" | "PUT" | "DELETE", path: string, body?: JsonObject): Result<JsonObject> {
  const match = matchOperation(c.state.spec, method, path);
  if (!match) throw new Error(`the spec has no ${method} ${path}`);
  const out = runOperation(c.state, c.adm, match, { method, path, query: {}, body, contentType: "application/json" });
  if (out.status < 300) return { ok: true, value: (out.body ?? {}) as JsonObject };
  if (out.status === 400) return { ok: false, status: 400, errors: out.body as ApiError[] };
  if (out.status === 404) return { ok: false, status: 404, message: String((out.body as { message?: unknown }).message) };
  throw new Error(`${method} ${path} answered ${out.status}: ${JSON.stringify(out.body)}`);
}

/** The refusal as a list of reasons (a 404 becomes one). */
export function reasons(r: Result<unknown>): ApiError[] {
  if (r.ok) return [];
  return r.status === 400 ? r.errors : [{ kenmerk: "id", message: r.message, errorCode: "NotFound" }];
}

/** For the bookkeeper actions that have no API operation (payments, incassomachtigingen). */
export function domainCtx(c: UiContext): Ctx {
  return { adm: c.adm, spec: c.state.spec, options: c.state.config.domain };
}
