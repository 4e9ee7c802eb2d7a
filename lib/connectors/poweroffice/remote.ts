/**
 * PowerOffice Go as the engine's remote side: customers and suppliers (one record per role),
 * products, sales orders for the CRM's invoices, and payments from outgoing invoices.
 */
import { product as productSchema, relation as relationSchema, type Invoice, type Product, type Relation } from "@/lib/model";
import { pairContactPersons } from "@/lib/model/contact-persons";
import type { Booker, HostOptions, Page, RemoteAdapter, RemoteEntity, SideRecord } from "@/lib/sync/types";
import type { Page as WirePage, PowerOfficeClient } from "./client";
import { eachPage } from "./reads";
import { patchOperations } from "./json-patch";
import {
  contactPersonFromDto,
  contactPersonToDto,
  customerToRelation,
  invoiceToSalesOrder,
  outgoingInvoiceToPayment,
  productFromDto,
  productToPowerOffice,
  rejectionOf,
  relationToCustomerFields,
  relationToCustomerPost,
  relationToSupplierPost,
  salesOrderReference,
  supplierToRelation,
  type Problem,
  type ProductContext,
  type SalesOrderContext,
} from "./mapping";
import { effectiveParts, type PowerOfficeSettings } from "./settings";
import type { ContactPersonDto, CustomerDto, GeneralLedgerAccountDto, ProductDto, ProductGroupDto, SupplierDto } from "./wire";

/** Records per list call: Go's default is 5,000; a page the engine writes at once stays smaller. */
export const PAGE_SIZE = 500;
/** Contact persons of one page's contacts come in one call. */
const CONTACT_PERSONS_PAGE = 5_000;
/** Contacts made in the last quarter of an hour, looked through for a create whose answer was lost: Go's default page, one call nearly always. */
const FIND_CREATED_PAGE = 5_000;

function nextPage(cursor: string | null, page: WirePage<unknown>, size = PAGE_SIZE): string | null {
  return page.size >= size ? String(Number(cursor ?? 1) + 1) : null;
}

/**
 * A pull's cursor over the contacts: their pages ("1", "2", …), then, because a contact person's
 * change does not move its contact's LastChangedDateTimeOffset, the pages of contact persons
 * changed since the pull's `since` ("persons:1", …), whose contacts are read again.
 */
const PERSONS_CURSOR = /^persons:(\d+)$/;

/** The latest of Go's timestamps, as Go wrote it (seven fractional digits: compared as instants, then as text). */
function latestStamp(...stamps: Array<string | null | undefined>): string | null {
  let best: string | null = null;
  for (const s of stamps) {
    if (!s) continue;
    if (best === null) {
      best = s;
      continue;
    }
    const [a, b] = [Date.parse(s), Date.parse(best)];
    if (a > b || (a === b && s > best)) best = s;
  }
  return best;
}

/** Runs `work` on every item, `limit` at a time. */
async function eachAtOnce<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

/** A mapping problem as the sync log shows it: the CRM's VAT group by its name, not its id. */
function rejection(problems: Problem[], host: HostOptions) {
  const named = problems.map((p) => {
    const id = p.params?.vatGroup;
    const label = id === undefined ? undefined : host.vatGroups.find((g) => g.value === String(id))?.label;
    return label ? { ...p, params: { ...p.params, vatGroup: label } } : p;
  });
  return rejectionOf(named);
}

function rejectedOf(page: WirePage<unknown>): Page<unknown>["rejected"] {
  return page.rejected.map((r) => ({ remoteId: r.id === null ? null : String(r.id), message: "sync.errors.badRecord", params: { field: r.field, issue: r.issue } }));
}

type ReferenceData = {
  at: number;
  productGroups: Promise<ProductGroupDto[]>;
  ledgerAccounts: Promise<GeneralLedgerAccountDto[]>;
};

// Product groups and ledger accounts rarely change: read once per client every few
// minutes instead of in every job step (the client is kept per Go client).
const referenceCache = new WeakMap<PowerOfficeClient, ReferenceData>();
const REFERENCE_TTL_MS = 10 * 60_000;

async function allPages<T>(read: (o: { pageNumber: number; pageSize: number }) => Promise<WirePage<T>>): Promise<T[]> {
  const out: T[] = [];
  for (let pageNumber = 1; ; pageNumber++) {
    const page = await read({ pageNumber, pageSize: CONTACT_PERSONS_PAGE });
    out.push(...page.items);
    if (page.size < CONTACT_PERSONS_PAGE) return out;
  }
}

function referenceData(client: PowerOfficeClient): ReferenceData {
  const hit = referenceCache.get(client);
  if (hit && Date.now() - hit.at < REFERENCE_TTL_MS) return hit;
  const data: ReferenceData = {
    at: Date.now(),
    productGroups: allPages((o) => client.listProductGroups(o)),
    ledgerAccounts: allPages((o) => client.listGeneralLedgerAccounts(o)),
  };
  // a failed read is not kept
  Promise.all([data.productGroups, data.ledgerAccounts]).catch(() => referenceCache.delete(client));
  referenceCache.set(client, data);
  return data;
}

type Role = "customer" | "supplier";

/** Go's customers or suppliers as the engine's records of one role. */
function contacts(client: PowerOfficeClient, role: Role, withContactPersons: boolean): RemoteEntity<Relation> {
  const list = role === "customer" ? client.listCustomers : client.listSuppliers;
  const read = role === "customer" ? client.getCustomer : client.getSupplier;
  const patch = role === "customer" ? client.patchCustomer : client.patchSupplier;

  async function personsOf(ids: number[]): Promise<Map<number, ContactPersonDto[]>> {
    const by = new Map<number, ContactPersonDto[]>();
    if (!withContactPersons || ids.length === 0) return by;
    const persons = await allPages((o) => client.listContactPersons({ ...o, contactIds: ids }));
    for (const p of persons) if (p.ContactId != null) by.set(p.ContactId, [...(by.get(p.ContactId) ?? []), p]);
    return by;
  }

  /** The contact as a relation; changed when it or one of its persons last changed. */
  function toRecord(dto: CustomerDto | SupplierDto, persons: ContactPersonDto[] | undefined): SideRecord<Relation> {
    const input = role === "customer" ? customerToRelation(dto, { contactPersons: persons }) : supplierToRelation(dto, { contactPersons: persons });
    return {
      id: String(dto.Id),
      number: dto.Number == null ? null : String(dto.Number),
      data: relationSchema.parse(input),
      modifiedAt: latestStamp(dto.LastChangedDateTimeOffset, ...(persons ?? []).map((p) => p.LastChangedDateTimeOffset)),
    };
  }

  /**
   * The contact persons of a contact made to match the relation's, each known by who it is
   * (lib/model/contact-persons.ts): a person Go lacks is added; one the relation changed since the
   * last sync (`before`) gets only the members that changed, so what a bookkeeper changed in Go
   * meanwhile, on that person or another, is not overwritten. No person is deleted. `made`: the
   * contact was just created (it has no persons yet).
   */
  async function writePersons(contactId: number, wanted: Relation, before: Relation | null, made = false) {
    if (!withContactPersons || wanted.kind !== "organization") return;
    const synced = before?.contactPersons ?? [];
    if (before && JSON.stringify(synced) === JSON.stringify(wanted.contactPersons)) return;
    // without a last synced state (the engine had none) Go's persons are read all the same: none is made twice
    const existing = made ? [] : await allPages((o) => client.listContactPersons({ ...o, contactIds: [contactId] }));
    const inGo = pairContactPersons(wanted.contactPersons, existing.map(contactPersonFromDto));
    const wasSynced = pairContactPersons(wanted.contactPersons, synced);
    // a person whose name and e-mail both changed is found in Go as it was last synced
    const syncedInGo = pairContactPersons(synced, existing.map(contactPersonFromDto));
    const taken = new Set(inGo.filter((j) => j >= 0));
    for (const [i, cp] of wanted.contactPersons.entries()) {
      const body = contactPersonToDto(cp);
      const last = wasSynced[i]! >= 0 ? synced[wasSynced[i]!]! : null;
      let at = inGo[i]!;
      if (at < 0 && last && syncedInGo[wasSynced[i]!]! >= 0 && !taken.has(syncedInGo[wasSynced[i]!]!)) at = syncedInGo[wasSynced[i]!]!;
      const found = at >= 0 ? existing[at]! : null;
      if (!found) {
        await client.createContactPerson(contactId, body);
        continue;
      }
      taken.add(at);
      if (last && JSON.stringify(last) === JSON.stringify(cp)) continue;
      const current = contactPersonToDto(contactPersonFromDto(found));
      // what the relation changed since the last sync; a person not synced before fills in what Go lacks
      const base = last ? contactPersonToDto(last) : current;
      const changed = Object.fromEntries(
        Object.entries(body).filter(([k, v]) => (last ? v !== base[k as keyof typeof base] : v !== null && v !== current[k as keyof typeof current])),
      );
      await client.patchContactPerson(contactId, found.Id!, patchOperations(current, { ...current, ...changed }));
    }
  }

  /** One page of the contacts whose persons changed since `since`, each read again with all its persons. */
  async function personsPage(n: number, since: string): Promise<Page<Relation>> {
    const page = await client.listContactPersons({ pageNumber: n, pageSize: PAGE_SIZE, lastChangedSince: since });
    const ids = [...new Set(page.items.flatMap((p) => (p.ContactId == null ? [] : [p.ContactId])))];
    const contacts: Array<CustomerDto | SupplierDto> = [];
    // one call per contact (Go filters contacts by number, not by Id); a contact not in this role is a 404
    await eachAtOnce(ids, 4, async (id) => {
      const dto = await read(id);
      if (dto) contacts.push(dto);
    });
    contacts.sort((a, b) => ids.indexOf(a.Id!) - ids.indexOf(b.Id!));
    const persons = await personsOf(contacts.map((c) => c.Id!));
    return {
      // a person Go sent that does not parse is left out, as when a contact's persons are read
      items: contacts.map((c) => toRecord(c, persons.get(c.Id!))),
      next: page.size >= PAGE_SIZE ? `persons:${n + 1}` : null,
    };
  }

  return {
    async page(cursor, since) {
      const persons = cursor ? PERSONS_CURSOR.exec(cursor) : null;
      if (persons) return since ? personsPage(Number(persons[1]), since) : { items: [], next: null };
      const page = await list({ pageNumber: Number(cursor ?? 1), pageSize: PAGE_SIZE, ...(since ? { lastChangedSince: since } : {}) });
      const personsOfPage = await personsOf(page.items.flatMap((c) => (c.Id == null ? [] : [c.Id])));
      // a pull goes on with the contacts whose persons changed (an import reads every contact's persons anyway)
      const next = nextPage(cursor, page) ?? (since && withContactPersons ? "persons:1" : null);
      return { items: page.items.map((c) => toRecord(c, personsOfPage.get(c.Id!))), rejected: rejectedOf(page), next };
    },
    async get(id) {
      const dto = await read(Number(id));
      if (!dto) return null;
      return toRecord(dto, (await personsOf([dto.Id!])).get(dto.Id!));
    },
    isActive: (r) => r.data.active,
    async create(data) {
      const dto = role === "customer" ? await client.createCustomer(relationToCustomerPost(data)) : await client.createSupplier(relationToSupplierPost(data));
      await writePersons(dto.Id!, data, null, true);
      return toRecord(dto, undefined);
    },
    async update(id, data, previous) {
      // only what changed since the last sync: one PATCH, or none when nothing of ours changed
      const before = previous ? relationToCustomerFields(previous) : pickMembers(await read(Number(id)), relationToCustomerFields(data));
      const dto = await patch(Number(id), patchOperations(before, relationToCustomerFields(data)));
      await writePersons(Number(id), data, previous);
      return dto ? toRecord(dto, undefined) : { id, number: null, data, modifiedAt: null };
    },
    async findCreated(data) {
      // a create whose answer was lost: the newest contact with this name among those made in this role in the
      // last quarter of an hour (Go has no name filter). Lists come in creation order, so the newest is on the
      // last page: every page is read (after a bulk import one page may not hold them all).
      const since = new Date(Date.now() - 15 * 60_000).toISOString();
      const name = relationToCustomerFields(data).Name;
      let hit: CustomerDto | SupplierDto | undefined;
      for await (const page of eachPage((o) => list({ ...o, createdSince: since }), { pageSize: FIND_CREATED_PAGE })) {
        hit = page.items.filter((c) => c.Name === name).at(-1) ?? hit;
      }
      return hit ? toRecord(hit, undefined) : null;
    },
  };
}

/** A record's current members under the keys of `shape` (to diff against when no last-synced state is known). */
function pickMembers<T extends Record<string, unknown>>(dto: object | null, shape: T): T {
  if (!dto) return shape;
  const src = dto as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(shape)) {
    out[k] = v !== null && typeof v === "object" && !Array.isArray(v) ? pickMembers((src[k] as object | null) ?? null, v as Record<string, unknown>) : (src[k] ?? null);
  }
  return out as T;
}

function products(client: PowerOfficeClient, settings: PowerOfficeSettings, host: HostOptions): RemoteEntity<Product> {
  const context = async (): Promise<ProductContext> => {
    const ref = referenceData(client);
    const [productGroups, ledgerAccounts] = await Promise.all([ref.productGroups, ref.ledgerAccounts]);
    return {
      unitMapping: settings.unitMapping,
      vatMapping: settings.vatMapping,
      defaultLedgerAccountId: settings.defaultLedgerAccountId,
      productGroups,
      ledgerAccounts,
      host,
    };
  };
  const toRecord = (dto: ProductDto, ctx: ProductContext): SideRecord<Product> => ({
    id: String(dto.Id),
    number: dto.Code ?? null,
    data: productSchema.parse(productFromDto(dto, ctx)),
    modifiedAt: dto.LastChangedDateTimeOffset ?? null,
  });
  const bodyOf = (p: Product, ctx: ProductContext, current?: ProductDto | null) => {
    const mapped = productToPowerOffice(p, ctx, current);
    if (!mapped.ok) throw rejection(mapped.problems, host);
    return mapped.body;
  };
  return {
    async page(cursor, since) {
      const [page, ctx] = await Promise.all([
        client.listProducts({ pageNumber: Number(cursor ?? 1), pageSize: PAGE_SIZE, ...(since ? { lastChangedSince: since } : {}) }),
        context(),
      ]);
      return { items: page.items.map((p) => toRecord(p, ctx)), rejected: rejectedOf(page), next: nextPage(cursor, page) };
    },
    async get(id) {
      const [dto, ctx] = await Promise.all([client.getProduct(Number(id)), context()]);
      return dto ? toRecord(dto, ctx) : null;
    },
    isActive: (r) => r.data.active,
    async create(data) {
      const ctx = await context();
      return toRecord(await client.createProduct(bodyOf(data, ctx)), ctx);
    },
    async update(id, data, previous) {
      const ctx = await context();
      const current = previous ? null : await client.getProduct(Number(id));
      const after = bodyOf(data, ctx, current);
      const before = previous ? bodyOf(previous, ctx) : pickMembers(current, after as Record<string, unknown>);
      const dto = await client.patchProduct(Number(id), patchOperations(before, after));
      return dto ? toRecord(dto, ctx) : { id, number: data.code, data, modifiedAt: null };
    },
    async findCreated(data) {
      if (!data.code) return null;
      const [page, ctx] = await Promise.all([client.listProducts({ pageNumber: 1, pageSize: 10, codes: [data.code] }), context()]);
      return page.items[0] ? toRecord(page.items[0], ctx) : null;
    },
  };
}

/**
 * What the sales orders' ExternalImportReference is scoped by: the Go client is the tenant's own,
 * so the invoice number suffices, and a reactivation finds what the earlier installation booked.
 */
const REFERENCE_SCOPE = "crm";

/** The CRM's invoices as Go sales orders, looked up by ExternalImportReference before one is made. */
function invoices(client: PowerOfficeClient, settings: PowerOfficeSettings, host: HostOptions): Booker<Invoice> {
  const reference = (doc: Invoice) => salesOrderReference(REFERENCE_SCOPE, doc.number);

  /**
   * The VAT codes a line can get in Go: each product's standard and optional sales account (its
   * own, else its group's, else the client's default, which the Grootboekrekening setting names).
   */
  async function lineVat(productIds: string[]): Promise<NonNullable<SalesOrderContext["lineVat"]>> {
    const ref = referenceData(client);
    const [accounts, groups, products] = await Promise.all([ref.ledgerAccounts, ref.productGroups, Promise.all(productIds.map((id) => client.getProduct(Number(id))))]);
    const vatOf = (accountId: number | null | undefined) => (accountId == null ? null : (accounts.find((a) => a.Id === accountId)?.VatCode ?? null));
    const defaultVatCode = vatOf(Number(settings.defaultLedgerAccountId));
    const productVatCodes: NonNullable<SalesOrderContext["lineVat"]>["productVatCodes"] = {};
    for (const p of products) {
      if (!p || p.Id == null) continue;
      const group = groups.find((g) => g.Id === p.ProductGroupId);
      const standard = p.StandardSalesAccountId ?? group?.StandardSalesAccountId;
      const optional = p.OptionalSalesAccountId ?? group?.OptionalSalesAccountId;
      productVatCodes[String(p.Id)] = { standard: standard == null ? defaultVatCode : vatOf(standard), optional: vatOf(optional) };
    }
    return { productVatCodes, defaultVatCode };
  }
  return {
    async findBooked(doc) {
      // Go has no reference filter on sales orders: the integration's own, changed since the invoice date
      const since = new Date(Date.parse(doc.date) - 86_400_000).toISOString();
      for (let pageNumber = 1; ; pageNumber++) {
        const page = await client.listSalesOrders({ onlyCreatedByCurrentIntegration: true, lastChangedSince: since, pageNumber, pageSize: PAGE_SIZE });
        const hit = page.items.find((o) => o.ExternalImportReference === reference(doc));
        if (hit) {
          // an earlier attempt may have uploaded the PDF and lost the answer: a second upload would be a second file
          // (an upload does not move the order's LastChangedDateTimeOffset, so only the order's attachments tell)
          const attachments = await client.listSalesOrderAttachments(String(hit.Id));
          return { id: String(hit.Id), number: hit.SalesOrderNo == null ? null : String(hit.SalesOrderNo), documentAttached: attachments.size > 0 };
        }
        if (page.size < PAGE_SIZE) return null;
      }
    },
    async book(doc, ctx) {
      // the VAT code of each group is the user's choice in BTW-groepen (it depends on the own
      // organisation's country): an unmapped group stops the invoice; a line takes the sales account
      // (standard or optional) whose VAT code is the mapped one, and one that has neither stops it too
      const linked = [...new Set(doc.lines.flatMap((l) => (l.productId && ctx.productLinks[l.productId] ? [ctx.productLinks[l.productId]!] : [])))];
      const mapped = invoiceToSalesOrder(doc, {
        customerId: Number(ctx.remoteRelationId),
        installationId: REFERENCE_SCOPE,
        productIds: ctx.productLinks,
        settings: { vatMapping: settings.vatMapping, unitMapping: settings.unitMapping, salesOrderStatus: settings.salesOrderStatus },
        lineVat: await lineVat(linked),
      });
      if (!mapped.ok) throw rejection(mapped.problems, host);
      const order = await client.createSalesOrderComplete(mapped.body);
      return { id: String(order.Id), number: order.SalesOrderNo == null ? null : String(order.SalesOrderNo), documentAttached: false };
    },
    async attachDocument(bookingId, file) {
      await client.attachToSalesOrder(bookingId, { fileName: file.fileName, contentType: file.contentType, contentBase64: file.content });
    },
  };
}

export function createPowerOfficeRemote(client: PowerOfficeClient, settings: PowerOfficeSettings, host: HostOptions): RemoteAdapter {
  const parts = effectiveParts(settings);
  return {
    ...(parts.relations
      ? { relationsByRole: { customer: contacts(client, "customer", parts.contactPersons), supplier: contacts(client, "supplier", parts.contactPersons) } }
      : {}),
    ...(parts.products ? { products: products(client, settings, host) } : {}),
    ...(parts.invoices ? { invoices: invoices(client, settings, host) } : {}),
    notBooked: {
      ...(parts.invoices ? {} : { invoice: { key: "connectors.poweroffice.log.invoicesOff" } }),
      salesOrder: { key: "connectors.poweroffice.log.salesOrdersNotBooked" },
    },
    ...(parts.payments
      ? {
          payments: {
            async page(cursor, since) {
              const page = await client.listOutgoingInvoices({
                pageNumber: Number(cursor ?? 1),
                pageSize: PAGE_SIZE,
                ...(since ? { balanceLastChangedSince: since } : {}),
              });
              return { items: page.items.map((i) => outgoingInvoiceToPayment(i)), next: nextPage(cursor, page) };
            },
          },
        }
      : {}),
  };
}
