import { describe, expect, it } from "vitest";
import { RecordRejectedError } from "@/lib/sync/types";
import { documentFileName, invoiceFromTribe, salesOrderFromTribe, tribeInvoice, tribeSalesOrder, type TribeInvoice } from "./activities";

const inv = tribeInvoice.parse({
  ID: "i1",
  Number: "2026-0001",
  Subject: "Implementatie",
  CreationDate: "2026-01-14T09:00:00.000Z",
  InvoiceDate: "2026-01-15",
  PaymentTermInDays: 30,
  Amount: 1545,
  Currency: "EUR",
  IsVatIncluded: false,
  DiscountPercentage: 0,
  IsPaid: false,
  Relationship: { ID: "cust1", _Type: "Relationship.Organization.CommercialRelationship.Customer", PaymentTermInDays: 21, Relation: { ID: "r1", _Type: "Relation.Organization" } },
  Contact: null,
  Phase: { ID: "ph", Code: "Sent", Name: "Verstuurd" },
  Subscription: { ID: "sub1" },
  ProductLines: [
    {
      ID: "l1",
      Description: "Consultancy",
      Quantity: 12,
      Price: 95,
      DiscountPercentage: 0,
      VatPercentage: 21,
      TotalExcludingVat: 1140,
      VatAmount: 239.4,
      TotalIncludingVat: 1379.4,
      Product: { ID: "p1", ProductGroup: { ID: "pg1", Name: "Diensten" }, Unit: { ID: "u1", Name: "Uur", Code: "HUR" } },
      VatGroup: { ID: "vg21", Percentage: 21 },
    },
    {
      ID: "l2",
      Description: "Installatie",
      Quantity: 1,
      Price: 450,
      DiscountPercentage: 10,
      VatPercentage: 21,
      TotalExcludingVat: 405,
      VatAmount: 85.05,
      TotalIncludingVat: 490.05,
      Product: null,
      VatGroup: null,
    },
  ],
});

/** the invoice as a CRM without the undocumented fields sends it */
function withoutAssumedFields(e: TribeInvoice): TribeInvoice {
  const { InvoiceDate: _d, PaymentTermInDays: _t, IsPaid: _p, Subscription: _s, ...rest } = e;
  return rest as TribeInvoice;
}

describe("invoiceFromTribe", () => {
  it("maps an invoice: the customer through its Relationship, totals from Amount and the lines", () => {
    const { record, phase } = invoiceFromTribe(inv);
    expect(phase).toBe("Sent");
    expect(record.number).toBe("2026-0001");
    expect(record.data).toMatchObject({
      number: "2026-0001",
      relationId: "r1",
      date: "2026-01-15",
      paymentTermDays: 30,
      subscriptionId: "sub1",
      totalExcludingVat: 1545,
      vatAmount: 324.45,
      totalIncludingVat: 1869.45,
      paid: false,
    });
    expect(record.data.lines[0]).toEqual({
      description: "Consultancy",
      productId: "p1",
      productGroupId: "pg1",
      quantity: 12,
      unitPrice: 95,
      discountPercentage: 0,
      vatGroupId: "vg21",
      vatPercentage: 21,
      totalExcludingVat: 1140,
      vatAmount: 239.4,
      // the product's unit, named as the product's own unit is
      unit: "Uur",
    });
    expect(record.data.lines[1]).toMatchObject({ productId: null, productGroupId: null, vatGroupId: null, discountPercentage: 10, unit: null });
  });

  it("falls back when the undocumented fields are absent: CreationDate, the relationship's payment term, the phase", () => {
    const { record } = invoiceFromTribe(withoutAssumedFields({ ...inv, Phase: { ID: "ph", Code: "Paid" } }));
    expect(record.data).toMatchObject({ date: "2026-01-14", paymentTermDays: 21, paid: true, subscriptionId: null });
    expect(invoiceFromTribe(withoutAssumedFields(inv)).record.data.paid).toBe(false);
  });

  it("gives the unit price without VAT when prices include VAT", () => {
    const { record } = invoiceFromTribe({ ...inv, IsVatIncluded: true, ProductLines: [{ ...inv.ProductLines![0]!, Price: 121 }] });
    expect(record.data.lines[0]!.unitPrice).toBe(100);
  });

  it("refuses a missing Amount or line total by name, never reading it as zero", () => {
    const rejected = (e: TribeInvoice) => {
      try {
        invoiceFromTribe(e);
      } catch (err) {
        expect(err).toBeInstanceOf(RecordRejectedError);
        return (err as RecordRejectedError).logMessage;
      }
      throw new Error("not rejected");
    };
    expect(rejected({ ...inv, Amount: null })).toEqual({
      key: "host.tribe.documentTotalMissing",
      params: { document: "invoice", number: "2026-0001", field: "Amount" },
    });
    const { Amount: _a, ...withoutAmount } = inv;
    expect(rejected(withoutAmount as TribeInvoice).params?.field).toBe("Amount");
    const { VatAmount: _v, ...line } = inv.ProductLines![1]!;
    expect(rejected({ ...inv, ProductLines: [inv.ProductLines![0]!, line] }).params?.field).toBe("ProductLines[1].VatAmount");
  });

  it("rejects an invoice without lines or without customer", () => {
    expect(() => invoiceFromTribe({ ...inv, ProductLines: [] })).toThrow(RecordRejectedError);
    expect(() => invoiceFromTribe({ ...inv, Relationship: null })).toThrow(expect.objectContaining({ message: "host.tribe.documentWithoutCustomer" }));
    expect(() => invoiceFromTribe({ ...inv, Relationship: { ID: "x", Relation: null } })).toThrow(RecordRejectedError);
  });
});

describe("salesOrderFromTribe", () => {
  it("maps a sales order with its documented fields", () => {
    const { OrderDate: _o, ...order } = tribeSalesOrder.parse({
      ...withoutAssumedFields(inv),
      Number: "SO2026-0001",
      OrderDate: "2026-02-01T00:00:00Z",
      DeliveryDate: "2026-02-10",
      CustomerReference: "PO-77",
      ExternalOrderNumber: "EXT-1",
      Phase: { ID: "x", Code: "Linked" },
    });
    const { record, phase } = salesOrderFromTribe({ ...order, OrderDate: "2026-02-01T00:00:00Z" });
    expect(phase).toBe("Linked");
    expect(record.data).toMatchObject({ number: "SO2026-0001", date: "2026-02-01", deliveryDate: "2026-02-10", customerReference: "PO-77", paid: false, totalIncludingVat: 1869.45 });
    // without the (assumed) order date: the creation date
    expect(salesOrderFromTribe(order).record.data.date).toBe("2026-01-14");
  });
});

describe("documentFileName", () => {
  it("names the document file", () => {
    expect(documentFileName("factuur", "2026/0001")).toBe("factuur-2026_0001.pdf");
  });
});
