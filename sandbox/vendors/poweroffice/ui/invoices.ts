/**
 * Outgoing invoices: the list with balances, one invoice with its lines,
 * and registering a payment (all of the balance, or part of it).
 */
import { Refusal } from "../problem";
import { attachmentsOf, getInvoice, registerPayment } from "../sales";
import type { InvoiceRecord } from "../store";
import type { Reason } from "../types";
import { html, type Html } from "../../../shared/html";
import { newestFirst, text, type UiResult } from "../../../shared/ui-layout";
import { caption, domainCtx, errorSummary, href, layout, nok, notFoundPage, when, type UiContext } from "./layout";

function paymentForm(c: UiContext, inv: InvoiceRecord, back: "list" | "invoice"): Html {
  const id = String(inv.dto.Id);
  if (inv.dto.Balance === 0) return html`<span>Paid</span>`;
  const input = `amount-${id}`;
  return html`<form method="post" action="${href(c.client, `/invoices/${id}/payment`)}" class="inline">
<input type="hidden" name="back" value="${back}">
<label for="${input}">Amount for invoice ${text(inv.dto.InvoiceNo)} (empty = the whole balance)</label>
<input type="text" inputmode="decimal" id="${input}" name="Amount" size="10">
<button type="submit">Register payment</button>
</form>`;
}

export function invoicesList(c: UiContext, errors: Reason[] = [], message?: string): UiResult {
  const { shown, total } = newestFirst(c.client.invoices.values());
  const body = html`${errorSummary(errors, message)}
<table>
${caption("Outgoing invoices", shown.length, total)}
<thead><tr><th scope="col">Invoice no</th><th scope="col">Customer</th><th scope="col">Voucher date</th><th scope="col">Due</th><th scope="col">Total</th><th scope="col">Balance</th><th scope="col">Balance changed</th><th scope="col">Payment</th></tr></thead>
<tbody>
${shown.map((inv) => {
  const customer = c.client.customers.get(inv.dto.CustomerId as number);
  return html`<tr><th scope="row"><a href="${href(c.client, `/invoices/${String(inv.dto.Id)}`)}">${text(inv.dto.InvoiceNo)}</a></th>
<td>${text(inv.dto.CustomerNo)} ${text(customer?.Name)}</td><td>${text(inv.dto.VoucherDate)}</td><td>${text(inv.dto.DueDate)}</td>
<td class="num">${nok(inv.dto.TotalAmount)}</td><td class="num">${nok(inv.dto.Balance)}</td><td>${when(inv.dto.BalanceLastChangedDateTimeOffset)}</td>
<td>${paymentForm(c, inv, "list")}</td></tr>`;
})}
${shown.length === 0 ? html`<tr><td colspan="8">No outgoing invoices.</td></tr>` : ""}
</tbody>
</table>`;
  return { status: errors.length > 0 || message ? 400 : 200, page: layout(c, "invoices", "Outgoing invoices", body) };
}

export function invoiceShow(c: UiContext, id: string, errors: Reason[] = [], message?: string): UiResult {
  const inv = c.client.invoices.get(id.toLowerCase());
  if (!inv) return notFoundPage(c, "invoices", `Invoice ${id}`);
  const d = inv.dto;
  const customer = c.client.customers.get(d.CustomerId as number);
  const attachments = attachmentsOf(c.client, String(d.Id));
  const body = html`${errorSummary(errors, message)}
<dl>
<dt>Invoice no</dt><dd>${text(d.InvoiceNo)}</dd>
<dt>Customer</dt><dd>${text(d.CustomerNo)} ${text(customer?.Name)}</dd>
<dt>Voucher date</dt><dd>${text(d.VoucherDate)}</dd>
<dt>Due date</dt><dd>${text(d.DueDate)}</dd>
<dt>KID</dt><dd>${text(d.Cid)}</dd>
<dt>External import reference</dt><dd>${text(d.ExternalImportReference)}</dd>
<dt>Net amount</dt><dd>${nok(d.NetAmount)}</dd>
<dt>Total amount</dt><dd>${nok(d.TotalAmount)}</dd>
<dt>Balance</dt><dd>${nok(d.Balance)}</dd>
<dt>Balance last changed</dt><dd>${when(d.BalanceLastChangedDateTimeOffset)}</dd>
</dl>
<h2>Register a payment</h2>
<p>${paymentForm(c, inv, "invoice")}</p>
<table>
${caption("Lines", inv.lines.length, inv.lines.length)}
<thead><tr><th scope="col">Product</th><th scope="col">Description</th><th scope="col">Quantity</th><th scope="col">Unit price</th><th scope="col">Account</th><th scope="col">VAT code</th><th scope="col">Net</th><th scope="col">VAT</th><th scope="col">Total</th></tr></thead>
<tbody>
${inv.lines.map(
  (l) => html`<tr><th scope="row">${text(l.ProductCode)}</th><td>${text(l.Description)}</td><td class="num">${text(l.Quantity)}</td>
<td class="num">${nok(l.ProductUnitPrice)}</td><td>${text(l.AccountNo)}</td><td>${text(l.VatCode)}</td>
<td class="num">${nok(l.NetAmount)}</td><td class="num">${nok(l.VatAmount)}</td><td class="num">${nok(l.TotalAmount)}</td></tr>`,
)}
</tbody>
</table>
<h2>Attachments</h2>
${attachments.length === 0 ? html`<p>No attachments.</p>` : html`<ul>${attachments.map((a) => html`<li><a href="/__admin/attachments/${String(a.dto.Id)}">${text(a.dto.FileName)}</a> (${text(a.dto.FileSize)} bytes)</li>`)}</ul>`}`;
  return { status: errors.length > 0 || message ? 400 : 200, page: layout(c, "invoices", `Invoice ${text(d.InvoiceNo)}`, body) };
}

/** "1 234,50", "1234.50" or empty (the whole balance). */
function parseAmount(raw: string): number | undefined | "invalid" {
  const t = raw.replace(/[\s\u00a0]/g, "").replace(",", ".");
  if (t === "") return undefined;
  const n = Number(t);
  return Number.isFinite(n) && n > 0 ? n : "invalid";
}

export function invoicePay(c: UiContext, id: string): UiResult {
  const back = c.form.get("back") === "invoice" ? "invoice" : "list";
  const again = (errors: Reason[], message?: string) => (back === "invoice" ? invoiceShow(c, id, errors, message) : invoicesList(c, errors, message));
  const amount = parseAmount(c.form.get("Amount") ?? "");
  if (amount === "invalid") return again([{ field: "Amount", message: "must be a positive number (e.g. 1250,50) or empty for the whole balance." }]);
  try {
    const inv = getInvoice(c.client, id);
    registerPayment(domainCtx(c), String(inv.dto.Id), amount);
  } catch (e) {
    if (e instanceof Refusal) return again(e.reasons, e.message);
    throw e;
  }
  return { redirect: href(c.client, back === "invoice" ? `/invoices/${id}` : "", { notice: "paid" }) };
}
