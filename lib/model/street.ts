/**
 * The canonical model keeps street, house number and addition apart (the duplicate check matches
 * on house number + addition); SnelStart's `straat` and Tribe's `Street` hold all three in one
 * string. These two functions convert between the two.
 */

export interface StreetParts {
  street: string | null;
  houseNumber: string | null;
  houseNumberAddition: string | null;
}

/** Words that introduce a box/apartment number after the house number (BE/NL): "12 bus 3". */
const BOX_WORDS = /^(bus|bte|boite|boîte|box|app|apt|appartement)\.?$/i;
/** An addition is short: a letter, "bis", "hs", "III", "2", "A-2", "bus 3". */
const ADDITION = /^[\p{L}\d][\p{L}\d .\-/]{0,11}$/u;
/** Dutch ordinals that start street names: "1e Jan Steenstraat", "2de Kostverlorenkade". */
const ORDINAL = /^\d+(e|ste|de|re|er|ème)$/i;

/**
 * Splits "Keizersgracht 123-A" into { street: "Keizersgracht", houseNumber: "123",
 * houseNumberAddition: "A" }.
 *
 * The house number is the right-most word that starts with digits and is followed only by
 * something addition-like, so digits inside the street name ("1e Jan Steenstraat 3 B",
 * "Plein 1940-1945 3") stay in the street. Number-first addresses ("10 Downing Street")
 * are recognised when no number follows the street. Without any number the whole text is
 * the street.
 */
export function splitStreet(input: string | null | undefined): StreetParts {
  const s = (input ?? "")
    .replace(/\s+/g, " ")
    // "12 - 14" → "12-14", "12 -A" → "12-A": one word, so the number is found whole
    .replace(/(\d)\s*([-/])\s*(?=[\p{L}\d])/gu, "$1$2")
    .trim()
    .replace(/,$/, "");
  if (!s) return { street: null, houseNumber: null, houseNumberAddition: null };
  const words = s.split(" ");

  for (let i = words.length - 1; i >= 1; i--) {
    const m = /^(\d+)(.*)$/.exec(words[i]);
    if (!m) continue;
    // "Kerkstraat 12 bus 3": the 3 belongs to the box word, the house number is 12.
    if (i >= 2 && BOX_WORDS.test(words[i - 1]) && /^\d+/.test(words[i - 2])) continue;
    const rest = [m[2], ...words.slice(i + 1)].join(" ").replace(/^[\s\-/.,]+/, "").trim();
    if (rest && !ADDITION.test(rest)) continue;
    const street = words.slice(0, i).join(" ").replace(/,$/, "");
    return { street: street || null, houseNumber: m[1], houseNumberAddition: rest || null };
  }

  // Number first: "10 Downing Street", "221B Baker Street"; not an ordinal like "1e".
  const first = /^(\d+)([\p{L}]?)$/u.exec(words[0]);
  if (first && words.length > 1 && !ORDINAL.test(words[0])) {
    return { street: words.slice(1).join(" "), houseNumber: first[1], houseNumberAddition: first[2] || null };
  }

  // Glued: "Keizersgracht123A".
  const glued = /^(.*\p{L})(\d+)([\p{L}]{0,3})$/u.exec(s);
  if (glued && !/\d/.test(glued[1])) {
    return { street: glued[1].trim(), houseNumber: glued[2], houseNumberAddition: glued[3] || null };
  }

  return { street: s, houseNumber: null, houseNumberAddition: null };
}

/**
 * Joins the parts the Dutch way: "12A" for a single letter, "12-2" for a number-like
 * addition, "12 bis" for a word. splitStreet(joinStreet(x)) gives x back.
 */
export function joinStreet(parts: {
  street?: string | null;
  houseNumber?: string | null;
  houseNumberAddition?: string | null;
}): string {
  const street = parts.street?.trim() ?? "";
  const number = parts.houseNumber?.trim() ?? "";
  const addition = parts.houseNumberAddition?.trim() ?? "";
  if (!number) return [street, addition].filter(Boolean).join(" ");
  let house = number;
  if (addition) {
    if (/^\p{L}$/u.test(addition)) house += addition;
    else if (/^\d/.test(addition)) house += `-${addition}`;
    else house += ` ${addition}`;
  }
  return [street, house].filter(Boolean).join(" ");
}
