import type { Page } from "@playwright/test";
import { policyURL } from "../playwright.config";
import { ADMIN, awayFromAStepEdge, expect, screenshot, test, totp } from "./fixtures";

async function passwordStep(page: Page, who: { email: string; password: string }) {
  await page.getByLabel("Email").fill(who.email);
  await page.getByLabel("Password", { exact: true }).fill(who.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("code-step")).toBeVisible();
}

test("a client turns on two-step sign-in, then signs in with a code and with a recovery code", async ({ page, request }) => {
  await awayFromAStepEdge(page);
  const admin = await request.post("/api/auth/sign_in", { data: { email: ADMIN.email, password: ADMIN.password } });
  expect(admin.status()).toBe(200);
  const who = { name: "Two Step Client", email: `two-step-${Date.now()}@example.com`, password: "Galata-Kulesi-1348" };
  expect((await request.post("/api/admin/create_client", { data: who })).status()).toBe(200);

  // Enrol: read the key from the page, compute the code as the phone would.
  await page.goto("/auth/signin");
  await page.getByLabel("Email").fill(who.email);
  await page.getByLabel("Password", { exact: true }).fill(who.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("navbar-user")).toBeVisible();
  await page.getByRole("link", { name: "Profile" }).click();
  const card = page.getByTestId("two-step");
  await card.getByRole("button", { name: "Turn on two-step sign-in" }).click();
  const secret = (await card.getByTestId("two-step-secret").textContent())!.trim();
  await expect(card.locator(".qr svg")).toBeVisible();
  await card.getByLabel("The 6-digit code the app shows").fill("000000");
  await card.getByRole("button", { name: "Turn on" }).click();
  await expect(card).toContainText("That code is not right");
  await card.getByLabel("The 6-digit code the app shows").fill(totp(secret, -1));
  await card.getByRole("button", { name: "Turn on" }).click();
  const codes = card.getByTestId("recovery-codes").locator("li");
  await expect(codes).toHaveCount(10);
  const recovery = (await codes.nth(0).textContent())!.trim();
  await screenshot(page, "two-step-recovery-codes");
  await card.getByRole("button", { name: "I have saved them" }).click();
  await expect(card.getByTestId("two-step-on")).toContainText("10 recovery codes left");

  // Sign out inside the app: its own sign-in page takes both steps, without a reload.
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/auth\/signin/);
  await passwordStep(page, who);
  const code = page.getByLabel("Code", { exact: true });
  await expect(code).toHaveAttribute("autocomplete", "one-time-code");
  await expect(code).toHaveAttribute("inputmode", "numeric");
  await expect(page.getByTestId("navbar-user")).toHaveCount(0);
  await code.fill("123456");
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page.getByTestId("code-error")).toContainText("That code is not right");
  await code.fill(totp(secret, 0));
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page.getByTestId("welcome")).toBeVisible();

  // A fresh load: the light page takes both steps too, here with a recovery code.
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/auth\/signin/);
  await page.goto("/auth/signin");
  await passwordStep(page, who);
  await screenshot(page, "two-step-code");
  await page.getByRole("button", { name: "Use a recovery code" }).click();
  await page.getByLabel("Recovery code").fill(recovery.toUpperCase());
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page.getByTestId("welcome")).toBeVisible();
  await expect(page.getByTestId("recovery-codes-left")).toContainText("9 are left");
  await page.getByRole("link", { name: "Profile" }).click();
  await expect(page.getByTestId("two-step-on")).toContainText("9 recovery codes left");
});

test.describe("when the office requires it of staff", () => {
  test.use({ baseURL: policyURL });

  test("an admin must set up two-step sign-in before the dashboard opens", async ({ page }) => {
    await awayFromAStepEdge(page);
    await page.goto("/auth/signin");
    await page.getByLabel("Email").fill(ADMIN.email);
    await page.getByLabel("Password", { exact: true }).fill(ADMIN.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    const step = page.getByTestId("required-two-step");
    await expect(step.getByRole("heading", { name: "Set up two-step sign-in" })).toBeVisible();
    await expect(page.getByTestId("recent-events")).toHaveCount(0);
    // The server refuses the dashboard's data on its own.
    const refused = await page.evaluate(async () => (await fetch("/api/admin/summary", { method: "POST" })).json());
    expect(refused.error).toBe("mfa_enrolment_required");
    await screenshot(page, "required-two-step");

    await step.getByRole("button", { name: "Turn on two-step sign-in" }).click();
    const secret = (await step.getByTestId("two-step-secret").textContent())!.trim();
    await step.getByLabel("The 6-digit code the app shows").fill(totp(secret, 0));
    await step.getByRole("button", { name: "Turn on" }).click();
    await expect(step.getByTestId("recovery-codes").locator("li")).toHaveCount(10);
    // The codes stay on screen until they are put away; then the dashboard opens.
    await step.getByRole("button", { name: "I have saved them" }).click();
    await expect(page.getByTestId("recent-events")).toBeVisible();
    await expect(step).toHaveCount(0);
  });
});
