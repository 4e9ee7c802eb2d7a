/** Steps every connector's walk takes in the app. */
import { expect, type FrameLocator, type Page } from "@playwright/test";

/** Wait until React has hydrated the app's forms (dev servers compile client code on first use). */
export async function hydrated(app: FrameLocator) {
  await expect(app.locator('button[type="submit"][data-ready="true"]').first()).toBeVisible({ timeout: 120_000 });
}

/** The app as the CRM shows it, opened at a connector's overview. */
export async function openApp(page: Page, connector: string): Promise<FrameLocator> {
  await page.goto(`/apps/ledgerlink/${connector}`);
  return page.frameLocator('iframe[title="Ledgerlink"]');
}

/**
 * Activeren, then the organisation gives Ledgerlink access to the CRM on the CRM's own consent page
 * (a window of its own); the activation page sees it by itself and names who gave it.
 */
export async function giveHostConsent(page: Page, app: FrameLocator) {
  // the dev server may still be compiling the activation page and reload the frame: click until it is there
  await expect(async () => {
    await app.getByRole("link", { name: "Activeren" }).click({ timeout: 10_000 });
    await expect(app.getByTestId("host-consent")).toBeVisible({ timeout: 45_000 });
  }).toPass({ timeout: 150_000 });
  const [consentPage] = await Promise.all([page.context().waitForEvent("page"), app.getByTestId("host-consent").click({ timeout: 120_000 })]);
  await consentPage.getByRole("button", { name: "Toestaan / Allow" }).click();
  await expect(consentPage.getByText("Ledgerlink heeft nu toegang tot Tribe CRM")).toBeVisible({ timeout: 60_000 });
  await consentPage.close();
  await expect(app.getByTestId("host-connected")).toContainText("Sanne de Vries", { timeout: 30_000 });
}

/** The CRM organisation's page shows the package's number as its debtor number (read again until it does). */
export async function expectDebtorNumber(page: Page, orgUrl: string, number: string) {
  await expect
    .poll(async () => {
      await page.goto(orgUrl);
      return page.getByLabel("Debiteurnummer / Debtor number").inputValue();
    }, { timeout: 60_000 })
    .toBe(number);
}

/** A new invoice in the CRM's own screens, set to Verstuurd: its URL and number. */
export async function sentCrmInvoice(
  page: Page,
  o: { customer: string; subject: string; product: { label: string } | { index: number }; quantity: number; paymentTermDays?: number },
): Promise<{ url: string; number: string }> {
  await page.goto("/invoices/new");
  await page.getByLabel("Klant / Customer").selectOption({ label: o.customer });
  await page.getByLabel("Onderwerp / Subject").fill(o.subject);
  await page.getByLabel("Product").selectOption(o.product);
  await page.getByLabel("Aantal / Quantity").fill(String(o.quantity));
  if (o.paymentTermDays !== undefined) await page.getByLabel("Betalingstermijn in dagen / Payment term in days").fill(String(o.paymentTermDays));
  await page.getByRole("button", { name: "Factuur aanmaken" }).click();
  const url = page.url();
  const number = (await page.getByRole("heading", { level: 1 }).innerText()).replace(/^Factuur /, "");
  await page.getByRole("button", { name: "Zet op Verstuurd" }).click();
  await expect(page.getByTestId("phase")).toHaveText("Verstuurd");
  return { url, number };
}

/**
 * "Nu synchroniseren" after the invoice was paid in the package: the page says the pull started and
 * follows it until it is done, the payment pull is among the last runs, and the CRM invoice is paid.
 */
export async function syncNowUntilPaid(page: Page, app: FrameLocator, invoiceUrl: string) {
  await app.getByRole("button", { name: "Nu synchroniseren" }).click();
  await expect(app.getByRole("button", { name: "Nu synchroniseren" })).toHaveAttribute("aria-busy", "false", { timeout: 120_000 });
  await expect(app.getByTestId("pull-status")).toHaveText(/De synchronisatie is (gestart|klaar)/);
  await expect(app.getByTestId("pull-status")).toHaveText("De synchronisatie is klaar.", { timeout: 120_000 });
  await expect(app.locator('[data-testid="last-runs"] tr[data-entity="payment"][data-kind="pull"]')).toBeVisible();
  await expect
    .poll(async () => {
      await page.goto(invoiceUrl);
      return page.getByTestId("is-paid").innerText();
    }, { timeout: 120_000 })
    .toMatch(/Ja|Yes/);
}
