import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SnelStartSimulator } from "../../sandbox/vendors/snelstart/server";
import { IDS, INBALANS, INKAART, startSim, uiPage } from "./helpers";

let sim: SnelStartSimulator;

beforeAll(async () => {
  sim = await startSim();
});
afterAll(() => sim.close());

const PAGES = [
  "",
  `/verkoopboekingen/${IDS.boekingOpen}`,
  "/relaties",
  "/relaties/nieuw",
  `/relaties/${IDS.klantZonnetje}`,
  "/artikelen",
  "/artikelen/nieuw",
  `/artikelen/${IDS.artikelVolkoren}`,
  "/verkooporders",
  `/verkooporders/${IDS.verkooporder1001}`,
];

const SECTIONS = [
  ["", "Verkoopboekingen"],
  ["/relaties", "Relaties"],
  ["/artikelen", "Artikelen"],
  ["/verkooporders", "Verkooporders"],
];

describe("bookkeeper page: every page", () => {
  it.each(PAGES)("%s links to the other pages of this administratie", async (path) => {
    const { status, html } = await uiPage(sim, path);
    expect(status).toBe(200);
    for (const [section, label] of SECTIONS)
      expect(html).toMatch(new RegExp(`<a href="/__admin/ui${section}\\?administratie=${INKAART.id}"( aria-current="page")?>${label}</a>`));
    expect(html.match(/aria-current="page"/g)).toHaveLength(1);
  });

  it.each(PAGES)("%s: every input has a label and every form a real submit button", async (path) => {
    const { html } = await uiPage(sim, path);
    const controls = [...html.matchAll(/<(input|select|textarea) ([^>]*)>/g)].filter((m) => !/type="hidden"/.test(m[2]!));
    for (const [tag, , attrs] of controls) {
      const id = /id="([^"]+)"/.exec(attrs!)?.[1];
      expect(id, `${tag} without id: ${attrs}`).toBeDefined();
      expect(html, `no label for #${id}`).toContain(`<label for="${id}">`);
    }
    const ids = [...html.matchAll(/ id="([^"]+)"/g)].map((m) => m[1]);
    expect(new Set(ids).size).toBe(ids.length);
    for (const form of html.matchAll(/<form [\s\S]*?<\/form>/g)) expect(form[0]).toMatch(/<button type="submit"[^>]*>[^<]+<\/button>/);
    expect(html).not.toMatch(/<input type="(submit|button)"/);
  });

  it("switches administratie by id or naam; an unknown one or an unknown record is a 404", async () => {
    const vanDijk = await uiPage(sim, "/relaties", { administratie: "Fietsenmaker Van Dijk" });
    expect(vanDijk.html).toContain("Wielrenclub De Spaak");
    expect(vanDijk.html).not.toContain("Lunchroom Het Zonnetje");
    expect(vanDijk.html).toContain(`<a href="/__admin/ui/relaties?administratie=${INBALANS.id}" aria-current="true">Fietsenmaker Van Dijk</a>`);
    expect((await uiPage(sim, "/relaties", { administratie: "bestaat-niet" })).status).toBe(404);
    // a relatie of another administratie is not found in this one
    expect((await uiPage(sim, `/relaties/${IDS.klantZonnetje}`, { administratie: INBALANS.id })).status).toBe(404);
  });

  it("GET /__admin goes to the bookkeeper page", async () => {
    const res = await fetch(`${sim.url}/__admin`, { redirect: "manual" });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/__admin/ui");
  });
});
