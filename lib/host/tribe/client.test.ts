import http from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { MaybeWrittenError } from "@/lib/sync/types";
import { createTribeClient, odata, queryString, TribeApiError, TribeNetworkError, TribeRateLimitError, TribeResponseError, type TribeRequestInfo } from "./client";

type Handler = (req: { method: string; url: URL; headers: Headers; body: string }) => Response | Promise<Response>;

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });

function setup(handler: Handler, over: Partial<Parameters<typeof createTribeClient>[0]> = {}) {
  const requests: Array<{ method: string; url: URL; body: string; auth: string | null }> = [];
  const infos: TribeRequestInfo[] = [];
  const sleeps: number[] = [];
  let tokens = 0;
  const fetchImpl = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(String(input));
    const method = init?.method ?? "GET";
    const headers = new Headers(init?.headers);
    const body = typeof init?.body === "string" ? init.body : "";
    if (url.pathname === "/oauth2/token") {
      tokens++;
      requests.push({ method, url, body, auth: null });
      return json(200, { access_token: `tok-${tokens}`, token_type: "bearer", expires_in: 3600 });
    }
    requests.push({ method, url, body, auth: headers.get("authorization") });
    return handler({ method, url, headers, body });
  }) as typeof fetch;
  const client = createTribeClient({
    apiUrl: "http://crm.test/",
    clientId: "ledgerlink",
    clientSecret: "s3cret",
    organizationId: "org-1",
    fetch: fetchImpl,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    onRequest: (i) => infos.push(i),
    ...over,
  });
  return { client, requests, infos, sleeps, tokenCalls: () => tokens };
}

describe("odata literals", () => {
  it("quotes and escapes strings, refuses bad guids and paths", () => {
    expect(odata.eq("Name", "O'Brien & Zn")).toBe("Name eq 'O''Brien & Zn'");
    expect(odata.eq("IsOwnOrganization", true)).toBe("IsOwnOrganization eq true");
    expect(odata.eq("Relation/ID", null)).toBe("Relation/ID eq null");
    expect(odata.dateTime("2026-01-01T00:00:00+01:00")).toBe("2025-12-31T23:00:00.000Z");
    expect(() => odata.guid("1 or 1 eq 1")).toThrow(RangeError);
    expect(() => odata.eq("Name) or (1", "x")).toThrow(RangeError);
    expect(odata.and("A eq 1", undefined, "B eq 2")).toBe("(A eq 1) and (B eq 2)");
  });

  it("encodes query options", () => {
    expect(queryString({ filter: "Name eq 'a&b'", top: 100, skip: 0, count: true, expand: ["Addresses", "Relationships"] })).toBe(
      "?$filter=Name%20eq%20'a%26b'&$expand=Addresses%2CRelationships&$top=100&$skip=0&$count=true",
    );
    expect(() => queryString({ top: 101 })).toThrow(RangeError);
  });
});

describe("createTribeClient", () => {
  it("orders every list by ID unless told otherwise, so pages of a listing never overlap", async () => {
    const { client, requests } = setup(() => json(200, { value: [] }));
    await client.list("Product", { top: 100, skip: 100 });
    await client.list("Product", { orderby: "Name desc" });
    await client.listAll("Datastore_Unit");
    expect(requests.filter((r) => r.auth).map((r) => r.url.searchParams.get("$orderby"))).toEqual(["ID", "Name desc", "ID"]);
  });

  it("calls an OData function", async () => {
    const { client, requests } = setup(() => json(200, { ID: "e1", EmailAddress: "a@b.nl" }));
    expect(await client.callFunction("GetCurrentEmployee", { expand: "Person" }, z.object({ ID: z.string(), EmailAddress: z.string() }))).toEqual({ ID: "e1", EmailAddress: "a@b.nl" });
    expect(requests.at(-1)!.url.pathname).toBe("/v1/odata/GetCurrentEmployee()");
    expect(requests.at(-1)!.url.searchParams.get("$expand")).toBe("Person");
  });

  it("asks a client_credentials token once and caches it", async () => {
    const { client, requests, tokenCalls, infos } = setup(({ url }) =>
      json(200, { value: [{ ID: "a" }], ...(url.searchParams.get("$count") === "true" ? { "@odata.count": 1 } : {}) }),
    );
    const [a, b] = await Promise.all([client.list("Product", { count: true }), client.list("Product")]);
    expect(a).toEqual({ value: [{ ID: "a" }], count: 1 });
    expect(b.count).toBeNull();
    await client.list("Product");
    expect(tokenCalls()).toBe(1);
    const form = new URLSearchParams(requests[0]!.body);
    expect(Object.fromEntries(form)).toEqual({
      grant_type: "client_credentials",
      client_id: "ledgerlink",
      client_secret: "s3cret",
      scope: "read write offline",
      organization_id: "org-1",
    });
    expect(requests[1]!.auth).toBe("Bearer tok-1");
    expect(infos.map((i) => `${i.method} ${i.path} ${i.status}`)).toEqual([
      "POST /oauth2/token 200",
      "GET /v1/odata/Product 200",
      "GET /v1/odata/Product 200",
      "GET /v1/odata/Product 200",
    ]);
  });

  it("fetches a new token once on 401", async () => {
    let n = 0;
    const { client, tokenCalls } = setup(({ headers }) => {
      n++;
      return headers.get("authorization") === "Bearer tok-1" ? json(401, { error: { code: "Unauthorized", message: "expired" } }) : json(200, { ID: "x" });
    });
    expect(await client.get("Product", "6f1c2a52-1111-4222-8333-444455556666")).toEqual({ ID: "x" });
    expect(tokenCalls()).toBe(2);
    expect(n).toBe(2);
  });

  it("gives up after a second 401", async () => {
    const { client } = setup(() => json(401, { error: { code: "Unauthorized", message: "nope" } }));
    await expect(client.list("Product")).rejects.toMatchObject({ status: 401, message: expect.stringContaining("nope") });
  });

  it("takes one request of its budget before each API call and each retry, none for the auth server", async () => {
    const log: string[] = [];
    let n = 0;
    const { client } = setup(() => (n++ === 0 ? json(502, {}) : json(200, { value: [] })), {
      budget: { key: "test", take: async () => void log.push("take") },
      onRequest: (i) => log.push(`${i.path} ${i.status}`),
    });
    await client.list("Product");
    expect(log).toEqual(["/oauth2/token 200", "take", "/v1/odata/Product 502", "take", "/v1/odata/Product 200"]);
  });

  it("waits a window after a 429, or what a Retry-After asks", async () => {
    let n = 0;
    const { client, sleeps } = setup(
      () => {
        n++;
        if (n === 1) return json(429, { error: { code: "TooManyRequests", message: "slow down" } });
        if (n === 2) return json(429, { error: { code: "TooManyRequests", message: "slow down" } }, { "retry-after": "7" });
        return json(200, { value: [] });
      },
      { rateLimitWaitMs: 3000 },
    );
    expect(await client.list("Product")).toEqual({ value: [], count: null });
    // the injected sleep takes no time: 3 s, then Retry-After's 7 s (within a few ms of the clock)
    expect(sleeps.length).toBe(2);
    expect(sleeps[0]).toBeGreaterThan(2900);
    expect(sleeps[1]).toBeGreaterThan(6900);
  });

  it("holds every call of the client after a 429, not only the refused one", async () => {
    let clock = 1_000_000;
    let refusedOnce = false;
    const { client, sleeps, infos } = setup(
      ({ url }) => {
        if (url.pathname.endsWith("/Product") && !refusedOnce) {
          refusedOnce = true;
          return json(429, { error: { code: "TooManyRequests", message: "slow down" } });
        }
        return json(200, { value: [] });
      },
      { now: () => clock },
    );
    // the first call is refused; a second call started meanwhile waits for the same gate
    const first = client.list("Product");
    await new Promise((r) => setTimeout(r, 20));
    const second = client.list("Relation_Organization");
    await Promise.all([first, second]);
    expect(sleeps).toEqual([60_000, 60_000]);
    expect(infos.filter((i) => i.status === 429).length).toBe(1);
    clock += 60_000;
    await client.list("Product");
    expect(sleeps.length).toBe(2);
  });

  it("raises TribeRateLimitError when still limited after every retry", async () => {
    const { client, sleeps } = setup(() => json(429, { error: { code: "TooManyRequests", message: "wait a minute" } }), {
      maxRetries: 3,
      rateLimitWaitMs: 10_000,
    });
    const err = await client.list("Product").catch((e) => e);
    expect(err).toBeInstanceOf(TribeRateLimitError);
    expect(sleeps.length).toBe(3);
    for (const ms of sleeps) expect(ms).toBeGreaterThan(9_900);
    expect(err.retryAfterMs).toBeGreaterThan(9_900);
  });

  it("retries 5xx and network errors on reads and updates", async () => {
    let n = 0;
    const { client, sleeps } = setup(() => {
      n++;
      if (n === 1) throw new TypeError("fetch failed");
      if (n === 2) return json(502, { error: { code: "BadGateway", message: "x" } });
      return json(200, { ID: "a" });
    });
    expect(await client.update("Product", "6f1c2a52-1111-4222-8333-444455556666", { Name: "x" })).toEqual({ ID: "a" });
    expect(sleeps).toEqual([500, 1000]);
  });

  it("does not repeat a create whose answer was lost", async () => {
    let n = 0;
    const { client } = setup(() => {
      n++;
      throw new TypeError("socket hang up");
    });
    await expect(client.create("Relation_Organization", { Name: "x" })).rejects.toBeInstanceOf(MaybeWrittenError);
    expect(n).toBe(1);
  });

  it("maps 4xx to TribeApiError with the server's message; 404 on get is null", async () => {
    const { client } = setup(({ method }) =>
      method === "GET" ? json(404, { error: { code: "NotFound", message: "gone" } }) : json(400, { error: { code: "UnknownProperty", message: "Property 'Foo' does not exist" } }),
    );
    expect(await client.get("Product", "6f1c2a52-1111-4222-8333-444455556666")).toBeNull();
    const err = await client.create("Product", { Foo: 1 }).catch((e) => e);
    expect(err).toBeInstanceOf(TribeApiError);
    expect(err).toMatchObject({ status: 400, code: "UnknownProperty" });
    expect(err.message).toContain("Property 'Foo' does not exist");
  });

  it("names the field of a malformed answer", async () => {
    const { client } = setup(() => json(200, { value: [{ ID: "a", Name: "ok" }, { ID: "b", Name: 42 }] }));
    const err = await client.list("Product", {}, z.object({ ID: z.string(), Name: z.string() })).catch((e) => e);
    expect(err).toBeInstanceOf(TribeResponseError);
    expect(err.message).toContain("value[1].Name");
  });

  it("reads a binary document", async () => {
    const pdf = new TextEncoder().encode("%PDF-1.7 test");
    const { client } = setup(() => new Response(pdf, { status: 200, headers: { "content-type": "application/pdf", "content-disposition": 'inline; filename="2026-0001.pdf"' } }));
    const doc = await client.getBinary("Activity_Invoice(6f1c2a52-1111-4222-8333-444455556666)/Document");
    expect(doc.contentType).toBe("application/pdf");
    expect(doc.fileName).toBe("2026-0001.pdf");
    expect(new TextDecoder().decode(doc.data)).toBe("%PDF-1.7 test");
  });

  it("refuses ids and sets that could change the URL", async () => {
    const { client } = setup(() => json(200, {}));
    await expect(client.get("Product", "x)/../Relation_Person(")).rejects.toThrow(RangeError);
    await expect(client.list("Product?$top=1")).rejects.toThrow(RangeError);
  });
});

describe("the node:http transport (no fetch given)", () => {
  async function server(handler: http.RequestListener) {
    const srv = http.createServer(handler);
    await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
    const sockets = new Set<unknown>();
    srv.on("connection", (s) => sockets.add(s));
    return { url: `http://127.0.0.1:${(srv.address() as AddressInfo).port}`, sockets, close: () => new Promise((r) => srv.close(r)).then(() => srv.closeAllConnections()) };
  }
  const token = (res: http.ServerResponse) => res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ access_token: "t", expires_in: 3600 }));

  it("sends the body and headers, reads the answer, and reuses one connection", async () => {
    const seen: Array<{ method: string; auth: string | undefined; body: string }> = [];
    const apiSockets = new Set<unknown>();
    const srv = await server((req, res) => {
      let body = "";
      req.on("data", (c) => (body += c));
      req.on("end", () => {
        if (req.url === "/oauth2/token") return token(res);
        apiSockets.add(req.socket);
        seen.push({ method: req.method!, auth: req.headers.authorization, body });
        res.writeHead(201, { "content-type": "application/json" }).end(JSON.stringify({ ID: `id-${seen.length}`, Name: JSON.parse(body).Name }));
      });
    });
    try {
      const client = createTribeClient({ apiUrl: srv.url, clientId: "c", clientSecret: "s", organizationId: "o" });
      for (const name of ["Één", "Twee"]) expect(await client.create("Relation_Organization", { Name: name })).toMatchObject({ Name: name });
      expect(seen).toEqual([
        { method: "POST", auth: "Bearer t", body: '{"Name":"Één"}' },
        { method: "POST", auth: "Bearer t", body: '{"Name":"Twee"}' },
      ]);
      expect(apiSockets.size, "the API calls share one kept-alive connection").toBe(1);
    } finally {
      await srv.close();
    }
  });

  it("gives up on a call that gets no answer in time: a read is retried, a create may have been written", async () => {
    let reads = 0;
    const srv = await server((req, res) => {
      if (req.url === "/oauth2/token") return token(res);
      if (req.method === "GET") reads++;
      // never answers
    });
    try {
      const client = createTribeClient({ apiUrl: srv.url, clientId: "c", clientSecret: "s", organizationId: "o", timeoutMs: 100, maxRetries: 1, sleep: async () => {} });
      await expect(client.list("Relation_Organization")).rejects.toThrow(/no answer within 100 ms/);
      expect(reads).toBe(2);
      await expect(client.create("Relation_Organization", { Name: "X" })).rejects.toBeInstanceOf(MaybeWrittenError);
    } finally {
      await srv.close();
    }
  });

  it("repeats a create whose connection was never made: nothing can have been written", async () => {
    const dead = await server(() => {});
    await dead.close();
    const infos: TribeRequestInfo[] = [];
    const client = createTribeClient({
      apiUrl: dead.url,
      clientId: "c",
      clientSecret: "s",
      organizationId: "o",
      token: async () => ({ accessToken: "t", expiresInSeconds: 3600 }),
      maxRetries: 2,
      sleep: async () => {},
      onRequest: (i) => infos.push(i),
    });
    const err = await client.create("Relation_Organization", { Name: "X" }).catch((e) => e);
    expect(err).toBeInstanceOf(TribeNetworkError);
    expect(err.message).toContain("ECONNREFUSED");
    expect(infos.map((i) => i.attempt)).toEqual([1, 2, 3]);
  });
});
