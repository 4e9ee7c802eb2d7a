/**
 * In-memory state of one PowerOffice Go client (a company): its records as
 * the spec's DTOs (every declared property present, null when it has no
 * value, as .NET serialises them), number series and the timestamp clock.
 */
import { formatTicks, ticksOf, type Ticks } from "./time";
import type { Environment, JsonObject } from "./types";

export type Clock = () => Date;

/** int64 ids, unique across every client and record type, so an id used on the wrong client or endpoint is a 404. */
export class IdSequence {
  private last = 1000;
  next(): number {
    return ++this.last;
  }
}

export interface NumberSeries {
  from: number;
  to: number;
}

export interface SalesOrderRecord {
  /** SalesOrderCompleteDto without IsCreatedByCurrentIntegration (that depends on who asks) */
  dto: JsonObject;
  /** application key of the integration that created it; null when a user did */
  createdBy: string | null;
}

export interface InvoiceRecord {
  /** OutgoingInvoiceDto without IsCreatedByCurrentIntegration */
  dto: JsonObject;
  lines: JsonObject[];
  createdBy: string | null;
}

export interface AttachmentRecord {
  /** SalesOrderAttachmentDto */
  dto: JsonObject;
  data: Buffer;
  contentType: string;
}

export interface ClientInfo {
  id: string;
  name: string;
  environment: Environment;
  clientKey: string;
  activeClientSubscriptions: string[];
  validPrivileges: string[];
  invalidPrivileges: string[];
  customerSeries: NumberSeries;
  supplierSeries: NumberSeries;
  /** the sales account used when neither the product nor its group names one */
  defaultSalesAccountNo: number;
}

export class Client {
  readonly customers = new Map<number, JsonObject>();
  readonly suppliers = new Map<number, JsonObject>();
  /** contacts whose customer (or supplier) role a user deactivated while the contact stays active */
  readonly inactiveCustomerRoles = new Set<number>();
  readonly inactiveSupplierRoles = new Set<number>();
  readonly contactPersons = new Map<number, JsonObject>();
  readonly productGroups = new Map<number, JsonObject>();
  readonly products = new Map<number, JsonObject>();
  readonly vatCodes = new Map<number, JsonObject>();
  readonly accounts = new Map<number, JsonObject>();
  readonly salesOrders = new Map<string, SalesOrderRecord>();
  readonly invoices = new Map<string, InvoiceRecord>();
  /** attachments by id; they stay when their order becomes an invoice (same id) */
  readonly attachments = new Map<number, AttachmentRecord>();

  // indexes for the uniqueness rules, so bulk data (/__admin/generate) stays linear
  /** customer or supplier Number → contact id */
  readonly numbers = { customer: new Map<number, number>(), supplier: new Map<number, number>() };
  /** the highest Number handed out in each series */
  readonly maxNumber = { customer: 0, supplier: 0 };
  /** customer or supplier ExternalImportReference → contact id */
  readonly importReferences = { customer: new Map<string, number>(), supplier: new Map<string, number>() };
  /** product Code (lower case) → product id */
  readonly productCodes = new Map<string, number>();
  /** ExternalImportReference of a sales order (or the invoice it became) → its id */
  readonly orderReferences = new Map<string, string>();

  nextSalesOrderNo = 1;
  nextInvoiceNo = 1;
  nextVoucherNo = 1;

  private lastTicks: Ticks = 0n;
  /** while seeding or generating: the instant of the next stamp and the step between stamps */
  private backdating: { next: Ticks; step: Ticks } | undefined;

  constructor(
    public info: ClientInfo,
    readonly ids: IdSequence,
    private readonly clock: Clock,
  ) {}

  get id(): string {
    return this.info.id;
  }

  now(): Date {
    return this.clock();
  }

  /**
   * A LastChangedDateTimeOffset: the clock's time, but strictly after this
   * client's previous stamp, so `lastChanged…GreaterThan=<last seen>` never
   * misses a write made in the same instant.
   */
  stamp(): string {
    let t: Ticks;
    if (this.backdating) {
      t = this.backdating.next;
      this.backdating.next += this.backdating.step;
    } else t = ticksOf(this.clock());
    if (t <= this.lastTicks) t = this.lastTicks + 1n;
    this.lastTicks = t;
    return formatTicks(t);
  }

  /**
   * Runs `fn` with stamps starting at `from` and `stepMs` apart (seed data
   * and generated data lie in the past); with step 0 they are one tick apart.
   */
  backdated<T>(from: Date, stepMs: number, fn: () => T): T {
    this.backdating = { next: ticksOf(from), step: BigInt(Math.max(0, Math.round(stepMs * 10_000))) };
    try {
      return fn();
    } finally {
      this.backdating = undefined;
    }
  }

  summary(): JsonObject {
    const { id, name, environment, clientKey, validPrivileges, invalidPrivileges } = this.info;
    return {
      id,
      name,
      environment,
      clientKey,
      validPrivileges,
      invalidPrivileges,
      counts: {
        customers: this.customers.size,
        suppliers: this.suppliers.size,
        contactPersons: this.contactPersons.size,
        products: this.products.size,
        productGroups: this.productGroups.size,
        generalLedgerAccounts: this.accounts.size,
        salesOrders: this.salesOrders.size,
        outgoingInvoices: this.invoices.size,
        attachments: this.attachments.size,
      },
    };
  }

  /** Everything, for `GET /__admin/state` (attachment bytes left out). */
  dump(): JsonObject {
    return {
      ...this.summary(),
      customers: [...this.customers.values()],
      suppliers: [...this.suppliers.values()],
      contactPersons: [...this.contactPersons.values()],
      productGroups: [...this.productGroups.values()],
      products: [...this.products.values()],
      vatCodes: [...this.vatCodes.values()],
      generalLedgerAccounts: [...this.accounts.values()],
      salesOrders: [...this.salesOrders.values()].map((o) => ({ ...o.dto, createdBy: o.createdBy })),
      outgoingInvoices: [...this.invoices.values()].map((i) => ({ ...i.dto, Lines: i.lines, createdBy: i.createdBy })),
      attachments: [...this.attachments.values()].map((a) => ({ ...a.dto, ContentType: a.contentType })),
    };
  }
}
