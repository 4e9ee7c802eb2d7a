/**
 * The request budget one side's calls draw from, as its declared rate limit says (RateLimit in
 * ./types): the client of a connector or of the host takes one request from it before each call.
 */
import { createHmac } from "node:crypto";
import { config } from "@/lib/config";
import { requestBudget, type RequestBudget } from "@/lib/http/request-budget";
import type { RateLimit } from "./types";

/** Who the vendor counts a call against, for each thing a limit can be `per`. */
export type CountedAs = {
  /** what names this deployment to the vendor: its subscription key, its application … */
  deployment: unknown;
  /** what names the connected account: the administration's credentials, the tenant's environment … */
  account: unknown;
};

/**
 * The budget of `side`'s calls (a connector id, "host") for what `limit.per` names. The budget's
 * key is a keyed hash of it (the deployment's app secret the key), so a stored row names no
 * credential and cannot be checked against guessed ones.
 */
export function budgetFor(side: string, limit: RateLimit, who: CountedAs): RequestBudget {
  const counted = limit.per === "deployment" ? who.deployment : who.account;
  const digest = createHmac("sha256", config().LEDGERLINK_APP_SECRET).update(JSON.stringify(counted ?? null)).digest("base64url").slice(0, 32);
  return requestBudget(`${side}:${limit.per}:${digest}`, { limit: limit.limit, period: limit.period });
}
