/**
 * The activation form (seed 002, step 4: "Vul je gebruikersnaam en wachtwoord in"), or a
 * koppelsleutel for the key-based sign-in. Messages are i18n keys.
 */
import { z } from "zod";
import type { SnelStartCredentials } from "./client";

const REQUIRED = "settings.errors.required";
const INVALID = "settings.errors.invalid";

const requiredText = z
  .string({ error: REQUIRED })
  .trim()
  .min(1, { error: REQUIRED });

/**
 * Not trimmed: a password is a secret and may legitimately start or end with a space;
 * silently changing it would make a correct password fail. Blank is still refused.
 */
const password = z
  .string({ error: REQUIRED })
  .refine((v) => v.trim().length > 0, { error: REQUIRED });

/** Optional: empty means "use the app's own subscription key". */
const subscriptionKey = z
  .string({ error: INVALID })
  .trim()
  .optional()
  .transform((v) => (v ? v : undefined));

export const snelStartCredentialsForm = z.discriminatedUnion(
  "method",
  [
    z.object({ method: z.literal("password"), username: requiredText, password, subscriptionKey }),
    z.object({ method: z.literal("clientkey"), clientKey: requiredText, subscriptionKey }),
  ],
  {
    // The union's issue carries the whole form as input: look at its `method`.
    error: (iss) => {
      const method = iss.input && typeof iss.input === "object" ? (iss.input as { method?: unknown }).method : iss.input;
      return method === undefined || method === null || method === "" ? REQUIRED : INVALID;
    },
  },
);
export type SnelStartCredentialsForm = z.infer<typeof snelStartCredentialsForm>;

/** The form as the client's `credentials`, plus the subscription key to use. */
export function toClientCredentials(
  form: SnelStartCredentialsForm,
  defaultSubscriptionKey?: string,
): { credentials: SnelStartCredentials; subscriptionKey: string | undefined } {
  const credentials: SnelStartCredentials =
    form.method === "password"
      ? { kind: "password", username: form.username, password: form.password }
      : { kind: "clientkey", clientKey: form.clientKey };
  return { credentials, subscriptionKey: form.subscriptionKey ?? defaultSubscriptionKey };
}
