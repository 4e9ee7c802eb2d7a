/**
 * The PowerOffice Go client against the in-process simulator (sandbox/vendors/poweroffice) over
 * real HTTP. Keys and records are the seed's (seed.json).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { RateGate } from "@/lib/http/rate-gate";
import { startPowerOfficeSimulator, type PowerOfficeSimulator } from "@/sandbox/vendors/poweroffice/server";
import { createPowerOfficeClient, type PowerOfficeClientOptions, type PowerOfficeRequestInfo } from "./client";
import {
  PowerOfficeAuthError,
  PowerOfficeForbiddenError,
  PowerOfficeNetworkError,
  PowerOfficeRateLimitError,
  PowerOfficeResponseError,
  PowerOfficeServerError,
  PowerOfficeValidationError,
} from "./errors";
import { patchOperations } from "./json-patch";
import { eachPage } from "./reads";
import { READ_ONLY, type CustomerDto } from "./wire";

const APPLICATION_KEY = "sandbox-application-key-ledgerlink";
const SUBSCRIPTION_KEY = "sandbox-subscription-key";
const OTHER_SUBSCRIPTION_KEY = "sandbox-subscription-key-2";
const NORDLYS = "sandbox-client-key-nordlys-interior";
const SJOMAT = "sandbox-client-key-tromso-sjomat";
const LILLEHAMMER = "sandbox-client-key-lillehammer-sport";

let sim: PowerOfficeSimulator;
/** moves the simulator's clock and the clients' alike */
let offsetMs = 0;
/** when set, the simulator's clock stands still there */
let frozenAt: number | null = null;
const clock = () => frozenAt ?? Date.now() + offsetMs;

beforeAll(async () => {
  sim = await startPowerOfficeSimulator({ port: 0, clock: () => new Date(clock()), settings: { rateLimitPerSecond: 0 } });
});
afterAll(() => sim.close());
beforeEach(() => {
  offsetMs = 0;
  frozenAt = null;
  sim.reset(); // the seed, no rate limit, no faults, fresh stats
});

const noSleep = async () => {};

/** A client of Nordlys on its own gate (tests of the shared gate use the default), and what it sent. */
function client(over: Partial<PowerOfficeClientOptions> = {}) {
  const exchanges: PowerOfficeRequestInfo[] = [];
  const c = createPowerOfficeClient({
    apiBaseUrl: `${sim.url}/v2`,
    tokenUrl: `${sim.url}/OAuth/Token`,
    applicationKey: APPLICATION_KEY,
    clientKey: NORDLYS,
    subscriptionKey: SUBSCRIPTION_KEY,
    now: clock,
    rateGate: new RateGate(1_000),
    onRequest: (info) => exchanges.push(info),
    ...over,
  });
  return Object.assign(c, { exchanges });
}

/** A fetch that passes everything on and keeps what was sent. */
function recordingFetch() {
  const sent: Array<{ method: string; url: string; headers: Headers; contentType: string | null; body: string | null }> = [];
  const fetchImpl = (async (url: string, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    const body = init.body == null ? null : typeof init.body === "string" ? init.body : new TextDecoder().decode(init.body as Uint8Array);
    sent.push({ method: init.method ?? "GET", url, headers, contentType: headers.get("content-type"), body });
    return fetch(url, init);
  }) as typeof fetch;
  return { fetch: fetchImpl, sent };
}

const routeCount = (route: string) => sim.state.stats.byRoute[route] ?? 0;
const TOKEN_ROUTE = "POST /OAuth/Token";

describe("token", () => {
  it("is fetched once for many concurrent calls, again before it expires, with the keys Go asks for", async () => {
    const rec = recordingFetch();
    const c = client({ fetch: rec.fetch });
    const infos = await Promise.all(Array.from({ length: 20 }, () => c.getClientIntegrationInformation()));
    expect(infos.every((i) => i.ClientName === "Nordlys Interiør AS")).toBe(true);
    expect(routeCount(TOKEN_ROUTE)).toBe(1);

    const tokenRequest = rec.sent.find((s) => s.url.endsWith("/OAuth/Token"))!;
    expect(tokenRequest).toMatchObject({ method: "POST", contentType: "application/x-www-form-urlencoded", body: "grant_type=client_credentials" });
    expect(tokenRequest.headers.get("authorization")).toBe(`Basic ${Buffer.from(`${APPLICATION_KEY}:${NORDLYS}`).toString("base64")}`);
    expect(tokenRequest.headers.get("ocp-apim-subscription-key")).toBe(SUBSCRIPTION_KEY);
    const apiCall = rec.sent.find((s) => s.url.includes("/v2/"))!;
    expect(apiCall.headers.get("authorization")).toMatch(/^Bearer \S+$/);
    expect(apiCall.headers.get("ocp-apim-subscription-key")).toBe(SUBSCRIPTION_KEY);

    // 600 s tokens are renewed a minute early, before Go would refuse them
    offsetMs += 541_000;
    await Promise.all([c.listVatCodes({ pageNumber: 1, pageSize: 50 }), c.listVatCodes({ pageNumber: 1, pageSize: 50 })]);
    expect(routeCount(TOKEN_ROUTE)).toBe(2);
    expect(c.exchanges.filter((e) => e.status === 401)).toEqual([]);
  });

  it("is fetched anew when Go says it expired (a 401), and the call then succeeds", async () => {
    const c = client({ now: Date.now }); // the client's clock does not see Go's move
    await c.getClientIntegrationInformation();
    offsetMs += 601_000;
    const info = await c.getClientIntegrationInformation();
    expect(info.ClientName).toBe("Nordlys Interiør AS");
    expect(routeCount(TOKEN_ROUTE)).toBe(2);
    expect(c.exchanges.map((e) => [e.kind, e.status])).toEqual([
      ["token", 200],
      ["api", 200],
      ["api", 401],
      ["token", 200],
      ["api", 200],
    ]);
  });

  it("answers a wrong client key with a typed auth error that names no key", async () => {
    const badKey = "wrong-client-key-4711";
    const c = client({ clientKey: badKey });
    const err = await c.listCustomers({ pageNumber: 1, pageSize: 10 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PowerOfficeAuthError);
    const auth = err as PowerOfficeAuthError;
    expect(auth).toMatchObject({ status: 400, method: "POST", path: "/OAuth/Token", mayHaveSucceeded: false });
    expect(auth.problem?.title).toBe("invalid_client");
    expect(auth.detail).toMatch(/client key is not valid/);
    expect(auth.logMessage).toEqual({ key: "connectors.poweroffice.log.auth", params: { detail: auth.detail } });
    expect(auth.message).not.toContain(badKey);
    expect(routeCount("GET /v2/Customers")).toBe(0);
  });
});

describe("reads", () => {
  it("reads a 204 as an empty page", async () => {
    const c = client();
    const page = await c.listCustomers({ pageNumber: 1, pageSize: 10, lastChangedSince: "2099-01-01T00:00:00.0000000Z" });
    expect(page).toEqual({ items: [], rejected: [], size: 0 });
    expect(c.exchanges.at(-1)).toMatchObject({ path: "/Customers", status: 204 });
  });

  it("pages with flattened PageNumber/PageSize until a short page", async () => {
    const rec = recordingFetch();
    const c = client({ fetch: rec.fetch });
    const pages = [];
    for await (const page of eachPage((p) => c.listCustomers(p), { pageSize: 4 })) pages.push(page);
    expect(pages.map((p) => [p.pageNumber, p.size])).toEqual([
      [1, 4],
      [2, 3],
    ]);
    expect(pages.flatMap((p) => p.items.map((x) => x.Number))).toEqual([10001, 10002, 10003, 10004, 10005, 10006, 10007]);
    const listed = rec.sent.filter((s) => s.url.includes("/v2/Customers")).map((s) => new URL(s.url).search);
    expect(listed).toEqual(["?PageNumber=1&PageSize=4", "?PageNumber=2&PageSize=4"]);
  });

  it("uses a last-changed stamp as Go wrote it, to the 100 ns", async () => {
    frozenAt = Date.parse("2024-06-03T10:00:00.123Z"); // two writes in one millisecond
    const c = client();
    const first = await c.createCustomer({ Name: "Første AS" });
    const second = await c.createCustomer({ Name: "Andre AS" });
    expect(first.LastChangedDateTimeOffset).toBe("2024-06-03T10:00:00.1230000Z");
    expect(second.LastChangedDateTimeOffset).toBe("2024-06-03T10:00:00.1230001Z");
    const since = await c.listCustomers({ pageNumber: 1, pageSize: 10, lastChangedSince: first.LastChangedDateTimeOffset });
    expect(since.items.map((x) => x.Name)).toEqual(["Andre AS"]);
  });

  it("filters by numbers and external import reference, and reads one record or null", async () => {
    const c = client();
    const some = await c.listCustomers({ pageNumber: 1, pageSize: 10, numbers: [10002, 10005] });
    expect(some.items.map((x) => x.Name)).toEqual(["Solsiden Kafé AS", "Vestland Trevare AS"]);
    const one = await c.getCustomer(some.items[0]!.Id);
    expect(one).toMatchObject({ Number: 10002, MailAddress: expect.objectContaining({ City: expect.any(String) }) });
    expect(await c.getCustomer(999_999)).toBeNull();
    expect(await c.getSalesOrder("00000000-0000-4000-8000-000000000000")).toBeNull();
    const suppliers = await c.listSuppliers({ pageNumber: 1, pageSize: 10, numbers: "20003" });
    expect(suppliers.items.map((s) => [s.Number, s.Id])).toEqual([[20003, some.items[1]!.Id]]);
  });

  it("reads the reference lists and contact persons through their schemas", async () => {
    const c = client();
    const page = { pageNumber: 1, pageSize: 100 };
    const [vat, accounts, groups, products, invoices, orders] = await Promise.all([
      c.listVatCodes(page),
      c.listGeneralLedgerAccounts({ ...page, accountNos: "3000-3999" }),
      c.listProductGroups(page),
      c.listProducts(page),
      c.listOutgoingInvoices(page),
      c.listSalesOrders({ ...page, onlyCreatedByCurrentIntegration: false }),
    ]);
    for (const p of [vat, accounts, groups, products, invoices, orders]) expect(p.rejected).toEqual([]);
    expect(vat.items.find((v) => v.Code === "3")?.Rate).toBe(0.25);
    expect(accounts.items.find((a) => a.AccountNo === 3000)).toMatchObject({ VatCode: "3" });
    expect(groups.items.length).toBe(3);
    expect(products.items.map((p) => p.Code)).toContain("SOFA-3");
    expect(invoices.items.map((i) => i.InvoiceNo)).toEqual([1, 2, 3, 4, 5]);
    expect(orders.items).toHaveLength(1);
    const customer = (await c.listCustomers({ pageNumber: 1, pageSize: 1 })).items[0]!;
    const persons = await c.listContactPersons({ ...page, contactIds: [customer.Id] });
    expect(persons.items.length).toBeGreaterThan(0);
    expect(persons.items.every((p) => p.ContactId === customer.Id)).toBe(true);
  });

  it("sets a malformed record aside with its field, and keeps the rest of the page", async () => {
    const breaking = (async (url: string, init?: RequestInit) => {
      const res = await fetch(url, init);
      if (!new URL(url).pathname.endsWith("/v2/Customers") || res.status !== 200) return res;
      const rows = (await res.json()) as Array<Record<string, unknown>>;
      rows[1]!.Number = "ten thousand";
      (rows[2]!.MailAddress as Record<string, unknown>).City = 42;
      return new Response(JSON.stringify(rows), { status: 200, headers: { "content-type": "application/json" } });
    }) as typeof fetch;
    const page = await client({ fetch: breaking }).listCustomers({ pageNumber: 1, pageSize: 4 });
    expect(page.size).toBe(4);
    expect(page.items.map((x) => x.Number)).toEqual([10001, 10004]);
    expect(page.rejected).toEqual([
      { index: 1, id: expect.any(Number), field: "Number", issue: expect.any(String) },
      { index: 2, id: expect.any(Number), field: "MailAddress.City", issue: expect.any(String) },
    ]);
  });
});

describe("PATCH", () => {
  it("sends only the changed members, so a change made meanwhile in Go stays; an empty diff sends nothing", async () => {
    const rec = recordingFetch();
    const c = client({ fetch: rec.fetch });
    const before = (await c.listCustomers({ pageNumber: 1, pageSize: 1 })).items[0]!;
    // meanwhile a bookkeeper changes the e-mail address in Go
    await c.patchCustomer(before.Id, [{ op: "replace", path: "/EmailAddress", value: "bokholder@havbris-hotell.test" }]);

    const after: CustomerDto = structuredClone(before);
    after.Name = "Havbris Hotell og Restaurant AS";
    after.MailAddress!.City = "Bergen sentrum";
    after.LastChangedDateTimeOffset = "2030-01-01T00:00:00.0000000Z"; // read-only: never sent
    const ops = patchOperations(before, after, READ_ONLY.customer);
    const updated = await c.patchCustomer(before.Id, ops);

    const patchRequest = rec.sent.filter((s) => s.method === "PATCH").at(-1)!;
    expect(patchRequest.contentType).toBe("application/json-patch+json");
    expect(JSON.parse(patchRequest.body!)).toEqual([
      { op: "replace", path: "/Name", value: "Havbris Hotell og Restaurant AS" },
      { op: "replace", path: "/MailAddress/City", value: "Bergen sentrum" },
    ]);
    const stored = await c.getCustomer(before.Id);
    expect(stored).toEqual(updated);
    expect(stored).toMatchObject({
      Name: "Havbris Hotell og Restaurant AS",
      EmailAddress: "bokholder@havbris-hotell.test",
      MailAddress: { ...before.MailAddress, City: "Bergen sentrum", LastChangedDateTimeOffset: expect.any(String) },
      PhoneNumber: before.PhoneNumber,
    });
    expect(stored!.LastChangedDateTimeOffset > before.LastChangedDateTimeOffset).toBe(true);

    const sentBefore = rec.sent.length;
    expect(await c.patchCustomer(before.Id, patchOperations(stored!, structuredClone(stored!), READ_ONLY.customer))).toBeNull();
    expect(rec.sent.length).toBe(sentBefore);
    expect(routeCount("PATCH /v2/Customers/{id}")).toBe(2);
  });

  it("creates and patches suppliers, products and contact persons", async () => {
    const c = client();
    const supplier = await c.createSupplier({ Name: "Fjordtre AS", ExternalImportReference: "crm-sup-1" });
    expect((await c.patchSupplier(supplier.Id, patchOperations(supplier, { ...supplier, PhoneNumber: "+47 1" }, READ_ONLY.supplier)))?.PhoneNumber).toBe("+47 1");
    const product = await c.createProduct({ Code: "STOL-1", Name: "Stol", UnitPrice: 100 });
    expect((await c.patchProduct(product.Id, patchOperations(product, { ...product, UnitPrice: 120 }, READ_ONLY.product)))?.UnitPrice).toBe(120);
    const person = await c.createContactPerson(supplier.Id, { FirstName: "Ola", LastName: "Nordmann" });
    expect(person.ContactId).toBe(supplier.Id);
    const changed = await c.patchContactPerson(supplier.Id, person.Id, patchOperations(person, { ...person, Title: "Daglig leder" }, READ_ONLY.contactPerson));
    expect(changed?.Title).toBe("Daglig leder");
  });
});

describe("errors", () => {
  it("a 400 ProblemDetails is a validation error with Go's Detail and field errors", async () => {
    const c = client();
    const err = await c.createCustomer({ Name: "Utenfor Serien AS", Number: 5 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PowerOfficeValidationError);
    const v = err as PowerOfficeValidationError;
    expect(v).toMatchObject({ status: 400, method: "POST", path: "/Customers", mayHaveSucceeded: false });
    expect(v.detail).toMatch(/Number/);
    expect(v.fieldErrors).toHaveProperty("Number");
    expect(v.logMessage).toEqual({ key: "connectors.poweroffice.log.validation", params: { detail: v.detail } });

    // a read-only member in a patch is Go's 400 as well
    const customer = (await c.listCustomers({ pageNumber: 1, pageSize: 1 })).items[0]!;
    const ro = await c.patchCustomer(customer.Id, [{ op: "replace", path: "/IsActive", value: false }]).catch((e: unknown) => e);
    expect(ro).toBeInstanceOf(PowerOfficeValidationError);
    expect((ro as PowerOfficeValidationError).detail).toMatch(/IsActive/);
  });

  it("a client without the sales order privilege gets a 403 creating one", async () => {
    const c = client({ clientKey: LILLEHAMMER });
    const err = await c.createSalesOrderComplete({ CustomerNo: 10000, SalesOrderLines: [] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PowerOfficeForbiddenError);
    expect(err).toMatchObject({ status: 403, mayHaveSucceeded: false });
    expect((err as PowerOfficeForbiddenError).logMessage.key).toBe("connectors.poweroffice.log.forbidden");
    expect((err as PowerOfficeForbiddenError).detail).toMatch(/SalesOrders/);
  });

  it("never puts a key or the token in a message, also when Go echoes them", async () => {
    let token = "";
    const echoing = (async (url: string, init?: RequestInit) => {
      const res = await fetch(url, init);
      if (url.endsWith("/OAuth/Token")) {
        token = ((await res.clone().json()) as { access_token: string }).access_token;
        return res;
      }
      const detail = `key ${NORDLYS}, subscription ${SUBSCRIPTION_KEY}, token ${token}`;
      return new Response(JSON.stringify({ type: "x", title: "Bad Request", status: 400, detail }), { status: 400 });
    }) as typeof fetch;
    const err = (await client({ fetch: echoing }).getClientIntegrationInformation().catch((e: unknown) => e)) as PowerOfficeValidationError;
    expect(err).toBeInstanceOf(PowerOfficeValidationError);
    expect(err.detail).toBe("key ***, subscription ***, token ***"); // camelCase ProblemDetails read too
    for (const secret of [NORDLYS, SUBSCRIPTION_KEY, token]) expect(`${err.message} ${JSON.stringify(err.logMessage)}`).not.toContain(secret);
  });

  it("a 2xx that is not JSON is a response error", async () => {
    const maintenance = (async (url: string, init?: RequestInit) =>
      url.endsWith("/OAuth/Token") ? fetch(url, init) : new Response("<html><title>Maintenance</title></html>", { status: 200 })) as typeof fetch;
    const err = await client({ fetch: maintenance }).listVatCodes({ pageNumber: 1, pageSize: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PowerOfficeResponseError);
    expect(err).toMatchObject({ status: 200, method: "GET", path: "/VatCodes", mayHaveSucceeded: false });
    expect((err as PowerOfficeResponseError).logMessage).toEqual({
      key: "connectors.poweroffice.log.badResponse",
      params: { detail: expect.stringContaining("not JSON") },
    });
  });
});

describe("retries and writes that may have happened", () => {
  it("repeats a read after a 5xx", async () => {
    sim.setFaults({ errorRate: 0.5, errorStatuses: [500], seed: 7 });
    const c = client({ sleep: noSleep, maxRetries: 8 });
    for (let i = 0; i < 10; i++) expect((await c.listVatCodes({ pageNumber: 1, pageSize: 5 })).size).toBe(5);
    expect(sim.state.stats.injectedErrors).toBeGreaterThan(0);
    expect(c.exchanges.some((e) => e.status === 500)).toBe(true);
  });

  it("does not repeat a create whose answer was lost: it throws with mayHaveSucceeded, and the record is there once", async () => {
    sim.setFaults({ timeoutAfterWriteRate: 1 });
    const c = client({ sleep: noSleep });
    const err = await c.createCustomer({ Name: "Tapt Svar AS", ExternalImportReference: "crm-lost-1" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PowerOfficeNetworkError);
    expect(err).toMatchObject({ mayHaveSucceeded: true, timedOut: false, method: "POST", path: "/Customers" });
    expect((err as PowerOfficeNetworkError).logMessage.key).toBe("connectors.poweroffice.log.noAnswerAfterWrite");
    expect(sim.state.stats.byRouteAndStatus["POST /v2/Customers"]).toEqual({ dropped: 1 });

    sim.setFaults({});
    const found = await c.listCustomers({ pageNumber: 1, pageSize: 10, externalImportReference: "crm-lost-1" });
    expect(found.items.map((x) => x.Name)).toEqual(["Tapt Svar AS"]);
  });

  it("gives up on a write that hangs after the timeout, as maybe applied", async () => {
    sim.setFaults({ timeoutAfterWriteRate: 1, timeoutMode: "hang" });
    const c = client({ sleep: noSleep, timeoutMs: 300 });
    const customer = (await c.listCustomers({ pageNumber: 1, pageSize: 1 })).items[0]!;
    const err = await c.patchCustomer(customer.Id, [{ op: "replace", path: "/Name", value: "Hengt AS" }]).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: "PowerOfficeNetworkError", timedOut: true, mayHaveSucceeded: true, method: "PATCH" });
    expect(routeCount("PATCH /v2/Customers/{id}")).toBe(1);
  });

  it("does not repeat a create that answered 500: a server error that may have been applied", async () => {
    sim.setFaults({ errorRate: 1, errorStatuses: [500] });
    const c = client({ sleep: noSleep });
    const err = await c.createCustomer({ Name: "Feil AS" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PowerOfficeServerError);
    expect(err).toMatchObject({ status: 500, mayHaveSucceeded: true });
    expect((err as PowerOfficeServerError).logMessage.key).toBe("connectors.poweroffice.log.serverAfterWrite");
    expect(routeCount("POST /v2/Customers")).toBe(1);
  });
});

describe("sales orders", () => {
  it("creates an order with its lines, finds it among the integration's own, and attaches a PDF as multipart", async () => {
    const c = client();
    const order = await c.createSalesOrderComplete({
      CustomerNo: 10001,
      SalesOrderDate: "2024-06-03",
      ExternalImportReference: "crm-invoice-1",
      SalesOrderLines: [{ ProductCode: "SOFA-3", Quantity: 1 }],
    });
    expect(order.SalesOrderLines?.[0]).toMatchObject({ ProductCode: "SOFA-3", VatCode: "3", NetAmount: 12990 });
    const own = await c.listSalesOrders({ pageNumber: 1, pageSize: 50, onlyCreatedByCurrentIntegration: true });
    expect(own.items.map((o) => o.ExternalImportReference)).toEqual(["crm-invoice-1"]);
    expect((await c.getSalesOrder(order.Id))?.SalesOrderLines).toHaveLength(1);

    const pdf = Buffer.from("%PDF-1.4\n% Ledgerlink test\n%%EOF\n");
    const attachment = await c.attachToSalesOrder(order.Id, { fileName: "faktura-1.pdf", contentType: "application/pdf", contentBase64: pdf.toString("base64") });
    expect(attachment).toMatchObject({ FileName: "faktura-1.pdf", FileSize: pdf.length });
    const stored = await fetch(`${sim.url}/__admin/attachments/${attachment.Id}`);
    expect(Buffer.from(await stored.arrayBuffer())).toEqual(pdf);
  });
});

describe("rate limit: 10 calls a second per subscription key", () => {
  it("retries a 429 after the window and succeeds", async () => {
    sim.setSettings({ rateLimitPerSecond: 10 });
    const c = client();
    const started = Date.now();
    const pages = await Promise.all(Array.from({ length: 15 }, () => c.listVatCodes({ pageNumber: 1, pageSize: 1 })));
    expect(pages.every((p) => p.size === 1)).toBe(true);
    expect(c.exchanges.some((e) => e.status === 429)).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });

  it("throws a rate limit error with Retry-After when the retries run out", async () => {
    sim.setSettings({ rateLimitPerSecond: 10, retryAfterHeader: true });
    const c = client({ maxRetries: 0 });
    const results = await Promise.allSettled(Array.from({ length: 12 }, () => c.listVatCodes({ pageNumber: 1, pageSize: 1 })));
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === "rejected").map((r) => r.reason as PowerOfficeRateLimitError);
    expect(refused.length).toBeGreaterThan(0);
    expect(refused[0]).toBeInstanceOf(PowerOfficeRateLimitError);
    expect(refused[0]).toMatchObject({ status: 429, retryAfterMs: 1_000 });
    expect(refused[0]!.logMessage).toEqual({ key: "connectors.poweroffice.log.rateLimited", params: { detail: expect.stringMatching(/Rate limit is exceeded/) } });
  });

  it("two Go clients of one subscription key share the gate: 30 concurrent calls, no 429 left unretried", async () => {
    sim.setSettings({ rateLimitPerSecond: 10 });
    const nordlys = client({ rateGate: undefined });
    const sjomat = client({ rateGate: undefined, clientKey: SJOMAT });
    const calls = Array.from({ length: 30 }, (_, i) => (i % 2 ? sjomat : nordlys).getClientIntegrationInformation());
    const infos = await Promise.all(calls);
    expect(new Set(infos.map((i) => i.ClientName))).toEqual(new Set(["Nordlys Interiør AS", "Tromsø Sjømat AS"]));
    expect(sim.state.stats.refusedByRateLimit[SUBSCRIPTION_KEY]).toBeGreaterThan(0);
  });

  it("after one client's 429, the other client of the key waits at the gate instead of being refused; another key does not wait", async () => {
    sim.setSettings({ rateLimitPerSecond: 10 });
    let refusedAt = 0;
    let firstRefusal!: () => void;
    const refusal = new Promise<void>((r) => (firstRefusal = r));
    const a = client({
      rateGate: undefined,
      onRequest: (i) => {
        if (i.status === 429 && !refusedAt) {
          refusedAt = Date.now();
          firstRefusal();
        }
      },
    });
    const b = client({ rateGate: undefined, clientKey: SJOMAT });
    const other = client({ rateGate: undefined, clientKey: SJOMAT, subscriptionKey: OTHER_SUBSCRIPTION_KEY });

    const burst = Promise.all(Array.from({ length: 14 }, () => a.listVatCodes({ pageNumber: 1, pageSize: 1 })));
    await refusal;
    const [bDone, otherDone] = await Promise.all([
      b.getClientIntegrationInformation().then(() => Date.now()),
      other.getClientIntegrationInformation().then(() => Date.now()),
    ]);
    await burst;
    expect(b.exchanges.map((e) => e.status)).toEqual([200, 200]); // its token and its call, neither refused
    expect(bDone - refusedAt).toBeGreaterThanOrEqual(900);
    expect(otherDone - refusedAt).toBeLessThan(500);
  });
});
