/**
 * Many small requests for the same kind of work, handled as one: items added within `maxWaitMs`
 * of each other (at most `maxSize`) go to `run` together, and each caller gets its own answer.
 * A burst of webhooks then costs one database statement and one event send, not one each.
 */
export function microBatch<I, O>(run: (items: I[]) => Promise<O[]>, opts: { maxSize: number; maxWaitMs: number }) {
  let queue: Array<{ item: I; resolve: (o: O) => void; reject: (e: unknown) => void }> = [];
  let timer: NodeJS.Timeout | null = null;

  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    const batch = queue;
    queue = [];
    if (batch.length === 0) return;
    run(batch.map((b) => b.item)).then(
      (out) => batch.forEach((b, i) => b.resolve(out[i]!)),
      (err) => batch.forEach((b) => b.reject(err)),
    );
  };

  return (item: I): Promise<O> =>
    new Promise<O>((resolve, reject) => {
      queue.push({ item, resolve, reject });
      if (queue.length >= opts.maxSize) flush();
      else timer ??= setTimeout(flush, opts.maxWaitMs);
    });
}
