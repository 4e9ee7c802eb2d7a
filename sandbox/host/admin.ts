// Test hooks (sandbox only): /__admin/*

import type { IncomingMessage, ServerResponse } from "node:http";
import { badRequest, HttpError, notFound } from "./errors";
import { sendJson } from "../shared/http";
import { parseJson, readBody } from "./http";
import { CUSTOMER_SETS, SETS } from "./schema";
import { consentRefusal, decide, validateAuthorizationRequest } from "./oauth";
import { DEFAULT_CONFIG, type HostConfig, type HostState } from "./state";
import type { SeedDocument, Tenant } from "./store";

export function findTenant(state: HostState, ref: string | null | undefined): Tenant {
  if (!ref) return state.store.firstTenant();
  const byId = state.store.tenant(ref.toLowerCase());
  if (byId) return byId;
  const list = [...state.store.tenants.values()];
  if (/^\d+$/.test(ref) && list[Number(ref) - 1]) return list[Number(ref) - 1]!;
  const byName = list.find((t) => t.name.toLowerCase() === ref.toLowerCase());
  if (byName) return byName;
  throw notFound(`Tenant '${ref}' not found`);
}

async function jsonBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const b = parseJson(await readBody(req));
  if (b === undefined) return {};
  if (b === null || typeof b !== "object" || Array.isArray(b)) throw badRequest("The body must be a JSON object");
  return b as Record<string, unknown>;
}

/** Settings whose default is null, and the type they take otherwise. */
const NULLABLE_CONFIG: Partial<Record<keyof HostConfig, "string" | "number">> = {
  webhookUrlOverride: "string",
  webhookDeliveryHeader: "string",
  retryAfterSeconds: "number",
  refreshTokenTtlSeconds: "number",
};

function isAbsoluteUrl(v: string): boolean {
  try {
    return /^https?:$/.test(new URL(v).protocol);
  } catch {
    return false;
  }
}

function applyConfig(state: HostState, body: Record<string, unknown>) {
  const c: HostConfig = { ...state.config };
  for (const [k, v] of Object.entries(body)) {
    if (!(k in DEFAULT_CONFIG)) throw badRequest(`Unknown config key '${k}' (known: ${Object.keys(DEFAULT_CONFIG).join(", ")})`);
    const key = k as keyof HostConfig;
    const nullable = NULLABLE_CONFIG[key];
    if (v === null && nullable) {
      (c[key] as unknown) = null;
      continue;
    }
    if (Array.isArray(DEFAULT_CONFIG[key])) {
      if (!Array.isArray(v) || !v.every((x) => typeof x === "string")) throw badRequest(`Config '${k}' must be an array of strings`);
      if (key === "oauthRedirectUris" && !v.every(isAbsoluteUrl)) throw badRequest(`Config '${k}' must hold absolute http(s) URLs`);
      (c[key] as unknown) = [...v];
      continue;
    }
    const want = nullable ?? typeof DEFAULT_CONFIG[key];
    if (typeof v !== want) throw badRequest(`Config '${k}' must be a ${want}`);
    (c[key] as unknown) = v;
  }
  state.config = c;
}

/** Generate and insert entities without webhooks (for benchmarks). */
async function seedGenerated(state: HostState, t: Tenant, body: Record<string, unknown>): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  const n = (k: string) => {
    const v = body[k];
    if (v === undefined) return 0;
    if (typeof v !== "number" || !Number.isInteger(v) || v < 0 || v > 1_000_000) throw badRequest(`'${k}' must be an integer 0..1000000`);
    return v;
  };
  const orgs = n("organizations");
  const persons = n("persons");
  const products = n("products");
  const invoices = n("invoices");
  if (!orgs && !persons && !products && !invoices) return counts;
  const { fakerNL: faker } = await import("@faker-js/faker");
  faker.seed(typeof body.seed === "number" ? body.seed : 42);
  const s = state.store;
  const opts = { silent: true, system: true };
  const netherlands = s.byCode(t, "Datastore_Country", "NL");
  // faker is slow per call; draw from pools so 100,000 relations seed in seconds
  const pool = <T>(n: number, f: () => T): T[] => Array.from({ length: n }, f);
  const companies = pool(3000, () => faker.company.name());
  const streets = pool(800, () => faker.location.street());
  const cities = pool(300, () => faker.location.city());
  const domains = pool(2000, () => faker.internet.domainWord());
  const firstNames = pool(500, () => faker.person.firstName());
  const lastNames = pool(1000, () => faker.person.lastName());
  let seed = typeof body.seed === "number" ? body.seed >>> 0 || 1 : 42;
  const rnd = (n: number) => {
    // xorshift32: deterministic and fast
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) % n;
  };
  const pick = <T>(a: T[]): T => a[rnd(a.length)]!;
  const digits = (n: number) => Array.from({ length: n }, () => rnd(10)).join("");
  const letters = () => String.fromCharCode(65 + rnd(26), 65 + rnd(26));
  // the house number in Street, as Tribe keeps it
  const addr = () => ({
    Street: [pick(streets), String(1 + rnd(300)), rnd(10) === 0 ? pick(["A", "B", "bis", "1"]) : null].filter(Boolean).join(" "),
    Postalcode: `${1000 + rnd(9000)} ${letters()}`,
    City: pick(cities),
    ...(netherlands ? { Country: { ID: netherlands.id } } : {}),
  });
  const customerType = "Relationship.Organization.CommercialRelationship.Customer";
  const supplierType = "Relationship.Organization.Supplier";
  const customerIds: string[] = [];
  for (let i = 0; i < orgs; i++) {
    const name = i < companies.length ? companies[i]! : `${pick(companies)} ${1 + rnd(999)}`;
    const rels: Record<string, unknown>[] = [{ _Type: customerType, PaymentTermInDays: 30 }];
    if (i % 10 === 0) rels.push({ _Type: supplierType });
    const domain = pick(domains);
    const rec = s.create(
      t,
      "Relation_Organization",
      {
        Name: name,
        EmailAddress: `info${i}@${domain}.nl`,
        PhoneNumber: `+31 ${10 + rnd(89)} ${digits(3)} ${digits(4)}`,
        Website: `https://www.${domain}.nl`,
        VatNumber: `NL${digits(9)}B01`,
        ChamberOfCommerceNumber: digits(8),
        VisitingAddress: addr(),
        Relationships: rels,
      },
      opts,
    );
    customerIds.push(s.referencing(t, CUSTOMER_SETS[0]!, "Relation", rec.id)[0]!.id);
  }
  counts.organizations = orgs;
  for (let i = 0; i < persons; i++) {
    s.create(
      t,
      "Relation_Person",
      {
        FirstName: pick(firstNames),
        LastName: pick(lastNames),
        EmailAddress: `persoon${i}@${pick(domains)}.nl`,
        MobilePhoneNumber: `+31 6 ${digits(8)}`,
        VisitingAddress: addr(),
        Relationships: [{ _Type: "Relationship.Person.CommercialRelationship.Customer" }],
      },
      opts,
    );
  }
  counts.persons = persons;
  const vatGroups = [...s.table(t, "Datastore_VatGroup").rows.values()].filter((v) => v.f.CountryCode === "NL");
  const productIds: string[] = [];
  for (let i = 0; i < products; i++) {
    const vg = vatGroups.length ? faker.helpers.arrayElement(vatGroups) : undefined;
    const rec = s.create(
      t,
      "Product",
      {
        Name: faker.commerce.productName(),
        Code: `P${String(i + 1).padStart(6, "0")}`,
        Description: faker.commerce.productDescription().slice(0, 120),
        SalesPrice: Number(faker.commerce.price({ min: 5, max: 500 })),
        PurchasePrice: Number(faker.commerce.price({ min: 1, max: 250 })),
        ...(vg ? { VatGroup: { ID: vg.id } } : {}),
      },
      opts,
    );
    productIds.push(rec.id);
  }
  counts.products = products;
  if (invoices) {
    const relIds = customerIds.length ? customerIds : [...s.table(t, CUSTOMER_SETS[0]!).rows.keys()];
    const prodIds = productIds.length ? productIds : [...s.table(t, "Product").rows.keys()];
    if (!relIds.length || !prodIds.length) throw badRequest("Generating invoices needs customers and products");
    for (let i = 0; i < invoices; i++) {
      s.create(
        t,
        "Activity_Invoice",
        {
          Subject: faker.commerce.productAdjective() + " levering",
          Relationship: { ID: faker.helpers.arrayElement(relIds) },
          ProductLines: Array.from({ length: faker.number.int({ min: 1, max: 3 }) }, () => ({
            Product: { ID: faker.helpers.arrayElement(prodIds) },
            Quantity: faker.number.int({ min: 1, max: 10 }),
          })),
        },
        opts,
      );
    }
    counts.invoices = invoices;
  }
  return counts;
}

/**
 * The consent screen's decision without a browser: `{client_id, redirect_uri, state, scope,
 * response_type?, tenant?, user?, allow?}` (allow defaults to true); answers `{location}`, where the
 * consent screen would send the browser.
 */
function consentWithoutBrowser(state: HostState, body: Record<string, unknown>): { location: string } {
  const text = (k: string) => (typeof body[k] === "string" ? (body[k] as string) : undefined);
  const params = new URLSearchParams();
  for (const k of ["client_id", "redirect_uri", "state", "scope"]) params.set(k, text(k) ?? "");
  params.set("response_type", text("response_type") ?? "code");
  const checked = validateAuthorizationRequest(state, params);
  if ("problems" in checked) throw badRequest(checked.problems.join("; "), "InvalidAuthorizationRequest");
  if (body.allow !== undefined && typeof body.allow !== "boolean") throw badRequest("allow must be a boolean");
  const allow = body.allow !== false;
  const t = findTenant(state, text("tenant"));
  const userRef = text("user");
  const user = userRef ? t.users.find((u) => u.id === userRef || u.name === userRef || u.email === userRef) : t.users[0];
  if (!user) throw notFound(userRef ? `No user '${userRef}' in ${t.name}` : `${t.name} has no users`);
  const refusal = allow ? consentRefusal(state, t) : null;
  if (refusal) throw new HttpError(403, "NotActivated", refusal);
  return { location: decide(state, checked.request, t, user, allow) };
}

export async function handleAdmin(state: HostState, req: IncomingMessage, res: ServerResponse, url: URL) {
  const method = (req.method ?? "GET").toUpperCase();
  const path = url.pathname.replace(/\/+$/, "");
  const route = `${method} ${path}`;
  switch (route) {
    case "POST /__admin/reset": {
      const body = parseJson(await readBody(req));
      if (body !== undefined && (typeof body !== "object" || body === null || !Array.isArray((body as SeedDocument).tenants))) {
        throw badRequest("A reset body must be a seed document: {tenants: [...]}");
      }
      state.reset(body as SeedDocument | undefined);
      return sendJson(res, 200, { ok: true, tenants: [...state.store.tenants.values()].map((t) => ({ id: t.id, name: t.name })) });
    }
    case "GET /__admin/config":
      return sendJson(res, 200, state.config);
    case "POST /__admin/config": {
      const body = await jsonBody(req);
      if (body.reset === true) {
        state.config = state.defaultConfig();
        delete body.reset;
      }
      applyConfig(state, body);
      return sendJson(res, 200, state.config);
    }
    case "GET /__admin/stats":
      return sendJson(res, 200, state.statsJson());
    case "POST /__admin/stats/reset":
    case "DELETE /__admin/stats":
      state.resetStats();
      return sendJson(res, 200, state.statsJson());
    case "POST /__admin/seed": {
      const body = await jsonBody(req);
      const t = findTenant(state, typeof body.tenant === "string" ? body.tenant : null);
      const started = Date.now();
      const counts = await seedGenerated(state, t, body);
      const explicit: Record<string, Record<string, unknown>[]> = {};
      const entities = (body.entities ?? {}) as Record<string, unknown>;
      for (const [k, v] of [...Object.entries(body), ...Object.entries(entities)]) {
        if (!SETS.has(k)) continue;
        if (!Array.isArray(v)) throw badRequest(`'${k}' must be an array of entities`);
        explicit[k] = [...(explicit[k] ?? []), ...(v as Record<string, unknown>[])];
      }
      const inserted = state.store.bulk(t, explicit);
      for (const [k, v] of Object.entries(explicit)) counts[k] = v.length;
      return sendJson(res, 200, { ok: true, tenant: t.id, inserted, counts, ms: Date.now() - started });
    }
    case "GET /__admin/webhooks": {
      const status = url.searchParams.get("status");
      const list = state.webhooks.deliveries.filter((d) => !status || d.status === status);
      return sendJson(res, 200, {
        deliveries: list.map((d) => ({ ...d, attemptCount: d.attempts.length, lastStatus: d.attempts.at(-1)?.status ?? null })),
        subscriptions: [...state.store.tenants.values()].flatMap((t) => [...t.webhooks.values()]),
      });
    }
    case "POST /__admin/webhooks/reset":
    case "DELETE /__admin/webhooks":
      state.webhooks.deliveries = [];
      return sendJson(res, 200, { ok: true });
    case "GET /__admin/token": {
      const t = findTenant(state, url.searchParams.get("tenant"));
      const userRef = url.searchParams.get("user");
      const user = (userRef ? t.users.find((u) => u.id === userRef || u.name === userRef) : t.users[0]) ?? null;
      if (!user) throw notFound("No such user in this tenant");
      const ttl = url.searchParams.get("ttl");
      const token = await state.iframeToken(t, user, {
        locale: url.searchParams.get("locale") ?? undefined,
        aud: url.searchParams.get("aud") ?? undefined,
        ttlSeconds: ttl != null ? Number(ttl) : undefined,
      });
      return sendJson(res, 200, { token, tenant_id: t.id, tenant_name: t.name, sub: user.id });
    }
    case "POST /__admin/install": {
      // record an installation without the Marketplace page (so the token endpoint answers)
      const body = await jsonBody(req);
      const t = findTenant(state, typeof body.tenant === "string" ? body.tenant : null);
      const listingId = typeof body.listingId === "string" ? body.listingId : "default";
      const appId = typeof body.appId === "string" ? body.appId : (state.manifest?.id ?? state.clientId);
      const user = t.users[0] ?? { id: "sandbox-user", name: "Sandbox", locale: "nl" as const };
      const webhooks = body.webhooks as { url: string; events: string[] } | undefined;
      const inst = state.activate(t, user, { id: appId, name: {}, listings: [], webhooks }, listingId, webhooks !== undefined);
      return sendJson(res, 200, inst);
    }
    case "POST /__admin/uninstall": {
      const body = await jsonBody(req);
      const t = findTenant(state, typeof body.tenant === "string" ? body.tenant : null);
      for (const id of typeof body.listingId === "string" ? [body.listingId] : [...t.installations.keys()]) state.deactivate(t, id);
      return sendJson(res, 200, { ok: true });
    }
    case "POST /__admin/oauth/consent":
      return sendJson(res, 200, consentWithoutBrowser(state, await jsonBody(req)));
    case "GET /__admin/tokens":
      return sendJson(res, 200, {
        requests: Object.fromEntries(state.tokenRequests),
        accessTokens: state.tokens.size,
        refreshTokens: state.refreshTokens.size,
        authorizationCodes: state.authCodes.size,
      });
    case "POST /__admin/tokens/reset":
      state.tokenRequests.clear();
      return sendJson(res, 200, { ok: true });
    case "GET /__admin/tenants":
      return sendJson(
        res,
        200,
        [...state.store.tenants.values()].map((t) => ({
          id: t.id,
          name: t.name,
          users: t.users,
          installations: [...t.installations.values()],
          counts: Object.fromEntries([...t.tables].map(([k, v]) => [k, v.rows.size])),
        })),
      );
    default:
      throw new HttpError(404, "NotFound", `No admin route ${route}`);
  }
}
