/**
 * The PowerOffice Go writes: creates (POST), changes (PATCH with JSON Patch) and sales order
 * attachments.
 *
 * None is sent twice blindly: Go has no idempotency key, so a create whose answer was lost, or
 * that answered a 5xx, throws with `mayHaveSucceeded` and the caller looks the record up first
 * (customers and suppliers by `externalImportReference`, sales orders by listing the
 * integration's own and reading `ExternalImportReference`). 429 and 503 are refusals before any
 * work and are retried.
 *
 * Bodies are the spec's post DTOs (generated types in api.d.ts); answers are checked with wire.ts.
 */
import type { components } from "./api";
import type { PowerOfficeCore } from "./client";
import type { JsonPatchOperation } from "./json-patch";
import * as W from "./wire";

type Schemas = components["schemas"];
export type CustomerPostDto = Schemas["CustomerPostDto"];
export type SupplierPostDto = Schemas["SupplierPostDto"];
export type ProductPostDto = Schemas["ProductPostDto"];
export type ContactPersonPostDto = Schemas["ContactPersonPostDto"];
export type SalesOrderCompletePostDto = Schemas["SalesOrderCompletePostDto"];

export type Attachment = {
  fileName: string;
  /** e.g. application/pdf */
  contentType: string;
  contentBase64: string;
};

/** PATCH bodies go as application/json-patch+json; Go answers 415 to anything else. */
const JSON_PATCH = { "content-type": "application/json-patch+json" };

export function writeOperations({ api, checked }: PowerOfficeCore) {
  const post = (path: string) => ({ method: "POST", path });
  const patch = (path: string) => ({ method: "PATCH", path });
  /** the generated Operation type says `value: Record<string, never>`; any JSON value is meant */
  const patchBody = (ops: JsonPatchOperation[]) => ops as unknown as Schemas["JsonPatchDocument"];

  return {
    // ------------------------------------------------------------ creates

    /** Go assigns Number (next free in 10000–19999) unless the body gives a free one. */
    async createCustomer(body: CustomerPostDto): Promise<W.CustomerDto> {
      return checked(W.CustomerDto, await api.POST("/Customers", { body }), post("/Customers"));
    },

    /** Always a new contact, also for a company that is a customer already (the post DTO cannot name one). */
    async createSupplier(body: SupplierPostDto): Promise<W.SupplierDto> {
      return checked(W.SupplierDto, await api.POST("/Suppliers", { body }), post("/Suppliers"));
    },

    /** Go answers 200, not 201, to this one (the spec). */
    async createProduct(body: ProductPostDto): Promise<W.ProductDto> {
      return checked(W.ProductDto, await api.POST("/Products", { body }), post("/Products"));
    },

    /** A contact person of the customer or supplier whose Id is `contactId`. */
    async createContactPerson(contactId: number, body: ContactPersonPostDto): Promise<W.ContactPersonDto> {
      const res = await api.POST("/ContactPersons/{contactId}", { params: { path: { contactId } }, body });
      return checked(W.ContactPersonDto, res, post("/ContactPersons/{contactId}"));
    },

    /** The order with its lines in one call; Go fills price, VAT and amounts from product and account. */
    async createSalesOrderComplete(body: SalesOrderCompletePostDto): Promise<W.SalesOrderCompleteDto> {
      return checked(W.SalesOrderCompleteDto, await api.POST("/SalesOrders/Complete", { body }), post("/SalesOrders/Complete"));
    },

    /** Uploads a file (the invoice PDF) to a sales order, as multipart/form-data with the part `file`. */
    async attachToSalesOrder(salesOrderId: string, file: Attachment): Promise<W.SalesOrderAttachmentDto> {
      const form = new FormData();
      form.append("file", new Blob([decodeBase64(file.contentBase64)], { type: file.contentType }), file.fileName);
      const res = await api.POST("/SalesOrders/{salesOrderId}/attachments", {
        params: { path: { salesOrderId } },
        // openapi-fetch sends FormData as it is (the Request sets the boundary); the generated type says `{ file?: string }`
        body: form as unknown as Schemas["_JournalEntryVouchers__id__VoucherPages_post_request"],
      });
      return checked(W.SalesOrderAttachmentDto, res, post("/SalesOrders/{salesOrderId}/attachments"));
    },

    // ------------------------------------------------------------ changes (json-patch.ts builds `ops`)

    /** Applies `ops`; nothing is sent for an empty list, and null comes back. */
    async patchCustomer(id: number, ops: JsonPatchOperation[]): Promise<W.CustomerDto | null> {
      if (ops.length === 0) return null;
      const res = await api.PATCH("/Customers/{id}", { params: { path: { id } }, body: patchBody(ops), headers: JSON_PATCH });
      return checked(W.CustomerDto, res, patch("/Customers/{id}"));
    },

    /** Contact members (name, address, e-mail …) are one contact's: they change on the customer of the same Id too. */
    async patchSupplier(id: number, ops: JsonPatchOperation[]): Promise<W.SupplierDto | null> {
      if (ops.length === 0) return null;
      const res = await api.PATCH("/Suppliers/{id}", { params: { path: { id } }, body: patchBody(ops), headers: JSON_PATCH });
      return checked(W.SupplierDto, res, patch("/Suppliers/{id}"));
    },

    async patchProduct(id: number, ops: JsonPatchOperation[]): Promise<W.ProductDto | null> {
      if (ops.length === 0) return null;
      const res = await api.PATCH("/Products/{id}", { params: { path: { id } }, body: patchBody(ops), headers: JSON_PATCH });
      return checked(W.ProductDto, res, patch("/Products/{id}"));
    },

    async patchContactPerson(contactId: number, id: number, ops: JsonPatchOperation[]): Promise<W.ContactPersonDto | null> {
      if (ops.length === 0) return null;
      const res = await api.PATCH("/ContactPersons/{contactId}/{id}", { params: { path: { contactId, id } }, body: patchBody(ops), headers: JSON_PATCH });
      return checked(W.ContactPersonDto, res, patch("/ContactPersons/{contactId}/{id}"));
    },
  };
}

/** Base64 (or base64url) to bytes; refuses anything else instead of uploading a damaged file. */
function decodeBase64(s: string): Uint8Array<ArrayBuffer> {
  const compact = s.replace(/\s+/g, "");
  if (!compact || !/^[A-Za-z0-9+/_-]+={0,2}$/.test(compact)) throw new RangeError("contentBase64 is empty or not base64");
  const bytes = Buffer.from(compact, compact.includes("-") || compact.includes("_") ? "base64url" : "base64");
  return new Uint8Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
}
