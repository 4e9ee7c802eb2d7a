// The sandbox host CRM (a stand-in for Tribe CRM): OData API, its auth server, webhooks, Marketplace and web UI.
// See docs/host-api.md for the contract and sandbox/host/README.md for how to run it.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { handleAdmin } from "./admin";
import { handleOData, handleWebhooksApi } from "./api";
import { escapeHtml } from "../shared/html";
import { closeServer, listen } from "../shared/server";
import { HttpError } from "./errors";
import { sendError, sendHtml } from "./http";
import { handleAuthorize, handleDecision, handleToken } from "./oauth";
import { HostState, type HostOptions } from "./state";
import type { SeedDocument } from "./store";
import { handleUi } from "./ui/index";

export type { HostOptions } from "./state";
export { signWebhook } from "./webhooks";

export interface HostSandbox {
  /** http://127.0.0.1:<port> */
  url: string;
  /** http://localhost:<port> (what a browser uses) */
  publicUrl: string;
  port: number;
  state: HostState;
  reset(doc?: SeedDocument): void;
  /** resolve when no webhook delivery is pending */
  waitForWebhooks(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

async function route(state: HostState, req: IncomingMessage, res: ServerResponse) {
  const url = new URL(req.url ?? "/", "http://localhost");
  const p = url.pathname;
  // the authorization endpoint is a browser page: its errors are HTML
  const isAuthPage = p === "/oauth2/auth" || p.startsWith("/oauth2/auth/");
  const isApi = p.startsWith("/v1/") || p === "/v1" || (p.startsWith("/oauth2/") && !isAuthPage) || p.startsWith("/__admin");
  try {
    if (p === "/oauth2/token" || p === "/oauth2/token/") return await handleToken(state, req, res);
    if (p === "/oauth2/auth" || p === "/oauth2/auth/") return await handleAuthorize(state, req, res, url);
    if (p === "/oauth2/auth/decision") return await handleDecision(state, req, res);
    if (p.startsWith("/v1/odata")) return await handleOData(state, req, res, url);
    if (p === "/v1/webhooks" || p.startsWith("/v1/webhooks/")) return await handleWebhooksApi(state, req, res, url);
    if (p.startsWith("/__admin/")) return await handleAdmin(state, req, res, url);
    if (p === "/healthz") return sendError(res, 200, "OK", "sandbox host is up");
    if (isApi) throw new HttpError(404, "NotFound", `No resource at ${p}`);
    return await handleUi(state, req, res, url);
  } catch (err) {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const status = err instanceof HttpError ? err.status : 500;
    const code = err instanceof HttpError ? err.code : "InternalServerError";
    const message = err instanceof Error ? err.message : String(err);
    if (status >= 500) console.error("[sandbox-host]", req.method, req.url, err);
    if (isApi) return sendError(res, status, code, message, err instanceof HttpError ? err.headers : {});
    sendHtml(
      res,
      status,
      `<!doctype html><html lang="nl"><head><meta charset="utf-8"><title>Fout · Sandbox CRM</title></head><body><h1>Sandbox CRM</h1><div role="alert">${escapeHtml(message)}</div><p><a href="/marketplace">Terug</a></p></body></html>`,
    );
  }
}

export async function startHostSandbox(opts: HostOptions = {}): Promise<HostSandbox> {
  const state = new HostState(opts);
  const handler = (req: IncomingMessage, res: ServerResponse) => void route(state, req, res);
  const v4 = createServer(handler);
  v4.keepAliveTimeout = 5000;
  await listen(v4, opts.port ?? 4010, "127.0.0.1");
  const port = (v4.address() as AddressInfo).port;
  // also answer on ::1 so http://localhost:<port> works whichever way localhost resolves
  let v6: Server | null = createServer(handler);
  try {
    await listen(v6, port, "::1");
  } catch {
    v6.close();
    v6 = null;
  }
  const servers = [v4, ...(v6 ? [v6] : [])];
  return {
    url: `http://127.0.0.1:${port}`,
    publicUrl: `http://localhost:${port}`,
    port,
    state,
    reset: (doc) => state.reset(doc),
    waitForWebhooks: (timeoutMs) => state.webhooks.idle(timeoutMs),
    close: async () => {
      state.webhooks.reset();
      await Promise.all(servers.map(closeServer));
    },
  };
}
