/**
 * Products, product groups and general ledger accounts.
 *
 * A product has no VAT of its own: its sales account (on the product, else
 * on its group, else the client's default sales account) carries a VatCode.
 * References are given by id or by code/number; the id wins when both are
 * given, and the other one is filled in.
 */
import { assignKnown, blank, mustFit, num, patchDto, str, type Ctx } from "./dto";
import type { PatchOperation } from "./jsonpatch";
import { invalid, notFound, Refusal } from "./problem";
import type { Client } from "./store";
import type { JsonObject, Reason } from "./types";

// ---------------------------------------------------------------- general ledger accounts

export function accountByNo(c: Client, accountNo: number): JsonObject | undefined {
  for (const a of c.accounts.values()) if (a.AccountNo === accountNo) return a;
  return undefined;
}

/** The account type by the Norwegian standard chart (NS 4102): 1 assets, 20 equity, 2 liabilities, 3 income, 4–8 expenses. */
function accountType(accountNo: number): string {
  if (accountNo < 2000) return "Asset";
  if (accountNo < 2100) return "Equity";
  if (accountNo < 3000) return "Liability";
  if (accountNo < 4000) return "Income";
  return "Expense";
}

/** Fills VatCode from VatCodeId, or (on create, where VatCode is an input) the id from the code. */
function resolveVatCode(c: Client, rec: JsonObject, reasons: Reason[], codeIsInput: boolean): void {
  const id = num(rec.VatCodeId);
  const code = codeIsInput ? str(rec.VatCode) : undefined;
  if (id !== undefined) {
    const v = c.vatCodes.get(id);
    if (!v) reasons.push({ field: "VatCodeId", message: `there is no VAT code with id ${id}.` });
    else rec.VatCode = v.Code!;
  } else if (code !== undefined) {
    const v = [...c.vatCodes.values()].find((x) => x.Code === code);
    if (!v) reasons.push({ field: "VatCode", message: `there is no VAT code '${code}'.` });
    else rec.VatCodeId = v.Id!;
  } else reasons.push({ field: "VatCode", message: "VatCode or VatCodeId must be supplied." });
}

export function createAccount(ctx: Ctx, body: JsonObject): JsonObject {
  const { client: c, spec } = ctx;
  const rec = assignKnown(spec, "GeneralLedgerAccountDto", blank(spec, "GeneralLedgerAccountDto"), body);
  const reasons: Reason[] = [];
  const no = num(body.AccountNo);
  if (no === undefined) reasons.push({ field: "AccountNo", message: "is required." });
  else if (accountByNo(c, no)) reasons.push({ field: "AccountNo", message: `account ${no} already exists.` });
  if (!str(rec.Name)?.trim()) reasons.push({ field: "Name", message: "is required." });
  resolveVatCode(c, rec, reasons, true);
  if (reasons.length > 0) throw invalid(reasons);
  rec.AccountNo = no!;
  rec.GeneralLedgerAccountType = accountType(no!);
  rec.IsActive = rec.IsActive !== false;
  mustFit(spec, "GeneralLedgerAccountDto", rec);
  rec.Id = c.ids.next();
  rec.LastChangedDateTimeOffset = c.stamp();
  c.accounts.set(rec.Id, rec);
  return rec;
}

export function getAccount(c: Client, id: number): JsonObject {
  const a = c.accounts.get(id);
  if (!a) throw notFound(`General ledger account ${id}`);
  return a;
}

export function patchAccount(ctx: Ctx, id: number, ops: readonly PatchOperation[]): JsonObject {
  const { client: c, spec } = ctx;
  const patched = patchDto(spec, "GeneralLedgerAccountDto", getAccount(c, id), ops);
  const reasons: Reason[] = [];
  if (!str(patched.Name)?.trim()) reasons.push({ field: "Name", message: "is required." });
  resolveVatCode(c, patched, reasons, false); // VatCode is read-only in the DTO: the id decides
  if (reasons.length > 0) throw invalid(reasons);
  patched.LastChangedDateTimeOffset = c.stamp();
  c.accounts.set(id, patched);
  return patched;
}

// ---------------------------------------------------------------- sales accounts on products and groups

const SALES_ACCOUNTS = [
  ["StandardSalesAccount", "StandardSalesAccountId"],
  ["OptionalSalesAccount", "OptionalSalesAccountId"],
] as const;

/**
 * Fills the account number from the id, or (on create, where the number is
 * an input; the DTO has it read-only) the id from the number.
 */
function resolveSalesAccounts(c: Client, rec: JsonObject, reasons: Reason[], numbersAreInput: boolean): void {
  for (const [noField, idField] of SALES_ACCOUNTS) {
    const id = num(rec[idField]);
    const no = numbersAreInput ? num(rec[noField]) : undefined;
    if (id !== undefined) {
      const a = c.accounts.get(id);
      if (!a) reasons.push({ field: idField, message: `there is no general ledger account with id ${id}.` });
      else rec[noField] = a.AccountNo!;
    } else if (no !== undefined) {
      const a = accountByNo(c, no);
      if (!a) reasons.push({ field: noField, message: `there is no general ledger account ${no}.` });
      else rec[idField] = a.Id!;
    } else rec[noField] = null;
  }
}

function groupCodeTaken(c: Client, code: string, selfId: number | undefined): boolean {
  for (const g of c.productGroups.values()) if (g.Id !== selfId && str(g.Code)?.toLowerCase() === code.toLowerCase()) return true;
  return false;
}

/** Keeps the product code index in step (`next` undefined = deleted). */
function reindexProduct(c: Client, previous: JsonObject | undefined, next: JsonObject | undefined): void {
  const oldCode = str(previous?.Code)?.toLowerCase();
  const newCode = str(next?.Code)?.toLowerCase();
  if (oldCode && oldCode !== newCode) c.productCodes.delete(oldCode);
  if (newCode) c.productCodes.set(newCode, (next!.Id as number));
}

// ---------------------------------------------------------------- product groups

function groupReasons(c: Client, rec: JsonObject, selfId: number | undefined): Reason[] {
  const creating = selfId === undefined;
  const reasons: Reason[] = [];
  const code = str(rec.Code);
  if (code !== undefined && groupCodeTaken(c, code, selfId))
    reasons.push({ field: "Code", message: `product group code '${code}' is already used.` });
  resolveSalesAccounts(c, rec, reasons, creating);
  return reasons;
}

export function createProductGroup(ctx: Ctx, body: JsonObject): JsonObject {
  const { client: c, spec } = ctx;
  const rec = assignKnown(spec, "ProductGroupDto", blank(spec, "ProductGroupDto"), body);
  rec.ProductType ??= "Product";
  rec.IsArchived = rec.IsArchived === true;
  const reasons = groupReasons(c, rec, undefined);
  if (reasons.length > 0) throw invalid(reasons);
  mustFit(spec, "ProductGroupDto", rec);
  rec.Id = c.ids.next();
  rec.CreatedDateTimeOffset = rec.LastChangedDateTimeOffset = c.stamp();
  c.productGroups.set(rec.Id, rec);
  return rec;
}

export function getProductGroup(c: Client, id: number): JsonObject {
  const g = c.productGroups.get(id);
  if (!g) throw notFound(`Product group ${id}`);
  return g;
}

export function patchProductGroup(ctx: Ctx, id: number, ops: readonly PatchOperation[]): JsonObject {
  const { client: c, spec } = ctx;
  const patched = patchDto(spec, "ProductGroupDto", getProductGroup(c, id), ops);
  const reasons = groupReasons(c, patched, id);
  if (reasons.length > 0) throw invalid(reasons);
  patched.LastChangedDateTimeOffset = c.stamp();
  c.productGroups.set(id, patched);
  for (const p of c.products.values()) if (p.ProductGroupId === id) p.ProductGroupCode = patched.Code ?? null;
  return patched;
}

export function deleteProductGroup(ctx: Ctx, id: number): void {
  const c = ctx.client;
  getProductGroup(c, id);
  if ([...c.products.values()].some((p) => p.ProductGroupId === id))
    throw new Refusal(409, `Product group ${id} cannot be deleted: products belong to it.`);
  c.productGroups.delete(id);
}

// ---------------------------------------------------------------- products

function productReasons(c: Client, rec: JsonObject, selfId: number | undefined): Reason[] {
  const creating = selfId === undefined;
  const reasons: Reason[] = [];
  if (!str(rec.Name)?.trim()) reasons.push({ field: "Name", message: "is required." });
  const code = str(rec.Code);
  const holder = code === undefined ? undefined : c.productCodes.get(code.toLowerCase());
  if (holder !== undefined && holder !== selfId)
    reasons.push({ field: "Code", message: `product code '${code}' is already used.` });
  const groupId = num(rec.ProductGroupId);
  const groupCode = creating ? str(rec.ProductGroupCode) : undefined; // read-only in the DTO: on a patch the id decides
  if (groupId === undefined && !creating) rec.ProductGroupCode = null;
  if (groupId !== undefined) {
    const g = c.productGroups.get(groupId);
    if (!g) reasons.push({ field: "ProductGroupId", message: `there is no product group with id ${groupId}.` });
    else rec.ProductGroupCode = g.Code ?? null;
  } else if (groupCode !== undefined) {
    const g = [...c.productGroups.values()].find((x) => x.Code === groupCode);
    if (!g) reasons.push({ field: "ProductGroupCode", message: `there is no product group '${groupCode}'.` });
    else rec.ProductGroupId = g.Id!;
  }
  if (rec.IsStockItem !== true && num(rec.StockOnHand) !== undefined && rec.StockOnHand !== 0)
    reasons.push({ field: "StockOnHand", message: "cannot be set on a product that is not a stock item (IsStockItem)." });
  resolveSalesAccounts(c, rec, reasons, creating);
  return reasons;
}

export function createProduct(ctx: Ctx, body: JsonObject): JsonObject {
  const { client: c, spec } = ctx;
  const rec = assignKnown(spec, "ProductDto", blank(spec, "ProductDto"), body);
  // without a group the product goes to the client's default group: the first one
  if (num(rec.ProductGroupId) === undefined && str(rec.ProductGroupCode) === undefined) {
    const first = c.productGroups.values().next().value;
    if (first) rec.ProductGroupId = first.Id!;
  }
  rec.ProductType ??= "Product";
  rec.IsArchived = rec.IsArchived === true;
  rec.IsStockItem = rec.IsStockItem === true;
  const reasons = productReasons(c, rec, undefined);
  if (reasons.length > 0) throw invalid(reasons);
  mustFit(spec, "ProductDto", rec);
  rec.Id = c.ids.next();
  rec.CreatedDateTimeOffset = rec.LastChangedDateTimeOffset = c.stamp();
  if (rec.IsStockItem) {
    rec.StockOnHand = num(rec.StockOnHand) ?? 0;
    rec.StockAvailable = rec.StockOnHand;
    rec.StockOnHandLastChangedDatetimeOffset = rec.CreatedDateTimeOffset;
  }
  c.products.set(rec.Id, rec);
  reindexProduct(c, undefined, rec);
  return rec;
}

export function getProduct(c: Client, id: number): JsonObject {
  const p = c.products.get(id);
  if (!p) throw notFound(`Product ${id}`);
  return p;
}

/** A change of stock alone moves StockOnHandLastChangedDatetimeOffset, not LastChangedDateTimeOffset (the spec). */
export function patchProduct(ctx: Ctx, id: number, ops: readonly PatchOperation[]): JsonObject {
  const { client: c, spec } = ctx;
  const stored = getProduct(c, id);
  const patched = patchDto(spec, "ProductDto", stored, ops);
  const reasons = productReasons(c, patched, id);
  if (reasons.length > 0) throw invalid(reasons);
  const changed = Object.keys(patched).filter((k) => JSON.stringify(patched[k]) !== JSON.stringify(stored[k]));
  if (changed.includes("StockOnHand")) {
    patched.StockAvailable = patched.StockOnHand ?? null;
    patched.StockOnHandLastChangedDatetimeOffset = c.stamp();
  }
  if (changed.some((k) => k !== "StockOnHand" && k !== "StockAvailable")) patched.LastChangedDateTimeOffset = c.stamp();
  c.products.set(id, patched);
  reindexProduct(c, stored, patched);
  return patched;
}

export function deleteProduct(ctx: Ctx, id: number): void {
  const c = ctx.client;
  const stored = getProduct(c, id);
  const onOrder = [...c.salesOrders.values()].some((o) => (o.dto.SalesOrderLines as JsonObject[]).some((l) => l.ProductId === id));
  const onInvoice = [...c.invoices.values()].some((i) => i.lines.some((l) => l.ProductId === id));
  if (onOrder || onInvoice) throw new Refusal(409, `Product ${id} cannot be deleted: it is used on sales orders or invoices.`);
  c.products.delete(id);
  reindexProduct(c, stored, undefined);
}
