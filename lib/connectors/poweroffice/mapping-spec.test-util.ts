/**
 * Test helper: validates a body the mapping builds against a schema of the PowerOffice Go v2
 * OpenAPI spec, so the mapping is checked against the vendor's contract (additionalProperties:
 * false, required members, enums, lengths) rather than against our own types.
 * Not imported by app code (ajv and yaml are test-time dependencies here).
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import Ajv from "ajv";
import addFormats from "ajv-formats";
import { parse } from "yaml";

const SPEC_PATH = fileURLToPath(new URL("../../../../shared/vendor-api/poweroffice-go-v2.openapi.yaml", import.meta.url));
const SPEC_ID = "poweroffice-go-v2";

let ajv: Ajv | null = null;

function instance(): Ajv {
  if (ajv) return ajv;
  const spec = parse(readFileSync(SPEC_PATH, "utf8")) as { components: unknown };
  // OpenAPI 3.0 schemas carry keywords JSON Schema does not know (example, nullable, x-…).
  const a = new Ajv({ strict: false, allErrors: true, validateSchema: false });
  addFormats(a); // includes int32, int64, float, double
  a.addSchema({ $id: SPEC_ID, components: nullable(spec.components) });
  ajv = a;
  return a;
}

/** OpenAPI 3.0 `nullable: true` → JSON Schema's type with "null" (ajv without its OpenAPI mode). */
function nullable(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(nullable);
  if (!node || typeof node !== "object") return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) out[k] = k === "properties" && v && typeof v === "object" ? Object.fromEntries(Object.entries(v).map(([p, s]) => [p, nullable(s)])) : nullable(v);
  if (out.nullable === true) {
    delete out.nullable;
    if (typeof out.type === "string") out.type = [out.type, "null"];
    if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
    if (out.$ref) return { anyOf: [{ $ref: out.$ref }, { type: "null" }] };
    if (Array.isArray(out.allOf)) return { anyOf: [{ allOf: out.allOf }, { type: "null" }] };
  }
  return out;
}

/** Errors of `body` against components.schemas[name]; [] when valid. */
export function specErrors(schemaName: string, body: unknown): string[] {
  const validate = instance().getSchema(`${SPEC_ID}#/components/schemas/${schemaName}`);
  if (!validate) throw new Error(`No schema ${schemaName} in the spec`);
  if (validate(body)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || "(body)"} ${e.message ?? ""} ${JSON.stringify(e.params)}`.trim());
}

/** The members of components.schemas[name] the spec marks readOnly (a PATCH of them is refused). */
export function readOnlyMembers(schemaName: string): string[] {
  const schema = instance().getSchema(`${SPEC_ID}#/components/schemas/${schemaName}`)?.schema as { properties?: Record<string, { readOnly?: boolean }> } | undefined;
  if (!schema) throw new Error(`No schema ${schemaName} in the spec`);
  return Object.entries(schema.properties ?? {})
    .filter(([, p]) => p.readOnly === true)
    .map(([name]) => name);
}
