/**
 * Handlers of the simulated `/v2` operations, keyed by "METHOD /path" as the
 * spec names them. The request is already authenticated, authorised and
 * valid against the spec; handlers apply the filters and business rules.
 */
import { createContact, createContactPerson, contactOut, deleteContact, deleteContactPerson, getContact, getContactPerson, patchContact, patchContactPerson, type Role } from "./contacts";
import type { Ctx } from "./dto";
import { parsePatch, PatchError, type PatchOperation } from "./jsonpatch";
import { after, bool, csv, listResponse, numberRanges, where } from "./listing";
import { invalid } from "./problem";
import {
  createAccount,
  createProduct,
  createProductGroup,
  deleteProduct,
  deleteProductGroup,
  getAccount,
  getProduct,
  getProductGroup,
  patchAccount,
  patchProduct,
  patchProductGroup,
} from "./products";
import {
  addAttachment,
  attachmentsOf,
  createSalesOrder,
  deleteSalesOrder,
  getAttachment,
  getInvoice,
  getSalesOrder,
  invoiceOut,
  orderOut,
  patchSalesOrder,
  type UploadedFile,
} from "./sales";
import { dateOf } from "./time";
import type { ApiResponse, JsonObject, JsonValue } from "./types";

export interface ApiCtx extends Ctx {
  params: Record<string, string>;
  query: Record<string, string>;
  /** the parsed JSON body; undefined without one */
  body: unknown;
  /** the `file` part of a multipart upload */
  file?: UploadedFile;
  /** the integration calling (its application key) */
  applicationKey: string;
}

type Handler = (c: ApiCtx) => ApiResponse;

const ok = (body: unknown, status = 200): ApiResponse => ({ status, body });
const done: ApiResponse = { status: 200 };
const idParam = (c: ApiCtx, name = "id") => Number(c.params[name]);
const bodyObject = (c: ApiCtx): JsonObject => (c.body ?? {}) as JsonObject;

function patchOps(c: ApiCtx): PatchOperation[] {
  try {
    return parsePatch(c.body);
  } catch (e) {
    if (e instanceof PatchError) throw invalid([{ field: e.index >= 0 ? `[${e.index}]` : "body", message: e.message }]);
    throw e;
  }
}

/** "1, 2,3" as numbers; a part that is not one is refused. */
function ids(param: string, value: string | undefined): Set<number> | undefined {
  const parts = csv(value);
  if (!parts) return undefined;
  const out = new Set<number>();
  for (const p of parts) {
    if (!/^\d+$/.test(p)) throw invalid([{ field: param, message: `'${p}' is not an id.` }]);
    out.add(Number(p));
  }
  return out;
}

/** Exact match on any of a comma list (case-insensitive), for code and name filters. */
function oneOf(value: string | undefined): ((v: JsonValue | undefined) => boolean) | undefined {
  const parts = csv(value)?.map((s) => s.toLowerCase());
  return parts && ((v) => typeof v === "string" && parts.includes(v.toLowerCase()));
}

/** The spec's project filter: codes, where "-1" means "no project". */
function projectFilter(value: string | undefined): ((v: JsonValue | undefined) => boolean) | undefined {
  const parts = csv(value);
  return parts && ((v) => (v === null || v === undefined ? parts.includes("-1") : parts.includes(String(v))));
}

function contactHandlers(role: Role, path: "/Customers" | "/Suppliers"): Record<string, Handler> {
  const records = (c: ApiCtx) => (role === "customer" ? c.client.customers : c.client.suppliers);
  const prefix = role === "customer" ? "customer" : "supplier";
  return {
    [`GET ${path}`]: (c) => {
      const q = c.query;
      const groups = ids("contactGroupIds", q.contactGroupIds);
      const numbers = numberRanges(`${prefix}Nos`, q[`${prefix}Nos`]);
      const externalNos = numberRanges("externalNos", q.externalNos);
      const created = after(`${prefix}CreatedDateTimeOffsetGreaterThan`, q[`${prefix}CreatedDateTimeOffsetGreaterThan`]);
      const changed = after("lastChangedDateTimeOffsetGreaterThan", q.lastChangedDateTimeOffsetGreaterThan);
      const ref = q.externalImportReference?.trim() ? q.externalImportReference : undefined;
      const createdField = role === "customer" ? "CustomerCreatedDateTimeOffset" : "SupplierCreatedDateTimeOffset";
      const rows = where(records(c).values(), [
        groups && ((r) => Array.isArray(r.ContactGroupIds) && r.ContactGroupIds.some((g) => groups.has(g as number))),
        numbers && ((r) => numbers(r.Number)),
        externalNos && ((r) => externalNos(r.ExternalNumber)),
        created && ((r) => created(r[createdField])),
        changed && ((r) => changed(r.LastChangedDateTimeOffset)),
        ref !== undefined && ((r) => r.ExternalImportReference === ref),
      ]);
      return listResponse(rows.map(contactOut), q, c.settings);
    },
    [`POST ${path}`]: (c) => ok(contactOut(createContact(c, role, bodyObject(c))), 201),
    [`GET ${path}/{id}`]: (c) => ok(contactOut(getContact(c.client, role, idParam(c)))),
    [`PATCH ${path}/{id}`]: (c) => ok(contactOut(patchContact(c, role, idParam(c), patchOps(c)))),
    [`DELETE ${path}/{id}`]: (c) => {
      deleteContact(c, role, idParam(c));
      return done;
    },
  };
}

export const handlers: Record<string, Handler> = {
  "GET /ClientIntegrationInformation": (c) =>
    ok({
      ClientId: c.client.info.id,
      ClientName: c.client.info.name,
      ValidPrivileges: c.client.info.validPrivileges,
      InvalidPrivileges: c.client.info.invalidPrivileges,
      ActiveClientSubscriptions: c.client.info.activeClientSubscriptions,
    }),

  ...contactHandlers("customer", "/Customers"),
  ...contactHandlers("supplier", "/Suppliers"),

  "GET /ContactPersons": (c) => {
    const q = c.query;
    const contacts = ids("contactIds", q.contactIds);
    const codes = oneOf(q.externalCodes);
    const created = after("createdDateTimeOffsetGreaterThan", q.createdDateTimeOffsetGreaterThan);
    const changed = after("lastChangedDateTimeOffsetGreaterThan", q.lastChangedDateTimeOffsetGreaterThan);
    const rows = where(c.client.contactPersons.values(), [
      contacts && ((r) => contacts.has(r.ContactId as number)),
      codes && ((r) => codes(r.ExternalCode)),
      created && ((r) => created(r.CreatedDateTimeOffset)),
      changed && ((r) => changed(r.LastChangedDateTimeOffset)),
    ]);
    return listResponse(rows, q, c.settings);
  },
  "POST /ContactPersons/{contactId}": (c) => ok(createContactPerson(c, idParam(c, "contactId"), bodyObject(c)), 201),
  "GET /ContactPersons/{contactId}/{id}": (c) => ok(getContactPerson(c.client, idParam(c, "contactId"), idParam(c))),
  "PATCH /ContactPersons/{contactId}/{id}": (c) => ok(patchContactPerson(c, idParam(c, "contactId"), idParam(c), patchOps(c))),
  "DELETE /ContactPersons/{contactId}/{id}": (c) => {
    deleteContactPerson(c, idParam(c, "contactId"), idParam(c));
    return done;
  },

  "GET /Products": (c) => {
    const q = c.query;
    const codes = oneOf(q.codes);
    const names = oneOf(q.names);
    const groups = oneOf(q.productGroupCodes);
    const archived = bool(q.isArchived);
    const created = after("createdDateTimeOffsetGreaterThan", q.createdDateTimeOffsetGreaterThan);
    const changed = after("lastChangedDateTimeOffsetGreaterThan", q.lastChangedDateTimeOffsetGreaterThan);
    const stock = after("stockOnHandLastChangedDatetimeOffsetGreaterThan", q.stockOnHandLastChangedDatetimeOffsetGreaterThan);
    const rows = where(c.client.products.values(), [
      codes && ((r) => codes(r.Code)),
      names && ((r) => names(r.Name)),
      groups && ((r) => groups(r.ProductGroupCode)),
      archived !== undefined && ((r) => (r.IsArchived === true) === archived),
      q.type !== undefined && ((r) => r.ProductType === q.type),
      created && ((r) => created(r.CreatedDateTimeOffset)),
      changed && ((r) => changed(r.LastChangedDateTimeOffset)),
      stock && ((r) => stock(r.StockOnHandLastChangedDatetimeOffset)),
    ]);
    return listResponse(rows, q, c.settings);
  },
  // the spec answers a created product with 200 (not 201)
  "POST /Products": (c) => ok(createProduct(c, bodyObject(c))),
  "GET /Products/{id}": (c) => ok(getProduct(c.client, idParam(c))),
  "PATCH /Products/{id}": (c) => ok(patchProduct(c, idParam(c), patchOps(c))),
  "DELETE /Products/{id}": (c) => {
    deleteProduct(c, idParam(c));
    return done;
  },

  "GET /ProductGroups": (c) => {
    const q = c.query;
    const codes = oneOf(q.codes);
    const names = oneOf(q.names);
    const archived = bool(q.isArchived);
    const created = after("createdDateTimeOffsetGreaterThan", q.createdDateTimeOffsetGreaterThan);
    const changed = after("lastChangedDateTimeOffsetGreaterThan", q.lastChangedDateTimeOffsetGreaterThan);
    const rows = where(c.client.productGroups.values(), [
      codes && ((r) => codes(r.Code)),
      names && ((r) => names(r.Name)),
      archived !== undefined && ((r) => (r.IsArchived === true) === archived),
      q.type !== undefined && ((r) => r.ProductType === q.type),
      created && ((r) => created(r.CreatedDateTimeOffset)),
      changed && ((r) => changed(r.LastChangedDateTimeOffset)),
    ]);
    return listResponse(rows, q, c.settings);
  },
  "POST /ProductGroups": (c) => ok(createProductGroup(c, bodyObject(c)), 201),
  "GET /ProductGroups/{id}": (c) => ok(getProductGroup(c.client, idParam(c))),
  "PATCH /ProductGroups/{id}": (c) => ok(patchProductGroup(c, idParam(c), patchOps(c))),
  "DELETE /ProductGroups/{id}": (c) => {
    deleteProductGroup(c, idParam(c));
    return done;
  },

  "GET /VatCodes": (c) => {
    const today = dateOf(c.client.now());
    const includeExpired = bool(c.query.includeExpired) === true;
    const active = bool(c.query.isActive);
    const rows = where(c.client.vatCodes.values(), [
      !includeExpired && ((r) => typeof r.ValidTo !== "string" || r.ValidTo >= today),
      active !== undefined && ((r) => (r.IsActive === true) === active),
    ]);
    return listResponse(rows, c.query, c.settings);
  },

  "GET /GeneralLedgerAccounts": (c) => {
    const q = c.query;
    const numbers = numberRanges("accountNos", q.accountNos);
    const departments = oneOf(q.agricultureDepartments);
    const changed = after("lastChangedDateTimeOffsetGreaterThan", q.lastChangedDateTimeOffsetGreaterThan);
    const rows = where(c.client.accounts.values(), [
      numbers && ((r) => numbers(r.AccountNo)),
      departments && ((r) => departments(r.AgricultureDepartment)),
      changed && ((r) => changed(r.LastChangedDateTimeOffset)),
    ]);
    return listResponse(rows, q, c.settings);
  },
  "POST /GeneralLedgerAccounts": (c) => ok(createAccount(c, bodyObject(c)), 201),
  "GET /GeneralLedgerAccounts/{id}": (c) => ok(getAccount(c.client, idParam(c))),
  "PATCH /GeneralLedgerAccounts/{id}": (c) => ok(patchAccount(c, idParam(c), patchOps(c))),

  // showInherited and includeSubProject are accepted; the simulator keeps no inherited values or sub-projects
  "GET /SalesOrders": (c) => {
    const q = c.query;
    const customers = numberRanges("customerNos", q.customerNos);
    const departments = oneOf(q.departmentCodes);
    const projects = projectFilter(q.projectCodes);
    const changed = after("lastChangedDateTimeOffsetGreaterThan", q.lastChangedDateTimeOffsetGreaterThan);
    const onlyMine = bool(q.onlyCreatedByCurrentIntegration) === true;
    const rows = where(c.client.salesOrders.values(), [
      customers && ((o) => customers(o.dto.CustomerNo)),
      departments && ((o) => departments(o.dto.DepartmentCode)),
      projects && ((o) => projects(o.dto.ProjectCode)),
      changed && ((o) => changed(o.dto.LastChangedDateTimeOffset)),
      q.orderStatus !== undefined && ((o) => o.dto.SalesOrderStatus === q.orderStatus),
      onlyMine && ((o) => o.createdBy === c.applicationKey),
    ]);
    return listResponse(rows.map((o) => orderOut(o, c.applicationKey, false)), q, c.settings);
  },
  "POST /SalesOrders/Complete": (c) => ok(orderOut(createSalesOrder(c, bodyObject(c), c.applicationKey), c.applicationKey, true), 201),
  "GET /SalesOrders/{id}": (c) => ok(orderOut(getSalesOrder(c.client, c.params.id!), c.applicationKey, false)),
  "GET /SalesOrders/{id}/Complete": (c) => ok(orderOut(getSalesOrder(c.client, c.params.id!), c.applicationKey, true)),
  "PATCH /SalesOrders/{id}": (c) => ok(orderOut(patchSalesOrder(c, c.params.id!, patchOps(c)), c.applicationKey, false)),
  "DELETE /SalesOrders/{id}": (c) => {
    deleteSalesOrder(c, c.params.id!);
    return done;
  },
  "GET /SalesOrders/{id}/Lines": (c) =>
    listResponse(getSalesOrder(c.client, c.params.id!).dto.SalesOrderLines as JsonObject[], c.query, c.settings),

  "GET /SalesOrders/{salesOrderId}/attachments": (c) => {
    getSalesOrder(c.client, c.params.salesOrderId!);
    return listResponse(attachmentsOf(c.client, c.params.salesOrderId!).map((a) => a.dto), c.query, c.settings);
  },
  "POST /SalesOrders/{salesOrderId}/attachments": (c) => {
    if (!c.file) throw invalid([{ field: "file", message: "is required: send the file as multipart/form-data in a part named 'file'." }]);
    return ok(addAttachment(c, c.params.salesOrderId!, c.file).dto, 201);
  },
  "GET /SalesOrders/{salesOrderId}/attachments/{id}": (c) => {
    const a = getAttachment(c.client, c.params.salesOrderId!, idParam(c));
    return { status: 200, bytes: { data: a.data, contentType: a.contentType, fileName: String(a.dto.FileName) } };
  },
  "DELETE /SalesOrders/{salesOrderId}/attachments/{id}": (c) => {
    getAttachment(c.client, c.params.salesOrderId!, idParam(c));
    c.client.attachments.delete(idParam(c));
    return done;
  },

  "GET /OutgoingInvoices": (c) => {
    const q = c.query;
    const balanceChanged = after("balanceLastChangedDateTimeOffsetGreaterThan", q.balanceLastChangedDateTimeOffsetGreaterThan);
    const sent = after("sentDateTimeOffsetGreaterThan", q.sentDateTimeOffsetGreaterThan);
    const customers = numberRanges("customerNos", q.customerNos);
    const invoiceNos = numberRanges("invoiceNos", q.invoiceNos);
    const voucherNos = numberRanges("voucherNos", q.voucherNos);
    const invoiceIds = csv(q.invoiceIds)?.map((s) => s.toLowerCase());
    const matching = oneOf(q.customMatchingReferences);
    const departments = oneOf(q.departmentCodes);
    const projects = projectFilter(q.projectCodes);
    const onlyMine = bool(q.onlyCreatedByCurrentIntegration) === true;
    const onlyUnpaid = bool(q.onlyUnpaidInvoices) === true;
    const rows = where(c.client.invoices.values(), [
      balanceChanged && ((i) => balanceChanged(i.dto.BalanceLastChangedDateTimeOffset)),
      sent && ((i) => sent(i.dto.SentDateTimeOffset)),
      customers && ((i) => customers(i.dto.CustomerNo)),
      invoiceNos && ((i) => invoiceNos(i.dto.InvoiceNo)),
      voucherNos && ((i) => voucherNos(i.dto.VoucherNo)),
      invoiceIds && ((i) => invoiceIds.includes(String(i.dto.Id))),
      matching && ((i) => matching(i.dto.CustomMatchingReference)),
      departments && ((i) => departments(i.dto.DepartmentCode)),
      projects && ((i) => projects(i.dto.ProjectCode)),
      q.fromDate !== undefined && ((i) => String(i.dto.VoucherDate) >= q.fromDate!),
      q.toDate !== undefined && ((i) => String(i.dto.VoucherDate) <= q.toDate!),
      onlyMine && ((i) => i.createdBy === c.applicationKey),
      onlyUnpaid && ((i) => i.dto.Balance !== 0),
    ]);
    return listResponse(rows.map((i) => invoiceOut(i, c.applicationKey)), q, c.settings);
  },
  "GET /OutgoingInvoices/{id}": (c) => ok(invoiceOut(getInvoice(c.client, c.params.id!), c.applicationKey)),
  "GET /OutgoingInvoices/{id}/Lines": (c) => listResponse(getInvoice(c.client, c.params.id!).lines, c.query, c.settings),
};

/** The operations the simulator serves ("METHOD /path"); the spec is pruned to these. */
export const SERVED_OPERATIONS = Object.keys(handlers);
