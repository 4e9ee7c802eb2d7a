/**
 * Tribe invoices and sales orders → the canonical model (pure: no I/O).
 *
 * `Activity_Invoice` documents `Number`, `Subject`, `Amount`, `Currency`, `IsVatIncluded`,
 * `DiscountPercentage` and the expansions `Phase, ProductLines, Relationship, Contact`; the customer
 * is the `Relation` of the activity's `Relationship`. Its product lines document `TotalExcludingVat`,
 * `VatAmount` and `TotalIncludingVat`. The invoice date, its own payment term and `IsPaid` are not
 * documented (docs/host-api.md, assumed): each has a fallback. A missing total is never read as zero.
 */
import { z } from "zod";
import {
  invoice as invoiceSchema,
  salesOrder as salesOrderSchema,
  type Invoice,
  type InvoiceLine,
  type SalesOrder,
} from "@/lib/model";
import { RecordRejectedError, type SideRecord } from "@/lib/sync/types";
import { bool, clean, code, dateOnly, latest, num, ref, round, system, termDays, text, tribeDatastore } from "./entity";

export const tribeProductLine = z.looseObject({
  ...system,
  Description: text,
  Quantity: num,
  Price: num,
  DiscountPercentage: num,
  VatPercentage: num,
  TotalExcludingVat: num,
  VatAmount: num,
  TotalIncludingVat: num,
  Product: z.looseObject({ ID: z.string().min(1), ProductGroup: ref.nullish(), Unit: tribeDatastore.nullish() }).nullish(),
  VatGroup: z.looseObject({ ID: z.string().min(1), Percentage: num }).nullish(),
});
export type TribeProductLine = z.infer<typeof tribeProductLine>;

/** the activity's relationship, expanded with its relation (the customer) */
const tribeActivityRelationship = z.looseObject({
  ID: z.string().min(1),
  _Type: text,
  PaymentTermInDays: num,
  Relation: z.looseObject({ ID: z.string().min(1), _Type: text }).nullish(),
});

const activity = {
  ...system,
  Number: code,
  Subject: text,
  Amount: num,
  Currency: text,
  IsVatIncluded: bool,
  DiscountPercentage: num,
  /** assumed: falls back to the customer relationship's */
  PaymentTermInDays: num,
  Relationship: tribeActivityRelationship.nullish(),
  Contact: ref.nullish(),
  Phase: tribeDatastore.nullish(),
  ProductLines: z.array(tribeProductLine).optional(),
};

export const tribeInvoice = z.looseObject({
  ...activity,
  /** assumed: falls back to CreationDate */
  InvoiceDate: text,
  /** assumed: falls back to the phase */
  IsPaid: bool,
  /** assumed: read only when the CRM has it (never expanded) */
  Subscription: ref.nullish(),
});
export type TribeInvoice = z.infer<typeof tribeInvoice>;

export const tribeSalesOrder = z.looseObject({
  ...activity,
  /** assumed: falls back to CreationDate */
  OrderDate: text,
  DeliveryDate: text,
  CustomerReference: text,
  ExternalOrderNumber: text,
});
export type TribeSalesOrder = z.infer<typeof tribeSalesOrder>;

export const ACTIVITY_EXPAND = "ProductLines($expand=VatGroup,Product($expand=ProductGroup,Unit)),Phase,Relationship($expand=Relation($select=ID,_Type)),Contact";

type DocumentKind = "invoice" | "salesOrder";

/**
 * Message keys of the RecordRejectedErrors raised here (for the i18n catalogue):
 * - `host.tribe.documentInvalid` {document, number, field, issue}: an invoice/sales order the model refuses
 * - `host.tribe.documentWithoutCustomer` {document, number}: no Relationship with a Relation
 * - `host.tribe.documentTotalMissing` {document, number, field}: `Amount` or a line's total is missing
 */
function rejectOnIssues<T>(document: DocumentKind, number: string, parsed: z.ZodSafeParseResult<T>): T {
  if (parsed.success) return parsed.data;
  const first = parsed.error.issues[0]!;
  const field = first.path.map(String).join(".") || "(record)";
  throw new RecordRejectedError("host.tribe.documentInvalid", { document, number, field, issue: first.message });
}

/** A total the CRM must give: a missing one is an error naming the field, never a zero. */
function total(v: number | null | undefined, document: DocumentKind, number: string, field: string): number {
  if (typeof v === "number" && Number.isFinite(v)) return v;
  throw new RecordRejectedError("host.tribe.documentTotalMissing", { document, number, field });
}

function lineFromTribe(l: TribeProductLine, i: number, vatIncluded: boolean, document: DocumentKind, number: string): InvoiceLine & { totalIncludingVat: number } {
  const pct = l.VatPercentage ?? 0;
  const price = l.Price ?? 0;
  const field = (name: string) => `ProductLines[${i}].${name}`;
  return {
    description: clean(l.Description) ?? "",
    productId: l.Product?.ID ?? null,
    productGroupId: l.Product?.ProductGroup?.ID ?? null,
    quantity: l.Quantity ?? 1,
    // the canonical unit price excludes VAT
    unitPrice: vatIncluded ? round(price / (1 + pct / 100), 4) : price,
    discountPercentage: l.DiscountPercentage ?? 0,
    vatGroupId: l.VatGroup?.ID ?? null,
    vatPercentage: pct,
    // named as the product's unit is (productFromTribe)
    unit: clean(l.Product?.Unit?.Name ?? l.Product?.Unit?.Code),
    totalExcludingVat: total(l.TotalExcludingVat, document, number, field("TotalExcludingVat")),
    vatAmount: total(l.VatAmount, document, number, field("VatAmount")),
    totalIncludingVat: total(l.TotalIncludingVat, document, number, field("TotalIncludingVat")),
  };
}

function activityBase(e: TribeInvoice | TribeSalesOrder, document: DocumentKind, date: string | null | undefined) {
  const number = clean(e.Number) ?? e.ID;
  const customer = e.Relationship?.Relation?.ID;
  if (!customer) throw new RecordRejectedError("host.tribe.documentWithoutCustomer", { document, number });
  const vatIncluded = e.IsVatIncluded === true;
  const lines = (e.ProductLines ?? []).map((l, i) => lineFromTribe(l, i, vatIncluded, document, number));
  const amount = total(e.Amount, document, number, "Amount");
  return {
    number: clean(e.Number) ?? "",
    relationId: customer,
    date: dateOnly(date ?? e.CreationDate) ?? "",
    paymentTermDays: termDays(e.PaymentTermInDays ?? e.Relationship?.PaymentTermInDays) ?? undefined,
    currency: clean(e.Currency)?.toUpperCase() ?? undefined,
    subject: clean(e.Subject),
    lines: lines.map(({ totalIncludingVat: _, ...line }) => line),
    // Amount excludes VAT (assumed); a wrong assumption shows as a totals mismatch, not a wrong booking
    totalExcludingVat: amount,
    vatAmount: round(lines.reduce((s, l) => s + l.vatAmount, 0), 2),
    totalIncludingVat: round(lines.reduce((s, l) => s + l.totalIncludingVat, 0), 2),
  };
}

/** The phase codes in which Tribe's own accounting integrations hand a document over (seed: "Verzenden"). */
export const HAND_OVER_PHASE = { invoice: "Sent", salesOrder: "Linked" } as const;

export function invoiceFromTribe(e: TribeInvoice): { record: SideRecord<Invoice>; phase: string } {
  const phase = e.Phase?.Code ?? "";
  const data = rejectOnIssues(
    "invoice",
    e.Number ?? e.ID,
    invoiceSchema.safeParse({
      ...activityBase(e, "invoice", e.InvoiceDate),
      subscriptionId: e.Subscription?.ID ?? null,
      paid: typeof e.IsPaid === "boolean" ? e.IsPaid : phase.toLowerCase() === "paid",
    }),
  );
  return { record: { id: e.ID, number: data.number, data, modifiedAt: latest(e.LastMutationDate) }, phase };
}

export function salesOrderFromTribe(e: TribeSalesOrder): { record: SideRecord<SalesOrder>; phase: string } {
  const data = rejectOnIssues(
    "salesOrder",
    e.Number ?? e.ID,
    salesOrderSchema.safeParse({
      ...activityBase(e, "salesOrder", e.OrderDate),
      deliveryDate: dateOnly(e.DeliveryDate),
      customerReference: clean(e.CustomerReference),
    }),
  );
  return { record: { id: e.ID, number: data.number, data, modifiedAt: latest(e.LastMutationDate) }, phase: e.Phase?.Code ?? "" };
}

/** `factuur-2026-0001.pdf`; anything but letters, digits, dot, dash and underscore becomes `_`. */
export function documentFileName(prefix: string, number: string): string {
  return `${prefix}-${number.replace(/[^\w.-]/g, "_")}.pdf`;
}
