/**
 * One HTTP exchange: the request sent and the whole answer read, within a deadline per attempt.
 *
 * By default over node:http(s), on kept-alive connections shared by every client of the process:
 * an import makes one call per record, and fetch spends more CPU per call than the rest of the
 * write (it clones and tees every request body). A `fetch` can be given instead (tests).
 */
import http from "node:http";
import https from "node:https";

export type HttpRequest = {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string | Uint8Array<ArrayBuffer>;
  /** the caller's own cancellation; the deadline is the transport's */
  signal?: AbortSignal | null;
};

/** The whole answer; `headers.get` looks a header up by name, in any case. */
export type HttpAnswer = { status: number; headers: { get(name: string): string | null }; body: Uint8Array };

/** Sends one request; throws when no whole answer came (NoAnswerInTime when the deadline passed). */
export type Transport = (request: HttpRequest) => Promise<HttpAnswer>;

/** The attempt's deadline passed before the whole answer was read. */
export class NoAnswerInTime extends Error {
  constructor(readonly timeoutMs: number) {
    super(`no answer within ${timeoutMs} ms`);
    this.name = "NoAnswerInTime";
  }
}

/** `timeoutMs` is per attempt and covers reading the body. */
export function createTransport(o: { timeoutMs: number; fetch?: typeof fetch }): Transport {
  const { fetch: fetchImpl, timeoutMs } = o;
  return fetchImpl ? (request) => overFetch(fetchImpl, request, timeoutMs) : (request) => overNodeHttp(request, timeoutMs);
}

const utf8 = new TextDecoder();

export function bodyText(answer: HttpAnswer): string {
  return utf8.decode(answer.body);
}

// An idle connection is closed after 4 s, before a server's usual 5 s keep-alive timeout, so a
// request is never sent on a connection the server is closing (a create would then be "maybe written").
const keepAlive = { keepAlive: true, timeout: 4_000 };
const agents = { "http:": new http.Agent(keepAlive), "https:": new https.Agent(keepAlive) };

function overNodeHttp(request: HttpRequest, timeoutMs: number): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const target = new URL(request.url);
    const secure = target.protocol === "https:";
    const headers: Record<string, string | number> = { ...request.headers };
    if (request.body !== undefined) headers["content-length"] = Buffer.byteLength(request.body);
    let timer: NodeJS.Timeout | undefined = undefined;
    const fail = (err: Error) => {
      clearTimeout(timer);
      reject(err);
    };
    const options = { method: request.method, headers, agent: agents[secure ? "https:" : "http:"], signal: request.signal ?? undefined };
    const req = (secure ? https : http).request(target, options, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("error", fail);
      res.on("end", () => {
        clearTimeout(timer);
        const get = (name: string) => {
          const v = res.headers[name.toLowerCase()];
          return v === undefined ? null : Array.isArray(v) ? v.join(", ") : v;
        };
        resolve({ status: res.statusCode ?? 0, headers: { get }, body: Buffer.concat(chunks) });
      });
    });
    timer = setTimeout(() => req.destroy(new NoAnswerInTime(timeoutMs)), timeoutMs);
    req.on("error", fail);
    req.end(request.body);
  });
}

async function overFetch(fetchImpl: typeof fetch, request: HttpRequest, timeoutMs: number): Promise<HttpAnswer> {
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), timeoutMs);
  const signal = request.signal ? AbortSignal.any([request.signal, deadline.signal]) : deadline.signal;
  try {
    const res = await fetchImpl(request.url, { method: request.method, headers: request.headers, body: request.body, signal });
    return { status: res.status, headers: res.headers, body: new Uint8Array(await res.arrayBuffer()) };
  } catch (err) {
    if (deadline.signal.aborted && !request.signal?.aborted) throw new NoAnswerInTime(timeoutMs);
    throw err;
  } finally {
    clearTimeout(timer);
  }
}
