import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { PowerOfficeSimulator } from "../../sandbox/vendors/poweroffice/server";
import { api, CLIENTS, OTHER_SUBSCRIPTION_KEY, requestToken, startSim, tokenFor } from "./helpers";

let sim: PowerOfficeSimulator;
let now = Date.parse("2024-06-03T10:00:00Z");

beforeAll(async () => {
  sim = await startSim({ clock: () => new Date(now) });
});
afterAll(() => sim.close());
beforeEach(() => sim.reset());

describe("POST /OAuth/Token", () => {
  it("gives a bearer token for the application key and a client key; the token reads that client", async () => {
    const res = await requestToken(sim, { clientKey: CLIENTS.sjomat.key });
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toEqual({ access_token: expect.any(String), token_type: "bearer", expires_in: 600 });
    expect(body).not.toHaveProperty("refresh_token");
    const info = await api(sim, body.access_token as string).json(api(sim, body.access_token as string).get("/ClientIntegrationInformation"));
    expect(info.ClientName).toBe("Tromsø Sjømat AS");
    // the same token works with the other subscription key of the deployment
    const other = api(sim, body.access_token as string, { subscriptionKey: OTHER_SUBSCRIPTION_KEY });
    expect((await other.get("/ClientIntegrationInformation")).status).toBe(200);
  });

  it("refuses a wrong client key or application key with 400 invalid_client", async () => {
    const wrongClient = await requestToken(sim, { clientKey: "no-such-client-key" });
    expect(wrongClient.status).toBe(400);
    expect(await wrongClient.json()).toMatchObject({ error: "invalid_client", error_description: expect.stringMatching(/client key/) });
    const wrongApp = await requestToken(sim, { applicationKey: "someone-elses-app" });
    expect(wrongApp.status).toBe(400);
    expect(await wrongApp.json()).toMatchObject({ error: "invalid_client", error_description: expect.stringMatching(/application key/) });
    const noBasic = await fetch(`${sim.url}/OAuth/Token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", "ocp-apim-subscription-key": "sandbox-subscription-key" },
      body: "grant_type=client_credentials",
    });
    expect(noBasic.status).toBe(400);
    expect(((await noBasic.json()) as { error: string }).error).toBe("invalid_client");
  });

  it("needs the subscription key: missing or unknown is API Management's 401", async () => {
    const missing = await requestToken(sim, { subscriptionKey: null });
    expect(missing.status).toBe(401);
    expect(await missing.json()).toEqual({ statusCode: 401, message: expect.stringMatching(/missing subscription key/) });
    const unknown = await requestToken(sim, { subscriptionKey: "not-a-key" });
    expect(unknown.status).toBe(401);
    expect(((await unknown.json()) as { message: string }).message).toMatch(/invalid subscription key/);
  });

  it("only knows grant_type=client_credentials", async () => {
    const res = await requestToken(sim, { form: "grant_type=password" });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toBe("unsupported_grant_type");
  });

  it("expires tokens after the configured lifetime; a new token is simply requested again", async () => {
    sim.setSettings({ tokenExpiresInSeconds: 1200 });
    const res = await requestToken(sim);
    const body = (await res.json()) as { access_token: string; expires_in: number };
    expect(body.expires_in).toBe(1200);
    const c = api(sim, body.access_token);
    expect((await c.get("/VatCodes")).status).toBe(200);
    now += 1200 * 1000;
    const expired = await c.get("/VatCodes");
    expect(expired.status).toBe(401);
    expect(expired.headers.get("www-authenticate")).toMatch(/invalid_token/);
    expect(((await expired.json()) as { Detail: string }).Detail).toMatch(/expired/);
    expect((await api(sim, await tokenFor(sim)).get("/VatCodes")).status).toBe(200);
  });
});

describe("the demo environment", () => {
  it("issues demo tokens at /Demo/OAuth/Token for demo clients, valid on /Demo/v2 only", async () => {
    const prodKeyOnDemo = await requestToken(sim, { demo: true, clientKey: CLIENTS.nordlys.key });
    expect(prodKeyOnDemo.status).toBe(400);
    const demoKeyOnProd = await requestToken(sim, { clientKey: CLIENTS.demo.key });
    expect(demoKeyOnProd.status).toBe(400);

    const token = await tokenFor(sim, CLIENTS.demo.key, { demo: true });
    const demo = api(sim, token, { demo: true });
    const customers = await demo.json<Array<{ Name: string }>>(demo.get("/Customers"));
    expect(customers.map((c) => c.Name)).toEqual(["Demokunde AS"]);
    const onProduction = await api(sim, token).get("/Customers");
    expect(onProduction.status).toBe(401);
    expect(((await onProduction.json()) as { Detail: string }).Detail).toMatch(/other environment/);
  });
});

describe("every API call", () => {
  it("needs a valid bearer token and the subscription key", async () => {
    const token = await tokenFor(sim);
    const noKey = await fetch(`${sim.url}/v2/Customers`, { headers: { authorization: `Bearer ${token}` } });
    expect(noKey.status).toBe(401);
    expect(((await noKey.json()) as { statusCode: number }).statusCode).toBe(401);

    const noToken = await fetch(`${sim.url}/v2/Customers`, { headers: { "ocp-apim-subscription-key": "sandbox-subscription-key" } });
    expect(noToken.status).toBe(401);
    expect(await noToken.json()).toMatchObject({ Status: 401, Title: "Unauthorized", Instance: "/v2/Customers" });

    const badToken = await api(sim, "made-up-token").get("/Customers");
    expect(badToken.status).toBe(401);
    expect(((await badToken.json()) as { Detail: string }).Detail).toMatch(/not valid/);
  });

  it("loses its tokens on reset", async () => {
    const token = await tokenFor(sim);
    expect((await api(sim, token).get("/VatCodes")).status).toBe(200);
    sim.reset();
    expect((await api(sim, token).get("/VatCodes")).status).toBe(401);
  });
});
