/**
 * SnelStart as the engine's remote side: pages, writes and bookings in canonical terms.
 */
import { relation as relationSchema, product as productSchema, type Product, type Relation } from "@/lib/model";
import { RecordRejectedError, type HostOptions, type Page, type RemoteAdapter, type SideRecord } from "@/lib/sync/types";
import { normalizeName, normalizePostcode } from "@/lib/sync/matching";
import type { CheckedPage, SnelStartClient, Relatie, Artikel } from "./client";
import {
  artikelToProduct,
  invoiceToVerkoopboeking,
  productToArtikel,
  relatieToRelation,
  relationToRelatie,
  salesOrderToVerkooporder,
  verkoopfactuurToPayment,
  type OmzetgroepContext,
  type Problem,
  type SnelStartAddressSlot,
} from "./mapping";
import { eqString } from "./odata";
import type { SnelStartSettings } from "./settings";
import type { AddressKind } from "@/lib/model";

/** Records per list call: the spec caps artikelen at 25; elsewhere it documents 500. */
export const PAGE_SIZE = { relaties: 500, artikelen: 25, verkoopfacturen: 500 } as const;

function nextSkip(cursor: string | null, got: number, pageSize: number): string | null {
  const skip = Number(cursor ?? 0);
  // a server may cap below our $top (round 100s): a full-looking page means read on
  return got > 0 && (got >= pageSize || got % 100 === 0) ? String(skip + got) : null;
}

/** One OData page of a list as the engine's page: records mapped, malformed ones set aside. */
async function pageOf<R, T>(
  list: (opts: { top: number; skip: number; modifiedSince?: string }) => Promise<CheckedPage<R>>,
  pageSize: number,
  cursor: string | null,
  since: string | null,
  map: (record: R) => Promise<SideRecord<T>>,
): Promise<Page<T>> {
  const page = await list({ top: pageSize, skip: Number(cursor ?? 0), modifiedSince: since ?? undefined });
  return {
    items: await Promise.all(page.items.map(map)),
    rejected: page.rejected.map((r) => ({ remoteId: r.id, message: "sync.errors.badRecord", params: { field: r.field, issue: r.issue } })),
    next: nextSkip(cursor, page.size, pageSize),
  };
}

/** The first mapping problem, as a message key the sync log translates (messages/*.json `log`). */
function rejection(problems: Problem[], host: HostOptions): RecordRejectedError {
  const p = problems[0];
  const params: Record<string, string> = {};
  for (const [k, v] of Object.entries(p.params ?? {})) params[k] = String(v);
  if (params.vatGroup) params.vatGroup = host.vatGroups.find((g) => g.value === params.vatGroup)?.label ?? params.vatGroup;
  return new RecordRejectedError(`connectors.snelstart.log.${p.code}`, params);
}

type ReferenceData = {
  at: number;
  landen: Promise<{ byId: Record<string, string>; byCode: Record<string, string> }>;
  omzetgroepen: ReturnType<SnelStartClient["listArtikelOmzetgroepen"]>;
  /** grootboek id → its number */
  grootboekNummers: Promise<Record<string, number>>;
};

// Countries, revenue groups and ledgers rarely change: read them once per administration every
// few minutes instead of in every job step (the client is kept per administration).
const referenceCache = new WeakMap<SnelStartClient, ReferenceData>();
const REFERENCE_TTL_MS = 10 * 60_000;

function referenceData(client: SnelStartClient): ReferenceData {
  const hit = referenceCache.get(client);
  if (hit && Date.now() - hit.at < REFERENCE_TTL_MS) return hit;
  const data: ReferenceData = {
    at: Date.now(),
    landen: client.listLanden().then((list) => {
      const byId: Record<string, string> = {};
      const byCode: Record<string, string> = {};
      for (const l of list) {
        const code = (l as { landcodeISO?: string | null }).landcodeISO ?? null;
        if (code) {
          byId[l.id] = code.toUpperCase();
          byCode[code.toUpperCase()] = l.id;
        }
      }
      return { byId, byCode };
    }),
    omzetgroepen: client.listArtikelOmzetgroepen(),
    grootboekNummers: client.listGrootboeken().then((list) => Object.fromEntries(list.flatMap((g) => (typeof g.nummer === "number" ? [[g.id, g.nummer]] : [])))),
  };
  // a failed read is not kept: the next step asks again
  Promise.all([data.landen, data.omzetgroepen, data.grootboekNummers]).catch(() => referenceCache.delete(client));
  referenceCache.set(client, data);
  return data;
}

export function createSnelStartRemote(client: SnelStartClient, settings: SnelStartSettings, host: HostOptions): RemoteAdapter {
  const addressHostTypeIds: Record<SnelStartAddressSlot, string> = {
    vestigingsAdres: settings.vestigingsAdresType,
    correspondentieAdres: settings.correspondentieAdresType,
  };
  const kindOf = (typeId: string): AddressKind => host.addressTypes.find((t) => t.value === typeId)?.kind ?? "visiting";
  const addressKinds = { vestigingsAdres: kindOf(settings.vestigingsAdresType), correspondentieAdres: kindOf(settings.correspondentieAdresType) };

  const countries = () => referenceData(client).landen;
  const groups = () => referenceData(client).omzetgroepen;
  const grootboekNummers = () => referenceData(client).grootboekNummers;

  const toRelation = async (r: Relatie): Promise<SideRecord<Relation>> => ({
    id: r.id,
    number: typeof r.relatiecode === "number" ? String(r.relatiecode) : null,
    data: relationSchema.parse(relatieToRelation(r, { addressKinds, addressHostTypeIds, landen: (await countries()).byId })),
    modifiedAt: r.modifiedOn ?? null,
  });

  const omzetgroepContext = async (): Promise<OmzetgroepContext> => {
    const [omzetgroepen, nummers] = await Promise.all([groups(), grootboekNummers()]);
    return {
      omzetgroepen,
      grootboekNummers: nummers,
      vatMapping: settings.vatMapping,
      ledgerByProductGroup: settings.ledgerByProductGroup,
      defaultLedgerId: settings.defaultLedgerId,
      host,
    };
  };
  const toProduct = async (a: Artikel): Promise<SideRecord<Product>> => ({
    id: a.id,
    number: a.artikelcode ?? null,
    data: productSchema.parse(artikelToProduct(a, await omzetgroepContext())),
    modifiedAt: a.modifiedOn ?? null,
  });

  const orderFileName = (number: string) => `verkooporder-${number}.pdf`;
  async function relatieDocuments(relatieId: string): Promise<string[]> {
    const res = await client.raw.GET("/documenten/{documenttype}/{pid}", { params: { path: { documenttype: "Relaties", pid: relatieId } } });
    return ((res.data ?? []) as Array<{ fileName?: string | null }>).map((d) => d.fileName ?? "");
  }

  async function mandateFor(relatieId: string, subscriptionId: string | null) {
    if (!settings.sepaEnabled || !subscriptionId) return { id: null, notes: [] };
    const mandates = await client.listDoorlopendeIncassoMachtigingen(relatieId);
    const valid = mandates.find((m) => !m.intrekkingsDatum);
    return valid ? { id: valid.id, notes: [] } : { id: null, notes: [{ message: "connectors.snelstart.log.noMandate" }] };
  }

  return {
    relations: {
      async page(cursor, since): Promise<Page<Relation>> {
        return pageOf(client.pageRelaties, PAGE_SIZE.relaties, cursor, since, toRelation);
      },
      async get(id) {
        return toRelation(await client.getRelatie(id));
      },
      isActive: (r) => r.data.active,
      async create(data) {
        const created = await client.createRelatie(relationToRelatie(data, { addressKinds, addressHostTypeIds, landIdByCountry: (await countries()).byCode }));
        return toRelation(created as Relatie);
      },
      async update(id, data) {
        const base = await client.getRelatie(id);
        const updated = await client.updateRelatie(id, relationToRelatie(data, { addressKinds, addressHostTypeIds, landIdByCountry: (await countries()).byCode, base }));
        return toRelation(updated as Relatie);
      },
      async findCreated(data) {
        // the only way to find a relatie whose create response was lost: its name, then its address
        const found = await client.listRelaties({ top: 20, skip: 0, filter: eqString("Naam", data.name.slice(0, 50)) });
        const postcodes = new Set(data.addresses.map((a) => normalizePostcode(a.postcode)).filter(Boolean));
        const same = found.filter((r) => normalizeName(r.naam) === normalizeName(data.name.slice(0, 50)));
        const hit = same.find((r) => postcodes.size === 0 || postcodes.has(normalizePostcode(r.vestigingsAdres?.postcode))) ?? null;
        return hit ? toRelation(hit) : null;
      },
    },
    products: {
      async page(cursor, since) {
        return pageOf(client.pageArtikelen, PAGE_SIZE.artikelen, cursor, since, toProduct);
      },
      async get(id) {
        return toProduct(await client.getArtikel(id));
      },
      isActive: (r) => r.data.active,
      async create(data) {
        const created = await client.createArtikel(productToArtikel(data, await omzetgroepContext()));
        return toProduct(created as Artikel);
      },
      async update(id, data) {
        const current = await client.getArtikel(id);
        const updated = await client.updateArtikel(id, productToArtikel(data, await omzetgroepContext(), current));
        return toProduct(updated as Artikel);
      },
      async findCreated(data) {
        const hit = data.code ? await client.findArtikelByCode(data.code) : null;
        return hit ? toProduct(hit) : null;
      },
    },
    ...(settings.mode === "invoices"
      ? {
          invoices: {
            async findBooked(inv, { remoteRelationId }) {
              const booking = await client.findVerkoopboekingForRelatie(remoteRelationId, inv.number);
              if (!booking) return null;
              const docs = await client.listVerkoopboekingDocuments(booking.id);
              return { id: booking.id, number: booking.factuurnummer ?? inv.number, documentAttached: docs.length > 0 };
            },
            async book(inv, { remoteRelationId }) {
              const mandate = await mandateFor(remoteRelationId, inv.subscriptionId);
              const mapped = invoiceToVerkoopboeking(inv, {
                klantId: remoteRelationId,
                settings: { vatMapping: settings.vatMapping, defaultLedgerId: settings.defaultLedgerId, ledgerByProductGroup: settings.ledgerByProductGroup },
                doorlopendeIncassoMachtigingId: mandate.id,
              });
              if (!mapped.ok) throw rejection(mapped.problems, host);
              const booking = await client.createVerkoopboeking(mapped.body);
              return { id: booking.id, number: booking.factuurnummer ?? inv.number, documentAttached: false, notes: mandate.notes };
            },
            async attachDocument(bookingId, doc) {
              await client.uploadVerkoopboekingDocument({ parentId: bookingId, fileName: doc.fileName, contentBase64: doc.content });
            },
          },
        }
      : {
          salesOrders: {
            async findBooked(order, { remoteRelationId }) {
              const found = await client.listVerkooporders({ filter: eqString("Memo", `Order ${order.number}`), top: 2 });
              const hit = found[0];
              if (!hit) return null;
              const docs = await relatieDocuments(remoteRelationId);
              return { id: hit.id, number: hit.nummer != null ? String(hit.nummer) : null, documentAttached: docs.includes(orderFileName(order.number)) };
            },
            async book(order, { remoteRelationId, productLinks }) {
              const mandate = await mandateFor(remoteRelationId, order.subscriptionId);
              const mapped = salesOrderToVerkooporder(order, {
                relatieId: remoteRelationId,
                sjabloonId: settings.verkoopordersjabloonId ?? "",
                artikelIdByProductId: productLinks,
                doorlopendeIncassoMachtigingId: mandate.id,
              });
              if (!mapped.ok) throw rejection(mapped.problems, host);
              const created = await client.createVerkooporder(mapped.body);
              return { id: created.id, number: created.nummer != null ? String(created.nummer) : null, documentAttached: false, notes: mandate.notes };
            },
            // SnelStart keeps documents on bookings and relaties only: the order PDF goes on the customer's card
            async attachDocument(_orderId, doc, { remoteRelationId }) {
              const res = await client.raw.POST("/documenten/{documenttype}", {
                params: { path: { documenttype: "Relaties" } },
                body: { parentIdentifier: remoteRelationId, fileName: doc.fileName, content: doc.content, readOnly: false },
              });
              if (res.error || !res.response.ok) throw new Error(`SnelStart refused the order document (${res.response.status})`);
            },
          },
        }),
    notBooked:
      settings.mode === "invoices"
        ? { salesOrder: { key: "connectors.snelstart.log.salesOrdersOff" } }
        : { invoice: { key: "connectors.snelstart.log.invoicesOff" } },
    payments: {
      async page(cursor, since) {
        const page = await client.pageVerkoopfacturen({ top: PAGE_SIZE.verkoopfacturen, skip: Number(cursor ?? 0), modifiedSince: since ?? undefined });
        return { items: page.items.map(verkoopfactuurToPayment), next: nextSkip(cursor, page.size, PAGE_SIZE.verkoopfacturen) };
      },
    },
  };
}
