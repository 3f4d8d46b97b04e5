import type { BrowserContext, Page } from "@playwright/test";
import {
  ENDING_ABSOLUTE_SECS,
  SHORT_IDLE_SECS,
  SHORT_TOKEN_SECS,
  SHORT_WARNING_SECS,
  endingURL,
  shortURL,
} from "../playwright.config";
import { ADMIN, CLIENT, expect, recordMetric, signIn, test } from "./fixtures";

/** The session cookie this context holds for `url`. */
async function sessionCookie(context: BrowserContext, url: string) {
  return (await context.cookies(url)).find((c) => c.name === "smmm_session");
}

/** Records, in the page, when the sign-in form first appears (without a reload). */
async function markSignInPage(page: Page) {
  await page.evaluate(() => {
    (window as any).__noReload = true;
    new MutationObserver(() => {
      if (document.querySelector("#email") && !(window as any).__signinAt) (window as any).__signinAt = Date.now();
    }).observe(document, { childList: true, subtree: true });
  });
}

/** Opens a client tab in a browser of its own, signed in, with its events stream connected. */
async function clientTabElsewhere(context: BrowserContext, who = CLIENT) {
  const signedIn = await context.request.post("/api/auth/sign_in", { data: { email: who.email, password: who.password } });
  expect(signedIn.status()).toBe(200);
  const page = await context.newPage();
  const streaming = page.waitForResponse((r) => r.url().endsWith("/api/auth/events") && r.status() === 200);
  await page.goto("/client");
  await expect(page.getByTestId("welcome")).toBeVisible();
  await streaming;
  await markSignInPage(page);
  return page;
}

function median(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

test.describe("idle timeout", () => {
  test.use({ baseURL: shortURL });
  test.describe.configure({ timeout: 60_000 });

  test("an untouched tab is warned, then signed out for inactivity, and its session is dead", async ({ page, context }) => {
    await signIn(page, CLIENT);
    const signedInAt = Date.now();
    const token = (await sessionCookie(context, shortURL))!.value;

    const dialog = page.getByRole("alertdialog", { name: "Are you still there?" });
    await expect(dialog).toBeVisible({ timeout: (SHORT_IDLE_SECS - SHORT_WARNING_SECS + 3) * 1000 });
    // Not before the warning time: nothing but the person's acts moves the deadline, and the
    // tab's own session checks and events stream did not.
    expect(Date.now() - signedInAt).toBeGreaterThan((SHORT_IDLE_SECS - SHORT_WARNING_SECS - 2) * 1000);
    await expect(dialog.getByTestId("idle-countdown")).toHaveText(/^0:0\d$/);

    await expect(page.getByTestId("signin-notice")).toHaveText(
      "You were signed out because of inactivity. Please sign in again.",
      { timeout: (SHORT_WARNING_SECS + 6) * 1000 },
    );
    await expect(page).toHaveURL(/\/auth\/signin/);
    recordMetric("idle_signout_after_s", Math.round((Date.now() - signedInAt) / 100) / 10);
    // The session is dead on the server, not just in this tab.
    const me = await page.request.post("/api/me", { headers: { cookie: `smmm_session=${token}` } });
    expect(me.status()).toBe(401);
  });

  test("the warning shows in two tabs at once and Stay signed in in one closes both", async ({ context }) => {
    const first = await context.newPage();
    await signIn(first, CLIENT);
    const second = await context.newPage();
    await second.goto("/client");
    await expect(second.getByTestId("welcome")).toBeVisible();

    const dialogs = [first, second].map((p) => p.getByRole("alertdialog", { name: "Are you still there?" }));
    const timeout = (SHORT_IDLE_SECS - SHORT_WARNING_SECS + 3) * 1000;
    await expect(dialogs[0]).toBeVisible({ timeout });
    const shownAt = Date.now();
    await expect(dialogs[1]).toBeVisible({ timeout: 2000 });

    await first.getByRole("button", { name: "Stay signed in" }).click();
    await expect(dialogs[0]).toBeHidden({ timeout: 3000 });
    await expect(dialogs[1]).toBeHidden({ timeout: 3000 });

    // Past the deadline the warning announced, both tabs are still signed in.
    const originalDeadline = shownAt + SHORT_WARNING_SECS * 1000;
    await second.waitForTimeout(Math.max(0, originalDeadline + 2500 - Date.now()));
    for (const page of [first, second]) {
      await expect(page).toHaveURL(/\/client$/);
      await expect(page.getByTestId("welcome")).toBeVisible();
    }
    const status = await second.evaluate(() => fetch("/api/auth/session", { method: "POST" }).then((r) => r.json()));
    expect(status?.user?.email).toBe(CLIENT.email);
  });

  test("the warning works from the keyboard alone", async ({ page }) => {
    await signIn(page, CLIENT);
    const dialog = page.getByRole("alertdialog", { name: "Are you still there?" });
    await expect(dialog).toBeVisible({ timeout: (SHORT_IDLE_SECS - SHORT_WARNING_SECS + 3) * 1000 });
    const stay = dialog.getByRole("button", { name: "Stay signed in" });
    const signOut = dialog.getByRole("button", { name: "Sign out" });
    await expect(stay).toBeFocused();
    await page.keyboard.press("Tab");
    await expect(signOut).toBeFocused();
    await page.keyboard.press("Shift+Tab");
    await expect(stay).toBeFocused();
    await page.keyboard.press("Enter");
    await expect(dialog).toBeHidden({ timeout: 3000 });

    // Escape is "Stay signed in" too: the choice that loses nothing.
    await expect(dialog).toBeVisible({ timeout: (SHORT_IDLE_SECS - SHORT_WARNING_SECS + 3) * 1000 });
    await page.keyboard.press("Escape");
    await expect(dialog).toBeHidden({ timeout: 3000 });
    await expect(page.getByTestId("welcome")).toBeVisible();
  });

  test("with three tabs and an expired token, one renewal is made", async ({ context }) => {
    const pages = [await context.newPage()];
    await signIn(pages[0], CLIENT);
    for (const path of ["/client/sessions", "/client/profile"]) {
      const page = await context.newPage();
      await page.goto(path);
      await expect(page.getByTestId("navbar-user")).toBeVisible();
      pages.push(page);
    }
    const renewals: number[] = [];
    const activityCalls: number[] = [];
    context.on("response", async (response) => {
      if (!response.url().includes("/api/")) return;
      if (response.url().endsWith("/api/auth/activity")) activityCalls.push(Date.now());
      const cookie = (await response.headerValue("set-cookie").catch(() => null)) ?? "";
      if (/smmm_session=[^;]+/.test(cookie)) renewals.push(Date.now());
    });
    await pages[0].waitForTimeout((SHORT_TOKEN_SECS + 1) * 1000);

    // Every tab loads at once, each making calls with the expired token.
    await Promise.all(pages.map((p) => p.reload()));
    for (const page of pages) await expect(page.getByTestId("navbar-user")).toBeVisible();
    await expect(pages[1].getByTestId("session-current")).toBeVisible();
    await pages[0].waitForTimeout(1000);
    // One renewal for the three tabs: another only once that token is near its end too (three
    // apps loading at once on a busy 2-core machine can outlast a 3-second token), never one per
    // tab within a token's life.
    expect(renewals.length).toBeGreaterThanOrEqual(1);
    expect(activityCalls.length).toBe(renewals.length);
    const lifetime = SHORT_TOKEN_SECS * 1000 - 1000;
    for (let i = 1; i < renewals.length; i++) expect(renewals[i] - renewals[i - 1]).toBeGreaterThanOrEqual(lifetime);
    for (let i = 1; i < activityCalls.length; i++) expect(activityCalls[i] - activityCalls[i - 1]).toBeGreaterThanOrEqual(lifetime);
  });
});

test.describe("absolute end", () => {
  test.use({ baseURL: endingURL });

  test("a session near its absolute end says when it ends, then ends", async ({ page }) => {
    test.setTimeout(45_000);
    await signIn(page, CLIENT);
    const session = await page.evaluate(() => fetch("/api/auth/session", { method: "POST" }).then((r) => r.json()));
    const end = new Date(session.expires);
    const hhmm = `${String(end.getHours()).padStart(2, "0")}:${String(end.getMinutes()).padStart(2, "0")}`;
    // Less than five minutes are left from the start: the notice shows at once, with the time.
    const notice = page.getByTestId("absolute-notice");
    await expect(notice).toContainText(`Your session ends at ${hhmm} and cannot be extended`);
    await expect(notice).toHaveAttribute("role", "status");
    // No idle warning: staying could not help.
    await expect(page.getByRole("alertdialog")).toBeHidden();
    await expect(page.getByTestId("signin-notice")).toHaveText("Your session has ended. Please sign in again.", {
      timeout: (ENDING_ABSOLUTE_SECS + 6) * 1000,
    });
  });
});

test.describe("revocation reaches untouched tabs on other devices", () => {
  test("an admin ending a client's sessions moves the client's tab to the sign-in page within a second", async ({ browser, page }) => {
    test.setTimeout(90_000);
    await signIn(page, ADMIN);
    const latencies: number[] = [];
    for (let i = 0; i < 10; i++) {
      const device = await browser.newContext({ baseURL: test.info().project.use.baseURL });
      const tab = await clientTabElsewhere(device);
      const userId = await tab.evaluate(() => fetch("/api/auth/session", { method: "POST" }).then((r) => r.json()).then((s) => s.user.id));
      const endedAt = await page.evaluate(async (id) => {
        const started = Date.now();
        const response = await fetch("/api/admin/end_user_sessions", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ user_id: id }),
        });
        if (!response.ok) throw new Error(`end_user_sessions: ${response.status}`);
        return started;
      }, userId);
      await expect(tab.getByLabel("Email")).toBeVisible({ timeout: 3000 });
      await expect(tab.getByTestId("signin-notice")).toHaveText("Your session has ended. Please sign in again.");
      expect(await tab.evaluate(() => (window as any).__noReload)).toBe(true);
      latencies.push((await tab.evaluate(() => (window as any).__signinAt as number)) - endedAt);
      await device.close();
    }
    recordMetric("revocation_to_signin_page_ms_median_of_10", median(latencies));
    recordMetric("revocation_to_signin_page_ms_all", latencies.join(","));
    expect(median(latencies)).toBeLessThan(1000);
  });

  test("a session ended from My sessions leaves the other browser at once", async ({ browser, page, context }) => {
    await signIn(page, CLIENT);
    const other = await browser.newContext({ baseURL: test.info().project.use.baseURL });
    const tab = await clientTabElsewhere(other);
    await page.goto("/client/sessions");
    const row = page.getByTestId("session-other").first();
    await expect(row).toBeVisible();
    // Several earlier tests' sessions may be listed: end them all but this one.
    const startedAt = Date.now();
    await page.getByRole("button", { name: "End all other sessions" }).click();
    await page.getByRole("button", { name: /^Yes, end all other sessions/ }).click();
    await expect(tab.getByLabel("Email")).toBeVisible({ timeout: 3000 });
    recordMetric("my_sessions_end_to_other_browser_signin_ms", (await tab.evaluate(() => (window as any).__signinAt as number)) - startedAt);
    await expect(page.getByTestId("session-other")).toHaveCount(0);
    await other.close();
    void context;
  });

  test("five tabs of one browser hold one events stream, and another tab takes over when it closes", async ({ context }) => {
    const opened: string[] = [];
    context.on("request", (request) => {
      if (request.url().endsWith("/api/auth/events")) opened.push(request.url());
    });
    const tabs = [await context.newPage()];
    await signIn(tabs[0], CLIENT);
    for (let i = 1; i < 5; i++) {
      const tab = await context.newPage();
      await tab.goto("/client");
      await expect(tab.getByTestId("welcome")).toBeVisible();
      tabs.push(tab);
    }
    await tabs[0].waitForTimeout(2000);
    recordMetric("events_streams_with_5_tabs", opened.length);
    expect(opened.length).toBe(1);

    // The leader (the first tab) closes: exactly one other tab opens the stream again.
    await tabs[0].close();
    await expect.poll(() => opened.length, { timeout: 5000 }).toBe(2);
    await tabs[1].waitForTimeout(1500);
    expect(opened.length).toBe(2);
  });
});

test.describe("keep me signed in", () => {
  test("unchecked, the cookie ends with the browser; checked, it lasts: on both forms", async ({ page, context, baseURL }) => {
    // The light first-load page, checked.
    await page.goto("/auth/signin");
    await page.getByLabel("Email").fill(CLIENT.email);
    await page.getByLabel("Password", { exact: true }).fill(CLIENT.password);
    await page.getByLabel("Keep me signed in on this device").check();
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByTestId("navbar-user")).toBeVisible();
    let cookie = await sessionCookie(context, baseURL!);
    expect(cookie!.expires).toBeGreaterThan(Date.now() / 1000 + 3600);

    // The app's own page after a sign-out, left unchecked (the default).
    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page.getByLabel("Email")).toBeVisible();
    await expect(page.getByLabel("Keep me signed in on this device")).not.toBeChecked();
    await page.getByLabel("Email").fill(CLIENT.email);
    await page.getByLabel("Password", { exact: true }).fill(CLIENT.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByTestId("navbar-user")).toBeVisible();
    cookie = await sessionCookie(context, baseURL!);
    expect(cookie!.expires).toBe(-1);
  });
});

test("a sign-out the server could not confirm says so", async ({ page }) => {
  await signIn(page, CLIENT);
  await page.route("**/api/auth/sign_out", (route) =>
    route.fulfill({
      status: 503,
      contentType: "application/json",
      body: JSON.stringify({
        error: "unavailable",
        message: "You are signed out on this device, but the sign-out could not be confirmed everywhere yet.",
      }),
    }),
  );
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByTestId("signin-notice")).toContainText("could not confirm it everywhere");
  await expect(page.getByLabel("Email")).toBeVisible();
});
