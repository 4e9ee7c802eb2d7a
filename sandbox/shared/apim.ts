/**
 * Azure API Management, which both vendors put in front of their API: the
 * subscription key of a call and APIM's own wording. Which keys are valid,
 * the rate-limit rule and the shape of each vendor's 429 stay with each
 * simulator.
 */
import type { IncomingMessage } from "node:http";
import { header } from "./http";

const MISSING_KEY =
  "Access denied due to missing subscription key. Make sure to include subscription key when making requests to an API.";
const INVALID_KEY =
  "Access denied due to invalid subscription key. Make sure to provide a valid key for an active subscription.";

/**
 * The call's subscription key (the `Ocp-Apim-Subscription-Key` header, or
 * the `subscription-key` query parameter) when it is one of `valid`, else
 * APIM's 401 body for a missing or an invalid key.
 */
export function checkSubscriptionKey(
  req: IncomingMessage,
  url: URL,
  valid: readonly string[],
): { key: string } | { refusal: { statusCode: 401; message: string } } {
  const key = header(req, "ocp-apim-subscription-key") ?? url.searchParams.get("subscription-key") ?? undefined;
  if (!key) return { refusal: { statusCode: 401, message: MISSING_KEY } };
  if (!valid.includes(key)) return { refusal: { statusCode: 401, message: INVALID_KEY } };
  return { key };
}

/** APIM's message when a rate limit refuses a call. */
export const rateLimitExceeded = (seconds: number) => `Rate limit is exceeded. Try again in ${seconds} seconds.`;
