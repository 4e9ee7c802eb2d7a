/**
 * Bulk data for load tests (`POST /__admin/generate`): Norwegian customers,
 * suppliers, products and sent invoices made with faker, deterministic per
 * seed, through the same domain code as API calls.
 */
import { z } from "zod";
import { createContact } from "./contacts";
import type { Ctx } from "./dto";
import { Refusal } from "./problem";
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
    /** of the customers generated, this many (spread evenly) are suppliers too: one contact Id, a supplier Number of its own */
    alsoSuppliers: count,
    suppliers: count,
    products: count,
    /** sent invoices for generated or existing customers and products (a third paid, a third partly paid) */
    invoices: count,
    seed: z.number().int().default(42),
    /** stamp the records evenly over this many past days (the newest a day ago) instead of now; stamps never go back before the client's latest one */
    spreadOverDays: z.number().positive().max(36_500).optional(),
  })
  .strict()
  .refine((o) => o.alsoSuppliers <= o.customers, { message: "alsoSuppliers cannot exceed customers", path: ["alsoSuppliers"] });

export async function generate(spec: Spec, settings: Settings, client: Client, opts: z.output<typeof GenerateSchema>): Promise<JsonObject> {
  const { Faker, nb_NO, en, base } = await import("@faker-js/faker");
  const faker = new Faker({ locale: [nb_NO, en, base] });
  faker.seed(opts.seed);
  const ctx: Ctx = { client, spec, settings };
  const started = Date.now();

  // with spreadOverDays, record n is stamped at start + n × step: the oldest first, the newest a day ago
  const records = opts.customers + opts.alsoSuppliers + opts.suppliers + opts.products + opts.invoices;
  const spanMs = (opts.spreadOverDays ?? 0) * 86_400_000;
  const start = client.now().getTime() - 86_400_000 - spanMs;
  let n = 0;
  const at = <T>(make: () => T): T =>
    opts.spreadOverDays === undefined ? make() : client.backdated(new Date(start + (spanMs * n++) / Math.max(1, records - 1)), 0, make);

  for (let i = 0; i < opts.customers; i++) {
    const address = { AddressLine1: faker.location.streetAddress(), ZipCode: faker.location.zipCode("####"), City: faker.location.city(), CountryCode: "NO" };
    const person = i % 4 === 3;
    const first = faker.person.firstName();
    const last = faker.person.lastName();
    const body = {
      ...(person ? { IsPerson: true, FirstName: first, LastName: last } : { Name: faker.company.name().slice(0, 100), OrganizationNumber: faker.string.numeric(9) }),
      EmailAddress: faker.internet.email({ firstName: first, lastName: last }).toLowerCase(),
      PhoneNumber: faker.phone.number(),
      MailAddress: address,
    };
    const customer = at(() => createContact(ctx, "customer", body));
    // customer i is a supplier too when the evenly spread count steps up at it (no dice: the faker sequence stays as it was)
    if (Math.floor(((i + 1) * opts.alsoSuppliers) / opts.customers) > Math.floor((i * opts.alsoSuppliers) / opts.customers))
      at(() => createContact(ctx, "supplier", {}, customer.Id as number));
  }
  for (let i = 0; i < opts.suppliers; i++) {
    const body = {
      Name: faker.company.name().slice(0, 100),
      OrganizationNumber: faker.string.numeric(9),
      EmailAddress: faker.internet.email().toLowerCase(),
      PhoneNumber: faker.phone.number(),
    };
    at(() => createContact(ctx, "supplier", body));
  }
  for (let i = 0; i < opts.products; i++) {
    const price = Number(faker.commerce.price({ min: 50, max: 5000 }));
    const body = {
      Code: `GEN-${opts.seed}-${client.products.size + 1}`,
      Name: faker.commerce.productName(),
      Description: faker.commerce.productDescription(),
      UnitPrice: price,
      UnitCost: Math.round(price * 0.6 * 100) / 100,
      UnitOfMeasureCode: "EA",
    };
    at(() => createProduct(ctx, body));
  }
  if (opts.invoices > 0) {
    const customers = [...client.customers.values()].filter((c) => c.IsActive === true);
    const products = [...client.products.values()].filter((p) => p.IsArchived !== true);
    if (customers.length === 0 || products.length === 0) throw new Refusal(400, "invoices need at least one active customer and one product.");
    const today = client.now().getTime();
    for (let i = 0; i < opts.invoices; i++) {
      const customer = faker.helpers.arrayElement(customers);
      const lines = Array.from({ length: faker.number.int({ min: 1, max: 3 }) }, () => ({
        ProductId: faker.helpers.arrayElement(products).Id as number,
        Quantity: faker.number.int({ min: 1, max: 10 }),
      }));
      const voucherDate = new Date(today - faker.number.int({ min: 1, max: 120 }) * 86_400_000).toISOString().slice(0, 10);
      at(() => {
        const order = createSalesOrder(ctx, { CustomerId: customer.Id as number, SalesOrderLines: lines }, null);
        const invoice = sendSalesOrder(ctx, order.dto.Id as string, voucherDate);
        const total = invoice.dto.TotalAmount as number;
        if (i % 3 === 0) registerPayment(ctx, invoice.dto.Id as string);
        else if (i % 3 === 1 && total > 1) registerPayment(ctx, invoice.dto.Id as string, Math.round(total * 50) / 100);
      });
    }
  }

  return {
    client: client.id,
    customers: client.customers.size,
    suppliers: client.suppliers.size,
    products: client.products.size,
    outgoingInvoices: client.invoices.size,
    ms: Date.now() - started,
  };
}
