/**
 * In-memory state: administraties with their collections and indexes.
 */
import { randomUUID } from "node:crypto";
import { Collection } from "./collection";
import type {
  Artikel,
  Entity,
  Grootboek,
  JsonObject,
  Pakket,
  Relatie,
  StoredDocument,
  VerkoopBoeking,
  Verkoopfactuur,
  Verkooporder,
} from "./types";

export type Clock = () => Date;

export class Administratie {
  readonly relaties = new Collection<Relatie>();
  readonly artikelen = new Collection<Artikel>();
  readonly artikelomzetgroepen = new Collection<Entity>();
  readonly grootboeken = new Collection<Grootboek>();
  readonly dagboeken = new Collection<Entity>();
  readonly verkoopboekingen = new Collection<VerkoopBoeking>();
  readonly verkoopfacturen = new Collection<Verkoopfactuur>();
  readonly verkooporders = new Collection<Verkooporder>();
  readonly verkoopordersjablonen = new Collection<Entity>();
  readonly doorlopendeIncassoMachtigingen = new Collection<Entity>();
  btwtarieven: JsonObject[] = [];
  companyInfo: JsonObject = {};

  readonly documents = new Map<string, StoredDocument>();
  /** parent id (lower case) → document ids in upload order */
  readonly documentsByParent = new Map<string, string[]>();

  /** relatiecode → relatie id */
  readonly relatiecodes = new Map<number, string>();
  maxRelatiecode = 0;
  /** factuurnummer (lower case) → verkoopboeking id */
  readonly factuurnummers = new Map<string, string>();
  /** verkoopboeking id → verkoopfactuur id */
  readonly factuurByBoeking = new Map<string, string>();
  /** artikelcode (lower case) → artikel id */
  readonly artikelcodes = new Map<string, string>();
  /** verkooporder nummer → id */
  readonly ordernummers = new Map<number, string>();
  maxOrdernummer = 0;

  private lastStamp = 0;

  constructor(
    readonly id: string,
    public naam: string,
    public pakket: Pakket,
    public koppelsleutel: string,
    public username: string,
    public password: string,
    private readonly clock: Clock,
  ) {}

  /**
   * A modifiedOn value: the clock's time, but strictly after the previous
   * stamp of this administratie so `ModifiedOn gt <last seen>` never misses
   * a write made in the same millisecond.
   */
  stamp(): string {
    let t = this.clock().getTime();
    if (t <= this.lastStamp) t = this.lastStamp + 1;
    this.lastStamp = t;
    return new Date(t).toISOString();
  }

  /** Seeds may carry fixed modifiedOn values; keep the monotonic clock past them. */
  observeStamp(iso: string): void {
    const t = Date.parse(iso);
    if (!Number.isNaN(t) && t > this.lastStamp && t <= this.clock().getTime()) this.lastStamp = t;
  }

  now(): Date {
    return this.clock();
  }

  newId(): string {
    return randomUUID();
  }

  documentsOf(parentId: string): StoredDocument[] {
    const ids = this.documentsByParent.get(parentId.toLowerCase()) ?? [];
    return ids.map((d) => this.documents.get(d)).filter((d): d is StoredDocument => !!d);
  }

  summary(): JsonObject {
    return {
      id: this.id,
      naam: this.naam,
      pakket: this.pakket,
      koppelsleutel: this.koppelsleutel,
      username: this.username,
      counts: {
        relaties: this.relaties.size,
        artikelen: this.artikelen.size,
        grootboeken: this.grootboeken.size,
        verkoopboekingen: this.verkoopboekingen.size,
        verkoopfacturen: this.verkoopfacturen.size,
        verkooporders: this.verkooporders.size,
        documenten: this.documents.size,
      },
    };
  }

  /** Everything, for `GET /__admin/state` (document contents omitted unless asked). */
  dump(withContent = false): JsonObject {
    const docs: JsonObject[] = [...this.documents.values()].map((d) => ({
      id: d.id,
      documentType: d.documentType,
      parentIdentifier: d.parentIdentifier,
      fileName: d.fileName,
      readOnly: d.readOnly,
      size: Buffer.from(d.content, "base64").length,
      createdOn: d.createdOn,
      ...(withContent ? { content: d.content } : {}),
    }));
    return {
      ...this.summary(),
      companyInfo: this.companyInfo,
      relaties: [...this.relaties.all()],
      artikelen: [...this.artikelen.all()],
      artikelomzetgroepen: [...this.artikelomzetgroepen.all()],
      grootboeken: [...this.grootboeken.all()],
      dagboeken: [...this.dagboeken.all()],
      btwtarieven: this.btwtarieven,
      verkoopboekingen: [...this.verkoopboekingen.all()],
      verkoopfacturen: [...this.verkoopfacturen.all()],
      verkooporders: [...this.verkooporders.all()],
      verkoopordersjablonen: [...this.verkoopordersjablonen.all()],
      doorlopendeIncassoMachtigingen: [...this.doorlopendeIncassoMachtigingen.all()],
      documenten: docs,
    };
  }
}

export function ref(kind: string, id: string): { id: string; uri: string } {
  return { id, uri: `/${kind}/${id}` };
}
