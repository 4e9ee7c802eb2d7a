// Entity sets of the sandbox host CRM, as fixed by docs/host-api.md.
// This file is the single description the store, the OData layer and the UI work from.

export type FieldType = "string" | "number" | "boolean" | "date" | "datetime" | "guid";

export interface CollectionDef {
  /** child entity sets that can appear in this collection */
  sets: string[];
  /** the single-valued navigation property on the child that points at the parent */
  via: string;
}

/** Properties Tribe does not document, which exist only while their setting is on (`POST /__admin/config`). */
export interface EntityExtras {
  /** `Address.HouseNumber` and `Address.HouseNumberAddition` (Tribe keeps the number in `Street`) */
  houseNumberFields: boolean;
  /** invoice date, payment term, IsPaid and subscription on invoices; order date and payment term on sales orders */
  assumedActivityFields: boolean;
}

export interface SetDef {
  set: string;
  type: string;
  fields: Record<string, FieldType>;
  /** single-valued navigation properties → allowed target sets */
  nav: Record<string, string[]>;
  /** collection navigation properties */
  collections: Record<string, CollectionDef>;
  /**
   * single-valued navigation properties a write may fill in place (deep insert/update): a body
   * without ID creates the target, one with the current target's ID updates it
   */
  deep?: string[];
  /** other names a navigation property is written and read under (e.g. `Organization` for `Relation`) */
  aliases?: Record<string, string>;
  /** properties (fields or navigation) that exist only while an extras setting is on */
  extras?: Record<string, keyof EntityExtras>;
  /** fields computed by the server (ignored when written) */
  computed?: string[];
  /** datastores are read-only through the API */
  readOnly?: boolean;
}

/** Fields present on every entity, maintained by the server. */
export const SYSTEM_FIELDS: Record<string, FieldType> = {
  ID: "guid",
  _Type: "string",
  _Name: "string",
  SortIndex: "number",
  CreationDate: "datetime",
  LastMutationDate: "datetime",
};

const ORG_RELATIONSHIP_SETS = [
  "Relationship_Organization_CommercialRelationship_Customer",
  "Relationship_Organization_Supplier",
  "Relationship_Organization_CommercialRelationship_Prospect",
  "Relationship_Organization_Partner",
  "Relationship_Person_Contact_Standard",
  "Relationship_Person_Contact_Employee",
];
const PERSON_RELATIONSHIP_SETS = [
  "Relationship_Person_CommercialRelationship_Customer",
  "Relationship_Person_Supplier",
];
export const RELATION_SETS = ["Relation_Organization", "Relation_Person"];
export const CUSTOMER_SETS = [
  "Relationship_Organization_CommercialRelationship_Customer",
  "Relationship_Person_CommercialRelationship_Customer",
];
const ALL_RELATIONSHIP_SETS = [...ORG_RELATIONSHIP_SETS, ...PERSON_RELATIONSHIP_SETS];

const relationshipCustomerFields: Record<string, FieldType> = {
  Name: "string",
  DebtorNumber: "string",
  PaymentTermInDays: "number",
  IsActive: "boolean",
};
const supplierFields: Record<string, FieldType> = { CreditorNumber: "string", IsActive: "boolean" };
const contactFields: Record<string, FieldType> = {
  EmailAddress: "string",
  PhoneNumber: "string",
  MobilePhoneNumber: "string",
  Department: "string",
};
const lineTotals = ["TotalExcludingVat", "VatAmount", "TotalIncludingVat"];
/** the addresses of a relation: single-valued navigation properties to Address entities */
const ADDRESS_NAV = { VisitingAddress: ["Address"], PostalAddress: ["Address"], InvoiceAddress: ["Address"] };
const ADDRESS_NAV_NAMES = Object.keys(ADDRESS_NAV);
/** Tribe's n8n node creates an organization's relationship with `Organization: {ID}` */
const ORGANIZATION_ALIAS = { Organization: "Relation" };

/** documented on invoices (FACTS §1, §5); sales orders are activities too */
const activityFields: Record<string, FieldType> = {
  Number: "string",
  Subject: "string",
  Amount: "number",
  Currency: "string",
  IsVatIncluded: "boolean",
  DiscountPercentage: "number",
  IsActive: "boolean",
  IsClosed: "boolean",
};
/** the customer is the `Relation` of the activity's `Relationship`; `Contact` is a contact person */
const activityNav: Record<string, string[]> = {
  Relationship: ALL_RELATIONSHIP_SETS,
  Contact: ["Relationship_Person_Contact_Standard"],
};

const defs: SetDef[] = [
  {
    set: "Relation_Organization",
    type: "Relation.Organization",
    fields: {
      Name: "string",
      PhoneNumber: "string",
      EmailAddress: "string",
      FinancialEmailAddress: "string",
      Website: "string",
      VatNumber: "string",
      ChamberOfCommerceNumber: "string",
      ChamberOfCommerceName: "string",
      IsActive: "boolean",
      IsOwnOrganization: "boolean",
    },
    nav: ADDRESS_NAV,
    deep: ADDRESS_NAV_NAMES,
    collections: {
      Relationships: { sets: ORG_RELATIONSHIP_SETS, via: "Relation" },
    },
  },
  {
    set: "Relation_Person",
    type: "Relation.Person",
    fields: {
      FirstName: "string",
      MiddleName: "string",
      LastName: "string",
      EmailAddress: "string",
      PhoneNumber: "string",
      MobilePhoneNumber: "string",
      IsActive: "boolean",
    },
    nav: ADDRESS_NAV,
    deep: ADDRESS_NAV_NAMES,
    collections: {
      Relationships: { sets: PERSON_RELATIONSHIP_SETS, via: "Relation" },
    },
  },
  {
    set: "Address",
    type: "Address",
    fields: {
      Street: "string",
      HouseNumber: "string",
      HouseNumberAddition: "string",
      Postalcode: "string",
      City: "string",
    },
    nav: { Country: ["Datastore_Country"] },
    extras: { HouseNumber: "houseNumberFields", HouseNumberAddition: "houseNumberFields" },
    collections: {},
  },
  {
    set: "Relationship_Organization_CommercialRelationship_Customer",
    type: "Relationship.Organization.CommercialRelationship.Customer",
    fields: relationshipCustomerFields,
    nav: { Relation: ["Relation_Organization"] },
    aliases: ORGANIZATION_ALIAS,
    collections: {},
  },
  {
    set: "Relationship_Person_CommercialRelationship_Customer",
    type: "Relationship.Person.CommercialRelationship.Customer",
    fields: relationshipCustomerFields,
    nav: { Relation: ["Relation_Person"] },
    collections: {},
  },
  {
    set: "Relationship_Organization_Supplier",
    type: "Relationship.Organization.Supplier",
    fields: supplierFields,
    nav: { Relation: ["Relation_Organization"] },
    aliases: ORGANIZATION_ALIAS,
    collections: {},
  },
  {
    set: "Relationship_Person_Supplier",
    type: "Relationship.Person.Supplier",
    fields: supplierFields,
    nav: { Relation: ["Relation_Person"] },
    collections: {},
  },
  {
    set: "Relationship_Organization_CommercialRelationship_Prospect",
    type: "Relationship.Organization.CommercialRelationship.Prospect",
    fields: { IsActive: "boolean" },
    nav: { Relation: ["Relation_Organization"] },
    aliases: ORGANIZATION_ALIAS,
    collections: {},
  },
  {
    set: "Relationship_Organization_Partner",
    type: "Relationship.Organization.Partner",
    fields: { IsActive: "boolean" },
    nav: { Relation: ["Relation_Organization"] },
    aliases: ORGANIZATION_ALIAS,
    collections: {},
  },
  {
    set: "Relationship_Person_Contact_Standard",
    type: "Relationship.Person.Contact.Standard",
    fields: contactFields,
    nav: { Person: ["Relation_Person"], Relation: ["Relation_Organization"] },
    aliases: ORGANIZATION_ALIAS,
    collections: {},
  },
  {
    set: "Relationship_Person_Contact_Employee",
    type: "Relationship.Person.Contact.Employee",
    fields: { ...contactFields, IsActive: "boolean" },
    nav: { Person: ["Relation_Person"], Relation: ["Relation_Organization"] },
    aliases: ORGANIZATION_ALIAS,
    collections: {},
  },
  {
    set: "Product",
    type: "Product",
    fields: {
      Name: "string",
      Code: "string",
      Description: "string",
      SalesPrice: "number",
      PurchasePrice: "number",
      IsInactive: "boolean",
    },
    nav: {
      Unit: ["Datastore_Unit"],
      VatGroup: ["Datastore_VatGroup"],
      ProductGroup: ["Datastore_ProductGroup"],
      GeneralLedgerAccount: ["Datastore_GeneralLedgerAccount"],
    },
    collections: {},
  },
  {
    set: "Activity_Invoice",
    type: "Activity.Invoice",
    fields: {
      ...activityFields,
      InvoiceDate: "date",
      PaymentTermInDays: "number",
      IsPaid: "boolean",
    },
    nav: {
      ...activityNav,
      Phase: ["Datastore_Phase_ActivityInvoice"],
      Subscription: ["Activity_Subscription"],
    },
    extras: { InvoiceDate: "assumedActivityFields", PaymentTermInDays: "assumedActivityFields", IsPaid: "assumedActivityFields", Subscription: "assumedActivityFields" },
    collections: { ProductLines: { sets: ["ProductLine"], via: "Activity" } },
    computed: ["Amount"],
  },
  {
    set: "Activity_SalesOrder",
    type: "Activity.SalesOrder",
    fields: {
      ...activityFields,
      OrderDate: "date",
      PaymentTermInDays: "number",
      DeliveryDate: "date",
      CustomerReference: "string",
      ExternalOrderNumber: "string",
    },
    nav: { ...activityNav, Phase: ["Datastore_Phase_ActivitySalesOrder"] },
    extras: { OrderDate: "assumedActivityFields", PaymentTermInDays: "assumedActivityFields" },
    collections: { ProductLines: { sets: ["ProductLine"], via: "Activity" } },
    computed: ["Amount"],
  },
  {
    set: "Activity_Subscription",
    type: "Activity.Subscription",
    fields: { Subject: "string", StartDate: "date" },
    nav: { Relation: RELATION_SETS },
    collections: {},
  },
  {
    set: "ProductLine",
    type: "ProductLine",
    fields: {
      Description: "string",
      Quantity: "number",
      Price: "number",
      DiscountPercentage: "number",
      VatPercentage: "number",
      TotalExcludingVat: "number",
      VatAmount: "number",
      TotalIncludingVat: "number",
    },
    nav: {
      Activity: ["Activity_Invoice", "Activity_SalesOrder"],
      Product: ["Product"],
      VatGroup: ["Datastore_VatGroup"],
    },
    collections: {},
    computed: lineTotals,
  },
  {
    set: "Datastore_VatGroup",
    type: "Datastore.VatGroup",
    fields: { Name: "string", Code: "string", Percentage: "number", CountryCode: "string", IsDefault: "boolean" },
    nav: {},
    collections: {},
    readOnly: true,
  },
  {
    set: "Datastore_Unit",
    type: "Datastore.Unit",
    fields: { Name: "string", Code: "string", IsDefault: "boolean" },
    nav: {},
    collections: {},
    readOnly: true,
  },
  {
    set: "Datastore_ProductGroup",
    type: "Datastore.ProductGroup",
    fields: { Name: "string", Code: "string" },
    nav: {},
    collections: {},
    readOnly: true,
  },
  {
    set: "Datastore_GeneralLedgerAccount",
    type: "Datastore.GeneralLedgerAccount",
    fields: { Name: "string", Code: "string" },
    nav: {},
    collections: {},
    readOnly: true,
  },
  {
    set: "Datastore_Country",
    type: "Datastore.Country",
    fields: { Name: "string", Code: "string" },
    nav: {},
    collections: {},
    readOnly: true,
  },
  {
    set: "Datastore_RelationshipType",
    type: "Datastore.RelationshipType",
    fields: { Name: "string", Code: "string", EntityType: "string" },
    nav: {},
    collections: {},
    readOnly: true,
  },
  {
    set: "Datastore_Phase_ActivityInvoice",
    type: "Datastore.Phase.ActivityInvoice",
    fields: { Name: "string", Code: "string" },
    nav: {},
    collections: {},
    readOnly: true,
  },
  {
    set: "Datastore_Phase_ActivitySalesOrder",
    type: "Datastore.Phase.ActivitySalesOrder",
    fields: { Name: "string", Code: "string" },
    nav: {},
    collections: {},
    readOnly: true,
  },
];

export const SETS: ReadonlyMap<string, SetDef> = new Map(defs.map((d) => [d.set, d]));
export const SET_BY_TYPE: ReadonlyMap<string, SetDef> = new Map(defs.map((d) => [d.type, d]));
export const SET_NAMES: readonly string[] = defs.map((d) => d.set);

/** Insert order that satisfies references (used by seeding). */
export const LOAD_ORDER: readonly string[] = [
  "Datastore_VatGroup",
  "Datastore_Unit",
  "Datastore_ProductGroup",
  "Datastore_GeneralLedgerAccount",
  "Datastore_Country",
  "Datastore_RelationshipType",
  "Datastore_Phase_ActivityInvoice",
  "Datastore_Phase_ActivitySalesOrder",
  "Address",
  "Relation_Organization",
  "Relation_Person",
  ...ALL_RELATIONSHIP_SETS,
  "Product",
  "Activity_Subscription",
  "Activity_Invoice",
  "Activity_SalesOrder",
  "ProductLine",
];

/** Entity types whose create/update sends a webhook unconditionally. */
export function webhookOnEveryWrite(type: string): boolean {
  return (
    type === "Relation.Organization" ||
    type === "Relation.Person" ||
    type === "Address" ||
    type === "Product" ||
    type.startsWith("Relationship.")
  );
}

/** Entity types that send a webhook only when their Phase changes. */
export function webhookOnPhaseChange(type: string): boolean {
  return type === "Activity.Invoice" || type === "Activity.SalesOrder";
}

/** A navigation property's own name for one of its aliases (or the name itself). */
export function navName(def: SetDef, name: string): string {
  return def.aliases?.[name] ?? name;
}
