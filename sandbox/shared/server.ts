/**
 * Starting and stopping the sandbox's node:http servers, and the request loop
 * of a vendor simulator: an answer for a body over the limit and for an
 * unhandled error, and a log line per request.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { BodyTooLarge, sendJson } from "./http";

/** Resolves once the server listens; rejects when it cannot (the port is taken, the address is missing). */
export function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolvePromise();
    });
  });
}

/** Stops listening and ends every connection, also those kept alive or left hanging on purpose. */
export function closeServer(server: Server): Promise<void> {
  return new Promise<void>((resolvePromise) => {
    server.close(() => resolvePromise());
    server.closeAllConnections();
  });
}

/** Where a simulator listens, as its start options say. */
export interface ListenOptions {
  /** 0 = any free port. */
  port: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Log each request to stderr. */
  log?: boolean;
}

export interface SimulatorServerOptions {
  /** Prefix of the log lines, e.g. "snelstart-sim". */
  name: string;
  /** Answers a request; `url` is the request's path and query, `method` its method in capitals. */
  handle(req: IncomingMessage, res: ServerResponse, url: URL, method: string): Promise<void>;
  /** The vendor's JSON bodies for a request body over the limit (413) and an unhandled error (500); `path` is the request URL. */
  errorBodies: { tooLarge(path: string): unknown; internal(path: string): unknown };
}

export interface RunningServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Starts a vendor simulator's HTTP server: `handle` answers each request. */
export async function startSimulatorServer(where: ListenOptions, opts: SimulatorServerOptions): Promise<RunningServer> {
  // async, so that a request target that is no URL is answered 500 like any other error
  const answer = async (req: IncomingMessage, res: ServerResponse) =>
    opts.handle(req, res, new URL(req.url ?? "/", "http://localhost"), (req.method ?? "GET").toUpperCase());
  const server = createServer((req, res) => {
    const started = Date.now();
    answer(req, res)
      .catch((err: unknown) => {
        const path = req.url ?? "/";
        if (err instanceof BodyTooLarge) {
          if (!res.headersSent) sendJson(res, 413, opts.errorBodies.tooLarge(path));
          return;
        }
        console.error(`[${opts.name}] unhandled error`, err);
        if (!res.headersSent) sendJson(res, 500, opts.errorBodies.internal(path));
        else res.destroy();
      })
      .finally(() => {
        if (where.log) console.error(`[${opts.name}] ${req.method} ${req.url} → ${res.statusCode} (${Date.now() - started} ms)`);
      });
  });
  server.keepAliveTimeout = 5_000;
  await listen(server, where.port, where.host ?? "127.0.0.1");
  const addr = server.address() as AddressInfo;
  return { url: `http://${addr.address}:${addr.port}`, port: addr.port, close: () => closeServer(server) };
}

/** For a CLI: SIGINT or SIGTERM closes the server and exits (with 1 when closing fails). */
export function closeOnSignals(close: () => Promise<void>): void {
  const stop = () => {
    close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}
