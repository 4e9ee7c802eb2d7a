/**
 * Sales orders (invoice drafts): the list, one order with its lines and
 * attachments, and sending it as an invoice, as a user does in Go.
 */
import { Refusal } from "../problem";
import { attachmentsOf, sendSalesOrder } from "../sales";
import { dateOf } from "../time";
import type { JsonObject, Reason } from "../types";
import { html } from "../../../shared/html";
import { newestFirst, text, type UiResult } from "../../../shared/ui-layout";
import { caption, domainCtx, errorSummary, href, layout, nok, notFoundPage, when, type UiContext } from "./layout";

export function ordersList(c: UiContext): UiResult {
  const { shown, total } = newestFirst(c.client.salesOrders.values());
  const body = html`<table>
${caption("Sales orders", shown.length, total)}
<thead><tr><th scope="col">Order no</th><th scope="col">Customer</th><th scope="col">Status</th><th scope="col">External import reference</th><th scope="col">Created by</th><th scope="col">Lines</th><th scope="col">Total</th><th scope="col">Last changed</th></tr></thead>
<tbody>
${shown.map(
  (o) => html`<tr><th scope="row"><a href="${href(c.client, `/sales-orders/${String(o.dto.Id)}`)}">${text(o.dto.SalesOrderNo)}</a></th>
<td>${text(o.dto.CustomerNo)} ${text(c.client.customers.get(o.dto.CustomerId as number)?.Name)}</td><td>${text(o.dto.SalesOrderStatus)}</td>
<td>${text(o.dto.ExternalImportReference)}</td><td>${o.createdBy ? "integration" : "user"}</td><td class="num">${text(o.dto.LineCount)}</td>
<td class="num">${nok(o.dto.TotalAmount)}</td><td>${when(o.dto.LastChangedDateTimeOffset)}</td></tr>`,
)}
${shown.length === 0 ? html`<tr><td colspan="8">No sales orders.</td></tr>` : ""}
</tbody>
</table>`;
  return { status: 200, page: layout(c, "orders", "Sales orders", body) };
}

export function orderShow(c: UiContext, id: string, errors: Reason[] = [], message?: string): UiResult {
  const order = c.client.salesOrders.get(id.toLowerCase());
  if (!order) return notFoundPage(c, "orders", `Sales order ${id}`);
  const d = order.dto;
  const lines = d.SalesOrderLines as JsonObject[];
  const attachments = attachmentsOf(c.client, String(d.Id));
  const body = html`${errorSummary(errors, message)}
<dl>
<dt>Order no</dt><dd>${text(d.SalesOrderNo)}</dd>
<dt>Customer</dt><dd>${text(d.CustomerNo)} ${text(c.client.customers.get(d.CustomerId as number)?.Name)}</dd>
<dt>Status</dt><dd>${text(d.SalesOrderStatus)}</dd>
<dt>Order date</dt><dd>${text(d.SalesOrderDate)}</dd>
<dt>Payment term (days)</dt><dd>${text(d.PaymentTerm)}</dd>
<dt>Customer reference</dt><dd>${text(d.CustomerReference)}</dd>
<dt>External import reference</dt><dd>${text(d.ExternalImportReference)}</dd>
<dt>Net amount</dt><dd>${nok(d.NetAmount)}</dd>
<dt>Total amount</dt><dd>${nok(d.TotalAmount)}</dd>
</dl>
<h2>Send as invoice</h2>
<form method="post" action="${href(c.client, `/sales-orders/${String(d.Id)}/send`)}">
<div class="field"><label for="voucher-date">Invoice date</label> <input type="date" id="voucher-date" name="VoucherDate" value="${dateOf(c.client.now())}"></div>
<button type="submit">Send invoice</button>
</form>
<table>
${caption("Lines", lines.length, lines.length)}
<thead><tr><th scope="col">Product</th><th scope="col">Description</th><th scope="col">Quantity</th><th scope="col">Unit</th><th scope="col">Unit price</th><th scope="col">Allowance %</th><th scope="col">VAT code</th><th scope="col">Net</th><th scope="col">Total</th></tr></thead>
<tbody>
${lines.map(
  (l) => html`<tr><th scope="row">${text(l.ProductCode)}</th><td>${text(l.Description)}</td><td class="num">${text(l.Quantity)}</td><td>${text(l.UnitOfMeasureCode)}</td>
<td class="num">${nok(l.ProductUnitPrice)}</td><td class="num">${text(l.Allowance)}</td><td>${text(l.VatCode)}</td><td class="num">${nok(l.NetAmount)}</td><td class="num">${nok(l.TotalAmount)}</td></tr>`,
)}
</tbody>
</table>
<h2>Attachments</h2>
${attachments.length === 0 ? html`<p>No attachments.</p>` : html`<ul>${attachments.map((a) => html`<li><a href="/__admin/attachments/${String(a.dto.Id)}">${text(a.dto.FileName)}</a> (${text(a.dto.FileSize)} bytes)</li>`)}</ul>`}`;
  return { status: errors.length > 0 || message ? 400 : 200, page: layout(c, "orders", `Sales order ${text(d.SalesOrderNo)}`, body) };
}

export function orderSend(c: UiContext, id: string): UiResult {
  const date = c.form.get("VoucherDate") ?? "";
  if (date !== "" && !/^\d{4}-\d{2}-\d{2}$/.test(date)) return orderShow(c, id, [{ field: "VoucherDate", message: "must be a date (YYYY-MM-DD)." }]);
  if (!c.client.salesOrders.has(id.toLowerCase())) return notFoundPage(c, "orders", `Sales order ${id}`);
  try {
    sendSalesOrder(domainCtx(c), id, date || undefined);
  } catch (e) {
    if (e instanceof Refusal) return orderShow(c, id, e.reasons, e.message);
    throw e;
  }
  return { redirect: href(c.client, `/invoices/${id.toLowerCase()}`, { notice: "sent" }) };
}
