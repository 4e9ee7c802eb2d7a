/**
 * One routed API operation for an authenticated client: privilege check,
 * validation against the spec, then the handler, with refusals turned into
 * ProblemDetails.
 */
import { handlers } from "./api";
import { problem, Refusal } from "./problem";
import type { MatchedOperation } from "./spec";
import type { SimulatorState } from "./simulator";
import type { UploadedFile } from "./sales";
import type { Client } from "./store";
import type { ApiResponse } from "./types";

export interface OperationRequest {
  /** the path below the API root, e.g. "/Customers/12" */
  path: string;
  /** the full request path, the ProblemDetails' Instance */
  instance: string;
  query: Record<string, string>;
  /** parsed JSON body (or JSON Patch document); undefined without one */
  body: unknown;
  file?: UploadedFile;
}

export function runOperation(
  state: SimulatorState,
  client: Client,
  applicationKey: string,
  match: MatchedOperation,
  req: OperationRequest,
): ApiResponse {
  const { op } = match;
  if (op.roles.length > 0 && !op.roles.some((r) => client.info.validPrivileges.includes(r)))
    return problem(
      403,
      `The integration does not have the privilege to ${op.method} ${op.template} on client '${client.info.name}': it needs one of ${op.roles.join(", ")}.`,
      req.instance,
    );

  const reasons = state.spec.validateRequest(match, { path: req.path, query: req.query, body: req.body });
  if (reasons.length > 0)
    return problem(400, reasons.map((r) => `${r.field}: ${r.message}`).join("; "), req.instance, reasons);

  const handler = handlers[op.key]!;
  try {
    return handler({
      client,
      spec: state.spec,
      settings: state.settings,
      params: match.params,
      query: req.query,
      body: req.body,
      file: req.file,
      applicationKey,
    });
  } catch (e) {
    if (e instanceof Refusal) return problem(e.status, e.message, req.instance, e.reasons);
    throw e;
  }
}
