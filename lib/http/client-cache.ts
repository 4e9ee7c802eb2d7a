/**
 * Clients kept per process, one per set of what they are made of (credentials, URLs, keys), so
 * a client's token serves every job step instead of being fetched again for each. The parts are
 * hashed into the key: no secret is kept in clear as a map key. The oldest goes past `max`.
 */
import { createHash } from "node:crypto";

export function clientCache<C>(max = 500) {
  const clients = new Map<string, C>();
  return (parts: unknown[], make: () => C): C => {
    const key = createHash("sha256").update(JSON.stringify(parts)).digest("base64url");
    const cached = clients.get(key);
    if (cached) return cached;
    const client = make();
    if (clients.size >= max) clients.delete(clients.keys().next().value!);
    clients.set(key, client);
    return client;
  };
}
