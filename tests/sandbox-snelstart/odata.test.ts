import { describe, expect, it } from "vitest";
import { ODataError, compileFilter } from "../../sandbox/vendors/snelstart/odata";

const rows = [
  { relatiecode: 1, naam: "Alpha", modifiedOn: "2024-01-01T10:00:00.000Z", nonactief: false, relatiesoort: ["Klant"], klant: { id: "aaaaaaaa-0000-0000-0000-000000000001" } },
  { relatiecode: 2, naam: "O'Brien", modifiedOn: "2024-03-01T10:00:00.000Z", nonactief: true, relatiesoort: ["Leverancier"], klant: null },
  { relatiecode: 3, naam: "gamma", modifiedOn: "2024-06-01T10:00:00.000Z", nonactief: false, relatiesoort: ["Klant", "Leverancier"] },
];
const run = (f: string) => rows.filter((r) => compileFilter(f).test(r)).map((r) => r.relatiecode);

describe("$filter", () => {
  it("compares date-times in v3 and v4 literal forms", () => {
    expect(run("ModifiedOn gt DateTime'2024-02-01T00:00:00'")).toEqual([2, 3]);
    expect(run("modifiedOn gt datetime'2024-02-01T00:00:00Z'")).toEqual([2, 3]);
    expect(run("ModifiedOn ge 2024-03-01T10:00:00Z")).toEqual([2, 3]);
    expect(run("ModifiedOn lt 2024-03-01T11:00:00+01:00")).toEqual([1]);
    expect(run("ModifiedOn le 2024-03-01")).toEqual([1]);
    expect(run("ModifiedOn gt 2024-03-01T10:00:00.000Z")).toEqual([3]);
  });

  it("handles strings, quotes, numbers, booleans, null and logic", () => {
    expect(run("Naam eq 'O''Brien'")).toEqual([2]);
    expect(run("Naam eq 'GAMMA'")).toEqual([3]);
    expect(run("Naam ne 'Alpha'")).toEqual([2, 3]);
    expect(run("Relatiecode eq 2 or Relatiecode eq 3 and Nonactief eq false")).toEqual([2, 3]);
    expect(run("(Relatiecode eq 2 or Relatiecode eq 3) and Nonactief eq false")).toEqual([3]);
    expect(run("not Nonactief")).toEqual([1, 3]);
    expect(run("Klant eq null")).toEqual([2, 3]);
    expect(run("Klant/Id eq guid'AAAAAAAA-0000-0000-0000-000000000001'")).toEqual([1]);
    expect(run("Klant/Id eq aaaaaaaa-0000-0000-0000-000000000001")).toEqual([1]);
    expect(run("startswith(Naam,'a') or endswith(Naam,'MMA')")).toEqual([1, 3]);
    expect(run("substringof('bri', Naam)")).toEqual([2]);
    expect(run("tolower(Naam) eq 'alpha'")).toEqual([1]);
    expect(run("Relatiesoort/any(s: s eq 'Leverancier')")).toEqual([2, 3]);
    expect(run("Relatiesoort/all(s: s eq 'Klant')")).toEqual([1]);
  });

  it("rejects malformed filters and unknown properties", () => {
    expect(() => compileFilter("Naam eq")).toThrow(ODataError);
    expect(() => compileFilter("Naam eq 'open")).toThrow(ODataError);
    expect(() => compileFilter("Naam in ('a')")).toThrow(ODataError);
    expect(() => compileFilter("foo(Naam)")).toThrow(ODataError);
    expect(() => compileFilter("ModifiedOn gt DateTime'gisteren'")).toThrow(ODataError);
    expect(() => compileFilter("Wat eq 1", ["naam", "modifiedOn"])).toThrow(/Wat/);
    expect(compileFilter("NAAM eq 'x'", ["naam"]).properties).toEqual(["NAAM"]);
  });
});
