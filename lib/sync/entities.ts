/**
 * Two-way sync of master data (relations, products), the same for every connector:
 * the initial import through the matching chain, instant pushes, scheduled pulls.
 */
import { randomUUID } from "node:crypto";
import { and, eq, sql, type SQL } from "drizzle-orm";
import { schema } from "@/lib/db";
import { recordKinds, relationRoles, type Product, type RecordKind, type Relation } from "@/lib/model";
import { formatPostcode } from "@/lib/model/postcode";
import { mergeContactPersons } from "./contact-persons";
import { recordHash } from "./hash";
import { matchRelation, nameAddressKeys, normalizePostcode, numberKeys, type MatchCandidate } from "./matching";
import {
  addToRun,
  countOf,
  hostIdsInOtherRoles,
  linkByHostId,
  linksByRemoteIds,
  logEvents,
  RecordBusyError,
  resolveFailures,
  saveLink,
  saveLinks,
  withRecordLock,
  type LogEntry,
} from "./store";
import type { SyncContext } from "./context";
import { mapPool } from "./pool";
import { announceWrites, expectEchoes, hostIdKey, settleWrites, writesPending } from "./own-writes";

/** Host writes in flight at once during an import page (the host's rate limit still applies). */
const HOST_WRITE_CONCURRENCY = 8;
import { logMessageOf, mayHaveBeenWritten, rateLimitedFor, RecordRejectedError, type HostWrite, type LogMessage, type MatchLevel, type Page, type RemoteEntity, type SideRecord } from "./types";

type HostSide<T> = {
  page(cursor: string | null): Promise<Page<T>>;
  createdSince(since: string): Promise<SideRecord<T>[]>;
  get(id: string): Promise<SideRecord<T> | null>;
  create(data: T): Promise<HostWrite<T>>;
  update(id: string, data: T, previous: SideRecord<T>): Promise<HostWrite<T>>;
};

/**
 * The package's records of a kind in one role: most packages keep one record per host record
 * (role ""), some one per role the host record plays, each linked on its own.
 */
export type RemoteLane<T> = { role: string; entity: RemoteEntity<T> };

export type EntitySpec<T> = {
  entity: "relation" | "product";
  host(ctx: SyncContext): HostSide<T>;
  /** the package's records, by role, in the order an import takes them; none when it keeps none */
  remotes(ctx: SyncContext): RemoteLane<T>[];
  /** whether a host record plays this role (a relation that is a customer), so belongs in that lane */
  plays(role: string, data: T): boolean;
  levels(ctx: SyncContext): MatchLevel[];
  keys(data: T): { numbers: string[]; nameAddressKeys: string[] };
  /** what the host should hold after taking in the package's record */
  merge(ctx: SyncContext, remote: SideRecord<T>, host: T | null): T;
  /** whether a host record belongs in the package at all (e.g. exported relation types) */
  exported(ctx: SyncContext, data: T): boolean;
  /**
   * What the package is sent of a host record, and of the record as last synced: parts that do not
   * go that way (contact persons one way only, say) are left as they were
   */
  outgoing?(ctx: SyncContext, data: T, previous: T | null): { data: T; previous: T | null };
  /** what the user knows the record by, for the sync log */
  label(data: T, number: string | null): string;
  skipInactiveOnImport(ctx: SyncContext): boolean;
};

function mergeAddresses(remote: Relation["addresses"], host: Relation["addresses"]): Relation["addresses"] {
  // the package's addresses replace the host's of the same type; the host keeps the others
  const typeOf = (a: Relation["addresses"][number]) => a.hostTypeId ?? a.kind;
  const kinds = new Set(remote.map(typeOf));
  const taken = remote.map((a) => {
    const own = host.find((h) => typeOf(h) === typeOf(a));
    // the same postcode written another way ("3511 ab") is no change: the CRM keeps its own
    const same = own && normalizePostcode(own.postcode) === normalizePostcode(a.postcode);
    return { ...a, postcode: same ? own.postcode : formatPostcode(a.postcode, a.country) };
  });
  return [...taken, ...host.filter((a) => !kinds.has(typeOf(a)))];
}

/** Fields the package leaves empty keep the host's value. */
function overlay<T extends Record<string, unknown>>(host: T, remote: T): T {
  const out: Record<string, unknown> = { ...host };
  for (const [k, v] of Object.entries(remote)) if (v !== null && v !== undefined) out[k] = v;
  return out as T;
}

export const relationSpec: EntitySpec<Relation> = {
  entity: "relation",
  host: (ctx) => ctx.host.relations,
  remotes(ctx) {
    const byRole = ctx.remote.relationsByRole;
    if (byRole) return relationRoles.flatMap((role) => (byRole[role] ? [{ role, entity: byRole[role] }] : []));
    return ctx.remote.relations ? [{ role: "", entity: ctx.remote.relations }] : [];
  },
  plays: (role, r) => (role === "customer" ? r.isCustomer : role === "supplier" ? r.isSupplier : true),
  levels: (ctx) => ctx.connector.entities.relation?.matching ?? ["remoteId"],
  keys: (r) => ({ numbers: numberKeys(r), nameAddressKeys: nameAddressKeys(r) }),
  merge(ctx, remote, host) {
    const rule = ctx.connector.entities.relation!;
    const contactsToCrm = ctx.connector.entities.contactPerson?.toCrm ?? true;
    if (!host) {
      const active = rule.remoteDeactivation === "deactivate" ? remote.data.active : true;
      return { ...remote.data, addresses: mergeAddresses(remote.data.addresses, []), contactPersons: contactsToCrm ? remote.data.contactPersons : [], active };
    }
    const merged = overlay(host, remote.data);
    // a package that knows no persons must not turn a CRM person into an organisation
    const naming =
      host.kind !== remote.data.kind
        ? { kind: host.kind, name: host.name, firstName: host.firstName, middleName: host.middleName, lastName: host.lastName }
        : {};
    return {
      ...merged,
      ...naming,
      isCustomer: host.isCustomer || remote.data.isCustomer,
      isSupplier: host.isSupplier || remote.data.isSupplier,
      relationTypes: [...new Set([...host.relationTypes, ...remote.data.relationTypes])],
      addresses: mergeAddresses(remote.data.addresses, host.addresses),
      // by identity: the package's version of a person overlays the CRM's, neither side's is dropped
      contactPersons: host.kind === "organization" && contactsToCrm ? mergeContactPersons(host.contactPersons, remote.data.contactPersons) : host.contactPersons,
      active: rule.remoteDeactivation === "deactivate" ? remote.data.active : host.active,
    };
  },
  outgoing(ctx, data, previous) {
    if (ctx.connector.entities.contactPerson?.toPackage ?? true) return { data, previous };
    // contact persons do not go to the package: sent as they were, so none is written
    const kept = previous?.contactPersons ?? [];
    return { data: { ...data, contactPersons: kept }, previous: previous && { ...previous, contactPersons: kept } };
  },
  exported(ctx, r) {
    const types = (ctx.settings.debtors as { exportRelationTypes?: string[] } | undefined)?.exportRelationTypes;
    if (!types) return r.isCustomer || r.isSupplier;
    return r.relationTypes.some((t) => types.includes(t));
  },
  label(r, number) {
    const n = number ?? r.debtorNumber ?? r.creditorNumber;
    return n ? `${r.name} (${n})` : r.name;
  },
  skipInactiveOnImport: (ctx) => ctx.connector.entities.relation?.skipInactiveOnImport ?? false,
};

export const productSpec: EntitySpec<Product> = {
  entity: "product",
  host: (ctx) => ctx.host.products,
  remotes: (ctx) => (ctx.remote.products ? [{ role: "", entity: ctx.remote.products }] : []),
  plays: () => true,
  levels: () => ["remoteId"],
  // the code only serves to recognise what an interrupted import already created
  keys: (p) => ({ numbers: p.code ? [`P:${p.code}`] : [], nameAddressKeys: [] }),
  merge(ctx, remote, host) {
    const rule = ctx.connector.entities.product!;
    const merged = host ? overlay(host, remote.data) : remote.data;
    return { ...merged, active: rule.remoteDeactivation === "deactivate" ? remote.data.active : (host?.active ?? true) };
  },
  exported: () => true,
  label: (p, number) => {
    const code = number ?? p.code;
    return code ? `${p.name} (${code})` : p.name;
  },
  skipInactiveOnImport: () => false,
};

/**
 * The records the engine syncs both ways, in the order an import takes them (relations before the
 * products that name them). Import, pull, push and retry all walk this one list.
 */
export const recordSpecs = { relation: relationSpec, product: productSpec } as const satisfies Record<RecordKind, unknown>;
export type RecordEntity = RecordKind;
export const recordEntities: readonly RecordEntity[] = recordKinds;

/** The role of the relation link a sales document's customer has: "customer" where the package keeps roles. */
export function invoicedRole(ctx: SyncContext): string {
  return relationSpec.remotes(ctx).some((l) => l.role === "customer") ? "customer" : "";
}

/** Where a lane's pull stands: one cursor per entity and role. */
export const laneCursorKey = (entity: string, role: string) => (role ? `${entity}:${role}` : entity);

/** The spec of a synced record kind; null for documents and payments. */
export function recordSpecOf(entity: string): EntitySpec<unknown> | null {
  return Object.hasOwn(recordSpecs, entity) ? (recordSpecs[entity as RecordEntity] as EntitySpec<unknown>) : null;
}

// ── the host index ────────────────────────────────────────────────────

/**
 * Writes host records into the local index and their matching keys into host_index_keys, in
 * one statement with the rows as one JSON parameter: keys a record no longer has are dropped,
 * new ones added.
 */
async function indexHostRecords<T>(ctx: SyncContext, spec: EntitySpec<T>, records: Array<SideRecord<T> & { hash?: string }>) {
  if (records.length === 0) return;
  const rows = records.map((r) => {
    const k = spec.keys(r.data);
    const parts = [...new Set([r.id, ...(r.parts ?? []), ...(r.related ?? [])])].map(partKey);
    return { hostId: r.id, numbers: k.numbers, nameAddressKeys: k.nameAddressKeys, parts, data: r.data, hash: r.hash ?? recordHash(r.data) };
  });
  const installationId = ctx.installation.id;
  await ctx.db.execute(sql`
    with input as (
      select distinct on ("hostId") *
      from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
        as r("hostId" text, numbers text[], "nameAddressKeys" text[], parts text[], data jsonb, hash text)
    ), indexed as (
      insert into ${schema.hostIndex} (installation_id, entity, host_id, numbers, name_address_keys, data, hash)
      select ${installationId}::uuid, ${spec.entity}, "hostId", numbers, "nameAddressKeys", data, hash from input
      on conflict (installation_id, entity, host_id) do update set
        numbers = excluded.numbers, name_address_keys = excluded.name_address_keys, data = excluded.data, hash = excluded.hash
    ), stale as (
      -- plain array parameters, which the planner can hash, and no join it could get wrong; a key
      -- another record of the batch now has stays (an extra candidate: matching checks the row)
      delete from ${schema.hostIndexKeys}
      where installation_id = ${installationId}::uuid and entity = ${spec.entity}
        and host_id = any(${sql.param(rows.map((r) => r.hostId))}::text[])
        and not (key = any(${sql.param(rows.flatMap((r) => [...r.numbers, ...r.nameAddressKeys, ...r.parts]))}::text[]))
    )
    insert into ${schema.hostIndexKeys} (installation_id, entity, key, host_id)
    select distinct ${installationId}::uuid, ${spec.entity}, key, "hostId" from input, unnest(numbers || "nameAddressKeys" || parts) as key
    on conflict do nothing`);
}

/** The index key under which a host record is found by its own id or the id of one of its parts. */
const partKey = (entityId: string) => `part:${entityId}`;

/**
 * The indexed host records these host entity ids belong to (the record itself, one of its
 * addresses or roles, or an entity it shows, which several records may): entity id → host record
 * ids. Ids the index does not know are left out.
 */
export async function indexedOwners<T>(ctx: SyncContext, spec: EntitySpec<T>, entityIds: string[]): Promise<Map<string, string[]>> {
  if (entityIds.length === 0) return new Map();
  const k = schema.hostIndexKeys;
  const rows = await ctx.db
    .select({ key: k.key, hostId: k.hostId })
    .from(k)
    .where(and(eq(k.installationId, ctx.installation.id), eq(k.entity, spec.entity), sql`${k.key} = any(${sql.param(entityIds.map(partKey))}::text[])`));
  const owners = new Map<string, string[]>();
  for (const r of rows) {
    const id = r.key.slice("part:".length);
    owners.set(id, [...(owners.get(id) ?? []), r.hostId]);
  }
  return owners;
}

/** Indexes what the host got since an interrupted page began, so the page does not create it again. */
export async function indexCreatedSince<T>(ctx: SyncContext, spec: EntitySpec<T>, since: string): Promise<number> {
  const records = await spec.host(ctx).createdSince(since);
  await indexHostRecords(ctx, spec, records);
  return records.length;
}

/** Reads one page of the host into the local index; returns the next cursor. */
export async function indexHostPage<T>(ctx: SyncContext, spec: EntitySpec<T>, cursor: string | null) {
  const page = await spec.host(ctx).page(cursor);
  await indexHostRecords(ctx, spec, page.items);
  return { next: page.next, count: page.items.length, total: page.total ?? null };
}

type IndexRow = { hostId: string; numbers: string[]; nameAddressKeys: string[]; data: unknown; hash: string };
const indexColumns = {
  hostId: schema.hostIndex.hostId,
  numbers: schema.hostIndex.numbers,
  nameAddressKeys: schema.hostIndex.nameAddressKeys,
  data: schema.hostIndex.data,
  hash: schema.hostIndex.hash,
};

/**
 * The indexed host records sharing a key with any of `records`: first the host ids (b-tree
 * lookups on host_index_keys), then their rows. Two plain statements, so no plan can turn a
 * join into a scan of the index per record when the statistics lag behind an import.
 */
async function candidatesFor<T>(ctx: SyncContext, spec: EntitySpec<T>, records: T[]): Promise<IndexRow[]> {
  const keys = [...new Set(records.flatMap((r) => Object.values(spec.keys(r)).flat()))];
  if (keys.length === 0) return [];
  const k = schema.hostIndexKeys;
  const hits = await ctx.db
    .selectDistinct({ hostId: k.hostId })
    .from(k)
    .where(and(eq(k.installationId, ctx.installation.id), eq(k.entity, spec.entity), sql`${k.key} = any(${sql.param(keys)}::text[])`));
  return [...(await indexedHost(ctx, spec, hits.map((h) => h.hostId))).values()];
}

/**
 * Fresh planner statistics for the tables an import fills. Without them the planner takes an
 * installation's rows for a handful and reads all of them for every page (seen: 1 s a page at
 * 50,000 host records, where a fresh ANALYZE makes it 10 ms).
 */
export async function refreshImportStatistics(ctx: SyncContext): Promise<void> {
  await ctx.db.execute(sql`analyze ${schema.hostIndex}, ${schema.hostIndexKeys}, ${schema.syncLinks}`);
}

/** This installation's index rows of one entity that meet `where`. */
function readIndex<T>(ctx: SyncContext, spec: EntitySpec<T>, where: SQL): Promise<IndexRow[]> {
  return ctx.db
    .select(indexColumns)
    .from(schema.hostIndex)
    .where(and(eq(schema.hostIndex.installationId, ctx.installation.id), eq(schema.hostIndex.entity, spec.entity), where));
}

async function indexedHost<T>(ctx: SyncContext, spec: EntitySpec<T>, hostIds: string[]): Promise<Map<string, IndexRow>> {
  if (hostIds.length === 0) return new Map();
  const rows = await readIndex(ctx, spec, sql`${schema.hostIndex.hostId} = any(${sql.param(hostIds)}::text[])`);
  return new Map(rows.map((r) => [r.hostId, r]));
}

// ── package → CRM: one page of records ───────────────────────────────

/** A failed record's log fields: the error said in the user's language. */
function failure(err: unknown): Pick<LogEntry, "outcome" | "message" | "messageParams" | "retriable"> {
  const m = logMessageOf(err);
  return { outcome: "failed", message: m.key, messageParams: m.params ?? null, retriable: true };
}

/**
 * Takes one page of the package's records into the CRM: link by unique id, else the matching
 * chain against the local index, else create. Unchanged records cost no host call.
 * Used by the initial import and by the scheduled pull alike.
 */
export async function applyRemotePage<T>(
  ctx: SyncContext,
  spec: EntitySpec<T>,
  runId: string | null,
  items: SideRecord<T>[],
  opts: {
    /** the package's records these are, in which role */
    lane: RemoteLane<T>;
    importing: boolean;
    rejected?: Page<T>["rejected"];
    resumed?: boolean;
    /** names this page's host writes while they are pending; a resumed page passes the same name */
    writer?: string;
  },
): Promise<LogEntry[]> {
  const { role, entity: remote } = opts.lane;
  const base = { direction: "remote_to_host" as const, entity: spec.entity };
  const entries: LogEntry[] = (opts.rejected ?? []).map((r) => ({ ...base, remoteId: r.remoteId, label: r.label ?? null, outcome: "failed", message: r.message, messageParams: r.params ?? null, retriable: true }));
  const labelOf = (r: SideRecord<T>) => spec.label(r.data, r.number);
  const active = items.filter((r) => {
    if (opts.importing && spec.skipInactiveOnImport(ctx) && !remote.isActive(r)) {
      entries.push({ ...base, remoteId: r.id, label: labelOf(r), outcome: "skipped", message: "sync.inactiveSkipped", retriable: false });
      return false;
    }
    return true;
  });
  const links = await linksByRemoteIds(ctx.db, ctx.installation.id, spec.entity, active.map((r) => r.id), role);
  const unlinked = active.filter((r) => !links.has(r.id));
  // the package's unique id may name a host record already linked in another role (one contact, two roles)
  const otherRoles = await hostIdsInOtherRoles(ctx.db, ctx.installation.id, spec.entity, unlinked.map((r) => r.id), role);
  const [candidates, linkedHost] = await Promise.all([
    candidatesFor(ctx, spec, unlinked.map((r) => r.data)),
    indexedHost(ctx, spec, [...[...links.values()].map((l) => l.hostId), ...otherRoles.values()]),
  ]);
  const taken = new Set<string>();
  // a page that was interrupted may already have created some records: match those by number
  const levels: MatchLevel[] = opts.resumed ? [...new Set([...spec.levels(ctx), "number" as const])] : spec.levels(ctx);

  // 1. decide, without I/O, what each record needs
  type Plan = {
    record: SideRecord<T>;
    remoteHash: string;
    hostId: string | null;
    outcome: LogEntry["outcome"];
    current: { data: T; hash: string } | null;
    desired: T;
  };
  const plans: Plan[] = [];
  for (const record of active) {
    const remoteHash = recordHash(record.data);
    const link = links.get(record.id);
    if (link && link.remoteHash === remoteHash) {
      // what we wrote ourselves, or nothing new: an echo
      entries.push({ ...base, hostId: link.hostId, remoteId: record.id, label: labelOf(record), outcome: "unchanged", retriable: false });
      continue;
    }
    let hostId = link?.hostId ?? null;
    let outcome: LogEntry["outcome"] = "updated";
    let current: { data: T; hash: string } | null = null;
    if (hostId) {
      const row = linkedHost.get(hostId);
      current = row ? { data: row.data as T, hash: row.hash } : null;
    } else if (otherRoles.has(record.id) && !taken.has(otherRoles.get(record.id)!)) {
      hostId = otherRoles.get(record.id)!;
      const row = linkedHost.get(hostId);
      current = row ? { data: row.data as T, hash: row.hash } : null;
      outcome = "linked";
    } else {
      const match = matchRelation(record.data as unknown as Relation, candidates as MatchCandidate[], levels, taken);
      if (match) {
        hostId = match.hostId;
        const row = candidates.find((c) => c.hostId === match.hostId)!;
        current = { data: row.data as T, hash: row.hash };
        outcome = "linked";
      }
    }
    if (hostId) taken.add(hostId);
    plans.push({ record, remoteHash, hostId, outcome, current, desired: spec.merge(ctx, record, current?.data ?? null) });
  }

  // 2. write to the host only what differs, a few at a time (if the process dies before the
  //    links below are saved, the resumed page finds what it created: see import.ts inFlight).
  //    The writes are announced first: the host's webhooks about them can arrive before the
  //    writes' own answers, and must wait for the links and echoes saved below.
  const writes = plans.filter((p) => !p.hostId || !p.current || p.current.hash !== recordHash(p.desired));
  const writer = opts.writer ?? `page:${randomUUID()}`;
  await announceWrites(ctx.db, ctx.installation.id, spec.entity, writer, writes.flatMap((p) => writeKeys(spec, p.hostId, p.desired)));
  let settled = false;
  try {
    const linkRows: Parameters<typeof saveLinks>[1] = [];
    const indexed: Array<SideRecord<T> & { hash: string }> = [];
    const echoes = echoBatcher(ctx);
    const host = spec.host(ctx);
    // While importing, a CRM rate limit that outlasts the client's retries stops the page: the job
    // runs it again later, and the resumed page finds what this attempt created (import.ts inFlight),
    // instead of every record left failing one by one into the log.
    let limited: unknown = null;
    await mapPool(plans, HOST_WRITE_CONCURRENCY, async (plan) => {
      if (limited) return;
      const { record, remoteHash } = plan;
      try {
        let written: SideRecord<T>;
        let outcome = plan.outcome;
        const unchanged = plan.hostId && plan.current && plan.current.hash === recordHash(plan.desired);
        if (!plan.hostId) {
          const made = await host.create(plan.desired);
          echoes.add(made.mutated);
          written = made;
          outcome = "created";
        } else if (unchanged) {
          written = { id: plan.hostId, number: null, data: plan.current!.data, modifiedAt: null };
          if (outcome === "updated") outcome = "unchanged";
        } else {
          const previous = plan.current ? { id: plan.hostId, number: null, data: plan.current.data, modifiedAt: null } : await host.get(plan.hostId);
          if (!previous) throw new RecordRejectedError("sync.hostRecordGone");
          const changed = await host.update(plan.hostId, plan.desired, previous);
          echoes.add(changed.mutated);
          written = changed;
        }
        const hostHash = unchanged ? plan.current!.hash : recordHash(written.data);
        linkRows.push({
          installationId: ctx.installation.id,
          entity: spec.entity,
          role,
          hostId: written.id,
          remoteId: record.id,
          remoteNumber: record.number,
          hostHash,
          remoteHash,
        });
        if (!unchanged) indexed.push({ ...written, hash: hostHash });
        entries.push({ ...base, hostId: written.id, remoteId: record.id, label: labelOf(record), outcome, retriable: false });
      } catch (err) {
        if (opts.importing && rateLimitedFor(err) !== null) {
          limited ??= err;
          return;
        }
        entries.push({ ...base, remoteId: record.id, label: labelOf(record), ...failure(err) });
      }
    });
    if (limited) {
      // the page runs again later (its writes stay announced); what it wrote so far echoes now
      await echoes.flush();
      throw limited;
    }

    // 3. the rest in one statement each, two at a time (separate tables); the log and the counts
    //    only once links and index are saved, so a page retried after a failure here logs once
    await Promise.all([saveLinks(ctx.db, linkRows), indexHostRecords(ctx, spec, indexed), echoes.flush()]);
    await settleWrites(ctx.db, ctx.installation.id, writer);
    settled = true;
    await Promise.all([
      logEvents(ctx.db, ctx.installation.id, runId, entries.filter((e) => e.outcome !== "unchanged" || !opts.importing)),
      runId ? addToRun(ctx.db, runId, countOf(entries), items.length + (opts.rejected?.length ?? 0)) : null,
    ]);
    return entries;
  } finally {
    // a page nobody resumes (a pull's, a retry's) leaves nothing announced when it fails
    if (!settled && !opts.writer) await settleWrites(ctx.db, ctx.installation.id, writer);
  }
}

/**
 * Expected echoes of a page's writes, saved while the page goes on: a few dozen at a time, and
 * never later than a moment after the write's answer. The host's webhooks follow each write within
 * moments (an import against a host that allows a few writes a second would otherwise leave them
 * unsaved for seconds); a webhook that finds its echo saved is done on arrival, and one that
 * does not waits for the page.
 */
function echoBatcher(ctx: SyncContext) {
  const EVERY = 50;
  const WITHIN_MS = 10;
  let buffer: string[] = [];
  let timer: NodeJS.Timeout | null = null;
  let failed: unknown = null;
  const saving: Array<Promise<void>> = [];
  const save = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (buffer.length) saving.push(expectEchoes(ctx.db, ctx.installation.id, buffer).catch((err) => void (failed ??= err)));
    buffer = [];
  };
  return {
    add(ids: string[]) {
      if (ids.length === 0) return;
      buffer.push(...ids);
      if (buffer.length >= EVERY) save();
      else timer ??= setTimeout(save, WITHIN_MS);
    },
    async flush() {
      save();
      await Promise.all(saving);
      if (failed) throw failed;
    },
  };
}

/**
 * What a page announces of one host write: the record it updates, or the matching keys of the
 * record it creates (the host record will carry them); a create without keys announces "*".
 */
function writeKeys<T>(spec: EntitySpec<T>, hostId: string | null, desired: T): string[] {
  if (hostId) return [hostIdKey(hostId)];
  const k = spec.keys(desired);
  const keys = [...k.numbers, ...k.nameAddressKeys];
  return keys.length ? keys : [ANY_CREATE];
}
const ANY_CREATE = "*";

// ── CRM → package: one record, at once ───────────────────────────────

export type PushOptions = {
  runId?: string | null;
  force?: boolean;
  rethrowTransient?: boolean;
  /** push even while a page writes records this one may be among (it has waited long enough) */
  ignorePendingWrites?: boolean;
  /** only these roles, whether the record plays them or not (an invoice's customer must be one) */
  roles?: string[];
};

/**
 * A page is writing host records this one may be among (see own-writes.ts): pushing it now
 * could send the package a record that came from it. Try again once the page has saved.
 */
export class PendingWritesError extends Error {
  readonly retryAfterMs = 10_000;
  constructor(entity: string, hostId: string) {
    super(`${entity} ${hostId} may be a record a page is writing to the host; waiting for the page`);
  }
  /** what the sync log says when a job gives up waiting for the page */
  get logMessage(): LogMessage {
    return { key: "sync.errors.recordBusy", params: { detail: this.message } };
  }
}

/**
 * Pushes one host record to the package. An echo of our own write (same hash) is dropped.
 * A record the package does not know yet is looked up there before it is created (a create
 * whose response was lost, or a record that came from the package and is not linked yet).
 */
export function pushRecord<T>(ctx: SyncContext, spec: EntitySpec<T>, hostId: string, opts: PushOptions = {}): Promise<LogEntry> {
  return withRecordLock(ctx.db, ctx.installation.id, spec.entity, hostId, () => pushRecordLocked(ctx, spec, hostId, opts));
}

async function pushRecordLocked<T>(ctx: SyncContext, spec: EntitySpec<T>, hostId: string, opts: PushOptions): Promise<LogEntry> {
  const base = { direction: "host_to_remote" as const, entity: spec.entity, hostId };
  const lanes = spec.remotes(ctx).filter((l) => !opts.roles || opts.roles.includes(l.role));
  const finish = async (entries: LogEntry[]) => {
    const logged = entries.filter((e) => e.outcome !== "unchanged");
    await logEvents(ctx.db, ctx.installation.id, opts.runId ?? null, logged);
    if (!entries.some((e) => e.outcome === "failed")) await resolveFailures(ctx.db, ctx.installation.id, spec.entity, hostId);
    // what the caller is told: a failure first, else the first change
    return entries.find((e) => e.outcome === "failed") ?? logged[0] ?? entries[0];
  };
  if (lanes.length === 0) return { ...base, outcome: "skipped" };
  const pending = async (keys: string[]) => !opts.ignorePendingWrites && (await writesPending(ctx.db, ctx.installation.id, spec.entity, keys));
  if (await pending([hostIdKey(hostId)])) throw new PendingWritesError(spec.entity, hostId);
  let label: string | null = null;
  try {
    const record = await spec.host(ctx).get(hostId);
    if (!record) return finish([{ ...base, outcome: "skipped", message: "sync.hostRecordGone", retriable: false }]);
    label = spec.label(record.data, record.number);
    const hostHash = recordHash(record.data);
    const links = await Promise.all(lanes.map((l) => linkByHostId(ctx.db, ctx.installation.id, spec.entity, hostId, l.role)));
    const wanted = opts.force || spec.exported(ctx, record.data);
    const due = lanes
      .map((lane, i) => ({ lane, link: links[i] }))
      .filter(({ lane, link }) => (link ? link.hostHash !== hostHash : wanted && (opts.roles !== undefined || spec.plays(lane.role, record.data))));
    if (due.length === 0) {
      const linked = links.find((l) => l !== null);
      if (linked) return { ...base, remoteId: linked.remoteId, label, outcome: "unchanged" };
      return finish([{ ...base, label, outcome: "skipped", message: "sync.notExported", retriable: false }]);
    }
    if (due.some((d) => !d.link)) {
      const k = spec.keys(record.data);
      if (await pending([...k.numbers, ...k.nameAddressKeys, ANY_CREATE])) throw new PendingWritesError(spec.entity, hostId);
    }
    // the record as last synced, so a package taking partial updates is sent only what changed
    const previous = (await indexedHost(ctx, spec, [hostId])).get(hostId)?.data as T | undefined;
    const outgoing = (data: T) => (spec.outgoing ? spec.outgoing(ctx, data, previous ?? null) : { data, previous: previous ?? null });
    let current: SideRecord<T> = record;
    const done: Array<{ role: string; written: SideRecord<T>; outcome: LogEntry["outcome"] }> = [];
    const entries: LogEntry[] = [];
    let transient: unknown = null;
    // one role after the other: each may give the host record a number the next one sends on
    for (const { lane, link } of due) {
      try {
        const sent = outgoing(current.data);
        const { written, outcome } = await pushToLane(ctx, spec, lane, link, sent.data, sent.previous);
        current = await takeNumber(ctx, spec, lane.role, hostId, current, written.number);
        done.push({ role: lane.role, written, outcome });
        entries.push({ ...base, remoteId: written.id, label: spec.label(current.data, written.number), outcome });
      } catch (err) {
        entries.push({ ...base, label, ...failure(err) });
        if (opts.rethrowTransient && !(err instanceof RecordRejectedError)) transient ??= err;
      }
    }
    const finalHash = recordHash(current.data);
    if (done.length) await indexHostRecords(ctx, spec, [current]);
    await Promise.all([
      ...done.map(({ role, written }) =>
        saveLink(ctx.db, {
          installationId: ctx.installation.id,
          entity: spec.entity,
          role,
          hostId,
          remoteId: written.id,
          remoteNumber: written.number,
          hostHash: finalHash,
          remoteHash: recordHash(written.data),
        }),
      ),
      // a role that was in step before a number changed the host record is in step after it
      ...lanes
        .map((lane, i) => ({ lane, link: links[i] }))
        .filter(({ lane, link }) => link && link.hostHash === hostHash && finalHash !== hostHash && !done.some((d) => d.role === lane.role))
        .map(({ link }) => saveLink(ctx.db, { ...link!, hostHash: finalHash })),
    ]);
    const entry = await finish(entries);
    // a passing fault: logged, and thrown so the job retries it (looking up before creating)
    if (transient) throw new LoggedFault(transient);
    return entry;
  } catch (err) {
    if (err instanceof LoggedFault) throw err.fault;
    if (err instanceof PendingWritesError || err instanceof RecordBusyError) throw err;
    const entry = await finish([{ ...base, label, ...failure(err) }]);
    if (opts.rethrowTransient && !(err instanceof RecordRejectedError)) throw err;
    return entry;
  }
}

/** A fault already in the sync log, on its way to the job that retries it. */
class LoggedFault extends Error {
  constructor(readonly fault: unknown) {
    super("logged");
  }
}

/** Sends one host record to the package in one role: an update, or a create looked up first. */
async function pushToLane<T>(
  ctx: SyncContext,
  spec: EntitySpec<T>,
  lane: RemoteLane<T>,
  link: { remoteId: string } | null,
  data: T,
  previous: T | null,
): Promise<{ written: SideRecord<T>; outcome: LogEntry["outcome"] }> {
  if (link) return { written: await lane.entity.update(link.remoteId, data, previous), outcome: "updated" };
  const found = await unlinkedMatch(ctx, spec, lane, data);
  if (found) return { written: found, outcome: "linked" };
  try {
    return { written: await lane.entity.create(data), outcome: "created" };
  } catch (err) {
    if (!mayHaveBeenWritten(err)) throw err;
    // the create may have landed: look before trying again
    const landed = await lane.entity.findCreated(data);
    if (!landed) throw err;
    return { written: landed, outcome: "created" };
  }
}

/**
 * The package's number replaces the CRM's where the package assigns numbers: in role "" the
 * debtor and creditor number the relation has, else the one of the role (customer → debtor).
 */
async function takeNumber<T>(ctx: SyncContext, spec: EntitySpec<T>, role: string, hostId: string, record: SideRecord<T>, number: string | null): Promise<SideRecord<T>> {
  if (spec.entity !== "relation" || !number || !ctx.connector.entities.relation?.remoteAssignsNumbers) return record;
  const rel = record.data as unknown as Relation;
  const numbers = {
    debtorNumber: (role ? role === "customer" : rel.isCustomer) ? number : rel.debtorNumber,
    creditorNumber: (role ? role === "supplier" : rel.isSupplier) ? number : rel.creditorNumber,
  };
  if (numbers.debtorNumber === rel.debtorNumber && numbers.creditorNumber === rel.creditorNumber) return record;
  const updated = await ctx.host.relations.setNumbers(hostId, numbers, record as unknown as SideRecord<Relation>);
  await expectEchoes(ctx.db, ctx.installation.id, updated.mutated);
  return { ...record, data: updated.data as unknown as T, parts: updated.parts ?? record.parts, related: updated.related ?? record.related };
}

/**
 * The package's record for a host record that has no link yet, if it has one that is not linked
 * to another host record: a create whose answer was lost, or a record that came from the
 * package and whose link a page has not saved yet.
 */
async function unlinkedMatch<T>(ctx: SyncContext, spec: EntitySpec<T>, lane: RemoteLane<T>, data: T): Promise<SideRecord<T> | null> {
  const found = await lane.entity.findCreated(data);
  if (!found) return null;
  const taken = await linksByRemoteIds(ctx.db, ctx.installation.id, spec.entity, [found.id], lane.role);
  return taken.has(found.id) ? null : found;
}
