import { z } from "zod";
import manifestJson from "@/manifest.json";

const localized = z.object({ nl: z.string().min(1), fr: z.string().min(1), en: z.string().min(1) });
const relativeOrAbsoluteUrl = z
  .string()
  .refine((v) => v.startsWith("/") || URL.canParse(v), "must be a path or an absolute URL");

export const manifestSchema = z.object({
  id: z.string().regex(/^[a-z][a-z0-9-]*$/),
  version: z.string().regex(/^\d+\.\d+\.\d+$/),
  name: localized,
  description: localized,
  category: z.literal("Financial"),
  icon: relativeOrAbsoluteUrl,
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
  scopes: z.array(z.enum(["read", "write", "offline"])).min(1),
  webhooks: z.object({ url: relativeOrAbsoluteUrl, events: z.array(z.string().min(1)).min(1) }),
  frameAncestors: z.array(z.url()).min(1),
});
export type Manifest = z.infer<typeof manifestSchema>;

export function parseManifest(value: unknown): Manifest {
  return manifestSchema.parse(value);
}

/** The manifest as the host reads it: URLs absolute, frame ancestors from the configuration. */
export function publishedManifest(appUrl: string, allowedOrigins: string[]): Manifest {
  const m = parseManifest(manifestJson);
  const abs = (u: string) => new URL(u, appUrl).toString();
  return {
    ...m,
    icon: abs(m.icon),
    listings: m.listings.map((l) => ({ ...l, icon: abs(l.icon), entryUrl: abs(l.entryUrl) })),
    webhooks: { ...m.webhooks, url: abs(m.webhooks.url) },
    frameAncestors: allowedOrigins,
  };
}
