/**
 * PowerOffice Go API v2 answers as the client reads them: zod schemas of the members the app uses,
 * written from the spec (../shared/vendor-api/poweroffice-go-v2.openapi.yaml; generated types in
 * api.d.ts). Member names are PascalCase as on the wire.
 *
 * - Every member the spec marks nullable is `nullish` (Go answers every member, null included;
 *   nullish also tolerates one left out).
 * - Objects are loose: members not listed here are kept as they came, so a DTO read, changed and
 *   diffed (json-patch.ts) still has all of them.
 * - Enum-like members (InvoiceDeliveryType, ProductType …) are plain strings: a value Go adds later
 *   must not reject the record.
 * - Timestamps stay strings. Go writes seven fractional digits (2024-06-03T10:00:00.1234567Z) and
 *   compares its `…GreaterThan` filters at that precision, so a cursor taken from a record must be
 *   echoed as it came; a `Date` would round it to milliseconds and read the same records again.
 */
import { z } from "zod";

/** An int64 id; JSON numbers, within JavaScript's safe integers for any Go client. */
const id = z.number().int();
const text = z.string().nullish();
const int = z.number().int().nullish();
const num = z.number().nullish();
const bool = z.boolean().nullish();
/** date-time with an offset, kept exactly as Go wrote it */
const timestamp = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/, "is not a date-time with an offset");
/** yyyy-mm-dd */
const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "is not a date (yyyy-mm-dd)");

// ------------------------------------------------------------------ contacts

/** ContactAddressDto: the address of a customer or supplier (MailAddress). */
export const ContactAddressDto = z.looseObject({
  Id: id.nullish(),
  AddressLine1: text,
  AddressLine2: text,
  ZipCode: text,
  City: text,
  CountryCode: text,
  ExternalCode: text,
  LastChangedDateTimeOffset: timestamp.nullish(),
});
export type ContactAddressDto = z.infer<typeof ContactAddressDto>;

/** AddressDto: a contact person's address (no id of its own). */
export const AddressDto = z.looseObject({
  AddressLine1: text,
  AddressLine2: text,
  ZipCode: text,
  City: text,
  CountryCode: text,
});
export type AddressDto = z.infer<typeof AddressDto>;

/** The members customers and suppliers share (one contact in Go). */
const contactMembers = {
  Id: id,
  Number: int,
  Name: text,
  LegalName: text,
  FirstName: text,
  LastName: text,
  IsPerson: bool,
  /** Go has no separate VAT number: the organisation number plays that role */
  OrganizationNumber: text,
  EmailAddress: text,
  PhoneNumber: text,
  WebsiteUrl: text,
  MailAddress: ContactAddressDto.nullish(),
  CurrencyCode: text,
  ExternalNumber: int,
  ExternalImportReference: text,
  ContactGroupIds: z.array(z.number().int()).nullish(),
  SubledgerAccountId: int,
  IsActive: bool,
  IsArchived: bool,
  LastChangedDateTimeOffset: timestamp,
};

export const CustomerDto = z.looseObject({
  ...contactMembers,
  InvoiceEmailAddress: text,
  InvoiceEmailAddressCC: text,
  /** days; read-only (set PaymentTermId) */
  PaymentTerm: int,
  PaymentTermId: int,
  IsVatFree: bool,
  /** PdfByEmail | Print | EHF | AvtaleGiro | External | Efaktura | Factoring */
  InvoiceDeliveryType: text,
  DepartmentCode: text,
  CustomerCreatedDateTimeOffset: timestamp.nullish(),
});
export type CustomerDto = z.infer<typeof CustomerDto>;

export const SupplierDto = z.looseObject({
  ...contactMembers,
  SupplierCreatedDateTimeOffset: timestamp.nullish(),
});
export type SupplierDto = z.infer<typeof SupplierDto>;

export const ContactPersonDto = z.looseObject({
  Id: id,
  /** the customer's or supplier's Id */
  ContactId: id,
  FirstName: text,
  LastName: text,
  EmailAddress: text,
  PhoneNumber: text,
  Title: text,
  IsDefault: bool,
  IsActive: bool,
  ExternalCode: text,
  MailAddress: AddressDto.nullish(),
  CreatedDateTimeOffset: timestamp.nullish(),
  LastChangedDateTimeOffset: timestamp,
});
export type ContactPersonDto = z.infer<typeof ContactPersonDto>;

// ------------------------------------------------------------------ products

export const ProductDto = z.looseObject({
  Id: id,
  Code: text,
  Name: text,
  Description: text,
  Gtin: text,
  /** Product | Service */
  ProductType: text,
  UnitPrice: num,
  UnitCost: num,
  /** UN/ECE code: EA, HUR, DAY, KGM … */
  UnitOfMeasureCode: text,
  /** account numbers (read-only) and their ids; a product has no VAT code, its sales account has */
  StandardSalesAccount: int,
  StandardSalesAccountId: int,
  OptionalSalesAccount: int,
  OptionalSalesAccountId: int,
  /** read-only: set ProductGroupId */
  ProductGroupCode: text,
  ProductGroupId: int,
  IsStockItem: bool,
  StockOnHand: num,
  IsArchived: bool,
  LastChangedDateTimeOffset: timestamp,
});
export type ProductDto = z.infer<typeof ProductDto>;

export const ProductGroupDto = z.looseObject({
  Id: id,
  Code: text,
  Name: text,
  Description: text,
  ProductType: text,
  StandardSalesAccount: int,
  StandardSalesAccountId: int,
  OptionalSalesAccount: int,
  OptionalSalesAccountId: int,
  UnitPrice: num,
  UnitCost: num,
  UnitOfMeasureCode: text,
  IsArchived: bool,
  LastChangedDateTimeOffset: timestamp,
});
export type ProductGroupDto = z.infer<typeof ProductGroupDto>;

// ------------------------------------------------------------------ accounting references

/** SAF-T codes; custom ones start with "C", compensation ones with "K". */
export const VatCodeDto = z.looseObject({
  Id: id,
  Code: text,
  Name: text,
  Description: text,
  /** a fraction: 0.25 for 25 % */
  Rate: z.number(),
  ValidFrom: date.nullish(),
  ValidTo: date.nullish(),
  IsActive: bool,
  IsCustom: bool,
});
export type VatCodeDto = z.infer<typeof VatCodeDto>;

export const GeneralLedgerAccountDto = z.looseObject({
  Id: id,
  AccountNo: z.number().int(),
  Name: text,
  /** the VAT code a line on this account gets */
  VatCode: text,
  VatCodeId: int,
  IsActive: bool,
  CurrencyCode: text,
  GeneralLedgerAccountType: text,
  LastChangedDateTimeOffset: timestamp.nullish(),
});
export type GeneralLedgerAccountDto = z.infer<typeof GeneralLedgerAccountDto>;

// ------------------------------------------------------------------ sales orders and invoices

/** A sales order as GET /SalesOrders lists it (SalesOrderDto, without lines). Ids are UUIDs. */
export const SalesOrderDto = z.looseObject({
  Id: z.string().min(1),
  SalesOrderNo: int,
  SalesOrderDate: date.nullish(),
  /** Draft | Confirmed | … */
  SalesOrderStatus: text,
  CustomerId: int,
  CustomerNo: int,
  CurrencyCode: text,
  CustomerReference: text,
  PurchaseOrderReference: text,
  ExternalImportReference: text,
  IsCreatedByCurrentIntegration: bool,
  RelatedInvoiceNo: int,
  NetAmount: num,
  TotalAmount: num,
  LineCount: int,
  CreatedDateTimeOffset: timestamp.nullish(),
  LastChangedDateTimeOffset: timestamp,
});
export type SalesOrderDto = z.infer<typeof SalesOrderDto>;

export const SalesOrderLineDto = z.looseObject({
  Id: z.string().min(1),
  ProductId: int,
  ProductCode: text,
  Description: text,
  Quantity: num,
  ProductUnitPrice: num,
  ProductUnitCost: num,
  Allowance: num,
  UnitOfMeasureCode: text,
  /** Normal | Text | … */
  LineType: text,
  SortOrder: int,
  VatCode: text,
  VatRate: num,
  VatAmount: num,
  NetAmount: num,
  TotalAmount: num,
});
export type SalesOrderLineDto = z.infer<typeof SalesOrderLineDto>;

/** POST /SalesOrders/Complete and GET /SalesOrders/{id}/Complete: the order with its lines. */
export const SalesOrderCompleteDto = SalesOrderDto.extend({
  SalesOrderLines: z.array(SalesOrderLineDto).nullish(),
});
export type SalesOrderCompleteDto = z.infer<typeof SalesOrderCompleteDto>;

export const SalesOrderAttachmentDto = z.looseObject({
  Id: id,
  SalesOrderId: text,
  FileName: text,
  FileSize: int,
  CreatedDateTimeOffset: timestamp.nullish(),
  LastChangedDateTimeOffset: timestamp.nullish(),
});
export type SalesOrderAttachmentDto = z.infer<typeof SalesOrderAttachmentDto>;

/** A sent invoice (same Id as its sales order). A payment moves Balance and BalanceLastChangedDateTimeOffset only. */
export const OutgoingInvoiceDto = z.looseObject({
  Id: z.string().min(1),
  InvoiceNo: int,
  OrderNo: int,
  VoucherNo: int,
  VoucherDate: date.nullish(),
  DueDate: date.nullish(),
  CustomerId: int,
  CustomerNo: int,
  CurrencyCode: text,
  /** KID payment reference */
  Cid: text,
  NetAmount: num,
  TotalAmount: num,
  Balance: num,
  MatchId: int,
  IsReversed: bool,
  ExternalImportReference: text,
  IsCreatedByCurrentIntegration: bool,
  SentDateTimeOffset: timestamp.nullish(),
  BalanceLastChangedDateTimeOffset: timestamp.nullish(),
  LastChangedDateTimeOffset: timestamp.nullish(),
});
export type OutgoingInvoiceDto = z.infer<typeof OutgoingInvoiceDto>;

// ------------------------------------------------------------------ the integration, errors, token

/** GET /ClientIntegrationInformation: which Go client the key opens and what the integration may do there. */
export const ClientIntegrationInformation = z.looseObject({
  ClientId: text,
  ClientName: text,
  ValidPrivileges: z.array(z.string()).nullish(),
  InvalidPrivileges: z.array(z.string()).nullish(),
  ActiveClientSubscriptions: z.array(z.string()).nullish(),
});
export type ClientIntegrationInformation = z.infer<typeof ClientIntegrationInformation>;

/**
 * RFC 7807 ProblemDetails as the spec names it, plus the `Errors` map (field → reasons) ASP.NET
 * adds to validation problems. errors.ts also reads the camelCase spelling.
 */
export const ProblemDetails = z.looseObject({
  Type: text,
  Title: text,
  /** an answer with a Status of another type is still read for its Detail */
  Status: z.number().int().nullish().catch(null),
  Detail: text,
  Instance: text,
  Errors: z.record(z.string(), z.union([z.array(z.string()), z.string()])).nullish(),
});
export type ProblemDetails = z.infer<typeof ProblemDetails>;

/** The token endpoint's answer (no refresh token). */
export const TokenResponse = z.looseObject({
  access_token: z.string().min(1),
  token_type: z.string().optional(),
  expires_in: z.number().positive(),
});

// ------------------------------------------------------------------ read-only members

/**
 * The members the spec marks readOnly, as JSON Pointers without the leading slash: a PATCH
 * touching one is refused (json-patch.ts `patchOperations(before, after, READ_ONLY.customer)`).
 * Go also refuses IsActive (set IsArchived instead); add members the app does not own, e.g. Number.
 */
export const READ_ONLY = {
  customer: [
    "Id",
    "LastChangedDateTimeOffset",
    "ContactCreatedDateTimeOffset",
    "CustomerCreatedDateTimeOffset",
    "CreatedFromImportJournalId",
    "DeliveryTerm",
    "DepartmentCode",
    "InvoiceBrandingThemeCode",
    "IsActive",
    "PaymentTerm",
    "SalesPersonEmployeeNumber",
    "SubledgerAccountId",
    "MailAddress/Id",
    "MailAddress/LastChangedDateTimeOffset",
  ],
  supplier: [
    "Id",
    "LastChangedDateTimeOffset",
    "ContactCreatedDateTimeOffset",
    "SupplierCreatedDateTimeOffset",
    "CreatedFromImportJournalId",
    "IsActive",
    "SubledgerAccountId",
    "MailAddress/Id",
    "MailAddress/LastChangedDateTimeOffset",
  ],
  contactPerson: ["Id", "ContactId", "CreatedDateTimeOffset", "LastChangedDateTimeOffset"],
  product: [
    "Id",
    "LastChangedDateTimeOffset",
    "CreatedDateTimeOffset",
    "CreatedFromImportJournalId",
    "OptionalSalesAccount",
    "StandardSalesAccount",
    "ProductGroupCode",
    "StockAvailable",
    "StockOnHandLastChangedDatetimeOffset",
  ],
} as const satisfies Record<string, readonly string[]>;
