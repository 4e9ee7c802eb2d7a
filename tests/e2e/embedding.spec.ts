import http from "node:http";
import type { AddressInfo } from "node:net";
import { expect, test } from "@playwright/test";
import { SignJWT } from "jose";
import { appUrl, hostToken, resetSandboxes } from "./env";

test.beforeAll(resetSandboxes);

test("the CRM's Marketplace lists Ledgerlink under Financial, and Activate opens it signed in", async ({ page }, testInfo) => {
  await page.goto("/marketplace");
  await page.getByRole("tab", { name: /Financieel/ }).click();
  await page.getByRole("link", { name: /SnelStart/ }).first().click();
  await page.getByRole("button", { name: "Activeren", exact: true }).click();

  const app = page.frameLocator('iframe[title="Ledgerlink"]');
  // a dev server compiles each page on its first request: allow for that once
  await expect(app.getByTestId("tenant-name")).toHaveText("Sandbox BV", { timeout: 120_000 });
  await expect(app.getByRole("heading", { name: "SnelStart" })).toBeVisible();
  await expect(app.getByTestId("installation-status")).toHaveText("Niet actief");
  await testInfo.attach("signed-in-in-the-crm", { body: await page.screenshot({ fullPage: true }), contentType: "image/png" });
  await page.screenshot({ path: testInfo.outputPath("signed-in-in-the-crm.png"), fullPage: true });
});

test("a forged token gets the 401 page in the user's language, never a stack trace", async ({ request }) => {
  const forged = await new SignJWT({ tenant_id: "7ad63a7b-6a76-57a8-a6c4-46099c1d4411", locale: "fr" })
    .setProtectedHeader({ alg: "HS256" })
    .setSubject("intruder")
    .setAudience("ledgerlink")
    .setIssuedAt()
    .setExpirationTime("2m")
    .sign(new TextEncoder().encode("not-the-app-secret-at-all"));
  const res = await request.get(`${appUrl}/api/host/session?connector=snelstart&token=${forged}`, { maxRedirects: 0 });
  expect(res.status()).toBe(401);
  const html = await res.text();
  expect(html).toContain("La connexion n&#39;a pas pu être vérifiée");
  expect(html).not.toMatch(/at .*\.(ts|js):\d+/);
  expect(res.headers()["set-cookie"] ?? "").not.toContain("ledgerlink.session");

  const none = await request.get(`${appUrl}/snelstart`, { maxRedirects: 0 });
  expect(none.status()).toBe(401);
});

test("a host token is accepted once: a replay gets the 401 page", async ({ request }) => {
  const token = await hostToken({ locale: "nl" });
  const url = `${appUrl}/api/host/session?connector=snelstart&token=${token}`;
  const first = await request.get(url, { maxRedirects: 0 });
  expect(first.status()).toBe(307);
  const again = await request.get(url, { maxRedirects: 0 });
  expect(again.status()).toBe(401);
  expect(await again.text()).toContain("Deze aanmelding is al gebruikt");
});

test("a page on an origin that is not allowed cannot frame the app", async ({ page }) => {
  const token = await hostToken();
  const src = `${appUrl}/api/host/session?connector=snelstart&token=${token}`;
  const server = http.createServer((_req, res) => {
    res.setHeader("content-type", "text/html");
    res.end(`<!doctype html><title>elsewhere</title><iframe title="framed" src="${src}" width="800" height="600"></iframe>`);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const blocked: string[] = [];
  page.on("console", (m) => {
    if (/frame-ancestors|Refused to frame/i.test(m.text())) blocked.push(m.text());
  });
  try {
    await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    await expect.poll(() => blocked.length, { timeout: 30_000 }).toBeGreaterThan(0);
    const framed = page.frameLocator('iframe[title="framed"]');
    await expect(framed.getByTestId("tenant-name")).toHaveCount(0);
  } finally {
    server.close();
  }
});
