import { ADMIN, expect, test } from "./fixtures";
import { englishLeftOn, expectTurkish, newClient, signInInTurkish, turkishBrowser } from "./turkish";

test("Accept-Language: tr gets the Turkish sign-in page on the first visit, and the server says so", async ({ browser }) => {
  const page = await turkishBrowser(browser);
  const response = await page.goto("/auth/signin");
  expect(response?.headers()["vary"]?.toLowerCase()).toContain("accept-language");
  await expect(page.getByRole("heading", { name: "SMMM Portal'da oturum açın" })).toBeVisible();
  await expectTurkish(page, "signin");
  // The server's message follows the page's language.
  await page.getByLabel("E-posta").fill("kimse@example.com");
  await page.getByLabel("Şifre", { exact: true }).fill("yanlis-sifre-123");
  await page.getByRole("button", { name: "Oturum aç" }).click();
  await expect(page.getByTestId("signin-message")).not.toBeEmpty();
  expect(await englishLeftOn(page)).toEqual([]);
  await page.context().close();
});

test("the switch on the sign-in page changes the language at once, without a reload, and a reload keeps it", async ({ page }) => {
  await page.goto("/auth/signin");
  await expect(page.getByRole("heading", { name: "Sign in to SMMM Portal" })).toBeVisible();
  await page.evaluate(() => ((window as any).__noReload = true));
  await page.getByTestId("language-switch").click();
  await expect(page.getByRole("heading", { name: "SMMM Portal'da oturum açın" })).toBeVisible();
  expect(await page.evaluate(() => (window as any).__noReload)).toBe(true);
  await expectTurkish(page, "signin-switched");
  // A Turkish message from the page's own check, too.
  await page.getByRole("button", { name: "Oturum aç" }).click();
  await expect(page.getByTestId("email-error")).not.toBeEmpty();
  expect(await englishLeftOn(page)).toEqual([]);
  await page.reload();
  await expect(page.getByRole("heading", { name: "SMMM Portal'da oturum açın" })).toBeVisible();
  await page.getByTestId("language-switch").click();
  await expect(page.getByRole("heading", { name: "Sign in to SMMM Portal" })).toBeVisible();
  await expect(page.locator("html")).toHaveAttribute("lang", "en");
});

test("a client's flow in Turkish: sign-in, overview, sessions, profile, sign-out", async ({ browser, request }) => {
  const who = await newClient(request);
  const page = await turkishBrowser(browser);
  await page.goto("/auth/signin");
  await signInInTurkish(page, who);
  await expect(page.getByTestId("welcome")).toBeVisible();
  await expectTurkish(page, "client-overview");
  await page.getByRole("link", { name: "Oturumlar" }).click();
  await expect(page).toHaveURL(/\/client\/sessions/);
  await expect(page.getByTestId("session-list")).toBeVisible();
  await expectTurkish(page, "client-sessions");
  await page.getByRole("link", { name: "Profil" }).click();
  await expect(page.getByTestId("profile-email")).toHaveText(who.email);
  await expectTurkish(page, "client-profile");
  await page.getByRole("button", { name: "Oturumu kapat" }).click();
  await expect(page).toHaveURL(/\/auth\/signin/);
  await expect(page.getByRole("heading", { name: "SMMM Portal'da oturum açın" })).toBeVisible();
  await expectTurkish(page, "signin-after-sign-out");
  await page.context().close();
});

test("a staff member's flow in Turkish: dashboard, users, a deactivation with its confirmation, audit log", async ({ browser, request }) => {
  const who = await newClient(request);
  const page = await turkishBrowser(browser);
  await page.goto("/auth/signin");
  await signInInTurkish(page, ADMIN);
  await expect(page).toHaveURL(/\/admin$/);
  await expect(page.getByTestId("recent-events")).toBeVisible();
  await expectTurkish(page, "admin-dashboard");
  await page.getByRole("link", { name: "Kullanıcılar" }).click();
  await expect(page.getByTestId("user-table")).toBeVisible();
  await expectTurkish(page, "admin-users");
  await page.goto(`/admin/users/${who.id}`);
  await expect(page.getByTestId("user-state")).toBeVisible();
  await expectTurkish(page, "admin-user");
  await page.getByTestId("user-state").scrollIntoViewIfNeeded();
  await page.getByRole("button", { name: "Devre dışı bırak" }).click();
  await expectTurkish(page, "admin-user-confirm");
  await page.getByRole("button", { name: "Evet, devre dışı bırak" }).click();
  await expect(page.getByTestId("user-state")).toHaveText("Devre dışı");
  await expectTurkish(page, "admin-user-deactivated");
  await page.getByRole("link", { name: "Denetim kaydı" }).click();
  await expect(page.getByTestId("audit-table")).toBeVisible();
  await expectTurkish(page, "admin-audit");
  await page.context().close();
});

test("the navbar's switch changes the app without a reload, survives one, and follows the person to a new device", async ({ page, browser, request }) => {
  const who = await newClient(request);
  await page.goto("/auth/signin");
  await page.getByLabel("Email").fill(who.email);
  await page.getByLabel("Password", { exact: true }).fill(who.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("welcome")).toBeVisible();
  await page.evaluate(() => ((window as any).__noReload = true));
  const saved = page.waitForResponse((r) => r.url().includes("/api/account/set_language") && r.status() === 200);
  await page.getByTestId("language-switch").click();
  await expect(page.getByRole("button", { name: "Oturumu kapat" })).toBeVisible();
  expect(await page.evaluate(() => (window as any).__noReload)).toBe(true);
  await expectTurkish(page, "client-overview-switched");
  await saved;
  await page.reload();
  await expect(page.getByRole("button", { name: "Oturumu kapat" })).toBeVisible();

  // Another browser, English by its settings: the person's choice wins once they sign in.
  const context = await browser.newContext({ locale: "en-US" });
  const other = await context.newPage();
  await other.goto("/auth/signin");
  await expect(other.getByRole("heading", { name: "Sign in to SMMM Portal" })).toBeVisible();
  await other.getByLabel("Email").fill(who.email);
  await other.getByLabel("Password", { exact: true }).fill(who.password);
  await other.getByRole("button", { name: "Sign in" }).click();
  await expect(other.getByRole("button", { name: "Oturumu kapat" })).toBeVisible();
  await expect(other.locator("html")).toHaveAttribute("lang", "tr");
  await context.close();
});
