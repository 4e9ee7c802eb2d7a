/**
 * An import worker in its own process, so the fault suite can kill it (SIGKILL) in the middle of
 * an import and start another. It runs the app's `<connector>-import-page` function the way Inngest
 * would: one page per run, following the entity the run returns, and retrying a failed run with
 * backoff (RetryAfterError's delay when the run asks for one), up to the function's retries.
 *
 *   tsx tests/faults/worker.ts <installationId> [connector = snelstart] [entity = relation]
 *
 * Needs DATABASE_URL (the parent's test database) and the parent's environment. Prints one JSON
 * line per run to stdout; exit 0 when the import is done, 2 when a page ran out of attempts.
 */
import { InngestTestEngine } from "@inngest/test";
import { functions } from "@/inngest/functions";
import { retryDelayReader } from "@/inngest/runner";

const installationId = process.argv[2];
const connector = process.argv[3] ?? "snelstart";
if (!installationId || !process.env.DATABASE_URL) {
  console.error("usage: DATABASE_URL=… tsx tests/faults/worker.ts <installationId> [connector] [entity]");
  process.exit(64);
}

const fn = functions.find((f) => (f as unknown as { opts: { id: string } }).opts.id === `${connector}-import-page`);
if (!fn) throw new Error(`no ${connector}-import-page function`);
const retries = ((fn as unknown as { opts: { retries?: number } }).opts.retries ?? 3) as number;
const say = (o: Record<string, unknown>) => process.stdout.write(`${JSON.stringify({ pid: process.pid, at: Date.now(), ...o })}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main() {
  let entity = process.argv[4] ?? "relation";
  say({ type: "start", connector, entity });
  for (let pageNo = 0; pageNo < 10_000; pageNo++) {
    let result: { processed?: number; next?: string; done?: boolean; skipped?: string } | undefined;
    for (let attempt = 1; attempt <= retries + 1; attempt++) {
      const engine = new InngestTestEngine({
        function: fn as never,
        events: [{ name: "ledgerlink/import.page", data: { installationId, connector, runId: "", entity } } as never],
      });
      const askedDelayMs = retryDelayReader(engine);
      const started = Date.now();
      const out = (await engine.execute()) as { result?: unknown; error?: any };
      if (!out.error) {
        result = out.result as typeof result;
        say({ type: "page", entity, attempt, ms: Date.now() - started, result });
        break;
      }
      const err = out.error;
      const asked = askedDelayMs(err);
      say({ type: "attempt-failed", entity, attempt, name: err?.name, error: String(err?.message ?? err).slice(0, 300) });
      if (err?.name === "NonRetriableError") break;
      await sleep(asked ?? Math.min(5000, 100 * 2 ** (attempt - 1)));
    }
    if (!result) {
      say({ type: "gave-up", entity });
      process.exit(2);
    }
    if (result.skipped) {
      say({ type: "skipped", entity, reason: result.skipped });
      process.exit(3);
    }
    if (result.done) {
      say({ type: "done" });
      process.exit(0);
    }
    entity = result.next ?? entity;
  }
}

main().catch((err) => {
  say({ type: "crash", error: String(err?.stack ?? err) });
  process.exit(1);
});
