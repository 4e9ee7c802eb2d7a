import { describe, expect, it } from "vitest";
import { IDS, c, formOn, postForm, sim, uiPage, useSimulator, type Row } from "./helpers";

useSimulator();

type Adres = { straat?: string; postcode?: string; plaats?: string; contactpersoon?: string; land?: { id: string; uri: string } };
type Relatie = Row & {
  relatiecode: number;
  naam: string;
  relatiesoort: string[];
  nonactief: boolean;
  vestigingsAdres?: Adres;
  correspondentieAdres?: Adres;
  email?: string;
  krediettermijn?: number;
  factuurEmailVersturen?: { shouldSend: boolean; email: string };
};
type Machtiging = { id: string; kenmerk: string; afsluitDatum: string; intrekkingsDatum?: string; klant: { id: string } };

const relatie = (id: string) => c.json<Relatie>(c.get(`/relaties/${id}`));
const changedSince = async (since: string) =>
  (await c.json<Relatie[]>(c.get(`/relaties?$filter=${encodeURIComponent(`ModifiedOn gt ${since}`)}`))).map((r) => r.id);

describe("bookkeeper page: relaties", () => {
  it("editing the postcode and huisnummer changes what GET /v2/relaties/{id} answers, bumps modifiedOn and keeps fields the form does not show", async () => {
    const before = await relatie(IDS.klantZonnetje);
    const page = await uiPage(sim, `/relaties/${IDS.klantZonnetje}`);
    expect(page.status).toBe(200);
    const form = formOn(page.html, `/relaties/${IDS.klantZonnetje}`);
    expect(form.fields.get("vestigingsAdres.postcode")).toBe("3811 AB");
    form.fields.set("vestigingsAdres.postcode", "3812 CD");
    form.fields.set("vestigingsAdres.straat", "Dorpsstraat 14a");
    form.fields.set("correspondentieAdres.land", IDS.landNederland);

    const posted = new Date(Date.now() - 1).toISOString();
    const res = await postForm(sim, form.action, form.fields);
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toMatch(new RegExp(`/__admin/ui/relaties/${IDS.klantZonnetje}\\?.*melding=opgeslagen`));

    const after = await relatie(IDS.klantZonnetje);
    expect(after.vestigingsAdres).toMatchObject({ straat: "Dorpsstraat 14a", postcode: "3812 CD", plaats: "Amersfoort", contactpersoon: "Sanne de Vries" });
    expect(after.correspondentieAdres?.land).toEqual({ id: IDS.landNederland, uri: `/landen/${IDS.landNederland}` });
    expect(Date.parse(after.modifiedOn)).toBeGreaterThan(Date.parse(before.modifiedOn));
    // not on the form: a PUT would clear them, the page keeps them
    expect(after.factuurEmailVersturen).toEqual(before.factuurEmailVersturen);
    expect(after).toMatchObject({ naam: before.naam, relatiecode: 1001, krediettermijn: 14, nonactief: false });
    // the app's scheduled pull sees exactly this change
    expect(await changedSince(posted)).toEqual([IDS.klantZonnetje]);
    expect((await uiPage(sim, `/relaties/${IDS.klantZonnetje}`, { melding: "opgeslagen" })).html).toContain('role="status"');
  });

  it("a refused edit shows SnelStart's reasons next to the field and changes nothing", async () => {
    const before = await relatie(IDS.klantZonnetje);
    const form = formOn((await uiPage(sim, `/relaties/${IDS.klantZonnetje}`)).html, `/relaties/${IDS.klantZonnetje}`);

    // the spec's maxLength (12) is checked as for an API call
    form.fields.set("kvkNummer", "1234567890123");
    const tooLong = await postForm(sim, form.action, form.fields);
    expect(tooLong.status).toBe(400);
    const html = await tooLong.text();
    expect(html).toContain('role="alert"');
    expect(html).toMatch(/id="relatie-kvkNummer"[^>]*aria-invalid="true"/);
    expect(html).toContain("kvkNummer: must NOT have more than 12 characters");
    expect(html).toContain('value="1234567890123"'); // what was typed stays in the form

    // business rules: naam and relatiesoort are required
    form.fields.set("kvkNummer", "12345678");
    form.fields.set("naam", "  ");
    form.fields.delete("relatiesoort");
    const empty = await postForm(sim, form.action, form.fields);
    expect(empty.status).toBe(400);
    const text = await empty.text();
    expect(text).toContain("Naam is verplicht.");
    expect(text).toContain("Relatiesoort is verplicht");

    const after = await relatie(IDS.klantZonnetje);
    expect(after.modifiedOn).toBe(before.modifiedOn);
    expect(after.naam).toBe("Lunchroom Het Zonnetje");
  });

  it("creates a relatie (klant and leverancier) from the form; SnelStart assigns the next relatiecode", async () => {
    const nieuw = await uiPage(sim, "/relaties/nieuw");
    const form = formOn(nieuw.html, "/relaties");
    form.fields.set("naam", "Bakkerij Nieuw & Zn");
    form.fields.append("relatiesoort", "Leverancier"); // Klant is ticked already
    form.fields.set("vestigingsAdres.straat", "Kerkplein 3b");
    form.fields.set("vestigingsAdres.postcode", "1234 AB");
    form.fields.set("vestigingsAdres.plaats", "Utrecht");
    form.fields.set("vestigingsAdres.land", IDS.landNederland);
    form.fields.set("telefoon", "030-1234567");
    form.fields.set("email", "info@nieuw.test");
    form.fields.set("websiteUrl", "https://nieuw.test");
    form.fields.set("iban", "NL02ABNA0123456789");

    const res = await postForm(sim, form.action, form.fields);
    expect(res.status).toBe(303);
    const id = /\/relaties\/([0-9a-f-]{36})\?/.exec(res.headers.get("location") ?? "")?.[1];
    expect(id).toBeDefined();
    const created = await relatie(id!);
    expect(created).toMatchObject({
      naam: "Bakkerij Nieuw & Zn",
      relatiesoort: ["Klant", "Leverancier"],
      relatiecode: 2005, // highest seeded is 2004
      nonactief: false,
      telefoon: "030-1234567",
      email: "info@nieuw.test",
      websiteUrl: "https://nieuw.test",
      iban: "NL02ABNA0123456789",
      vestigingsAdres: { straat: "Kerkplein 3b", postcode: "1234 AB", plaats: "Utrecht", land: { id: IDS.landNederland } },
    });
    expect(created.correspondentieAdres).toBeUndefined(); // left empty on the form
  });

  it("a relatiecode that is taken is refused on create, as the API refuses it", async () => {
    const res = await postForm(sim, "/__admin/ui/relaties", { naam: "Dubbel", relatiesoort: "Klant", relatiecode: "1002" });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("Relatiecode 1002 is al in gebruik");
    expect((await c.json<Relatie[]>(c.get(`/relaties?$filter=${encodeURIComponent("Naam eq 'Dubbel'")}`))).length).toBe(0);
  });

  it("deactivates and reactivates a relatie (nonactief); the list shows it", async () => {
    const before = await relatie(IDS.klantGoudenLeeuw);
    const page = await uiPage(sim, `/relaties/${IDS.klantGoudenLeeuw}`);
    const off = formOn(page.html, `/relaties/${IDS.klantGoudenLeeuw}/nonactief`);
    expect(page.html).toContain(">Deactiveren</button>");
    expect((await postForm(sim, off.action, off.fields)).status).toBe(303);
    const inactive = await relatie(IDS.klantGoudenLeeuw);
    expect(inactive.nonactief).toBe(true);
    expect(Date.parse(inactive.modifiedOn)).toBeGreaterThan(Date.parse(before.modifiedOn));
    expect(inactive.vestigingsAdres).toEqual(before.vestigingsAdres);

    const list = (await uiPage(sim, "/relaties", { zoek: "1002" })).html;
    expect(list).toMatch(/Hotel De Gouden Leeuw B\.V\.<\/a><\/td>\s*<td>Klant<\/td>\s*<td><span class="nonactief">nonactief<\/span>/);

    const again = await uiPage(sim, `/relaties/${IDS.klantGoudenLeeuw}`);
    const on = formOn(again.html, `/relaties/${IDS.klantGoudenLeeuw}/nonactief`);
    expect(again.html).toContain(">Activeren</button>");
    expect((await postForm(sim, on.action, on.fields)).status).toBe(303);
    expect((await relatie(IDS.klantGoudenLeeuw)).nonactief).toBe(false);
  });

  it("lists klanten or leveranciers, nonactief ones included", async () => {
    const leveranciers = (await uiPage(sim, "/relaties", { soort: "Leverancier" })).html;
    expect(leveranciers).toContain("Meelfabriek Noord-Holland");
    expect(leveranciers).toContain("Restaurant Smaakvol"); // klant and leverancier
    expect(leveranciers).toContain("Verpakkingen Oud B.V."); // nonactief
    expect(leveranciers).not.toContain("Lunchroom Het Zonnetje");
    const klanten = (await uiPage(sim, "/relaties", { soort: "Klant" })).html;
    expect(klanten).toContain("Café De Kroeg"); // nonactief klant
    expect(klanten).not.toContain("Meelfabriek Noord-Holland");
  });

  it("deletes a relatie; one with boekingen is refused with SnelStart's reason", async () => {
    const created = await c.json<Relatie>(c.post("/relaties", { naam: "Weg ermee", relatiesoort: ["Klant"] }));
    const page = await uiPage(sim, `/relaties/${created.id}`);
    const del = formOn(page.html, `/relaties/${created.id}/verwijderen`);
    const res = await postForm(sim, del.action, del.fields);
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toContain("/__admin/ui/relaties?");
    expect((await c.get(`/relaties/${created.id}`)).status).toBe(404);

    const refused = await postForm(sim, `/__admin/ui/relaties/${IDS.klantZonnetje}/verwijderen`, {});
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain("kan niet worden verwijderd omdat er boekingen of orders aan gekoppeld zijn");
    expect((await c.get(`/relaties/${IDS.klantZonnetje}`)).status).toBe(200);
  });

  it("shows the relatie's documents (GET /documenten/Relaties/{id}) with a working download, and its verkoopboekingen", async () => {
    const pdf = Buffer.from("%PDF-1.4\n% verkooporder 1001\n%%EOF\n");
    const up = await c.post("/documenten/Relaties", {
      content: pdf.toString("base64"),
      parentIdentifier: IDS.klantZonnetje,
      fileName: "verkooporder-1001.pdf",
      readOnly: false,
    });
    expect(up.status).toBe(200);
    const listed = await c.json<Array<{ id: string; fileName: string }>>(c.get(`/documenten/Relaties/${IDS.klantZonnetje}`));

    const html = (await uiPage(sim, `/relaties/${IDS.klantZonnetje}`)).html;
    for (const d of listed) expect(html).toContain(`<a href="/__admin/documenten/${d.id}">${d.fileName}</a>`);
    const download = await fetch(`${sim.url}/__admin/documenten/${listed[0]!.id}`);
    expect(download.headers.get("content-type")).toBe("application/pdf");
    expect(Buffer.from(await download.arrayBuffer())).toEqual(pdf);
    // its verkoopboeking 2024-0002 links to the boeking page
    expect(html).toMatch(new RegExp(`href="/__admin/ui/verkoopboekingen/${IDS.boekingOpen}\\?[^"]*">2024-0002</a>`));
  });

  it("shows the doorlopende incassomachtigingen; one entered on the page is what the API lists, and withdrawing one sets intrekkingsDatum", async () => {
    const page = await uiPage(sim, `/relaties/${IDS.klantZonnetje}`);
    expect(page.html).toContain("MACHT-1001-001");
    const form = formOn(page.html, `/relaties/${IDS.klantZonnetje}/incassomachtigingen`);
    form.fields.set("kenmerk", "MACHT-1001-002");
    form.fields.set("omschrijving", "Abonnement 2024");
    form.fields.set("afsluitDatum", "2024-06-01");
    expect((await postForm(sim, form.action, form.fields)).status).toBe(303);

    const path = `/relaties/${IDS.klantZonnetje}/doorlopendeincassomachtigingen`;
    const machtigingen = await c.json<Machtiging[]>(c.get(path));
    expect(machtigingen.find((m) => m.kenmerk === "MACHT-1001-002")).toMatchObject({
      afsluitDatum: "2024-06-01T00:00:00.000Z",
      klant: { id: IDS.klantZonnetje },
    });

    const dup = await postForm(sim, form.action, form.fields);
    expect(dup.status).toBe(400);
    expect(await dup.text()).toContain("Kenmerk &#39;MACHT-1001-002&#39; is al in gebruik.");

    const withdraw = formOn(
      (await uiPage(sim, `/relaties/${IDS.klantZonnetje}`)).html,
      `/incassomachtigingen/${IDS.machtigingZonnetje}/intrekken`,
    );
    expect((await postForm(sim, withdraw.action, withdraw.fields)).status).toBe(303);
    const old = (await c.json<Machtiging[]>(c.get(path))).find((m) => m.id === IDS.machtigingZonnetje)!;
    expect(old.intrekkingsDatum).toMatch(/^\d{4}-\d{2}-\d{2}T00:00:00\.000Z$/);
  });

  it("a machtiging needs a klant: entering one for a leverancier is refused", async () => {
    const res = await postForm(sim, `/__admin/ui/relaties/${IDS.leverancierMeelfabriek}/incassomachtigingen`, {
      kenmerk: "MACHT-2001",
      afsluitDatum: "2024-01-01",
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("is geen klant");
    expect(await c.json<unknown[]>(c.get(`/relaties/${IDS.leverancierMeelfabriek}/doorlopendeincassomachtigingen`))).toEqual([]);
  });

  it("escapes data from the administratie", async () => {
    const evil = await c.json<Relatie>(
      c.post("/relaties", { naam: `<script>alert("x")</script> & Co`, relatiesoort: ["Klant"], email: `"><img src=x>` }),
    );
    for (const path of ["/relaties", `/relaties/${evil.id}`]) {
      const html = (await uiPage(sim, path)).html;
      expect(html).not.toContain("<script>");
      expect(html).not.toContain("<img");
      expect(html).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co");
    }
    // and round-trips unchanged through the edit form
    const form = formOn((await uiPage(sim, `/relaties/${evil.id}`)).html, `/relaties/${evil.id}`);
    expect(form.fields.get("naam")).toBe(`<script>alert("x")</script> & Co`);
  });
});
