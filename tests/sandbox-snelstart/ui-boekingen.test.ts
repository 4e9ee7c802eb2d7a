import { describe, expect, it } from "vitest";
import { IDS, c, formOn, grootboekId, postForm, sim, uiPage, useSimulator, type Row } from "./helpers";

useSimulator();

type Factuur = Row & { factuurnummer: string; openstaandSaldo: number; verkoopBoeking: { id: string } };

async function bookWithPdf(pdf: Buffer): Promise<{ boekingId: string; docId: string }> {
  const omzet = await grootboekId(c, 8000);
  const b = await c.json<Row>(
    c.post("/verkoopboekingen", {
      factuurnummer: "TRIBE-2001",
      klant: { id: IDS.klantZonnetje },
      factuurdatum: "2024-06-03T00:00:00Z",
      factuurbedrag: 121,
      boekingsregels: [{ omschrijving: "Catering", grootboek: { id: omzet }, bedrag: 100, btwSoort: "Hoog" }],
      btw: [{ btwSoort: "VerkopenHoog", btwBedrag: 21 }],
    }),
  );
  const doc = await c.json<{ id: string }>(
    c.post("/documenten/Verkoopboekingen", { content: pdf.toString("base64"), parentIdentifier: b.id, fileName: "factuur-TRIBE-2001.pdf", readOnly: true }),
  );
  return { boekingId: b.id, docId: doc.id };
}

const factuurOf = async (nummer: string) =>
  (await c.json<Factuur[]>(c.get(`/verkoopfacturen?$filter=${encodeURIComponent(`Factuurnummer eq '${nummer}'`)}`)))[0]!;

describe("bookkeeper page: verkoopboekingen", () => {
  it("shows a boeking with its regels, btw and the attached PDF to download", async () => {
    const pdf = Buffer.from("%PDF-1.4\n% factuur TRIBE-2001\n%%EOF\n");
    const { boekingId, docId } = await bookWithPdf(pdf);
    const list = (await uiPage(sim, "")).html;
    expect(list).toContain(`<a href="/__admin/ui/verkoopboekingen/${boekingId}?`);

    const html = (await uiPage(sim, `/verkoopboekingen/${boekingId}`)).html;
    expect(html).toContain("<h1>Verkoopboeking TRIBE-2001</h1>");
    expect(html).toContain("<th scope=\"row\">Catering</th><td>8000 — Omzet hoog</td><td>Hoog</td><td class=\"num\">€ 100,00</td>");
    expect(html).toContain("<th scope=\"row\">VerkopenHoog</th><td class=\"num\">€ 21,00</td>");
    expect(html).toContain(`<a href="/__admin/documenten/${docId}">factuur-TRIBE-2001.pdf</a>`);
    const download = await fetch(`${sim.url}/__admin/documenten/${docId}`);
    expect(download.headers.get("content-type")).toBe("application/pdf");
    expect(Buffer.from(await download.arrayBuffer())).toEqual(pdf);
  });

  it("a partial payment lowers openstaandSaldo, the rest marks it paid; both bump modifiedOn and return to the boeking", async () => {
    const { boekingId } = await bookWithPdf(Buffer.from("%PDF-1.4\n"));
    const open = await factuurOf("TRIBE-2001");
    const form = formOn((await uiPage(sim, `/verkoopboekingen/${boekingId}`)).html, "/betaald");
    form.fields.set("bedrag", "100,00");
    const part = await postForm(sim, form.action, form.fields);
    expect(part.status).toBe(303);
    expect(part.headers.get("location")).toContain(`/__admin/ui/verkoopboekingen/${boekingId}?`);
    const partly = await factuurOf("TRIBE-2001");
    expect(partly.openstaandSaldo).toBe(21);
    expect(Date.parse(partly.modifiedOn)).toBeGreaterThan(Date.parse(open.modifiedOn));

    const rest = formOn((await uiPage(sim, `/verkoopboekingen/${boekingId}`)).html, "/betaald");
    expect(rest.fields.get("bedrag")).toBe(""); // empty: the whole saldo
    expect((await postForm(sim, rest.action, rest.fields)).status).toBe(303);
    expect((await factuurOf("TRIBE-2001")).openstaandSaldo).toBe(0);
    const paid = (await uiPage(sim, `/verkoopboekingen/${boekingId}`, { melding: "betaald" })).html;
    expect(paid).toContain('<p class="paid">Betaald</p>');
    expect(paid).toContain('<p class="status" role="status">Betaling geregistreerd.</p>');
  });

  it("Markeer betaald on the list returns to the list", async () => {
    await bookWithPdf(Buffer.from("%PDF-1.4\n"));
    const html = (await uiPage(sim, "")).html;
    const m = /<form method="post" action="([^"]+)"><button type="submit" aria-label="Markeer factuur TRIBE-2001 als betaald">/.exec(html);
    expect(m).not.toBeNull();
    const res = await postForm(sim, m![1]!, {});
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toMatch(/^\/__admin\/ui\?administratie=[^&]+&melding=betaald$/);
    expect((await factuurOf("TRIBE-2001")).openstaandSaldo).toBe(0);
  });
});
