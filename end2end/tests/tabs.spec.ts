import type { BrowserContext } from "@playwright/test";
import { ADMIN, CLIENT, expect, recordMetric, seen, signIn, test, watchFor } from "./fixtures";

/** Two tabs of one browser signed in as the admin, the second on the dashboard and marked so a
 * reload would show (the mark survives only if the page is not reloaded). */
async function twoAdminTabs(context: BrowserContext) {
  const first = await context.newPage();
  await signIn(first, ADMIN);
  const second = await context.newPage();
  await second.goto("/admin");
  await expect(second.getByTestId("stat-clients")).toBeVisible();
  await second.evaluate(() => ((window as any).__noReload = true));
  return { first, second };
}

test("sign-out in one tab puts the other on the sign-in page without a reload", async ({ context }) => {
  const { first, second } = await twoAdminTabs(context);
  await second.evaluate(() => {
    new MutationObserver(() => {
      if (document.querySelector("#email") && !(window as any).__signinAt) (window as any).__signinAt = Date.now();
    }).observe(document, { childList: true, subtree: true });
  });

  await first.bringToFront();
  const clickedAt = Date.now();
  await first.getByRole("button", { name: "Sign out" }).click();
  await expect(first).toHaveURL(/\/auth\/signin$/);

  await second.bringToFront();
  await expect(second.getByLabel("Email")).toBeVisible();
  await expect(second).toHaveURL(/\/auth\/signin/);
  expect(await second.evaluate(() => (window as any).__noReload)).toBe(true);
  await expect(second.getByTestId("stat-clients")).toHaveCount(0);
  const shownAt = await second.evaluate(() => (window as any).__signinAt as number);
  recordMetric("other_tab_signin_page_after_signout_ms", shownAt - clickedAt);

  // Its protected requests are refused by the server too.
  const status = await second.evaluate(() => fetch("/api/me", { method: "POST" }).then((r) => r.status));
  expect(status).toBe(401);
});

test("sign-in in one tab moves the other tab on to the dashboard", async ({ context }) => {
  const first = await context.newPage();
  const second = await context.newPage();
  await second.goto("/auth/signin");
  await expect(second.getByLabel("Email")).toBeVisible();
  await first.bringToFront();
  await signIn(first, CLIENT);
  await second.bringToFront();
  await expect(second).toHaveURL(/\/client$/);
  await expect(second.getByTestId("welcome")).toBeVisible();
});

test("a session revoked elsewhere is noticed when the tab regains focus", async ({ page, context, request, baseURL }) => {
  // Another device: the same session's cookie, signed out through the API.
  const response = await request.post("/api/auth/sign_in", { data: { email: CLIENT.email, password: CLIENT.password } });
  expect(response.status()).toBe(200);
  const token = (response.headers()["set-cookie"] ?? "").match(/smmm_session=([^;]+)/)?.[1];
  expect(token).toBeTruthy();
  await context.addCookies([{ name: "smmm_session", value: token!, url: baseURL!, httpOnly: true, sameSite: "Lax" }]);
  await page.goto("/client");
  await expect(page.getByTestId("welcome")).toBeVisible();

  const signOut = await request.post("/api/auth/sign_out", { headers: { cookie: `smmm_session=${token}` } });
  expect(signOut.status()).toBe(200);

  await page.evaluate(() => window.dispatchEvent(new Event("focus")));
  await expect(page).toHaveURL(/\/auth\/signin\?callbackUrl=\/client$/);
  await expect(page.getByTestId("signin-notice")).toHaveText("Your session has ended. Please sign in again.");
});

test("after sign-out the back button shows no protected data", async ({ page }) => {
  await signIn(page, ADMIN);
  await expect(page.getByTestId("stat-clients")).toBeVisible();
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/auth\/signin$/);
  await watchFor(page, '[data-testid^="stat-"]');
  await page.evaluate(() => ((window as any).__seen = false));
  await page.evaluate(() => {
    new MutationObserver(() => {
      if (document.querySelector('[data-testid^="stat-"]')) (window as any).__seen = true;
    }).observe(document, { childList: true, subtree: true });
  });
  await page.goBack();
  await expect(page).toHaveURL(/\/auth\/signin/);
  await expect(page.getByLabel("Email")).toBeVisible();
  expect(await seen(page)).toBe(false);
});

test("without BroadcastChannel, the localStorage fallback still signs the other tab out", async ({ context }) => {
  await context.addInitScript(() => {
    delete (window as any).BroadcastChannel;
  });
  const { first, second } = await twoAdminTabs(context);

  await first.getByRole("button", { name: "Sign out" }).click();
  await expect(second.getByLabel("Email")).toBeVisible();
  await expect(second).toHaveURL(/\/auth\/signin/);
  expect(await second.evaluate(() => (window as any).__noReload)).toBe(true);
  expect(await second.evaluate(() => typeof (window as any).BroadcastChannel)).toBe("undefined");
});

// The app's own sign-in page, shown after a sign-out, signing in again without a reload: in
// signin-forms.spec.ts, with the same checks as the light first-load page.
