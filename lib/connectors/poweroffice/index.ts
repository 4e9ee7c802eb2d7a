/**
 * PowerOffice Go (API v2): what it syncs, how, and its settings tabs (seed 001).
 */
import { z } from "zod";
import { config } from "@/lib/config";
import { clientCache } from "@/lib/http/client-cache";
import { budgetFor } from "@/lib/sync/budget";
import type { Connector, ConnectResult } from "@/lib/sync/types";
import { createPowerOfficeClient, type PowerOfficeClient } from "./client";
import { PowerOfficeAuthError, PowerOfficeForbiddenError, PowerOfficeNetworkError, PowerOfficeServerError } from "./errors";
import { createPowerOfficeRemote } from "./remote";
import {
  isPowerOfficeSettingsComplete,
  powerOfficeOptions,
  powerOfficeSettingsSchema,
  powerOfficeSettingsTabs,
  suggestPowerOfficeSettings,
  type PowerOfficeSettings,
} from "./settings";
import nl from "./messages/nl.json";
import fr from "./messages/fr.json";
import en from "./messages/en.json";

/** The secret key the user copies from PowerOffice (seed step 4): Go calls it the client key. */
const credentialsSchema = z.object({ clientKey: z.string().trim().min(8).max(200) });
type PowerOfficeCredentials = z.infer<typeof credentialsSchema>;

// One client per Go client and process: its token (20 minutes) serves every job step.
const clients = clientCache<PowerOfficeClient>();

function clientFor(credentials: PowerOfficeCredentials): PowerOfficeClient {
  const c = config();
  const parts = [credentials.clientKey, c.POWEROFFICE_API_URL, c.POWEROFFICE_TOKEN_URL, c.POWEROFFICE_APPLICATION_KEY, c.POWEROFFICE_SUBSCRIPTION_KEY];
  return clients(parts, () =>
    createPowerOfficeClient({
      apiBaseUrl: c.POWEROFFICE_API_URL,
      tokenUrl: c.POWEROFFICE_TOKEN_URL,
      applicationKey: c.POWEROFFICE_APPLICATION_KEY,
      subscriptionKey: c.POWEROFFICE_SUBSCRIPTION_KEY,
      clientKey: credentials.clientKey,
      // one subscription key per deployment: every tenant's calls draw from its one budget
      budget: budgetFor(poweroffice.id, poweroffice.rateLimit, {
        deployment: [c.POWEROFFICE_API_URL, c.POWEROFFICE_SUBSCRIPTION_KEY],
        account: [c.POWEROFFICE_API_URL, credentials.clientKey],
      }),
    }),
  );
}

/**
 * What the integration must be allowed in Go (`GET /ClientIntegrationInformation`), each met by
 * any one of the privileges named (the spec's "Auth roles" of the calls the sync makes).
 */
const REQUIRED_PRIVILEGES: string[][] = [
  ["Customer_Full"],
  ["Supplier_Full"],
  ["ContactPerson_Full", "Customer_Full"],
  ["Product_Full"],
  ["SalesOrders_Full"],
  ["SalesOrderAttachment_Full"],
  ["OutgoingInvoice", "OutgoingInvoice_Full"],
  ["GeneralLedgerAccount", "GeneralLedgerAccount_Full"],
  ["CommonServices", "CommonServices_Full"],
];

export const poweroffice: Connector<PowerOfficeCredentials, PowerOfficeSettings> = {
  id: "poweroffice",
  name: "PowerOffice",
  // Go: 10 requests a second per subscription key, across every client (tenant) using it
  rateLimit: { limit: 10, period: "1s", per: "deployment" },
  entities: {
    relation: {
      import: true,
      // seed: PowerOffice → CRM every 15 minutes
      pull: { cron: "*/15 * * * *" },
      push: true,
      // seed: the PowerOffice id, then the debtor or creditor number
      matching: ["remoteId", "number"],
      skipInactiveOnImport: true,
      // seed: a relation deactivated in PowerOffice stays active in the CRM
      remoteDeactivation: "keep-active",
      remoteAssignsNumbers: true,
    },
    // seed: contact persons of organisations, both ways (the Algemene instellingen can turn them off)
    contactPerson: { toPackage: true, toCrm: true },
    product: { import: true, pull: { cron: "*/15 * * * *" }, push: true, remoteDeactivation: "deactivate" },
    invoice: { push: true },
    // seed: payments PowerOffice → CRM every 4 hours
    payment: { pull: { cron: "0 */4 * * *" } },
  },
  credentials: {
    schema: credentialsSchema,
    fields: [{ name: "clientKey", label: "fields.clientKey", type: "password" }],
  },
  settings: {
    schema: powerOfficeSettingsSchema,
    tabs: powerOfficeSettingsTabs,
    isComplete: isPowerOfficeSettingsComplete,
    suggest: suggestPowerOfficeSettings,
  },
  messages: { nl, fr, en },
  listing: {
    name: { nl: "PowerOffice", fr: "PowerOffice", en: "PowerOffice" },
    description: {
      nl: "Synchroniseer klanten, leveranciers, contactpersonen, producten, facturen en betalingen met PowerOffice Go.",
      fr: "Synchronisez clients, fournisseurs, contacts, produits, factures et paiements avec PowerOffice Go.",
      en: "Sync customers, suppliers, contact persons, products, invoices and payments with PowerOffice Go.",
    },
    icon: "/icons/poweroffice.svg",
  },

  async connect(credentials): Promise<ConnectResult> {
    try {
      const info = await clientFor(credentials).getClientIntegrationInformation();
      const valid = new Set(info.ValidPrivileges ?? []);
      const missing = REQUIRED_PRIVILEGES.filter((anyOf) => !anyOf.some((p) => valid.has(p))).map((anyOf) => anyOf[0]);
      if (missing.length) return { ok: false, reason: "package", message: missing.join(", "), params: { privileges: missing.join(", ") } };
      return { ok: true, account: { client: info.ClientName ?? null, clientId: info.ClientId ?? null } };
    } catch (err) {
      if (err instanceof PowerOfficeAuthError) return { ok: false, reason: "credentials", message: null };
      if (err instanceof PowerOfficeForbiddenError) return { ok: false, reason: "package", message: err.detail ?? null };
      if (err instanceof PowerOfficeNetworkError || err instanceof PowerOfficeServerError) return { ok: false, reason: "unreachable", message: null };
      throw err;
    }
  },

  async remoteOptions(credentials) {
    const client = clientFor(credentials);
    const all = async <T,>(read: (o: { pageNumber: number; pageSize: number }) => Promise<{ items: T[] }>) => (await read({ pageNumber: 1, pageSize: 5000 })).items;
    const [vatCodes, ledgerAccounts] = await Promise.all([all((o) => client.listVatCodes(o)), all((o) => client.listGeneralLedgerAccounts(o))]);
    return powerOfficeOptions({ vatCodes, ledgerAccounts }, { today: new Date().toISOString().slice(0, 10) });
  },

  remote(credentials, settings, host) {
    return createPowerOfficeRemote(clientFor(credentials), settings, host);
  },
};
