import { describe, expect, it } from "vitest";
import manifest from "@/manifest.json";
import { connectorIds } from "@/lib/connectors";
import { manifestSchema, publishedManifest } from "@/lib/manifest";

describe("manifest.json", () => {
  it("is valid", () => {
    const parsed = manifestSchema.safeParse(manifest);
    expect(parsed.success ? [] : parsed.error.issues).toEqual([]);
  });

  it("has one Financial listing per connector, each opening the session hand-off", () => {
    const m = manifestSchema.parse(manifest);
    expect(m.listings.map((l) => l.connector).sort()).toEqual([...connectorIds].sort());
    for (const l of m.listings) expect(l.entryUrl).toMatch(/^\/api\/host\/session\?connector=/);
  });

  it("rejects a manifest missing a translation or with a bad frame origin", () => {
    const noFrench = { ...manifest, name: { nl: "x", en: "x" } };
    expect(manifestSchema.safeParse(noFrench).success).toBe(false);
    expect(manifestSchema.safeParse({ ...manifest, frameAncestors: ["not a url"] }).success).toBe(false);
  });

  it("publishes absolute URLs and the configured frame origins", () => {
    const p = publishedManifest("https://app.example.com", ["https://crm.example.com"]);
    expect(p.listings[0].entryUrl).toBe("https://app.example.com/api/host/session?connector=snelstart");
    expect(p.webhooks.url).toBe("https://app.example.com/api/host/webhooks");
    expect(p.frameAncestors).toEqual(["https://crm.example.com"]);
  });
});
