import os from "node:os";
import path from "node:path";
import { defineConfig } from "@playwright/test";
import { simulators } from "./scripts/simulators";

// Ports of their own, so the suite can run beside `npm run dev`.
const appUrl = "http://127.0.0.1:3100";
const hostUrl = "http://localhost:4110";
// each simulator on its development port + 100
const vendors = simulators(100, {});
// what the run writes (the app's PGlite and key, traces, screenshots) stays out of the tree the dev
// server watches: a file changing there can set off its rebuild-and-reload loop mid-test
const dataDir = path.join(os.tmpdir(), "ledgerlink-e2e", "data");

const env: Record<string, string> = {
  ...(process.env as Record<string, string>),
  LEDGERLINK_APP_URL: appUrl,
  HOST_API_URL: hostUrl,
  HOST_AUTH_URL: hostUrl,
  HOST_ALLOWED_ORIGINS: hostUrl,
  SANDBOX_HOST_PORT: "4110",
  ...Object.assign({}, ...vendors.map((v) => v.env)),
  LEDGERLINK_DATA_DIR: dataDir,
};

export default defineConfig({
  testDir: "tests/e2e",
  globalSetup: "./tests/e2e/warm-up.ts",
  timeout: 120_000,
  expect: { timeout: 20_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [["list"]],
  outputDir: path.join(os.tmpdir(), "ledgerlink-e2e", "test-results"),
  use: {
    baseURL: hostUrl,
    screenshot: "only-on-failure",
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--disable-features=LocalNetworkAccessChecks",
      ],
    },
  },
  webServer: [
    { command: "tsx sandbox/host/main.ts", url: `${hostUrl}/__admin/stats`, env, reuseExistingServer: false, timeout: 60_000 },
    ...vendors.map((v) => ({ command: v.command, url: v.readyUrl, env, reuseExistingServer: false, timeout: 60_000 })),
    {
      command: `rm -rf ${JSON.stringify(dataDir)} && next dev --hostname 127.0.0.1 --port 3100`,
      url: `${appUrl}/api/host/manifest`,
      env,
      reuseExistingServer: false,
      timeout: 240_000,
    },
  ],
});
