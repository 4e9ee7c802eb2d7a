/**
 * Sorting what the host's webhooks report, before any record is read: Ledgerlink's own writes
 * coming back (echoes) cost nothing, several webhooks about one relation (itself, its address,
 * its role) become one piece of work, and a change that may be a record a page is still writing
 * waits for that page.
 */
import type { hostChangeKinds } from "@/lib/model";
import type { SyncContext } from "./context";
import { indexedOwners, relationSpec } from "./entities";
import { hostIdKey, pendingKeys, takeEchoes, writesPending } from "./own-writes";

export type HostChangeEntity = (typeof hostChangeKinds)[number];

/** One host webhook, as the receipt understood it. */
export type HostChange = {
  entity: HostChangeEntity;
  /** the host's own type of the entity the webhook names (a relation's address or role, say) */
  entityType: string;
  entityId: string;
  mutation: "created" | "updated" | "deleted" | null;
  /** the fields the host says changed, when it says (not every host does) */
  changedFields?: string[] | null;
  /** times this change already waited for a page writing to the host */
  waited?: number;
  /** installations whose echo this change was found to be when it arrived (takeEchoesOnReceipt) */
  echoOf?: string[];
};

/** A change waits for pages writing to the host at most this often; then it is attributed by asking the host. */
export const MAX_WAITS = 12;

/** How long a change waits for a page writing to the host before it is looked at again. */
export function waitDelayMs(waited: number): number {
  return Math.min(60_000, 2_000 * 2 ** waited);
}

export type SortedChanges = {
  /** webhooks that were Ledgerlink's own writes coming back */
  echoes: number;
  /** deletions (never propagated) and entities that belong to no record Ledgerlink syncs */
  ignored: number;
  /** per kind, the host record ids to push or book, one each */
  changed: Record<HostChangeEntity, string[]>;
  /** changes that cannot be attributed while a page writes to the host: sort them again later */
  later: HostChange[];
};

/** The phase field of a document; a document update that names other fields cannot have been handed over. */
const PHASE_FIELD = "Phase";

export async function sortHostChanges(ctx: SyncContext, changes: HostChange[]): Promise<SortedChanges> {
  const out: SortedChanges = { echoes: 0, ignored: 0, changed: { relation: [], product: [], invoice: [], salesOrder: [] }, later: [] };
  const live = changes.filter((c) => c.mutation !== "deleted");
  out.ignored += changes.length - live.length;

  // 1. echoes: one expectation answers one webhook (taken on receipt, or now)
  const mine = (c: HostChange) => c.echoOf?.includes(ctx.installation.id) ?? false;
  out.echoes += live.filter(mine).length;
  const unsure = live.filter((c) => !mine(c));
  const echoes = await takeEchoes(ctx.db, ctx.installation.id, unsure.map((c) => c.entityId));
  const left: HostChange[] = [];
  for (const c of unsure) {
    const n = echoes.get(c.entityId) ?? 0;
    if (n > 0) {
      echoes.set(c.entityId, n - 1);
      out.echoes++;
    } else left.push(c);
  }

  // 2. relations: the record each webhook is about, from the local index when it knows the entity.
  //    While a page writes that record (or, for an entity the index has not seen, any record), the
  //    webhook may be an echo whose expectation the page has not saved yet: it is sorted again later.
  const aboutRelations = left.filter((c) => c.entity === "relation");
  const owners = await indexedOwners(ctx, relationSpec, aboutRelations.map((c) => c.entityId));
  const beingWritten = await pendingKeys(ctx.db, ctx.installation.id, relationSpec.entity, [...new Set([...owners.values()].flat())].map(hostIdKey));
  const relations = new Set<string>();
  let writing: boolean | null = null;
  for (const c of aboutRelations) {
    const canWait = (c.waited ?? 0) < MAX_WAITS;
    // an entity several records show (a contact person's person) is about each of them
    let about = owners.get(c.entityId) ?? [];
    if (about.some((o) => beingWritten.has(hostIdKey(o))) && canWait) {
      out.later.push(c);
      continue;
    }
    if (about.length === 0) {
      writing ??= await writesPending(ctx.db, ctx.installation.id, relationSpec.entity, "any");
      if (writing && canWait) {
        out.later.push(c);
        continue;
      }
      const owner = await ctx.host.relations.resolveId(c.entityType, c.entityId);
      about = owner ? [owner] : [];
    }
    for (const o of about) relations.add(o);
    if (about.length === 0) out.ignored++;
  }
  out.changed.relation = [...relations];

  // 3. products and documents name their own record
  const ids = (entity: HostChangeEntity, keep: (c: HostChange) => boolean = () => true) => [
    ...new Set(left.filter((c) => c.entity === entity && keep(c)).map((c) => c.entityId)),
  ];
  const mayHandOver = (c: HostChange) => c.mutation !== "updated" || !c.changedFields?.length || c.changedFields.includes(PHASE_FIELD);
  out.changed.product = ids("product");
  out.changed.invoice = ids("invoice", mayHandOver);
  out.changed.salesOrder = ids("salesOrder", mayHandOver);
  out.ignored += left.filter((c) => (c.entity === "invoice" || c.entity === "salesOrder") && !mayHandOver(c)).length;
  return out;
}
