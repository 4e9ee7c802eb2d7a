/**
 * Small node:http helpers shared by the sandbox servers (the vendor
 * simulators and the sandbox CRM): reading a body with a size limit, and
 * JSON, HTML, file and redirect answers.
 */
import type { IncomingMessage, ServerResponse } from "node:http";

const MAX_BODY_BYTES = 50 * 1024 * 1024;

/** A request body over the limit; the request is destroyed, the caller answers 413 (if it still can). */
export class BodyTooLarge extends Error {}

export function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  return new Promise((resolvePromise, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        reject(new BodyTooLarge());
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on("end", () => resolvePromise(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

/** A JSON answer; `body` undefined sends no body at all (204 and the like). */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = body === undefined ? "" : JSON.stringify(body);
  res.writeHead(status, {
    ...(body === undefined ? {} : { "content-type": "application/json; charset=utf-8" }),
    "content-length": String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}

/** File bytes, as a download (`attachment`) or shown in the browser (`inline`). */
export function sendBytes(
  res: ServerResponse,
  status: number,
  data: Buffer,
  contentType: string,
  fileName: string,
  disposition: "attachment" | "inline" = "attachment",
): void {
  res.writeHead(status, {
    "content-type": contentType,
    "content-length": String(data.length),
    "content-disposition": `${disposition}; filename="${fileName.replace(/["\\\r\n]/g, "_")}"`,
  });
  res.end(data);
}

export function sendHtml(res: ServerResponse, status: number, html: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, {
    "content-type": "text/html; charset=utf-8",
    "content-length": String(Buffer.byteLength(html)),
    ...headers,
  });
  res.end(html);
}

/** 303 See Other, with an empty body. */
export function redirect(res: ServerResponse, location: string): void {
  res.writeHead(303, { location, "content-length": "0" });
  res.end();
}

/** First value of each query parameter. */
export function queryRecord(url: URL): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of url.searchParams) if (!(k in out)) out[k] = v;
  return out;
}

/** The request's media type: `Content-Type` without parameters, lower case ("" without one). */
export function mediaType(req: IncomingMessage): string {
  return String(req.headers["content-type"] ?? "")
    .split(";")[0]!
    .trim()
    .toLowerCase();
}

/** The first value of a request header. */
export function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
