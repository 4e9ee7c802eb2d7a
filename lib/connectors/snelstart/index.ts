/**
 * SnelStart (B2B API v2): what it syncs, how, and its settings tabs (seed 002).
 */
import { z } from "zod";
import { config } from "@/lib/config";
import { clientCache } from "@/lib/http/client-cache";
import { budgetFor } from "@/lib/sync/budget";
import type { Connector, ConnectResult, HostOptions, Option } from "@/lib/sync/types";
import { createSnelStartClient, type SnelStartClient } from "./client";
import { snelStartCredentialsForm, toClientCredentials, type SnelStartCredentialsForm } from "./credentials";
import { SnelStartAuthError, SnelStartForbiddenError, SnelStartNetworkError, SnelStartServerError } from "./errors";
import { createSnelStartRemote } from "./remote";
import {
  addressesTab,
  debtorsTab,
  ledgersTab,
  otherTab,
  sepaTab,
  snelStartSettings,
  vatGroupsTab,
  DEFAULT_EXPORT_RELATION_TYPES,
  type SnelStartSettings,
} from "./settings";
import nl from "./messages/nl.json";
import fr from "./messages/fr.json";
import en from "./messages/en.json";

// One client per administration and process, so its token (valid an hour) serves every job
// step instead of being fetched again for each.
const clients = clientCache<SnelStartClient>();

function clientFor(form: SnelStartCredentialsForm): SnelStartClient {
  const c = config();
  return clients([form, c.SNELSTART_API_URL, c.SNELSTART_AUTH_URL, c.SNELSTART_SUBSCRIPTION_KEY], () => {
    const { credentials, subscriptionKey } = toClientCredentials(form, c.SNELSTART_SUBSCRIPTION_KEY);
    return createSnelStartClient({
      apiBaseUrl: c.SNELSTART_API_URL,
      authUrl: c.SNELSTART_AUTH_URL,
      subscriptionKey: subscriptionKey ?? "",
      credentials,
      // the account is the administration its key opens (or the user signing in: a changed password
      // keeps the budget); the deployment, the subscription key
      budget: budgetFor(snelstart.id, snelstart.rateLimit, {
        deployment: [c.SNELSTART_API_URL, subscriptionKey ?? ""],
        account: [c.SNELSTART_API_URL, credentials.kind === "clientkey" ? credentials.clientKey : `user:${credentials.username}`],
      }),
    });
  });
}

const tabIds = ["vatGroups", "ledgers", "debtors", "addresses", "other", "sepa"] as const;

/** Settings are saved per tab; the mapping reads them as one flat object. */
function flatten(settings: unknown): Record<string, unknown> {
  const s = (settings ?? {}) as Record<string, Record<string, unknown> | undefined>;
  return Object.assign({}, ...tabIds.map((t) => s[t] ?? {}));
}

const settingsSchema = z.preprocess(flatten, snelStartSettings) as unknown as z.ZodType<SnelStartSettings>;

/** How a host VAT group most likely maps, from its rate and country against SnelStart's rates. */
function suggestBtwSoort(group: HostOptions["vatGroups"][number], ownCountry: string | null, rates: Option[]): string {
  if (group.percentage === 0) return "Geen";
  if (group.country && ownCountry && group.country !== ownCountry) return "Overig";
  const hit = rates.find((r) => r.hint !== undefined && Number(r.hint) === group.percentage);
  return hit?.value ?? "Overig";
}

export const snelstart: Connector<SnelStartCredentialsForm, SnelStartSettings> = {
  id: "snelstart",
  name: "SnelStart",
  // SnelStart publishes no limit and counts per administration (the simulator does too); stay well
  // below what Azure API Management usually allows
  rateLimit: { limit: 600, period: "1m", per: "account" },
  entities: {
    relation: {
      import: true,
      pull: { cron: "0 * * * *" },
      push: true,
      matching: ["remoteId", "number", "nameAddress"],
      skipInactiveOnImport: true,
      remoteDeactivation: "keep-active",
      remoteAssignsNumbers: true,
    },
    product: { import: true, pull: { cron: "5 * * * *" }, push: true, remoteDeactivation: "deactivate" },
    invoice: { push: true },
    salesOrder: { push: true },
    payment: { pull: { cron: "10 * * * *" } },
  },
  credentials: {
    schema: snelStartCredentialsForm,
    fields: [
      { name: "method", label: "fields.method", type: "select", options: ["password", "clientkey"] },
      { name: "password:username", label: "fields.username", type: "text" },
      { name: "password:password", label: "fields.password", type: "password" },
      { name: "clientkey:clientKey", label: "fields.clientKey", type: "password" },
      { name: "subscriptionKey", label: "fields.subscriptionKey", type: "password", optional: true },
    ],
  },
  settings: {
    schema: settingsSchema,
    tabs: [
      {
        id: "vatGroups",
        label: "tabs.vatGroups",
        help: "help.vatGroups",
        schema: vatGroupsTab,
        fields: [{ kind: "mapping", name: "vatMapping", label: "labels.vatMapping", rows: "vatGroups", options: "btwSoorten", required: true }],
      },
      {
        id: "ledgers",
        label: "tabs.ledgers",
        help: "help.ledgers",
        schema: ledgersTab,
        fields: [
          { kind: "select", name: "defaultLedgerId", label: "labels.defaultLedgerId", options: "grootboeken", required: true },
          { kind: "mapping", name: "ledgerByProductGroup", label: "labels.ledgerByProductGroup", rows: "productGroups", options: "grootboeken", required: false },
        ],
      },
      {
        id: "debtors",
        label: "tabs.debtors",
        help: "help.debtors",
        schema: debtorsTab,
        fields: [{ kind: "multiselect", name: "exportRelationTypes", label: "labels.exportRelationTypes", options: "relationTypes" }],
      },
      {
        id: "addresses",
        label: "tabs.addresses",
        help: "help.addresses",
        schema: addressesTab,
        fields: [
          { kind: "select", name: "vestigingsAdresType", label: "labels.vestigingsAdresType", options: "addressTypes", required: true },
          { kind: "select", name: "correspondentieAdresType", label: "labels.correspondentieAdresType", options: "addressTypes", required: true },
        ],
      },
      {
        id: "other",
        label: "tabs.other",
        help: "help.other",
        schema: otherTab,
        fields: [
          { kind: "radio", name: "mode", label: "labels.mode", options: "modes" },
          { kind: "select", name: "verkoopordersjabloonId", label: "labels.verkoopordersjabloonId", options: "verkoopordersjablonen", required: false },
        ],
      },
      { id: "sepa", label: "tabs.sepa", help: "help.sepa", schema: sepaTab, fields: [{ kind: "toggle", name: "sepaEnabled", label: "labels.sepaEnabled" }] },
    ],
    isComplete(settings) {
      const s = (settings ?? {}) as Record<string, unknown>;
      return tabIds.every((t) => s[t] != null) && snelStartSettings.safeParse(flatten(settings)).success;
    },
    suggest(tabId, host, options) {
      switch (tabId) {
        case "vatGroups":
          return {
            vatMapping: Object.fromEntries(host.vatGroups.map((g) => [g.value, suggestBtwSoort(g, host.ownCountry, options.btwSoorten ?? [])])),
          };
        case "ledgers": {
          const ledgers = options.grootboeken ?? [];
          return { defaultLedgerId: (ledgers.find((l) => l.label.startsWith("8000")) ?? ledgers[0])?.value, ledgerByProductGroup: {} };
        }
        case "debtors":
          return { exportRelationTypes: DEFAULT_EXPORT_RELATION_TYPES.filter((t) => host.relationTypes.some((r) => r.value === t)) };
        case "addresses": {
          const byKind = (kind: string) => host.addressTypes.find((t) => t.kind === kind)?.value;
          return { vestigingsAdresType: byKind("visiting"), correspondentieAdresType: byKind("postal") ?? byKind("visiting") };
        }
        case "other":
          return { mode: "invoices", verkoopordersjabloonId: null };
        default:
          return { sepaEnabled: false };
      }
    },
  },
  messages: { nl, fr, en },
  listing: {
    name: { nl: "SnelStart", fr: "SnelStart", en: "SnelStart" },
    description: {
      nl: "Synchroniseer klanten, leveranciers, producten en facturen met SnelStart (InKaart, InBalans, InZicht, InControle).",
      fr: "Synchronisez clients, fournisseurs, produits et factures avec SnelStart (InKaart, InBalans, InZicht, InControle).",
      en: "Sync customers, suppliers, products and invoices with SnelStart (InKaart, InBalans, InZicht, InControle).",
    },
    icon: "/icons/snelstart.svg",
  },

  async connect(form): Promise<ConnectResult> {
    try {
      const info = await clientFor(form).getCompanyInfo();
      return {
        ok: true,
        account: { administratie: info.administratieNaam ?? null, bedrijfsnaam: info.bedrijfsnaam ?? null, administratieId: info.administratieIdentifier ?? null },
      };
    } catch (err) {
      // InStap and Accountant administrations are refused access to the API
      if (err instanceof SnelStartForbiddenError) return { ok: false, reason: "package", message: err.messages?.[0] ?? null };
      if (err instanceof SnelStartAuthError) return { ok: false, reason: "credentials", message: null };
      if (err instanceof SnelStartNetworkError || err instanceof SnelStartServerError) return { ok: false, reason: "unreachable", message: null };
      if ((err as { status?: number }).status === 401) return { ok: false, reason: "credentials", message: null };
      throw err;
    }
  },

  async remoteOptions(form) {
    const client = clientFor(form);
    const [grootboeken, tarieven, sjablonen] = await Promise.all([
      client.listGrootboeken(),
      client.listBtwTarieven(),
      client.listVerkoopordersjablonen(),
    ]);
    const today = new Date().toISOString();
    const current = (soort: string) =>
      tarieven.find((t) => t.btwSoort === soort && (!t.datumTotEnMet || t.datumTotEnMet >= today))?.btwPercentage;
    return {
      btwSoorten: (["Geen", "Laag", "Hoog", "Overig"] as const).map((s) => {
        const rate = s === "Geen" ? 0 : current(s);
        return { value: s, label: rate != null && s !== "Overig" ? `${s} (${rate}%)` : s, hint: rate != null ? String(rate) : undefined };
      }),
      grootboeken: grootboeken
        .filter((g) => !g.nonactief && g.rekeningCode === "WinstEnVerlies")
        .map((g) => ({ value: g.id, label: `${g.nummer} ${g.omschrijving ?? ""}`.trim() })),
      verkoopordersjablonen: sjablonen.filter((s) => !s.nonactief).map((s) => ({ value: s.id, label: s.omschrijving ?? s.id })),
      modes: [
        { value: "invoices", label: "labels.modeInvoices" },
        { value: "salesOrders", label: "labels.modeSalesOrders" },
      ],
    };
  },

  remote(form, settings, host) {
    return createSnelStartRemote(clientFor(form), settings, host);
  },
};
