// The invoice / sales-order document (application/pdf), made from the activity's data.

import { PDFDocument, StandardFonts, rgb, type PDFFont, type PDFPage } from "pdf-lib";
import type { Rec, Store, Tenant } from "./store";

/** Helvetica (WinAnsi) cannot draw every character; replace what it cannot. */
function safe(s: unknown): string {
  const str = s == null ? "" : String(s);
  return str.replace(/[^\x20-\x7e\u00a0-\u00ff\u20ac]/g, "?");
}

const money = (n: unknown) => (typeof n === "number" ? n.toFixed(2) : "0.00");

export async function activityPdf(store: Store, t: Tenant, act: Rec): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const isInvoice = act.def.set === "Activity_Invoice";
  doc.setTitle(`${isInvoice ? "Factuur" : "Verkooporder"} ${safe(act.f.Number)}`);
  doc.setProducer("Sandbox CRM");
  doc.setCreator("Sandbox CRM");
  // fixed dates keep the document stable for the same data
  doc.setCreationDate(new Date(act.created));
  doc.setModificationDate(new Date(act.modified));
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  let page = doc.addPage([595.28, 841.89]);
  let y = 800;
  const text = (p: PDFPage, s: string, x: number, yy: number, f: PDFFont = font, size = 10) =>
    p.drawText(safe(s), { x, y: yy, size, font: f, color: rgb(0.1, 0.1, 0.1) });

  const own = [...store.table(t, "Relation_Organization").rows.values()].find((r) => r.f.IsOwnOrganization === true);
  const addressLines = (rel: Rec | undefined): string[] => {
    const id = rel && (rel.r.InvoiceAddress ?? rel.r.VisitingAddress ?? rel.r.PostalAddress);
    const addr = id ? t.byId.get(id) : undefined;
    if (!addr) return [];
    const f = addr.f;
    const country = addr.r.Country ? t.byId.get(addr.r.Country) : undefined;
    return [
      [f.Street, f.HouseNumber, f.HouseNumberAddition].filter(Boolean).join(" "),
      [f.Postalcode, f.City].filter(Boolean).join(" "),
      String(country?.f.Name ?? ""),
    ].filter((l) => l.trim() !== "");
  };

  text(page, own ? store.nameOf(t, own) : t.name, 50, y, bold, 14);
  y -= 16;
  for (const l of addressLines(own)) {
    text(page, l, 50, y);
    y -= 12;
  }
  if (own?.f.VatNumber) {
    text(page, `BTW: ${String(own.f.VatNumber)}`, 50, y);
    y -= 12;
  }
  y -= 20;
  text(page, isInvoice ? "FACTUUR" : "VERKOOPORDER", 50, y, bold, 18);
  y -= 28;
  const relationship = act.r.Relationship ? t.byId.get(act.r.Relationship) : undefined;
  const customer = relationship?.r.Relation ? t.byId.get(relationship.r.Relation) : undefined;
  text(page, "Aan:", 50, y, bold);
  text(page, `Nummer: ${safe(act.f.Number)}`, 330, y);
  y -= 12;
  text(page, customer ? store.nameOf(t, customer) : "-", 50, y);
  text(page, `Datum: ${safe(isInvoice ? act.f.InvoiceDate : act.f.OrderDate)}`, 330, y);
  y -= 12;
  const custLines = addressLines(customer);
  const right = [
    relationship?.f.DebtorNumber ? `Debiteurnummer: ${String(relationship.f.DebtorNumber)}` : "",
    `Betalingstermijn: ${safe(act.f.PaymentTermInDays)} dagen`,
    act.f.Subject ? `Onderwerp: ${String(act.f.Subject)}` : "",
  ].filter(Boolean);
  for (let i = 0; i < Math.max(custLines.length, right.length); i++) {
    if (custLines[i]) text(page, custLines[i]!, 50, y);
    if (right[i]) text(page, right[i]!, 330, y);
    y -= 12;
  }
  y -= 20;
  const cols = [50, 290, 345, 410, 460, 510];
  const header = ["Omschrijving", "Aantal", "Prijs", "Korting", "BTW %", "Totaal"];
  header.forEach((h, i) => text(page, h, cols[i]!, y, bold));
  y -= 6;
  page.drawLine({ start: { x: 50, y }, end: { x: 545, y }, thickness: 0.5 });
  y -= 14;
  for (const line of store.children(t, act, "ProductLines")) {
    if (y < 80) {
      page = doc.addPage([595.28, 841.89]);
      y = 800;
    }
    const desc = safe(line.f.Description).slice(0, 45);
    text(page, desc, cols[0]!, y);
    text(page, String(line.f.Quantity ?? ""), cols[1]!, y);
    text(page, money(line.f.Price), cols[2]!, y);
    text(page, `${Number(line.f.DiscountPercentage ?? 0)}%`, cols[3]!, y);
    text(page, `${Number(line.f.VatPercentage ?? 0)}%`, cols[4]!, y);
    text(page, money(line.f.TotalExcludingVat), cols[5]!, y);
    y -= 14;
  }
  y -= 6;
  page.drawLine({ start: { x: 330, y }, end: { x: 545, y }, thickness: 0.5 });
  y -= 16;
  const cur = safe(act.f.Currency ?? "EUR");
  const totals = store.activityTotals(t, act);
  for (const [label, v] of [
    ["Totaal excl. BTW", totals.excludingVat],
    ["BTW", totals.vat],
    ["Totaal incl. BTW", totals.includingVat],
  ] as const) {
    text(page, label, 330, y, label.startsWith("Totaal incl") ? bold : font);
    text(page, `${cur} ${money(v)}`, 470, y, label.startsWith("Totaal incl") ? bold : font);
    y -= 14;
  }
  return doc.save();
}
