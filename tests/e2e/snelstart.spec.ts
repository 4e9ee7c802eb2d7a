import { expect, test } from "@playwright/test";
import { expectDebtorNumber, giveHostConsent, hydrated, openApp, sentCrmInvoice, syncNowUntilPaid } from "./steps";
import { resetSandboxes, snelstartUrl } from "./env";

const KORENSCHOOF = "boekhouding@korenschoof.test";

type Relatie = { id: string; naam: string; relatiecode: number };
type Boeking = { id: string; factuurnummer: string; klant: { id: string }; documents?: unknown[] };
type Factuur = { id: string; factuurnummer: string; openstaandSaldo: number };

async function simulatorState(): Promise<{ relaties: Relatie[]; verkoopboekingen: Boeking[]; verkoopfacturen: Factuur[]; documenten?: Array<{ parentIdentifier: string; fileName: string }> }> {
  const res = await fetch(`${snelstartUrl}/__admin/state?administratie=${encodeURIComponent(KORENSCHOOF)}`);
  return res.json();
}

async function simulatorStats(): Promise<{ byRoute: Record<string, number> }> {
  return (await fetch(`${snelstartUrl}/__admin/stats`)).json();
}


test.beforeAll(resetSandboxes);

test("SnelStart, as the help page walks it: activate, settings, import, relation, invoice, payment", async ({ page }, testInfo) => {
  test.setTimeout(300_000);
  // Marketplace → Financieel → SnelStart → Activeren
  await page.goto("/marketplace");
  await page.getByRole("tab", { name: /Financieel/ }).click();
  await page.getByRole("link", { name: /SnelStart/ }).first().click();
  await page.getByRole("button", { name: "Activeren", exact: true }).click();
  let app = page.frameLocator('iframe[title="Ledgerlink"]');

  // first the organisation gives Ledgerlink access to the CRM, on the CRM's own consent page
  await giveHostConsent(page, app);

  // credentials: a wrong password is refused in Dutch, the right one connects
  await hydrated(app);
  // every label in Dutch, the optional subscription key too
  await expect(app.getByLabel(/^Abonnementssleutel/)).toBeVisible();
  await app.getByLabel("Gebruikersnaam").fill(KORENSCHOOF);
  await app.getByLabel("Wachtwoord").fill("wrong");
  await app.getByRole("button", { name: "Verbinden" }).click();
  await expect(app.getByRole("alert").filter({ hasText: "inloggegevens" })).toContainText("inloggegevens worden niet geaccepteerd");
  await app.getByLabel("Wachtwoord").fill("Korenschoof-InKaart-2024!");
  const walkStarted = Date.now();
  await app.getByRole("button", { name: "Verbinden" }).click();

  // the settings are not complete yet: the status says so as a state, and the overview names the tabs to fill
  await expect(app.getByRole("tab", { name: "BTW-groepen", selected: true })).toBeVisible({ timeout: 60_000 });
  await app.getByRole("link", { name: "Status" }).click();
  await expect(app.getByTestId("installation-status")).toHaveText("Instellingen nog niet compleet");
  await expect(app.getByTestId("installation-status").locator("xpath=ancestor-or-self::button")).toHaveCount(0);
  const pending = app.getByTestId("pending-settings");
  await expect(pending.getByRole("link")).toHaveText(["BTW-groepen", "Grootboekrekeningen", "Debiteuren", "Adressen", "Overige instellingen", "SEPA-incasso"]);
  await pending.getByRole("link", { name: "BTW-groepen" }).click();

  // every tab, loaded live from both sides, saved one by one
  await expect(app.getByRole("tab", { name: "BTW-groepen", selected: true })).toBeVisible({ timeout: 60_000 });
  await hydrated(app);
  await expect(app.getByLabel("NL - 21%")).toHaveValue("Hoog");
  // a group left on "Kies…" is refused, named on its row and above the form; the form keeps the choice
  await app.getByLabel("NL - 9%").selectOption("");
  await app.getByRole("button", { name: "Opslaan" }).click();
  await expect(app.getByTestId("settings-result")).toHaveAttribute("data-ok", "false");
  await expect(app.getByTestId("settings-result")).toContainText("Niet opgeslagen: deze regel is nog niet gekoppeld: NL - 9%.");
  await expect(app.getByLabel("NL - 9%")).toHaveAttribute("aria-invalid", "true");
  await expect(app.getByText("Kies hier een waarde: deze regel moet gekoppeld zijn.")).toBeVisible();
  await expect(app.getByLabel("NL - 9%")).toHaveValue("");
  await expect(app.getByLabel("NL - 21%")).toHaveValue("Hoog");
  await page.screenshot({ path: testInfo.outputPath("vat-group-refused.png"), fullPage: true });
  await app.getByLabel("NL - 9%").selectOption("Laag");
  await app.getByRole("button", { name: "Opslaan" }).click();
  await expect(app.getByTestId("settings-result")).toHaveAttribute("data-ok", "true");
  await expect(app.getByLabel("NL - 9%")).toHaveValue("Laag");
  await expect(app.getByLabel("NL - 21%")).toHaveValue("Hoog");

  await app.getByRole("tab", { name: "Grootboekrekeningen" }).click();
  await expect(app.getByRole("tab", { name: "Grootboekrekeningen", selected: true })).toBeVisible();
  await hydrated(app);
  await expect(app.getByLabel("Standaard omzetrekening")).not.toHaveValue("");
  // a ledger for one product group: after the save the form shows it as saved, not "Kies…"
  const groupLedger = app.getByRole("group", { name: "Omzetrekening per productgroep" }).getByRole("combobox").first();
  await groupLedger.selectOption({ index: 2 });
  const chosenLedger = await groupLedger.inputValue();
  expect(chosenLedger).not.toBe("");
  await app.getByRole("button", { name: "Opslaan" }).click();
  await expect(app.getByTestId("settings-result")).toHaveAttribute("data-ok", "true");
  await expect(groupLedger).toHaveValue(chosenLedger);
  await expect(app.getByLabel("Standaard omzetrekening")).not.toHaveValue("");

  await app.getByRole("tab", { name: "Debiteuren" }).click();
  await expect(app.getByRole("tab", { name: "Debiteuren", selected: true })).toBeVisible();
  await hydrated(app);
  await app.getByRole("button", { name: "Relatietype toevoegen" }).click();
  await app.getByLabel("Relatietypes naar SnelStart 3").selectOption({ label: "Partner" });
  await app.getByRole("button", { name: "Opslaan" }).click();
  await expect(app.getByTestId("settings-result")).toHaveAttribute("data-ok", "true");
  await expect(app.getByLabel("Relatietypes naar SnelStart 3")).toHaveValue("Partner");
  await expect(app.getByLabel("Relatietypes naar SnelStart 1")).not.toHaveValue("");

  await app.getByRole("tab", { name: "Adressen" }).click();
  await expect(app.getByRole("tab", { name: "Adressen", selected: true })).toBeVisible();
  await hydrated(app);
  await app.getByRole("button", { name: "Opslaan" }).click();
  await expect(app.getByTestId("settings-result")).toHaveAttribute("data-ok", "true");

  await app.getByRole("tab", { name: "Overige instellingen" }).click();
  await expect(app.getByRole("tab", { name: "Overige instellingen", selected: true })).toBeVisible();
  await hydrated(app);
  // sales orders without a template are refused, on the field, and the choice of sales orders stays
  await app.getByLabel("Verkooporders", { exact: true }).check();
  await app.getByRole("button", { name: "Opslaan" }).click();
  await expect(app.getByText("Kies een verkoopordersjabloon als je met verkooporders werkt.")).toBeVisible();
  await expect(app.getByLabel("Verkooporders", { exact: true })).toBeChecked();
  // a template chosen and saved stays shown after the save
  await app.getByLabel("Verkoopordersjabloon").selectOption({ index: 1 });
  const template = await app.getByLabel("Verkoopordersjabloon").inputValue();
  await app.getByLabel("Facturen", { exact: true }).check();
  await app.getByRole("button", { name: "Opslaan" }).click();
  await expect(app.getByTestId("settings-result")).toHaveAttribute("data-ok", "true");
  await expect(app.getByLabel("Verkoopordersjabloon")).toHaveValue(template);
  await expect(app.getByLabel("Facturen", { exact: true })).toBeChecked();

  await app.getByRole("tab", { name: "SEPA-incasso" }).click();
  await expect(app.getByRole("tab", { name: "SEPA-incasso", selected: true })).toBeVisible();
  await hydrated(app);
  await app.getByRole("switch", { name: "SnelStart incasso gebruiken" }).check();
  // SnelStart's lists were read once for the whole walk (they are kept 2 minutes), not on every tab
  // and save (counted before the last save: the import it starts reads what it needs itself)
  const listReads = (await simulatorStats()).byRoute;
  const cacheWindows = Math.ceil((Date.now() - walkStarted) / 120_000);
  for (const list of ["grootboeken", "btwtarieven", "verkoopordersjablonen"]) {
    expect(listReads[`GET /v2/${list}`] ?? 0, list).toBeGreaterThan(0);
    expect(listReads[`GET /v2/${list}`], list).toBeLessThanOrEqual(cacheWindows);
  }
  await app.getByRole("button", { name: "Opslaan" }).click();
  await expect(app.getByTestId("settings-result")).toContainText("Alle instellingen zijn ingevuld. De eerste import is gestart.");

  // the import starts by itself; the overview, one link away, shows it and then its counts
  await app.getByRole("link", { name: "Volg de import in het overzicht" }).click();
  await expect(app.getByTestId("installation-status")).toHaveAttribute("data-status", /importing|active/);
  await expect(app.getByTestId("pending-settings")).toHaveCount(0);
  await expect(app.getByTestId("installation-status")).toHaveAttribute("data-status", "active", { timeout: 90_000 });
  await expect(app.getByTestId("installation-status")).toHaveText("Actief");
  await expect(app.locator('[data-testid="last-runs"] tr[data-entity="relation"][data-kind="import"]')).toHaveAttribute("data-status", "succeeded");
  await expect(app.locator('[data-testid="last-runs"] tr[data-entity="relation"]')).toContainText("Aangemaakt");
  // each table's headers are column headers; the log names each record in a column of its own
  await expect(app.locator('[data-testid="last-runs"] thead th[scope="col"]')).toHaveCount(6);
  await expect(app.locator('[data-testid="sync-log"] thead th[scope="col"]')).toHaveCount(7);
  await expect(app.getByRole("columnheader", { name: "Record" })).toBeVisible();
  await expect(app.getByTestId("sync-log-record").filter({ hasText: "Lunchroom Het Zonnetje (1001)" })).toHaveCount(1);
  await testInfo.attach("after-import", { body: await page.screenshot({ fullPage: true }), contentType: "image/png" });
  await page.screenshot({ path: testInfo.outputPath("overview-after-import.png"), fullPage: true });

  // a new organisation in the CRM appears in SnelStart, and SnelStart's relatiecode comes back
  await page.goto("/organizations/new");
  await page.getByLabel("Naam / Name").fill("Zuivelhandel Playwright");
  await page.getByLabel("Straat / Street").fill("Kaasmarkt");
  await page.getByLabel("Huisnummer / House number").fill("12");
  await page.getByLabel("Toevoeging / Addition").fill("B");
  await page.getByLabel("Postcode / Postal code").fill("1441 CS");
  await page.getByLabel("Plaats / City").fill("Purmerend");
  await page.getByRole("button", { name: "Aanmaken" }).click();
  const orgUrl = page.url();
  let relatie: Relatie | undefined;
  await expect
    .poll(async () => (relatie = (await simulatorState()).relaties.find((r) => r.naam === "Zuivelhandel Playwright"))?.relatiecode, { timeout: 60_000 })
    .toBeTruthy();
  await expectDebtorNumber(page, orgUrl, String(relatie!.relatiecode));

  // an invoice set to Sent becomes a verkoopboeking with its document, once
  const { url: invoiceUrl } = await sentCrmInvoice(page, { customer: "Zuivelhandel Playwright", subject: "Kaas en boter", product: { index: 1 }, quantity: 3 });
  let boeking: Boeking | undefined;
  await expect
    .poll(async () => (boeking = (await simulatorState()).verkoopboekingen.find((b) => b.klant?.id === relatie!.id)) !== undefined, { timeout: 60_000 })
    .toBe(true);
  await expect
    .poll(async () => (await simulatorState()).documenten?.filter((d) => d.parentIdentifier === boeking!.id).map((d) => d.fileName), { timeout: 30_000 })
    .toEqual([expect.stringMatching(/^factuur-.*\.pdf$/)]);

  // the bookkeeper marks it paid in SnelStart; after a sync the CRM invoice is paid
  await page.goto(`${snelstartUrl}/__admin/ui?administratie=${encodeURIComponent(KORENSCHOOF)}`);
  await page.getByRole("button", { name: `Markeer factuur ${boeking!.factuurnummer} als betaald` }).click();
  app = await openApp(page, "snelstart");
  await hydrated(app);
  await syncNowUntilPaid(page, app, invoiceUrl);
  app = await openApp(page, "snelstart");
  await expect(app.locator('[data-testid="sync-log"] tr[data-entity="payment"]').first()).toHaveAttribute("data-outcome", "updated");
  await testInfo.attach("synced", { body: await page.screenshot({ fullPage: true }), contentType: "image/png" });

  // Deactiveren asks first, in a dialog the keyboard works: Escape keeps the integration
  await hydrated(app);
  await app.getByRole("button", { name: "Deactiveren" }).click();
  const confirm = app.getByRole("alertdialog", { name: "Koppeling deactiveren?" });
  await expect(confirm).toBeVisible();
  await expect(confirm).toContainText("Er worden geen gegevens verwijderd.");
  await expect(confirm.getByRole("button", { name: "Annuleren" })).toBeFocused();
  await page.screenshot({ path: testInfo.outputPath("deactivate-confirm.png") });
  await page.keyboard.press("Escape");
  await expect(confirm).toBeHidden();
  await expect(app.getByTestId("installation-status")).toHaveAttribute("data-status", "active");
  await app.getByRole("button", { name: "Deactiveren" }).click();
  await page.keyboard.press("Tab");
  await expect(confirm.getByRole("button", { name: "Ja, deactiveren" })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(app.getByTestId("installation-status")).toHaveAttribute("data-status", "inactive");
  await expect(app.getByTestId("installation-status")).toHaveText("Niet actief");
});
