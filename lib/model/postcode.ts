/**
 * Postcodes as each country writes them. Packages hand them over as typed ("3511 ab",
 * "B-1000"); the CRM should hold the country's own format.
 */

type Format = { prefix: RegExp; pattern: RegExp; write(m: RegExpMatchArray): string };

const fourDigits = (prefix: RegExp): Format => ({ prefix, pattern: /^(\d{4})$/, write: (m) => m[1] });
const fiveDigits = (prefix: RegExp): Format => ({ prefix, pattern: /^(\d{5})$/, write: (m) => m[1] });

// the countries the product's packages serve; the prefix is the country letter some write in front
const formats: Record<string, Format> = {
  NL: { prefix: /^NL-?/, pattern: /^([1-9]\d{3})([A-Z]{2})$/, write: (m) => `${m[1]} ${m[2]}` },
  BE: fourDigits(/^BE?-?/),
  LU: fourDigits(/^LU?-?/),
  NO: fourDigits(/^NO?-?/),
  DE: fiveDigits(/^DE?-?/),
  FR: fiveDigits(/^FR?-?/),
};

/**
 * The postcode in its country's format: NL "1234 AB"; BE, LU and NO four digits; DE and FR
 * five. A country without a format here, or a value that does not fit its country's, is left
 * as given (trimmed): better unformatted than wrong.
 */
export function formatPostcode(postcode: string | null | undefined, country: string | null | undefined): string | null {
  const given = postcode?.trim() ?? "";
  if (!given) return null;
  const format = formats[(country ?? "").trim().toUpperCase()];
  if (!format) return given;
  const compact = given.toUpperCase().replace(/\s+/g, "").replace(format.prefix, "");
  const m = compact.match(format.pattern);
  return m ? format.write(m) : given;
}
