import { beforeEach, describe, expect, it } from "vitest";
import { IDS, INKAART, admin, c, grootboekId, sim, useSimulator, type Row } from "./helpers";

let omzetHoog: string;

useSimulator();
beforeEach(async () => {
  omzetHoog = await grootboekId(c, 8000);
});

type ApiError = { kenmerk: string; message: string; errorCode: string };
type Factuur = Row & {
  factuurnummer: string;
  factuurBedrag: number;
  openstaandSaldo: number;
  vervalDatum: string;
  verkoopBoeking: { id: string; uri: string };
  relatie: { id: string; uri: string };
};

const boeking = (over: Record<string, unknown> = {}) => ({
  factuurnummer: "TRIBE-1001",
  klant: { id: IDS.klantZonnetje },
  factuurdatum: "2024-06-03T00:00:00Z",
  omschrijving: "Factuur uit Tribe",
  betalingstermijn: 14,
  factuurbedrag: 121,
  boekingsregels: [{ omschrijving: "Catering", grootboek: { id: omzetHoog }, bedrag: 100, btwSoort: "Hoog" }],
  btw: [{ btwSoort: "VerkopenHoog", btwBedrag: 21 }],
  ...over,
});

const pdf = Buffer.from("%PDF-1.4\n% simulated invoice\n%%EOF\n").toString("base64");

describe("verkoopboekingen, documenten and verkoopfacturen", () => {
  it("books an invoice, attaches the document and exposes an open verkoopfactuur", async () => {
    const res = await c.post("/verkoopboekingen", boeking());
    expect(res.status).toBe(201);
    const b = (await res.json()) as Row & { factuurnummer: string; klant: { id: string; uri: string }; documents: unknown[] };
    expect(b.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(b.klant).toEqual({ id: IDS.klantZonnetje, uri: `/relaties/${IDS.klantZonnetje}` });
    expect(b.documents).toEqual([]);

    const doc = await c.post("/documenten/Verkoopboekingen", {
      content: pdf,
      parentIdentifier: b.id,
      fileName: "TRIBE-1001.pdf",
      readOnly: false,
    });
    expect(doc.status).toBe(200);
    const docRef = (await doc.json()) as { id: string; uri: string };
    expect(docRef.uri).toBe(`/documenten/${docRef.id}`);

    const list = await c.json<Array<Record<string, unknown>>>(c.get(`/documenten/Verkoopboekingen/${b.id}`));
    expect(list).toEqual([
      { verkoopBoekingId: b.id, fileName: "TRIBE-1001.pdf", readOnly: false, id: docRef.id, uri: docRef.uri },
    ]);
    const content = await c.json<{ content: string }>(c.get(`/documenten/${docRef.id}`));
    expect(content.content).toBe(pdf);
    const withDocs = await c.json<{ documents: Array<{ fileName: string }> }>(c.get(`/verkoopboekingen/${b.id}`));
    expect(withDocs.documents.map((d) => d.fileName)).toEqual(["TRIBE-1001.pdf"]);

    const facturen = await c.json<Factuur[]>(
      c.get(`/verkoopfacturen?$filter=${encodeURIComponent("Factuurnummer eq 'TRIBE-1001'")}`),
    );
    expect(facturen).toHaveLength(1);
    const f = facturen[0]!;
    expect(f).toMatchObject({
      factuurnummer: "TRIBE-1001",
      factuurBedrag: 121,
      openstaandSaldo: 121,
      verkoopBoeking: { id: b.id, uri: `/verkoopboekingen/${b.id}` },
      relatie: { id: IDS.klantZonnetje },
      vervalDatum: "2024-06-17T00:00:00.000Z",
    });
    expect(await c.json<Factuur>(c.get(`/verkoopfacturen/${f.id}`))).toEqual(f);

    const perRelatie = await c.json<Array<{ factuurnummer: string }>>(c.get(`/relaties/${IDS.klantZonnetje}/verkoopboekingen`));
    expect(perRelatie.map((x) => x.factuurnummer)).toEqual(["2024-0002", "TRIBE-1001"]);

    // the state dump shows it all
    const state = (await (await admin(sim, `/state?administratie=${INKAART.id}`)).json()) as {
      verkoopboekingen: unknown[];
      documenten: Array<{ fileName: string; size: number }>;
    };
    expect(state.verkoopboekingen).toHaveLength(3);
    expect(state.documenten).toEqual([expect.objectContaining({ fileName: "TRIBE-1001.pdf", size: Buffer.from(pdf, "base64").length })]);
  });

  it("refuses a duplicate factuurnummer, unknown klant and unknown grootboek with reasons", async () => {
    expect((await c.post("/verkoopboekingen", boeking())).status).toBe(201);
    const dup = await c.post("/verkoopboekingen", boeking());
    expect(dup.status).toBe(400);
    const dupErr = (await dup.json()) as ApiError[];
    expect(dupErr).toEqual([expect.objectContaining({ kenmerk: "factuurnummer", errorCode: "Business.FactuurnummerBestaatAl" })]);
    expect(dupErr[0]!.message).toMatch(/TRIBE-1001.*bestaat al/);

    const bad = await c.post(
      "/verkoopboekingen",
      boeking({
        factuurnummer: "TRIBE-1002",
        klant: { id: "00000000-0000-0000-0000-000000000001" },
        boekingsregels: [{ grootboek: { id: "00000000-0000-0000-0000-000000000002" }, bedrag: 100, btwSoort: "Hoog" }],
      }),
    );
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as ApiError[]).map((e) => e.errorCode).sort()).toEqual([
      "Business.GrootboekBestaatNiet",
      "Business.KlantBestaatNiet",
    ]);

    const schema = await c.post("/verkoopboekingen", { klant: { id: IDS.klantZonnetje }, betalingstermijn: 1000 });
    expect(schema.status).toBe(400);
    const kenmerken = ((await schema.json()) as ApiError[]).map((e) => e.kenmerk).sort();
    expect(kenmerken).toEqual(["betalingstermijn", "boekingsregels", "factuurnummer"]);

    const leverancier = await c.json<Array<{ id: string }>>(c.get(`/relaties?$filter=Relatiecode eq 2001`));
    const notKlant = await c.post("/verkoopboekingen", boeking({ factuurnummer: "X-1", klant: { id: leverancier[0]!.id } }));
    expect(((await notKlant.json()) as ApiError[])[0]!.errorCode).toBe("Business.RelatieIsGeenKlant");

    const unbalanced = await c.post("/verkoopboekingen", boeking({ factuurnummer: "X-2", factuurbedrag: 120 }));
    expect(unbalanced.status).toBe(400);
    expect(((await unbalanced.json()) as ApiError[])[0]!.errorCode).toBe("Business.NietInBalans");

    const noOffset = await c.post("/verkoopboekingen", boeking({ factuurnummer: "X-3", factuurdatum: "2024-06-03" }));
    expect(noOffset.status).toBe(400);
    expect(((await noOffset.json()) as ApiError[])[0]!.kenmerk).toBe("factuurdatum");
  });

  it("refuses a document for a missing parent (404) and invalid base64 (400)", async () => {
    const missing = await c.post("/documenten/Verkoopboekingen", {
      content: pdf,
      parentIdentifier: "00000000-0000-0000-0000-000000000009",
      fileName: "a.pdf",
    });
    expect(missing.status).toBe(404);
    const b = await c.json<Row>(c.post("/verkoopboekingen", boeking()));
    const badB64 = await c.post("/documenten/Verkoopboekingen", { content: "***", parentIdentifier: b.id, fileName: "a.pdf" });
    expect(badB64.status).toBe(400);
    expect(((await badB64.json()) as ApiError[])[0]!.kenmerk).toBe("content");
  });

  it("PUT keeps payments, DELETE removes the verkoopfactuur", async () => {
    const b = await c.json<Row>(c.post("/verkoopboekingen", boeking()));
    const [f] = await c.json<Factuur[]>(c.get(`/verkoopfacturen?$filter=${encodeURIComponent("Factuurnummer eq 'TRIBE-1001'")}`));
    await admin(sim, `/verkoopfacturen/${f!.id}/betaald`, { bedrag: 21 });
    const put = await c.put(
      `/verkoopboekingen/${b.id}`,
      boeking({
        factuurbedrag: 242,
        boekingsregels: [{ grootboek: { id: omzetHoog }, bedrag: 200, btwSoort: "Hoog" }],
        btw: [{ btwSoort: "VerkopenHoog", btwBedrag: 42 }],
      }),
    );
    expect(put.status).toBe(200);
    const f2 = await c.json<Factuur>(c.get(`/verkoopfacturen/${f!.id}`));
    expect(f2).toMatchObject({ factuurBedrag: 242, openstaandSaldo: 221 });
    expect((await c.del(`/verkoopboekingen/${b.id}`)).status).toBe(200);
    expect((await c.get(`/verkoopfacturen/${f!.id}`)).status).toBe(404);
    // the factuurnummer is free again
    expect((await c.post("/verkoopboekingen", boeking())).status).toBe(201);
  });
});

describe("bookkeeper: mark paid", () => {
  it("POST /__admin/verkoopfacturen/{id}/betaald sets openstaandSaldo to 0 and bumps modifiedOn", async () => {
    await c.post("/verkoopboekingen", boeking());
    const [f] = await c.json<Factuur[]>(c.get(`/verkoopfacturen?$filter=${encodeURIComponent("Factuurnummer eq 'TRIBE-1001'")}`));
    const res = await admin(sim, `/verkoopfacturen/${f!.id}/betaald`, {});
    expect(res.status).toBe(200);
    const paid = await c.json<Factuur>(c.get(`/verkoopfacturen/${f!.id}`));
    expect(paid.openstaandSaldo).toBe(0);
    expect(Date.parse(paid.modifiedOn)).toBeGreaterThan(Date.parse(f!.modifiedOn));
    // an incremental sync picks it up
    const changed = await c.json<Factuur[]>(
      c.get(`/verkoopfacturen?$filter=${encodeURIComponent(`ModifiedOn gt ${f!.modifiedOn}`)}`),
    );
    expect(changed.map((x) => x.id)).toEqual([f!.id]);
  });

  it("the UI lists facturen with an accessible button that works as a form post", async () => {
    await c.post("/verkoopboekingen", boeking());
    const html = await (await fetch(`${sim.url}/__admin/ui?administratie=${INKAART.id}`)).text();
    expect(html).toContain('<html lang="nl">');
    expect(html).toContain("<caption>Verkoopfacturen");
    expect(html).toContain('aria-label="Markeer factuur TRIBE-1001 als betaald"');
    expect(html).toContain("Markeer betaald");
    expect(html).toContain("Lunchroom Het Zonnetje");
    const m = /action="\/__admin\/verkoopfacturen\/([0-9a-f-]+)\/betaald"[\s\S]*?TRIBE-1001 als betaald/.exec(html);
    // the first form on the page belongs to the newest factuur (TRIBE-1001)
    expect(m).not.toBeNull();
    const res = await fetch(`${sim.url}/__admin/verkoopfacturen/${m![1]}/betaald`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "",
      redirect: "manual",
    });
    expect(res.status).toBe(303);
    const after = await (await fetch(`${sim.url}${res.headers.get("location")}`)).text();
    expect(after).toContain('role="status"');
    expect(after).not.toContain('aria-label="Markeer factuur TRIBE-1001 als betaald"');
  });
});

describe("other endpoints", () => {
  it("reference data: grootboeken, dagboeken, btwtarieven, artikelomzetgroepen, companyInfo", async () => {
    const gb = await c.json<Array<{ nummer: number; nonactief: boolean }>>(c.get("/grootboeken"));
    expect(gb.map((g) => g.nummer)).toEqual(expect.arrayContaining([8000, 8010, 8020, 8100, 1300]));
    const db = await c.json<Array<{ soort: string }>>(c.get("/dagboeken"));
    expect(db.map((d) => d.soort)).toContain("Verkoop");
    const btw = await c.json<Array<{ btwSoort: string; btwPercentage: number }>>(c.get("/btwtarieven"));
    expect(btw).toEqual(expect.arrayContaining([expect.objectContaining({ btwSoort: "Hoog", btwPercentage: 21 })]));
    const aog = await c.json<Array<{ id: string; verkoopGrootboekNederlandIdentifier: { id: string; uri: string } }>>(
      c.get("/artikelomzetgroepen"),
    );
    expect(aog[0]!.verkoopGrootboekNederlandIdentifier).toEqual({ id: omzetHoog, uri: `/grootboeken/${omzetHoog}` });
    expect((await c.get(`/artikelomzetgroepen/${aog[0]!.id}`)).status).toBe(200);
    const info = await c.json<{ bedrijfsnaam: string }>(c.get("/companyInfo"));
    expect(info.bedrijfsnaam).toBe("Bakkerij De Korenschoof B.V.");
  });

  it("artikelen: list (spec max $top 25), create with a unique artikelcode, nonactief ones", async () => {
    const list = await c.json<Array<{ artikelcode: string; isNonActief: boolean; isHoofdartikel: boolean }>>(c.get("/artikelen"));
    expect(list).toHaveLength(6);
    expect(list.filter((a) => a.isNonActief).map((a) => a.artikelcode)).toEqual(["BROOD-099", "GEBAK-099"]);
    expect((await c.get("/artikelen?$top=26")).status).toBe(400);
    const aog = await c.json<Array<{ id: string }>>(c.get("/artikelomzetgroepen"));
    const created = await c.post("/artikelen", {
      artikelcode: "NIEUW-1",
      omschrijving: "Nieuw product",
      artikelOmzetgroep: { id: aog[0]!.id },
      verkoopprijs: 9.95,
      eenheid: "stuk",
    });
    expect(created.status).toBe(201);
    const dup = await c.post("/artikelen", { artikelcode: "nieuw-1", omschrijving: "x", artikelOmzetgroep: { id: aog[0]!.id } });
    expect(((await dup.json()) as ApiError[])[0]!.errorCode).toBe("Business.ArtikelcodeInGebruik");
    const filtered = await c.json<unknown[]>(c.get(`/artikelen?$filter=${encodeURIComponent("IsNonActief eq false")}`));
    expect(filtered).toHaveLength(5);
  });

  it("verkoopordersjablonen, doorlopende incassomachtigingen and verkooporders", async () => {
    const sjablonen = await c.json<Array<{ id: string; omschrijving: string }>>(c.get("/verkoopordersjablonen"));
    expect(sjablonen.map((s) => s.omschrijving)).toContain("Abonnement (maandelijks)");
    expect((await c.get(`/verkoopordersjablonen/${sjablonen[0]!.id}`)).status).toBe(200);

    const machtigingen = await c.json<Array<{ id: string; kenmerk: string; klant: { id: string } }>>(
      c.get(`/relaties/${IDS.klantZonnetje}/doorlopendeincassomachtigingen`),
    );
    expect(machtigingen).toEqual([expect.objectContaining({ kenmerk: "MACHT-1001-001", klant: expect.objectContaining({ id: IDS.klantZonnetje }) })]);
    expect(await c.json(c.get(`/relaties/${IDS.klantGoudenLeeuw}/doorlopendeincassomachtigingen`))).toEqual([]);

    const artikelen = await c.json<Array<{ id: string; artikelcode: string }>>(c.get("/artikelen"));
    const brood = artikelen.find((a) => a.artikelcode === "BROOD-001")!;
    const res = await c.post("/verkooporders", {
      relatie: { id: IDS.klantZonnetje },
      datum: "2024-06-10T00:00:00Z",
      procesStatus: "Order",
      verkoopordersjabloon: { id: sjablonen[0]!.id },
      incassomachtiging: { id: machtigingen[0]!.id },
      regels: [{ artikel: { id: brood.id }, omschrijving: "Volkoren", stuksprijs: 2.95, aantal: 10 }],
    });
    expect(res.status).toBe(201);
    const order = (await res.json()) as Row & { nummer: number; totaalExclusiefBtw: number; totaalInclusiefBtw: number };
    expect(order.nummer).toBe(1002);
    expect(order.totaalExclusiefBtw).toBe(29.5);
    expect(order.totaalInclusiefBtw).toBe(35.7); // artikelomzetgroep "hoog": 21 %
    const put = await c.put(`/verkooporders/${order.id}`, {
      relatie: { id: IDS.klantZonnetje },
      datum: "2024-06-10T00:00:00Z",
      procesStatus: "Factuur",
    });
    expect(put.status).toBe(200);
    expect(await c.json(c.get(`/verkooporders/${order.id}`))).toMatchObject({ nummer: 1002, procesStatus: "Factuur" });
    const list = await c.json<unknown[]>(c.get("/verkooporders"));
    expect(list).toHaveLength(2);
    const missing = await c.post("/verkooporders", { relatie: { id: IDS.klantZonnetje } });
    expect(((await missing.json()) as ApiError[]).map((e) => e.kenmerk)).toEqual(["datum"]);
  });

  it("answers 501 for spec operations the simulator does not implement and 404 off-spec", async () => {
    const res = await c.get("/kostenplaatsen");
    expect(res.status).toBe(501);
    expect((await c.get("/bestaatniet")).status).toBe(404);
  });
});
