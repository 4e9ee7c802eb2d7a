/**
 * Before the first test: every route of the app is asked for once, so the dev server compiles them
 * now. Compiled on a test's first visit instead, a route can take the dev server into a round of
 * rebuilds and page reloads that outlasts the test's own waits (seen on a busy machine).
 */
import { appUrl } from "./env";

// the app's routes, each asked for once (dynamic segments compile once for every value)
const ROUTES = ["/snelstart", "/snelstart/connect", "/snelstart/settings/vatGroups", "/api/host/session", "/api/host/manifest"];

export default async function warmUp() {
  for (const route of ROUTES) {
    // unsigned: the pages answer their sign-in error, which is compiled with them
    const res = await fetch(`${appUrl}${route}`, { redirect: "manual", signal: AbortSignal.timeout(240_000) });
    await res.arrayBuffer();
  }
}
