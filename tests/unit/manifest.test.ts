import { describe, expect, it } from "vitest";
import manifest from "@/manifest.json";
import { connectorIds } from "@/lib/connectors";
import { appManifestSchema, manifestSchema, publishedManifest } from "@/lib/manifest";

describe("the manifest", () => {
  it("manifest.json describes the app", () => {
    const parsed = appManifestSchema.safeParse(manifest);
    expect(parsed.success ? [] : parsed.error.issues).toEqual([]);
  });

  it("lists one Financial listing per connector folder, from its declaration, each opening the session hand-off", () => {
    const p = publishedManifest("https://app.example.com", ["https://crm.example.com"]);
    expect(manifestSchema.safeParse(p).success).toBe(true);
    expect(p.listings.map((l) => l.connector).sort()).toEqual([...connectorIds].sort());
    for (const l of p.listings) {
      expect(l.entryUrl).toBe(`https://app.example.com/api/host/session?connector=${l.connector}`);
      expect(l.icon).toMatch(/^https:\/\/app\.example\.com\/icons\//);
      expect(Object.values(l.description).every((d) => d.length > 0)).toBe(true);
    }
  });

  it("rejects a manifest missing a translation or with a bad frame origin", () => {
    const noFrench = { ...manifest, name: { nl: "x", en: "x" } };
    expect(appManifestSchema.safeParse(noFrench).success).toBe(false);
    expect(appManifestSchema.safeParse({ ...manifest, frameAncestors: ["not a url"] }).success).toBe(false);
  });

  it("publishes absolute URLs and the configured frame origins", () => {
    const p = publishedManifest("https://app.example.com", ["https://crm.example.com"]);
    expect(p.webhooks.url).toBe("https://app.example.com/api/host/webhooks");
    expect(p.frameAncestors).toEqual(["https://crm.example.com"]);
  });
});
