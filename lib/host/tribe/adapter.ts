/**
 * The HostAdapter (lib/sync/types.ts) for the Tribe-style host CRM.
 *
 * Calls are the cost (Tribe allows 1,000 a minute), so:
 * - relations are read 100 per call with their addresses and relationships expanded;
 * - a create is one deep insert; an update or setNumbers is one PUT on the relation carrying the
 *   changed children, and none at all when nothing differs; a contact person the write makes, or
 *   whose name it changes, costs one call on its `Relation_Person` first (Tribe's `Person` is a
 *   reference, not a deep navigation property);
 * - the relation last read (page, get, write) is kept per instance, so an update right after a
 *   read needs no second GET to learn its children's IDs;
 * - datastore lists (units, phases, …) are read once per adapter instance, countries once per code;
 * - every list is ordered by a unique key (Tribe promises no default order), see client.list.
 */
import { z } from "zod";
import type { DocumentFile, Product, Relation } from "@/lib/model";
import type { HostAdapter, HostOptions, HostUser, HostWrite, Localized, Page, SideRecord } from "@/lib/sync/types";
import { ACTIVITY_EXPAND, documentFileName, HAND_OVER_PHASE, invoiceFromTribe, salesOrderFromTribe, tribeInvoice, tribeSalesOrder } from "./activities";
import {
  ADDRESS_EXPAND,
  ADDRESS_LABELS,
  ADDRESS_NAVS,
  countriesToWrite,
  countryCode,
  KIND_BY_NAV,
  tribeCountry,
  type AddressSlots,
  type AddressWriteOptions,
  type TribeCountry,
} from "./addresses";
import { isGuid, odata, TribeApiError, type TribeClient } from "./client";
import { clean, tribeDatastore, type TribeDatastore } from "./entity";
import {
  afterPersonWrites,
  applyRelationWrite,
  createsChildren,
  numbersUpdateBody,
  personName,
  personWritesOf,
  productBody,
  productFromTribe,
  needsChildIds,
  mutatedBy,
  RELATION_EXPAND,
  relationCreateBody,
  relationToTribeShape,
  relationFromTribe,
  relationKindOf,
  relationSetOf,
  relationUpdateBody,
  tribePerson,
  tribeProduct,
  tribeRelation,
  tribeRelationshipType,
  tribeVatGroup,
  type RelationSet,
  type TribeProduct,
  type TribeRelation,
} from "./mapping";

export const PAGE_SIZE = 100;
/** host pages an index step reads concurrently once a set's size is known (500 rows, like a package page) */
const PAGES_AT_ONCE = 5;

export type TribeHostAdapterOptions = {
  /** relations/products kept for a following update (default 2000) */
  cacheSize?: number;
  /**
   * write house numbers into `Address.HouseNumber`/`HouseNumberAddition` (not documented by Tribe)
   * instead of into `Street` (default false); read from them whenever a CRM has them
   */
  houseNumberFields?: boolean;
};

const relationCursor = z.object({
  set: z.enum(["Relation_Organization", "Relation_Person"]),
  skip: z.number().int().nonnegative(),
  /** rows in this set, when known */
  count: z.number().int().nonnegative().nullable().optional(),
  /** rows in the next set (persons), when known */
  nextCount: z.number().int().nonnegative().nullable().optional(),
  total: z.number().int().nonnegative().nullable().optional(),
});
type RelationCursor = z.infer<typeof relationCursor>;

const productCursor = z.object({
  skip: z.number().int().nonnegative(),
  count: z.number().int().nonnegative().nullable().optional(),
});

function decodeCursor<T>(schema: z.ZodType<T>, cursor: string): T {
  try {
    return schema.parse(JSON.parse(cursor));
  } catch {
    throw new Error(`Not a Tribe cursor: ${cursor.slice(0, 100)}`);
  }
}

/** A small LRU map. */
class Lru<V> {
  private m = new Map<string, V>();
  constructor(private readonly max: number) {}
  get(k: string): V | undefined {
    const v = this.m.get(k);
    if (v !== undefined) {
      this.m.delete(k);
      this.m.set(k, v);
    }
    return v;
  }
  set(k: string, v: V) {
    this.m.delete(k);
    this.m.set(k, v);
    while (this.m.size > this.max) this.m.delete(this.m.keys().next().value!);
  }
  delete(k: string) {
    this.m.delete(k);
  }
}

/** A lazily loaded value, loaded once; a failed load is tried again next time. */
function once<T>(load: () => Promise<T>): () => Promise<T> {
  let p: Promise<T> | null = null;
  return () => {
    p ??= load().catch((err) => {
      p = null;
      throw err;
    });
    return p;
  };
}

/** datastore lists as the CRM orders them (`SortIndex`, documented on every entity), the settings screens show them so */
const IN_CRM_ORDER = { orderby: "SortIndex,ID" };

const RELATIONSHIP_SET_RE = /^Relationship\.(Organization|Person)\.[A-Za-z.]+$/;

export function createTribeHostAdapter(client: TribeClient, opts: TribeHostAdapterOptions = {}): HostAdapter {
  const cacheSize = opts.cacheSize ?? 2000;
  /** raw relation as last read or written, with the modifiedAt handed out for it */
  const relations = new Lru<{ raw: TribeRelation; modifiedAt: string | null }>(cacheSize);
  const products = new Lru<{ raw: TribeProduct; modifiedAt: string | null }>(cacheSize);
  /** which set a relation id is in (persons would otherwise cost a 404 first) */
  const setOf = new Lru<RelationSet>(cacheSize * 10);
  const activityNumbers = new Lru<string>(1000);

  /** countries looked up so far, by ISO code and by ID */
  const countries = { byCode: new Map<string, TribeCountry>(), byId: new Map<string, TribeCountry>() };
  const units = once(async () => {
    const list = await client.listAll("Datastore_Unit", IN_CRM_ORDER, tribeDatastore);
    return new Map(list.map((t) => [t.ID, t]));
  });
  const invoicePhases = once(() => client.listAll("Datastore_Phase_ActivityInvoice", IN_CRM_ORDER, tribeDatastore));
  const vatGroups = once(() => client.listAll("Datastore_VatGroup", IN_CRM_ORDER, tribeVatGroup));
  const productGroups = once(() => client.listAll("Datastore_ProductGroup", IN_CRM_ORDER, tribeDatastore));
  const ledgerAccounts = once(() => client.listAll("Datastore_GeneralLedgerAccount", IN_CRM_ORDER, tribeDatastore));
  const relationshipTypes = once(() => client.listAll("Datastore_RelationshipType", IN_CRM_ORDER, tribeRelationshipType));

  // ---------------------------------------------------------------- relations

  function remember(raw: TribeRelation): SideRecord<Relation> {
    const rec = relationFromTribe(raw);
    setOf.set(raw.ID, relationSetOf(rec.data.kind));
    relations.set(raw.ID, { raw, modifiedAt: rec.modifiedAt });
    return rec;
  }

  async function fetchRelation(id: string): Promise<TribeRelation | null> {
    if (!isGuid(id)) return null;
    const known = setOf.get(id);
    const order: RelationSet[] = known
      ? [known]
      : ["Relation_Organization", "Relation_Person"];
    for (const set of order) {
      const raw = await client.get(set, id, { expand: RELATION_EXPAND[set] }, tribeRelation);
      if (raw) return raw;
    }
    return null;
  }

  /** The cached raw relation when it is the version `previous` shows (or no version is given). */
  function cachedRelation(id: string, previous: SideRecord<Relation> | null): TribeRelation | null {
    const hit = relations.get(id);
    if (!hit || !hit.raw.Relationships) return null;
    if (previous?.modifiedAt && hit.modifiedAt !== previous.modifiedAt) return null;
    return hit.raw;
  }

  /** The options of an address write, with the IDs of the countries it names (looked up once per code). */
  async function addressWrite(current: AddressSlots | null, data: Relation): Promise<AddressWriteOptions> {
    const missing = countriesToWrite(current, data).filter((c) => !countries.byCode.has(c));
    await Promise.all(
      missing.map(async (c) => {
        const hit = (await client.list("Datastore_Country", { filter: odata.eq("Code", c), top: 1 }, tribeCountry)).value[0];
        if (!hit) return; // the write is refused as host.tribe.countryMissing
        countries.byCode.set(c, hit);
        countries.byId.set(hit.ID, hit);
      }),
    );
    return {
      houseNumberFields: opts.houseNumberFields ?? false,
      countryIds: new Map([...countries.byCode].map(([c, country]) => [c, country.ID])),
    };
  }

  async function readRelation(id: string): Promise<TribeRelation> {
    const raw = await fetchRelation(id);
    if (!raw) throw new TribeApiError(404, "NotFound", `Relation ${id} not found`, "GET", `/v1/odata/Relation(${id})`);
    remember(raw);
    return raw;
  }

  /**
   * Plans a write on the relation as the engine last saw it; reads the relation only when the
   * write must name an existing child by ID and the cache does not have it.
   */
  async function plan(
    id: string,
    previous: SideRecord<Relation>,
    build: (current: TribeRelation) => Promise<Record<string, unknown> | null>,
  ): Promise<{ current: TribeRelation; body: Record<string, unknown> | null; real: boolean }> {
    const cached = cachedRelation(id, previous);
    if (cached) return { current: cached, body: await build(cached), real: true };
    const shape = relationToTribeShape(id, previous.data);
    const body = await build(shape);
    if (!body || !needsChildIds(body)) return { current: shape, body, real: false };
    const current = await readRelation(id);
    return { current, body: await build(current), real: true };
  }

  /**
   * Writes the contact persons a relation write body makes or renames (one `Relation_Person` call
   * each, before the body that names them): answers the body to send (null when only persons
   * changed), the body as the relation holds it afterwards, and the persons written.
   */
  async function writePersons(body: Record<string, unknown>): Promise<{ wire: Record<string, unknown> | null; logical: Record<string, unknown>; persons: string[] }> {
    const writes = personWritesOf(body);
    const persons: string[] = [];
    for (const w of writes) {
      if (w.id) await client.update("Relation_Person", w.id, w.fields, tribePerson);
      const id = w.id ?? (await client.create("Relation_Person", w.fields, tribePerson)).ID;
      setOf.set(id, "Relation_Person");
      persons.push(id);
    }
    return { ...afterPersonWrites(body, persons), persons };
  }

  /**
   * The relation after a write, composed from what was there, the body and the answer (which
   * carries the relation's own fields only). Cached when every child ID is known. When the server
   * assigned a number we did not send, the relation is read back so the number is known.
   * `written`: the write as `writePersons` split it (wire: what was sent; no answer when nothing was).
   */
  async function afterWrite(
    set: RelationSet,
    before: TribeRelation | null,
    real: boolean,
    written: { wire: Record<string, unknown> | null; logical: Record<string, unknown>; persons: string[] },
    answer: TribeRelation,
  ): Promise<HostWrite<Relation>> {
    const { wire, logical, persons } = written;
    const sent = wire ?? {};
    const expanded = !!answer.Relationships;
    const after = applyRelationWrite(before, logical, answer, countries.byId);
    // the CRM answers each entity written with a webhook: the relation's own, and each person's
    const mutatedOf = (result: TribeRelation) => [...new Set([...(wire ? mutatedBy(answer.ID, sent, before, result) : []), ...persons])];
    const rec = relationFromTribe(after);
    setOf.set(after.ID, set);
    const numberAssigned = (rec.data.isCustomer && !rec.data.debtorNumber) || (rec.data.isSupplier && !rec.data.creditorNumber);
    if (numberAssigned && !expanded) {
      const raw = await client.get(set, answer.ID, { expand: RELATION_EXPAND[set] }, tribeRelation);
      if (raw) return { ...remember(raw), mutated: mutatedOf(raw) };
    }
    if (expanded || (real && !createsChildren(sent))) relations.set(after.ID, { raw: after, modifiedAt: rec.modifiedAt });
    else relations.delete(after.ID);
    return { ...rec, mutated: mutatedOf(after) };
  }

  /** the organization's own record (IsOwnOrganization) is the tenant itself, not a relation to sync */
  const NOT_OWN = "IsOwnOrganization ne true";

  async function readRelations(set: RelationSet, skip: number, count: boolean) {
    const filter = set === "Relation_Organization" ? NOT_OWN : undefined;
    return client.list(set, { filter, top: PAGE_SIZE, skip, count, expand: RELATION_EXPAND[set] }, tribeRelation);
  }

  /** The relation whose VisitingAddress, PostalAddress or InvoiceAddress an address is (Tribe's addresses name no owner). */
  async function addressOwner(addressId: string): Promise<string | null> {
    const filter = ADDRESS_NAVS.map((n) => `${n}/ID eq ${odata.guid(addressId)}`).join(" or ");
    for (const set of ["Relation_Organization", "Relation_Person"] as const) {
      const hit = (await client.list(set, { filter, top: 1, select: "ID" })).value[0];
      if (hit) {
        setOf.set(hit.ID, set);
        return hit.ID;
      }
    }
    return null;
  }

  const relationsApi: HostAdapter["relations"] = {
    async page(cursor) {
      let c: RelationCursor;
      let total: number | null = null;
      let rows: TribeRelation[];
      let lastRead: { skip: number; rows: number };
      if (cursor === null) {
        // first page: organizations with their count, and the persons' count, so `total` is known
        const [orgs, persons] = await Promise.all([
          readRelations("Relation_Organization", 0, true),
          client.list("Relation_Person", { top: 0, count: true, select: "ID" }),
        ]);
        total = orgs.count !== null && persons.count !== null ? orgs.count + persons.count : null;
        c = { set: "Relation_Organization", skip: 0, count: orgs.count, nextCount: persons.count, total };
        rows = orgs.value;
        lastRead = { skip: 0, rows: rows.length };
      } else {
        c = decodeCursor(relationCursor, cursor);
        total = c.total ?? null;
        // the set's size is known: its next pages are read at once, still one call per 100 rows
        const skips = [c.skip];
        while (c.count != null && skips.length < PAGES_AT_ONCE && skips.at(-1)! + PAGE_SIZE < c.count) skips.push(skips.at(-1)! + PAGE_SIZE);
        const reads = await Promise.all(skips.map((skip) => readRelations(c.set, skip, c.count == null)));
        if (c.count == null) c.count = reads[0]!.count;
        rows = reads.flatMap((r) => r.value);
        lastRead = { skip: skips.at(-1)!, rows: reads.at(-1)!.value.length };
      }
      const items = rows.map(remember);
      const end = lastRead.skip + lastRead.rows;
      const done = lastRead.rows < PAGE_SIZE || (c.count != null && end >= c.count);
      let next: RelationCursor | null;
      if (!done) next = { ...c, skip: end };
      else if (c.set === "Relation_Organization" && c.nextCount !== 0) {
        next = { set: "Relation_Person", skip: 0, count: c.nextCount ?? null, total };
      } else next = null;
      return { items, next: next ? JSON.stringify(next) : null, total } satisfies Page<Relation>;
    },

    async get(id) {
      const raw = await fetchRelation(id);
      return raw ? remember(raw) : null;
    },

    async createdSince(since) {
      const created = `CreationDate ge ${odata.dateTime(new Date(since))}`;
      const [orgs, persons] = await Promise.all([
        client.listAll("Relation_Organization", { filter: `${NOT_OWN} and ${created}`, expand: RELATION_EXPAND.Relation_Organization }, tribeRelation),
        client.listAll("Relation_Person", { filter: created, expand: RELATION_EXPAND.Relation_Person }, tribeRelation),
      ]);
      return [...orgs, ...persons].map(remember);
    },

    async resolveId(entityType, entityId) {
      if (!isGuid(entityId)) return null;
      if (entityType === "Relation.Organization" || entityType === "Relation.Person") {
        setOf.set(entityId, entityType === "Relation.Person" ? "Relation_Person" : "Relation_Organization");
        return entityId;
      }
      if (entityType === "Address") return addressOwner(entityId);
      if (!RELATIONSHIP_SET_RE.test(entityType)) return null;
      const set = entityType.replace(/\./g, "_");
      const owner = z.looseObject({
        ID: z.string(),
        Relation: z.looseObject({ ID: z.string(), _Type: z.string().nullish() }).nullish(),
      });
      // 404 (no such entity, or an entity set the CRM does not know) → null
      const found = await client.get(set, entityId, { select: "ID", expand: "Relation($select=ID,_Type)" }, owner);
      const rel = found?.Relation;
      if (!rel) return null;
      if (rel._Type === "Relation.Organization" || rel._Type === "Relation.Person") {
        setOf.set(rel.ID, relationSetOf(relationKindOf(rel._Type)));
      }
      return rel.ID;
    },

    async create(data) {
      const set = relationSetOf(data.kind);
      // contact persons' persons first: the deep insert names them
      const written = await writePersons(relationCreateBody(data, await addressWrite(null, data)));
      const answer = await client.create(set, written.wire ?? {}, tribeRelation, { expand: RELATION_EXPAND[set] });
      return afterWrite(set, null, true, written, answer);
    },

    async update(id, data, previous) {
      const { current, body, real } = await plan(id, previous, async (cur) => relationUpdateBody(cur, data, await addressWrite(cur, data)));
      if (!body) return { ...(real ? relationFromTribe(current) : previous), mutated: [] };
      const set = relationSetOf(relationKindOf(current._Type));
      const written = await writePersons(body);
      // only a contact's name changed: its person was written, the relation itself is not
      const { Relationships: _children, ...own } = current;
      const answer = written.wire ? await client.update(set, id, written.wire, tribeRelation, { expand: RELATION_EXPAND[set] }) : (own as TribeRelation);
      return afterWrite(set, current, real, written, answer);
    },

    async setNumbers(id, numbers, previous) {
      const { current, body, real } = await plan(id, previous, async (cur) => numbersUpdateBody(cur, numbers));
      if (!body) return { ...(real ? relationFromTribe(current) : previous), mutated: [] };
      const set = relationSetOf(relationKindOf(current._Type));
      const answer = await client.update(set, id, body, tribeRelation, { expand: RELATION_EXPAND[set] });
      return afterWrite(set, current, real, { wire: body, logical: body, persons: [] }, answer);
    },
  };

  // ---------------------------------------------------------------- products

  function rememberProduct(raw: TribeProduct, unitMap: Map<string, TribeDatastore>): SideRecord<Product> {
    const rec = productFromTribe(raw, unitMap);
    products.set(raw.ID, { raw, modifiedAt: rec.modifiedAt });
    return rec;
  }

  const productsApi: HostAdapter["products"] = {
    async page(cursor) {
      const c = cursor === null ? { skip: 0, count: null } : decodeCursor(productCursor, cursor);
      const [res, unitMap] = await Promise.all([
        client.list("Product", { top: PAGE_SIZE, skip: c.skip, count: c.count == null }, tribeProduct),
        units(),
      ]);
      const count = c.count ?? res.count;
      const items = res.value.map((p) => rememberProduct(p, unitMap));
      const done = res.value.length < PAGE_SIZE || (count != null && c.skip + res.value.length >= count);
      return {
        items,
        next: done ? null : JSON.stringify({ skip: c.skip + res.value.length, count }),
        total: count,
      };
    },

    async get(id) {
      if (!isGuid(id)) return null;
      const [raw, unitMap] = await Promise.all([client.get("Product", id, {}, tribeProduct), units()]);
      return raw ? rememberProduct(raw, unitMap) : null;
    },

    async createdSince(since) {
      const [rows, unitMap] = await Promise.all([
        client.listAll("Product", { filter: `CreationDate ge ${odata.dateTime(new Date(since))}` }, tribeProduct),
        units(),
      ]);
      return rows.map((p) => rememberProduct(p, unitMap));
    },

    async create(data) {
      const unitMap = await units();
      const body = productBody(data, unitMap.values())!;
      const raw = await client.create("Product", body, tribeProduct);
      return { ...rememberProduct(raw, unitMap), mutated: [raw.ID] };
    },

    async update(id, data, previous) {
      const unitMap = await units();
      const hit = products.get(id);
      let current = hit && hit.modifiedAt === previous.modifiedAt ? hit.raw : null;
      if (!current) {
        current = await client.get("Product", id, {}, tribeProduct);
        if (!current) throw new TribeApiError(404, "NotFound", `Product ${id} not found`, "GET", `/v1/odata/Product(${id})`);
      }
      const body = productBody(data, unitMap.values(), current);
      if (!body) return { ...rememberProduct(current, unitMap), mutated: [] };
      const raw = await client.update("Product", id, body, tribeProduct);
      return { ...rememberProduct(raw, unitMap), mutated: [raw.ID] };
    },
  };

  // ---------------------------------------------------------------- invoices and sales orders

  async function document(set: "Activity_Invoice" | "Activity_SalesOrder", id: string, prefix: string): Promise<DocumentFile> {
    if (!isGuid(id)) throw new RangeError(`not a guid: ${id}`);
    const bin = await client.getBinary(`${set}(${id})/Document`);
    let number = activityNumbers.get(id) ?? null;
    if (!number) {
      const fromHeader = bin.fileName?.replace(/\.pdf$/i, "") ?? null;
      if (fromHeader) number = fromHeader;
      else {
        const e = await client.get(set, id, { select: "ID,Number" }, z.looseObject({ ID: z.string(), Number: z.union([z.string(), z.number()]).nullish() }));
        number = e?.Number != null ? String(e.Number) : id;
      }
    }
    return {
      fileName: documentFileName(prefix, number),
      contentType: bin.contentType === "application/octet-stream" ? "application/pdf" : bin.contentType,
      content: Buffer.from(bin.data).toString("base64"),
    };
  }

  const invoicesApi: HostAdapter["invoices"] = {
    async get(id) {
      if (!isGuid(id)) return null;
      const raw = await client.get("Activity_Invoice", id, { expand: ACTIVITY_EXPAND }, tribeInvoice);
      if (!raw) return null;
      const { record, phase } = invoiceFromTribe(raw);
      activityNumbers.set(id, record.data.number);
      return { record, handOver: phase === HAND_OVER_PHASE.invoice };
    },
    document: (id) => document("Activity_Invoice", id, "factuur"),
    async markPaid(id) {
      const phases = await invoicePhases();
      const paid = phases.find((p) => p.Code?.toLowerCase() === "paid");
      if (!paid) throw new Error("The CRM has no invoice phase with code Paid (Datastore_Phase_ActivityInvoice)");
      await client.update("Activity_Invoice", id, { Phase: { ID: paid.ID } }, z.looseObject({ ID: z.string() }));
      return [id];
    },
  };

  const salesOrdersApi: HostAdapter["salesOrders"] = {
    async get(id) {
      if (!isGuid(id)) return null;
      const raw = await client.get("Activity_SalesOrder", id, { expand: ACTIVITY_EXPAND }, tribeSalesOrder);
      if (!raw) return null;
      const { record, phase } = salesOrderFromTribe(raw);
      activityNumbers.set(id, record.data.number);
      return { record, handOver: phase === HAND_OVER_PHASE.salesOrder };
    },
    document: (id) => document("Activity_SalesOrder", id, "verkooporder"),
  };

  // ---------------------------------------------------------------- options

  async function options(locale: keyof Localized = "nl"): Promise<HostOptions> {
    const [vg, pg, rt, gl, un, own] = await Promise.all([
      vatGroups(),
      productGroups(),
      relationshipTypes(),
      ledgerAccounts(),
      units(),
      client.list(
        "Relation_Organization",
        { filter: odata.eq("IsOwnOrganization", true), top: 1, select: "ID,Name", expand: ADDRESS_EXPAND },
        tribeRelation.partial({ _Type: true }),
      ),
    ]);
    const ownOrganization = own.value[0];
    // the visiting address's country first
    const ownCountry = ADDRESS_NAVS.map((n) => countryCode(ownOrganization?.[n]?.Country)).find((c) => c !== null) ?? null;
    const label = (d: TribeDatastore) => d.Name ?? d.Code ?? d.ID;
    return {
      vatGroups: vg.map((v) => ({
        value: v.ID,
        label: label(v),
        ...(v.Code ? { hint: v.Code } : {}),
        percentage: v.Percentage ?? 0,
        country: v.CountryCode ? v.CountryCode.toUpperCase() : null,
      })),
      productGroups: pg.map((p) => ({ value: p.ID, label: label(p), ...(p.Code ? { hint: p.Code } : {}) })),
      relationTypes: rt
        .filter((r) => r.Code)
        .map((r) => ({ value: r.Code!, label: r.Name ?? r.Code!, ...(r.EntityType ? { hint: r.EntityType } : {}) })),
      addressTypes: ADDRESS_NAVS.map((nav) => ({ value: nav, label: ADDRESS_LABELS[nav][locale], hint: nav, kind: KIND_BY_NAV[nav] })),
      ledgerAccounts: gl.map((l) => ({ value: l.ID, label: label(l), ...(l.Code ? { hint: l.Code } : {}) })),
      // valued as Product.unit is (productFromTribe: the name, else the code)
      units: [...un.values()].flatMap((u) => {
        const value = clean(u.Name ?? u.Code);
        return value ? [{ value, label: value, ...(u.Code ? { hint: u.Code } : {}) }] : [];
      }),
      ownCountry,
    };
  }

  const currentEmployee = z.looseObject({ ID: z.string(), EmailAddress: z.string().nullish(), _Name: z.string().nullish(), Person: tribePerson.nullish() });

  /** `GetCurrentEmployee()`: whom the token acts for (FACTS second pass §1). */
  async function currentUser(): Promise<HostUser> {
    const e = await client.callFunction("GetCurrentEmployee", { expand: "Person" }, currentEmployee);
    const name = (e.Person ? personName(e.Person) : null) ?? e.Person?._Name ?? e._Name ?? e.ID;
    return { name, email: e.EmailAddress ?? e.Person?.EmailAddress ?? null };
  }

  return {
    relations: relationsApi,
    products: productsApi,
    invoices: invoicesApi,
    salesOrders: salesOrdersApi,
    options,
    currentUser,
  };
}
