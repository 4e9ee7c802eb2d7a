import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SnelStartSimulator } from "../../sandbox/vendors/snelstart/server";
import { admin, client, INKAART, startSim, tokenFor } from "./helpers";

let sim: SnelStartSimulator;
beforeAll(async () => {
  sim = await startSim();
});
afterAll(async () => {
  await sim.close();
});

const generate = (body: unknown) => admin(sim, "/generate", body);

describe("POST /__admin/generate", () => {
  it("stamps generated records over past days when asked, so a ModifiedOn filter of today meets none of them", async () => {
    const api = client(sim, await tokenFor(sim));
    type Relatie = { id: string; modifiedOn: string };
    const before = new Set((await api.json<Relatie[]>(api.get("/relaties?$top=500"))).map((r) => r.id));
    expect((await generate({ administratie: INKAART.id, relaties: 30, artikelen: 10, spreadOverDays: 365 })).status).toBe(200);
    const generated = (await api.json<Relatie[]>(api.get("/relaties?$top=500"))).filter((r) => !before.has(r.id));
    expect(generated.length).toBe(30);
    const stamps = generated.map((r) => Date.parse(r.modifiedOn));
    expect(Math.max(...stamps)).toBeLessThanOrEqual(Date.now() - 86_400_000);
    expect(Math.min(...stamps)).toBeLessThan(Date.now() - 300 * 86_400_000);
    const today = new Date(Date.now() - 3_600_000).toISOString().slice(0, 19);
    const changed = await api.json<Relatie[]>(api.get(`/relaties?$filter=${encodeURIComponent(`ModifiedOn gt datetime'${today}'`)}`));
    expect(changed.filter((r) => !before.has(r.id))).toEqual([]);
  });

  it("stamps every generated record with one past instant when asked, as a bulk change", async () => {
    const api = client(sim, await tokenFor(sim));
    const at = new Date(Date.now() - 30 * 60_000).toISOString();
    expect((await generate({ administratie: INKAART.id, relaties: 12, seed: 7, modifiedOn: at })).status).toBe(200);
    const inThatSecond = `ModifiedOn ge datetime'${at.slice(0, 19)}' and ModifiedOn lt datetime'${new Date(Date.parse(at) + 1000).toISOString().slice(0, 19)}'`;
    const stamped = await api.json<Array<{ modifiedOn: string }>>(api.get(`/relaties?$top=500&$filter=${encodeURIComponent(inThatSecond)}`));
    expect(stamped.length).toBe(12);
    expect(new Set(stamped.map((r) => r.modifiedOn))).toEqual(new Set([at]));
  });

  it("refuses a bulk stamp in the future, or with spreadOverDays, naming the field", async () => {
    for (const body of [
      { relaties: 1, modifiedOn: new Date(Date.now() + 3_600_000).toISOString() },
      { relaties: 1, modifiedOn: new Date(Date.now() - 3_600_000).toISOString(), spreadOverDays: 3 },
    ]) {
      const res = await generate(body);
      expect(res.status).toBe(400);
      expect(((await res.json()) as { message: string }).message).toMatch(/modifiedOn/);
    }
  });

  it("refuses an unknown option, naming it", async () => {
    const res = await generate({ relaties: 1, spread: 3 });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toMatch(/spread/);
  });
});
