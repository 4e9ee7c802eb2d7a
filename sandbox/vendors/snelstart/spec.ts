/**
 * Loads the SnelStart B2B API v2 OpenAPI document and builds one shared
 * openapi-backend instance used for routing and request validation.
 *
 * The spec is ~600 KB of YAML; parsing and dereferencing it takes a moment, so
 * it is done once per process and shared by every simulator instance.
 */
import { readFileSync, existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { OpenAPIBackend } from "openapi-backend";
import type { Operation } from "openapi-backend";
import type Ajv from "ajv";
import addFormats from "ajv-formats";
import { parse as parseYaml } from "yaml";
import type { ApiError, JsonObject, JsonValue } from "./types";

const here = dirname(fileURLToPath(import.meta.url));

/** Where the vendor spec lives; override with SNELSTART_SPEC_PATH. */
export function specPath(): string {
  const fromEnv = process.env.SNELSTART_SPEC_PATH;
  if (fromEnv) return fromEnv;
  const candidates = [
    resolve(here, "../../../../shared/vendor-api/snelstart-b2b-v2.openapi.yaml"),
    resolve(process.cwd(), "../shared/vendor-api/snelstart-b2b-v2.openapi.yaml"),
    "/work/shared/vendor-api/snelstart-b2b-v2.openapi.yaml",
  ];
  for (const c of candidates) if (existsSync(c)) return c;
  throw new Error(
    `SnelStart spec not found (tried ${candidates.join(", ")}); set SNELSTART_SPEC_PATH`,
  );
}

/** Formats the spec uses that ajv-formats does not know (or knows differently). */
function registerFormats(ajv: Ajv, lenientDateTime: boolean): Ajv {
  addFormats(ajv);
  ajv.addFormat("decimal", { type: "number", validate: (n: number) => Number.isFinite(n) });
  ajv.addFormat("double", { type: "number", validate: (n: number) => Number.isFinite(n) });
  if (lenientDateTime) {
    // .NET accepts date-times without an offset; opt-in only (see README).
    ajv.addFormat("date-time", {
      type: "string",
      validate: (s: string) =>
        /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?$/i.test(s) &&
        !Number.isNaN(Date.parse(s)),
    });
  }
  return ajv;
}

export interface SpecValidator {
  api: OpenAPIBackend;
  /** Schema of a component, dereferenced. */
  schema(name: string): JsonObject;
}

const cache = new Map<string, Promise<SpecValidator>>();

export function loadSpec(opts: { lenientDateTime?: boolean } = {}): Promise<SpecValidator> {
  const key = opts.lenientDateTime ? "lenient" : "strict";
  let p = cache.get(key);
  if (!p) {
    p = build(Boolean(opts.lenientDateTime));
    cache.set(key, p);
    p.catch(() => cache.delete(key));
  }
  return p;
}

async function build(lenientDateTime: boolean): Promise<SpecValidator> {
  const doc = parseYaml(readFileSync(specPath(), "utf8")) as JsonObject;
  stripExamples(doc);
  const api = new OpenAPIBackend({
    definition: doc as never,
    apiRoot: "/v2",
    quick: true, // lazy-compile validators; the spec is large
    strict: false,
    validate: true,
    ajvOpts: { allErrors: true, strict: false },
    customizeAjv: (ajv) => registerFormats(ajv, lenientDateTime),
  });
  await api.init();
  const components = (api.definition as unknown as { components: { schemas: Record<string, JsonObject> } })
    .components.schemas;
  return {
    api,
    schema(name) {
      const s = components[name];
      if (!s) throw new Error(`unknown schema ${name}`);
      return s;
    },
  };
}

/** Examples are documentation only and make the document three times bigger. */
function stripExamples(node: unknown): void {
  if (Array.isArray(node)) {
    for (const n of node) stripExamples(n);
  } else if (node && typeof node === "object") {
    const o = node as Record<string, unknown>;
    delete o.example;
    delete o.examples;
    for (const v of Object.values(o)) stripExamples(v);
  }
}

export interface MatchedOperation {
  operation: Operation;
  operationId: string;
  params: Record<string, string>;
  /** e.g. "/v2/relaties/{id}" */
  template: string;
}

export function matchOperation(
  spec: SpecValidator,
  method: string,
  path: string,
): MatchedOperation | undefined {
  const op = spec.api.router.matchOperation({ method, path, headers: {} });
  if (!op || !op.operationId) return undefined;
  const params = spec.api.router.parseRequest({ method, path, headers: {} }, op).params as Record<string, string>;
  return { operation: op, operationId: op.operationId, params, template: `/v2${op.path}` };
}

/** True if a path exists in the spec with another method. */
export function pathExists(spec: SpecValidator, path: string): boolean {
  const rel = path.replace(/^\/v2/, "") || "/";
  return spec.api.router.getOperations().some((op) => {
    const re = new RegExp(
      "^" + op.path.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{[^}]+\}/g, "[^/]+") + "/?$",
    );
    return re.test(rel);
  });
}

/**
 * Validates query, path and body against the operation. Returns the reasons
 * in the simulator's 400 shape ([] when valid).
 */
export function validateRequest(
  spec: SpecValidator,
  m: MatchedOperation,
  req: { method: string; path: string; query: Record<string, string | string[]>; body: unknown; contentType: string },
): ApiError[] {
  const result = spec.api.validator.validateRequest(
    {
      method: req.method,
      path: req.path,
      query: req.query,
      headers: { "content-type": req.contentType },
      body: req.body as JsonValue,
    },
    m.operation,
  );
  if (result.valid || !result.errors) return [];
  return result.errors.map((e) => {
    const where = e.instancePath.replace(/^\/(requestBody|query|path|header)/, "");
    const kenmerk = where
      .split("/")
      .filter(Boolean)
      .map((seg) => (/^\d+$/.test(seg) ? `[${seg}]` : `.${seg}`))
      .join("")
      .replace(/^\./, "");
    const missing =
      e.keyword === "required" && typeof (e.params as { missingProperty?: string }).missingProperty === "string"
        ? (e.params as { missingProperty: string }).missingProperty
        : undefined;
    const extra =
      e.keyword === "additionalProperties" &&
      typeof (e.params as { additionalProperty?: string }).additionalProperty === "string"
        ? (e.params as { additionalProperty: string }).additionalProperty
        : undefined;
    const location = e.instancePath.startsWith("/query")
      ? "query"
      : e.instancePath.startsWith("/path")
        ? "path"
        : "body";
    if (extra && location === "query") {
      return {
        kenmerk: extra,
        message: `Onbekende queryparameter '${extra}' voor deze operatie.`,
        errorCode: "Schema.additionalProperties",
        location,
      } satisfies ApiError;
    }
    const field = missing ? (kenmerk ? `${kenmerk}.${missing}` : missing) : extra ? (kenmerk ? `${kenmerk}.${extra}` : extra) : kenmerk;
    return {
      kenmerk: field || location,
      message: `${field || location}: ${e.message ?? "is ongeldig"}`,
      errorCode: `Schema.${e.keyword}`,
      location,
    } satisfies ApiError;
  });
}

/**
 * Keeps only the properties a schema declares (recursively) and drops
 * readOnly ones, so stored entities have exactly the spec's shape.
 */
export function pickKnown(schema: JsonObject | undefined, value: unknown, dropReadOnly = true): JsonValue | undefined {
  if (value === undefined) return undefined;
  if (!schema) return value as JsonValue;
  if (schema.type === "array" && Array.isArray(value)) {
    const items = schema.items as JsonObject | undefined;
    return value.map((v) => pickKnown(items, v, dropReadOnly) ?? null);
  }
  if (schema.type === "object" && value && typeof value === "object" && !Array.isArray(value)) {
    const props = (schema.properties ?? {}) as Record<string, JsonObject>;
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(value as JsonObject)) {
      const ps = props[k];
      if (!ps) continue;
      if (dropReadOnly && ps.readOnly === true) continue;
      const picked = pickKnown(ps, v, dropReadOnly);
      if (picked !== undefined) out[k] = picked;
    }
    return out;
  }
  return value as JsonValue;
}
