import { ADMIN, expect, linkIn, outboxMail, screenshot, signIn, test } from "./fixtures";

// The server under test has no SMTP_URL: it writes mail to DATA_DIR/outbox as .eml files,
// which these tests read as a mail client would.

test("a forgotten password: the link from the email, a new password, then sign in with it", async ({ page, request }) => {
  const signedIn = await request.post("/api/auth/sign_in", { data: { email: ADMIN.email, password: ADMIN.password } });
  expect(signedIn.status()).toBe(200);
  const who = { name: "Unutkan Müşteri", email: `forgot-${Date.now()}@example.com`, password: "Galata-Kulesi-1348" };
  const created = await request.post("/api/admin/create_client", { data: who });
  expect(created.status()).toBe(200);

  // The light first-load page links to the form.
  await page.goto("/auth/signin");
  await page.getByRole("link", { name: "Forgot your password?" }).click();
  await expect(page).toHaveURL(/\/auth\/forgot$/);
  await page.getByLabel("Email").fill(who.email);
  await page.getByRole("button", { name: "Send the link" }).click();
  await expect(page.getByTestId("reset-requested")).toContainText("If an account uses this address");
  await screenshot(page, "forgot-password");

  const mail = await outboxMail(who.email, "password_reset");
  // Asked for on an English page, by someone who never chose a language: in English.
  expect(mail).toContain("Hello Unutkan Müşteri,");
  const link = linkIn(mail, "/auth/reset");
  await page.goto(link);
  // The token leaves the address bar at once.
  await expect(page).toHaveURL(/\/auth\/reset$/);
  await expect(page.getByRole("heading", { name: "Choose a new password" })).toBeVisible();
  await expect(page.getByText(`Choose a new password for Unutkan Müşteri (${who.email}).`)).toBeVisible();
  await page.getByLabel("New password", { exact: true }).fill("kisa");
  await page.getByLabel("New password again").fill("kisa");
  await page.getByRole("button", { name: "Set the password" }).click();
  await expect(page.locator("#new_password-error")).toContainText("at least 12 characters");
  const fresh = "Eminonu-Vapuru-1851";
  await page.getByLabel("New password", { exact: true }).fill(fresh);
  await expect(page.getByTestId("password-strength")).toHaveAttribute("data-acceptable", "true");
  await page.getByLabel("New password again").fill(fresh);
  await page.getByRole("button", { name: "Set the password" }).click();
  await expect(page.getByTestId("password-set")).toContainText("Sign in with the new password");
  await screenshot(page, "password-reset-done");

  // The link works once (opened afresh, as from the email again).
  await page.goto("about:blank");
  await page.goto(link);
  await expect(page.getByTestId("link-invalid")).toContainText("can no longer be used");
  await expect(page.getByRole("link", { name: "Ask for a new link" })).toBeVisible();

  await page.goto("/auth/signin");
  await page.getByLabel("Email").fill(who.email);
  await page.getByLabel("Password", { exact: true }).fill(who.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("signin-message")).toContainText("incorrect");
  await signIn(page, { email: who.email, password: fresh });
  await expect(page.getByTestId("welcome")).toBeVisible();
});

test("an invited client accepts the invitation and signs in", async ({ page, browser }) => {
  await signIn(page, ADMIN);
  await page.getByRole("link", { name: "Users" }).click();
  await page.getByText("Create a client account").click();
  const email = `invited-${Date.now()}@example.com`;
  await page.getByLabel("Name", { exact: true }).fill("Davetli Müşteri");
  await page.getByLabel("Email", { exact: true }).fill(email);
  await expect(page.getByTestId("access-invite")).toBeChecked();
  await expect(page.getByLabel("Password (leave empty to generate one)")).toHaveCount(0);
  await page.getByRole("button", { name: "Create and invite" }).click();
  const shown = page.getByTestId("invitation-link");
  await expect(shown).toContainText("/auth/invite#token=");
  const copied = (await shown.textContent())!.trim();
  await expect(page.getByTestId("invited-badge").first()).toBeVisible();
  await screenshot(page, "invitation-created");

  const mail = await outboxMail(email, "invitation");
  expect(mail).toContain("Merhaba Davetli Müşteri,");
  expect(linkIn(mail, "/auth/invite")).toBe(copied);

  const context = await browser.newContext();
  const client = await context.newPage();
  await client.goto(copied);
  await expect(client.getByRole("heading", { name: "Welcome to SMMM Portal" })).toBeVisible();
  const chosen = "Kapalicarsi-Kubbesi-1461";
  await client.getByLabel("New password", { exact: true }).fill(chosen);
  await client.getByLabel("New password again").fill(chosen);
  await client.getByRole("button", { name: "Set the password" }).click();
  await expect(client.getByTestId("password-set")).toBeVisible();
  await client.getByRole("link", { name: "Sign in" }).click();
  await client.getByLabel("Email").fill(email);
  await client.getByLabel("Password", { exact: true }).fill(chosen);
  await client.getByRole("button", { name: "Sign in" }).click();
  await expect(client.getByTestId("welcome")).toBeVisible();
  await context.close();

  // Staff see it accepted: no badge, a last sign-in.
  await page.reload();
  await page.getByRole("link", { name: "Davetli Müşteri" }).first().click();
  await expect(page.getByTestId("user-last-sign-in")).not.toHaveText("Never");
  await expect(page.getByTestId("invitation-state")).toHaveCount(0);
  await expect(page.getByTestId("account-care").getByRole("button", { name: "Send a password reset link" })).toBeVisible();
  await screenshot(page, "user-account-care");
});
