import type { IncomingMessage, ServerResponse } from "node:http";
import { BodyTooLarge, readBody as readBodyBytes, sendHtml as sendHtmlAnswer, sendJson } from "../shared/http";
import { HttpError } from "./errors";

/** The body as text; over `limit` bytes a 413 PayloadTooLarge. */
export async function readBody(req: IncomingMessage, limit = 200 * 1024 * 1024): Promise<string> {
  try {
    return (await readBodyBytes(req, limit)).toString("utf8");
  } catch (e) {
    if (e instanceof BodyTooLarge) throw new HttpError(413, "PayloadTooLarge", "Body too large");
    throw e;
  }
}

export function parseJson(raw: string): unknown {
  if (raw.trim() === "") return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    throw new HttpError(400, "InvalidJson", "The body is not valid JSON");
  }
}

export function sendError(res: ServerResponse, status: number, code: string, message: string, headers: Record<string, string> = {}) {
  sendJson(res, status, { error: { code, message } }, headers);
}

/** A page of the CRM; the browser keeps no copy. */
export function sendHtml(res: ServerResponse, status: number, html: string, headers: Record<string, string> = {}) {
  sendHtmlAnswer(res, status, html, { "cache-control": "no-store", ...headers });
}

export function redirect(res: ServerResponse, location: string, headers: Record<string, string | string[]> = {}) {
  res.writeHead(303, { location, ...headers });
  res.end();
}

export function parseCookies(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (req.headers.cookie ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    out[part.slice(0, eq).trim()] = decodeURIComponent(part.slice(eq + 1).trim());
  }
  return out;
}
