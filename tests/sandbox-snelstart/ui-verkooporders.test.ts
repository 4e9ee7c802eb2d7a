import { describe, expect, it } from "vitest";
import { IDS, c, formOn, postForm, sim, uiPage, useSimulator, type Row } from "./helpers";

useSimulator();

type Verkooporder = Row & { nummer: number; procesStatus: string };

describe("bookkeeper page: verkooporders", () => {
  it("lists the verkooporders and the sjablonen", async () => {
    const html = (await uiPage(sim, "/verkooporders")).html;
    expect(html).toMatch(new RegExp(`href="/__admin/ui/verkooporders/${IDS.verkooporder1001}\\?[^"]*">1001</a>`));
    expect(html).toContain("1003 — Supermarkt Buurtwinkel Oost");
    expect(html).toContain("Weekbestelling week 18");
    expect(html).toContain("<caption>Verkoopordersjablonen (3)</caption>");
    expect(html).toMatch(/Oud sjabloon<\/th><td><span class="nonactief">nonactief/);
  });

  it("shows an order: relatie, regels, procesStatus, sjabloon and totals", async () => {
    const html = (await uiPage(sim, `/verkooporders/${IDS.verkooporder1001}`)).html;
    expect(html).toContain("<h1>Verkooporder 1001</h1>");
    expect(html).toContain(`<a href="/__admin/ui/relaties/${IDS.klantBuurtwinkel}?`);
    expect(html).toContain("<dt>Sjabloon</dt><dd>Standaard verkooporder</dd>");
    expect(html).toContain("<dt>Processtatus</dt><dd>Order</dd>");
    expect(html).toMatch(/BROOD-001<\/a><\/th><td>Volkoren brood 800 g<\/td><td class="num">20<\/td><td class="num">€ 2,95<\/td><td class="num">0<\/td><td class="num">€ 59,00<\/td>/);
    expect(html).toContain("<dt>Totaal exclusief btw</dt><dd>€ 59,00</dd>");
    expect(html).toContain("<dt>Totaal inclusief btw</dt><dd>€ 71,39</dd>");
  });

  it("changing the procesStatus is what GET /v2/verkooporders/{id} answers, with a newer modifiedOn", async () => {
    const before = await c.json<Verkooporder>(c.get(`/verkooporders/${IDS.verkooporder1001}`));
    const form = formOn((await uiPage(sim, `/verkooporders/${IDS.verkooporder1001}`)).html, "/processtatus");
    expect(form.fields.get("procesStatus")).toBe("Order");
    form.fields.set("procesStatus", "Factuur");
    const res = await postForm(sim, form.action, form.fields);
    expect(res.status).toBe(303);
    const after = await c.json<Verkooporder>(c.get(`/verkooporders/${IDS.verkooporder1001}`));
    expect(after.procesStatus).toBe("Factuur");
    expect(Date.parse(after.modifiedOn)).toBeGreaterThan(Date.parse(before.modifiedOn));
    expect((await uiPage(sim, `/verkooporders/${IDS.verkooporder1001}`)).html).toContain('<option value="Factuur" selected>');
  });

  it("a procesStatus outside the spec's enum is refused, as the API refuses it", async () => {
    const res = await postForm(sim, `/__admin/ui/verkooporders/${IDS.verkooporder1001}/processtatus?administratie=${encodeURIComponent("Bakkerij De Korenschoof")}`, {
      procesStatus: "Gekoppeld",
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("procesStatus: must be equal to one of the allowed values");
    expect((await c.json<Verkooporder>(c.get(`/verkooporders/${IDS.verkooporder1001}`))).procesStatus).toBe("Order");
  });

  it("shows the order document, which SnelStart keeps on the relatie", async () => {
    await c.post("/documenten/Relaties", {
      content: Buffer.from("%PDF-1.4\n%%EOF\n").toString("base64"),
      parentIdentifier: IDS.klantBuurtwinkel,
      fileName: "verkooporder-1001.pdf",
      readOnly: false,
    });
    const [doc] = await c.json<Array<{ id: string }>>(c.get(`/documenten/Relaties/${IDS.klantBuurtwinkel}`));
    const html = (await uiPage(sim, `/verkooporders/${IDS.verkooporder1001}`)).html;
    expect(html).toContain(`<a href="/__admin/documenten/${doc!.id}">verkooporder-1001.pdf</a>`);
  });
});
