import { z } from "zod";

const csv = z
  .string()
  .transform((v) => v.split(",").map((s) => s.trim()).filter(Boolean));

/** Every environment variable the app reads, with its development default. */
const configSchema = z.object({
  NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
  LEDGERLINK_APP_URL: z.url().default("http://127.0.0.1:3000"),
  LEDGERLINK_APP_ID: z.string().min(1).default("ledgerlink"),
  LEDGERLINK_APP_SECRET: z.string().min(16).default("dev-app-secret-change-me"),
  HOST_ALLOWED_ORIGINS: csv.default(["http://localhost:4010"]),
  HOST_API_URL: z.url().default("http://localhost:4010"),
  /** Tribe's auth server, a host of its own (production https://auth.tribecrm.nl, staging https://auth-staging.tribecrm.nl) */
  HOST_AUTH_URL: z.url().default("http://localhost:4010"),
  /** how the app gets the CRM's tokens: the organisation's consent (Tribe's marketplace flow) or client credentials */
  HOST_AUTH_FLOW: z.enum(["authorization_code", "client_credentials"]).default("authorization_code"),
  HOST_OAUTH_SCOPE: z.string().min(1).default("read write offline"),
  HOST_CLIENT_ID: z.string().min(1).default("ledgerlink"),
  HOST_CLIENT_SECRET: z.string().min(1).default("sandbox-client-secret"),
  HOST_WEBHOOK_SECRET: z.string().min(8).default("dev-webhook-secret"),
  /** Tribe does not publish the name of the header its signature is in */
  HOST_WEBHOOK_SIGNATURE_HEADER: z.string().min(1).default("x-tribe-signature"),
  /** where the host delivers webhooks; default `<LEDGERLINK_APP_URL>/api/host/webhooks` */
  HOST_WEBHOOK_URL: z.string().default(""),
  /** a header naming each delivery, if the host sends one (Tribe documents none) */
  HOST_WEBHOOK_DELIVERY_HEADER: z.string().default(""),
  /** write house numbers to the CRM's HouseNumber/HouseNumberAddition (not documented by Tribe) instead of into Street */
  HOST_HOUSE_NUMBER_FIELDS: z.enum(["true", "false"]).default("false").transform((v) => v === "true"),
  AUTH_SECRET: z.string().min(16).default("dev-auth-secret-change-me-please"),
  SNELSTART_API_URL: z.url().default("http://127.0.0.1:4020/v2"),
  SNELSTART_AUTH_URL: z.url().default("http://127.0.0.1:4020/b2b/token"),
  SNELSTART_SUBSCRIPTION_KEY: z.string().default("sandbox-subscription-key"),
  /** PowerOffice Go API v2: production https://goapi.poweroffice.net/v2, demo https://goapi.poweroffice.net/Demo/v2 */
  POWEROFFICE_API_URL: z.url().default("http://127.0.0.1:4030/v2"),
  /** production https://goapi.poweroffice.net/OAuth/Token, demo https://goapi.poweroffice.net/Demo/OAuth/Token */
  POWEROFFICE_TOKEN_URL: z.url().default("http://127.0.0.1:4030/OAuth/Token"),
  /** the integration's application key (one per deployment; the client key is each Go client's) */
  POWEROFFICE_APPLICATION_KEY: z.string().min(1).default("sandbox-application-key-ledgerlink"),
  /** the developer subscription's key; Go's rate limit (10 calls a second) counts per subscription key */
  POWEROFFICE_SUBSCRIPTION_KEY: z.string().min(1).default("sandbox-subscription-key"),
  /**
   * Scales every request budget (lib/http/request-budget: the vendors' declared rate limits, paced
   * in advance): each declared limit is multiplied by it, and 0 turns the budgets off, so calls go
   * out at once and only a vendor's 429 slows them. Unset: 1, but 0 under NODE_ENV=test (vitest),
   * so tests and the in-process simulators are not paced unless a test sets it; the bench sets 0
   * as well (bench/world.ts) unless its environment says otherwise.
   */
  REQUEST_BUDGET_SCALE: z.coerce.number().min(0).optional(),
});

export type AppConfig = Omit<z.infer<typeof configSchema>, "REQUEST_BUDGET_SCALE"> & { REQUEST_BUDGET_SCALE: number };

const productionRequired = [
  "LEDGERLINK_APP_URL",
  "LEDGERLINK_APP_SECRET",
  "HOST_ALLOWED_ORIGINS",
  "HOST_API_URL",
  "HOST_AUTH_URL",
  "HOST_CLIENT_SECRET",
  "HOST_WEBHOOK_SECRET",
  "AUTH_SECRET",
] as const;

export function parseConfig(env: Record<string, string | undefined> = process.env): AppConfig {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new Error(`Invalid configuration: ${fields}`);
  }
  // `next build` imports the server code with NODE_ENV=production but serves nothing
  const building = env.NEXT_PHASE === "phase-production-build";
  if (parsed.data.NODE_ENV === "production" && !building && env.LEDGERLINK_ALLOW_DEV_DEFAULTS !== "1") {
    const missing = productionRequired.filter((k) => !env[k]);
    if (missing.length) throw new Error(`Missing configuration in production: ${missing.join(", ")}`);
  }
  const scale = parsed.data.REQUEST_BUDGET_SCALE ?? (parsed.data.NODE_ENV === "test" ? 0 : 1);
  return { ...parsed.data, REQUEST_BUDGET_SCALE: scale };
}

let cached: AppConfig | undefined;
export function config(): AppConfig {
  cached ??= parseConfig();
  return cached;
}

/** Tests point the app at sandboxes on random ports: read the environment again. */
export function resetConfigForTests() {
  cached = undefined;
}
