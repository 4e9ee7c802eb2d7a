/**
 * What the overview and the settings screens say, from their pure parts: a run's result from its
 * counts, the sync log's page links, log messages in the user's language, and the checks every
 * connector's `required` fields get.
 */
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { createTranslator } from "next-intl";
import { catalogues, locales } from "@/lib/i18n";
import { logMessageText, type Translator } from "@/lib/i18n/log-message";
import { runResult, syncLogHref } from "@/lib/installations/overview";
import { incompleteTabs, missingRequired, settingsComplete, unmappedRowsMessage } from "@/lib/installations/settings";
import type { Connector, SettingsTab } from "@/lib/sync/types";

const translator = (locale: (typeof locales)[number]): Translator => {
  const t = createTranslator({ locale, messages: catalogues[locale] as never });
  return Object.assign((key: string, values?: Record<string, string | number>) => t(key as never, values as never), { has: (key: string) => t.has(key as never) });
};
const counts = (c: Partial<Record<"created" | "updated" | "linked" | "unchanged" | "skipped" | "failed", number>>) => ({
  created: 0,
  updated: 0,
  linked: 0,
  unchanged: 0,
  skipped: 0,
  failed: 0,
  ...c,
});

describe("a run's result", () => {
  it("is not 'Gelukt' when records failed: a run with failures and successes is partial, with the number failed", () => {
    const partial = runResult({ status: "succeeded", counts: counts({ created: 10, failed: 3 }) });
    expect(partial).toEqual({ key: "partial", failed: 3 });
    // the pulls mark such a run failed; it still did most of its work
    expect(runResult({ status: "failed", counts: counts({ unchanged: 4, failed: 1 }) })).toEqual({ key: "partial", failed: 1 });
    const nl = translator("nl");
    expect(nl("runStatus.partial", { failed: 3 })).toBe("Voltooid, 3 mislukt");
    expect(translator("fr")("runStatus.partial", { failed: 3 })).toBe("Terminé, 3 en échec");
    expect(translator("en")("runStatus.partial", { failed: 3 })).toBe("Completed, 3 failed");
  });

  it("is failed when nothing succeeded or the run itself broke, succeeded only without failures", () => {
    expect(runResult({ status: "succeeded", counts: counts({ failed: 2 }) })).toEqual({ key: "failed" });
    expect(runResult({ status: "failed", counts: counts({}) })).toEqual({ key: "failed" });
    expect(runResult({ status: "succeeded", counts: counts({ created: 5, skipped: 1 }) })).toEqual({ key: "succeeded" });
    expect(runResult({ status: "running", counts: counts({ failed: 1 }) })).toEqual({ key: "running" });
    expect(runResult({ status: "cancelled", counts: counts({}) })).toEqual({ key: "cancelled" });
  });
});

describe("the sync log's page links", () => {
  it("keep the entity and outcome filters, and page 1 is the plain overview", () => {
    expect(syncLogHref("snelstart", { entity: "relation", outcome: "failed" }, 3)).toBe("/snelstart?entity=relation&outcome=failed&page=3#log-heading");
    expect(syncLogHref("snelstart", { outcome: "failed", page: 3 }, 2)).toBe("/snelstart?outcome=failed&page=2#log-heading");
    expect(syncLogHref("snelstart", {}, 1)).toBe("/snelstart#log-heading");
  });
});

describe("log messages", () => {
  it("are catalogue keys said in the user's language, with their values", () => {
    const params = { vatGroup: "NL - 9%" };
    const key = "connectors.snelstart.log.vatGroupUnmapped";
    expect(logMessageText(translator("nl"), key, params)).toBe("BTW-groep NL - 9% is niet gekoppeld aan een SnelStart BTW-soort (tabblad BTW-groepen).");
    for (const locale of locales) {
      const text = logMessageText(translator(locale), key, params);
      expect(text).toContain("NL - 9%");
      expect(text).not.toContain(key);
    }
    expect(logMessageText(translator("fr"), "sync.errors.unexpected", { detail: "socket hang up" })).toContain("socket hang up");
  });

  it("a key the catalogue does not know still says something sensible: its code and details; a vendor's own text is shown as it is", () => {
    expect(logMessageText(translator("nl"), "connectors.snelstart.log.somethingNew", { relatie: "1001", reden: "geblokkeerd" })).toBe(
      "Geen omschrijving beschikbaar (code connectors.snelstart.log.somethingNew): 1001; geblokkeerd",
    );
    expect(logMessageText(translator("en"), "sync.errors.future", null)).toBe("No description available (code sync.errors.future).");
    expect(logMessageText(translator("nl"), "De relatiecode is al in gebruik.", null)).toBe("De relatiecode is al in gebruik.");
    expect(logMessageText(translator("nl"), null, null)).toBe("");
  });
});

// A connector that is not SnelStart: the required checks come from the field declarations alone.
const colourTab: SettingsTab = {
  id: "colours",
  label: "tabs.colours",
  schema: z.object({ colourByGroup: z.record(z.string(), z.string()).default({}), palette: z.string().optional() }),
  fields: [
    { kind: "mapping", name: "colourByGroup", label: "labels.colourByGroup", rows: "productGroups", options: "colours", required: true },
    { kind: "select", name: "palette", label: "labels.palette", options: "palettes", required: true },
  ],
};
const optionalTab: SettingsTab = {
  id: "extra",
  label: "tabs.extra",
  schema: z.object({ note: z.record(z.string(), z.string()).default({}) }),
  fields: [{ kind: "mapping", name: "note", label: "labels.note", rows: "productGroups", options: "colours", required: false }],
};
const fakeConnector = { id: "fake", settings: { tabs: [colourTab, optionalTab], isComplete: () => true } } as unknown as Connector<unknown, unknown>;
const options = {
  productGroups: [
    { value: "g1", label: "Brood" },
    { value: "g2", label: "Gebak" },
    { value: "g3", label: "Koffie" },
  ],
  colours: [{ value: "red", label: "Rood" }],
  palettes: [{ value: "p", label: "P" }],
};

describe("required fields, for any connector", () => {
  it("a required mapping with rows left empty names each of them, and the form message lists them by name", () => {
    const out = missingRequired({ colourByGroup: { g1: "red" }, palette: "p" }, colourTab, options);
    expect(out.fieldErrors).toEqual({ "colourByGroup.g2": "settings.errors.rowUnmapped", "colourByGroup.g3": "settings.errors.rowUnmapped" });
    expect(out.unmappedRows).toEqual(["Gebak", "Koffie"]);
    const message = unmappedRowsMessage(out.unmappedRows);
    expect(translator("nl")(message.key, message.params)).toBe("Niet opgeslagen: deze regels zijn nog niet gekoppeld: Gebak, Koffie.");
    expect(translator("fr")(message.key, message.params)).toBe("Non enregistré : ces lignes ne sont pas encore liées : Gebak, Koffie.");
    const one = unmappedRowsMessage(["Gebak"]);
    expect(translator("en")(one.key, one.params)).toBe("Not saved: this row is not mapped yet: Gebak.");
    expect(missingRequired({ colourByGroup: {} }, colourTab, options).fieldErrors.palette).toBe("settings.errors.required");
    // an optional mapping may leave rows empty
    expect(missingRequired({ note: {} }, optionalTab, options).fieldErrors).toEqual({});
  });

  it("settings with an unmapped row are not complete, and the tab is named as still to fill", () => {
    const full = { colours: { colourByGroup: { g1: "red", g2: "red", g3: "red" }, palette: "p" }, extra: { note: {} } };
    expect(settingsComplete(fakeConnector, full, options)).toBe(true);
    const gap = { ...full, colours: { colourByGroup: { g1: "red", g2: "red" }, palette: "p" } };
    expect(fakeConnector.settings.isComplete(gap)).toBe(true);
    expect(settingsComplete(fakeConnector, gap, options)).toBe(false);
    expect(incompleteTabs(fakeConnector, gap, options)).toEqual(["colours"]);
    // a group added in the CRM after the tab was saved
    const more = { ...options, productGroups: [...options.productGroups, { value: "g4", label: "Thee" }] };
    expect(incompleteTabs(fakeConnector, full, more)).toEqual(["colours"]);
    expect(incompleteTabs(fakeConnector, { extra: { note: {} } }, options)).toEqual(["colours"]);
  });
});
