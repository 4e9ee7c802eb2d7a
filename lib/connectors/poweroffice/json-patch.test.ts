import { describe, expect, it } from "vitest";
// the simulator's RFC 6902 implementation, written on its own: applying our patch with it checks the patch
import { applyPatch } from "@/sandbox/vendors/poweroffice/jsonpatch";
import type { JsonValue as SimJson } from "@/sandbox/vendors/poweroffice/types";
import { escapePointerToken, patchOperations } from "./json-patch";
import { READ_ONLY } from "./wire";

const customer = () => ({
  Id: 1023,
  Number: 10001,
  Name: "Havbris Hotell AS",
  EmailAddress: "post@havbris-hotell.test",
  PhoneNumber: null as string | null,
  IsActive: true,
  IsArchived: false,
  ContactGroupIds: [1, 2] as number[] | null,
  LastChangedDateTimeOffset: "2024-01-02T08:22:00.1234567Z",
  MailAddress: {
    Id: 1022,
    AddressLine1: "Bryggen 12",
    City: "Bergen",
    CountryCode: "NO",
    LastChangedDateTimeOffset: "2024-01-02T08:21:00.0000000Z",
  } as Record<string, unknown> | null,
});

describe("patchOperations", () => {
  it("is empty when nothing changed, members in another order included", () => {
    const before = customer();
    const reordered = Object.fromEntries(Object.entries(customer()).reverse());
    expect(patchOperations(before, reordered)).toEqual([]);
  });

  it("replaces only the changed members, nested ones by their path", () => {
    const after = customer();
    after.Name = "Havbris Hotell og Restaurant AS";
    after.PhoneNumber = "+47 55 30 10 00";
    after.MailAddress!.City = "Bergen sentrum";
    expect(patchOperations(customer(), after)).toEqual([
      { op: "replace", path: "/Name", value: "Havbris Hotell og Restaurant AS" },
      { op: "replace", path: "/PhoneNumber", value: "+47 55 30 10 00" },
      { op: "replace", path: "/MailAddress/City", value: "Bergen sentrum" },
    ]);
  });

  it("replaces a member that becomes null, and an object that was null, whole", () => {
    const before = customer();
    before.MailAddress = null;
    const after = customer();
    after.EmailAddress = null as unknown as string;
    expect(patchOperations(before, after)).toEqual([
      { op: "replace", path: "/EmailAddress", value: null },
      { op: "replace", path: "/MailAddress", value: after.MailAddress },
    ]);
  });

  it("replaces an array whole when any element changed", () => {
    const after = customer();
    after.ContactGroupIds = [1, 3];
    expect(patchOperations(customer(), after)).toEqual([{ op: "replace", path: "/ContactGroupIds", value: [1, 3] }]);
  });

  it("leaves the read-only members out, from the root, an object's with all its members", () => {
    const after = customer();
    after.Id = 1;
    after.IsActive = false;
    after.LastChangedDateTimeOffset = "2025-01-01T00:00:00.0000000Z";
    after.Number = 10999;
    after.MailAddress!.Id = 2;
    after.MailAddress!.City = "Oslo";
    const readOnly = ["Id", "/IsActive", "LastChangedDateTimeOffset", "MailAddress/Id", "Number"];
    expect(patchOperations(customer(), after, readOnly)).toEqual([{ op: "replace", path: "/MailAddress/City", value: "Oslo" }]);
    expect(patchOperations(customer(), after, [...readOnly, "MailAddress"])).toEqual([]);
    // "Id" is the root's, not the address's
    expect(patchOperations(customer(), after, ["IsActive", "LastChangedDateTimeOffset", "Number", "MailAddress/City"])).toEqual([
      { op: "replace", path: "/Id", value: 1 },
      { op: "replace", path: "/MailAddress/Id", value: 2 },
    ]);
  });

  it("escapes member names as JSON Pointer tokens", () => {
    expect(escapePointerToken("a/b~c")).toBe("a~1b~0c");
    expect(patchOperations({ "a/b": 1, "x~y": { "~": 1 } }, { "a/b": 2, "x~y": { "~": 2 } })).toEqual([
      { op: "replace", path: "/a~1b", value: 2 },
      { op: "replace", path: "/x~0y/~0", value: 2 },
    ]);
  });

  it("adds a member only `after` has and removes one it lacks", () => {
    const ops = patchOperations({ Name: "A", Gone: 1, Undefined: 2 }, { Name: "A", New: { X: 1 }, Undefined: undefined });
    expect(ops).toEqual([
      { op: "add", path: "/New", value: { X: 1 } },
      { op: "remove", path: "/Undefined" },
      { op: "remove", path: "/Gone" },
    ]);
  });

  it("refuses values JSON cannot carry instead of sending something else", () => {
    expect(() => patchOperations({ D: "2024-01-01" }, { D: new Date(0) })).toThrow(/\/D: a Date is not JSON/);
    expect(() => patchOperations({ N: 1 }, { N: Number.NaN })).toThrow(/\/N: NaN/);
  });

  it("gives a patch that turns `before` into `after`", () => {
    const before = { ...customer(), "Odd/Name~": "x", Lines: [{ A: 1 }], Extra: { Deep: { Deeper: "a" } } };
    const after = structuredClone(before) as typeof before & { Added?: string };
    after.Name = "Nytt Navn AS";
    after.MailAddress = { ...after.MailAddress!, City: "Oslo", AddressLine1: null };
    after.ContactGroupIds = null;
    after["Odd/Name~"] = "y";
    after.Lines = [{ A: 2 }, { A: 3 }];
    after.Extra.Deep.Deeper = "b";
    after.Added = "new";
    delete (after as Partial<typeof after>).PhoneNumber;
    const ops = patchOperations(before, after);
    const patched = applyPatch(structuredClone(before) as unknown as SimJson, ops as never);
    expect(patched).toEqual(after);
    expect(ops.map((o) => o.path)).not.toContain("/EmailAddress");
  });

  it("lists the spec's read-only members a customer patch must leave out", () => {
    expect(READ_ONLY.customer).toEqual(expect.arrayContaining(["Id", "LastChangedDateTimeOffset", "IsActive", "MailAddress/Id", "PaymentTerm"]));
    expect(READ_ONLY.product).toContain("ProductGroupCode");
  });
});
