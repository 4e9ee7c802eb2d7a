// CLI: npx tsx sandbox/host/main.ts
import { closeOnSignals } from "../shared/server";
import { startHostSandbox } from "./server";

const env = process.env;
const host = await startHostSandbox({
  port: Number(env.SANDBOX_HOST_PORT ?? 4010),
  appUrl: env.LEDGERLINK_APP_URL ?? "http://127.0.0.1:3000",
  appSecret: env.LEDGERLINK_APP_SECRET ?? "dev-app-secret-change-me",
  webhookSecret: env.HOST_WEBHOOK_SECRET ?? "dev-webhook-secret",
  clientId: env.HOST_CLIENT_ID ?? "ledgerlink",
  clientSecret: env.HOST_CLIENT_SECRET ?? "sandbox-client-secret",
  seedFile: env.SANDBOX_HOST_SEED || undefined,
});

const tenants = [...host.state.store.tenants.values()].map((t) => `${t.name} (${t.id})`).join(", ");
console.log(`[sandbox-host] Sandbox CRM on ${host.publicUrl} (app ${host.state.appUrl}); tenants: ${tenants}`);

closeOnSignals(host.close);
