import nl from "./messages/nl.json";
import fr from "./messages/fr.json";
import en from "./messages/en.json";
import { connectors } from "@/lib/connectors";

/** Dutch first: it is what most of our users speak. */
export const locales = ["nl", "fr", "en"] as const;
export type Locale = (typeof locales)[number];
export const defaultLocale: Locale = "nl";

// Each connector brings its own strings, kept beside its code, read under connectors.<id>.
const connectorMessages = (locale: "nl" | "fr" | "en") => Object.fromEntries(Object.values(connectors).map((c) => [c.id, c.messages[locale]]));
export const catalogues = {
  nl: { ...nl, connectors: connectorMessages("nl") },
  fr: { ...fr, connectors: connectorMessages("fr") },
  en: { ...en, connectors: connectorMessages("en") },
};
export type Messages = (typeof catalogues)["nl"];

export function isLocale(v: unknown): v is Locale {
  return typeof v === "string" && (locales as readonly string[]).includes(v);
}

/** Picks the best supported locale from an Accept-Language header. */
export function localeFromAcceptLanguage(header: string | null | undefined): Locale {
  for (const part of (header ?? "").split(",")) {
    const tag = part.split(";")[0].trim().toLowerCase().slice(0, 2);
    if (isLocale(tag)) return tag;
  }
  return defaultLocale;
}

/** Looks a dotted key up in a catalogue and fills {placeholders}; outside React (route handlers). */
export function translate(locale: Locale, key: string, values: Record<string, string | number> = {}): string {
  const found = key.split(".").reduce<unknown>((node, k) => (node as Record<string, unknown> | undefined)?.[k], catalogues[locale]);
  const text = typeof found === "string" ? found : key;
  return text.replace(/\{(\w+)\}/g, (_, name) => String(values[name] ?? `{${name}}`));
}
