// Multi-tenant in-memory store of the sandbox host CRM.
// Every tenant (organization in Tribe's words) has its own tables; records are indexed by ID
// (per table and per tenant) and by every single-valued reference (for collections and
// `X/ID eq guid` filters), so nothing is O(n) per lookup.

import { randomUUID } from "node:crypto";
import { badRequest, notFound } from "./errors";
import {
  CUSTOMER_SETS,
  LOAD_ORDER,
  navName,
  SET_BY_TYPE,
  SETS,
  SYSTEM_FIELDS,
  type EntityExtras,
  type FieldType,
  type SetDef,
  webhookOnEveryWrite,
  webhookOnPhaseChange,
} from "./schema";

export interface Rec {
  id: string;
  def: SetDef;
  seq: number;
  created: string;
  modified: string;
  /** declared fields */
  f: Record<string, unknown>;
  /** single-valued references: nav name → target ID or null */
  r: Record<string, string | null>;
}

export interface Table {
  def: SetDef;
  rows: Map<string, Rec>;
  /** nav name → target id → ids of rows referencing it */
  refIndex: Map<string, Map<string, Set<string>>>;
}

export interface User {
  id: string;
  name: string;
  email?: string;
  locale: "nl" | "fr" | "en";
}

export interface Installation {
  id: string;
  tenantId: string;
  appId: string;
  listingId: string;
  userId: string;
  createdAt: string;
  webhookIds: string[];
}

export interface WebhookSubscription {
  id: string;
  organizationId: string;
  entityType: string;
  url: string;
  /** custom headers sent with every delivery (Tribe supports them on a subscription) */
  headers?: Record<string, string>;
  createdAt: string;
  installationId?: string;
}

export interface Tenant {
  id: string;
  name: string;
  users: User[];
  tables: Map<string, Table>;
  byId: Map<string, Rec>;
  seq: number;
  counters: { invoice: number; salesOrder: number; debtor: number; creditor: number };
  installations: Map<string, Installation>;
  webhooks: Map<string, WebhookSubscription>;
}

export interface MutationEvent {
  organizationId: string;
  type: "EntityCreationMutation" | "EntityUpdateMutation";
  entityType: string;
  entityId: string;
  changedFields: string[];
}

export interface WriteOptions {
  /** no webhooks (seeding) */
  silent?: boolean;
  /** allow ID on create and CreationDate/LastMutationDate in the body (seeding) */
  system?: boolean;
}

interface Plan {
  def: SetDef;
  existing: Rec | null;
  id: string;
  fields: Record<string, unknown>;
  refs: Record<string, string | null>;
  children: { via: string; plan: Plan }[];
  /** targets of deep navigation properties written in place, committed before the record */
  targets: Plan[];
  created?: string;
  modified?: string;
}

const GUID_RE = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
const IGNORED_KEYS = new Set(["_Type", "_Name", "SortIndex", "CreationDate", "LastMutationDate", "ID"]);

export const round2 = (n: number) => Math.round((n + Number.EPSILON) * 100) / 100;
export const today = () => new Date().toISOString().slice(0, 10);

export function isGuid(s: unknown): s is string {
  return typeof s === "string" && GUID_RE.test(s);
}

export class Store {
  tenants = new Map<string, Tenant>();
  private listeners: ((e: MutationEvent) => void)[] = [];
  private lastStamp = 0;

  /** `extras`: which undocumented properties exist right now (the host's config) */
  constructor(private readonly extras: () => EntityExtras) {}

  /** Whether a property of the set exists (an extra only while its setting is on). */
  exists(def: SetDef, name: string): boolean {
    const flag = def.extras?.[name];
    return !flag || this.extras()[flag];
  }

  /** The type of a field (system fields included), or undefined when the set has no such field. */
  fieldType(def: SetDef, name: string): FieldType | undefined {
    return SYSTEM_FIELDS[name] ?? (this.exists(def, name) ? def.fields[name] : undefined);
  }

  /** The target sets of a single-valued navigation property (or of one of its aliases). */
  navTargets(def: SetDef, name: string): string[] | undefined {
    const nav = navName(def, name);
    return this.exists(def, nav) ? def.nav[nav] : undefined;
  }

  onMutation(fn: (e: MutationEvent) => void) {
    this.listeners.push(fn);
  }

  clear() {
    this.tenants.clear();
  }

  addTenant(id: string, name: string, users: User[]): Tenant {
    const t: Tenant = {
      id,
      name,
      users,
      tables: new Map(),
      byId: new Map(),
      seq: 0,
      counters: { invoice: 0, salesOrder: 0, debtor: 10000, creditor: 20000 },
      installations: new Map(),
      webhooks: new Map(),
    };
    for (const def of SETS.values()) t.tables.set(def.set, { def, rows: new Map(), refIndex: new Map() });
    this.tenants.set(id, t);
    return t;
  }

  firstTenant(): Tenant {
    const t = this.tenants.values().next().value;
    if (!t) throw new Error("no tenants");
    return t;
  }

  tenant(id: string): Tenant | undefined {
    return this.tenants.get(id);
  }

  table(t: Tenant, set: string): Table {
    const tb = t.tables.get(set);
    if (!tb) throw notFound(`Entity set '${set}' not found`);
    return tb;
  }

  get(t: Tenant, set: string, id: string): Rec | undefined {
    return t.tables.get(set)?.rows.get(id.toLowerCase()) ?? t.tables.get(set)?.rows.get(id);
  }

  /** A non-decreasing ISO timestamp (ms resolution; writes in the same ms share it). */
  stamp(): string {
    const now = Math.max(Date.now(), this.lastStamp);
    this.lastStamp = now;
    return new Date(now).toISOString();
  }

  // ---------------------------------------------------------------- reads

  nameOf(t: Tenant, rec: Rec): string {
    const f = rec.f;
    const s = (v: unknown) => (typeof v === "string" ? v : v == null ? "" : String(v));
    switch (rec.def.set) {
      case "Relation_Person":
        return [f.FirstName, f.MiddleName, f.LastName].map(s).filter(Boolean).join(" ");
      case "Address": {
        const line1 = [s(f.Street), s(f.HouseNumber), s(f.HouseNumberAddition)].filter(Boolean).join(" ");
        const line2 = [s(f.Postalcode), s(f.City)].filter(Boolean).join(" ");
        return [line1, line2].filter(Boolean).join(", ");
      }
      case "Activity_Invoice":
      case "Activity_SalesOrder":
        return [s(f.Number), s(f.Subject)].filter(Boolean).join(" - ");
      case "Activity_Subscription":
        return s(f.Subject);
      case "ProductLine":
        return s(f.Description);
      default:
        if (rec.def.set.startsWith("Relationship_")) {
          const target = rec.r.Person ?? rec.r.Relation;
          const rel = target ? t.byId.get(target) : undefined;
          return rel ? this.nameOf(t, rel) : "";
        }
        return s(f.Name);
    }
  }

  /** IDs of the children in a collection navigation property. */
  children(t: Tenant, rec: Rec, collection: string): Rec[] {
    const c = rec.def.collections[collection];
    if (!c) return [];
    const out: Rec[] = [];
    for (const set of c.sets) {
      const ids = t.tables.get(set)?.refIndex.get(c.via)?.get(rec.id);
      if (!ids) continue;
      for (const id of ids) {
        const child = t.byId.get(id);
        if (child) out.push(child);
      }
    }
    if (c.sets.length > 1) out.sort((a, b) => a.seq - b.seq);
    return out;
  }

  /** Rows of `set` whose reference `nav` points at `targetId` (index lookup). */
  referencing(t: Tenant, set: string, nav: string, targetId: string): Rec[] {
    const ids = t.tables.get(set)?.refIndex.get(nav)?.get(targetId.toLowerCase());
    if (!ids) return [];
    const out: Rec[] = [];
    for (const id of ids) {
      const r = t.byId.get(id);
      if (r) out.push(r);
    }
    return out.sort((a, b) => a.seq - b.seq);
  }

  byCode(t: Tenant, set: string, code: string): Rec | undefined {
    for (const r of this.table(t, set).rows.values()) if (r.f.Code === code) return r;
    return undefined;
  }

  defaultOf(t: Tenant, set: string): Rec | undefined {
    for (const r of this.table(t, set).rows.values()) if (r.f.IsDefault === true) return r;
    return undefined;
  }

  // ---------------------------------------------------------------- writes

  create(t: Tenant, set: string, body: Record<string, unknown>, opts: WriteOptions = {}): Rec {
    const def = this.table(t, set).def;
    let id: string | undefined;
    if (body.ID != null) {
      if (!opts.system) throw badRequest("ID given on create; use PUT or POST with an existing ID");
      if (!isGuid(body.ID)) throw badRequest(`ID '${String(body.ID)}' is not a guid`);
      id = body.ID.toLowerCase();
      if (t.byId.has(id)) throw badRequest(`An entity with ID ${id} already exists`);
    }
    const plan = this.prepare(t, def, body, null, opts, id);
    const events: MutationEvent[] = [];
    const rec = this.commit(t, plan, events, opts);
    this.emit(events, opts);
    return rec;
  }

  update(t: Tenant, set: string, id: string, body: Record<string, unknown>, opts: WriteOptions = {}): Rec {
    const def = this.table(t, set).def;
    const existing = this.get(t, set, id);
    if (!existing) throw notFound(`${set}(${id}) not found`);
    const plan = this.prepare(t, def, body, existing, opts);
    const events: MutationEvent[] = [];
    const rec = this.commit(t, plan, events, opts);
    this.emit(events, opts);
    return rec;
  }

  delete(t: Tenant, set: string, id: string): void {
    const rec = this.get(t, set, id);
    if (!rec) throw notFound(`${set}(${id}) not found`);
    this.remove(t, rec);
  }

  private remove(t: Tenant, rec: Rec) {
    for (const coll of Object.keys(rec.def.collections)) {
      for (const child of this.children(t, rec, coll)) this.remove(t, child);
    }
    // a relation's addresses are its own
    for (const nav of rec.def.deep ?? []) {
      const target = rec.r[nav] ? t.byId.get(rec.r[nav]!) : undefined;
      if (target) this.remove(t, target);
    }
    const table = this.table(t, rec.def.set);
    for (const [nav, target] of Object.entries(rec.r)) if (target) this.unindex(table, nav, target, rec.id);
    table.rows.delete(rec.id);
    t.byId.delete(rec.id);
    if (rec.def.set === "ProductLine" && rec.r.Activity) {
      const act = t.byId.get(rec.r.Activity);
      if (act) {
        this.recomputeActivity(t, act);
        act.modified = this.stamp();
      }
    }
  }

  private index(table: Table, nav: string, target: string, id: string) {
    let m = table.refIndex.get(nav);
    if (!m) table.refIndex.set(nav, (m = new Map()));
    let s = m.get(target);
    if (!s) m.set(target, (s = new Set()));
    s.add(id);
  }

  private unindex(table: Table, nav: string, target: string, id: string) {
    const s = table.refIndex.get(nav)?.get(target);
    if (!s) return;
    s.delete(id);
    if (s.size === 0) table.refIndex.get(nav)!.delete(target);
  }

  private validateValue(def: SetDef, key: string, type: FieldType, v: unknown): unknown {
    if (v === null) return null;
    const fail = (want: string) =>
      badRequest(`Property '${key}' of ${def.set} must be ${want}, got ${JSON.stringify(v)}`, "InvalidValue");
    switch (type) {
      case "string":
      case "guid":
        if (typeof v !== "string") throw fail("a string");
        return v;
      case "number":
        if (typeof v !== "number" || !Number.isFinite(v)) throw fail("a number");
        return v;
      case "boolean":
        if (typeof v !== "boolean") throw fail("a boolean");
        return v;
      case "date":
        if (typeof v !== "string") throw fail("a date (YYYY-MM-DD)");
        if (DATE_RE.test(v)) return v;
        if (!Number.isNaN(Date.parse(v))) return new Date(v).toISOString().slice(0, 10);
        throw fail("a date (YYYY-MM-DD)");
      case "datetime":
        if (typeof v !== "string" || Number.isNaN(Date.parse(v))) throw fail("an ISO 8601 date-time");
        return new Date(v).toISOString();
    }
  }

  private resolveRef(t: Tenant, def: SetDef, nav: string, v: unknown): string | null {
    if (v === null) return null;
    const targets = def.nav[nav]!;
    if (typeof v !== "object" || Array.isArray(v) || !("ID" in (v as object))) {
      throw badRequest(`Navigation property '${nav}' of ${def.set} must be {"ID": "<guid>"} or null`, "InvalidValue");
    }
    const id = (v as { ID: unknown }).ID;
    if (id === null) return null;
    if (!isGuid(id)) throw badRequest(`'${nav}.ID' must be a guid, got ${JSON.stringify(id)}`, "InvalidValue");
    const target = t.byId.get(id.toLowerCase());
    if (!target || !targets.includes(target.def.set)) {
      throw badRequest(`'${nav}' references ${id}, which is not a ${targets.join(" or ")} of this organization`, "InvalidReference");
    }
    return target.id;
  }

  private prepare(
    t: Tenant,
    def: SetDef,
    body: Record<string, unknown>,
    existing: Rec | null,
    opts: WriteOptions,
    newId?: string,
    fixedVia?: string,
  ): Plan {
    if (body == null || typeof body !== "object" || Array.isArray(body)) throw badRequest("Body must be a JSON object");
    if (def.readOnly && !opts.system) throw badRequest(`${def.set} is read-only`, "ReadOnly");
    const plan: Plan = { def, existing, id: existing?.id ?? newId ?? randomUUID(), fields: {}, refs: {}, children: [], targets: [] };
    for (const [key, value] of Object.entries(body)) {
      if (key.startsWith("@odata.")) continue;
      if (IGNORED_KEYS.has(key)) {
        if (opts.system && (key === "CreationDate" || key === "LastMutationDate") && value != null) {
          const iso = this.validateValue(def, key, "datetime", value) as string;
          if (key === "CreationDate") plan.created = iso;
          else plan.modified = iso;
        }
        continue;
      }
      const ftype = this.exists(def, key) ? def.fields[key] : undefined;
      if (ftype) {
        if (def.computed?.includes(key) && !opts.system) continue;
        plan.fields[key] = this.validateValue(def, key, ftype, value);
        continue;
      }
      if (this.navTargets(def, key)) {
        const nav = navName(def, key);
        if (nav === fixedVia) continue;
        const id = def.deep?.includes(nav) ? this.prepareDeep(t, def, nav, value, existing, plan, opts) : this.resolveRef(t, def, nav, value);
        if (nav in plan.refs && plan.refs[nav] !== id) throw badRequest(`'${key}' and '${nav}' name different entities`, "InvalidReference");
        // a deep update of the current target leaves the reference as it is
        if (id !== undefined) plan.refs[nav] = id;
        continue;
      }
      const coll = def.collections[key];
      if (coll) {
        if (!Array.isArray(value)) throw badRequest(`'${key}' must be an array`);
        for (const item of value) {
          if (item == null || typeof item !== "object" || Array.isArray(item)) throw badRequest(`Items of '${key}' must be objects`);
          const it = item as Record<string, unknown>;
          if (it.ID != null) {
            if (!isGuid(it.ID)) throw badRequest(`'${key}[].ID' must be a guid`);
            const child = t.byId.get(it.ID.toLowerCase());
            if (child) {
              if (!coll.sets.includes(child.def.set)) throw badRequest(`${it.ID} is a ${child.def.type}, which cannot be in '${key}'`);
              if (existing && child.r[coll.via] !== existing.id) {
                throw badRequest(`${it.ID} belongs to another ${def.type}`, "InvalidReference");
              }
              if (!existing) throw badRequest(`${it.ID} belongs to another ${def.type}`, "InvalidReference");
              plan.children.push({ via: coll.via, plan: this.prepare(t, child.def, it, child, opts, undefined, coll.via) });
              continue;
            }
            if (!opts.system) throw notFound(`'${key}' item ${it.ID} not found`);
          }
          let childDef: SetDef | undefined;
          if (coll.sets.length === 1) childDef = SETS.get(coll.sets[0]!);
          else {
            const typeName = typeof it._Type === "string" ? it._Type : typeof it["@odata.type"] === "string" ? String(it["@odata.type"]).replace(/^#/, "") : undefined;
            if (!typeName) throw badRequest(`Items of '${key}' without ID need a _Type (one of ${coll.sets.map((s) => SETS.get(s)!.type).join(", ")})`);
            childDef = SET_BY_TYPE.get(typeName) ?? SETS.get(typeName);
            if (!childDef || !coll.sets.includes(childDef.set)) throw badRequest(`_Type '${typeName}' cannot be in '${key}' of ${def.type}`);
          }
          const childId = it.ID != null ? String(it.ID).toLowerCase() : undefined;
          plan.children.push({ via: coll.via, plan: this.prepare(t, childDef!, it, null, opts, childId, coll.via) });
        }
        continue;
      }
      throw badRequest(`Property '${key}' does not exist on ${def.type}`, "UnknownProperty");
    }
    if (!existing) this.checkRequired(t, plan, fixedVia);
    return plan;
  }

  /**
   * A deep navigation property in a body: `null` clears it, `{ID}` references an entity, a body
   * without ID creates the target, one with an ID (and fields) updates that entity. Answers the
   * reference to set, or undefined when it stays as it is.
   */
  private prepareDeep(t: Tenant, def: SetDef, nav: string, value: unknown, existing: Rec | null, plan: Plan, opts: WriteOptions): string | null | undefined {
    if (value === null || (typeof value === "object" && !Array.isArray(value) && Object.keys(value).every((k) => k === "ID"))) {
      return this.resolveRef(t, def, nav, value);
    }
    if (typeof value !== "object" || Array.isArray(value)) throw badRequest(`Navigation property '${nav}' of ${def.set} must be an object or null`, "InvalidValue");
    const body = value as Record<string, unknown>;
    const targetDef = SETS.get(def.nav[nav]![0]!)!;
    if (body.ID == null) {
      const child = this.prepare(t, targetDef, body, null, opts);
      plan.targets.push(child);
      return child.id;
    }
    const id = this.resolveRef(t, def, nav, { ID: body.ID })!;
    plan.targets.push(this.prepare(t, targetDef, body, t.byId.get(id)!, opts));
    return existing?.r[nav] === id ? undefined : id;
  }

  private checkRequired(t: Tenant, plan: Plan, fixedVia?: string) {
    const { def, fields, refs } = plan;
    const missing = (what: string) => badRequest(`${def.type} needs ${what}`, "MissingProperty");
    const has = (k: string) => typeof fields[k] === "string" && (fields[k] as string).trim() !== "";
    const hasRef = (k: string) => k === fixedVia || refs[k] != null;
    switch (def.set) {
      case "Relation_Organization":
      case "Product":
        if (!has("Name")) throw missing("a Name");
        break;
      case "Relation_Person":
        if (!has("FirstName") && !has("LastName")) throw missing("a FirstName or LastName");
        break;
      case "Activity_Subscription":
        if (!hasRef("Relation")) throw missing("a Relation");
        break;
      case "ProductLine":
        if (!hasRef("Activity")) throw missing("an Activity");
        break;
      case "Activity_Invoice":
      case "Activity_SalesOrder":
        if (!hasRef("Relationship")) throw missing("a Relationship (the customer's)");
        break;
      default:
        if (def.set === "Relationship_Person_Contact_Standard" || def.set === "Relationship_Person_Contact_Employee") {
          if (!hasRef("Person") || !hasRef("Relation")) throw missing("a Person and a Relation");
        } else if (def.set.startsWith("Relationship_") && !hasRef("Relation")) throw missing(def.aliases ? "a Relation or Organization" : "a Relation");
    }
    void t;
  }

  private commit(t: Tenant, plan: Plan, events: MutationEvent[], opts: WriteOptions, via?: { nav: string; id: string }): Rec {
    const table = this.table(t, plan.def.set);
    for (const target of plan.targets) this.commit(t, target, events, opts);
    const now = this.stamp();
    const changed: string[] = [];
    let rec = plan.existing;
    const isCreate = !rec;
    if (!rec) {
      rec = {
        id: plan.id,
        def: plan.def,
        seq: ++t.seq,
        created: plan.created ?? now,
        modified: plan.modified ?? now,
        f: {},
        r: {},
      };
      for (const k of Object.keys(plan.def.fields)) rec.f[k] = null;
      for (const k of Object.keys(plan.def.nav)) rec.r[k] = null;
      this.applyDefaults(t, rec, plan);
      table.rows.set(rec.id, rec);
      t.byId.set(rec.id, rec);
    } else if (Object.keys(plan.fields).length || Object.keys(plan.refs).length || via || plan.modified) {
      rec.modified = plan.modified ?? now;
    } else {
      // the body only carried children: the record itself is not written
      for (const child of plan.children) this.commit(t, child.plan, events, opts, { nav: child.via, id: rec.id });
      return rec;
    }
    const oldPhase = rec.r.Phase ?? null;
    for (const [k, v] of Object.entries(plan.fields)) {
      if (isCreate || rec.f[k] !== v) changed.push(k);
      rec.f[k] = v;
    }
    const refs = { ...plan.refs };
    if (via) refs[via.nav] = via.id;
    for (const [k, v] of Object.entries(refs)) {
      const old = rec.r[k] ?? null;
      if (isCreate || old !== v) changed.push(k);
      if (old === v && !isCreate) continue;
      if (old) this.unindex(table, k, old, rec.id);
      if (v) this.index(table, k, v, rec.id);
      rec.r[k] = v;
    }
    this.afterWrite(t, rec, plan, changed, isCreate);
    this.countNumbers(t, rec);

    for (const child of plan.children) this.commit(t, child.plan, events, opts, { nav: child.via, id: rec.id });

    const type = plan.def.type;
    const phaseChanged = (rec.r.Phase ?? null) !== oldPhase;
    let send = webhookOnEveryWrite(type);
    if (webhookOnPhaseChange(type)) {
      const phase = rec.r.Phase ? t.byId.get(rec.r.Phase) : undefined;
      send = isCreate ? !!phase && phase.f.Code !== "Draft" : phaseChanged;
    }
    if (send) {
      events.push({
        organizationId: t.id,
        type: isCreate ? "EntityCreationMutation" : "EntityUpdateMutation",
        entityType: type,
        entityId: rec.id,
        changedFields: [...new Set(changed)],
      });
    }
    return rec;
  }

  private applyDefaults(t: Tenant, rec: Rec, plan: Plan) {
    const f = rec.f;
    const set = rec.def.set;
    if ("IsActive" in rec.def.fields) f.IsActive = true;
    if (set === "Relation_Organization") f.IsOwnOrganization = false;
    if (set === "Product") {
      f.IsInactive = false;
      f.SalesPrice = 0;
      rec.r.VatGroup = this.defaultOf(t, "Datastore_VatGroup")?.id ?? null;
      rec.r.Unit = this.defaultOf(t, "Datastore_Unit")?.id ?? null;
      this.reindexDefaults(t, rec);
    }
    if (CUSTOMER_SETS.includes(set) && (plan.fields.DebtorNumber == null || plan.fields.DebtorNumber === "")) {
      plan.fields.DebtorNumber = String(++t.counters.debtor);
    }
    if ((set === "Relationship_Organization_Supplier" || set === "Relationship_Person_Supplier") && (plan.fields.CreditorNumber == null || plan.fields.CreditorNumber === "")) {
      plan.fields.CreditorNumber = String(++t.counters.creditor);
    }
    if (set === "Activity_Invoice" || set === "Activity_SalesOrder") {
      const inv = set === "Activity_Invoice";
      f.Currency = "EUR";
      f.IsVatIncluded = false;
      f.DiscountPercentage = 0;
      f.Amount = 0;
      f.IsClosed = false;
      // the payment term follows the customer relationship's
      const relationship = plan.refs.Relationship ? t.byId.get(plan.refs.Relationship) : undefined;
      f.PaymentTermInDays = typeof relationship?.f.PaymentTermInDays === "number" ? relationship.f.PaymentTermInDays : 30;
      if (inv) {
        f.IsPaid = false;
        f.InvoiceDate = today();
      } else f.OrderDate = today();
      if (plan.fields.Number == null || plan.fields.Number === "") {
        const year = new Date().getUTCFullYear();
        plan.fields.Number = inv ? `${year}-${String(++t.counters.invoice).padStart(4, "0")}` : `SO${year}-${String(++t.counters.salesOrder).padStart(4, "0")}`;
      }
      if (plan.refs.Phase == null) {
        plan.refs.Phase = this.byCode(t, inv ? "Datastore_Phase_ActivityInvoice" : "Datastore_Phase_ActivitySalesOrder", "Draft")?.id ?? null;
      }
    }
    if (set === "Activity_Subscription") f.StartDate = today();
    if (set === "ProductLine") {
      f.Quantity = 1;
      f.DiscountPercentage = 0;
      f.Price = 0;
      f.VatPercentage = 0;
      const product = plan.refs.Product ? t.byId.get(plan.refs.Product) : undefined;
      if (product) {
        f.Price = product.f.SalesPrice ?? 0;
        f.Description = product.f.Name ?? null;
        if (plan.refs.VatGroup === undefined) plan.refs.VatGroup = product.r.VatGroup ?? null;
      }
    }
  }

  private reindexDefaults(t: Tenant, rec: Rec) {
    const table = this.table(t, rec.def.set);
    for (const [k, v] of Object.entries(rec.r)) if (v) this.index(table, k, v, rec.id);
  }

  private afterWrite(t: Tenant, rec: Rec, plan: Plan, changed: string[], isCreate: boolean) {
    const set = rec.def.set;
    if (set === "Activity_Invoice" && changed.includes("Phase") && rec.r.Phase) {
      const phase = t.byId.get(rec.r.Phase);
      if (phase?.f.Code === "Paid" && rec.f.IsPaid !== true) {
        rec.f.IsPaid = true;
        changed.push("IsPaid");
      }
    }
    if (set === "ProductLine") {
      if (rec.r.VatGroup && plan.fields.VatPercentage === undefined && (isCreate || changed.includes("VatGroup"))) {
        const vg = t.byId.get(rec.r.VatGroup);
        if (vg && typeof vg.f.Percentage === "number") rec.f.VatPercentage = vg.f.Percentage;
      }
      this.recomputeLine(t, rec);
      const act = rec.r.Activity ? t.byId.get(rec.r.Activity) : undefined;
      if (act) {
        this.recomputeActivity(t, act);
        if (act.modified < rec.modified) act.modified = rec.modified;
      }
    }
    if ((set === "Activity_Invoice" || set === "Activity_SalesOrder") && (changed.includes("IsVatIncluded") || changed.includes("DiscountPercentage"))) {
      for (const line of this.children(t, rec, "ProductLines")) this.recomputeLine(t, line);
      this.recomputeActivity(t, rec);
    }
  }

  recomputeLine(t: Tenant, line: Rec) {
    const num = (v: unknown, d = 0) => (typeof v === "number" ? v : d);
    const act = line.r.Activity ? t.byId.get(line.r.Activity) : undefined;
    const gross = num(line.f.Quantity, 1) * num(line.f.Price) * (1 - num(line.f.DiscountPercentage) / 100);
    const pct = num(line.f.VatPercentage);
    if (act?.f.IsVatIncluded === true) {
      const incl = round2(gross);
      const excl = round2(gross / (1 + pct / 100));
      line.f.TotalIncludingVat = incl;
      line.f.TotalExcludingVat = excl;
      line.f.VatAmount = round2(incl - excl);
    } else {
      const excl = round2(gross);
      const vat = round2((excl * pct) / 100);
      line.f.TotalExcludingVat = excl;
      line.f.VatAmount = vat;
      line.f.TotalIncludingVat = round2(excl + vat);
    }
  }

  /** What the invoice or sales order comes to: `Amount` (excluding VAT) and the lines' VAT. */
  activityTotals(t: Tenant, act: Rec): { excludingVat: number; vat: number; includingVat: number } {
    const excludingVat = Number(act.f.Amount ?? 0);
    const discount = 1 - Number(act.f.DiscountPercentage ?? 0) / 100;
    let vat = 0;
    for (const line of this.children(t, act, "ProductLines")) vat += Number(line.f.VatAmount ?? 0);
    vat = round2(vat * discount);
    return { excludingVat, vat, includingVat: round2(excludingVat + vat) };
  }

  /** `Amount`: the lines' total excluding VAT, less the activity's own discount (docs/host-api.md, assumed). */
  recomputeActivity(t: Tenant, act: Rec) {
    let excl = 0;
    for (const line of this.children(t, act, "ProductLines")) excl += Number(line.f.TotalExcludingVat ?? 0);
    const discount = typeof act.f.DiscountPercentage === "number" ? act.f.DiscountPercentage : 0;
    act.f.Amount = round2(excl * (1 - discount / 100));
  }

  private countNumbers(t: Tenant, rec: Rec) {
    const tail = (v: unknown) => {
      const m = typeof v === "string" ? /(\d+)$/.exec(v) : null;
      return m ? Number(m[1]) : 0;
    };
    const set = rec.def.set;
    if (CUSTOMER_SETS.includes(set) && typeof rec.f.DebtorNumber === "string" && /^\d+$/.test(rec.f.DebtorNumber)) {
      t.counters.debtor = Math.max(t.counters.debtor, Number(rec.f.DebtorNumber));
    }
    if (set.endsWith("_Supplier") && typeof rec.f.CreditorNumber === "string" && /^\d+$/.test(rec.f.CreditorNumber)) {
      t.counters.creditor = Math.max(t.counters.creditor, Number(rec.f.CreditorNumber));
    }
    if (set === "Activity_Invoice") t.counters.invoice = Math.max(t.counters.invoice, tail(rec.f.Number) % 1_000_000);
    if (set === "Activity_SalesOrder") t.counters.salesOrder = Math.max(t.counters.salesOrder, tail(rec.f.Number) % 1_000_000);
  }

  private emit(events: MutationEvent[], opts: WriteOptions) {
    if (opts.silent) return;
    for (const e of events) for (const l of this.listeners) l(e);
  }

  // ---------------------------------------------------------------- seeding

  /** Load a seed document (see seed.json). Existing tenants are replaced. */
  load(doc: SeedDocument) {
    for (const ts of doc.tenants ?? []) {
      const t = this.addTenant(ts.id.toLowerCase(), ts.name, ts.users ?? []);
      this.bulk(t, ts.entities ?? {});
    }
    for (const inst of doc.installations ?? []) {
      const t = this.tenants.get(inst.tenantId.toLowerCase());
      if (!t) continue;
      const id = randomUUID();
      t.installations.set(inst.listingId, {
        id,
        tenantId: t.id,
        appId: inst.appId,
        listingId: inst.listingId,
        userId: t.users[0]?.id ?? "",
        createdAt: new Date().toISOString(),
        webhookIds: [],
      });
    }
  }

  /** Insert entities without webhooks, in dependency order. Returns the number inserted. */
  bulk(t: Tenant, entities: Record<string, Record<string, unknown>[] | undefined>): number {
    let n = 0;
    for (const set of LOAD_ORDER) {
      const rows = entities[set];
      if (!rows) continue;
      for (const row of rows) {
        if (row.ID != null && t.byId.has(String(row.ID).toLowerCase())) this.update(t, set, String(row.ID), row, { silent: true, system: true });
        else this.create(t, set, row, { silent: true, system: true });
        n++;
      }
    }
    for (const set of Object.keys(entities)) if (!SETS.has(set)) throw badRequest(`Unknown entity set '${set}'`);
    return n;
  }
}

export interface SeedDocument {
  tenants?: {
    id: string;
    name: string;
    users?: User[];
    entities?: Record<string, Record<string, unknown>[]>;
  }[];
  installations?: { tenantId: string; appId: string; listingId: string }[];
}
