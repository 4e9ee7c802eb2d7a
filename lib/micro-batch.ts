/**
 * Many small requests for the same kind of work, handled as one: items go to `run` together (at
 * most `maxSize`), and each caller gets its own answer. A burst of webhooks then costs one database
 * statement and one event send, not one each.
 *
 * An item that finds nothing under way goes at once (with whatever arrives in the same turn), so a
 * sender that waits for each answer is never held up; while a batch is under way, the items that
 * arrive wait up to `maxWaitMs` for others, so a burst is written in few, large batches.
 */
export function microBatch<I, O>(run: (items: I[]) => Promise<O[]>, opts: { maxSize: number; maxWaitMs: number }) {
  let queue: Array<{ item: I; resolve: (o: O) => void; reject: (e: unknown) => void }> = [];
  let timer: NodeJS.Timeout | null = null;
  let running = 0;

  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    const batch = queue;
    queue = [];
    if (batch.length === 0) return;
    running++;
    run(batch.map((b) => b.item))
      .then(
        (out) => batch.forEach((b, i) => b.resolve(out[i]!)),
        (err) => batch.forEach((b) => b.reject(err)),
      )
      .finally(() => running--);
  };

  return (item: I): Promise<O> =>
    new Promise<O>((resolve, reject) => {
      queue.push({ item, resolve, reject });
      if (queue.length >= opts.maxSize) flush();
      else timer ??= setTimeout(flush, running > 0 ? opts.maxWaitMs : 0);
    });
}
