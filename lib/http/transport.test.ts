import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bodyText, createTransport, NoAnswerInTime } from "./transport";

type Seen = { method: string; url: string; headers: http.IncomingHttpHeaders; body: string; socket: unknown };

let server: http.Server;
let origin: string;
const seen: Seen[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (c: string) => (body += c));
    req.on("end", () => {
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body, socket: req.socket });
      if (req.url === "/hang") return; // never answers
      if (req.url === "/stall") {
        res.writeHead(200, { "content-type": "application/json" }).write('{"half":');
        return; // the rest never comes
      }
      res.writeHead(201, { "Content-Type": "application/json", "Retry-After": "3", "Set-Cookie": ["a=1", "b=2"] }).end(JSON.stringify({ echo: body, é: "ü" }));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

describe("createTransport over node:http", () => {
  const send = createTransport({ timeoutMs: 300 });

  it("sends method, headers and body (text or bytes), and reads the whole answer", async () => {
    seen.length = 0;
    const a = await send({ method: "POST", url: `${origin}/x?q=1`, headers: { "content-type": "application/json", authorization: "Bearer t" }, body: '{"naam":"Één"}' });
    const b = await send({ method: "PUT", url: `${origin}/y`, headers: {}, body: new TextEncoder().encode("bytes") });
    expect(seen.map((s) => [s.method, s.url, s.body, s.headers["content-length"]])).toEqual([
      ["POST", "/x?q=1", '{"naam":"Één"}', "16"],
      ["PUT", "/y", "bytes", "5"],
    ]);
    expect(seen[0]!.headers.authorization).toBe("Bearer t");
    expect(a.status).toBe(201);
    expect(JSON.parse(bodyText(a))).toEqual({ echo: '{"naam":"Één"}', é: "ü" });
    expect(a.headers.get("retry-after")).toBe("3");
    expect(a.headers.get("CONTENT-TYPE")).toBe("application/json");
    expect(a.headers.get("set-cookie")).toBe("a=1, b=2");
    expect(a.headers.get("x-absent")).toBeNull();
    expect(seen[1]!.socket, "calls share one kept-alive connection").toBe(seen[0]!.socket);
    expect(b.status).toBe(201);
  });

  it("gives up when no answer comes in time, and when the body stops halfway", async () => {
    await expect(send({ method: "GET", url: `${origin}/hang`, headers: {} })).rejects.toThrow(new NoAnswerInTime(300));
    const stalled = await send({ method: "GET", url: `${origin}/stall`, headers: {} }).catch((e: unknown) => e);
    expect(stalled).toBeInstanceOf(NoAnswerInTime);
    expect((stalled as Error).message).toBe("no answer within 300 ms");
  });

  it("stops at the caller's cancellation, which is no timeout", async () => {
    const caller = new AbortController();
    setTimeout(() => caller.abort(), 20);
    const err = await send({ method: "GET", url: `${origin}/hang`, headers: {}, signal: caller.signal }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(err).not.toBeInstanceOf(NoAnswerInTime);
    expect((err as Error).name).toBe("AbortError");
  });

  it("fails with the connection's error when nobody listens", async () => {
    const dead = http.createServer();
    await new Promise<void>((r) => dead.listen(0, "127.0.0.1", r));
    const port = (dead.address() as AddressInfo).port;
    await new Promise((r) => dead.close(r));
    await expect(send({ method: "GET", url: `http://127.0.0.1:${port}/`, headers: {} })).rejects.toMatchObject({ code: "ECONNREFUSED" });
  });
});

describe("createTransport over a given fetch", () => {
  it("sends through it and reads the whole answer", async () => {
    const calls: Array<[string, RequestInit | undefined]> = [];
    const send = createTransport({
      timeoutMs: 300,
      fetch: (async (url: string, init?: RequestInit) => {
        calls.push([url, init]);
        return new Response("ok", { status: 202, headers: { "retry-after": "1" } });
      }) as typeof fetch,
    });
    const a = await send({ method: "POST", url: "http://api.test/x", headers: { accept: "text/plain" }, body: "b" });
    expect(calls[0]![0]).toBe("http://api.test/x");
    expect(calls[0]![1]).toMatchObject({ method: "POST", headers: { accept: "text/plain" }, body: "b" });
    expect([a.status, bodyText(a), a.headers.get("Retry-After")]).toEqual([202, "ok", "1"]);
  });

  it("gives up at the deadline, and tells it from the caller's cancellation", async () => {
    const hanging = (async (_url: string, init?: RequestInit) =>
      new Promise<Response>((_, reject) => init!.signal!.addEventListener("abort", () => reject(new DOMException("aborted", "AbortError"))))) as typeof fetch;
    const send = createTransport({ timeoutMs: 50, fetch: hanging });
    await expect(send({ method: "GET", url: "http://api.test/x", headers: {} })).rejects.toBeInstanceOf(NoAnswerInTime);
    const caller = new AbortController();
    setTimeout(() => caller.abort(), 10);
    const err = await send({ method: "GET", url: "http://api.test/x", headers: {}, signal: caller.signal }).catch((e: unknown) => e);
    expect(err).not.toBeInstanceOf(NoAnswerInTime);
    expect((err as Error).name).toBe("AbortError");
  });
});
