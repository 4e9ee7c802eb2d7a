/**
 * What the engine needs from the two sides. The engine names no vendor and no host:
 * a host adapter (lib/host/<host>) and a connector (lib/connectors/<name>) implement these.
 */
import type { z } from "zod";
import type { AddressKind, DocumentFile, Invoice, Payment, Product, Relation, RelationRole, SalesOrder } from "@/lib/model";

export type Localized = { nl: string; fr: string; en: string };

/** A record as one side holds it, mapped to the canonical model. */
export type SideRecord<T> = {
  id: string;
  /** the side's own number (debtor/creditor number, relatiecode, product code) */
  number: string | null;
  data: T;
  /** ISO time of the last change on that side */
  modifiedAt: string | null;
  /**
   * Host records only: the ids of the other host entities this record is made of (its addresses,
   * its roles). A webhook that names one of them is about this record.
   */
  parts?: string[];
  /**
   * Host records only: the ids of host entities this record shows but does not own, which other
   * records may show too or be themselves (a contact person's person). A webhook that names one
   * is about every record that shows it.
   */
  related?: string[];
};

/**
 * What a host write did: the record as it now is, and the ids of the host entities the write
 * created or changed. The host sends a webhook for each; the engine takes those as echoes.
 */
export type HostWrite<T> = SideRecord<T> & { mutated: string[] };

export type Page<T> = {
  items: SideRecord<T>[];
  next: string | null;
  total?: number | null;
  /** records the side sent but that did not parse: each fails alone, in the sync log (message: a catalogue key) */
  rejected?: Array<{ remoteId: string | null; label?: string | null; message: string; params?: Record<string, string> }>;
};

export type Option = { value: string; label: string; hint?: string };

/** Host lists the settings screens offer, loaded live. */
export type HostOptions = {
  vatGroups: Array<Option & { percentage: number; country: string | null }>;
  productGroups: Option[];
  relationTypes: Option[];
  /** the host's kinds of address (value: what `Address.hostTypeId` holds), each with its canonical kind */
  addressTypes: Array<Option & { kind: AddressKind }>;
  /** general ledger accounts; hint: the account number */
  ledgerAccounts: Option[];
  /** the host's units of products and lines (value: what `Product.unit` holds) */
  units: Option[];
  ownCountry: string | null;
};

/** Whom the host's access token acts for. */
export type HostUser = { name: string; email: string | null };

export interface HostAdapter {
  relations: {
    page(cursor: string | null): Promise<Page<Relation>>;
    get(id: string): Promise<SideRecord<Relation> | null>;
    /** a webhook may name an address or relationship: find the relation it belongs to */
    resolveId(entityType: string, entityId: string): Promise<string | null>;
    create(data: Relation): Promise<HostWrite<Relation>>;
    update(id: string, data: Relation, previous: SideRecord<Relation>): Promise<HostWrite<Relation>>;
    /** records created at or after an ISO time: what an interrupted import may have made */
    createdSince(since: string): Promise<SideRecord<Relation>[]>;
    /** overwrite the host's debtor/creditor number with the package's */
    setNumbers(id: string, numbers: { debtorNumber?: string | null; creditorNumber?: string | null }, previous: SideRecord<Relation>): Promise<HostWrite<Relation>>;
  };
  products: {
    page(cursor: string | null): Promise<Page<Product>>;
    get(id: string): Promise<SideRecord<Product> | null>;
    create(data: Product): Promise<HostWrite<Product>>;
    update(id: string, data: Product, previous: SideRecord<Product>): Promise<HostWrite<Product>>;
    createdSince(since: string): Promise<SideRecord<Product>[]>;
  };
  invoices: {
    /** `handOver`: the host's phase says the document goes to the package now (the host knows which phase that is) */
    get(id: string): Promise<{ record: SideRecord<Invoice>; handOver: boolean } | null>;
    document(id: string): Promise<DocumentFile>;
    /** answers the ids of the host entities it changed */
    markPaid(id: string): Promise<string[]>;
  };
  salesOrders: {
    get(id: string): Promise<{ record: SideRecord<SalesOrder>; handOver: boolean } | null>;
    document(id: string): Promise<DocumentFile>;
  };
  /** `locale`: the language of the option labels the host does not name itself (default nl) */
  options(locale?: keyof Localized): Promise<HostOptions>;
  currentUser(): Promise<HostUser>;
}

/**
 * What the sync log says of an error, in the user's language: a catalogue key and its values.
 * Clients' typed errors carry one as `logMessage`; anything else is logged as unexpected.
 */
export type LogMessage = { key: string; params?: Record<string, string> };

/** A write whose response was lost: it may have happened. */
export class MaybeWrittenError extends Error {
  readonly mayHaveSucceeded = true;
  get logMessage(): LogMessage {
    return { key: "sync.errors.maybeWritten", params: { detail: this.message.slice(0, 300) } };
  }
}

/** A rate limit that outlasted a client's own retries: clients mark it with `retryAfterMs`, the wait asked for. */
export function rateLimitedFor(err: unknown): number | null {
  const ms = (err as { retryAfterMs?: unknown } | null)?.retryAfterMs;
  return typeof ms === "number" ? ms : null;
}

/** Clients mark errors of writes that may have happened with `mayHaveSucceeded`. */
export function mayHaveBeenWritten(err: unknown): boolean {
  return (err as { mayHaveSucceeded?: unknown } | null)?.mayHaveSucceeded === true;
}

/** The record cannot be synced until the user changes something; retrying will not help. */
export class RecordRejectedError extends Error {
  constructor(
    /** a message key, translated when shown */
    message: string,
    readonly params: Record<string, string> = {},
  ) {
    super(message);
  }
  get logMessage(): LogMessage {
    return { key: this.message, params: this.params };
  }
}

/** The log message of any error: its own, or "unexpected" with the error's text as detail. */
export function logMessageOf(err: unknown): LogMessage {
  const own = (err as { logMessage?: unknown } | null)?.logMessage as LogMessage | undefined;
  if (own && typeof own.key === "string") return own;
  const detail = err instanceof Error ? err.message : String(err);
  return { key: "sync.errors.unexpected", params: { detail: detail.slice(0, 300) } };
}

export interface RemoteEntity<T> {
  /** one page; `since` limits to records changed at or after that ISO time (more may come back) */
  page(cursor: string | null, since: string | null): Promise<Page<T>>;
  get(id: string): Promise<SideRecord<T> | null>;
  /** whether the package counts this record as active (inactive ones are skipped on import) */
  isActive(record: SideRecord<T>): boolean;
  create(data: T): Promise<SideRecord<T>>;
  /**
   * `previous`: the record as last synced, when the engine has it, so a package that takes
   * partial updates sends only what changed
   */
  update(id: string, data: T, previous: T | null): Promise<SideRecord<T>>;
  /** looks for a record a lost response may have created, before creating again */
  findCreated(data: T): Promise<SideRecord<T> | null>;
}

export type BookingResult = {
  id: string;
  number: string | null;
  documentAttached: boolean;
  /** things the user should know that did not stop the booking (message key + params) */
  notes?: Array<{ message: string; params?: Record<string, string> }>;
};

/** Books a document (invoice, sales order) exactly once: the engine looks up before it books. */
export interface Booker<T> {
  findBooked(doc: T, ctx: { remoteRelationId: string }): Promise<BookingResult | null>;
  /** throws RecordRejectedError when a mapping is missing */
  book(doc: T, ctx: { remoteRelationId: string; hostRelationId: string; productLinks: Record<string, string> }): Promise<BookingResult>;
  attachDocument(bookingId: string, document: DocumentFile, ctx: { remoteRelationId: string }): Promise<void>;
}

export interface RemoteAdapter {
  relations?: RemoteEntity<Relation>;
  /**
   * Instead of `relations`, for a package that keeps one record per role a relation plays (a
   * customer and a supplier, each with its own id and number): one CRM relation is linked to each.
   */
  relationsByRole?: Partial<Record<RelationRole, RemoteEntity<Relation>>>;
  products?: RemoteEntity<Product>;
  invoices?: Booker<Invoice>;
  salesOrders?: Booker<SalesOrder>;
  payments?: { page(cursor: string | null, since: string | null): Promise<{ items: Payment[]; next: string | null }> };
  /** why a kind of document without a booker here is not booked (e.g. the tenant books the other kind), for the sync log */
  notBooked?: Partial<Record<"invoice" | "salesOrder", LogMessage>>;
}

export type MatchLevel = "remoteId" | "number" | "nameAddress";

export type SettingsField =
  | { kind: "mapping"; name: string; label: string; rows: "vatGroups" | "productGroups" | "units"; options: string; required: boolean }
  | { kind: "select"; name: string; label: string; options: string; required: boolean }
  | { kind: "multiselect"; name: string; label: string; options: string }
  | { kind: "radio"; name: string; label: string; options: string }
  | { kind: "toggle"; name: string; label: string };

export type SettingsTab = {
  id: string;
  /** i18n key of the tab title, in the connector's catalogue */
  label: string;
  help?: string;
  fields: SettingsField[];
  schema: z.ZodType;
};

export type EntityRules = {
  relation?: {
    import: boolean;
    pull: { cron: string } | null;
    push: boolean;
    matching: MatchLevel[];
    skipInactiveOnImport: boolean;
    /** what a relation deactivated in the package does in the CRM */
    remoteDeactivation: "deactivate" | "keep-active";
    /** the package assigns its own numbers and the CRM's are overwritten with them */
    remoteAssignsNumbers: boolean;
  };
  /**
   * The contact persons of organisations, synced as part of their relation, in their own
   * directions (absent: both ways).
   */
  contactPerson?: { toPackage: boolean; toCrm: boolean };
  product?: {
    import: boolean;
    pull: { cron: string } | null;
    push: boolean;
    remoteDeactivation: "deactivate" | "keep-active";
  };
  invoice?: { push: true };
  salesOrder?: { push: true };
  payment?: { pull: { cron: string } };
};

export type ConnectContext = { fetch?: typeof fetch };

/**
 * A vendor's rate limit as the app keeps to it: `limit` requests (HTTP calls, retries and token
 * requests included) per `period`, counted over everything the vendor counts together. Every
 * function that calls the vendor (import, pull, push, booking, payments), in every process, draws
 * from that one request budget (lib/sync/budget, lib/http/request-budget) before each call.
 */
export type RateLimit = {
  limit: number;
  period: "1s" | "1m";
  /**
   * What the vendor counts together, so what one budget is:
   * - `"deployment"`: every call this deployment makes, for all its tenants, is one count, as a
   *   limit per subscription key or per application is (one key per deployment, shared by all
   *   tenants);
   * - `"account"`: each connected account counts on its own (an administration; for the host, one
   *   customer's CRM environment), so tenants never slow each other down.
   */
  per: "deployment" | "account";
};

export type ConnectResult =
  | { ok: true; account: Record<string, string | number | boolean | null> }
  | {
      ok: false;
      reason: "credentials" | "forbidden" | "unreachable" | "package";
      /** the vendor's words, for the installation's status line */
      message: string | null;
      /** values of the connector's `packageRefused` message (e.g. the privileges missing) */
      params?: Record<string, string>;
    };

export interface Connector<Credentials = unknown, Settings = unknown> {
  id: string;
  name: string;
  /** how the CRM's Marketplace lists it (under Financial), the icon a path below public/ */
  listing: { name: Localized; description: Localized; icon: string };
  /** the vendor's rate limit and what it counts together: the request budget its client takes from */
  rateLimit: RateLimit;
  entities: EntityRules;
  credentials: { schema: z.ZodType<Credentials>; fields: Array<{ name: string; label: string; type: "text" | "password" | "select"; options?: string[]; optional?: boolean }> };
  settings: {
    tabs: SettingsTab[];
    schema: z.ZodType<Settings>;
    isComplete(s: unknown): boolean;
    /** proposed values for a tab the user has not saved yet, from both sides' options */
    suggest(tabId: string, host: HostOptions, options: Record<string, Option[]>): Record<string, unknown>;
  };
  /** messages for this connector's screens, merged under connectors.<id> in the catalogue */
  messages: Record<"nl" | "fr" | "en", Record<string, unknown>>;
  connect(credentials: Credentials, ctx?: ConnectContext): Promise<ConnectResult>;
  /** options of the remote side for the settings screens: name → options */
  remoteOptions(credentials: Credentials): Promise<Record<string, Option[]>>;
  remote(credentials: Credentials, settings: Settings, host: HostOptions): RemoteAdapter;
}
