import { expect, test, type FrameLocator } from "@playwright/test";
import { expectDebtorNumber, giveHostConsent, hydrated, openApp, sentCrmInvoice, syncNowUntilPaid } from "./steps";
import { powerofficeUrl, resetSandboxes } from "./env";

/** The PowerOffice simulator's demo client Nordlys Interiør AS (sandbox/vendors/poweroffice/README.md). */
const NORDLYS_KEY = "sandbox-client-key-nordlys-interior";
const APPLICATION_KEY = "sandbox-application-key-ledgerlink";
// the second subscription key, so the test's own API calls do not count against the app's rate limit
const SUBSCRIPTION_KEY = "sandbox-subscription-key-2";

type Customer = { Id: number; Number: number; Name: string; ExternalImportReference?: string | null };
type SalesOrder = {
  Id: string;
  CustomerId: number;
  ExternalImportReference: string | null;
  SalesOrderStatus: string;
  SalesOrderDate: string;
  PaymentTerm: number | null;
  NetAmount: number;
};
type OutgoingInvoice = { Id: string; InvoiceNo: number; Balance: number; TotalAmount: number };
type State = {
  id: string;
  name: string;
  customers: Customer[];
  suppliers: Array<{ Id: number; Number: number; Name: string }>;
  salesOrders: SalesOrder[];
  outgoingInvoices: OutgoingInvoice[];
  attachments: Array<{ Id: number; SalesOrderId?: string; FileName: string }>;
};

async function simulatorState(): Promise<State> {
  const res = await fetch(`${powerofficeUrl}/__admin/state?client=${encodeURIComponent(NORDLYS_KEY)}`);
  expect(res.status).toBe(200);
  return res.json();
}

/** Replaces the simulator's faults ({} clears them). */
async function simulatorFaults(faults: Record<string, unknown>) {
  const res = await fetch(`${powerofficeUrl}/__admin/faults`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(faults) });
  expect(res.status).toBe(200);
}

/** Go's API as an integration sees it: a token for Nordlys, then the call. */
async function goApi<T>(path: string): Promise<T | null> {
  const tokenRes = await fetch(`${powerofficeUrl}/OAuth/Token`, {
    method: "POST",
    headers: {
      authorization: `Basic ${Buffer.from(`${APPLICATION_KEY}:${NORDLYS_KEY}`).toString("base64")}`,
      "Ocp-Apim-Subscription-Key": SUBSCRIPTION_KEY,
      "content-type": "application/x-www-form-urlencoded",
    },
    body: "grant_type=client_credentials",
  });
  expect(tokenRes.status).toBe(200);
  const { access_token } = (await tokenRes.json()) as { access_token: string };
  const res = await fetch(`${powerofficeUrl}/v2${path}`, { headers: { authorization: `Bearer ${access_token}`, "Ocp-Apim-Subscription-Key": SUBSCRIPTION_KEY } });
  expect([200, 204], `GET ${path}`).toContain(res.status);
  return res.status === 204 ? null : ((await res.json()) as T);
}


async function saveTab(app: FrameLocator) {
  await app.getByRole("button", { name: "Opslaan" }).click();
  await expect(app.getByTestId("settings-result")).toHaveAttribute("data-ok", "true");
}

async function openTab(app: FrameLocator, name: string) {
  await app.getByRole("tab", { name }).click();
  await expect(app.getByRole("tab", { name, selected: true })).toBeVisible();
  await hydrated(app);
}

test.beforeAll(resetSandboxes);

test("PowerOffice, as the help page walks it: activate with the secret key, settings, import, relation, invoice, payment", async ({ page }, testInfo) => {
  test.setTimeout(420_000);
  const seeded = await simulatorState();
  expect(seeded.name).toBe("Nordlys Interiør AS");

  // Marketplace → Financieel → PowerOffice → Activeren
  await page.goto("/marketplace");
  await page.getByRole("tab", { name: /Financieel/ }).click();
  await expect(page.getByRole("tabpanel").getByRole("link", { name: "PowerOffice", exact: true })).toBeVisible();
  await page.getByRole("link", { name: "PowerOffice", exact: true }).click();
  await page.getByRole("button", { name: "Activeren", exact: true }).click();
  let app = page.frameLocator('iframe[title="Ledgerlink"]');
  await expect(app.getByRole("heading", { name: "PowerOffice" })).toBeVisible({ timeout: 120_000 });
  await expect(app.getByTestId("installation-status")).toHaveText("Niet actief");

  // first the organisation gives Ledgerlink access to the CRM, on the CRM's own consent page
  await giveHostConsent(page, app);

  // step 4: the secret key from PowerOffice; a wrong one is refused in Dutch, Nordlys's connects
  await hydrated(app);
  await expect(app.getByRole("heading", { name: "Verbinden met PowerOffice" })).toBeVisible();
  await expect(app.getByText(/Voer de secret key in die je in PowerOffice vindt/)).toBeVisible();
  await expect(app.getByLabel("Secret key")).toHaveAttribute("type", "password");
  await app.getByLabel("Secret key").fill("sandbox-client-key-does-not-exist");
  await app.getByRole("button", { name: "Verbinden" }).click();
  await expect(app.getByRole("alert").filter({ hasText: "inloggegevens" })).toContainText("inloggegevens worden niet geaccepteerd");
  await app.getByLabel("Secret key").fill(NORDLYS_KEY);
  await app.getByRole("button", { name: "Verbinden" }).click();

  // connected, the settings are not complete yet: the overview names the four tabs of the help page, in its order
  await expect(app.getByRole("tab", { name: "Algemene instellingen", selected: true })).toBeVisible({ timeout: 60_000 });
  await expect(app.getByRole("tab")).toHaveText([/^Algemene instellingen/, /^Grootboekrekening/, /^Units/, /^BTW-groepen/]);
  await app.getByRole("link", { name: "Status" }).click();
  await expect(app.getByTestId("installation-status")).toHaveText("Instellingen nog niet compleet");
  const pending = app.getByTestId("pending-settings");
  await expect(pending.getByRole("link")).toHaveText(["Algemene instellingen", "Grootboekrekening", "Units", "BTW-groepen"]);
  await pending.getByRole("link", { name: "Algemene instellingen" }).click();

  // step 5: Algemene instellingen, everything on as suggested, invoices as drafts
  await expect(app.getByRole("tab", { name: "Algemene instellingen", selected: true })).toBeVisible({ timeout: 60_000 });
  await hydrated(app);
  await expect(app.getByTestId("settings-completeness")).toHaveText("Vul alle tabbladen in; daarna start de eerste import vanzelf.");
  for (const name of [
    "Relaties synchroniseren (klanten en leveranciers)",
    "Contactpersonen synchroniseren",
    "Producten synchroniseren",
    "Facturen naar PowerOffice sturen",
    "Betalingen uit PowerOffice ophalen",
  ]) {
    await expect(app.getByRole("switch", { name })).toBeChecked();
  }
  await expect(app.getByRole("radio", { name: "Concept" })).toBeChecked();
  await saveTab(app);
  await expect(app.getByTestId("settings-result")).toHaveText("De instellingen zijn opgeslagen.");
  await expect(app.getByRole("switch", { name: "Producten synchroniseren" })).toBeChecked();
  await expect(app.getByRole("radio", { name: "Concept" })).toBeChecked();

  // step 6: Grootboekrekening, the suggestion is Nordlys's sales account 3000
  await openTab(app, "Grootboekrekening");
  const ledger = app.getByLabel("Standaard grootboekrekening");
  await expect(ledger.locator("option:checked")).toHaveText(/^3000 Salgsinntekt/);
  // the inactive account 3099 is not offered
  await expect(ledger.locator("option", { hasText: /^3099/ })).toHaveCount(0);
  const chosenLedger = await ledger.inputValue();
  await saveTab(app);
  await expect(app.getByTestId("settings-result")).toHaveText("De instellingen zijn opgeslagen.");
  await expect(ledger).toHaveValue(chosenLedger);

  // step 7: Units, the CRM's units against PowerOffice's; every row ends up mapped
  await openTab(app, "Units");
  const suggestedUnits: Record<string, string> = { Stuk: "EA", Uur: "HUR", Dag: "DAY", Maand: "MON", Kilogram: "KGM" };
  await expect(app.getByRole("group", { name: "Unit in PowerOffice" }).getByRole("combobox")).toHaveCount(Object.keys(suggestedUnits).length);
  for (const [unit, code] of Object.entries(suggestedUnits)) await expect(app.getByLabel(unit, { exact: true })).toHaveValue(code);
  await expect(app.getByText("voorstel", { exact: true })).toHaveCount(Object.keys(suggestedUnits).length);
  // a unit left unmapped is refused on its row; the user picks one
  await app.getByLabel("Kilogram", { exact: true }).selectOption("");
  await app.getByRole("button", { name: "Opslaan" }).click();
  await expect(app.getByTestId("settings-result")).toHaveAttribute("data-ok", "false");
  await expect(app.getByTestId("settings-result")).toContainText("Niet opgeslagen: deze regel is nog niet gekoppeld: Kilogram.");
  await expect(app.getByLabel("Kilogram", { exact: true })).toHaveAttribute("aria-invalid", "true");
  await expect(app.getByLabel("Stuk", { exact: true })).toHaveValue("EA");
  await app.getByLabel("Kilogram", { exact: true }).selectOption({ label: "KGM – kilogram" });
  await saveTab(app);
  await expect(app.getByTestId("settings-result")).toHaveText("De instellingen zijn opgeslagen.");
  for (const [unit, code] of Object.entries(suggestedUnits)) await expect(app.getByLabel(unit, { exact: true })).toHaveValue(code);

  // step 8: BTW-groepen; the CRM's groups are Dutch (and a few others), Nordlys is Norwegian:
  // only 0 % has a suggestion, the others must be chosen, and a row left open is refused
  await openTab(app, "BTW-groepen");
  await expect(app.getByText("het land van het bezoekadres van je eigen organisatie (NL)")).toBeVisible();
  await expect(app.getByLabel("NL - 0%")).toHaveValue("5");
  await expect(app.getByLabel("NL - 21%")).toHaveValue("");
  await expect(app.getByLabel("NL - 9%")).toHaveValue("");
  await app.getByLabel("NL - 21%").selectOption("3");
  await app.getByRole("button", { name: "Opslaan" }).click();
  await expect(app.getByTestId("settings-result")).toHaveAttribute("data-ok", "false");
  await expect(app.getByTestId("settings-result")).toHaveText("Niet opgeslagen: deze regels zijn nog niet gekoppeld: NL - 9%, BE - 21%, BE - 6%, NO - 25%, NO - 15%.");
  await expect(app.getByLabel("NL - 9%")).toHaveAttribute("aria-invalid", "true");
  await expect(app.getByLabel("NL - 21%")).toHaveValue("3");
  await page.screenshot({ path: testInfo.outputPath("vat-groups-refused.png"), fullPage: true });
  const vatChoices: Record<string, string> = { "NL - 9%": "31", "BE - 21%": "3", "BE - 6%": "33", "NO - 25%": "3", "NO - 15%": "31" };
  for (const [group, code] of Object.entries(vatChoices)) await app.getByLabel(group).selectOption(code);
  const beforeImport = await simulatorState();
  // PowerOffice answers slowly for a while, so the import's progress can be seen on the overview
  await simulatorFaults({ latencyMs: 1500 });
  await app.getByRole("button", { name: "Opslaan" }).click();
  await expect(app.getByTestId("settings-result")).toHaveAttribute("data-ok", "true");
  await expect(app.getByTestId("settings-result")).toContainText("Alle instellingen zijn ingevuld. De eerste import is gestart.");
  await expect(app.getByLabel("NL - 21%")).toHaveValue("3");
  await expect(app.getByLabel("NL - 0%")).toHaveValue("5");
  for (const [group, code] of Object.entries(vatChoices)) await expect(app.getByLabel(group)).toHaveValue(code);

  // step 9: the import starts by itself; the overview shows its progress, then what came of it
  await app.getByRole("link", { name: "Volg de import in het overzicht" }).click();
  await expect(app.getByTestId("installation-status")).toHaveAttribute("data-status", "importing");
  await expect(app.getByTestId("pending-settings")).toHaveCount(0);
  await expect(app.getByRole("heading", { name: "Voortgang" })).toBeVisible();
  await expect(app.locator('[data-testid="import-progress"][data-entity="relation"]')).toBeVisible();
  await expect(app.getByTestId("import-progress").first()).toContainText(/^Relaties: /);
  await page.screenshot({ path: testInfo.outputPath("import-progress.png"), fullPage: true });
  await simulatorFaults({});
  await expect(app.getByTestId("installation-status")).toHaveAttribute("data-status", "active", { timeout: 120_000 });
  await expect(app.getByTestId("installation-status")).toHaveText("Actief");
  await expect(app.getByTestId("import-progress")).toHaveCount(0);
  for (const entity of ["relation", "product"]) {
    await expect(app.locator(`[data-testid="last-runs"] tr[data-entity="${entity}"][data-kind="import"]`)).toHaveAttribute("data-status", "succeeded");
  }
  // Vestland Trevare is customer 10005 and supplier 20003 of one contact: created once, the supplier linked to it;
  // the archived customer 10007 is not imported
  const logRow = (record: string) => app.locator('[data-testid="sync-log"] tbody tr').filter({ has: app.getByTestId("sync-log-record").getByText(record, { exact: true }) });
  await expect(logRow("Vestland Trevare AS (10005)")).toHaveAttribute("data-outcome", "created");
  await expect(logRow("Vestland Trevare AS (20003)")).toHaveAttribute("data-outcome", "linked");
  await expect(logRow("Gamle Butikken AS (10007)")).toHaveAttribute("data-outcome", "skipped");
  await page.screenshot({ path: testInfo.outputPath("overview-after-import.png"), fullPage: true });

  // the import only read PowerOffice: no customer or supplier was added there
  const afterImport = await simulatorState();
  expect(afterImport.customers.length).toBe(beforeImport.customers.length);
  expect(afterImport.suppliers.length).toBe(beforeImport.suppliers.length);

  // in the CRM: Vestland Trevare, customer 10005 and supplier 20003 in PowerOffice, is one organisation with both numbers
  await page.goto("/organizations?q=Vestland");
  const vestland = page.getByRole("row", { name: /Vestland Trevare/ });
  await expect(vestland).toHaveCount(1);
  await expect(vestland.getByRole("cell").nth(1)).toHaveText("10005");
  await expect(vestland.getByRole("cell").nth(2)).toHaveText("20003");
  await expect(vestland.getByRole("cell").nth(4)).toHaveText("ordre@vestland-trevare.test");
  await page.goto("/organizations?q=Gamle");
  await expect(page.getByRole("row", { name: /Gamle Butikken/ })).toHaveCount(0);

  // a new customer in the CRM appears in PowerOffice, and its customer number comes back as the debtor number
  await page.goto("/organizations/new");
  await page.getByLabel("Naam / Name").fill("Fjordmøbler Playwright");
  await page.getByLabel("E-mailadres / Email address").fill("post@fjordmobler.test");
  await page.getByLabel("Straat / Street").fill("Bryggen");
  await page.getByLabel("Huisnummer / House number").fill("7");
  await page.getByLabel("Postcode / Postal code").fill("5003");
  await page.getByLabel("Plaats / City").fill("Bergen");
  await page.getByLabel("Land / Country").selectOption("NO");
  await expect(page.getByLabel("Klant / Customer")).toBeChecked();
  await page.getByRole("button", { name: "Aanmaken" }).click();
  const orgUrl = page.url();
  let customer: Customer | undefined;
  await expect
    .poll(async () => (customer = (await simulatorState()).customers.find((c) => c.Name === "Fjordmøbler Playwright"))?.Number, { timeout: 60_000 })
    .toBeGreaterThan(10007);
  // not a supplier too: it is only a customer in the CRM
  expect((await simulatorState()).suppliers.find((s) => s.Name === "Fjordmøbler Playwright")).toBeUndefined();
  await expectDebtorNumber(page, orgUrl, String(customer!.Number));

  // an invoice set to Verstuurd becomes a sales order in PowerOffice, with its PDF attached, once
  const { url: invoiceUrl, number: invoiceNumber } = await sentCrmInvoice(page, {
    customer: "Fjordmøbler Playwright",
    subject: "Spisestoler",
    product: { label: "Spisestol eik (STOL-EIK)" },
    quantity: 4,
    paymentTermDays: 14,
  });
  expect(invoiceNumber).toMatch(/^\S+$/);
  let order: SalesOrder | undefined;
  await expect
    .poll(async () => (order = (await goApi<SalesOrder[]>(`/SalesOrders?customerNos=${customer!.Number}`))?.find((o) => o.CustomerId === customer!.Id)) !== undefined, {
      timeout: 60_000,
    })
    .toBe(true);
  // as the help page's Factuur table says: the number, the payment term, the date and the product lines
  expect(order!.SalesOrderStatus).toBe("Draft");
  expect(order!.PaymentTerm).toBe(14);
  expect(order!.SalesOrderDate).toBe(new Date().toISOString().slice(0, 10));
  expect(order!.NetAmount).toBe(4 * 2490);
  expect(order!.ExternalImportReference).toBe(`ledgerlink:crm:inv:${invoiceNumber}`);
  await expect
    .poll(async () => (await goApi<Array<{ FileName: string }>>(`/SalesOrders/${order!.Id}/attachments`))?.map((a) => a.FileName), { timeout: 30_000 })
    .toEqual([`factuur-${invoiceNumber}.pdf`]);
  const lines = await goApi<Array<{ ProductCode: string; Quantity: number }>>(`/SalesOrders/${order!.Id}/Lines`);
  expect(lines?.map((l) => [l.ProductCode, l.Quantity])).toEqual([["STOL-EIK", 4]]);

  // the bookkeeper sends it as an invoice in PowerOffice and registers the payment of the whole amount
  const clientId = afterImport.id;
  await page.goto(`${powerofficeUrl}/__admin/ui/sales-orders/${order!.Id}?client=${encodeURIComponent(clientId)}`);
  await page.getByRole("button", { name: "Send invoice" }).click();
  await expect(page.getByRole("heading", { name: /^Invoice \d+/ })).toBeVisible();
  const invoice = (await simulatorState()).outgoingInvoices.find((i) => i.Id === order!.Id)!;
  expect(invoice.Balance).toBe(invoice.TotalAmount);
  await page.getByLabel(`Amount for invoice ${invoice.InvoiceNo}`).fill(invoice.TotalAmount.toFixed(2).replace(".", ","));
  await page.getByRole("button", { name: "Register payment" }).click();
  await expect(page.getByText("Payment registered.")).toBeVisible();
  await expect(page.locator("dt", { hasText: /^Balance$/ }).locator("xpath=following-sibling::dd[1]")).toHaveText("0,00 kr");
  await expect.poll(async () => (await simulatorState()).outgoingInvoices.find((i) => i.Id === order!.Id)?.Balance).toBe(0);
  await page.screenshot({ path: testInfo.outputPath("poweroffice-invoice-paid.png"), fullPage: true });

  // "Nu synchroniseren" pulls the payment; the CRM invoice is paid
  app = await openApp(page, "poweroffice");
  await hydrated(app);
  await syncNowUntilPaid(page, app, invoiceUrl);
  await expect(page.getByTestId("phase")).toHaveText("Betaald");
  app = await openApp(page, "poweroffice");
  await expect(app.locator('[data-testid="sync-log"] tr[data-entity="payment"]').first()).toHaveAttribute("data-outcome", "updated");
  await testInfo.attach("synced", { body: await page.screenshot({ fullPage: true }), contentType: "image/png" });

  // deactivated at the end (help page, part 3): it stops syncing, and nothing is deleted on either side
  await hydrated(app);
  await app.getByRole("button", { name: "Deactiveren" }).click();
  await app.getByRole("alertdialog", { name: "Koppeling deactiveren?" }).getByRole("button", { name: "Ja, deactiveren" }).click();
  await expect(app.getByTestId("installation-status")).toHaveAttribute("data-status", "inactive");
  const atTheEnd = await simulatorState();
  expect(atTheEnd.customers.find((c) => c.Name === "Fjordmøbler Playwright")?.Number).toBe(customer!.Number);
  // the sales order, sent, is the invoice with the same Id
  expect(atTheEnd.outgoingInvoices.find((i) => i.Id === order!.Id)?.Balance).toBe(0);
});
