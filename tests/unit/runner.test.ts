import { afterEach, describe, expect, it } from "vitest";
import { NonRetriableError, RetryAfterError } from "inngest";
import { inngest } from "@/inngest/client";
import { requestedRetryDelayMs, startInProcessRunner, type Runner } from "@/inngest/runner";

let runner: Runner | undefined;
afterEach(() => runner?.stop());

describe("in-process job runner", () => {
  it("runs functions for sent events, follows step.sendEvent, and resumes a retry after the steps that succeeded", async () => {
    const calls = { prepare: 0, flaky: 0, followUp: 0 };
    const first = inngest.createFunction(
      { id: "test-first", retries: 2, triggers: [{ event: "test/first" }] },
      async ({ event, step }) => {
        await step.run("prepare", () => ++calls.prepare);
        await step.run("flaky", () => {
          calls.flaky++;
          if (calls.flaky === 1) throw new Error("transient");
          return "ok";
        });
        await step.sendEvent("send-follow-up", { name: "test/second", data: { from: (event.data as { n: number }).n } });
        return "done";
      },
    );
    const second = inngest.createFunction(
      { id: "test-second", triggers: [{ event: "test/second" }] },
      async ({ event, step }) => step.run("record", () => ((calls.followUp += (event.data as { from: number }).from), calls.followUp)),
    );
    runner = startInProcessRunner([first, second], { crons: false, backoffMs: 10, log: () => {} });
    await inngest.send({ name: "test/first", data: { n: 7 } });
    await runner.idle();
    await runner.idle();

    expect(calls).toEqual({ prepare: 1, flaky: 2, followUp: 7 });
    const firstRun = runner.runs.find((r) => r.functionId === first.id());
    expect(firstRun).toMatchObject({ status: "completed", attempts: 2, result: "done" });
    expect(runner.runs.find((r) => r.functionId === second.id())?.status).toBe("completed");
  });

  it("does not retry a NonRetriableError", async () => {
    let attempts = 0;
    const fn = inngest.createFunction(
      { id: "test-fatal", retries: 3, triggers: [{ event: "test/fatal" }] },
      async ({ step }) =>
        step.run("validate", () => {
          attempts++;
          throw new NonRetriableError("bad input");
        }),
    );
    runner = startInProcessRunner([fn], { crons: false, backoffMs: 10, log: () => {} });
    await inngest.send({ name: "test/fatal", data: {} });
    await runner.idle();
    expect(attempts).toBe(1);
    expect(runner.runs[0]).toMatchObject({ status: "failed", error: "bad input" });
  });

  it("waits as long as a RetryAfterError asks before the next attempt, not the backoff", async () => {
    const at: number[] = [];
    const fn = inngest.createFunction(
      { id: "test-slow-down", retries: 1, triggers: [{ event: "test/slow-down" }] },
      async ({ step }) =>
        step.run("call-vendor", () => {
          at.push(Date.now());
          if (at.length === 1) throw new RetryAfterError("rate limited", 1_000);
          return "ok";
        }),
    );
    const waits: string[] = [];
    runner = startInProcessRunner([fn], { crons: false, backoffMs: 10, log: (m) => waits.push(m) });
    await inngest.send({ name: "test/slow-down", data: {} });
    await runner.idle();
    expect(runner.runs[0]).toMatchObject({ status: "completed", attempts: 2 });
    expect(waits.join("\n")).toMatch(/retrying in 1000 ms/);
    expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(950);
  });

  it("refuses to start in production", () => {
    const env = process.env as Record<string, string | undefined>;
    const prev = env.NODE_ENV;
    env.NODE_ENV = "production";
    try {
      expect(() => startInProcessRunner([], { crons: false, log: () => {} })).toThrow(/development only/);
    } finally {
      env.NODE_ENV = prev;
    }
  });
});

describe("requestedRetryDelayMs", () => {
  it("reads RetryAfterError's encoding: whole seconds in a string, or an ISO date", () => {
    const now = Date.parse("2026-11-23T12:00:00Z");
    expect(requestedRetryDelayMs(new RetryAfterError("busy", 2_500), now)).toBe(3_000);
    expect(requestedRetryDelayMs(new RetryAfterError("busy", 30_000), now)).toBe(30_000);
    expect(requestedRetryDelayMs(new RetryAfterError("busy", new Date(now + 45_000)), now)).toBe(45_000);
    expect(requestedRetryDelayMs(new RetryAfterError("busy", new Date(now - 1_000)), now)).toBe(0);
    expect(requestedRetryDelayMs(new Error("plain"), now)).toBeNull();
    expect(requestedRetryDelayMs(null, now)).toBeNull();
  });
});
