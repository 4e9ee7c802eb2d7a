import { describe, expect, it } from "vitest";
import { microBatch } from "./micro-batch";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("microBatch", () => {
  it("sends an item that finds nothing under way at once, with what arrives in the same turn", async () => {
    const batches: number[][] = [];
    const add = microBatch(async (items: number[]) => (batches.push(items), items.map((i) => i * 2)), { maxSize: 100, maxWaitMs: 10_000 });
    const started = Date.now();
    expect(await Promise.all([add(1), add(2)])).toEqual([2, 4]);
    // a sender waiting for each answer is not held up by the wait
    expect(await add(3)).toBe(6);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(batches).toEqual([[1, 2], [3]]);
  });

  it("while a batch is under way, gathers what arrives into one batch", async () => {
    const batches: number[][] = [];
    const add = microBatch(
      async (items: number[]) => {
        batches.push(items);
        await sleep(30);
        return items;
      },
      { maxSize: 100, maxWaitMs: 50 },
    );
    const first = add(0);
    await sleep(5);
    const rest = [1, 2, 3].map((i) => add(i));
    await Promise.all([first, ...rest]);
    expect(batches).toEqual([[0], [1, 2, 3]]);
  });

  it("sends a full batch without waiting, and answers each caller its own error", async () => {
    const add = microBatch(async (items: number[]) => {
      if (items.includes(-1)) throw new Error("refused");
      return items;
    }, { maxSize: 2, maxWaitMs: 10_000 });
    await expect(Promise.all([add(-1), add(2)])).rejects.toThrow("refused");
  });
});
