import type { APIRequestContext, Browser, Page } from "@playwright/test";
import { ADMIN, expect, screenshot, signIn, test } from "./fixtures";

let counter = 0;

/** A fresh client account made through the admin API, so tests never share one. */
async function newClient(request: APIRequestContext) {
  const signedIn = await request.post("/api/auth/sign_in", { data: { email: ADMIN.email, password: ADMIN.password } });
  expect(signedIn.status()).toBe(200);
  const who = { name: `E2E Client ${Date.now()}-${counter++}`, email: `e2e-${Date.now()}-${counter}@example.com`, password: "Galata-Kulesi-1348" };
  const created = await request.post("/api/admin/create_client", { data: { ...who, password: who.password } });
  expect(created.status()).toBe(200);
  return { ...who, id: (await created.json()).user.id as number };
}

async function secondBrowser(browser: Browser, who: { email: string; password: string }): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, who);
  return page;
}

test("a password change signs the user's other browser out at once, untouched", async ({ page, browser, request }) => {
  const who = await newClient(request);
  const other = await secondBrowser(browser, who);
  await signIn(page, who);
  // A second tab of this browser, which must stay signed in through the change.
  const sibling = await page.context().newPage();
  await sibling.goto("/client");
  await expect(sibling.getByTestId("welcome")).toBeVisible();
  await sibling.evaluate(() => ((window as any).__noReload = true));
  await page.bringToFront();
  await page.getByRole("link", { name: "Profile" }).click();
  await expect(page.getByTestId("profile-email")).toHaveText(who.email);
  await screenshot(page, "profile");
  await page.getByLabel("Current password").fill(who.password);
  await page.getByLabel("New password", { exact: true }).fill("Bosphorus-Kopru-1973");
  await page.getByLabel("New password again").fill("Bosphorus-Kopru-1973");
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByTestId("password-changed")).toContainText("Password changed");

  // This browser carries on (on a new session id, its events stream re-subscribed); the other
  // is out without anyone touching it (the events stream).
  await page.getByRole("link", { name: "Overview" }).click();
  await expect(page.getByTestId("welcome")).toBeVisible();
  await expect(other).toHaveURL(/\/auth\/signin/);
  await expect(other.getByTestId("signin-notice")).toHaveText("Your session has ended. Please sign in again.");
  await sibling.waitForTimeout(1500);
  await expect(sibling).toHaveURL(/\/client$/);
  await expect(sibling.getByTestId("welcome")).toBeVisible();
  expect(await sibling.evaluate(() => (window as any).__noReload)).toBe(true);
  await other.context().close();
});

test("ending another session from My sessions signs that browser out", async ({ page, browser, request }) => {
  const who = await newClient(request);
  const other = await secondBrowser(browser, who);
  await signIn(page, who);
  await page.getByRole("link", { name: "Sessions" }).click();
  await expect(page.getByTestId("session-current")).toBeVisible();
  await expect(page.getByTestId("session-other")).toHaveCount(1);
  await screenshot(page, "sessions");
  await page.getByTestId("session-other").getByRole("button", { name: "End session" }).click();
  await page.getByRole("button", { name: "Yes, end session" }).click();
  await expect(page.getByTestId("sessions-message")).toHaveText("The session has ended.");
  await expect(page.getByTestId("session-other")).toHaveCount(0);

  await other.evaluate(() => window.dispatchEvent(new Event("focus")));
  await expect(other).toHaveURL(/\/auth\/signin/);
  await other.context().close();
});

test("an admin deactivates a client who is signed in elsewhere, and the client is out at once", async ({ page, browser, request }) => {
  const who = await newClient(request);
  const victim = await secondBrowser(browser, who);
  await signIn(page, ADMIN);
  await page.getByRole("link", { name: "Users" }).click();
  await page.getByLabel("Search by name or email").fill(who.email);
  await expect(page.getByTestId("user-table")).toContainText(who.email);
  await expect(page.getByTestId("pager")).toHaveText("Page 1 of 1 · 1 in all");
  await expect(page.getByRole("button", { name: "Next" })).toBeDisabled();
  await screenshot(page, "users");
  await page.getByRole("link", { name: who.name }).click();
  await expect(page.getByTestId("user-sessions")).toBeVisible();
  await screenshot(page, "user-detail");
  await page.getByRole("button", { name: "Deactivate" }).click();
  await page.getByRole("button", { name: "Yes, deactivate" }).click();
  await expect(page.getByTestId("user-state")).toHaveText("Deactivated");
  await expect(page.getByTestId("no-sessions")).toBeVisible();

  // Out without touching anything: the events stream told the browser.
  await expect(victim).toHaveURL(/\/auth\/signin/);
  // And cannot sign back in: the same message as any failed sign-in.
  await victim.getByLabel("Email").fill(who.email);
  await victim.getByLabel("Password", { exact: true }).fill(who.password);
  await victim.getByRole("button", { name: "Sign in" }).click();
  await expect(victim.getByTestId("signin-message")).toHaveText("The email or password is incorrect.");
  await victim.context().close();

  await page.getByRole("link", { name: "Audit log" }).click();
  await expect(page.getByTestId("audit-table")).toContainText("Account deactivated");
  await screenshot(page, "audit");
  // Pages follow by cursor; the reader's page number is counted in the browser.
  const pager = page.getByTestId("pager");
  await expect(pager).toHaveText(/^Page 1 · [\d,]+\+? in all$/);
  await expect(page.getByRole("button", { name: "Newer" })).toBeDisabled();
  // Filtered to this account's events: fewer than a page, so there is no older one.
  // Found by name, as staff know people: the suggestion picked is the filter.
  const person = page.getByLabel("Person");
  await person.fill(who.name);
  await expect(page.locator("#person-suggestions option")).toHaveCount(1);
  await person.fill(`${who.name} <${who.email}>`);
  await expect(page.getByTestId("person-chosen")).toContainText(who.email);
  await expect(page).toHaveURL(new RegExp(`/admin/audit\\?user=${who.id}$`));
  await expect(pager).toHaveText(/^Page 1 · [1-9] in all$/);
  await expect(page.getByTestId("audit-table")).toContainText("Signed in");
  await expect(page.getByRole("button", { name: "Older" })).toBeDisabled();
});

test("an admin creates a client, who then signs in", async ({ page, browser }) => {
  await signIn(page, ADMIN);
  await page.getByRole("link", { name: "Users" }).click();
  await page.getByText("Create a client account").click();
  const email = `new-${Date.now()}@example.com`;
  await page.getByLabel("Name", { exact: true }).fill("Yeni Müşteri");
  await page.getByLabel("Email", { exact: true }).fill(email);
  // An invitation is the default where mail works; this office hands over a password.
  await page.getByTestId("access-password").check();
  await page.getByRole("button", { name: "Create client" }).click();
  await expect(page.getByTestId("created-client")).toContainText(email);
  const password = (await page.getByTestId("generated-password").textContent())!.trim();
  expect(password.length).toBeGreaterThanOrEqual(16);

  await expect(page.getByTestId("created-client")).toContainText("They choose their own at their first sign-in.");

  // The generated password opens only the step of choosing their own.
  const context = await browser.newContext();
  const client = await context.newPage();
  await signIn(client, { email, password });
  const step = client.getByTestId("required-password-change");
  await expect(step.getByRole("heading", { name: "Choose a new password" })).toBeVisible();
  await expect(client.getByTestId("welcome")).toHaveCount(0);
  // Every address of the area shows the step; the server refuses the rest on its own.
  await client.goto("/client/profile");
  await expect(step).toBeVisible();
  await expect(client.getByTestId("profile-email")).toHaveCount(0);
  const refused = await client.evaluate(async () => (await fetch("/api/me", { method: "POST" })).status);
  expect(refused).toBe(403);
  await screenshot(client, "required-password-change");

  await client.getByLabel("Current password").fill(password);
  await client.getByLabel("New password", { exact: true }).fill("kisa-sifre");
  await client.getByLabel("New password again").fill("kisa-sifre");
  await client.getByRole("button", { name: "Change password" }).click();
  await expect(client.locator("#new_password-error")).toContainText("at least 12 characters");
  // The server's estimate shows as the person types (zxcvbn is not in the browser's build).
  await client.getByLabel("New password", { exact: true }).fill("P@ssw0rd2026");
  await expect(client.getByTestId("password-strength")).toHaveAttribute("data-acceptable", "false");
  await expect(client.getByTestId("password-strength")).toContainText("easy to guess");
  await client.getByLabel("New password", { exact: true }).fill("Kiz-Kulesi-Feneri-1725");
  await expect(client.getByTestId("password-strength")).toHaveAttribute("data-acceptable", "true");
  await client.getByLabel("New password again").fill("Kiz-Kulesi-Feneri-1725");
  await client.getByRole("button", { name: "Change password" }).click();
  await expect(client.getByTestId("profile-email")).toHaveText(email);
  await expect(step).toHaveCount(0);
  const allowed = await client.evaluate(async () => (await fetch("/api/me", { method: "POST" })).status);
  expect(allowed).toBe(200);
  await client.getByRole("link", { name: "Overview" }).click();
  await expect(client.getByTestId("welcome")).toHaveText("Welcome, Yeni Müşteri");
  await context.close();
});

