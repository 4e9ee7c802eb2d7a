/**
 * The PowerOffice Go reads: lists page by page, single records, reference lists.
 *
 * Lists are paged with `PageNumber` (from 1) and `PageSize` (at most 20 000); Go sends no paging
 * metadata, so a page shorter than asked for is the last, and a 204 (nothing matches, or past the
 * last page) an empty one. `…Since` filters are Go's `…GreaterThan` filters (exclusive): pass a
 * timestamp string exactly as Go wrote it on a record (seven fractional digits), never one made
 * from a Date.
 */
import type { RequestLine } from "@/lib/http/errors";
import type { Page, PowerOfficeCore } from "./client";
import { PowerOfficeNotFoundError } from "./errors";
import * as W from "./wire";

/** Go's MaxPageSize */
export const MAX_PAGE_SIZE = 20_000;

export type PageOptions = {
  /** from 1 */
  pageNumber: number;
  pageSize: number;
};

export type ContactListOptions = PageOptions & {
  /** records changed after this Go timestamp (exclusive) */
  lastChangedSince?: string;
  /** records made (as a customer, or as a supplier) after this Go timestamp (exclusive) */
  createdSince?: string;
  /** customer or supplier numbers, or Go's ranges: "10000-11000, 12000, 13000-" */
  numbers?: string | number[];
  externalImportReference?: string;
};

export type ContactPersonListOptions = PageOptions & {
  /** the customers' or suppliers' Ids */
  contactIds?: number[];
  lastChangedSince?: string;
};

export type ProductListOptions = PageOptions & { lastChangedSince?: string; codes?: string[] };

export type SalesOrderListOptions = PageOptions & {
  /** Go has no ExternalImportReference filter on sales orders: list the integration's own and read it on each */
  onlyCreatedByCurrentIntegration: boolean;
  lastChangedSince?: string;
};

export type OutgoingInvoiceListOptions = PageOptions & {
  /** invoices whose balance changed (a payment) after this Go timestamp */
  balanceLastChangedSince?: string;
  onlyUnpaid?: boolean;
};

export function readOperations({ api, checked, checkedPage }: PowerOfficeCore) {
  const get = (path: string): RequestLine => ({ method: "GET", path });

  return {
    // ------------------------------------------------------------ the integration

    /** The Go client the keys open, and which privileges the integration has there; a cheap proof the keys work. */
    async getClientIntegrationInformation(): Promise<W.ClientIntegrationInformation> {
      return checked(W.ClientIntegrationInformation, await api.GET("/ClientIntegrationInformation"), get("/ClientIntegrationInformation"));
    },

    // ------------------------------------------------------------ customers and suppliers

    async listCustomers(o: ContactListOptions): Promise<Page<W.CustomerDto>> {
      const res = await api.GET("/Customers", {
        params: {
          query: {
            customerNos: numberList(o.numbers),
            externalImportReference: o.externalImportReference,
            lastChangedDateTimeOffsetGreaterThan: o.lastChangedSince,
            customerCreatedDateTimeOffsetGreaterThan: o.createdSince,
            resourceParameter: paging(o),
          },
        },
      });
      return checkedPage(W.CustomerDto, res, get("/Customers"));
    },

    async getCustomer(id: number): Promise<W.CustomerDto | null> {
      return orNull(async () => checked(W.CustomerDto, await api.GET("/Customers/{id}", { params: { path: { id } } }), get("/Customers/{id}")));
    },

    async listSuppliers(o: ContactListOptions): Promise<Page<W.SupplierDto>> {
      const res = await api.GET("/Suppliers", {
        params: {
          query: {
            supplierNos: numberList(o.numbers),
            externalImportReference: o.externalImportReference,
            lastChangedDateTimeOffsetGreaterThan: o.lastChangedSince,
            supplierCreatedDateTimeOffsetGreaterThan: o.createdSince,
            resourceParameter: paging(o),
          },
        },
      });
      return checkedPage(W.SupplierDto, res, get("/Suppliers"));
    },

    async getSupplier(id: number): Promise<W.SupplierDto | null> {
      return orNull(async () => checked(W.SupplierDto, await api.GET("/Suppliers/{id}", { params: { path: { id } } }), get("/Suppliers/{id}")));
    },

    // ------------------------------------------------------------ contact persons

    /** Their changes do not move the customer's LastChangedDateTimeOffset: poll them on their own. */
    async listContactPersons(o: ContactPersonListOptions): Promise<Page<W.ContactPersonDto>> {
      const res = await api.GET("/ContactPersons", {
        params: {
          query: {
            contactIds: o.contactIds?.length ? o.contactIds.join(",") : undefined,
            lastChangedDateTimeOffsetGreaterThan: o.lastChangedSince,
            resourceParameter: paging(o),
          },
        },
      });
      return checkedPage(W.ContactPersonDto, res, get("/ContactPersons"));
    },

    async getContactPerson(contactId: number, id: number): Promise<W.ContactPersonDto | null> {
      return orNull(async () =>
        checked(W.ContactPersonDto, await api.GET("/ContactPersons/{contactId}/{id}", { params: { path: { contactId, id } } }), get("/ContactPersons/{contactId}/{id}")),
      );
    },

    // ------------------------------------------------------------ products

    async listProducts(o: ProductListOptions): Promise<Page<W.ProductDto>> {
      const res = await api.GET("/Products", {
        params: {
          query: {
            codes: o.codes?.length ? o.codes.join(",") : undefined,
            lastChangedDateTimeOffsetGreaterThan: o.lastChangedSince,
            resourceParameter: paging(o),
          },
        },
      });
      return checkedPage(W.ProductDto, res, get("/Products"));
    },

    async getProduct(id: number): Promise<W.ProductDto | null> {
      return orNull(async () => checked(W.ProductDto, await api.GET("/Products/{id}", { params: { path: { id } } }), get("/Products/{id}")));
    },

    async listProductGroups(o: PageOptions): Promise<Page<W.ProductGroupDto>> {
      const res = await api.GET("/ProductGroups", { params: { query: { resourceParameter: paging(o) } } });
      return checkedPage(W.ProductGroupDto, res, get("/ProductGroups"));
    },

    // ------------------------------------------------------------ accounting references

    /** The SAF-T VAT codes; expired ones only when asked for. */
    async listVatCodes(o: PageOptions & { includeExpired?: boolean }): Promise<Page<W.VatCodeDto>> {
      const res = await api.GET("/VatCodes", { params: { query: { includeExpired: o.includeExpired, resourceParameter: paging(o) } } });
      return checkedPage(W.VatCodeDto, res, get("/VatCodes"));
    },

    async listGeneralLedgerAccounts(o: PageOptions & { accountNos?: string | number[] }): Promise<Page<W.GeneralLedgerAccountDto>> {
      const res = await api.GET("/GeneralLedgerAccounts", {
        params: { query: { accountNos: numberList(o.accountNos), resourceParameter: paging(o) } },
      });
      return checkedPage(W.GeneralLedgerAccountDto, res, get("/GeneralLedgerAccounts"));
    },

    // ------------------------------------------------------------ sales orders and invoices

    async listSalesOrders(o: SalesOrderListOptions): Promise<Page<W.SalesOrderDto>> {
      const res = await api.GET("/SalesOrders", {
        params: {
          query: {
            onlyCreatedByCurrentIntegration: o.onlyCreatedByCurrentIntegration,
            lastChangedDateTimeOffsetGreaterThan: o.lastChangedSince,
            resourceParameter: paging(o),
          },
        },
      });
      return checkedPage(W.SalesOrderDto, res, get("/SalesOrders"));
    },

    /** The order with its lines. */
    async getSalesOrder(id: string): Promise<W.SalesOrderCompleteDto | null> {
      return orNull(async () =>
        checked(W.SalesOrderCompleteDto, await api.GET("/SalesOrders/{id}/Complete", { params: { path: { id } } }), get("/SalesOrders/{id}/Complete")),
      );
    },

    /** The files on a sales order, without their content (one page: an order holds a handful). */
    async listSalesOrderAttachments(salesOrderId: string, o: PageOptions = { pageNumber: 1, pageSize: 1_000 }): Promise<Page<W.SalesOrderAttachmentDto>> {
      const res = await api.GET("/SalesOrders/{salesOrderId}/attachments", {
        params: { path: { salesOrderId }, query: { resourceParameter: paging(o) } },
      });
      return checkedPage(W.SalesOrderAttachmentDto, res, get("/SalesOrders/{salesOrderId}/attachments"));
    },

    async listOutgoingInvoices(o: OutgoingInvoiceListOptions): Promise<Page<W.OutgoingInvoiceDto>> {
      const res = await api.GET("/OutgoingInvoices", {
        params: {
          query: {
            balanceLastChangedDateTimeOffsetGreaterThan: o.balanceLastChangedSince,
            onlyUnpaidInvoices: o.onlyUnpaid,
            resourceParameter: paging(o),
          },
        },
      });
      return checkedPage(W.OutgoingInvoiceDto, res, get("/OutgoingInvoices"));
    },
  };
}

/**
 * Every page of a list, from `startPage`: `read` is one of the list calls with its filters bound.
 * Stops after a page shorter than `pageSize` (rejected records count) or an empty one.
 */
export async function* eachPage<T>(
  read: (paging: PageOptions) => Promise<Page<T>>,
  o: { pageSize: number; startPage?: number },
): AsyncGenerator<Page<T> & { pageNumber: number }> {
  for (let pageNumber = o.startPage ?? 1; ; pageNumber++) {
    const page = await read({ pageNumber, pageSize: o.pageSize });
    if (page.size === 0) return;
    yield { ...page, pageNumber };
    if (page.size < o.pageSize) return;
  }
}

/** 404 → null, for the reads of one record. */
async function orNull<T>(read: () => Promise<T>): Promise<T | null> {
  try {
    return await read();
  } catch (err) {
    if (err instanceof PowerOfficeNotFoundError) return null;
    throw err;
  }
}

function paging({ pageNumber, pageSize }: PageOptions): { PageNumber: number; PageSize: number } {
  if (!Number.isInteger(pageNumber) || pageNumber < 1) throw new RangeError(`pageNumber must be an integer from 1, got ${pageNumber}`);
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE_SIZE) throw new RangeError(`pageSize must be an integer 1..${MAX_PAGE_SIZE}, got ${pageSize}`);
  return { PageNumber: pageNumber, PageSize: pageSize };
}

function numberList(v: string | number[] | undefined): string | undefined {
  if (v === undefined) return undefined;
  const s = Array.isArray(v) ? v.join(",") : v.trim();
  return s === "" ? undefined : s;
}
