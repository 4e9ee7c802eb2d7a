import { describe, expect, it } from "vitest";
import { relation, type RelationInput } from "@/lib/model";
import { matchRelation, nameAddressKeys, normalizeAddition, normalizePostcode, numberKeys, type MatchCandidate } from "@/lib/sync/matching";

const rel = (r: Partial<RelationInput>) =>
  relation.parse({ kind: "organization", name: "Bakkerij De Vries", isCustomer: true, isSupplier: false, ...r });
const addr = (postcode: string, houseNumber: string, houseNumberAddition: string | null = null) => ({
  kind: "visiting" as const,
  street: "Dorpsstraat",
  houseNumber,
  houseNumberAddition,
  postcode,
  city: "Utrecht",
  country: "NL",
});
const candidate = (hostId: string, r: ReturnType<typeof rel>): MatchCandidate => ({
  hostId,
  numbers: numberKeys(r),
  nameAddressKeys: nameAddressKeys(r),
});
const all = ["remoteId", "number", "nameAddress"] as const;

describe("matching chain", () => {
  it("normalises postcodes and additions", () => {
    expect(normalizePostcode(" 3511 ab ")).toBe("3511AB");
    expect(normalizeAddition("-a")).toBe("A");
    expect(normalizeAddition(" / B ")).toBe("B");
  });

  it("matches on the debtor number first, ignoring leading zeros", () => {
    const host = [candidate("h1", rel({ name: "Other name", debtorNumber: "01001" })), candidate("h2", rel({ addresses: [addr("3511AB", "5")] }))];
    const m = matchRelation(rel({ debtorNumber: "1001", addresses: [addr("3511AB", "5")] }), host, all);
    expect(m).toEqual({ hostId: "h1", level: "number" });
  });

  it("does not confuse a debtor number with the same creditor number", () => {
    const host = [candidate("h1", rel({ creditorNumber: "1001", isCustomer: false, isSupplier: true }))];
    expect(matchRelation(rel({ debtorNumber: "1001" }), host, ["number"])).toBeNull();
  });

  it("falls back to name + postcode + house number + addition, whatever spacing and case", () => {
    const host = [candidate("h1", rel({ name: "bakkerij  de vries", addresses: [addr("3511 ab", "5", "a")] }))];
    expect(matchRelation(rel({ addresses: [addr("3511AB", "5", "-A")] }), host, all)).toEqual({ hostId: "h1", level: "nameAddress" });
  });

  it("tells house-number additions apart", () => {
    const host = [candidate("h1", rel({ addresses: [addr("3511AB", "5", "A")] }))];
    expect(matchRelation(rel({ addresses: [addr("3511AB", "5", "B")] }), host, all)).toBeNull();
    expect(matchRelation(rel({ addresses: [addr("3511AB", "5")] }), host, all)).toBeNull();
  });

  it("never matches a person on name and address", () => {
    const person = rel({ kind: "person", name: "Jan de Vries", addresses: [addr("3511AB", "5")] });
    const host = [candidate("h1", rel({ name: "Jan de Vries", addresses: [addr("3511AB", "5")] }))];
    expect(nameAddressKeys(person)).toEqual([]);
    expect(matchRelation(person, host, all)).toBeNull();
  });

  it("respects the levels a connector enables", () => {
    const host = [candidate("h1", rel({ debtorNumber: "7", addresses: [addr("3511AB", "5")] }))];
    expect(matchRelation(rel({ debtorNumber: "7" }), host, ["remoteId"])).toBeNull();
    expect(matchRelation(rel({ addresses: [addr("3511AB", "5")] }), host, ["remoteId", "number"])).toBeNull();
  });

  it("does not link two records to one host record in the same run", () => {
    const host = [candidate("h1", rel({ debtorNumber: "7" }))];
    expect(matchRelation(rel({ debtorNumber: "7" }), host, all, new Set(["h1"]))).toBeNull();
  });
});
