/**
 * Test helper: validates a body against a schema of the SnelStart OpenAPI spec, so the
 * mapping is checked against the vendor's contract rather than against our own types.
 * Not imported by app code (ajv is only a test-time dependency here).
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import Ajv from "ajv";
import addFormats from "ajv-formats";
import { parse } from "yaml";

const SPEC_PATH = fileURLToPath(new URL("../../../../shared/vendor-api/snelstart-b2b-v2.openapi.yaml", import.meta.url));
const SPEC_ID = "snelstart-b2b-v2";

let ajv: Ajv | null = null;

function instance(): Ajv {
  if (ajv) return ajv;
  const spec = parse(readFileSync(SPEC_PATH, "utf8")) as { components: unknown };
  // OpenAPI 3.0 schemas carry keywords JSON Schema does not know (example, nullable, x-…).
  const a = new Ajv({ strict: false, allErrors: true, validateSchema: false });
  addFormats(a); // includes the OpenAPI formats int32, int64, float, double, byte
  a.addFormat("decimal", { type: "number", validate: (n: number) => Number.isFinite(n) });
  // `$ref: '#/components/schemas/…'` resolves against this document.
  a.addSchema({ $id: SPEC_ID, components: spec.components });
  ajv = a;
  return a;
}

/** Errors of `body` against components.schemas[name] ("SnelStart.B2B.Api.V2.Models.…"); [] when valid. */
export function specErrors(schemaName: string, body: unknown): string[] {
  const validate = instance().getSchema(`${SPEC_ID}#/components/schemas/${schemaName}`);
  if (!validate) throw new Error(`No schema ${schemaName} in the spec`);
  if (validate(body)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || "(body)"} ${e.message ?? ""}`.trim());
}
