import { describe, expect, it } from "vitest";
import { saveRelatie } from "../../sandbox/vendors/snelstart/domain";
import { IDS, INKAART, c, client, sim, startSim, tokenFor, useSimulator, type Row } from "./helpers";

useSimulator();

type ApiError = { kenmerk: string; message: string; errorCode: string };
type Relatie = Row & { relatiecode: number; naam: string; nonactief: boolean; relatiesoort: string[]; uri: string };

describe("relaties CRUD", () => {
  it("lists the seed with {id, uri} references and modifiedOn", async () => {
    const rows = await c.json<Relatie[]>(c.get("/relaties"));
    expect(rows.length).toBe(10);
    expect(rows[0]).toMatchObject({ id: IDS.klantZonnetje, relatiecode: 1001, naam: "Lunchroom Het Zonnetje" });
    expect(rows[0]!.uri).toBe(`/relaties/${IDS.klantZonnetje}`);
    expect(rows.filter((r) => r.nonactief).map((r) => r.relatiecode)).toEqual([1004, 2003, 2004]);
  });

  it("assigns id, next relatiecode and modifiedOn on POST", async () => {
    const before = Date.now();
    const res = await c.post("/relaties", { naam: "Nieuwe Klant B.V.", relatiesoort: ["Klant"], relatiecode: undefined });
    expect(res.status).toBe(201);
    const r = (await res.json()) as Relatie;
    expect(r.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(r.relatiecode).toBe(2005); // max seeded code (2004) + 1
    expect(Date.parse(r.modifiedOn)).toBeGreaterThanOrEqual(before - 5);
    const again = await c.json<Relatie>(c.post("/relaties", { naam: "Nog een", relatiesoort: ["Leverancier"] }));
    expect(again.relatiecode).toBe(2006);
    expect(await c.json<Relatie>(c.get(`/relaties/${r.id}`))).toMatchObject({ naam: "Nieuwe Klant B.V." });
  });

  it("keeps a given free relatiecode and refuses a taken one", async () => {
    const free = await c.json<Relatie>(c.post("/relaties", { naam: "Eigen nummer", relatiesoort: ["Klant"], relatiecode: 5000 }));
    expect(free.relatiecode).toBe(5000);
    const next = await c.json<Relatie>(c.post("/relaties", { naam: "Daarna", relatiesoort: ["Klant"] }));
    expect(next.relatiecode).toBe(5001);

    const taken = await c.post("/relaties", { naam: "Dubbel", relatiesoort: ["Klant"], relatiecode: 1001 });
    expect(taken.status).toBe(400);
    const errs = (await taken.json()) as ApiError[];
    expect(errs).toEqual([
      expect.objectContaining({ kenmerk: "relatiecode", errorCode: "Business.RelatiecodeInGebruik" }),
    ]);
    expect(errs[0]!.message).toMatch(/1001.*in gebruik/);
  });

  it("answers 400 with reasons for schema and business violations", async () => {
    const schema = await c.post("/relaties", {
      naam: "x".repeat(51),
      relatiesoort: ["Klant"],
      kvkNummer: "1234567890123",
      incassoSoort: "Maandelijks",
      krediettermijn: "dertig",
    });
    expect(schema.status).toBe(400);
    const errs = (await schema.json()) as ApiError[];
    expect(errs.map((e) => e.kenmerk).sort()).toEqual(["incassoSoort", "krediettermijn", "kvkNummer", "naam"]);
    for (const e of errs) {
      expect(e.errorCode).toMatch(/^Schema\./);
      expect(e.message.length).toBeGreaterThan(5);
    }

    const noName = await c.post("/relaties", { relatiesoort: ["Klant"] });
    expect(noName.status).toBe(400);
    expect(await noName.json()).toEqual([
      expect.objectContaining({ kenmerk: "naam", errorCode: "Business.Verplicht", message: "Naam is verplicht." }),
    ]);

    const badJson = await fetch(`${sim.url}/v2/relaties`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${await tokenFor(sim)}`,
        "ocp-apim-subscription-key": "sandbox-subscription-key",
        "content-type": "application/json",
      },
      body: "{naam:",
    });
    expect(badJson.status).toBe(400);
    expect(((await badJson.json()) as ApiError[])[0]!.kenmerk).toBe("body");
  });

  it("validates path ids as uuid and answers 404 for unknown ones", async () => {
    const bad = await c.get("/relaties/123");
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as ApiError[])[0]!.kenmerk).toBe("id");
    expect((await c.get("/relaties/00000000-0000-0000-0000-000000000000")).status).toBe(404);
  });

  it("PUT replaces the relatie, keeps relatiecode when omitted and bumps modifiedOn", async () => {
    const orig = await c.json<Relatie>(c.get(`/relaties/${IDS.klantZonnetje}`));
    const res = await c.put(`/relaties/${IDS.klantZonnetje}`, {
      id: IDS.klantZonnetje,
      naam: "Lunchroom Het Zonnetje (nieuw)",
      relatiesoort: ["Klant"],
      email: "nieuw@hetzonnetje.test",
    });
    expect(res.status).toBe(200);
    const upd = (await res.json()) as Relatie;
    expect(upd.relatiecode).toBe(1001);
    expect(upd.email).toBe("nieuw@hetzonnetje.test");
    expect(upd.telefoon).toBeUndefined(); // PUT replaces: omitted fields are cleared
    expect(Date.parse(upd.modifiedOn)).toBeGreaterThan(Date.parse(orig.modifiedOn));

    const taken = await c.put(`/relaties/${IDS.klantZonnetje}`, { naam: "x", relatiesoort: ["Klant"], relatiecode: 1002 });
    expect(taken.status).toBe(400);
    const mismatch = await c.put(`/relaties/${IDS.klantZonnetje}`, {
      id: IDS.klantGoudenLeeuw,
      naam: "x",
      relatiesoort: ["Klant"],
    });
    expect(mismatch.status).toBe(400);
  });

  it("DELETE removes a relatie without bookings and frees its relatiecode", async () => {
    const r = await c.json<Relatie>(c.post("/relaties", { naam: "Weg", relatiesoort: ["Klant"], relatiecode: 7000 }));
    expect((await c.del(`/relaties/${r.id}`)).status).toBe(200);
    expect((await c.get(`/relaties/${r.id}`)).status).toBe(404);
    const reuse = await c.post("/relaties", { naam: "Hergebruik", relatiesoort: ["Klant"], relatiecode: 7000 });
    expect(reuse.status).toBe(201);
    // a relatie with verkoopboekingen cannot be deleted
    const inUse = await c.del(`/relaties/${IDS.klantGoudenLeeuw}`);
    expect(inUse.status).toBe(400);
  });
});

describe("OData on /relaties", () => {
  it("filters on ModifiedOn in the usual literal forms", async () => {
    const forms = [
      "ModifiedOn gt DateTime'2024-02-08T00:00:00'",
      "modifiedOn gt 2024-02-08T00:00:00Z",
      "ModifiedOn gt datetimeoffset'2024-02-08T00:00:00+00:00'",
      "ModifiedOn gt 2024-02-08T01:00:00+01:00",
    ];
    for (const f of forms) {
      const rows = await c.json<Relatie[]>(c.get(`/relaties?$filter=${encodeURIComponent(f)}`));
      expect(rows.map((r) => r.relatiecode), f).toEqual([2002, 2003, 2004]);
    }
  });

  it("sees writes through a ModifiedOn filter (incremental sync)", async () => {
    const all = await c.json<Relatie[]>(c.get("/relaties"));
    const high = all.map((r) => r.modifiedOn).sort().at(-1)!;
    expect(await c.json<Relatie[]>(c.get(`/relaties?$filter=${encodeURIComponent(`ModifiedOn gt ${high}`)}`))).toEqual([]);
    await c.put(`/relaties/${IDS.klantZonnetje}`, { naam: "Gewijzigd", relatiesoort: ["Klant"] });
    const nieuw = await c.json<Relatie>(c.post("/relaties", { naam: "Nieuw", relatiesoort: ["Klant"] }));
    const changed = await c.json<Relatie[]>(c.get(`/relaties?$filter=${encodeURIComponent(`ModifiedOn gt ${high}`)}`));
    // creation order, not modification order
    expect(changed.map((r) => r.id)).toEqual([IDS.klantZonnetje, nieuw.id]);
  });

  it("filters on Relatiecode, Naam, booleans, and/or, navigation and lambdas", async () => {
    const q = async (f: string) =>
      (await c.json<Relatie[]>(c.get(`/relaties?$filter=${encodeURIComponent(f)}`))).map((r) => r.relatiecode);
    expect(await q("Relatiecode eq 1003")).toEqual([1003]);
    expect(await q("Naam eq 'Café De Kroeg'")).toEqual([1004]);
    expect(await q("naam eq 'hotel de gouden leeuw b.v.'")).toEqual([1002]);
    expect(await q("Relatiecode eq 1001 or Relatiecode eq 2002")).toEqual([1001, 2002]);
    expect(await q("Nonactief eq false and Relatiecode ge 2000")).toEqual([2001, 2002]);
    expect(await q("(Relatiecode lt 1003 or Relatiecode gt 2003) and not (Relatiecode eq 1002)")).toEqual([1001, 2004]);
    expect(await q("VestigingsAdres/Plaats eq 'Amersfoort'")).toEqual([1001]);
    expect(await q("Relatiesoort/any(s: s eq 'Leverancier') and Relatiesoort/any(s: s eq 'Klant')")).toEqual([1005]);
    expect(await q("contains(Naam, 'zonnetje')")).toEqual([1001]);
    expect(await q(`Id eq guid'${IDS.klantGoudenLeeuw}'`)).toEqual([1002]);
    expect(await q("Naam eq 'O''Brien'")).toEqual([]);
  });

  it("answers 400 for an invalid or unknown $filter and unsupported options", async () => {
    const bad = await c.get(`/relaties?$filter=${encodeURIComponent("Naam eq")}`);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as ApiError[])[0]).toMatchObject({ kenmerk: "$filter", errorCode: "OData.Ongeldig" });
    const unknown = await c.get(`/relaties?$filter=${encodeURIComponent("Bestaatniet eq 1")}`);
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as ApiError[])[0]!.message).toMatch(/Bestaatniet/);
    const orderby = await c.get("/relaties?$orderby=Naam");
    expect(orderby.status).toBe(400);
    const top0 = await c.get("/relaties?$top=0");
    expect(top0.status).toBe(400);
    const skipText = await c.get("/relaties?$skip=abc");
    expect(skipText.status).toBe(400);
    const unknownParam = await c.get("/relaties?pagina=2");
    expect(unknownParam.status).toBe(400);
    expect(((await unknownParam.json()) as ApiError[])[0]).toMatchObject({ kenmerk: "pagina" });
  });

  it("pages with $top/$skip in creation order", async () => {
    const all = await c.json<Relatie[]>(c.get("/relaties"));
    const pages: Relatie[] = [];
    for (let skip = 0; ; skip += 3) {
      const page = await c.json<Relatie[]>(c.get(`/relaties?$top=3&$skip=${skip}`));
      pages.push(...page);
      if (page.length < 3) break;
    }
    expect(pages.map((r) => r.id)).toEqual(all.map((r) => r.id));
  });

  it("caps $top at the configured maximum and uses the configured default", async () => {
    const small = await startSim({ maxTop: 4, defaultTop: 2 });
    try {
      const sc = client(small, await tokenFor(small));
      expect((await sc.json<Relatie[]>(sc.get("/relaties"))).length).toBe(2);
      expect((await sc.json<Relatie[]>(sc.get("/relaties?$top=100"))).length).toBe(4);
      expect((await sc.get("/relaties?$top=501")).status).toBe(400); // the spec's maximum
    } finally {
      await small.close();
    }
  });

  it("handles 100,000 relaties: paging and filtered paging stay fast", async () => {
    const adm = sim.state.find(INKAART.id)!;
    const ctx = { adm, spec: sim.state.spec, options: sim.state.config.domain };
    const t0 = Date.now();
    for (let i = 0; i < 100_000; i++) {
      const r = saveRelatie(ctx, { naam: `Bulk ${i}`, relatiesoort: ["Klant"], nonactief: i % 10 === 0 });
      if (!r.ok) throw new Error("insert failed");
    }
    const insertMs = Date.now() - t0;
    expect(adm.relaties.size).toBe(100_010);

    const t1 = Date.now();
    let seen = 0;
    let lastCode = 0;
    for (let skip = 0; ; skip += 500) {
      const page = await c.json<Relatie[]>(c.get(`/relaties?$skip=${skip}&$top=500`));
      for (const r of page) {
        if (seen >= 10) expect(r.relatiecode).toBeGreaterThan(lastCode); // creation order
        lastCode = r.relatiecode;
      }
      seen += page.length;
      if (page.length < 500) break;
    }
    const pageMs = Date.now() - t1;
    expect(seen).toBe(100_010);

    const t2 = Date.now();
    let filtered = 0;
    const f = encodeURIComponent("Nonactief eq true and startswith(Naam, 'Bulk')");
    for (let skip = 0; ; skip += 500) {
      const page = await c.json<Relatie[]>(c.get(`/relaties?$skip=${skip}&$top=500&$filter=${f}`));
      filtered += page.length;
      if (page.length < 500) break;
    }
    const filterMs = Date.now() - t2;
    expect(filtered).toBe(10_000);

    // generous bounds: they catch O(n²) behaviour, not machine speed
    expect(insertMs).toBeLessThan(20_000);
    expect(pageMs).toBeLessThan(20_000);
    expect(filterMs).toBeLessThan(10_000);
  }, 90_000);
});
