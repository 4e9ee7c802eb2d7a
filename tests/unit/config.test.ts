import { describe, expect, it } from "vitest";
import { parseConfig } from "@/lib/config";

const production = {
  NODE_ENV: "production",
  LEDGERLINK_APP_URL: "https://ledgerlink.example",
  LEDGERLINK_APP_SECRET: "a-production-app-secret",
  HOST_ALLOWED_ORIGINS: "https://app.tribecrm.nl",
  HOST_API_URL: "https://api.tribecrm.nl",
  HOST_AUTH_URL: "https://auth.tribecrm.nl",
  HOST_CLIENT_SECRET: "a-client-secret",
  HOST_WEBHOOK_SECRET: "a-webhook-secret",
  AUTH_SECRET: "a-production-auth-secret",
};

describe("configuration", () => {
  it("starts in production with every required value, signing in with the organisation's consent by default", () => {
    const c = parseConfig(production);
    expect(c.HOST_AUTH_URL).toBe("https://auth.tribecrm.nl");
    expect(c.HOST_AUTH_FLOW).toBe("authorization_code");
  });

  it("refuses to start in production on a sandbox default: the CRM's auth server is a host of its own", () => {
    const { HOST_AUTH_URL: _, ...withoutAuth } = production;
    expect(() => parseConfig(withoutAuth)).toThrow("Missing configuration in production: HOST_AUTH_URL");
  });

  it("names the variable that is wrong", () => {
    expect(() => parseConfig({ ...production, HOST_AUTH_FLOW: "password" })).toThrow(/HOST_AUTH_FLOW/);
  });

  it("paces calls at the declared limits, but not under test unless told to", () => {
    expect(parseConfig(production).REQUEST_BUDGET_SCALE).toBe(1);
    expect(parseConfig({ NODE_ENV: "test" }).REQUEST_BUDGET_SCALE).toBe(0);
    expect(parseConfig({ NODE_ENV: "test", REQUEST_BUDGET_SCALE: "0.5" }).REQUEST_BUDGET_SCALE).toBe(0.5);
    expect(() => parseConfig({ REQUEST_BUDGET_SCALE: "-1" })).toThrow(/REQUEST_BUDGET_SCALE/);
  });
});
