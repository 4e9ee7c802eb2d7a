/**
 * One routed `/v2` operation for an authenticated administratie: validation
 * of query and body against the spec, then the handler. The API endpoint and
 * the bookkeeper page both go through here, so a change made by hand meets
 * exactly the checks an API call meets.
 */
import { handlers, type ApiCtx, type ApiResponse } from "./api";
import { validateRequest, type MatchedOperation } from "./spec";
import type { SimulatorState } from "./simulator";
import type { Administratie } from "./store";
import type { ApiError } from "./types";

export interface OperationRequest {
  method: string;
  /** e.g. "/v2/relaties/{id}" filled in */
  path: string;
  query: Record<string, string>;
  /** parsed JSON body, undefined without one */
  body: unknown;
  contentType: string;
}

const ODATA_OPTIONS = ["$top", "$skip", "$filter"];

export function runOperation(
  state: SimulatorState,
  adm: Administratie,
  match: MatchedOperation,
  req: OperationRequest,
): ApiResponse {
  const { spec, config } = state;
  const unsupported = Object.keys(req.query).filter((k) => k.startsWith("$") && !ODATA_OPTIONS.includes(k));
  if (unsupported.length > 0)
    return {
      status: 400,
      body: unsupported.map(
        (k): ApiError => ({
          kenmerk: k,
          message: `Queryparameter ${k} wordt niet ondersteund (alleen $top, $skip en $filter).`,
          errorCode: "OData.NietOndersteund",
          location: "query",
        }),
      ),
    };
  const errors = validateRequest(spec, match, req);
  if (errors.length) return { status: 400, body: errors };

  const handler = handlers[match.operationId];
  if (!handler)
    return {
      status: 501,
      body: {
        statusCode: 501,
        message: `De simulator implementeert ${req.method} ${match.template} (${match.operationId}) niet.`,
      },
    };
  const topParam = (match.operation.parameters ?? []).find((p) => "name" in p && p.name === "$top") as
    | { schema?: { maximum?: number; default?: number } }
    | undefined;
  const ctx: ApiCtx = {
    adm,
    spec,
    options: config.domain,
    params: match.params,
    query: req.query,
    body: req.body,
    list: { defaultTop: config.defaultTop, maxTop: config.maxTop },
    topSchema: topParam?.schema,
  };
  return handler(ctx);
}
