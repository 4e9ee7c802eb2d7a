import { describe, expect, it } from "vitest";
import { IDS, c, formOn, postForm, sim, uiPage, useSimulator, type Row } from "./helpers";

useSimulator();

type Artikel = Row & {
  artikelcode: string;
  omschrijving: string;
  verkoopprijs?: number;
  inkoopprijs?: number;
  eenheid?: string;
  isNonActief: boolean;
  voorraadControle: boolean;
  technischeVoorraad: number;
  artikelOmzetgroep: { id: string; uri: string };
};
type Omzetgroep = { id: string; omschrijving: string };

const artikel = (id: string) => c.json<Artikel>(c.get(`/artikelen/${id}`));
const omzetgroep = async (omschrijving: string) =>
  (await c.json<Omzetgroep[]>(c.get("/artikelomzetgroepen"))).find((g) => g.omschrijving === omschrijving)!.id;

describe("bookkeeper page: artikelen", () => {
  it("editing omschrijving, prijzen, eenheid and omzetgroep changes GET /v2/artikelen/{id} and bumps modifiedOn; stock stays", async () => {
    const before = await artikel(IDS.artikelVolkoren);
    const laag = await omzetgroep("Omzet laag tarief");
    const form = formOn((await uiPage(sim, `/artikelen/${IDS.artikelVolkoren}`)).html, `/artikelen/${IDS.artikelVolkoren}`);
    expect(form.fields.get("artikelOmzetgroep")).toBe(before.artikelOmzetgroep.id);
    expect(form.fields.get("voorraadControle")).toBe("true");
    form.fields.set("omschrijving", "Volkoren brood 600 g");
    form.fields.set("verkoopprijs", "3,15"); // as a Dutch bookkeeper types it
    form.fields.set("inkoopprijs", "1.2");
    form.fields.set("eenheid", "brood");
    form.fields.set("artikelOmzetgroep", laag);

    const res = await postForm(sim, form.action, form.fields);
    expect(res.status).toBe(303);
    const after = await artikel(IDS.artikelVolkoren);
    expect(after).toMatchObject({
      artikelcode: "BROOD-001",
      omschrijving: "Volkoren brood 600 g",
      verkoopprijs: 3.15,
      inkoopprijs: 1.2,
      eenheid: "brood",
      artikelOmzetgroep: { id: laag },
      voorraadControle: true,
      technischeVoorraad: before.technischeVoorraad,
      isNonActief: false,
    });
    expect(Date.parse(after.modifiedOn)).toBeGreaterThan(Date.parse(before.modifiedOn));
  });

  it("a price that is not a number is refused by the spec's type check and nothing changes", async () => {
    const before = await artikel(IDS.artikelVolkoren);
    const form = formOn((await uiPage(sim, `/artikelen/${IDS.artikelVolkoren}`)).html, `/artikelen/${IDS.artikelVolkoren}`);
    form.fields.set("verkoopprijs", "drie euro");
    const res = await postForm(sim, form.action, form.fields);
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toMatch(/id="artikel-verkoopprijs"[^>]*aria-invalid="true"/);
    expect(html).toContain("verkoopprijs: must be number");
    expect((await artikel(IDS.artikelVolkoren)).modifiedOn).toBe(before.modifiedOn);
  });

  it("deactivating sets isNonActief (a ModifiedOn pull sees it); activating clears it", async () => {
    const since = new Date(Date.now() - 1).toISOString();
    const page = await uiPage(sim, `/artikelen/${IDS.artikelCatering}`);
    const off = formOn(page.html, `/artikelen/${IDS.artikelCatering}/nonactief`);
    expect((await postForm(sim, off.action, off.fields)).status).toBe(303);
    expect((await artikel(IDS.artikelCatering)).isNonActief).toBe(true);
    const changed = await c.json<Artikel[]>(c.get(`/artikelen?$filter=${encodeURIComponent(`ModifiedOn gt ${since}`)}`));
    expect(changed.map((a) => [a.artikelcode, a.isNonActief])).toEqual([["CATER-100", true]]);
    expect((await uiPage(sim, "/artikelen", { zoek: "CATER" })).html).toContain('<span class="nonactief">nonactief</span>');

    const on = formOn((await uiPage(sim, `/artikelen/${IDS.artikelCatering}`)).html, `/artikelen/${IDS.artikelCatering}/nonactief`);
    expect((await postForm(sim, on.action, on.fields)).status).toBe(303);
    expect((await artikel(IDS.artikelCatering)).isNonActief).toBe(false);
  });

  it("creates an artikel; an artikelcode in use is refused", async () => {
    const form = formOn((await uiPage(sim, "/artikelen/nieuw")).html, "/artikelen");
    form.fields.set("artikelcode", "TAART-200");
    form.fields.set("omschrijving", "Slagroomtaart");
    form.fields.set("artikelOmzetgroep", await omzetgroep("Omzet laag tarief"));
    form.fields.set("verkoopprijs", "24.50");
    form.fields.set("eenheid", "stuk");
    const res = await postForm(sim, form.action, form.fields);
    expect(res.status).toBe(303);
    const id = /\/artikelen\/([0-9a-f-]{36})\?/.exec(res.headers.get("location") ?? "")![1]!;
    expect(await artikel(id)).toMatchObject({ artikelcode: "TAART-200", omschrijving: "Slagroomtaart", verkoopprijs: 24.5, eenheid: "stuk", isNonActief: false, voorraadControle: false });

    form.fields.set("artikelcode", "brood-001");
    const dup = await postForm(sim, form.action, form.fields);
    expect(dup.status).toBe(400);
    expect(await dup.text()).toContain("Artikelcode &#39;brood-001&#39; is al in gebruik.");
  });

  it("deletes an artikel; one used in a verkooporder is refused", async () => {
    const del = formOn((await uiPage(sim, `/artikelen/${IDS.artikelCatering}`)).html, `/artikelen/${IDS.artikelCatering}/verwijderen`);
    const res = await postForm(sim, del.action, del.fields);
    expect(res.status).toBe(303);
    expect((await c.get(`/artikelen/${IDS.artikelCatering}`)).status).toBe(404);

    const refused = await postForm(sim, `/__admin/ui/artikelen/${IDS.artikelVolkoren}/verwijderen`, {});
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain("Dit artikel wordt gebruikt in een verkooporder.");
    expect((await c.get(`/artikelen/${IDS.artikelVolkoren}`)).status).toBe(200);
  });

  it("lists artikelen with isNonActief and the artikelomzetgroepen with their btw soort and grootboek", async () => {
    const html = (await uiPage(sim, "/artikelen")).html;
    expect(html).toMatch(/BROOD-099<\/a><\/th>[\s\S]*?<span class="nonactief">nonactief<\/span>/);
    expect(html).toContain("<caption>Artikelomzetgroepen (3)</caption>");
    expect(html).toMatch(/<td>Omzet laag tarief<\/td><td>Laag<\/td><td>8010 — Omzet laag<\/td>/);
    expect(html).toMatch(/<td>Diensten<\/td><td>Hoog<\/td><td>8100 — Omzet diensten<\/td>/);
  });
});
