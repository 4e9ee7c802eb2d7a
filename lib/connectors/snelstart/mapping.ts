/**
 * Field mapping between SnelStart's models (generated types) and the canonical model.
 * Pure functions: no I/O, no clock, no randomness; everything they need comes in `opts`/`ctx`.
 *
 * SnelStart's JSON carries `null` where the spec says "optional", so every read below goes
 * through `?.` / `??` even where the generated type says the field is a plain string.
 */
import { round2, toCents } from "@/lib/model/money";
import type {
  Address,
  AddressKind,
  Invoice,
  Payment,
  Product,
  ProductInput,
  Relation,
  RelationInput,
  SalesOrder,
} from "@/lib/model";
import { formatPostcode } from "@/lib/model/postcode";
import { joinStreet, splitStreet } from "@/lib/model/street";
import type {
  AdresModel,
  ArtikelModel,
  ArtikelOmzetGroepModel,
  ArtikelQueryModel,
  BtwRegelSoort,
  BtwSoort,
  RelatieModel,
  RelatieWriteModel,
  VerkoopBoekingModel,
  VerkoopBoekingRegelModel,
  VerkoopfactuurModel,
  VerkoopOrderModel,
  VerkooporderRegelModel,
} from "./types";

export { joinStreet, splitStreet } from "@/lib/model/street";

/** SnelStart's two address slots on a relatie. */
export type SnelStartAddressSlot = "vestigingsAdres" | "correspondentieAdres";

export const DEFAULT_ADDRESS_KINDS: Record<SnelStartAddressSlot, AddressKind> = {
  vestigingsAdres: "visiting",
  correspondentieAdres: "postal",
};

const KLANT = "Klant";
const LEVERANCIER = "Leverancier";

/** Spec limits (RelatieWriteModel) that SnelStart enforces with a 400. */
const LIMITS = { naam: 50, kvkNummer: 12, websiteUrl: 100, iban: 50 } as const;

export type Problem = {
  /** dotted path into the canonical record (or settings) that needs attention */
  field: string;
  /** readable English sentence for the sync log */
  message: string;
  /** stable key for translated messages (connector messages `log.<code>`) */
  code:
    | "vatGroupUnmapped"
    | "vatGroupMissing"
    | "noLedger"
    | "productNotLinked"
    | "totalsMismatch"
    | "tooLong"
    | "outOfRange"
    | "unsupportedCurrency";
  params?: Record<string, string | number>;
};

export type MappingResult<T> = { ok: true; body: T } | { ok: false; problems: Problem[] };

// ==================================================================== relaties

export interface RelatieToRelationOptions {
  /** which canonical address kind each SnelStart slot fills (settings → addresses) */
  addressKinds?: Partial<Record<SnelStartAddressSlot, AddressKind>>;
  /** host address type id each slot fills, copied to Address.hostTypeId */
  addressHostTypeIds?: Partial<Record<SnelStartAddressSlot, string | null>>;
  /** SnelStart land id → ISO 3166 alpha-2 (from GET /landen) */
  landen?: Record<string, string>;
  /** country for an address without (known) land; default "NL" */
  defaultCountry?: string;
}

/** A SnelStart relatie as a canonical relation input (parse it with `relation` from lib/model). */
export function relatieToRelation(r: RelatieModel, opts: RelatieToRelationOptions = {}): RelationInput {
  const soorten = (r.relatiesoort ?? []).map((s) => s.toLowerCase());
  const isCustomer = soorten.includes(KLANT.toLowerCase());
  const isSupplier = soorten.includes(LEVERANCIER.toLowerCase());
  // One relatiecode serves as debtor and creditor number in SnelStart.
  const code = typeof r.relatiecode === "number" ? String(r.relatiecode) : null;
  const kinds = { ...DEFAULT_ADDRESS_KINDS, ...opts.addressKinds };

  const addresses: RelationInput["addresses"] = [];
  for (const slot of ["vestigingsAdres", "correspondentieAdres"] as const) {
    const a = adresToAddress(r[slot], kinds[slot], opts.addressHostTypeIds?.[slot] ?? null, opts);
    if (a) addresses.push(a);
  }

  const name = clean(r.naam) ?? (code ? `Relatie ${code}` : "Relatie");
  return {
    // SnelStart does not tell organisations and persons apart.
    kind: "organization",
    name,
    isCustomer,
    isSupplier,
    debtorNumber: isCustomer ? code : null,
    creditorNumber: isSupplier ? code : null,
    vatNumber: clean(r.btwNummer),
    chamberOfCommerceNumber: clean(r.kvkNummer),
    email: clean(r.email),
    phone: clean(r.telefoon),
    mobile: clean(r.mobieleTelefoon),
    website: clean(r.websiteUrl),
    paymentTermDays: typeof r.krediettermijn === "number" ? clamp(Math.trunc(r.krediettermijn), 0, 365) : null,
    addresses,
    // SnelStart has no contact persons (only a name on the address card), and the seed says
    // contact-to-organisation links are not synced.
    contactPersons: [],
    active: r.nonactief !== true,
  };
}

function adresToAddress(
  a: AdresModel | null | undefined,
  kind: AddressKind,
  hostTypeId: string | null,
  opts: RelatieToRelationOptions,
): Address | null {
  if (!a) return null;
  const parts = splitStreet(a.straat);
  const city = clean(a.plaats);
  const landId = a.land?.id;
  const country = (landId && opts.landen?.[landId]) || opts.defaultCountry || "NL";
  // SnelStart keeps the postcode as typed ("3511 ab"); the CRM gets the country's format
  const postcode = formatPostcode(a.postcode, country);
  if (!parts.street && !parts.houseNumber && !postcode && !city) return null;
  return {
    kind,
    street: parts.street,
    houseNumber: parts.houseNumber,
    houseNumberAddition: parts.houseNumberAddition,
    postcode,
    city,
    country: country.toUpperCase(),
    hostTypeId,
  };
}

export interface RelationToRelatieOptions {
  /** which canonical address fills each SnelStart slot (settings → addresses) */
  addressKinds: Record<SnelStartAddressSlot, AddressKind>;
  /** preferred over `addressKinds` when the host's address carries its type id */
  addressHostTypeIds?: Partial<Record<SnelStartAddressSlot, string | null>>;
  /** ISO alpha-2 → SnelStart land id (from GET /landen) */
  landIdByCountry: Record<string, string>;
  /**
   * Set only to force a number. A new relation gets none, so SnelStart assigns it (and the
   * CRM's number is then overwritten with SnelStart's).
   */
  relatiecode?: number | null;
  /**
   * The current SnelStart record, for updates. PUT replaces the whole relatie, so fields the
   * CRM does not know (IBAN, memo, e-mail settings, …) are carried over from here, and CRM
   * fields that became empty are cleared.
   */
  base?: RelatieModel | RelatieWriteModel | null;
}

/** A canonical relation as the body of POST /relaties or PUT /relaties/{id}. */
export function relationToRelatie(rel: Relation, opts: RelationToRelatieOptions): RelatieWriteModel {
  const base = opts.base ? withoutReadOnly(opts.base) : null;
  const updating = base !== null;
  // On an update an emptied CRM field must clear SnelStart's; on a create we simply omit it.
  const text = (v: string | null | undefined, max?: number): string | undefined => {
    const c = clean(v);
    if (c === null) return updating ? "" : undefined;
    return max && c.length > max ? c.slice(0, max) : c;
  };

  const soort: string[] = [];
  if (rel.isCustomer) soort.push(KLANT);
  if (rel.isSupplier) soort.push(LEVERANCIER);
  // Exported relations are at least customers: SnelStart needs a relatiesoort.
  if (soort.length === 0) soort.push(KLANT);

  const naam = rel.kind === "person" ? personName(rel) : rel.name;
  const kvk = clean(rel.chamberOfCommerceNumber)?.replace(/\s+/g, "") ?? null;
  const website = clean(rel.website);

  const body: RelatieWriteModel = {
    ...base,
    relatiesoort: soort,
    naam: truncate(naam.trim(), LIMITS.naam),
    telefoon: text(rel.phone),
    mobieleTelefoon: text(rel.mobile),
    email: text(rel.email),
    btwNummer: text(rel.vatNumber),
    // Too long to be a KvK number: leave SnelStart's value alone rather than fail the relation.
    kvkNummer: kvk === null ? text(null) : kvk.length <= LIMITS.kvkNummer ? kvk : base?.kvkNummer,
    websiteUrl: website === null ? text(null) : website.length <= LIMITS.websiteUrl ? website : base?.websiteUrl,
    nonactief: !rel.active,
  };
  if (rel.paymentTermDays !== null) body.krediettermijn = rel.paymentTermDays;

  const code = opts.relatiecode ?? (base?.relatiecode ?? null);
  if (code !== null && code !== undefined) body.relatiecode = code;
  else delete body.relatiecode;

  for (const slot of ["vestigingsAdres", "correspondentieAdres"] as const) {
    const address = pickAddress(rel.addresses, opts.addressKinds[slot], opts.addressHostTypeIds?.[slot] ?? null);
    const adres = addressToAdres(address, base?.[slot] ?? null, opts, slot === "vestigingsAdres" ? contactName(rel) : null);
    if (adres) body[slot] = adres;
    else delete body[slot];
  }
  return dropUndefined(body);
}

function pickAddress(addresses: Address[], kind: AddressKind, hostTypeId: string | null): Address | null {
  if (hostTypeId) {
    const byType = addresses.find((a) => a.hostTypeId === hostTypeId);
    if (byType) return byType;
  }
  return addresses.find((a) => a.kind === kind) ?? null;
}

function addressToAdres(
  a: Address | null,
  base: AdresModel | null,
  opts: RelationToRelatieOptions,
  contactpersoon: string | null,
): AdresModel | null {
  if (!a) return base ? { ...base, straat: "", postcode: "", plaats: "" } : null;
  const landId = opts.landIdByCountry[(a.country ?? "NL").toUpperCase()];
  const adres: AdresModel = {
    ...(base ?? {}),
    straat: joinStreet(a),
    postcode: a.postcode ?? "",
    plaats: a.city ?? "",
  };
  if (contactpersoon) adres.contactpersoon = contactpersoon;
  if (landId) adres.land = { id: landId };
  else if (adres.land) adres.land = { id: adres.land.id };
  return adres;
}

/** "First Middle Last", falling back to the relation's name. */
export function personName(p: { firstName?: string | null; middleName?: string | null; lastName?: string | null; name?: string }): string {
  const full = [p.firstName, p.middleName, p.lastName].map(clean).filter(Boolean).join(" ");
  return full || (p.name ?? "").trim();
}

/** SnelStart's only contact field is a name on the address card; use the first contact person. */
function contactName(rel: Relation): string | null {
  if (rel.kind === "person") return null;
  const first = rel.contactPersons[0];
  return first ? personName(first) || null : null;
}

function withoutReadOnly(r: RelatieModel | RelatieWriteModel): RelatieWriteModel {
  // Read-only and derived fields must not be echoed back in a PUT.
  const { uri: _u, inkoopBoekingenUri: _i, verkoopBoekingenUri: _v, modifiedOn: _m, extraVeldenKlant: _e, documents: _d, ...rest } =
    r as RelatieModel & Record<string, unknown>;
  // The .NET serializer sends nulls; they are not valid in a write body.
  return dropNulls(rest) as RelatieWriteModel;
}

// ==================================================================== artikelen

/**
 * What places an artikel's omzetgroep in the CRM and a CRM product in an omzetgroep: the
 * tenant's mappings (tabs BTW-groepen and Grootboekrekeningen) and both sides' lists.
 * An omzetgroep carries the artikel's btw-soort and revenue grootboek.
 */
export interface OmzetgroepContext {
  /** GET /artikelomzetgroepen */
  omzetgroepen: ArtikelOmzetGroepModel[];
  /** SnelStart grootboek id → its number (GET /grootboeken) */
  grootboekNummers: Record<string, number>;
  /** host VAT group id → btw-soort */
  vatMapping: Record<string, BtwSoort | null | undefined>;
  /** host product group id → grootboek id */
  ledgerByProductGroup: Record<string, string | null | undefined>;
  /** the grootboek of products without a mapped product group */
  defaultLedgerId: string | null;
  host: {
    vatGroups: Array<{ value: string; country: string | null }>;
    productGroups: Array<{ value: string }>;
    /** hint: the account number */
    ledgerAccounts: Array<{ value: string; hint?: string }>;
    ownCountry: string | null;
  };
}

type HostProductFields = Pick<Product, "vatGroupId" | "productGroupId" | "ledgerAccountId">;

/**
 * The CRM's VAT group, product group and ledger account for an omzetgroep, each null where the
 * CRM has none to offer:
 * - the VAT group mapped to its btw-soort, one of the own organisation's country first;
 * - the product group whose ledger mapping is its grootboek (none when several are: which one
 *   is meant cannot be known, and the CRM keeps what it has);
 * - the ledger account with its grootboek's number.
 */
export function omzetgroepToHost(omzetgroepId: string | null | undefined, ctx: OmzetgroepContext): HostProductFields {
  const g = omzetgroepId ? ctx.omzetgroepen.find((x) => x.id === omzetgroepId) : undefined;
  if (!g) return { vatGroupId: null, productGroupId: null, ledgerAccountId: null };
  const soort = g.verkoopNederlandBtwSoort;
  const vatGroups = ctx.host.vatGroups.filter((v) => soort && ctx.vatMapping[v.value] === soort);
  const vatGroup =
    vatGroups.find((v) => ctx.host.ownCountry !== null && v.country === ctx.host.ownCountry) ?? vatGroups.find((v) => !v.country) ?? vatGroups[0];
  const grootboekId = g.verkoopGrootboekNederlandIdentifier?.id ?? null;
  const productGroups = grootboekId ? ctx.host.productGroups.filter((pg) => ctx.ledgerByProductGroup[pg.value] === grootboekId) : [];
  const nummer = grootboekId ? ctx.grootboekNummers[grootboekId] : undefined;
  const ledgerAccount = nummer !== undefined ? ctx.host.ledgerAccounts.find((l) => l.hint?.trim() === String(nummer)) : undefined;
  return {
    vatGroupId: vatGroup?.value ?? null,
    productGroupId: productGroups.length === 1 ? productGroups[0].value : null,
    ledgerAccountId: ledgerAccount?.value ?? null,
  };
}

/**
 * The omzetgroep for a CRM product: the btw-soort its VAT group is mapped to, with the grootboek
 * its product group is mapped to (else the grootboek numbered like its ledger account; for a new
 * artikel else the default); failing that one with the btw-soort. When no omzetgroep has the
 * btw-soort, the artikel keeps its own, else gets the grootboek's. Among equals the artikel's
 * own wins, so an update does not move an artikel its bookkeeper placed.
 */
export function omzetgroepForProduct(p: HostProductFields, ctx: OmzetgroepContext, currentId: string | null): string | null {
  const soort = (p.vatGroupId && ctx.vatMapping[p.vatGroupId]) || null;
  const accountNumber = p.ledgerAccountId ? ctx.host.ledgerAccounts.find((l) => l.value === p.ledgerAccountId)?.hint?.trim() : undefined;
  const byAccount = accountNumber ? Object.keys(ctx.grootboekNummers).find((id) => String(ctx.grootboekNummers[id]) === accountNumber) : undefined;
  const grootboekId = (p.productGroupId && ctx.ledgerByProductGroup[p.productGroupId]) || byAccount || (currentId ? null : ctx.defaultLedgerId) || null;
  const hasSoort = (g: ArtikelOmzetGroepModel) => !soort || g.verkoopNederlandBtwSoort === soort;
  const hasGrootboek = (g: ArtikelOmzetGroepModel) => !grootboekId || g.verkoopGrootboekNederlandIdentifier?.id === grootboekId;
  const passes: Array<(g: ArtikelOmzetGroepModel) => boolean> = [
    (g) => hasSoort(g) && hasGrootboek(g),
    hasSoort,
    (g) => g.id === currentId,
    hasGrootboek,
  ];
  for (const fits of passes) {
    const hits = ctx.omzetgroepen.filter(fits);
    if (hits.length) return (hits.find((g) => g.id === currentId) ?? hits[0]).id ?? null;
  }
  return currentId ?? ctx.omzetgroepen[0]?.id ?? null;
}

/** A SnelStart artikel as a canonical product input; VAT group, product group and ledger from its omzetgroep. */
export function artikelToProduct(a: ArtikelModel | ArtikelQueryModel, ctx: OmzetgroepContext): ProductInput {
  return {
    code: clean(a.artikelcode),
    name: clean(a.omschrijving) ?? clean(a.artikelcode) ?? "Artikel",
    description: null,
    unit: clean(a.eenheid),
    ...omzetgroepToHost(a.artikelOmzetgroep?.id, ctx),
    salesPrice: typeof a.verkoopprijs === "number" ? a.verkoopprijs : null,
    purchasePrice: typeof a.inkoopprijs === "number" ? a.inkoopprijs : null,
    active: a.isNonActief !== true,
  };
}

/**
 * A canonical product as the body of POST /artikelen, or of PUT /artikelen/{id} given the
 * current artikel as `base` (PUT replaces the article).
 */
export function productToArtikel(
  p: Pick<Product, "code" | "name" | "unit" | "vatGroupId" | "productGroupId" | "ledgerAccountId" | "salesPrice" | "purchasePrice" | "active">,
  ctx: OmzetgroepContext,
  current?: ArtikelModel | ArtikelQueryModel | null,
): ArtikelModel {
  const base: ArtikelModel = current ? withoutArtikelReadOnly(current) : {};
  const omzetgroepId = omzetgroepForProduct(p, ctx, base.artikelOmzetgroep?.id ?? null);
  const body: ArtikelModel = {
    ...base,
    omschrijving: truncate(p.name.trim(), 250),
    isNonActief: !p.active,
  };
  const code = clean(p.code);
  if (code) body.artikelcode = code;
  const unit = clean(p.unit);
  if (unit) body.eenheid = unit;
  else if (current) body.eenheid = "";
  if (p.salesPrice !== null) body.verkoopprijs = round2(p.salesPrice);
  if (p.purchasePrice !== null) body.inkoopprijs = round2(p.purchasePrice);
  if (omzetgroepId) body.artikelOmzetgroep = { id: omzetgroepId };
  return dropUndefined(body);
}

function withoutArtikelReadOnly(a: ArtikelModel | ArtikelQueryModel): ArtikelModel {
  const {
    uri: _u,
    modifiedOn: _m,
    technischeVoorraad: _t,
    vrijeVoorraad: _v,
    isHoofdartikel: _h,
    subartikelen: _s,
    ...rest
  } = a as ArtikelQueryModel & Record<string, unknown>;
  return dropNulls(rest) as ArtikelModel;
}

// ==================================================================== verkoopboekingen

export type HostBtwSoort = BtwSoort;

export interface InvoiceBookingContext {
  /** SnelStart relatie id of the customer */
  klantId: string;
  settings: {
    /** host VAT group id → SnelStart btw-soort */
    vatMapping: Record<string, HostBtwSoort | null | undefined>;
    /** grootboek id used when a line's product group has none of its own */
    defaultLedgerId: string | null | undefined;
    /** host product group id → grootboek id */
    ledgerByProductGroup?: Record<string, string | null | undefined>;
  };
  /** a mandate from GET /relaties/{id}/doorlopendeincassomachtigingen, when SEPA is on */
  doorlopendeIncassoMachtigingId?: string | null;
}

const BTW_REGEL_SOORT: Record<Exclude<BtwSoort, "Geen">, BtwRegelSoort> = {
  Laag: "VerkopenLaag",
  Hoog: "VerkopenHoog",
  Overig: "VerkopenOverig",
};

/**
 * A canonical invoice as the body of POST /verkoopboekingen, or the reasons it cannot be
 * booked yet (unmapped VAT group, no ledger, totals that do not add up).
 *
 * Amounts are handled in whole cents. Lines are booked excluding VAT; VAT is booked per
 * btw-soort in `btw[]` ("Geen" lines carry no VAT and get no entry). Line rounding may leave
 * the cents short of the invoice's own totals: up to one cent per line is absorbed in the
 * largest line / VAT bucket, so the booking equals the invoice the customer received; a
 * bigger gap is reported as a problem instead of being booked.
 */
export function invoiceToVerkoopboeking(inv: Invoice, ctx: InvoiceBookingContext): MappingResult<VerkoopBoekingModel> {
  const problems: Problem[] = [];
  const { vatMapping, defaultLedgerId, ledgerByProductGroup = {} } = ctx.settings;

  // SnelStart books in euros only; booking foreign amounts as euros would be silently wrong.
  if (inv.currency.toUpperCase() !== "EUR") {
    problems.push({
      field: "currency",
      code: "unsupportedCurrency",
      message: `Invoice currency ${inv.currency} cannot be booked: SnelStart books in EUR only.`,
      params: { currency: inv.currency },
    });
  }
  if (inv.number.length > 25) {
    problems.push({
      field: "number",
      code: "tooLong",
      message: `Invoice number "${inv.number}" is longer than the 25 characters SnelStart accepts.`,
      params: { max: 25 },
    });
  }

  const regels: VerkoopBoekingRegelModel[] = [];
  const lineCents: number[] = [];
  const vatCentsBySoort = new Map<BtwSoort, number>();
  let noLedgerReported = false;

  inv.lines.forEach((line, i) => {
    const label = lineLabel(line.description, i);
    let soort: BtwSoort | null = null;
    if (!line.vatGroupId) {
      problems.push({
        field: `lines.${i}.vatGroupId`,
        code: "vatGroupMissing",
        message: `${capitalize(label)} has no VAT group.`,
        params: { line: i + 1 },
      });
    } else {
      soort = vatMapping[line.vatGroupId] ?? null;
      if (!soort) {
        problems.push({
          field: `lines.${i}.vatGroupId`,
          code: "vatGroupUnmapped",
          message: `VAT group "${line.vatGroupId}" on ${label} is not mapped to a SnelStart VAT kind (VAT groups tab).`,
          params: { vatGroup: line.vatGroupId, line: i + 1 },
        });
      }
    }

    const ledgerId = (line.productGroupId ? ledgerByProductGroup[line.productGroupId] : null) || defaultLedgerId || null;
    if (!ledgerId && !noLedgerReported) {
      noLedgerReported = true;
      problems.push({
        field: "settings.defaultLedgerId",
        code: "noLedger",
        message: "No revenue ledger account has been chosen (Ledger accounts tab).",
      });
    }

    const cents = toCents(line.totalExcludingVat);
    lineCents.push(cents);
    if (soort) vatCentsBySoort.set(soort, (vatCentsBySoort.get(soort) ?? 0) + toCents(line.vatAmount));

    const regel: VerkoopBoekingRegelModel = {
      omschrijving: truncate(line.description.trim() || inv.subject?.trim() || `Factuur ${inv.number}`, 250),
      grootboek: { id: ledgerId ?? "" },
      bedrag: cents / 100,
    };
    if (soort) regel.btwSoort = soort;
    regels.push(regel);
  });

  // "Geen" means no VAT; a VAT amount on such a line would be lost, so refuse it.
  if ((vatCentsBySoort.get("Geen") ?? 0) !== 0) {
    problems.push({
      field: "lines",
      code: "totalsMismatch",
      message: "A line mapped to VAT kind Geen carries a VAT amount; map its VAT group to Laag, Hoog or Overig.",
    });
  }

  if (inv.paymentTermDays > 999) {
    problems.push({ field: "paymentTermDays", code: "outOfRange", message: "Payment term is over 999 days.", params: { max: 999 } });
  }

  // Unmapped lines leave the VAT buckets short; report the cause, not its echo in the totals.
  if (problems.length) return { ok: false, problems };

  // Make the rounded lines add up to the invoice's own totals (within a cent per line).
  const exclCents = toCents(inv.totalExcludingVat);
  const vatCents = toCents(inv.vatAmount);
  const inclCents = toCents(inv.totalIncludingVat);
  const tolerance = inv.lines.length;
  const lineDiff = exclCents - sum(lineCents);
  if (Math.abs(lineDiff) > tolerance) {
    problems.push(totalsProblem("totalExcludingVat", "lines excluding VAT", sum(lineCents), exclCents));
  } else if (lineDiff !== 0 && regels.length) {
    const k = indexOfLargest(lineCents);
    lineCents[k] += lineDiff;
    regels[k].bedrag = lineCents[k] / 100;
  }

  const buckets = [...vatCentsBySoort.entries()].filter(([s]) => s !== "Geen") as Array<[Exclude<BtwSoort, "Geen">, number]>;
  const vatDiff = vatCents - sum(buckets.map(([, c]) => c));
  if (vatDiff !== 0) {
    if (Math.abs(vatDiff) > tolerance || buckets.length === 0) {
      problems.push(totalsProblem("vatAmount", "VAT of the lines", sum(buckets.map(([, c]) => c)), vatCents));
    } else {
      const k = indexOfLargest(buckets.map(([, c]) => c));
      buckets[k][1] += vatDiff;
    }
  }
  if (exclCents + vatCents !== inclCents) {
    problems.push(totalsProblem("totalIncludingVat", "total excluding VAT plus VAT", exclCents + vatCents, inclCents));
  }

  if (problems.length) return { ok: false, problems };

  const body: VerkoopBoekingModel = {
    factuurnummer: inv.number,
    klant: { id: ctx.klantId },
    factuurdatum: isoDate(inv.date),
    betalingstermijn: inv.paymentTermDays,
    omschrijving: truncate(inv.subject?.trim() || `Factuur ${inv.number}`, 250),
    factuurbedrag: inclCents / 100,
    boekingsregels: regels,
    btw: buckets.map(([soort, cents]) => ({ btwSoort: BTW_REGEL_SOORT[soort], btwBedrag: cents / 100 })),
  };
  if (ctx.doorlopendeIncassoMachtigingId) body.doorlopendeIncassoMachtiging = { id: ctx.doorlopendeIncassoMachtigingId };
  return { ok: true, body };
}

// ==================================================================== verkooporders

export interface SalesOrderContext {
  relatieId: string;
  /** settings → other → verkoopordersjabloonId */
  sjabloonId: string;
  /** host product id → SnelStart artikel id (from the product links) */
  artikelIdByProductId: Record<string, string>;
  doorlopendeIncassoMachtigingId?: string | null;
}

/**
 * A canonical sales order as the body of POST /verkooporders. Prices go in excluding VAT;
 * SnelStart computes VAT from the article's omzetgroep. SnelStart numbers the order itself,
 * so the CRM's number travels in `memo` (and `orderreferentie` when there is no customer
 * reference), which is what a look-up after a lost response can search on.
 */
export function salesOrderToVerkooporder(order: SalesOrder, ctx: SalesOrderContext): MappingResult<VerkoopOrderModel> {
  const problems: Problem[] = [];
  const regels: VerkooporderRegelModel[] = order.lines.map((line, i) => {
    const regel: VerkooporderRegelModel = {
      omschrijving: truncate(line.description.trim(), 250),
      stuksprijs: line.unitPrice,
      aantal: line.quantity,
      kortingsPercentage: line.discountPercentage,
      totaal: round2(line.totalExcludingVat),
    };
    if (line.productId) {
      const artikelId = ctx.artikelIdByProductId[line.productId];
      if (artikelId) regel.artikel = { id: artikelId };
      else {
        problems.push({
          field: `lines.${i}.productId`,
          code: "productNotLinked",
          message: `${capitalize(lineLabel(line.description, i))}: product "${line.productId}" is not linked to a SnelStart article yet.`,
          params: { product: line.productId, line: i + 1 },
        });
      }
    }
    return regel;
  });
  if (order.paymentTermDays > 100) {
    problems.push({
      field: "paymentTermDays",
      code: "outOfRange",
      message: `Payment term ${order.paymentTermDays} days is over the 100 days SnelStart accepts on a sales order.`,
      params: { max: 100 },
    });
  }
  if (problems.length) return { ok: false, problems };

  const body: VerkoopOrderModel = {
    relatie: { id: ctx.relatieId },
    datum: isoDate(order.date),
    procesStatus: "Order",
    verkoopordersjabloon: { id: ctx.sjabloonId },
    verkooporderBtwIngaveModel: "Exclusief",
    krediettermijn: order.paymentTermDays,
    omschrijving: order.subject?.trim() || `Order ${order.number}`,
    orderreferentie: order.customerReference?.trim() || order.number,
    memo: `Order ${order.number}`,
    regels,
    totaalExclusiefBtw: round2(order.totalExcludingVat),
    totaalInclusiefBtw: round2(order.totalIncludingVat),
  };
  if (ctx.doorlopendeIncassoMachtigingId) body.incassomachtiging = { id: ctx.doorlopendeIncassoMachtigingId };
  return { ok: true, body };
}

// ==================================================================== payments

/**
 * Payment status of a verkoopfactuur. `remoteInvoiceId` is the verkoopboeking id (what the
 * invoice push stored as the link), falling back to the factuur's own id.
 */
export function verkoopfactuurToPayment(f: VerkoopfactuurModel): Payment {
  const outstanding = typeof f.openstaandSaldo === "number" ? toCents(f.openstaandSaldo) / 100 : toCents(f.factuurBedrag ?? 0) / 100;
  return {
    remoteInvoiceId: f.verkoopBoeking?.id ?? f.id ?? "",
    invoiceNumber: f.factuurnummer,
    total: typeof f.factuurBedrag === "number" ? toCents(f.factuurBedrag) / 100 : null,
    outstanding,
    // a SnelStart administration keeps its books in euros
    currency: "EUR",
    paid: typeof f.openstaandSaldo === "number" && outstanding === 0,
    changedAt: f.modifiedOn ?? null,
  };
}

// ==================================================================== helpers

function clean(v: string | null | undefined): string | null {
  const t = typeof v === "string" ? v.trim() : "";
  return t ? t : null;
}

function truncate(s: string, max: number): string {
  return s.length > max ? s.slice(0, max) : s;
}

function clamp(n: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, n));
}


function sum(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0);
}

function indexOfLargest(xs: number[]): number {
  let best = 0;
  xs.forEach((x, i) => {
    if (Math.abs(x) > Math.abs(xs[best])) best = i;
  });
  return best;
}

function lineLabel(description: string, i: number): string {
  const d = description.trim();
  return d ? `line ${i + 1} ("${truncate(d, 40)}")` : `line ${i + 1}`;
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function totalsProblem(field: string, what: string, computedCents: number, expectedCents: number): Problem {
  return {
    field,
    code: "totalsMismatch",
    message: `The ${what} add up to ${(computedCents / 100).toFixed(2)}, but the invoice says ${(expectedCents / 100).toFixed(2)}.`,
    params: { computed: computedCents / 100, expected: expectedCents / 100 },
  };
}

/**
 * The spec types dates as date-time; midnight UTC keeps the calendar date in NL/BE
 * (ahead of UTC) and satisfies strict RFC 3339 validators.
 */
function isoDate(date: string): string {
  return `${date}T00:00:00Z`;
}

function dropUndefined<T extends object>(o: T): T {
  for (const k of Object.keys(o) as Array<keyof T>) if (o[k] === undefined) delete o[k];
  return o;
}

function dropNulls(o: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    if (v === null || v === undefined) continue;
    out[k] = v && typeof v === "object" && !Array.isArray(v) ? dropNulls(v as Record<string, unknown>) : v;
  }
  return out;
}
