/**
 * zod schemas for the fields of SnelStart's answers that the app relies on. Everything else
 * passes through untouched (looseObject). Optional fields are `nullish` because the .NET
 * serializer writes `null` where the spec only says "optional".
 *
 * The client checks each answer with these and then hands back the generated type
 * (types.ts), so the schema is a guard, not a second source of types.
 */
import { z } from "zod";

const text = z.string().nullish();
const int = z.number().int().nullish();
const num = z.number().nullish();
const bool = z.boolean().nullish();
/** SnelStart ids are .NET Guids: any 8-4-4-4-12 hex (not necessarily RFC 4122 versioned). */
const guid = z.guid();
const ref = z.looseObject({ id: guid }).nullish();

const adres = z
  .looseObject({ contactpersoon: text, straat: text, postcode: text, plaats: text, land: ref })
  .nullish();

export const relatie = z.looseObject({
  id: guid,
  relatiecode: int,
  naam: text,
  relatiesoort: z.array(z.string()).nullish(),
  nonactief: bool,
  modifiedOn: text,
  vestigingsAdres: adres,
  correspondentieAdres: adres,
  telefoon: text,
  mobieleTelefoon: text,
  email: text,
  websiteUrl: text,
  btwNummer: text,
  kvkNummer: text,
  krediettermijn: int,
});

export const artikel = z.looseObject({
  id: guid,
  artikelcode: text,
  omschrijving: text,
  artikelOmzetgroep: ref,
  verkoopprijs: num,
  inkoopprijs: num,
  eenheid: text,
  isNonActief: bool,
  modifiedOn: text,
});

export const artikelOmzetgroep = z.looseObject({
  id: guid,
  nummer: int,
  omschrijving: text,
  verkoopGrootboekNederlandIdentifier: ref,
  verkoopNederlandBtwSoort: text,
});

export const grootboek = z.looseObject({
  id: guid,
  nummer: int,
  omschrijving: text,
  nonactief: bool,
  grootboekfunctie: text,
  rekeningCode: text,
});

export const dagboek = z.looseObject({ id: guid, nummer: int, omschrijving: text, soort: text, nonactief: bool });

export const btwTarief = z.looseObject({
  btwSoort: z.string(),
  btwPercentage: z.number(),
  datumVanaf: text,
  datumTotEnMet: text,
});

export const land = z.looseObject({ id: guid, naam: text, landcodeISO: text, landcode: text });

export const verkoopordersjabloon = z.looseObject({ id: guid, omschrijving: text, nonactief: bool });

export const verkoopboeking = z.looseObject({
  id: guid,
  factuurnummer: z.string(),
  klant: ref,
  factuurbedrag: num,
  factuurdatum: text,
  modifiedOn: text,
});

export const documentIdentifier = z.looseObject({ id: guid });

export const bijlageReference = z.looseObject({ id: guid, fileName: text, verkoopBoekingId: guid.nullish() });

/** The payment status feed: `openstaandSaldo` is what the app exists to read here, so it is required. */
export const verkoopfactuur = z.looseObject({
  id: guid,
  factuurnummer: z.string(),
  openstaandSaldo: z.number(),
  factuurBedrag: num,
  verkoopBoeking: ref,
  relatie: ref,
  modifiedOn: text,
});

export const verkooporder = z.looseObject({ id: guid, nummer: int, relatie: ref, modifiedOn: text });

export const doorlopendeIncassoMachtiging = z.looseObject({
  id: guid,
  kenmerk: text,
  omschrijving: text,
  afsluitDatum: text,
  intrekkingsDatum: text,
  klant: ref,
});

export const companyInfo = z.looseObject({
  administratieIdentifier: text,
  administratieNaam: text,
  bedrijfsnaam: text,
});

/** POST {authUrl}: `{access_token, token_type: "bearer", expires_in: 3599}`. */
export const token = z.looseObject({
  access_token: z.string().min(1),
  token_type: text,
  expires_in: z.coerce.number().positive(),
});
