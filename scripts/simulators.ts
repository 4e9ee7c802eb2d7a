/**
 * The vendor simulators, found from their folders: each `sandbox/vendors/<name>/` with a
 * `main.ts` and a `dev.json` (its default port, the variable that moves it, where it answers
 * once up, and the app's variables that point at it, as paths below its URL).
 * `npm run dev` and the browser tests start what this finds; a new simulator needs no line here.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";

const devJson = z.object({
  port: z.number().int().min(1).max(65535),
  portEnv: z.string().regex(/^[A-Z][A-Z0-9_]*$/),
  ready: z.string().startsWith("/"),
  appEnv: z.record(z.string().regex(/^[A-Z][A-Z0-9_]*$/), z.string().startsWith("/")),
});

export type Simulator = { name: string; command: string; port: number; url: string; readyUrl: string; env: Record<string, string> };

const ROOT = path.join(process.cwd(), "sandbox", "vendors");

/**
 * Every simulator, each on its default port plus `portOffset` (the browser tests use +100 so they
 * run beside `npm run dev`) unless its port variable is set; `env` is what the app and the
 * simulator itself need.
 */
export function simulators(portOffset = 0, environment: Record<string, string | undefined> = process.env): Simulator[] {
  return readdirSync(ROOT, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(path.join(ROOT, d.name, "dev.json")) && existsSync(path.join(ROOT, d.name, "main.ts")))
    .map((d) => {
      const file = path.join(ROOT, d.name, "dev.json");
      const parsed = devJson.safeParse(JSON.parse(readFileSync(file, "utf8")));
      if (!parsed.success) throw new Error(`${file}: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
      const spec = parsed.data;
      const port = Number(environment[spec.portEnv] ?? spec.port + portOffset);
      const url = `http://127.0.0.1:${port}`;
      const appEnv = Object.fromEntries(Object.entries(spec.appEnv).map(([k, p]) => [k, environment[k] ?? `${url}${p}`]));
      return { name: d.name, command: `tsx sandbox/vendors/${d.name}/main.ts`, port, url, readyUrl: `${url}${spec.ready}`, env: { [spec.portEnv]: String(port), ...appEnv } };
    });
}
