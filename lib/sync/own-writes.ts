/**
 * What Ledgerlink's own writes to the host cause, so that the host's webhooks about them cost
 * nothing and never send a record back to the package as new.
 *
 * - Echoes: each host entity a write created or changed is expected to come back as one webhook.
 *   A webhook that finds its expectation is an echo, recognised without reading the record.
 * - Pending writes: while a page of host writes is under way, its host ids and matching keys
 *   are announced; a change that may be one of them waits until the page has saved its links
 *   and echoes (the webhook can arrive before the write's own answer does).
 */
import { and, eq, gt, sql } from "drizzle-orm";
import type { Db } from "@/lib/db";
import { rowsOf, schema } from "@/lib/db";
import { SYNCING_STATUSES } from "@/lib/tenancy";

/** How long an expected echo is waited for. A webhook that never comes hides a later change no longer than this. */
export const ECHO_TTL_MS = 5 * 60_000;
/** How long a page's announcement holds when the page never settles (its process died and nothing resumed it). */
export const PENDING_WRITE_TTL_MS = 15 * 60_000;

/**
 * Expects one webhook for each entity id (the same id twice: two webhooks), where the host sends
 * the tenant webhooks at all: an expectation no webhook comes for would take a real change made
 * in the host meanwhile for an echo.
 */
export async function expectEchoes(db: Db, installationId: string, entityIds: string[]): Promise<void> {
  if (entityIds.length === 0) return;
  const expiresAt = new Date(Date.now() + ECHO_TTL_MS).toISOString();
  await db.execute(sql`
    insert into ${schema.hostEchoes} (installation_id, entity_id, expires_at)
    select ${installationId}::uuid, e, ${expiresAt}::timestamptz from unnest(${sql.param(entityIds)}::text[]) as e
    where exists (
      select 1 from ${schema.hostWebhooks} w join ${schema.installations} i on i.tenant_id = w.tenant_id
      where i.id = ${installationId}::uuid)`);
}

/**
 * Takes the expected echoes these webhooks are, once each: the answer counts, per entity id, how
 * many of its webhooks were echoes. Two jobs taking at once never take the same expectation.
 */
export async function takeEchoes(db: Db, installationId: string, entityIds: string[]): Promise<Map<string, number>> {
  const taken = new Map<string, number>();
  if (entityIds.length === 0) return taken;
  const rows = await db.execute<{ entity_id: string; n: number }>(sql`
    with wanted as (
      select e, count(*) as n from unnest(${sql.param(entityIds)}::text[]) as e group by e
    ), ranked as (
      select h.id, h.entity_id, row_number() over (partition by h.entity_id order by h.id) as rn
      from ${schema.hostEchoes} h join wanted w on h.entity_id = w.e
      where h.installation_id = ${installationId}::uuid and h.expires_at > now()
    ), gone as (
      delete from ${schema.hostEchoes} h using ranked r, wanted w
      where h.id = r.id and w.e = r.entity_id and r.rn <= w.n
      returning h.entity_id
    )
    select entity_id, count(*)::int as n from gone group by entity_id`);
  for (const r of rowsOf<{ entity_id: string; n: number }>(rows)) taken.set(r.entity_id, Number(r.n));
  return taken;
}

/** A webhook as the receipt takes its echoes: `took`, the installations that already took one for it. */
export type ReceivedChange = { tenantId: string; entityId: string; entity: string; took?: string[] };

/**
 * Takes, as webhooks arrive, the echoes they are for every syncing installation of their tenant
 * (each installation expects its own writes; another's write is a real change to it), in one
 * statement. Answers, per change, the installations that took one (with those that had before),
 * whether all of them have (then the change is nobody's work, and an installation that took one
 * does not look at that change again), and whether one that has not is writing this kind of
 * record to the host right now (then the change may be its write, whose echo is not saved yet).
 */
export async function takeEchoesOnReceipt(db: Db, changes: ReceivedChange[]): Promise<{ echoOf: string[][]; allEchoes: boolean[]; writing: boolean[] }> {
  const echoOf = changes.map((c) => [...(c.took ?? [])]);
  if (changes.length === 0) return { echoOf, allEchoes: [], writing: [] };
  const input = changes.map((c) => ({ t: c.tenantId, e: c.entityId, k: c.entity, skip: c.took ?? [] }));
  const rows = rowsOf<{ installation_id: string; tenant_id: string; entity_id: string | null; n: number; writing: string[] | null }>(
    await db.execute(sql`
      with input as (
        select * from jsonb_to_recordset(${JSON.stringify(input)}::jsonb) as c(t text, e text, k text, skip text[])
      ), syncing as (
        select id, tenant_id from ${schema.installations}
        where tenant_id in (select distinct t from input)
          and status in (${sql.join(SYNCING_STATUSES.map((s) => sql`${s}`), sql`, `)})
      ), wanted as (
        select s.id as installation_id, c.e as entity_id, count(*) as n
        from input c join syncing s on s.tenant_id = c.t and not (s.id::text = any(c.skip))
        group by 1, 2
      ), ranked as (
        select h.id, h.installation_id, h.entity_id, row_number() over (partition by h.installation_id, h.entity_id order by h.id) as rn
        from ${schema.hostEchoes} h join wanted w on h.installation_id = w.installation_id and h.entity_id = w.entity_id
        where h.expires_at > now()
      ), gone as (
        delete from ${schema.hostEchoes} h using ranked r, wanted w
        where h.id = r.id and w.installation_id = r.installation_id and w.entity_id = r.entity_id and r.rn <= w.n
        returning h.installation_id, h.entity_id
      ), writing as (
        -- the kinds of record each installation has a page writing now (one index probe each)
        select s.id as installation_id, array_agg(k.k) as entities
        from syncing s cross join (select distinct k from input) k
        where exists (select 1 from ${schema.pendingHostWrites} p where p.installation_id = s.id and p.entity = k.k and p.expires_at > now())
        group by s.id
      )
      select s.id::text as installation_id, s.tenant_id, g.entity_id, count(g.entity_id)::int as n, w.entities as writing
      from syncing s left join gone g on g.installation_id = s.id left join writing w on w.installation_id = s.id
      group by s.id, s.tenant_id, g.entity_id, w.entities`),
  );
  const syncing = new Map<string, { tenantId: string; writing: Set<string> }>(rows.map((r) => [r.installation_id, { tenantId: r.tenant_id, writing: new Set(r.writing ?? []) }]));
  const left = new Map(rows.filter((r) => r.entity_id !== null).map((r) => [`${r.installation_id} ${r.entity_id}`, Number(r.n)]));
  const writing = changes.map(() => false);
  changes.forEach((c, n) => {
    for (const [installationId, { tenantId, writing: entities }] of syncing) {
      if (tenantId !== c.tenantId || echoOf[n]!.includes(installationId)) continue;
      const key = `${installationId} ${c.entityId}`;
      if (left.get(key)) {
        left.set(key, left.get(key)! - 1);
        echoOf[n]!.push(installationId);
      } else if (entities.has(c.entity)) writing[n] = true;
    }
  });
  const count = (tenantId: string) => [...syncing.values()].filter((s) => s.tenantId === tenantId).length;
  return { echoOf, allEchoes: changes.map((c, n) => echoOf[n]!.length > 0 && echoOf[n]!.length >= count(c.tenantId)), writing };
}

/** How long a change that may be a page's write waits for its echo at the receipt, looked for every RETAKE_EVERY_MS. */
const ECHO_WAIT_MS = 150;
const RETAKE_EVERY_MS = 15;

/**
 * Takes the echoes webhooks are as they arrive (takeEchoesOnReceipt), and lets a change that may
 * be a page's write wait a moment for its echo: the page saves it just after the write's answer,
 * and the host's webhook can come first. Whatever waits, from any number of batches, is looked
 * for again in one statement per turn; a change still unsure when its wait ends goes on as it is
 * (the sort waits for the page).
 */
export function echoTaker(db: Db) {
  type Took = { echoOf: string[]; all: boolean };
  type Waiting = { change: ReceivedChange; until: number; resolve: (t: Took) => void };
  let waiting: Waiting[] = [];
  let timer: NodeJS.Timeout | null = null;
  const schedule = () => void (timer ??= setTimeout(retake, RETAKE_EVERY_MS));
  async function retake() {
    timer = null;
    const batch = waiting;
    waiting = [];
    const now = Date.now();
    try {
      const again = await takeEchoesOnReceipt(db, batch.map((w) => w.change));
      batch.forEach((w, k) => {
        const took = { echoOf: again.echoOf[k]!, all: again.allEchoes[k]! };
        if (took.all || !again.writing[k] || now >= w.until) w.resolve(took);
        else waiting.push({ ...w, change: { ...w.change, took: took.echoOf } });
      });
    } catch {
      // nothing was taken by the failed statement: each goes on with what it took before
      batch.forEach((w) => w.resolve({ echoOf: w.change.took ?? [], all: false }));
    }
    if (waiting.length) schedule();
  }
  return async (changes: ReceivedChange[]): Promise<{ echoOf: string[][]; allEchoes: boolean[] }> => {
    const { echoOf, allEchoes, writing } = await takeEchoesOnReceipt(db, changes);
    const until = Date.now() + ECHO_WAIT_MS;
    await Promise.all(
      changes.map(async (change, n) => {
        if (allEchoes[n] || !writing[n]) return;
        const took = await new Promise<Took>((resolve) => {
          waiting.push({ change: { ...change, took: echoOf[n] }, until, resolve });
          schedule();
        });
        echoOf[n] = took.echoOf;
        allEchoes[n] = took.all;
      }),
    );
    return { echoOf, allEchoes };
  };
}

/** Announces a page's host writes before they start: the host ids it updates and the keys of what it creates. */
export async function announceWrites(db: Db, installationId: string, entity: string, writer: string, keys: string[]): Promise<void> {
  if (keys.length === 0) return;
  const expiresAt = new Date(Date.now() + PENDING_WRITE_TTL_MS).toISOString();
  await db.execute(sql`
    insert into ${schema.pendingHostWrites} (installation_id, entity, key, writer, expires_at)
    select distinct ${installationId}::uuid, ${entity}, k, ${writer}, ${expiresAt}::timestamptz from unnest(${sql.param(keys)}::text[]) as k
    on conflict (installation_id, entity, key, writer) do update set expires_at = excluded.expires_at`);
}

/** The page has saved its links and echoes: its writes are no longer pending. */
export async function settleWrites(db: Db, installationId: string, writer: string): Promise<void> {
  await db
    .delete(schema.pendingHostWrites)
    .where(and(eq(schema.pendingHostWrites.installationId, installationId), eq(schema.pendingHostWrites.writer, writer)));
}

/** Which of these keys a page now writing has announced. */
export async function pendingKeys(db: Db, installationId: string, entity: string, keys: string[]): Promise<Set<string>> {
  if (keys.length === 0) return new Set();
  const p = schema.pendingHostWrites;
  const rows = await db
    .selectDistinct({ key: p.key })
    .from(p)
    .where(and(eq(p.installationId, installationId), eq(p.entity, entity), gt(p.expiresAt, sql`now()`), sql`${p.key} = any(${sql.param(keys)}::text[])`));
  return new Set(rows.map((r) => r.key));
}

/** Whether a page now writing may concern any of these keys (or, with no keys, whether any page writes this entity). */
export async function writesPending(db: Db, installationId: string, entity: string, keys: string[] | "any"): Promise<boolean> {
  const p = schema.pendingHostWrites;
  const rows = await db
    .select({ key: p.key })
    .from(p)
    .where(
      and(
        eq(p.installationId, installationId),
        eq(p.entity, entity),
        gt(p.expiresAt, sql`now()`),
        keys === "any" ? undefined : sql`${p.key} = any(${sql.param(keys)}::text[])`,
      ),
    )
    .limit(1);
  return rows.length > 0;
}

/** The key a page announces for a host record it updates. */
export const hostIdKey = (hostId: string) => `H:${hostId}`;
