import { ADMIN, CLIENT, expect, screenshot, seen, signIn, test, watchFor, recordMetric } from "./fixtures";

// The form itself (fields, messages, keyboard, show/hide) is checked on both sign-in forms, the
// light first-load page and the app's own, in signin-forms.spec.ts.

test("an admin signs in and lands on the office dashboard with its data", async ({ page }) => {
  await page.goto("/auth/signin");
  await expect(page.getByRole("heading", { name: "Sign in to SMMM Portal" })).toBeVisible();
  await expect(page.getByLabel("Email")).toHaveAttribute("autocomplete", "username");
  await expect(page.getByLabel("Password", { exact: true })).toHaveAttribute("autocomplete", "current-password");
  await screenshot(page, "signin");

  await signIn(page, ADMIN);
  await expect(page).toHaveURL(/\/admin$/);
  await expect(page.getByTestId("navbar-user")).toContainText(ADMIN.name);
  await expect(page.getByTestId("navbar-user")).toContainText(ADMIN.email);
  await expect(page.getByTestId("role-badge")).toHaveText("Staff");
  // The figure is the server's count (other tests add clients to this database).
  const summary = await page.evaluate(() => fetch("/api/admin/summary", { method: "POST" }).then((r) => r.json()));
  expect(summary.clients).toBeGreaterThanOrEqual(1);
  await expect(page.getByTestId("stat-clients").locator(".stat-value")).toHaveText(String(summary.active_clients));
  await expect(page.getByTestId("stat-clients-total")).toHaveText(`${summary.clients} in all`);
  await expect(page.getByTestId("recent-events")).toContainText("Signed in");
  await expect(page.getByTestId("recent-events")).toContainText(ADMIN.email);
  await screenshot(page, "admin-dashboard");
});

test("a client signs in and sees their own overview", async ({ page }) => {
  await signIn(page, CLIENT);
  await expect(page).toHaveURL(/\/client$/);
  await expect(page.getByTestId("welcome")).toHaveText(`Welcome, ${CLIENT.name}`);
  await expect(page.getByTestId("stat-my-sessions")).toContainText(/\d/);
  await expect(page.getByTestId("role-badge")).toHaveText("Client");
  await screenshot(page, "client-dashboard");
});

test("a signed-out visit goes to sign-in with callbackUrl and never renders protected content", async ({ page }) => {
  await watchFor(page, '[data-testid="navbar-user"], [data-testid^="stat-"]');
  await page.goto("/admin");
  await expect(page).toHaveURL(/\/auth\/signin\?callbackUrl=\/admin$/);
  await expect(page.getByLabel("Email")).toBeVisible();
  expect(await seen(page)).toBe(false);

  await page.getByLabel("Email").fill(ADMIN.email);
  await page.getByLabel("Password", { exact: true }).fill(ADMIN.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/admin$/);
});

test("a foreign callbackUrl is ignored", async ({ page }) => {
  await page.goto("/auth/signin?callbackUrl=https://evil.example/admin");
  await page.getByLabel("Email").fill(CLIENT.email);
  await page.getByLabel("Password", { exact: true }).fill(CLIENT.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/127\.0\.0\.1:\d+\/client$/);
});

test("each role is kept out of the other's area", async ({ page }) => {
  await signIn(page, CLIENT);
  await page.goto("/admin");
  await expect(page).toHaveURL(/\/client$/);
  await expect(page.getByTestId("welcome")).toBeVisible();
});

test("a reload keeps the session without flashing the sign-in form; the cookie is out of reach", async ({ page }) => {
  await signIn(page, ADMIN);
  await watchFor(page, "#email");
  await page.reload();
  await expect(page.getByTestId("stat-clients")).toBeVisible();
  expect(await seen(page)).toBe(false);
  expect(await page.evaluate(() => document.cookie)).not.toContain("smmm_session");
  const cookies = await page.context().cookies();
  expect(cookies.find((c) => c.name === "smmm_session")?.httpOnly).toBe(true);

  // A signed-in visitor who opens the sign-in page is sent on, and never sees its form (the
  // first-load page has it in its HTML, hidden until the server has said who is there).
  await page.addInitScript(() => {
    new MutationObserver(() => {
      if (document.querySelector("#signin-card:not([hidden])")) sessionStorage.setItem("signinShown", "1");
    }).observe(document, { childList: true, subtree: true, attributes: true });
  });
  await page.goto("/auth/signin");
  await expect(page).toHaveURL(/\/admin$/);
  await expect(page.getByTestId("stat-clients")).toBeVisible();
  expect(await page.evaluate(() => sessionStorage.getItem("signinShown"))).toBeNull();
});

test("the first-load sign-in page honours a same-site callbackUrl", async ({ page }) => {
  await page.goto("/auth/signin?callbackUrl=/admin/users");
  await page.getByLabel("Email").fill(ADMIN.email);
  await page.getByLabel("Password", { exact: true }).fill(ADMIN.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/admin\/users$/);
  await expect(page.getByTestId("user-table")).toBeVisible();
});

test("an unknown page shows the 404 page", async ({ page }) => {
  await page.goto("/no/such/page");
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
});

test("phone width: the sign-in page and the dashboard fit", async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 375, height: 740 }, isMobile: true });
  const page = await context.newPage();
  await page.goto("/auth/signin");
  await screenshot(page, "signin-phone");
  await signIn(page, CLIENT);
  await expect(page.getByTestId("welcome")).toBeVisible();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await screenshot(page, "client-dashboard-phone");
  await context.close();
});

test("first load of the sign-in page: transfer size", async ({ page }) => {
  await page.goto("/auth/signin");
  await expect(page.getByLabel("Email")).toBeVisible();
  const bytes = await page.evaluate(() => {
    const entries = [
      ...performance.getEntriesByType("navigation"),
      ...performance.getEntriesByType("resource"),
    ] as PerformanceResourceTiming[];
    return entries.reduce((sum, e) => sum + (e.transferSize || 0), 0);
  });
  recordMetric("signin_first_load_transfer_bytes", bytes);
  expect(bytes).toBeGreaterThan(0);
});
