/**
 * Model types of the SnelStart B2B API v2, derived from the generated `api.d.ts`
 * (`npm run gen:snelstart`). Nothing here is typed by hand: when the spec changes,
 * regenerate and let the compiler point at what moved.
 */
import type { components, paths } from "./api";

type Schemas = components["schemas"];
/** Model names below the SnelStart namespace; a typo in M<…> is a compile error, not `never`. */
type ModelName = keyof Schemas extends infer K
  ? K extends `SnelStart.B2B.Api.V2.Models.${infer N}`
    ? N
    : never
  : never;
type M<Name extends ModelName> = Schemas[`SnelStart.B2B.Api.V2.Models.${Name}`];

export type { components, paths };

export type RelatieModel = M<"Relaties.RelatieModel">;
/** Body of POST /relaties and PUT /relaties/{id} (and what they answer). */
export type RelatieWriteModel = M<"Relaties.RelatieWriteModel">;
export type AdresModel = M<"Relaties.AdresModel">;
export type DoorlopendeIncassoMachtigingModel = M<"Relaties.DoorlopendeIncassoMachtigingModel">;

/** Body of POST /artikelen and PUT /artikelen/{id}. */
export type ArtikelModel = M<"Artikelen.ArtikelModel">;
/** What GET /artikelen and GET /artikelen/{id} answer (ArtikelModel plus sub-articles). */
export type ArtikelQueryModel = M<"Artikelen.ArtikelQueryModel">;
export type ArtikelOmzetGroepModel = M<"Artikelen.ArtikelOmzetGroepModel">;

export type GrootboekModel = M<"Grootboeken.GrootboekModel">;
export type DagboekModel = M<"Dagboeken.DagboekModel">;
export type BtwTariefModel = M<"BtwTarieven.BtwTariefModel">;
export type LandModel = M<"Landen.LandModel">;
export type CompanyInfoModel = M<"CompanyInfo.CompanyInfoModel">;

export type VerkoopBoekingModel = M<"VerkoopBoekingen.VerkoopBoekingModel">;
export type VerkoopBoekingRegelModel = M<"VerkoopBoekingen.VerkoopBoekingRegelModel">;
export type VerkoopBoekingBtwRegelModel = M<"VerkoopBoekingen.VerkoopBoekingBtwRegelModel">;

export type DocumentContentModel = M<"Documenten.DocumentContentModel">;
export type DocumentIdentifierModel = M<"Documenten.DocumentIdentifierModel">;
export type VerkoopBoekingBijlageReferenceModel = M<"Bijlagen.VerkoopBoekingBijlageReferenceModel">;

export type VerkoopfactuurModel = M<"Verkoopfacturen.VerkoopfactuurModel">;
export type VerkoopOrderModel = M<"Verkooporders.VerkoopOrderModel">;
export type VerkooporderRegelModel = M<"Verkooporders.VerkooporderRegelModel">;
export type VerkoopOrderSjabloonModel = M<"Verkoopordersjablonen.VerkoopOrderSjabloonModel">;

/** VAT kind of a booking line and of an omzetgroep: Geen | Laag | Hoog | Overig. */
export type BtwSoort = NonNullable<VerkoopBoekingRegelModel["btwSoort"]>;
/** VAT kind of a booking's VAT total: VerkopenLaag, VerkopenHoog, … */
export type BtwRegelSoort = NonNullable<VerkoopBoekingBtwRegelModel["btwSoort"]>;

/**
 * A record the client has checked to carry an `id` (the zod response schemas require it),
 * so callers need not handle `id?: string`.
 */
export type WithId<T> = T & { id: string };
