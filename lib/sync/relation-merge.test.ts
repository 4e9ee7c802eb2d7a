import { describe, expect, it } from "vitest";
import { relation, type RelationInput } from "@/lib/model";
import type { SyncContext } from "./context";
import { relationSpec } from "./entities";

const ctx = { connector: { entities: { relation: { remoteDeactivation: "keep-active" } } } } as unknown as SyncContext;
const visiting = (postcode: string, country = "NL") => ({ kind: "visiting" as const, street: "Oudegracht", houseNumber: "1", postcode, city: "Utrecht", country });
const rel = (r: Partial<RelationInput>) => relation.parse({ kind: "organization", name: "Lunchroom De Gracht", isCustomer: true, isSupplier: false, ...r });
const remote = (r: Partial<RelationInput>) => ({ id: "r1", number: "1001", modifiedAt: null, data: rel(r) });

describe("a relation taken in from the package", () => {
  it("keeps the CRM's postcode when the package's is the same written another way", () => {
    const merged = relationSpec.merge(ctx, remote({ addresses: [visiting("3511 ab")] }), rel({ addresses: [visiting("3511AB")] }));
    expect(merged.addresses[0].postcode).toBe("3511AB");
  });

  it("writes a postcode that changed in its country's format", () => {
    const merged = relationSpec.merge(ctx, remote({ addresses: [visiting("1234ab")] }), rel({ addresses: [visiting("3511AB")] }));
    expect(merged.addresses[0].postcode).toBe("1234 AB");
    expect(relationSpec.merge(ctx, remote({ addresses: [visiting("b-1000", "BE")] }), null).addresses[0].postcode).toBe("1000");
  });
});
