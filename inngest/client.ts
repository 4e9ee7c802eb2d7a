import { Inngest } from "inngest";
import { inProcessFetch } from "./runner/transport";

/**
 * The one Inngest client. With no Inngest server to reach (INNGEST_DEV unset outside
 * production), events go to the in-process runner instead of over the network.
 */
export const inngest = new Inngest({
  id: "ledgerlink",
  ...(inProcessFetch() ? { fetch: inProcessFetch(), isDev: true } : {}),
});
