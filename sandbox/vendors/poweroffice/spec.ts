/**
 * The PowerOffice Go v2 OpenAPI document: loaded, pruned to the operations
 * the simulator serves, and turned into one openapi-backend instance for
 * routing and request validation.
 *
 * The YAML is 1.5 MB and takes ~0.6 s to parse, so the pruned document is
 * cached as JSON in the OS temp folder, keyed by a hash of the YAML, this
 * file and the served operations: only the first start after a change pays
 * for the parse (README: "Start time").
 *
 * Pruning changes the document in three ways, each what the spec means
 * rather than a different contract:
 * - `resourceParameter` (an object query parameter, OpenAPI's default
 *   form/explode style) becomes its properties as separate query parameters
 *   (`PageNumber`, `PageSize`, `Fields`, `OrderBy`, `UseDatabaseValidation`;
 *   the read-only `MaxPageSize` is left out);
 * - every operation gets an operationId `"<METHOD> <path>"` (the spec has few)
 *   and its roles from the summary's "(Auth roles: A,B)" as `x-auth-roles`;
 * - examples and descriptions are dropped.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { OpenAPIBackend, ValidationContext, type Operation } from "openapi-backend";
import type { default as Ajv, ErrorObject, ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import { parse as parseYaml } from "yaml";
import type { JsonObject, JsonValue, Reason } from "./types";

const here = dirname(fileURLToPath(import.meta.url));
const SPEC_FILE = "poweroffice-go-v2.openapi.yaml";

/** Where the vendor spec lives; override with POWEROFFICE_SPEC_PATH. */
function specPath(): string {
  const fromEnv = process.env.POWEROFFICE_SPEC_PATH;
  if (fromEnv) return fromEnv;
  const candidates = [
    resolve(here, "../../../../shared/vendor-api", SPEC_FILE),
    resolve(process.cwd(), "../shared/vendor-api", SPEC_FILE),
    join("/work/shared/vendor-api", SPEC_FILE),
  ];
  for (const c of candidates) if (existsSync(c)) return c;
  throw new Error(`PowerOffice spec not found (tried ${candidates.join(", ")}); set POWEROFFICE_SPEC_PATH`);
}

const METHODS = ["get", "put", "post", "delete", "patch", "head", "options"];

interface PrunedSpec {
  document: JsonObject;
  /** every operation of the vendor's spec as "METHOD /path", served or not */
  allOperations: string[];
}

type Node = Record<string, unknown>;

function isNode(v: unknown): v is Node {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Drops `example(s)` and `description` keywords (not properties that happen to carry those names). */
function stripDocs(node: unknown, inPropertiesMap = false): void {
  if (Array.isArray(node)) {
    for (const n of node) stripDocs(n);
    return;
  }
  if (!isNode(node)) return;
  if (!inPropertiesMap) {
    delete node.example;
    delete node.examples;
    delete node.description;
  }
  for (const [k, v] of Object.entries(node)) stripDocs(v, !inPropertiesMap && k === "properties");
}

function collectRefs(node: unknown, into: Set<string>): void {
  if (Array.isArray(node)) {
    for (const n of node) collectRefs(n, into);
    return;
  }
  if (!isNode(node)) return;
  if (typeof node.$ref === "string") into.add(node.$ref.replace("#/components/schemas/", ""));
  for (const v of Object.values(node)) collectRefs(v, into);
}

function prune(doc: Node, served: readonly string[]): PrunedSpec {
  const paths = doc.paths as Record<string, Node>;
  const components = (doc.components as { schemas: Record<string, Node> }).schemas;
  const resourceParameters = components.ResourceParameters!;
  const allOperations: string[] = [];
  const keptPaths: Record<string, Node> = {};
  const wanted = new Set(served);

  for (const [path, item] of Object.entries(paths)) {
    for (const method of METHODS) {
      const op = item[method];
      if (!isNode(op)) continue;
      const key = `${method.toUpperCase()} ${path}`;
      allOperations.push(key);
      if (!wanted.has(key)) continue;
      wanted.delete(key);
      const roles = /\(Auth roles:\s*([^)]*)\)/.exec(String(op.summary ?? ""))?.[1];
      op.operationId = key;
      op["x-auth-roles"] = roles ? roles.split(",").map((r) => r.trim()).filter(Boolean) : [];
      op.parameters = ((op.parameters as Node[] | undefined) ?? []).flatMap((p) =>
        p.name === "resourceParameter"
          ? Object.entries(resourceParameters.properties as Record<string, Node>)
              .filter(([, s]) => s.readOnly !== true)
              .map(([name, schema]) => ({ in: "query", name, schema: { ...schema } }))
          : [p],
      );
      (keptPaths[path] ??= {})[method] = op;
    }
  }
  if (wanted.size > 0) throw new Error(`not in the PowerOffice spec: ${[...wanted].join(", ")}`);

  // components referenced from the kept operations, transitively
  const needed = new Set<string>();
  collectRefs(keptPaths, needed);
  const queue = [...needed];
  while (queue.length > 0) {
    const name = queue.pop()!;
    const found = new Set<string>();
    collectRefs(components[name], found);
    for (const f of found) if (!needed.has(f)) (needed.add(f), queue.push(f));
  }
  const schemas: Record<string, Node> = {};
  for (const name of [...needed].sort()) schemas[name] = components[name]!;

  const document = { openapi: doc.openapi, info: doc.info, paths: keptPaths, components: { schemas } };
  stripDocs(document.paths);
  stripDocs(document.components);
  return { document: document as unknown as JsonObject, allOperations };
}

function loadPruned(served: readonly string[]): PrunedSpec {
  const yamlPath = specPath();
  const yaml = readFileSync(yamlPath);
  const hash = createHash("sha256")
    .update(yaml)
    .update(readFileSync(fileURLToPath(import.meta.url)))
    .update([...served].sort().join("\n"))
    .digest("hex")
    .slice(0, 24);
  const dir = process.env.POWEROFFICE_SPEC_CACHE_DIR ?? join(tmpdir(), "ledgerlink-sim-cache");
  const file = join(dir, `poweroffice-spec-${hash}.json`);
  if (existsSync(file)) {
    try {
      return JSON.parse(readFileSync(file, "utf8")) as PrunedSpec;
    } catch {
      // a damaged cache file is rebuilt below
    }
  }
  const pruned = prune(parseYaml(yaml.toString("utf8")) as Node, served);
  try {
    mkdirSync(dir, { recursive: true });
    // write then rename, so a parallel start never reads half a file
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(pruned));
    renameSync(tmp, file);
  } catch {
    // no writable temp folder: every start parses the YAML
  }
  return pruned;
}

export interface SpecOperation {
  /** "GET /Customers/{id}", also the operationId */
  key: string;
  method: string;
  /** the spec's path, e.g. "/Customers/{id}" */
  template: string;
  /** privileges of which the client's integration needs one; empty = any authenticated call */
  roles: string[];
  /** request media types the operation accepts ("application/*+json" style wildcards allowed) */
  requestContentTypes: string[];
  operation: Operation;
}

export interface MatchedOperation {
  op: SpecOperation;
  params: Record<string, string>;
}

export interface RequestToValidate {
  path: string;
  query: Record<string, string>;
  body: unknown;
}

export class Spec {
  private readonly operations = new Map<string, SpecOperation>();
  private readonly validators = new Map<string, ValidateFunction>();
  private ajv: Ajv | undefined;
  private readonly templates: Array<{ key: string; re: RegExp }>;

  constructor(
    private readonly api: OpenAPIBackend,
    allOperations: string[],
  ) {
    for (const op of api.router.getOperations()) {
      const content = (op.requestBody as { content?: Record<string, unknown> } | undefined)?.content ?? {};
      this.operations.set(op.operationId!, {
        key: op.operationId!,
        method: op.method.toUpperCase(),
        template: op.path,
        roles: (op as unknown as { "x-auth-roles": string[] })["x-auth-roles"],
        requestContentTypes: Object.keys(content),
        operation: op,
      });
    }
    this.templates = allOperations.map((key) => {
      const path = key.slice(key.indexOf(" ") + 1);
      const re = path.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{[^}]+\}/g, "[^/]+");
      return { key, re: new RegExp(`^${re}/?$`) };
    });
  }

  /** The served operation for a path below the API root (e.g. "/Customers/12"). */
  match(method: string, path: string): MatchedOperation | undefined {
    const req = { method, path, headers: {} };
    const op = this.api.router.matchOperation(req);
    if (!op?.operationId) return undefined;
    const params = this.api.router.parseRequest(req, op).params as Record<string, string>;
    return { op: this.operations.get(op.operationId)!, params };
  }

  /** Why an unmatched request has no operation: another method (405), not simulated (501) or no such path (404). */
  unmatched(method: string, path: string): 405 | 501 | 404 {
    const hits = this.templates.filter((t) => t.re.test(path));
    if (hits.some((t) => t.key.startsWith(`${method} `))) return 501;
    return hits.length > 0 ? 405 : 404;
  }

  /** Query, path and JSON body against the operation; the reasons ([] when valid). */
  validateRequest(m: MatchedOperation, req: RequestToValidate): Reason[] {
    const result = this.api.validator.validateRequest(
      {
        method: m.op.method,
        path: req.path,
        query: req.query,
        headers: { "content-type": "application/json" },
        body: req.body as JsonValue,
      },
      m.op.operation,
    );
    return result.valid || !result.errors ? [] : result.errors.map(toReason);
  }

  /** Every privilege some served operation asks for. */
  privileges(): string[] {
    return [...new Set([...this.operations.values()].flatMap((o) => o.roles))].sort();
  }

  /** A component schema, dereferenced. */
  schema(name: string): JsonObject {
    const s = (this.api.definition.components?.schemas as Record<string, JsonObject> | undefined)?.[name];
    if (!s) throw new Error(`the pruned spec has no schema ${name}`);
    return s;
  }

  /** Validates a value against a component schema (compiled once). */
  check(schemaName: string, value: unknown): Reason[] {
    let validate = this.validators.get(schemaName);
    if (!validate) {
      this.ajv ??= this.api.validator.getAjv(ValidationContext.RequestBody);
      validate = this.ajv.compile(this.schema(schemaName));
      this.validators.set(schemaName, validate);
    }
    return validate(value) ? [] : (validate.errors ?? []).map(toReason);
  }
}

/** An ajv error as a reason on a dotted field path (`MailAddress.City`, `SalesOrderLines[0].Quantity`). */
function toReason(e: ErrorObject): Reason {
  const location = /^\/(requestBody|query|path)/.exec(e.instancePath)?.[1];
  const field = e.instancePath
    .replace(/^\/(requestBody|query|path|header)/, "")
    .split("/")
    .filter(Boolean)
    .map((seg) => (/^\d+$/.test(seg) ? `[${seg}]` : `.${seg.replace(/~1/g, "/").replace(/~0/g, "~")}`))
    .join("")
    .replace(/^\./, "");
  const params = e.params as { missingProperty?: string; additionalProperty?: string; allowedValues?: unknown[] };
  const join = (name: string) => (field ? `${field}.${name}` : name);
  if (e.keyword === "required" && params.missingProperty) return { field: join(params.missingProperty), message: "is required." };
  if (e.keyword === "additionalProperties" && params.additionalProperty) {
    const what = location === "query" ? "query parameter" : "field";
    return { field: join(params.additionalProperty), message: `is not a known ${what} of this operation.` };
  }
  if (e.keyword === "enum" && params.allowedValues)
    return { field: field || "body", message: `must be one of ${params.allowedValues.map((v) => JSON.stringify(v)).join(", ")}.` };
  if (e.keyword === "parse") return { field: "body", message: `is not valid JSON: ${e.message}` };
  return { field: field || (location === "requestBody" || !location ? "body" : location), message: `${e.message ?? "is invalid"}.` };
}

const cache = new Map<string, Promise<Spec>>();

/** The spec for these served operations ("METHOD /path"); built once per process. */
export function loadSpec(served: readonly string[]): Promise<Spec> {
  const key = [...served].sort().join("\n");
  let p = cache.get(key);
  if (!p) {
    p = build(served);
    cache.set(key, p);
    p.catch(() => cache.delete(key));
  }
  return p;
}

async function build(served: readonly string[]): Promise<Spec> {
  const pruned = loadPruned(served);
  const api = new OpenAPIBackend({
    definition: pruned.document as never,
    apiRoot: "/",
    quick: true, // compile validators lazily, on an operation's first call
    strict: false,
    validate: true,
    ajvOpts: { allErrors: true, strict: false },
    customizeAjv: (ajv) => {
      addFormats(ajv);
      return ajv;
    },
  });
  await api.init();
  return new Spec(api, pruned.allOperations);
}
