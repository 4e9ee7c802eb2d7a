/**
 * The seed file (`seed.json`): the deployment's keys, the standard VAT codes
 * and the demo clients with their records. Records are post bodies in the
 * spec's shape (checked against the spec's post DTOs) and go through the
 * same domain code as API calls; their timestamps start at the client's
 * `seededFrom` and lie a minute apart.
 */
import { readFileSync } from "node:fs";
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { createContact, createContactPerson } from "./contacts";
import { blank, type Ctx } from "./dto";
import { Refusal } from "./problem";
import { createAccount, createProduct, createProductGroup } from "./products";
import { createSalesOrder, registerPayment, sendSalesOrder } from "./sales";
import type { Spec } from "./spec";
import { Client, type Clock, type IdSequence } from "./store";
import type { JsonObject, Settings } from "./types";

const record = z.record(z.string(), z.unknown());
const records = z.array(record).default([]);
const series = z
  .object({ from: z.number().int().positive(), to: z.number().int().positive() })
  .refine((s) => s.from <= s.to, { message: "from must not be above to" });

const contact = z.looseObject({ contactPersons: records });

export const ClientSeedSchema = z.object({
  id: z.uuid().optional(),
  name: z.string().min(1),
  environment: z.enum(["production", "demo"]).default("production"),
  /** the client key the client's administrator creates when activating the integration */
  clientKey: z.string().min(1).optional(),
  activeClientSubscriptions: z.array(z.string()).default([]),
  /** default: every privilege the simulated operations use, less invalidPrivileges */
  validPrivileges: z.array(z.string()).optional(),
  invalidPrivileges: z.array(z.string()).default([]),
  customerNumberSeries: series.default({ from: 10000, to: 19999 }),
  supplierNumberSeries: series.default({ from: 20000, to: 29999 }),
  defaultSalesAccountNo: z.number().int().default(3000),
  seededFrom: z.iso.datetime({ offset: true }).default("2024-01-02T08:00:00Z"),
  generalLedgerAccounts: records,
  productGroups: records,
  products: records,
  /** CustomerPostDto + contactPersons (ContactPersonPostDto[]) + alsoSupplier (SupplierPostDto: the same contact is a supplier too) */
  customers: z.array(contact.extend({ alsoSupplier: record.optional() })).default([]),
  /** SupplierPostDto + contactPersons */
  suppliers: z.array(contact).default([]),
  /** SalesOrderCompletePostDto; seeded orders count as made by a user, not by the integration */
  salesOrders: records,
  /** a sales order the bookkeeper sent on voucherDate, and payments on it */
  outgoingInvoices: z
    .array(z.object({ salesOrder: record, voucherDate: z.iso.date(), payments: z.array(z.number().positive()).default([]) }))
    .default([]),
});
export type ClientSeed = z.input<typeof ClientSeedSchema>;

const SeedSchema = z.object({
  /** the deployment's integration (one ApplicationKey) */
  applicationKey: z.string().min(1),
  applicationName: z.string().min(1),
  /** subscription keys of the developer product; the rate limit counts per key */
  subscriptionKeys: z.array(z.string().min(1)).min(1),
  /** VatCodeDto records every client has (Go's standard SAF-T codes) */
  vatCodes: records,
  clients: z.array(ClientSeedSchema),
});
export type SeedFile = z.input<typeof SeedSchema>;

export class SeedError extends Error {}

export function parseSeed(data: unknown): z.output<typeof SeedSchema> {
  const r = SeedSchema.safeParse(data);
  if (!r.success) throw new SeedError(`invalid PowerOffice seed: ${r.error.message}`);
  return r.data;
}

export function readSeedFile(path: string): z.output<typeof SeedSchema> {
  return parseSeed(JSON.parse(readFileSync(path, "utf8")));
}

export interface BuildDeps {
  spec: Spec;
  settings: Settings;
  ids: IdSequence;
  clock: Clock;
  vatCodes: Array<Record<string, unknown>>;
}

export function buildClient(raw: ClientSeed, deps: BuildDeps): Client {
  const parsed = ClientSeedSchema.safeParse(raw);
  if (!parsed.success) throw new SeedError(`invalid client seed: ${parsed.error.message}`);
  const s = parsed.data;
  const id = (s.id ?? randomUUID()).toLowerCase();
  const invalid = s.invalidPrivileges;
  const client = new Client(
    {
      id,
      name: s.name,
      environment: s.environment,
      clientKey: s.clientKey ?? `client-key-${id}`,
      activeClientSubscriptions: s.activeClientSubscriptions,
      validPrivileges: s.validPrivileges ?? deps.spec.privileges().filter((p) => !invalid.includes(p)),
      invalidPrivileges: invalid,
      customerSeries: s.customerNumberSeries,
      supplierSeries: s.supplierNumberSeries,
      defaultSalesAccountNo: s.defaultSalesAccountNo,
    },
    deps.ids,
    deps.clock,
  );
  const ctx: Ctx = { client, spec: deps.spec, settings: deps.settings };

  /** Runs one seed record through the spec's post schema and the domain, naming it when it fails. */
  const step = <T>(what: string, body: Record<string, unknown> | undefined, postSchema: string | undefined, fn: () => T): T => {
    const reasons = body && postSchema ? deps.spec.check(postSchema, body) : [];
    if (reasons.length > 0) throw new SeedError(`seed of ${s.name}, ${what}: ${reasons.map((r) => `${r.field} ${r.message}`).join("; ")}`);
    try {
      return fn();
    } catch (e) {
      if (e instanceof Refusal) throw new SeedError(`seed of ${s.name}, ${what}: ${e.message}`);
      throw e;
    }
  };

  client.backdated(new Date(s.seededFrom), 60_000, () => {
    for (const v of deps.vatCodes) {
      const reasons = deps.spec.check("VatCodeDto", v);
      if (reasons.length > 0 || typeof v.Id !== "number")
        throw new SeedError(`seed VAT code ${String(v.Code)}: ${reasons.map((r) => `${r.field} ${r.message}`).join("; ") || "Id is required"}`);
      client.vatCodes.set(v.Id, { ...blank(deps.spec, "VatCodeDto"), ...(v as JsonObject) });
    }
    for (const a of s.generalLedgerAccounts)
      step(`account ${String(a.AccountNo)}`, a, "GeneralLedgerAccountPostDto", () => createAccount(ctx, a as JsonObject));
    for (const g of s.productGroups)
      step(`product group ${String(g.Code)}`, g, "ProductGroupPostDto", () => createProductGroup(ctx, g as JsonObject));
    for (const p of s.products) step(`product ${String(p.Code)}`, p, "ProductPostDto", () => createProduct(ctx, p as JsonObject));
    for (const { contactPersons, alsoSupplier, ...body } of s.customers) {
      const what = `customer ${String(body.Name ?? body.LastName)}`;
      const customer = step(what, body, "CustomerPostDto", () => createContact(ctx, "customer", body as JsonObject));
      if (alsoSupplier)
        step(`${what} as supplier`, alsoSupplier, "SupplierPostDto", () =>
          createContact(ctx, "supplier", alsoSupplier as JsonObject, customer.Id as number),
        );
      for (const p of contactPersons)
        step(`${what}, contact person`, p, "ContactPersonPostDto", () => createContactPerson(ctx, customer.Id as number, p as JsonObject));
    }
    for (const { contactPersons, ...body } of s.suppliers) {
      const what = `supplier ${String(body.Name ?? body.LastName)}`;
      const supplier = step(what, body, "SupplierPostDto", () => createContact(ctx, "supplier", body as JsonObject));
      for (const p of contactPersons)
        step(`${what}, contact person`, p, "ContactPersonPostDto", () => createContactPerson(ctx, supplier.Id as number, p as JsonObject));
    }
    for (const o of s.salesOrders)
      step(`sales order ${String(o.ExternalImportReference ?? "")}`, o, "SalesOrderCompletePostDto", () =>
        createSalesOrder(ctx, o as JsonObject, null),
      );
    for (const inv of s.outgoingInvoices)
      step(`invoice of ${inv.voucherDate}`, inv.salesOrder, "SalesOrderCompletePostDto", () => {
        const order = createSalesOrder(ctx, inv.salesOrder as JsonObject, null);
        const sent = sendSalesOrder(ctx, order.dto.Id as string, inv.voucherDate);
        for (const amount of inv.payments) registerPayment(ctx, sent.dto.Id as string, amount);
      });
  });
  return client;
}
