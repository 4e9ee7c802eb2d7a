import { z } from "zod";
import manifestJson from "@/manifest.json";
import { connectors } from "@/lib/connectors";

const localized = z.object({ nl: z.string().min(1), fr: z.string().min(1), en: z.string().min(1) });
const relativeOrAbsoluteUrl = z
  .string()
  .refine((v) => v.startsWith("/") || URL.canParse(v), "must be a path or an absolute URL");

const appFields = {
  id: z.string().regex(/^[a-z][a-z0-9-]*$/),
  version: z.string().regex(/^\d+\.\d+\.\d+$/),
  name: localized,
  description: localized,
  category: z.literal("Financial"),
  icon: relativeOrAbsoluteUrl,
  scopes: z.array(z.enum(["read", "write", "offline"])).min(1),
  webhooks: z.object({ url: relativeOrAbsoluteUrl, events: z.array(z.string().min(1)).min(1) }),
  frameAncestors: z.array(z.url()).min(1),
};

/** manifest.json: the app itself; its listings come from the connectors' declarations. */
export const appManifestSchema = z.object(appFields);

/** The manifest the CRM reads: the app and one Marketplace listing per connector. */
export const manifestSchema = z.object({
  ...appFields,
  listings: z
    .array(
      z.object({
        id: z.string().regex(/^[a-z][a-z0-9-]*$/),
        connector: z.string().min(1),
        category: z.literal("Financial"),
        name: localized,
        description: localized,
        icon: relativeOrAbsoluteUrl,
        entryUrl: relativeOrAbsoluteUrl,
      }),
    )
    .min(1)
    .refine((l) => new Set(l.map((x) => x.id)).size === l.length, "listing ids must be unique"),
});
export type Manifest = z.infer<typeof manifestSchema>;

/** The manifest as the host reads it: a listing per connector, URLs absolute, frame ancestors from the configuration. */
export function publishedManifest(appUrl: string, allowedOrigins: string[]): Manifest {
  const m = appManifestSchema.parse(manifestJson);
  const abs = (u: string) => new URL(u, appUrl).toString();
  return manifestSchema.parse({
    ...m,
    icon: abs(m.icon),
    listings: Object.values(connectors).map((c) => ({
      id: c.id,
      connector: c.id,
      category: "Financial",
      name: c.listing.name,
      description: c.listing.description,
      icon: abs(c.listing.icon),
      entryUrl: abs(`/api/host/session?connector=${c.id}`),
    })),
    webhooks: { ...m.webhooks, url: abs(m.webhooks.url) },
    frameAncestors: allowedOrigins,
  });
}
