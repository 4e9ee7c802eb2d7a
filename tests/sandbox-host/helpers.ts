import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach } from "vitest";
import { startHostSandbox, type HostOptions, type HostSandbox } from "../../sandbox/host/server";

export const T1 = "7ad63a7b-6a76-57a8-a6c4-46099c1d4411"; // Sandbox BV
export const T2 = "11330df0-a15e-595f-85f9-7c9a298287a1"; // Fjordhandel AS
export const CLIENT = { client_id: "ledgerlink", client_secret: "sandbox-client-secret" };

export async function startHost(opts: HostOptions = {}): Promise<HostSandbox> {
  return startHostSandbox({ port: 0, appUrl: "http://127.0.0.1:9", ...opts });
}

export async function install(host: HostSandbox, tenant = T1) {
  const r = await fetch(`${host.url}/__admin/install`, { method: "POST", body: JSON.stringify({ tenant }) });
  if (!r.ok) throw new Error(`install failed ${r.status}`);
}

export async function token(host: HostSandbox, tenant = T1): Promise<string> {
  const r = await fetch(`${host.url}/oauth2/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "client_credentials", ...CLIENT, scope: "read write offline", organization_id: tenant }),
  });
  const j = (await r.json()) as { access_token?: string };
  if (!r.ok || !j.access_token) throw new Error(`token failed ${r.status} ${JSON.stringify(j)}`);
  return j.access_token;
}

export function api(host: HostSandbox, tok: string) {
  const call = async (method: string, path: string, body?: unknown) => {
    const r = await fetch(`${host.url}/v1/odata/${path}`, {
      method,
      headers: { authorization: `Bearer ${tok}`, ...(body !== undefined ? { "content-type": "application/json" } : {}) },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const text = await r.text();
    let json: any = undefined;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = text;
    }
    return { status: r.status, json, headers: r.headers };
  };
  return {
    get: (p: string) => call("GET", p),
    post: (p: string, b: unknown) => call("POST", p, b),
    put: (p: string, b: unknown) => call("PUT", p, b),
    del: (p: string) => call("DELETE", p),
  };
}

/** Set by `useInstalledHost` (live bindings: import them, read them in tests and hooks). */
export let host: HostSandbox;
export let A: ReturnType<typeof api>;

/**
 * One sandbox CRM for the test file (`host`); before each test it is back to
 * its seed and default config with the app installed on T1, and `A` is an
 * OData client with a fresh token.
 */
export function useInstalledHost(): void {
  beforeAll(async () => {
    host = await startHost();
  });
  afterAll(async () => {
    await host.close();
  });
  beforeEach(async () => {
    await fetch(`${host.url}/__admin/reset`, { method: "POST" });
    await install(host);
    A = api(host, await token(host));
  });
}

export interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
}

/** A tiny local HTTP server: answers the app manifest and records webhook POSTs. */
export async function startReceiver(opts: { manifest?: unknown; failFirst?: number; status?: number } = {}) {
  const received: Received[] = [];
  let failures = opts.failFirst ?? 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      if (req.url === "/api/host/manifest" && opts.manifest) {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify(opts.manifest));
        return;
      }
      if (req.method === "POST") {
        received.push({ headers: req.headers, body: Buffer.concat(chunks).toString("utf8"), at: Date.now() });
        if (failures > 0) {
          failures--;
          res.writeHead(500);
          res.end("fail");
          return;
        }
        res.writeHead(opts.status ?? 200);
        res.end("ok");
        return;
      }
      res.writeHead(404);
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    received,
    close: () => new Promise<void>((r) => { server.close(() => r()); server.closeAllConnections(); }),
  };
}

export const MANIFEST = {
  id: "ledgerlink",
  name: { nl: "Ledgerlink", fr: "Ledgerlink", en: "Ledgerlink" },
  description: { nl: "Koppel je boekhouding", fr: "Reliez votre comptabilité", en: "Connect your accounting" },
  category: "Financial",
  icon: "/icon.svg",
  listings: [
    {
      id: "snelstart",
      name: { nl: "SnelStart koppeling", fr: "SnelStart", en: "SnelStart connector" },
      description: { nl: "Relaties en facturen naar SnelStart", fr: "SnelStart", en: "Relations and invoices to SnelStart" },
      category: "Financial",
      entryUrl: "/embedded/snelstart?x=1",
    },
    {
      id: "winbooks",
      name: { nl: "Winbooks koppeling", fr: "Winbooks", en: "Winbooks connector" },
      description: { nl: "Winbooks", fr: "Winbooks", en: "Winbooks" },
      category: "Financial",
      entryUrl: "/embedded/winbooks",
    },
  ],
  scopes: ["read", "write", "offline"],
  webhooks: { url: "/api/host/webhooks", events: ["Relation.Organization", "Activity.Invoice"] },
  frameAncestors: ["http://localhost:4010"],
};
