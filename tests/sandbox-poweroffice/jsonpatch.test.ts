import { describe, expect, it } from "vitest";
import { applyPatch, parsePatch, PatchError } from "../../sandbox/vendors/poweroffice/jsonpatch";

const doc = { Name: "A", Tags: ["x", "y"], Address: { City: "Oslo", Zip: "0150" }, Note: null };

function failure(fn: () => unknown): PatchError {
  try {
    fn();
  } catch (e) {
    if (e instanceof PatchError) return e;
    throw e;
  }
  throw new Error("did not fail");
}

describe("RFC 6902", () => {
  it("adds to objects and arrays (index and '-'), removes and replaces, leaving the input untouched", () => {
    const out = applyPatch(doc, [
      { op: "add", path: "/Tags/1", value: "between" },
      { op: "add", path: "/Tags/-", value: "last" },
      { op: "add", path: "/Address/Country", value: "NO" },
      { op: "remove", path: "/Tags/0" },
      { op: "replace", path: "/Note", value: { text: "ok" } },
    ]);
    expect(out).toEqual({ Name: "A", Tags: ["between", "y", "last"], Address: { City: "Oslo", Zip: "0150", Country: "NO" }, Note: { text: "ok" } });
    expect(doc.Tags).toEqual(["x", "y"]);
  });

  it("moves and copies, and refuses to move a value into itself", () => {
    expect(applyPatch(doc, [{ op: "move", from: "/Address/City", path: "/City" }])).toEqual({
      Name: "A",
      Tags: ["x", "y"],
      Address: { Zip: "0150" },
      Note: null,
      City: "Oslo",
    });
    expect(applyPatch(doc, [{ op: "copy", from: "/Tags/1", path: "/Tags/0" }])).toMatchObject({ Tags: ["y", "x", "y"] });
    expect(failure(() => applyPatch(doc, [{ op: "move", from: "/Address", path: "/Address/Inner" }])).message).toMatch(/its own children/);
  });

  it("tests deep equality, and a failed test stops the patch", () => {
    expect(applyPatch(doc, [{ op: "test", path: "/Address", value: { Zip: "0150", City: "Oslo" } }])).toEqual(doc);
    const e = failure(() => applyPatch(doc, [{ op: "replace", path: "/Name", value: "B" }, { op: "test", path: "/Tags", value: ["x"] }]));
    expect(e.index).toBe(1);
    expect(e.message).toMatch(/test failed/);
  });

  it("refuses pointers that do not resolve, bad indexes and escapes ~0 and ~1", () => {
    expect(failure(() => applyPatch(doc, [{ op: "remove", path: "/Missing" }])).message).toMatch(/'Missing' was not found/);
    expect(failure(() => applyPatch(doc, [{ op: "replace", path: "/Tags/2", value: 1 }])).message).toMatch(/out of range/);
    expect(failure(() => applyPatch(doc, [{ op: "add", path: "/Tags/01", value: 1 }])).message).toMatch(/not an array index/);
    expect(failure(() => applyPatch(doc, [{ op: "add", path: "Name", value: 1 }])).message).toMatch(/must start with '\/'/);
    expect(failure(() => applyPatch(doc, [{ op: "add", path: "/Note/x", value: 1 }])).message).toMatch(/parent is null/);
    expect(applyPatch({ "a/b": 1, "c~d": 2 }, [{ op: "remove", path: "/a~1b" }, { op: "replace", path: "/c~0d", value: 3 }])).toEqual({ "c~d": 3 });
  });

  it("checks the document's shape before applying anything", () => {
    expect(failure(() => parsePatch({ op: "add" })).message).toMatch(/array of operations/);
    expect(failure(() => parsePatch([{ op: "add", path: "/a" }])).message).toMatch(/add needs a value/);
    expect(failure(() => parsePatch([{ op: "copy", path: "/a" }])).message).toMatch(/needs from/);
    expect(failure(() => parsePatch([{ op: "replace", path: "/a", value: 1, extra: true }])).message).toMatch(/Unknown member/);
    expect(parsePatch([{ op: "remove", path: "/a" }])).toEqual([{ op: "remove", path: "/a", value: undefined, from: undefined }]);
  });
});
