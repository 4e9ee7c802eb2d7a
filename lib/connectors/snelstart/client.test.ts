import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createSnelStartClient, type SnelStartClientConfig, type SnelStartRequestInfo } from "./client";
import {
  SnelStartAuthError,
  SnelStartError,
  SnelStartForbiddenError,
  SnelStartNetworkError,
  SnelStartNotFoundError,
  SnelStartRateLimitError,
  SnelStartResponseError,
  SnelStartServerError,
  SnelStartTimeoutError,
  SnelStartValidationError,
  extractVendorMessages,
} from "./errors";
import { modifiedSinceFilter } from "./odata";
import { locales, translate } from "@/lib/i18n";
import { logMessageOf } from "@/lib/sync/types";

const SUBSCRIPTION_KEY = "sub-key-0123456789";
const CLIENT_KEY = "koppelsleutel-SECRET-abcdef";
const PASSWORD = "hunter2-SECRET";
const ID = (n: number) => `aaaaaaaa-0000-4000-8000-${String(n).padStart(12, "0")}`;

type Seen = { method: string; path: string; query: URLSearchParams; headers: IncomingMessage["headers"]; body: string };
type Handler = (req: Seen, res: ServerResponse) => void | Promise<void>;

let server: Server;
let origin: string;
let api: Handler;
let token: Handler;
let seen: Seen[];
let tokenRequests: number;
const hanging: ServerResponse[] = [];

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { "Content-Type": "application/json; charset=utf-8", ...headers });
  res.end(body === undefined ? "" : JSON.stringify(body));
}

const defaultToken: Handler = (_req, res) => {
  tokenRequests++;
  json(res, 200, { access_token: `token-${tokenRequests}`, token_type: "bearer", expires_in: 3599 });
};

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (c: string) => (body += c));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://x");
      const s: Seen = { method: req.method ?? "", path: url.pathname, query: url.searchParams, headers: req.headers, body };
      if (url.pathname === "/b2b/token") return void token(s, res);
      seen.push(s);
      void api(s, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

beforeEach(() => {
  seen = [];
  tokenRequests = 0;
  token = defaultToken;
  api = (_req, res) => json(res, 200, []);
});

afterEach(() => {
  for (const res of hanging.splice(0)) res.destroy();
});

function makeClient(over: Partial<SnelStartClientConfig> = {}) {
  const sleeps: number[] = [];
  const requests: SnelStartRequestInfo[] = [];
  const client = createSnelStartClient({
    apiBaseUrl: `${origin}/v2`,
    authUrl: `${origin}/b2b/token`,
    subscriptionKey: SUBSCRIPTION_KEY,
    credentials: { kind: "clientkey", clientKey: CLIENT_KEY },
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
    onRequest: (info) => requests.push(info),
    timeoutMs: 2_000,
    ...over,
  });
  return { client, sleeps, requests };
}

async function caught(p: Promise<unknown>): Promise<SnelStartError> {
  try {
    await p;
  } catch (err) {
    if (!(err instanceof SnelStartError)) throw err;
    // No error ever carries a credential, in its message or anywhere in its fields.
    const dump = `${err.message} ${JSON.stringify(err)} ${String(err.stack)}`;
    for (const secret of [CLIENT_KEY, PASSWORD, SUBSCRIPTION_KEY]) expect(dump).not.toContain(secret);
    return err;
  }
  throw new Error("expected the call to fail");
}

const relatie = (n: number) => ({ id: ID(n), relatiecode: 1000 + n, naam: `Relatie ${n}`, relatiesoort: ["Klant"] });

describe("auth", () => {
  it("posts the koppelsleutel form-encoded and sends token and subscription key on every call", async () => {
    let form: URLSearchParams | null = null;
    let contentType: string | undefined;
    token = (req, res) => {
      form = new URLSearchParams(req.body);
      contentType = req.headers["content-type"];
      defaultToken(req, res);
    };
    api = (_req, res) => json(res, 200, { administratieNaam: "Demo BV", administratieIdentifier: ID(99) });
    const { client } = makeClient();
    const info = await client.getCompanyInfo();
    expect(info.administratieNaam).toBe("Demo BV");
    expect(contentType).toContain("application/x-www-form-urlencoded");
    expect(Object.fromEntries(form!)).toEqual({ grant_type: "clientkey", clientkey: CLIENT_KEY });
    expect(seen[0].headers["ocp-apim-subscription-key"]).toBe(SUBSCRIPTION_KEY);
    expect(seen[0].headers.authorization).toBe("Bearer token-1");
    expect(seen[0].path).toBe("/v2/companyInfo");
  });

  it("uses grant_type=password for username/password", async () => {
    let form: Record<string, string> = {};
    token = (req, res) => {
      form = Object.fromEntries(new URLSearchParams(req.body));
      defaultToken(req, res);
    };
    const { client } = makeClient({ credentials: { kind: "password", username: "jan@demo.nl", password: PASSWORD } });
    await client.listDagboeken();
    expect(form).toEqual({ grant_type: "password", username: "jan@demo.nl", password: PASSWORD });
  });

  it("caches the token until a minute before it expires", async () => {
    let clock = 1_000_000;
    const { client } = makeClient({ now: () => clock });
    await client.listDagboeken();
    await client.listDagboeken();
    expect(tokenRequests).toBe(1);
    clock += (3599 - 61) * 1000;
    await client.listDagboeken();
    expect(tokenRequests).toBe(1);
    clock += 2_000; // now within the last minute
    await client.listDagboeken();
    expect(tokenRequests).toBe(2);
    expect(seen.at(-1)?.headers.authorization).toBe("Bearer token-2");
  });

  it("fetches one token for ten concurrent calls", async () => {
    token = (req, res) => void setTimeout(() => defaultToken(req, res), 50);
    const { client } = makeClient();
    await Promise.all(Array.from({ length: 10 }, () => client.listDagboeken()));
    expect(tokenRequests).toBe(1);
    expect(seen).toHaveLength(10);
    expect(new Set(seen.map((s) => s.headers.authorization))).toEqual(new Set(["Bearer token-1"]));
  });

  it("re-fetches the token once on a 401, once for all concurrent callers", async () => {
    api = (req, res) => (req.headers.authorization === "Bearer token-1" ? json(res, 401, { message: "expired" }) : json(res, 200, []));
    const { client } = makeClient();
    await client.listDagboeken(); // token-1 cached, answered 401, retried with token-2
    expect(tokenRequests).toBe(2);
    await Promise.all(Array.from({ length: 5 }, () => client.listDagboeken()));
    expect(tokenRequests).toBe(2);
  });

  it("gives up with SnelStartAuthError when a fresh token is refused too", async () => {
    api = (_req, res) => json(res, 401, { message: "Access denied due to invalid subscription key." });
    const { client } = makeClient();
    const err = await caught(client.listDagboeken());
    expect(err).toBeInstanceOf(SnelStartAuthError);
    expect(err.message).toContain("invalid subscription key");
    expect(tokenRequests).toBe(2);
    expect(seen).toHaveLength(2);
  });

  it("maps a refused koppelsleutel to SnelStartAuthError without leaking it", async () => {
    token = (req, res) =>
      json(res, 400, { error: "invalid_grant", error_description: `Unknown clientkey ${new URLSearchParams(req.body).get("clientkey")}` });
    const { client } = makeClient();
    const err = await caught(client.listDagboeken());
    expect(err).toBeInstanceOf(SnelStartAuthError);
    expect(err.status).toBe(400);
    expect(err.message).toContain("Unknown clientkey ***");
    expect(seen).toHaveLength(0);
  });

  it("rejects a token answer without access_token", async () => {
    token = (_req, res) => json(res, 200, { token_type: "bearer", expires_in: 3599 });
    const err = await caught(makeClient().client.listDagboeken());
    expect(err).toBeInstanceOf(SnelStartResponseError);
    expect(err.message).toContain('"access_token"');
  });
});

describe("retries", () => {
  it("honours Retry-After in seconds", async () => {
    let n = 0;
    api = (_req, res) => (n++ === 0 ? json(res, 429, { message: "Rate limit is exceeded." }, { "Retry-After": "7" }) : json(res, 200, []));
    const { client, sleeps } = makeClient();
    await client.listDagboeken();
    expect(sleeps).toEqual([7_000]);
    expect(seen).toHaveLength(2);
  });

  it("honours Retry-After as an HTTP date", async () => {
    const clock = Date.parse("2025-03-01T12:00:00Z");
    let n = 0;
    api = (_req, res) =>
      n++ === 0 ? json(res, 429, {}, { "Retry-After": new Date(clock + 12_000).toUTCString() }) : json(res, 200, []);
    const { client, sleeps } = makeClient({ now: () => clock });
    await client.listDagboeken();
    expect(sleeps).toEqual([12_000]);
  });

  it("hands a long Retry-After to the caller instead of waiting", async () => {
    api = (_req, res) => json(res, 429, { message: "Rate limit is exceeded. Try again in 300 seconds." }, { "Retry-After": "300" });
    const { client, sleeps } = makeClient();
    const err = await caught(client.listDagboeken());
    expect(err).toBeInstanceOf(SnelStartRateLimitError);
    expect((err as SnelStartRateLimitError).retryAfterMs).toBe(300_000);
    expect(err.retryable).toBe(true);
    expect(sleeps).toEqual([]);
  });

  it("retries 5xx on a GET with backoff, then succeeds", async () => {
    const statuses = [502, 503, 500];
    api = (_req, res) => {
      const s = statuses.shift();
      return s ? json(res, s, { message: "upstream" }) : json(res, 200, [relatie(1)]);
    };
    const { client, sleeps, requests } = makeClient();
    const result = await client.listRelaties({ top: 10, skip: 0 });
    expect(result.map((r) => r.naam)).toEqual(["Relatie 1"]);
    expect(seen).toHaveLength(4);
    // equal jitter with random()=0.5: 3/4 of 500, 1000, 2000 ms
    expect(sleeps).toEqual([375, 750, 1500]);
    expect(requests.filter((r) => r.kind === "api").map((r) => [r.status, r.attempt])).toEqual([
      [502, 1],
      [503, 2],
      [500, 3],
      [200, 4],
    ]);
  });

  it("stops after maxRetries", async () => {
    api = (_req, res) => json(res, 500, "Internal Server Error");
    const { client } = makeClient({ maxRetries: 2 });
    const err = await caught(client.listDagboeken());
    expect(err).toBeInstanceOf(SnelStartServerError);
    expect(err).toMatchObject({ status: 500, retryable: true, mayHaveSucceeded: false });
    expect(seen).toHaveLength(3);
  });

  it("does not repeat a POST that got a 502 (it may have been booked)", async () => {
    api = (_req, res) => json(res, 502, { message: "Bad gateway" });
    const { client } = makeClient();
    const err = await caught(client.createVerkoopboeking({ factuurnummer: "1", klant: { id: ID(1) }, boekingsregels: [] }));
    expect(err).toBeInstanceOf(SnelStartServerError);
    expect(err).toMatchObject({ mayHaveSucceeded: true, retryable: false });
    expect(seen).toHaveLength(1);
  });

  it("does repeat a POST refused with 429 or 503 (not taken in)", async () => {
    const statuses = [429, 503];
    api = (_req, res) => {
      const s = statuses.shift();
      return s ? json(res, s, {}) : json(res, 201, { id: ID(5), factuurnummer: "1" });
    };
    const { client } = makeClient();
    const booked = await client.createVerkoopboeking({ factuurnummer: "1", klant: { id: ID(1) }, boekingsregels: [] });
    expect(booked.id).toBe(ID(5));
    expect(seen.map((s) => s.method)).toEqual(["POST", "POST", "POST"]);
    expect(new Set(seen.map((s) => s.body)).size).toBe(1); // the same body each time
  });

  it("retries a GET that timed out", async () => {
    let n = 0;
    api = (_req, res) => (n++ === 0 ? void hanging.push(res) : json(res, 200, []));
    const { client, sleeps } = makeClient({ timeoutMs: 150 });
    await client.listDagboeken();
    expect(seen).toHaveLength(2);
    expect(sleeps).toHaveLength(1);
  });

  it("throws SnelStartTimeoutError for a POST that timed out, without retrying", async () => {
    api = (_req, res) => void hanging.push(res);
    const { client, sleeps } = makeClient({ timeoutMs: 150 });
    const err = await caught(client.createRelatie({ naam: "Nieuw BV", relatiesoort: ["Klant"] }));
    expect(err).toBeInstanceOf(SnelStartTimeoutError);
    expect(err).toMatchObject({ mayHaveSucceeded: true, method: "POST", path: "/relaties" });
    expect(err.message).toContain("look it up");
    expect(seen).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it("retries even a POST when the connection was refused (nothing was sent)", async () => {
    const dead = createServer();
    await new Promise<void>((r) => dead.listen(0, "127.0.0.1", r));
    const port = (dead.address() as AddressInfo).port;
    await new Promise((r) => dead.close(r));
    const { client, sleeps } = makeClient({ apiBaseUrl: `http://127.0.0.1:${port}/v2`, maxRetries: 2 });
    const err = await caught(client.createRelatie({ naam: "Nieuw BV" }));
    expect(err).toBeInstanceOf(SnelStartNetworkError);
    expect(err).not.toBeInstanceOf(SnelStartTimeoutError);
    expect(err.mayHaveSucceeded).toBe(false);
    expect(sleeps).toHaveLength(2);
  });
});

describe("request budget", () => {
  it("takes one request before every exchange: the token request, the call and its retries", async () => {
    const log: string[] = [];
    const budget = { key: "test", take: async () => void log.push("take") };
    let n = 0;
    api = (_req, res) => (n++ === 0 ? json(res, 503, {}) : json(res, 200, []));
    const { client } = makeClient({ budget, onRequest: (info) => log.push(`${info.kind} ${info.status}`) });
    await client.listDagboeken();
    expect(log).toEqual(["take", "token 200", "take", "api 503", "take", "api 200"]);
  });
});

describe("errors", () => {
  it("400 → SnelStartValidationError with the vendor's messages", async () => {
    api = (_req, res) =>
      json(res, 400, [
        { kenmerk: "naam", message: "Naam is verplicht." },
        { message: "Relatiesoort is ongeldig." },
      ]);
    const err = await caught(makeClient().client.createRelatie({}));
    expect(err).toBeInstanceOf(SnelStartValidationError);
    expect((err as SnelStartValidationError).messages).toEqual(["naam: Naam is verplicht.", "Relatiesoort is ongeldig."]);
    expect(err.message).toContain("naam: Naam is verplicht.");
    expect(err).toMatchObject({ status: 400, retryable: false });
    expect(seen).toHaveLength(1);
  });

  it("403 → SnelStartForbiddenError, 404 → SnelStartNotFoundError", async () => {
    api = (req, res) =>
      req.path.startsWith("/v2/verkooporders")
        ? json(res, 403, { statusCode: 403, message: "Missing scope orders:write" })
        : json(res, 404, { Message: "Relatie niet gevonden" });
    const { client } = makeClient();
    const forbidden = await caught(client.listVerkooporders({}));
    expect(forbidden).toBeInstanceOf(SnelStartForbiddenError);
    expect(forbidden.message).toContain("Missing scope orders:write");
    const missing = await caught(client.getRelatie(ID(1)));
    expect(missing).toBeInstanceOf(SnelStartNotFoundError);
    expect(missing.message).toContain("Relatie niet gevonden");
    expect(seen).toHaveLength(2);
  });

  it("rejects an HTML page with status 200 as SnelStartResponseError", async () => {
    api = (_req, res) => {
      res.writeHead(200, { "Content-Type": "text/html" });
      res.end("<html><head><title>Onderhoud</title></head><body>We zijn zo terug</body></html>");
    };
    const err = await caught(makeClient().client.listDagboeken());
    expect(err).toBeInstanceOf(SnelStartResponseError);
    expect(err.message).toContain("not JSON");
    expect(err.message).toContain("text/html");
  });

  it("names the field when a body has the wrong types", async () => {
    api = (_req, res) => json(res, 200, [relatie(1), { ...relatie(2), relatiecode: "1002" }]);
    const err = await caught(makeClient().client.listRelaties({ top: 10, skip: 0 }));
    expect(err).toBeInstanceOf(SnelStartResponseError);
    expect((err as SnelStartResponseError).field).toBe("[1].relatiecode");
    expect(err.message).toContain('"[1].relatiecode"');
  });

  it("rejects an empty body where JSON is expected", async () => {
    api = (_req, res) => {
      res.writeHead(200);
      res.end();
    };
    const err = await caught(makeClient().client.getRelatie(ID(1)));
    expect(err).toBeInstanceOf(SnelStartResponseError);
    expect(err.message).toContain("empty body");
  });

  it("says a malformed answer to a write may have been applied", async () => {
    api = (_req, res) => json(res, 201, { naam: "zonder id" });
    const err = await caught(makeClient().client.createRelatie({ naam: "Nieuw" }));
    expect(err).toBeInstanceOf(SnelStartResponseError);
    expect(err.mayHaveSucceeded).toBe(true);
    expect((err as SnelStartResponseError).field).toBe("id");
  });

  it.each([
    ['[{"message":"a"},{"kenmerk":"k","message":"b"}]', ["a", "k: b"]],
    ['{"Message":"The request is invalid.","ModelState":{"model.naam":["Te lang"]}}', ["The request is invalid.", "model.naam: Te lang"]],
    ['{"message":"x","errors":[{"message":"y"}]}', ["x", "y"]],
    ['{"errors":{"Naam":["Verplicht"]}}', ["Naam: Verplicht"]],
    ['"Ongeldige invoer"', ["Ongeldige invoer"]],
    ["Bad Request - Invalid Hostname", ["Bad Request - Invalid Hostname"]],
    ["<html><title>502 Bad Gateway</title></html>", ["502 Bad Gateway"]],
    ["", []],
  ])("extracts messages from %s", (body, expected) => {
    expect(extractVendorMessages(body)).toEqual(expected);
  });
});

describe("what the sync log says", () => {
  /** The error's log message in Dutch, after checking that every language has the key. */
  async function logged(p: Promise<unknown>): Promise<{ key: string; nl: string }> {
    const { key, params } = logMessageOf(await caught(p));
    for (const locale of locales) expect(translate(locale, key, params), `${key} in ${locale}`).not.toBe(key);
    return { key, nl: translate("nl", key, params) };
  }

  it("passes SnelStart's own validation messages on", async () => {
    api = (_req, res) => json(res, 400, [{ kenmerk: "naam", message: "Naam is verplicht." }, { message: "Relatiesoort is ongeldig." }]);
    expect(await logged(makeClient().client.createRelatie({}))).toEqual({
      key: "connectors.snelstart.log.invalid",
      nl: "SnelStart weigerde dit: naam: Naam is verplicht.; Relatiesoort is ongeldig.",
    });
  });

  it("says a refusal without words names the request instead", async () => {
    api = (_req, res) => json(res, 409, "");
    const { nl } = await logged(makeClient().client.createRelatie({}));
    expect(nl).toBe("SnelStart weigerde dit (HTTP 409): POST /relaties");
  });

  it("says access is refused, not found, or limited", async () => {
    api = (req, res) =>
      req.path.startsWith("/v2/verkooporders")
        ? json(res, 403, { message: "Missing scope orders:write" })
        : req.path.startsWith("/v2/relaties")
          ? json(res, 404, { Message: "Relatie niet gevonden" })
          : json(res, 429, {}, { "Retry-After": "300" });
    const { client } = makeClient();
    const forbidden = await logged(client.listVerkooporders({}));
    expect(forbidden.key).toBe("connectors.snelstart.log.forbidden");
    expect(forbidden.nl).toContain("(Missing scope orders:write)");
    expect((await logged(client.getRelatie(ID(1)))).nl).toBe("Dit staat niet (meer) in SnelStart: Relatie niet gevonden");
    expect((await logged(client.listDagboeken())).key).toBe("connectors.snelstart.log.rateLimited");
  });

  it("says an outage is retried, and that a write during one may have been saved", async () => {
    api = (_req, res) => json(res, 502, { message: "Bad gateway" });
    const { client } = makeClient({ maxRetries: 0 });
    expect((await logged(client.listDagboeken())).nl).toBe("SnelStart had een storing (HTTP 502). Het wordt vanzelf opnieuw geprobeerd.");
    expect((await logged(client.createRelatie({ naam: "Nieuw" }))).key).toBe("connectors.snelstart.log.serverErrorAfterWrite");
  });

  it("says the credentials were refused", async () => {
    token = (_req, res) => json(res, 400, { error: "invalid_grant" });
    expect((await logged(makeClient().client.listDagboeken())).key).toBe("connectors.snelstart.log.authFailed");
  });

  it("says an unexpected answer was not data, was empty, or which field was wrong", async () => {
    let answer: Handler = () => {};
    api = (req, res) => answer(req, res);
    const { client } = makeClient();
    answer = (_req, res) => {
      res.writeHead(200, { "Content-Type": "text/html" });
      res.end("<html><head><title>Onderhoud</title></head><body>We zijn zo terug</body></html>");
    };
    expect((await logged(client.listDagboeken())).nl).toBe("SnelStart gaf een onleesbaar antwoord (HTTP 200, text/html) in plaats van gegevens: Onderhoud");
    answer = (_req, res) => {
      res.writeHead(200);
      res.end();
    };
    expect((await logged(client.getRelatie(ID(1)))).nl).toBe("SnelStart gaf een leeg antwoord (HTTP 200) waar gegevens werden verwacht.");
    answer = (_req, res) => json(res, 200, [relatie(1), { ...relatie(2), relatiecode: "1002" }]);
    const wrongType = await logged(client.listRelaties({ top: 10, skip: 0 }));
    expect(wrongType.key).toBe("connectors.snelstart.log.responseUnexpected");
    expect(wrongType.nl).toMatch(/^SnelStart gaf een onverwacht antwoord: veld \[1\]\.relatiecode \S/);
    answer = (_req, res) => json(res, 200, { not: "a list" });
    expect((await logged(client.listDagboeken())).key).toBe("connectors.snelstart.log.responseUnexpectedBody");
  });

  it("says SnelStart could not be reached, or did not answer (and whether a write may have landed)", async () => {
    const dead = createServer();
    await new Promise<void>((r) => dead.listen(0, "127.0.0.1", r));
    const port = (dead.address() as AddressInfo).port;
    await new Promise((r) => dead.close(r));
    const unreachable = makeClient({ apiBaseUrl: `http://127.0.0.1:${port}/v2`, maxRetries: 0 }).client;
    expect((await logged(unreachable.listDagboeken())).nl).toBe("SnelStart is niet bereikbaar. Het wordt vanzelf opnieuw geprobeerd.");

    api = (_req, res) => void hanging.push(res);
    const { client } = makeClient({ timeoutMs: 1000, maxRetries: 0 });
    expect((await logged(client.listDagboeken())).nl).toBe("SnelStart gaf na 1 s nog geen antwoord. Het wordt vanzelf opnieuw geprobeerd.");
    expect((await logged(client.createRelatie({ naam: "Nieuw" }))).key).toBe("connectors.snelstart.log.noAnswerAfterWrite");
  });
});

describe("endpoints", () => {
  it("pages relaties with $top/$skip and the modified-since filter", async () => {
    const all = [1, 2, 3, 4, 5].map(relatie);
    api = (req, res) => {
      const top = Number(req.query.get("$top"));
      const skip = Number(req.query.get("$skip"));
      json(res, 200, all.slice(skip, skip + top));
    };
    const { client } = makeClient();
    const pages: number[][] = [];
    for await (const page of client.iterateRelaties({ pageSize: 2, modifiedSince: new Date("2025-02-03T04:05:06.789Z") })) {
      pages.push(page.map((r) => r.relatiecode!));
    }
    expect(pages).toEqual([[1001, 1002], [1003, 1004], [1005]]);
    expect(seen.map((s) => [s.query.get("$top"), s.query.get("$skip")])).toEqual([
      ["2", "0"],
      ["2", "2"],
      ["2", "4"],
    ]);
    expect(seen[0].query.get("$filter")).toBe("ModifiedOn ge datetime'2025-02-03T04:05:06'");
  });

  it("costs one request when nothing changed", async () => {
    const { client } = makeClient();
    const pages = [];
    for await (const page of client.iterateVerkoopfacturen({ pageSize: 100, modifiedSince: "2025-01-01T00:00:00Z" })) pages.push(page);
    expect(pages).toEqual([]);
    expect(seen).toHaveLength(1);
  });

  it("finds a relatie by code with an OData filter", async () => {
    api = (req, res) => json(res, 200, req.query.get("$filter") === "Relatiecode eq 1003" ? [relatie(3)] : []);
    const { client } = makeClient();
    expect((await client.findRelatieByCode(1003))?.id).toBe(ID(3));
    expect(await client.findRelatieByCode(9999)).toBeNull();
  });

  it("escapes quotes in string filters", async () => {
    const { client } = makeClient();
    await client.findVerkoopfactuurByNumber("O'Brien-1");
    expect(seen[0].query.get("$filter")).toBe("Factuurnummer eq 'O''Brien-1'");
  });

  it("uploads a document to the verkoopboeking", async () => {
    api = (_req, res) => json(res, 200, { id: ID(7), uri: "/documenten/x" });
    const { client } = makeClient();
    const doc = await client.uploadVerkoopboekingDocument({ parentId: ID(5), fileName: "factuur-2025-0042.pdf", contentBase64: "JVBERi0xLjQK" });
    expect(doc.id).toBe(ID(7));
    expect(seen[0]).toMatchObject({ method: "POST", path: "/v2/documenten/Verkoopboekingen" });
    expect(seen[0].headers["content-type"]).toContain("application/json");
    expect(JSON.parse(seen[0].body)).toEqual({
      parentIdentifier: ID(5),
      fileName: "factuur-2025-0042.pdf",
      content: "JVBERi0xLjQK",
      readOnly: false,
    });
  });

  it("uses the spec's paths for the per-relatie and reference lists", async () => {
    const { client } = makeClient();
    await client.listVerkoopboekingenForRelatie(ID(1));
    await client.listDoorlopendeIncassoMachtigingen(ID(1));
    await client.listVerkoopboekingDocuments(ID(2));
    await client.listArtikelOmzetgroepen();
    await client.listGrootboeken();
    await client.listBtwTarieven();
    await client.listVerkoopordersjablonen();
    expect(seen.map((s) => `${s.method} ${s.path}`)).toEqual([
      `GET /v2/relaties/${ID(1)}/verkoopboekingen`,
      `GET /v2/relaties/${ID(1)}/doorlopendeincassomachtigingen`,
      `GET /v2/documenten/Verkoopboekingen/${ID(2)}`,
      "GET /v2/artikelomzetgroepen",
      "GET /v2/grootboeken",
      "GET /v2/btwtarieven",
      "GET /v2/verkoopordersjablonen",
    ]);
  });

  it("PUTs an update to /relaties/{id}", async () => {
    api = (req, res) => json(res, 200, { ...JSON.parse(req.body), id: ID(1) });
    const { client } = makeClient();
    const updated = await client.updateRelatie(ID(1), { naam: "Nieuwe naam", relatiecode: 1001 });
    expect(updated.naam).toBe("Nieuwe naam");
    expect(seen[0]).toMatchObject({ method: "PUT", path: `/v2/relaties/${ID(1)}` });
  });
});

describe("helpers", () => {
  it("formats the modified-since filter in UTC, truncated to the second", () => {
    expect(modifiedSinceFilter("2025-06-30T23:59:59.999+02:00")).toBe("ModifiedOn ge datetime'2025-06-30T21:59:59'");
    expect(() => modifiedSinceFilter("not a date")).toThrow(RangeError);
  });
});
