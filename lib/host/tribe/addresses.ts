/**
 * A Tribe relation's addresses ↔ canonical addresses (pure: no I/O).
 *
 * Tribe documents an organization's addresses as single-valued navigation properties
 * (`VisitingAddress`, `PostalAddress`; its own clients also use `InvoiceAddress`) to `Address`
 * entities with `Street`, `Postalcode`, `City` and a `Country` navigation whose `Name` is
 * documented (docs/host-api.md). The house number is part of `Street` ("Keizersgracht 123 A");
 * separate `HouseNumber`/`HouseNumberAddition` fields are not documented: read when a CRM has
 * them, written only when configured.
 */
import { z } from "zod";
import type { Address, AddressKind, Relation } from "@/lib/model";
import { splitStreet } from "@/lib/model/street";
import { RecordRejectedError, type Localized } from "@/lib/sync/types";
import { clean, text } from "./entity";

export const ADDRESS_NAVS = ["VisitingAddress", "PostalAddress", "InvoiceAddress"] as const;
export type AddressNav = (typeof ADDRESS_NAVS)[number];

export const KIND_BY_NAV: Readonly<Record<AddressNav, AddressKind>> = {
  VisitingAddress: "visiting",
  PostalAddress: "postal",
  InvoiceAddress: "invoice",
};

/** How the settings screens name each address, in the user's language. */
export const ADDRESS_LABELS: Readonly<Record<AddressNav, Localized>> = {
  VisitingAddress: { nl: "Bezoekadres", fr: "Adresse de visite", en: "Visiting address" },
  PostalAddress: { nl: "Postadres", fr: "Adresse postale", en: "Postal address" },
  InvoiceAddress: { nl: "Factuuradres", fr: "Adresse de facturation", en: "Invoice address" },
};

/** `$expand` of a relation's addresses with their countries. */
export const ADDRESS_EXPAND = ADDRESS_NAVS.map((n) => `${n}($expand=Country)`).join(",");

/** `Datastore_Country`: its set name and `Code` (ISO 3166-1 alpha-2) are assumed; `Name` is documented. */
export const tribeCountry = z.looseObject({ ID: z.string(), Name: text, Code: text });
export type TribeCountry = z.infer<typeof tribeCountry>;

export const tribeAddress = z.looseObject({
  ID: z.string(),
  _Type: text,
  LastMutationDate: text,
  Street: text,
  HouseNumber: text,
  HouseNumberAddition: text,
  Postalcode: text,
  City: text,
  Country: tribeCountry.nullish(),
});
export type TribeAddress = z.infer<typeof tribeAddress>;

/** What a relation read holds of its addresses. */
export type AddressSlots = Partial<Record<AddressNav, TribeAddress | null>>;
export const addressSlots = Object.fromEntries(ADDRESS_NAVS.map((n) => [n, tribeAddress.nullish()])) as Record<
  AddressNav,
  z.ZodOptional<z.ZodNullable<typeof tribeAddress>>
>;

export type AddressWriteOptions = {
  /** write the house number into `HouseNumber`/`HouseNumberAddition` instead of `Street` */
  houseNumberFields?: boolean;
  /** `Datastore_Country` ID of each ISO code the write needs */
  countryIds?: ReadonlyMap<string, string>;
};

/** Country names in the languages Tribe is used in → ISO code, for a country without a (known) `Code`. */
let codeByName: Map<string, string> | null = null;
function countryCodeByName(name: string): string | null {
  if (!codeByName) {
    codeByName = new Map();
    const letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    for (const lang of ["nl", "en", "fr", "de"]) {
      const names = new Intl.DisplayNames([lang], { type: "region", fallback: "none" });
      for (const a of letters) {
        for (const b of letters) {
          const n = names.of(a + b);
          if (n && !codeByName.has(n.toLowerCase())) codeByName.set(n.toLowerCase(), a + b);
        }
      }
    }
  }
  return codeByName.get(name.trim().toLowerCase()) ?? null;
}

/** The ISO code of an address's country: its `Code`, else looked up from its `Name`. */
export function countryCode(c: TribeCountry | null | undefined): string | null {
  const code = clean(c?.Code);
  if (code && /^[A-Za-z]{2}$/.test(code)) return code.toUpperCase();
  const name = clean(c?.Name);
  return name ? countryCodeByName(name) : null;
}

/** Street, house number and addition: from their own fields when the CRM has them, else from `Street`. */
function streetParts(a: TribeAddress): Pick<Address, "street" | "houseNumber" | "houseNumberAddition"> {
  const number = clean(a.HouseNumber);
  if (number) return { street: clean(a.Street), houseNumber: number, houseNumberAddition: clean(a.HouseNumberAddition) };
  return splitStreet(a.Street);
}

export function addressFromTribe(nav: AddressNav, a: TribeAddress): Address {
  return {
    kind: KIND_BY_NAV[nav],
    ...streetParts(a),
    postcode: clean(a.Postalcode),
    city: clean(a.City),
    country: countryCode(a.Country),
    hostTypeId: nav,
  };
}

export function addressesFromTribe(e: AddressSlots): Address[] {
  return ADDRESS_NAVS.flatMap((nav) => (e[nav] ? [addressFromTribe(nav, e[nav])] : []));
}

/** The navigation property an address is written to: its host type, else its kind's. */
export function addressNavOf(a: Address): AddressNav {
  if (a.hostTypeId && (ADDRESS_NAVS as readonly string[]).includes(a.hostTypeId)) return a.hostTypeId as AddressNav;
  const nav = ADDRESS_NAVS.find((n) => KIND_BY_NAV[n] === a.kind);
  if (!nav) throw new RecordRejectedError("host.tribe.addressTypeMissing", { kind: a.kind, code: a.hostTypeId ?? a.kind });
  return nav;
}

/** The addresses a relation should hold, one per navigation property (the first of each wins). */
export function wantedAddresses(d: Pick<Relation, "addresses">): Map<AddressNav, Address> {
  const out = new Map<AddressNav, Address>();
  for (const a of d.addresses) {
    const nav = addressNavOf(a);
    if (!out.has(nav)) out.set(nav, a);
  }
  return out;
}

/** `Street` as Tribe writes it: "Keizersgracht 123 A". */
function streetText(a: Pick<Address, "street" | "houseNumber" | "houseNumberAddition">): string | null {
  return [a.street, a.houseNumber, a.houseNumberAddition].map((v) => clean(v)).filter(Boolean).join(" ") || null;
}

function countryRef(code: string | null, opts: AddressWriteOptions): { ID: string } | null {
  if (!code) return null;
  const id = opts.countryIds?.get(code);
  if (!id) throw new RecordRejectedError("host.tribe.countryMissing", { country: code });
  return { ID: id };
}

/** The fields of an address write (null clears). */
function addressFields(a: Address, opts: AddressWriteOptions): Record<string, unknown> {
  return {
    ...(opts.houseNumberFields
      ? { Street: a.street, HouseNumber: a.houseNumber, HouseNumberAddition: a.houseNumberAddition }
      : { Street: streetText(a) }),
    Postalcode: a.postcode,
    City: a.city,
  };
}

/** Deep-insert body of a new address. */
export function newAddressBody(a: Address, opts: AddressWriteOptions): Record<string, unknown> {
  const body = Object.fromEntries(Object.entries(addressFields(a, opts)).filter(([, v]) => v != null));
  const country = countryRef(a.country, opts);
  return country ? { ...body, Country: country } : body;
}

const norm = (v: string | null) => (v ?? "").replace(/\s+/g, " ").trim().toLowerCase();

/** What must change on `current` for it to hold `a` (null: nothing); parts compare, not spellings. */
export function addressDiff(current: TribeAddress, a: Address, opts: AddressWriteOptions): Record<string, unknown> | null {
  const parts = streetParts(current);
  const diff: Record<string, unknown> = {};
  const fields = addressFields(a, opts);
  const partsDiffer = (["street", "houseNumber", "houseNumberAddition"] as const).some((k) => norm(parts[k]) !== norm(a[k]));
  if (partsDiffer) {
    for (const k of ["Street", "HouseNumber", "HouseNumberAddition"]) if (k in fields) diff[k] = fields[k];
    // the number moves into Street: a separate one the CRM still holds is cleared
    if (!opts.houseNumberFields && clean(current.HouseNumber)) Object.assign(diff, { HouseNumber: null, HouseNumberAddition: null });
  }
  if (norm(clean(current.Postalcode)) !== norm(a.postcode)) diff.Postalcode = a.postcode;
  if (norm(clean(current.City)) !== norm(a.city)) diff.City = a.city;
  if (a.country && countryCode(current.Country) !== a.country) diff.Country = countryRef(a.country, opts);
  return Object.keys(diff).length ? diff : null;
}

/** ISO codes of the countries a write of `d` over `current` would reference anew. */
export function countriesToWrite(current: AddressSlots | null, d: Pick<Relation, "addresses">): string[] {
  const out = new Set<string>();
  for (const [nav, a] of wantedAddresses(d)) {
    const hit = current?.[nav];
    if (a.country && (!hit || countryCode(hit.Country) !== a.country)) out.add(a.country);
  }
  return [...out];
}

/** An address in Tribe's shape, rebuilt from a canonical one (no IDs). */
export function addressToTribeShape(a: Address): TribeAddress {
  return {
    ID: "",
    _Type: "Address",
    Street: streetText(a),
    Postalcode: a.postcode,
    City: a.city,
    Country: a.country ? { ID: "", Code: a.country } : null,
  };
}
