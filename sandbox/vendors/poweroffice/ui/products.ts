/** Products and product groups; archiving and restoring a product. */
import { patchProduct } from "../products";
import { Refusal } from "../problem";
import type { Reason } from "../types";
import { html } from "../../../shared/html";
import { actionButton, newestFirst, text, type UiResult } from "../../../shared/ui-layout";
import { caption, domainCtx, errorSummary, href, layout, nok, notFoundPage, when, type UiContext } from "./layout";

export function productsList(c: UiContext, reasons: Reason[] = [], message?: string): UiResult {
  const { shown, total } = newestFirst(c.client.products.values());
  const groups = [...c.client.productGroups.values()];
  const body = html`${errorSummary(reasons, message)}
<table>
${caption("Products", shown.length, total)}
<thead><tr><th scope="col">Code</th><th scope="col">Name</th><th scope="col">Group</th><th scope="col">Type</th><th scope="col">Unit</th><th scope="col">Unit price</th><th scope="col">Unit cost</th><th scope="col">Sales account</th><th scope="col">Archived</th><th scope="col">Last changed</th><th scope="col">Actions</th></tr></thead>
<tbody>
${shown.map((p) => {
  const archived = p.IsArchived === true;
  const name = text(p.Name);
  return html`<tr><th scope="row">${text(p.Code)}</th><td>${name}</td><td>${text(p.ProductGroupCode)}</td><td>${text(p.ProductType)}</td><td>${text(p.UnitOfMeasureCode)}</td>
<td class="num">${nok(p.UnitPrice)}</td><td class="num">${nok(p.UnitCost)}</td><td>${text(p.StandardSalesAccount)}</td><td>${archived ? html`<strong>yes</strong>` : "no"}</td>
<td>${when(p.LastChangedDateTimeOffset)}</td>
<td>${actionButton(href(c.client, `/products/${String(p.Id)}/archived`), archived ? "Restore" : "Archive", { archived: String(!archived) }, `${archived ? "Restore" : "Archive"} ${name}`)}</td></tr>`;
})}
${shown.length === 0 ? html`<tr><td colspan="11">No products.</td></tr>` : ""}
</tbody>
</table>
<table>
${caption("Product groups", groups.length, groups.length)}
<thead><tr><th scope="col">Code</th><th scope="col">Name</th><th scope="col">Type</th><th scope="col">Unit</th><th scope="col">Sales account</th><th scope="col">Archived</th></tr></thead>
<tbody>
${groups.map(
  (g) => html`<tr><th scope="row">${text(g.Code)}</th><td>${text(g.Name)}</td><td>${text(g.ProductType)}</td><td>${text(g.UnitOfMeasureCode)}</td><td>${text(g.StandardSalesAccount)}</td><td>${g.IsArchived === true ? "yes" : "no"}</td></tr>`,
)}
</tbody>
</table>`;
  return { status: reasons.length > 0 || message ? 400 : 200, page: layout(c, "products", "Products", body) };
}

export function productSetArchived(c: UiContext, id: string): UiResult {
  if (!c.client.products.has(Number(id))) return notFoundPage(c, "products", `Product ${id}`);
  const archived = c.form.get("archived") === "true";
  try {
    patchProduct(domainCtx(c), Number(id), [{ op: "replace", path: "/IsArchived", value: archived }]);
  } catch (e) {
    if (e instanceof Refusal) return productsList(c, e.reasons, e.message);
    throw e;
  }
  return { redirect: href(c.client, "/products", { notice: archived ? "archived" : "restored" }) };
}
