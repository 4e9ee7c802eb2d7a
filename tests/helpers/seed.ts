/**
 * Ids and logins from the sandboxes' seed data (sandbox/host/seed.json,
 * sandbox/vendors/snelstart/seed.json), for the tests and the bench alike.
 */
export const SANDBOX_TENANT = "7ad63a7b-6a76-57a8-a6c4-46099c1d4411"; // Sandbox BV
export const OTHER_TENANT = "11330df0-a15e-595f-85f9-7c9a298287a1"; // Fjordhandel AS
/** Sandbox BV's Datastore_Country row of the Netherlands */
export const SANDBOX_COUNTRY_NL = "60b981bc-70b8-55db-89ef-787d92447d55";
/** The InKaart administratie's bookkeeper (SnelStart) */
export const KORENSCHOOF = { method: "password", username: "boekhouding@korenschoof.test", password: "Korenschoof-InKaart-2024!" } as const;
export const KORENSCHOOF_ADM = "eb1ebe55-f583-5175-a983-8a338d622701";
