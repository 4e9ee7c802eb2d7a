/**
 * Sales orders (invoice drafts) with their lines and attachments; sending an
 * order, which turns it into an outgoing invoice with the same Id; and
 * payments, which lower an invoice's Balance.
 *
 * Amounts: a line's net amount is Quantity × ProductUnitPrice less the
 * Allowance percentage, its VAT the net amount × the rate of the VAT code on
 * its sales account, each rounded to 2 decimals.
 */
import { randomUUID } from "node:crypto";
import { assignKnown, blank, mustFit, num, patchDto, round2, str, type Ctx } from "./dto";
import type { PatchOperation } from "./jsonpatch";
import { invalid, notFound } from "./problem";
import { accountByNo } from "./products";
import type { AttachmentRecord, Client, InvoiceRecord, SalesOrderRecord } from "./store";
import { addDays, dateOf } from "./time";
import type { JsonObject, JsonValue, Reason } from "./types";

// ---------------------------------------------------------------- lines

/**
 * The sales account of a line: the product's (else its group's) standard
 * account, or its optional account when the line says so or the customer
 * is VAT free; the client's default sales account when none is set.
 */
function lineAccount(c: Client, customer: JsonObject, line: JsonObject): JsonObject | undefined {
  const product = num(line.ProductId) === undefined ? undefined : c.products.get(line.ProductId as number);
  const group = product && num(product.ProductGroupId) !== undefined ? c.productGroups.get(product.ProductGroupId as number) : undefined;
  const standard = num(product?.StandardSalesAccountId) ?? num(group?.StandardSalesAccountId);
  const optional = num(product?.OptionalSalesAccountId) ?? num(group?.OptionalSalesAccountId);
  const useStandard = line.UseStandardSalesAccount ?? customer.IsVatFree !== true;
  const id = (useStandard ? standard : (optional ?? standard)) ?? num(accountByNo(c, c.info.defaultSalesAccountNo)?.Id);
  return id === undefined ? undefined : c.accounts.get(id);
}

/** Sets the line's VAT and amounts from its quantity, price, allowance and sales account. */
function priceLine(c: Client, customer: JsonObject, line: JsonObject): void {
  if (line.LineType !== "Normal") {
    Object.assign(line, { VatCode: null, VatId: null, VatRate: null, NetAmount: 0, VatAmount: 0, TotalAmount: 0 });
    return;
  }
  const vat = c.vatCodes.get(num(lineAccount(c, customer, line)?.VatCodeId) ?? -1);
  const rate = num(vat?.Rate) ?? 0;
  const net = round2((num(line.Quantity) ?? 0) * (num(line.ProductUnitPrice) ?? 0) * (1 - (num(line.Allowance) ?? 0) / 100));
  const vatAmount = round2(net * rate);
  Object.assign(line, {
    VatCode: vat?.Code ?? null,
    VatId: vat?.Id ?? null,
    VatRate: vat ? rate : null,
    NetAmount: net,
    VatAmount: vatAmount,
    TotalAmount: round2(net + vatAmount),
  });
}

function buildLine(ctx: Ctx, customer: JsonObject, body: JsonObject, index: number, orderId: string, reasons: Reason[]): JsonObject {
  const c = ctx.client;
  const line = assignKnown(ctx.spec, "SalesOrderLineDto", blank(ctx.spec, "SalesOrderLineDto"), body);
  const field = (name: string) => `SalesOrderLines[${index}].${name}`;
  line.LineType ??= "Normal";
  if (line.LineType === "Normal") {
    const productId = num(body.ProductId);
    const productCode = str(body.ProductCode);
    const product =
      productId !== undefined
        ? c.products.get(productId)
        : productCode !== undefined
          ? [...c.products.values()].find((p) => p.Code === productCode)
          : undefined;
    if (productId !== undefined && !product) reasons.push({ field: field("ProductId"), message: `there is no product with id ${productId}.` });
    else if (productId === undefined && productCode !== undefined && !product)
      reasons.push({ field: field("ProductCode"), message: `there is no product '${productCode}'.` });
    else if (product?.IsArchived === true)
      reasons.push({ field: field(productId !== undefined ? "ProductId" : "ProductCode"), message: `product '${String(product.Code ?? product.Id)}' is archived.` });
    if (product) {
      const group = num(product.ProductGroupId) === undefined ? undefined : c.productGroups.get(product.ProductGroupId as number);
      if (num(line.Quantity) === undefined) reasons.push({ field: field("Quantity"), message: "is required on a line with a product." });
      line.ProductId = product.Id!;
      line.ProductCode = product.Code ?? null;
      line.ProductUnitPrice ??= product.UnitPrice ?? group?.UnitPrice ?? 0;
      line.ProductUnitCost ??= product.UnitCost ?? group?.UnitCost ?? null;
      line.Description ??= product.Name ?? null;
      line.UnitOfMeasureCode ??= product.UnitOfMeasureCode ?? group?.UnitOfMeasureCode ?? null;
    } else if (productId === undefined && productCode === undefined && !str(line.Description))
      reasons.push({ field: field("Description"), message: "a Normal line needs a product or a description." });
  }
  line.Id = randomUUID();
  line.SalesOrderId = orderId;
  line.SortOrder ??= index;
  priceLine(c, customer, line);
  return line;
}

function totals(order: JsonObject): void {
  const lines = order.SalesOrderLines as JsonObject[];
  order.NetAmount = round2(lines.reduce((s, l) => s + (num(l.NetAmount) ?? 0), 0));
  order.TotalAmount = round2(lines.reduce((s, l) => s + (num(l.TotalAmount) ?? 0), 0));
  order.LineCount = lines.length;
}

// ---------------------------------------------------------------- sales orders

/**
 * Customer, references and uniqueness of an order header; fills CustomerId
 * and CustomerNo. The customer must be active when it is set (a draft whose
 * customer was deactivated later can still be edited).
 */
function headerReasons(
  c: Client,
  order: JsonObject,
  customerNo: number | undefined,
  self: { id: string; customerId: JsonValue } | undefined,
): { reasons: Reason[]; customer?: JsonObject } {
  const reasons: Reason[] = [];
  const customerId = num(order.CustomerId);
  let customer: JsonObject | undefined;
  if (customerId !== undefined) {
    customer = c.customers.get(customerId);
    if (!customer) reasons.push({ field: "CustomerId", message: `there is no customer with id ${customerId}.` });
  } else if (customerNo !== undefined) {
    customer = [...c.customers.values()].find((x) => x.Number === customerNo);
    if (!customer) reasons.push({ field: "CustomerNo", message: `there is no customer number ${customerNo}.` });
  } else reasons.push({ field: "CustomerId", message: "CustomerId or CustomerNo is required." });
  if (customer && customer.IsActive !== true && customer.Id !== self?.customerId)
    reasons.push({ field: customerId !== undefined ? "CustomerId" : "CustomerNo", message: `customer ${String(customer.Number)} is not active.` });
  if (customer) {
    order.CustomerId = customer.Id!;
    order.CustomerNo = customer.Number!;
  }

  const ref = str(order.ExternalImportReference);
  const taken = ref ? c.orderReferences.get(ref) : undefined;
  if (taken !== undefined && taken !== self?.id)
    reasons.push({ field: "ExternalImportReference", message: `'${ref}' is already used by sales order ${taken}.` });
  const personId = num(order.CustomerReferenceContactPersonId);
  if (personId !== undefined && c.contactPersons.get(personId)?.ContactId !== order.CustomerId)
    reasons.push({ field: "CustomerReferenceContactPersonId", message: `${personId} is not a contact person of the customer.` });
  const currency = str(order.CurrencyCode);
  if (currency !== undefined && !/^[A-Za-z]{3}$/.test(currency))
    reasons.push({ field: "CurrencyCode", message: `'${currency}' is not an ISO 4217 currency code.` });
  return { reasons, customer };
}

export function createSalesOrder(ctx: Ctx, body: JsonObject, createdBy: string | null): SalesOrderRecord {
  const { client: c, spec } = ctx;
  const { SalesOrderLines: lineBodies, ...header } = body;
  const order = assignKnown(spec, "SalesOrderCompleteDto", blank(spec, "SalesOrderCompleteDto"), header);
  const id = randomUUID();
  const { reasons, customer } = headerReasons(c, order, num(body.CustomerNo), undefined);
  order.SalesOrderStatus ??= "Draft";
  order.CurrencyCode = (str(order.CurrencyCode) ?? str(customer?.CurrencyCode) ?? "NOK").toUpperCase();
  order.SalesOrderLines = customer
    ? ((lineBodies as JsonObject[] | null | undefined) ?? []).map((l, i) => buildLine(ctx, customer, l, i, id, reasons))
    : [];
  if (reasons.length > 0) throw invalid(reasons);
  totals(order);
  mustFit(spec, "SalesOrderCompleteDto", order);
  order.Id = id;
  order.SalesOrderNo = c.nextSalesOrderNo++;
  order.CreatedDateTimeOffset = order.LastChangedDateTimeOffset = c.stamp();
  const record = { dto: order, createdBy };
  c.salesOrders.set(id, record);
  if (str(order.ExternalImportReference)) c.orderReferences.set(order.ExternalImportReference as string, id);
  return record;
}

export function getSalesOrder(c: Client, id: string): SalesOrderRecord {
  const o = c.salesOrders.get(id.toLowerCase());
  if (!o) throw notFound(`Sales order ${id}`);
  return o;
}

/** SalesOrderDto (no lines) or SalesOrderCompleteDto, as the caller's integration sees it. */
export function orderOut(o: SalesOrderRecord, applicationKey: string, withLines: boolean): JsonObject {
  const { SalesOrderLines, ...header } = o.dto;
  const out: JsonObject = { ...header, IsCreatedByCurrentIntegration: o.createdBy === applicationKey };
  if (withLines) out.SalesOrderLines = SalesOrderLines!;
  return out;
}

/** A confirmed order is locked: only its status can change (back to Draft unlocks it). */
export function patchSalesOrder(ctx: Ctx, id: string, ops: readonly PatchOperation[]): SalesOrderRecord {
  const { client: c, spec } = ctx;
  const record = getSalesOrder(c, id);
  const { SalesOrderLines, ...stored } = record.dto;
  const patched = patchDto(spec, "SalesOrderDto", stored, ops);
  const changed = Object.keys(patched).filter((k) => JSON.stringify(patched[k]) !== JSON.stringify(stored[k]));
  if (stored.SalesOrderStatus === "Confirmed" && changed.some((k) => k !== "SalesOrderStatus"))
    throw invalid([{ field: changed.find((k) => k !== "SalesOrderStatus")!, message: "cannot change on a Confirmed sales order; set SalesOrderStatus to Draft first." }]);
  const { reasons, customer } = headerReasons(c, patched, undefined, { id: stored.Id as string, customerId: stored.CustomerId ?? null });
  if (reasons.length > 0) throw invalid(reasons);
  const lines = SalesOrderLines as JsonObject[];
  for (const l of lines) priceLine(c, customer!, l); // another customer may be VAT free
  const next: JsonObject = { ...patched, SalesOrderLines: lines };
  totals(next);
  next.LastChangedDateTimeOffset = c.stamp();
  const oldRef = str(stored.ExternalImportReference);
  if (oldRef && oldRef !== next.ExternalImportReference) c.orderReferences.delete(oldRef);
  if (str(next.ExternalImportReference)) c.orderReferences.set(next.ExternalImportReference as string, stored.Id as string);
  record.dto = next;
  return record;
}

export function deleteSalesOrder(ctx: Ctx, id: string): void {
  const c = ctx.client;
  const record = getSalesOrder(c, id);
  c.salesOrders.delete(record.dto.Id as string);
  if (str(record.dto.ExternalImportReference)) c.orderReferences.delete(record.dto.ExternalImportReference as string);
  for (const [aid, a] of c.attachments) if (a.dto.SalesOrderId === record.dto.Id) c.attachments.delete(aid);
}

// ---------------------------------------------------------------- attachments

export interface UploadedFile {
  name: string;
  type: string;
  data: Buffer;
}

export function addAttachment(ctx: Ctx, orderId: string, file: UploadedFile): AttachmentRecord {
  const c = ctx.client;
  const order = getSalesOrder(c, orderId);
  if (file.data.length === 0) throw invalid([{ field: "file", message: "the file is empty." }]);
  const stamp = c.stamp();
  const record: AttachmentRecord = {
    dto: {
      Id: c.ids.next(),
      SalesOrderId: order.dto.Id!,
      FileName: file.name,
      FileSize: file.data.length,
      CreatedDateTimeOffset: stamp,
      LastChangedDateTimeOffset: stamp,
    },
    data: file.data,
    contentType: file.type || "application/octet-stream",
  };
  c.attachments.set(record.dto.Id as number, record);
  return record;
}

export function attachmentsOf(c: Client, orderId: string): AttachmentRecord[] {
  return [...c.attachments.values()].filter((a) => a.dto.SalesOrderId === orderId.toLowerCase());
}

export function getAttachment(c: Client, orderId: string, id: number): AttachmentRecord {
  getSalesOrder(c, orderId);
  const a = c.attachments.get(id);
  if (!a || a.dto.SalesOrderId !== orderId.toLowerCase()) throw notFound(`Attachment ${id} of sales order ${orderId}`);
  return a;
}

// ---------------------------------------------------------------- sending and invoices

/** KID (Norwegian payment reference): the invoice number with a MOD10 (Luhn) check digit. */
function kid(invoiceNo: number): string {
  const digits = String(invoiceNo).padStart(7, "0");
  let sum = 0;
  [...digits].reverse().forEach((d, i) => {
    let n = Number(d) * (i % 2 === 0 ? 2 : 1);
    if (n > 9) n -= 9;
    sum += n;
  });
  return `${digits}${(10 - (sum % 10)) % 10}`;
}

/**
 * What Go does when a user sends a sales order from the GUI: the order
 * becomes an outgoing invoice with the same Id (so IsCreatedByCurrentIntegration
 * is false for every integration: a user sent it), dated `voucherDate`.
 */
export function sendSalesOrder(ctx: Ctx, id: string, voucherDate?: string): InvoiceRecord {
  const { client: c, spec, settings } = ctx;
  const order = getSalesOrder(c, id).dto;
  const lines = order.SalesOrderLines as JsonObject[];
  if (!lines.some((l) => l.LineType === "Normal"))
    throw invalid([{ field: "SalesOrderLines", message: "a sales order needs at least one Normal line to be sent." }]);
  const customer = c.customers.get(order.CustomerId as number)!;
  const date = voucherDate ?? dateOf(c.now());
  const term = num(order.PaymentTerm) ?? num(customer.PaymentTerm) ?? settings.defaultPaymentTermDays;
  const stamp = c.stamp();
  const invoiceNo = c.nextInvoiceNo++;
  const total = num(order.TotalAmount)!;
  const copied = Object.fromEntries(
    [
      "BrandingThemeCode", "BrandingThemeId", "ContractNo", "CurrencyCode", "CurrencyExchangeRate", "CustomMatchingReference",
      "CustomerId", "CustomerNo", "CustomerReference", "CustomerReferenceContactPersonId", "DeliveryDate", "DeliveryTerm",
      "DeliveryTermId", "DepartmentCode", "DepartmentId", "Dim1Code", "Dim1Id", "Dim2Code", "Dim2Id", "Dim3Code", "Dim3Id",
      "ExternalImportReference", "ImportedOrderNo", "LocationCode", "LocationId", "NetAmount", "PaymentTermId", "ProjectCode",
      "ProjectId", "PurchaseOrderReference", "RelatedInvoiceNo", "TotalAmount",
    ].map((k) => [k, order[k] ?? null]),
  );
  const invoice: JsonObject = {
    ...blank(spec, "OutgoingInvoiceDto"),
    ...copied,
    Id: order.Id!,
    InvoiceNo: invoiceNo,
    VoucherNo: c.nextVoucherNo++,
    VoucherDate: date,
    VoucherType: total < 0 ? "OutgoingCreditNote" : "OutgoingInvoice",
    OrderNo: order.SalesOrderNo!,
    OrderDate: order.SalesOrderDate ?? date,
    DeliveryDate: order.DeliveryDate ?? date,
    DueDate: addDays(date, term),
    PaymentTerm: term,
    Cid: kid(invoiceNo),
    InvoiceDeliveryType: customer.InvoiceDeliveryType ?? "PdfByEmail",
    NetPostedAmount: order.NetAmount!,
    TotalPostedAmount: total,
    Balance: total,
    BalanceLastChangedDateTimeOffset: stamp,
    IsReversed: false,
    SentDateTimeOffset: stamp,
    CreatedDateTimeOffset: order.CreatedDateTimeOffset!,
    LastChangedDateTimeOffset: stamp,
  };
  const invoiceLines = lines.map((l) => {
    const account = l.LineType === "Normal" ? lineAccount(c, customer, l) : undefined;
    const fromLine = Object.fromEntries(
      [
        "Allowance", "DepartmentCode", "DepartmentId", "Description", "Dim1Code", "Dim1Id", "Dim2Code", "Dim2Id", "Dim3Code",
        "Dim3Id", "ExternalImportReference", "LineType", "LocationCode", "LocationId", "NetAmount", "ProductCode", "ProductId",
        "ProductUnitCost", "ProjectCode", "ProjectId", "Quantity", "SellersReferenceEmployeeId", "SellersReferenceEmployeeNo",
        "SortOrder", "TotalAmount", "UnitOfMeasureCode", "VatAmount", "VatCode", "VatId", "VatReturnSpecification",
      ].map((k) => [k, l[k] ?? null]),
    );
    return {
      ...blank(spec, "OutgoingInvoiceLineDto"),
      ...fromLine,
      Id: c.ids.next(),
      AccountId: account?.Id ?? null,
      AccountNo: account?.AccountNo ?? null,
      ProductUnitPrice: l.ProductUnitPrice ?? 0,
      VatRate: l.VatRate ?? 0,
      NetPostedAmount: l.NetAmount!,
      TotalPostedAmount: l.TotalAmount!,
      IsAccrued: l.Accrual !== null && typeof l.Accrual === "object" && (l.Accrual as JsonObject).IsActive === true,
    } as JsonObject;
  });
  const record: InvoiceRecord = { dto: invoice, lines: invoiceLines, createdBy: null };
  c.salesOrders.delete(order.Id as string);
  c.invoices.set(order.Id as string, record);
  return record;
}

export function getInvoice(c: Client, id: string): InvoiceRecord {
  const i = c.invoices.get(id.toLowerCase());
  if (!i) throw notFound(`Outgoing invoice ${id}`);
  return i;
}

export const invoiceOut = (i: InvoiceRecord, applicationKey: string): JsonObject => ({
  ...i.dto,
  IsCreatedByCurrentIntegration: i.createdBy === applicationKey,
});

/**
 * A payment registered by the bookkeeper: the whole balance without an
 * amount, else part of it. Balance moves towards 0 and
 * BalanceLastChangedDateTimeOffset moves; LastChangedDateTimeOffset does not
 * (the spec: a sent invoice's own data does not change).
 */
export function registerPayment(ctx: Ctx, invoiceId: string, amount?: number): InvoiceRecord {
  const c = ctx.client;
  const inv = getInvoice(c, invoiceId);
  const balance = num(inv.dto.Balance) ?? 0;
  if (balance === 0) throw invalid([{ field: "Amount", message: `invoice ${String(inv.dto.InvoiceNo)} is already paid.` }]);
  const pay = amount ?? Math.abs(balance);
  if (!(pay > 0)) throw invalid([{ field: "Amount", message: "must be more than 0." }]);
  if (round2(pay) > Math.abs(balance))
    throw invalid([{ field: "Amount", message: `${pay.toFixed(2)} is more than the balance ${Math.abs(balance).toFixed(2)}.` }]);
  inv.dto.Balance = round2(balance - Math.sign(balance) * pay);
  inv.dto.BalanceLastChangedDateTimeOffset = c.stamp();
  inv.dto.MatchId ??= c.ids.next();
  return inv;
}
