/**
 * The machine's floor for one host write per relation, with no work on either side.
 *
 * `floor.ts serve`: a bare node:http server on loopback that reads a JSON body, parses it and
 * answers 201 with the record and an ID (what the sandbox CRM does before any validation or
 * storage). It prints {url}, and answers GET /cpu with its own CPU time.
 * `floor.ts <url>`: a bare node:http client with kept-alive connections, as many as the import's
 * host writes use, POSTing a relation-sized body as fast as the server answers.
 *
 * Whatever the import adds (reading SnelStart, matching, the database, the simulators' checks)
 * comes on top of this, so its requests per second bound any import that writes once per relation.
 */
import http from "node:http";
import { emit } from "./common";

const CONNECTIONS = 8; // HOST_WRITE_CONCURRENCY in lib/sync/entities.ts
const WARM_UP = 3_000;
const MEASURED = 30_000;

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

// about the size of the import's Relation_Organization create (≈ 600 bytes)
const RELATION = JSON.stringify({
  Name: "Bakkerij de Korenschoof B.V.",
  EmailAddress: "boekhouding@korenschoof.example",
  PhoneNumber: "+31 20 123 45 67",
  Website: "https://korenschoof.example",
  VatNumber: "NL001234567B01",
  ChamberOfCommerceNumber: "12345678",
  Relationships: [{ _Type: "Relationship.Organization.CommercialRelationship.Customer", DebtorNumber: "12345", PaymentTermInDays: 30 }],
  VisitingAddress: { Street: "Dorpsstraat 12 A", Postalcode: "1234 AB", City: "Amsterdam", Country: { ID: "60b981bc-70b8-55db-89ef-787d92447d55" } },
  _SnelStartRelatieId: "0b6f3c52-5d0c-4c47-9a55-4b1e0c3f9d11",
});

function serve() {
  let created = 0;
  const server = http.createServer((req, res) => {
    if (req.method === "GET") {
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ cpuMs: cpuMs(), created }));
      return;
    }
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const record = JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown>;
      const body = JSON.stringify({ ID: `00000000-0000-4000-8000-${String(++created).padStart(12, "0")}`, ...record });
      res.writeHead(201, { "content-type": "application/json", "content-length": Buffer.byteLength(body) }).end(body);
    });
  });
  server.listen(0, "127.0.0.1", () => {
    const { port } = server.address() as { port: number };
    emit({ url: `http://127.0.0.1:${port}` });
  });
  process.on("SIGTERM", () => server.close(() => process.exit(0)));
}

async function drive(url: string) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  const target = new URL(url);
  const request = (method: "GET" | "POST", body?: string) =>
    new Promise<string>((resolve, reject) => {
      const req = http.request(
        { host: target.hostname, port: target.port, path: "/v1/odata/Relation_Organization", method, agent, headers: body ? { "content-type": "application/json", "content-length": Buffer.byteLength(body), authorization: "Bearer floor" } : {} },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
        },
      );
      req.on("error", reject);
      req.end(body);
    });
  const run = async (n: number) => {
    let sent = 0;
    await Promise.all(
      Array.from({ length: CONNECTIONS }, async () => {
        while (sent++ < n) JSON.parse(await request("POST", RELATION));
      }),
    );
  };
  const serverCpu = async () => (JSON.parse(await request("GET")) as { cpuMs: number }).cpuMs;

  await run(WARM_UP);
  const [server0, client0, t0] = [await serverCpu(), cpuMs(), performance.now()];
  await run(MEASURED);
  const [wallMs, clientMs, serverMs] = [performance.now() - t0, cpuMs() - client0, (await serverCpu()) - server0];
  agent.destroy();
  emit({
    scenario: "floor",
    requests: MEASURED,
    connections: CONNECTIONS,
    bodyBytes: Buffer.byteLength(RELATION),
    requestsPerSec: Math.round((MEASURED / wallMs) * 1000),
    cpuUsPerRequest: { client: Math.round((clientMs / MEASURED) * 1000), server: Math.round((serverMs / MEASURED) * 1000) },
  });
}

const [arg] = process.argv.slice(2);
if (arg === "serve") serve();
else await drive(arg!);
