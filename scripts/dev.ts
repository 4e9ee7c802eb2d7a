/**
 * `npm run dev`: the app, the sandbox CRM and the vendor simulators on one machine, with
 * PGlite when DATABASE_URL is unset. Prints the one URL to open: the CRM's Marketplace.
 */
import concurrently from "concurrently";
import { simulators } from "./simulators";

const appPort = process.env.PORT ?? "3000";
const hostPort = process.env.SANDBOX_HOST_PORT ?? "4010";
const vendors = simulators();
const appUrl = process.env.LEDGERLINK_APP_URL ?? `http://127.0.0.1:${appPort}`;
const hostUrl = `http://localhost:${hostPort}`;

const env = {
  ...process.env,
  LEDGERLINK_APP_URL: appUrl,
  HOST_API_URL: process.env.HOST_API_URL ?? hostUrl,
  HOST_AUTH_URL: process.env.HOST_AUTH_URL ?? hostUrl,
  HOST_ALLOWED_ORIGINS: process.env.HOST_ALLOWED_ORIGINS ?? hostUrl,
  SANDBOX_HOST_PORT: hostPort,
  ...Object.assign({}, ...vendors.map((v) => v.env)),
};
const colors = ["yellow", "green", "blue", "red", "gray"];

const { result } = concurrently(
  [
    { name: "app", command: `next dev --hostname 127.0.0.1 --port ${appPort}`, prefixColor: "cyan", env },
    { name: "crm", command: "tsx sandbox/host/main.ts", prefixColor: "magenta", env },
    ...vendors.map((v, i) => ({ name: v.name, command: v.command, prefixColor: colors[i % colors.length], env })),
  ],
  { killOthersOn: ["failure", "success"], prefix: "name" },
);

async function waitFor(url: string): Promise<void> {
  for (let i = 0; i < 240; i++) {
    try {
      const res = await fetch(url);
      if (res.status < 500) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${url} did not come up`);
}

Promise.all([waitFor(`${appUrl}/api/host/manifest`), waitFor(`${hostUrl}/marketplace`), ...vendors.map((v) => waitFor(v.readyUrl))])
  .then(() => {
    console.log(`\n  Ledgerlink is running. Open the sandbox CRM's Marketplace:\n\n    ${hostUrl}/marketplace\n`);
  })
  .catch((err) => console.error(String(err)));

result.catch(() => process.exit(1));
