import { and, eq } from "drizzle-orm";
import { schema } from "@/lib/db";
import type { SyncContext } from "./context";
import { bookDocument } from "./documents";
import { applyRemotePage, pushRecord, recordSpecOf } from "./entities";
import type { LogEntry } from "./store";

/** Runs one failed record of the sync log again, the way it first ran. */
export async function retryRecord(ctx: SyncContext, syncEventId: number): Promise<LogEntry | null> {
  const [event] = await ctx.db
    .select()
    .from(schema.syncEvents)
    .where(and(eq(schema.syncEvents.id, syncEventId), eq(schema.syncEvents.installationId, ctx.installation.id)));
  if (!event) return null;
  const spec = recordSpecOf(event.entity);
  if (event.direction === "host_to_remote" && event.hostId) {
    if (event.entity === "invoice" || event.entity === "salesOrder") return bookDocument(ctx, event.entity, event.hostId);
    if (spec) return pushRecord(ctx, spec, event.hostId, { force: true });
  }
  if (event.direction === "remote_to_host" && event.remoteId && spec) {
    // the log does not say in which role the record failed: each role that has it takes it again
    let entry: LogEntry | null = null;
    for (const lane of spec.remotes(ctx)) {
      const record = await lane.entity.get(event.remoteId);
      if (!record) continue;
      const [taken] = await applyRemotePage(ctx, spec, null, [record], { lane, importing: false });
      if (taken && (!entry || taken.outcome === "failed")) entry = taken;
    }
    return entry;
  }
  return null;
}
