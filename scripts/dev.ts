/**
 * `npm run dev`: the app, the sandbox CRM and the vendor simulators on one machine, with
 * PGlite when DATABASE_URL is unset. Prints the one URL to open: the CRM's Marketplace.
 */
import concurrently from "concurrently";

const appPort = process.env.PORT ?? "3000";
const hostPort = process.env.SANDBOX_HOST_PORT ?? "4010";
const snelstartPort = process.env.SNELSTART_SIM_PORT ?? "4020";
const appUrl = process.env.LEDGERLINK_APP_URL ?? `http://127.0.0.1:${appPort}`;
const hostUrl = `http://localhost:${hostPort}`;

const env = {
  ...process.env,
  LEDGERLINK_APP_URL: appUrl,
  HOST_API_URL: process.env.HOST_API_URL ?? hostUrl,
  HOST_AUTH_URL: process.env.HOST_AUTH_URL ?? hostUrl,
  HOST_ALLOWED_ORIGINS: process.env.HOST_ALLOWED_ORIGINS ?? hostUrl,
  SANDBOX_HOST_PORT: hostPort,
  SNELSTART_SIM_PORT: snelstartPort,
  SNELSTART_API_URL: process.env.SNELSTART_API_URL ?? `http://127.0.0.1:${snelstartPort}/v2`,
  SNELSTART_AUTH_URL: process.env.SNELSTART_AUTH_URL ?? `http://127.0.0.1:${snelstartPort}/b2b/token`,
};

const { result } = concurrently(
  [
    { name: "app", command: `next dev --hostname 127.0.0.1 --port ${appPort}`, prefixColor: "cyan", env },
    { name: "crm", command: "tsx sandbox/host/main.ts", prefixColor: "magenta", env },
    { name: "snelstart", command: "tsx sandbox/vendors/snelstart/main.ts", prefixColor: "yellow", env },
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

Promise.all([waitFor(`${appUrl}/api/host/manifest`), waitFor(`${hostUrl}/marketplace`), waitFor(`http://127.0.0.1:${snelstartPort}/__admin/ui`)])
  .then(() => {
    console.log(`\n  Ledgerlink is running. Open the sandbox CRM's Marketplace:\n\n    ${hostUrl}/marketplace\n`);
  })
  .catch((err) => console.error(String(err)));

result.catch(() => process.exit(1));
