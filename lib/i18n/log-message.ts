/** What translating a log message needs: next-intl's `t` fits, and so does lib/i18n's `translate`. */
export type Translator = {
  (key: string, values?: Record<string, string | number>): string;
  has(key: string): boolean;
};

/** a catalogue key, as the engine logs them; anything else is a vendor's own text */
const KEY_LIKE = /^[a-z][\w-]*(\.[\w-]+)+$/i;

/**
 * A sync log message in the user's language. A key this catalogue does not know (written by a
 * newer version, or a connector's key not yet translated) still says what it can: its code and
 * the details it carries.
 */
export function logMessageText(t: Translator, message: string | null, params: Record<string, string | number> | null): string {
  if (!message) return "";
  if (t.has(message)) return t(message, params ?? {});
  if (!KEY_LIKE.test(message)) return message;
  const details = Object.values(params ?? {})
    .map(String)
    .filter(Boolean)
    .join("; ");
  return details ? t("overview.messageUnknownWithDetails", { code: message, details }) : t("overview.messageUnknown", { code: message });
}
