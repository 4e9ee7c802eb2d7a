/**
 * The canonical model: what the engine, the host adapter and every connector speak.
 * zod schemas are the one source of the types.
 */
import { z } from "zod";

const optionalText = z.string().trim().max(500).nullish().transform((v) => (v ? v : null));

export const countryCode = z
  .string()
  .trim()
  .length(2)
  .transform((v) => v.toUpperCase());

export const addressKind = z.enum(["visiting", "postal", "invoice", "delivery"]);
export type AddressKind = z.infer<typeof addressKind>;

export const address = z.object({
  kind: addressKind,
  street: optionalText,
  houseNumber: optionalText,
  houseNumberAddition: optionalText,
  postcode: optionalText,
  city: optionalText,
  country: countryCode.nullish().transform((v) => v ?? null),
  /** host address type id this address came from, when the host has typed addresses */
  hostTypeId: z.string().nullish().transform((v) => v ?? null),
});
export type Address = z.infer<typeof address>;

export const contactPerson = z.object({
  firstName: optionalText,
  middleName: optionalText,
  lastName: optionalText,
  email: optionalText,
  phone: optionalText,
  mobile: optionalText,
});
export type ContactPerson = z.infer<typeof contactPerson>;

export const relationKind = z.enum(["organization", "person"]);
export type RelationKind = z.infer<typeof relationKind>;

export const relation = z.object({
  kind: relationKind,
  /** organization name, or the person's full name */
  name: z.string().trim().min(1).max(250),
  firstName: optionalText,
  middleName: optionalText,
  lastName: optionalText,
  isCustomer: z.boolean(),
  isSupplier: z.boolean(),
  /** host relationship type codes this relation has, e.g. Customer, Supplier, Prospect */
  relationTypes: z.array(z.string()).default([]),
  debtorNumber: optionalText,
  creditorNumber: optionalText,
  vatNumber: optionalText,
  chamberOfCommerceNumber: optionalText,
  email: optionalText,
  phone: optionalText,
  mobile: optionalText,
  website: optionalText,
  paymentTermDays: z.number().int().min(0).max(365).nullish().transform((v) => v ?? null),
  addresses: z.array(address).default([]),
  contactPersons: z.array(contactPerson).default([]),
  active: z.boolean().default(true),
});
export type Relation = z.infer<typeof relation>;
/**
 * The roles a relation plays in a package that keeps one record per role, each with its own id
 * and number: the customer's number is the CRM's debtor number, the supplier's its creditor number.
 */
export const relationRoles = ["customer", "supplier"] as const;
export type RelationRole = (typeof relationRoles)[number];
export type RelationInput = z.input<typeof relation>;

export const product = z.object({
  code: optionalText,
  name: z.string().trim().min(1).max(250),
  description: optionalText,
  unit: optionalText,
  /** host product group id / remote revenue group id, mapped by the connector */
  productGroupId: optionalText,
  vatGroupId: optionalText,
  ledgerAccountId: optionalText,
  salesPrice: z.number().finite().nullable().default(null),
  purchasePrice: z.number().finite().nullable().default(null),
  active: z.boolean().default(true),
});
export type Product = z.infer<typeof product>;
export type ProductInput = z.input<typeof product>;

export const documentFile = z.object({
  fileName: z.string().min(1),
  contentType: z.string().default("application/pdf"),
  /** base64 */
  content: z.string().min(1),
});
export type DocumentFile = z.infer<typeof documentFile>;

export const invoiceLine = z.object({
  description: z.string().default(""),
  productId: z.string().nullable().default(null),
  productGroupId: z.string().nullable().default(null),
  quantity: z.number().finite(),
  unitPrice: z.number().finite(),
  discountPercentage: z.number().min(0).max(100).default(0),
  /** host VAT group id of the line */
  vatGroupId: z.string().nullable(),
  vatPercentage: z.number().min(0).max(100),
  totalExcludingVat: z.number().finite(),
  vatAmount: z.number().finite(),
  /** the host's unit of the line (what Product.unit holds), when it has one */
  unit: z.string().nullable().default(null),
});
export type InvoiceLine = z.infer<typeof invoiceLine>;

export const invoice = z.object({
  number: z.string().trim().min(1),
  /** host id of the customer relation */
  relationId: z.string().min(1),
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  paymentTermDays: z.number().int().min(0).max(365).default(14),
  currency: z.string().length(3).default("EUR"),
  subject: optionalText,
  lines: z.array(invoiceLine).min(1),
  totalExcludingVat: z.number().finite(),
  vatAmount: z.number().finite(),
  totalIncludingVat: z.number().finite(),
  /** host id of the subscription the invoice was made for, if any */
  subscriptionId: z.string().nullable().default(null),
  paid: z.boolean().default(false),
});
export type Invoice = z.infer<typeof invoice>;
export type InvoiceInput = z.input<typeof invoice>;

export const salesOrder = invoice.extend({
  deliveryDate: z.string().nullable().default(null),
  customerReference: optionalText,
});
export type SalesOrder = z.infer<typeof salesOrder>;

export const payment = z.object({
  /** remote invoice id the payment settles */
  remoteInvoiceId: z.string(),
  invoiceNumber: z.string(),
  /** the invoice's total and what is still to be paid, in `currency` */
  total: z.number().finite().nullable(),
  outstanding: z.number().finite(),
  currency: z.string().length(3),
  paid: z.boolean(),
  /** when the package last saw the balance change, if it says */
  changedAt: z.string().nullable(),
});
export type Payment = z.infer<typeof payment>;

/** Records synced both ways, in the order an import takes them (relations before the products that name them). */
export const recordKinds = ["relation", "product"] as const;
export type RecordKind = (typeof recordKinds)[number];
/** Documents handed to the package once, when their phase says so. */
export const documentKinds = ["invoice", "salesOrder"] as const;
export type DocumentKind = (typeof documentKinds)[number];
/** What the CRM's webhooks can be about. */
export const hostChangeKinds = [...recordKinds, ...documentKinds] as const;
export const entityKind = z.enum([...hostChangeKinds, "payment"]);
/** A kind as it appears in ids and event names: `salesOrder` → `sales-order`. */
export const kebabKind = (kind: string) => kind.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
export type EntityKind = z.infer<typeof entityKind>;
