// The Tribe-style API: /v1/odata/{Set}, /v1/webhooks (the auth server is oauth.ts).

import type { IncomingMessage, ServerResponse } from "node:http";
import { badRequest, HttpError, notFound } from "./errors";
import { sendJson, sleep } from "../shared/http";
import { parseJson, readBody } from "./http";
import { CURRENT_EMPLOYEE, currentEmployee } from "./odata/functions";
import { parseOptions, type QueryOptions } from "./odata/query";
import { activityPdf } from "./pdf";
import { SETS, type SetDef } from "./schema";
import type { HostState } from "./state";
import { isGuid, type Rec, type Tenant } from "./store";

function authenticate(state: HostState, req: IncomingMessage): { tenant: Tenant; clientId: string; userId?: string } {
  const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? "");
  const unauthorized = (msg: string) =>
    new HttpError(401, "Unauthorized", msg, { "www-authenticate": 'Bearer error="invalid_token"' });
  if (!m) throw unauthorized("Missing bearer token");
  const info = state.tokens.get(m[1]!);
  if (!info) throw unauthorized("Invalid access token");
  if (info.expiresAt <= Date.now()) {
    state.tokens.delete(m[1]!);
    throw unauthorized("The access token has expired");
  }
  const tenant = state.store.tenant(info.tenantId);
  if (!tenant) throw unauthorized("The organization of this token no longer exists");
  return { tenant, clientId: info.clientId, userId: info.userId };
}

/** Count the call and apply the rate limit and configured latency. */
async function meter(state: HostState, tenant: Tenant, clientId: string, method: string, set: string) {
  const ok = state.countCall(tenant.id, clientId, method, set);
  if (!ok) {
    const headers: Record<string, string> = {};
    if (state.config.retryAfterSeconds != null) headers["retry-after"] = String(state.config.retryAfterSeconds);
    throw new HttpError(
      429,
      "TooManyRequests",
      `Rate limit of ${state.config.rateLimitPerMinute} calls a minute exceeded; wait at least one minute`,
      headers,
    );
  }
  if (state.config.latencyMs > 0) await sleep(state.config.latencyMs);
}

function parseKey(raw: string): string {
  let k = raw.trim();
  const m = /^guid'(.*)'$/i.exec(k) ?? /^'(.*)'$/.exec(k) ?? /^ID=(.*)$/i.exec(k);
  if (m) k = m[1]!.replace(/^'|'$/g, "");
  if (!isGuid(k)) throw badRequest(`Key '${raw}' is not a guid`);
  return k.toLowerCase();
}

function baseUrl(req: IncomingMessage): string {
  return `http://${req.headers.host ?? "localhost"}`;
}

function getSet(name: string): SetDef {
  const def = SETS.get(name);
  if (!def) throw notFound(`Entity set '${name}' not found`);
  return def;
}

function singleOptions(url: URL): QueryOptions {
  const o = parseOptions((n) => url.searchParams.get(n));
  return { select: o.select, expand: o.expand };
}

/** OData 4.01 lets a write ask for the shape of its answer with $select and $expand. */
function writeOptions(q: HostState["query"], def: SetDef, url: URL): QueryOptions {
  const o = singleOptions(url);
  q.validateShape([def], o);
  return o;
}

async function readEntityBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const body = parseJson(await readBody(req));
  if (body == null || typeof body !== "object" || Array.isArray(body)) throw badRequest("The body must be a JSON object");
  return body as Record<string, unknown>;
}

export async function handleOData(state: HostState, req: IncomingMessage, res: ServerResponse, url: URL) {
  const { tenant, clientId, userId } = authenticate(state, req);
  const method = (req.method ?? "GET").toUpperCase();
  const rest = decodeURIComponent(url.pathname.replace(/^\/v1\/odata\/?/, ""));
  const m = /^([A-Za-z_]\w*)(?:\(([^)]*)\))?(?:\/([A-Za-z_]\w*))?\/?$/.exec(rest);
  const setName = m?.[1] ?? (rest === "" || rest === "$metadata" ? "$metadata" : rest);
  await meter(state, tenant, clientId, method, setName);
  const ctxBase = `${baseUrl(req)}/v1/odata/$metadata`;

  if (rest === "" || rest === "$metadata") {
    return sendJson(res, 200, {
      "@odata.context": ctxBase,
      value: [...SETS.values()].map((d) => ({ name: d.set, kind: "EntitySet", url: d.set, type: d.type })),
    });
  }
  if (rest === CURRENT_EMPLOYEE) {
    if (method !== "GET") throw new HttpError(405, "MethodNotAllowed", `${method} is not allowed on a function`);
    return sendJson(res, 200, currentEmployee(state, tenant, userId, singleOptions(url), ctxBase));
  }
  if (!m) throw notFound(`No resource at /v1/odata/${rest}`);
  const def = getSet(m[1]!);
  const key = m[2] !== undefined ? parseKey(m[2]) : undefined;
  const sub = m[3];
  const q = state.query;
  const load = (): Rec => {
    const rec = state.store.get(tenant, def.set, key!);
    if (!rec) throw notFound(`${def.set}(${key}) not found`);
    return rec;
  };

  if (key === undefined) {
    if (sub) throw notFound(`No resource at /v1/odata/${rest}`);
    if (method === "GET") {
      const o = parseOptions((n) => url.searchParams.get(n));
      q.validateShape([def], o);
      const { rows, count } = q.run(tenant, def, undefined, o, !state.config.stableDefaultOrder);
      const out: Record<string, unknown> = { "@odata.context": `${ctxBase}#${def.set}` };
      if (o.count) out["@odata.count"] = count;
      out.value = rows.map((r) => q.serialize(tenant, r, o));
      return sendJson(res, 200, out);
    }
    if (method === "POST") {
      const body = await readEntityBody(req);
      if (body.ID != null) {
        const id = parseKey(String(body.ID));
        if (!state.store.get(tenant, def.set, id)) throw notFound(`${def.set}(${id}) not found`);
        const rec = state.store.update(tenant, def.set, id, body);
        return sendJson(res, 200, { "@odata.context": `${ctxBase}#${def.set}/$entity`, ...q.serialize(tenant, rec, writeOptions(q, def, url)) });
      }
      const rec = state.store.create(tenant, def.set, body);
      return sendJson(res, 201, { "@odata.context": `${ctxBase}#${def.set}/$entity`, ...q.serialize(tenant, rec, writeOptions(q, def, url)) }, {
        location: `${baseUrl(req)}/v1/odata/${def.set}(${rec.id})`,
      });
    }
    throw new HttpError(405, "MethodNotAllowed", `${method} is not allowed on an entity set`);
  }

  if (sub) {
    if (method !== "GET") throw new HttpError(405, "MethodNotAllowed", `${method} is not allowed here`);
    const rec = load();
    if (sub === "Document") {
      if (def.set !== "Activity_Invoice" && def.set !== "Activity_SalesOrder") throw notFound(`${def.set} has no Document`);
      const pdf = await activityPdf(state.store, tenant, rec);
      res.writeHead(200, {
        "content-type": "application/pdf",
        "content-length": pdf.byteLength,
        "content-disposition": `inline; filename="${String(rec.f.Number ?? rec.id).replace(/[^\w.-]/g, "_")}.pdf"`,
      });
      res.end(Buffer.from(pdf));
      return;
    }
    if (def.collections[sub]) {
      const childDef = getSet(def.collections[sub]!.sets[0]!);
      const o = parseOptions((n) => url.searchParams.get(n));
      const defs = def.collections[sub]!.sets.map(getSet);
      q.validateShape(defs, o);
      const { rows, count } = q.run(tenant, childDef, state.store.children(tenant, rec, sub), o, !state.config.stableDefaultOrder);
      const out: Record<string, unknown> = { "@odata.context": `${ctxBase}#${childDef.set}` };
      if (o.count) out["@odata.count"] = count;
      out.value = rows.map((r) => q.serialize(tenant, r, o));
      return sendJson(res, 200, out);
    }
    if (def.nav[sub]) {
      const id = rec.r[sub];
      const target = id ? tenant.byId.get(id) : undefined;
      if (!target) throw notFound(`${def.set}(${key})/${sub} is null`);
      const o = singleOptions(url);
      q.validateShape([target.def], o);
      return sendJson(res, 200, { "@odata.context": `${ctxBase}#${target.def.set}/$entity`, ...q.serialize(tenant, target, o) });
    }
    throw notFound(`'${sub}' is not a navigation property of ${def.type}`);
  }

  switch (method) {
    case "GET": {
      const rec = load();
      const o = singleOptions(url);
      q.validateShape([def], o);
      return sendJson(res, 200, { "@odata.context": `${ctxBase}#${def.set}/$entity`, ...q.serialize(tenant, rec, o) });
    }
    case "PUT":
    case "PATCH": {
      load();
      const body = await readEntityBody(req);
      if (body.ID != null && String(body.ID).toLowerCase() !== key) throw badRequest("The ID in the body differs from the key in the URL");
      const rec = state.store.update(tenant, def.set, key, body);
      return sendJson(res, 200, { "@odata.context": `${ctxBase}#${def.set}/$entity`, ...q.serialize(tenant, rec, writeOptions(q, def, url)) });
    }
    case "DELETE": {
      if (def.readOnly) throw badRequest(`${def.set} is read-only`, "ReadOnly");
      state.store.delete(tenant, def.set, key);
      res.writeHead(204);
      res.end();
      return;
    }
    default:
      throw new HttpError(405, "MethodNotAllowed", `${method} is not allowed on an entity`);
  }
}

export async function handleWebhooksApi(state: HostState, req: IncomingMessage, res: ServerResponse, url: URL) {
  const { tenant, clientId } = authenticate(state, req);
  const method = (req.method ?? "GET").toUpperCase();
  await meter(state, tenant, clientId, method, "webhooks");
  const id = /^\/v1\/webhooks\/([^/]+)\/?$/.exec(url.pathname)?.[1];
  const view = (w: { id: string; entityType: string; url: string; organizationId: string; createdAt: string; headers?: Record<string, string> }) => ({
    id: w.id,
    entityType: w.entityType,
    url: w.url,
    headers: w.headers ?? {},
    organizationId: w.organizationId,
    createdAt: w.createdAt,
  });
  if (!id) {
    if (method === "GET") return sendJson(res, 200, [...tenant.webhooks.values()].map(view));
    if (method === "POST") {
      const body = await readEntityBody(req);
      const entityType = body.entityType ?? body.EntityType;
      const target = body.url ?? body.Url;
      if (typeof entityType !== "string" || entityType.trim() === "") throw badRequest("entityType is required");
      if (typeof target !== "string" || !/^https?:\/\//.test(target)) throw badRequest("url must be an absolute http(s) URL");
      const headers = body.headers ?? body.Headers;
      const valid = headers === undefined || (headers !== null && typeof headers === "object" && !Array.isArray(headers) && Object.values(headers).every((v) => typeof v === "string"));
      if (!valid) throw badRequest("headers must be an object of header name → text");
      return sendJson(res, 201, view(state.subscribe(tenant, entityType, target, undefined, headers as Record<string, string> | undefined)));
    }
    throw new HttpError(405, "MethodNotAllowed", `${method} is not allowed`);
  }
  const sub = tenant.webhooks.get(id);
  if (!sub) throw notFound(`Webhook ${id} not found`);
  if (method === "GET") return sendJson(res, 200, view(sub));
  if (method === "DELETE") {
    tenant.webhooks.delete(id);
    res.writeHead(204);
    res.end();
    return;
  }
  throw new HttpError(405, "MethodNotAllowed", `${method} is not allowed`);
}
