/**
 * Bulk data for load tests (`POST /__admin/generate`): Norwegian customers,
 * suppliers, products and sent invoices made with faker, deterministic per
 * seed, through the same domain code as API calls.
 */
import { z } from "zod";
import { createContact } from "./contacts";
import type { Ctx } from "./dto";
import { createProduct } from "./products";
import { createSalesOrder, registerPayment, sendSalesOrder } from "./sales";
import type { Client } from "./store";
import type { JsonObject, Settings } from "./types";
import type { Spec } from "./spec";

const count = z.number().int().min(0).max(1_000_000).default(0);

export const GenerateSchema = z
  .object({
    /** id, name or client key; default the first client */
    client: z.string().optional(),
    customers: count,
    suppliers: count,
    products: count,
    /** sent invoices for generated or existing customers and products (a third paid, a third partly paid) */
    invoices: count,
    seed: z.number().int().default(42),
    /** stamp the records evenly over this many past days (the newest a day ago) instead of now */
    spreadOverDays: z.number().positive().max(36_500).optional(),
  })
  .strict();

export async function generate(spec: Spec, settings: Settings, client: Client, opts: z.output<typeof GenerateSchema>): Promise<JsonObject> {
  const { Faker, nb_NO, en, base } = await import("@faker-js/faker");
  const faker = new Faker({ locale: [nb_NO, en, base] });
  faker.seed(opts.seed);
  const ctx: Ctx = { client, spec, settings };
  const started = Date.now();

  const run = () => {
    for (let i = 0; i < opts.customers; i++) {
      const address = { AddressLine1: faker.location.streetAddress(), ZipCode: faker.location.zipCode("####"), City: faker.location.city(), CountryCode: "NO" };
      const person = i % 4 === 3;
      const first = faker.person.firstName();
      const last = faker.person.lastName();
      createContact(ctx, "customer", {
        ...(person
          ? { IsPerson: true, FirstName: first, LastName: last }
          : { Name: faker.company.name().slice(0, 100), OrganizationNumber: faker.string.numeric(9) }),
        EmailAddress: faker.internet.email({ firstName: first, lastName: last }).toLowerCase(),
        PhoneNumber: faker.phone.number(),
        MailAddress: address,
      });
    }
    for (let i = 0; i < opts.suppliers; i++)
      createContact(ctx, "supplier", {
        Name: faker.company.name().slice(0, 100),
        OrganizationNumber: faker.string.numeric(9),
        EmailAddress: faker.internet.email().toLowerCase(),
        PhoneNumber: faker.phone.number(),
      });
    for (let i = 0; i < opts.products; i++) {
      const price = Number(faker.commerce.price({ min: 50, max: 5000 }));
      createProduct(ctx, {
        Code: `GEN-${opts.seed}-${client.products.size + 1}`,
        Name: faker.commerce.productName(),
        Description: faker.commerce.productDescription(),
        UnitPrice: price,
        UnitCost: Math.round(price * 0.6 * 100) / 100,
        UnitOfMeasureCode: "EA",
      });
    }
    if (opts.invoices > 0) {
      const customers = [...client.customers.values()].filter((c) => c.IsActive === true);
      const products = [...client.products.values()].filter((p) => p.IsArchived !== true);
      if (customers.length === 0 || products.length === 0) throw new Error("invoices need at least one active customer and one product");
      const today = client.now();
      for (let i = 0; i < opts.invoices; i++) {
        const customer = faker.helpers.arrayElement(customers);
        const lines = Array.from({ length: faker.number.int({ min: 1, max: 3 }) }, () => ({
          ProductId: faker.helpers.arrayElement(products).Id as number,
          Quantity: faker.number.int({ min: 1, max: 10 }),
        }));
        const order = createSalesOrder(ctx, { CustomerId: customer.Id as number, SalesOrderLines: lines }, null);
        const voucherDate = new Date(today.getTime() - faker.number.int({ min: 1, max: 120 }) * 86_400_000).toISOString().slice(0, 10);
        const invoice = sendSalesOrder(ctx, order.dto.Id as string, voucherDate);
        const total = invoice.dto.TotalAmount as number;
        if (i % 3 === 0) registerPayment(ctx, invoice.dto.Id as string);
        else if (i % 3 === 1 && total > 1) registerPayment(ctx, invoice.dto.Id as string, Math.round(total * 50) / 100);
      }
    }
  };

  // an invoice takes up to three stamps: the order, sending it, a payment
  const total = opts.customers + opts.suppliers + opts.products + opts.invoices * 3;
  if (opts.spreadOverDays !== undefined && total > 0) {
    const spanMs = opts.spreadOverDays * 86_400_000;
    client.backdated(new Date(started - 86_400_000 - spanMs), spanMs / total, run);
  } else run();

  return {
    client: client.id,
    customers: client.customers.size,
    suppliers: client.suppliers.size,
    products: client.products.size,
    outgoingInvoices: client.invoices.size,
    ms: Date.now() - started,
  };
}
