/**
 * The hand-off between the Inngest client and the dev-only in-process runner.
 * When no Inngest server is configured (INNGEST_DEV unset) and we are not in production,
 * the client is given this fetch: event sends land on an in-memory bus instead of the network.
 */
export type SentEvent = { id?: string; name: string; data: Record<string, unknown>; ts?: number };
type Listener = (events: SentEvent[]) => void;

const bus = globalThis as unknown as { ledgerlinkRunnerBus?: { listeners: Set<Listener>; backlog: SentEvent[] } };
bus.ledgerlinkRunnerBus ??= { listeners: new Set(), backlog: [] };
const state = bus.ledgerlinkRunnerBus;

export function inProcessMode(env: Record<string, string | undefined> = process.env): boolean {
  return !env.INNGEST_DEV && !env.INNGEST_EVENT_KEY && env.NODE_ENV !== "production";
}

/** Subscribes to sent events; events sent before anyone listened are delivered at once. */
export function onEventsSent(listener: Listener): () => void {
  state.listeners.add(listener);
  if (state.backlog.length) listener(state.backlog.splice(0));
  return () => state.listeners.delete(listener);
}

function publish(events: SentEvent[]) {
  if (state.listeners.size === 0) {
    state.backlog.push(...events);
    return;
  }
  for (const l of state.listeners) l(events);
}

let seq = 0;
const eventsFetch: typeof fetch = async (input, init) => {
  const url = new URL(typeof input === "string" || input instanceof URL ? input : input.url);
  if (!url.pathname.startsWith("/e/")) {
    return new Response(JSON.stringify({ error: "the in-process runner only accepts events" }), { status: 404 });
  }
  const raw = JSON.parse(String(init?.body ?? "[]"));
  const events = (Array.isArray(raw) ? raw : [raw]) as SentEvent[];
  const ids = events.map((e) => (e.id ??= `local-${Date.now()}-${++seq}`));
  publish(events);
  return new Response(JSON.stringify({ ids, status: 200 }), {
    status: 200,
    headers: { "content-type": "application/json" },
  });
};

export function inProcessFetch(): typeof fetch | undefined {
  return inProcessMode() ? eventsFetch : undefined;
}
