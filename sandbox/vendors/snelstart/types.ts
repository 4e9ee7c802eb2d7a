/** Shared types of the SnelStart B2B API v2 simulator. */
import { DEFAULT_FAULT_KNOBS, type FaultKnobs } from "../../shared/faults";

export type JsonPrimitive = string | number | boolean | null;
export type JsonValue = JsonPrimitive | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** One reason in a 400 body: the body is `ApiError[]` (see README). */
export interface ApiError {
  /** The field the reason is about (dotted path, `[i]` for array items), or `body`/`query`/`path`. */
  kenmerk: string;
  message: string;
  /** `Schema.<ajv keyword>` for spec violations, `Business.<rule>` for business rules, `OData.*` for $filter. */
  errorCode: string;
  location?: "body" | "query" | "path";
}

export const PAKKETTEN = ["InKaart", "InBalans", "InZicht", "InControle", "InStap", "Accountant"] as const;
export type Pakket = (typeof PAKKETTEN)[number];

/** A `{id, uri}` reference as used everywhere in the API. */
export interface Ref {
  id: string;
  uri?: string;
}

/** Every stored entity: a JSON object with the spec's fields plus an id. */
export type Entity = JsonObject & { id: string; uri: string };

export interface Relatie extends Entity {
  relatiecode: number;
  naam: string;
  relatiesoort: string[];
  nonactief: boolean;
  modifiedOn: string;
}
export interface Artikel extends Entity {
  artikelcode: string;
  modifiedOn: string;
}
export interface Grootboek extends Entity {
  nummer: number;
  modifiedOn: string;
}
export interface VerkoopBoeking extends Entity {
  factuurnummer: string;
  klant: { id: string; uri: string };
  modifiedOn: string;
}
export interface Verkoopfactuur extends Entity {
  factuurnummer: string;
  factuurBedrag: number;
  openstaandSaldo: number;
  verkoopBoeking: { id: string; uri: string };
  relatie: { id: string; uri: string };
  modifiedOn: string;
}
export interface Verkooporder extends Entity {
  nummer: number;
  modifiedOn: string;
}

export type DocumentType = "Verkoopboekingen" | "Inkoopboekingen" | "Relaties";

export interface StoredDocument {
  id: string;
  documentType: DocumentType;
  parentIdentifier: string;
  fileName: string;
  readOnly: boolean;
  /** base64 */
  content: string;
  createdOn: string;
}

/** The shared knobs (sandbox/shared/faults.ts) and SnelStart's own. */
export interface FaultConfig extends FaultKnobs {
  /** Retry-After (seconds) on injected 429s. */
  retryAfterSeconds: number;
  /** Sliding one-minute window per administratie; past it 429 with Retry-After. 0 = off. */
  rateLimitPerMinute: number;
}

export const DEFAULT_FAULTS: FaultConfig = { ...DEFAULT_FAULT_KNOBS, retryAfterSeconds: 1, rateLimitPerMinute: 0 };
