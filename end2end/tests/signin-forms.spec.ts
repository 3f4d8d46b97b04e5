import type { Page } from "@playwright/test";
import { ADMIN, CLIENT, expect, signIn, test } from "./fixtures";

/** The two sign-in forms at /auth/signin, which must look and behave alike. */
const forms = [
  {
    // `signin.html` brought to life by plain web-sys (app/src/pages/signin/light.rs).
    name: "the light first-load page",
    /** What a fresh load of the address gets. */
    async open(page: Page) {
      await page.goto("/auth/signin");
      // Only the light page's markup has the card's id.
      await expect(page.locator("#signin-card")).toBeVisible();
    },
    /** It hands over to the full app by loading it. */
    async checkAfter(_page: Page) {},
  },
  {
    // The Leptos page inside the app (app/src/pages/signin/in_app.rs).
    name: "the app's own page",
    /** What a tab shows after signing out inside the app, without a reload. */
    async open(page: Page) {
      await signIn(page, ADMIN);
      await page.evaluate(() => ((window as any).__noReload = true));
      await page.getByRole("button", { name: "Sign out" }).click();
      await expect(page).toHaveURL(/\/auth\/signin$/);
      await expect(page.getByTestId("signin-notice")).toHaveText("You have signed out.");
      await expect(page.locator("#signin-card")).toHaveCount(0);
    },
    /** Everything, the sign-in too, happened in the page the sign-out left: never reloaded. */
    async checkAfter(page: Page) {
      expect(await page.evaluate(() => (window as any).__noReload)).toBe(true);
    },
  },
];

for (const form of forms) {
  test.describe(`sign-in form: ${form.name}`, () => {
    test.beforeEach(async ({ page }) => {
      await form.open(page);
    });

    test.afterEach(async ({ page }) => {
      await form.checkAfter(page);
    });

    test("has the heading and the fields password managers look for", async ({ page }) => {
      await expect(page.getByRole("heading", { name: "Sign in to SMMM Portal" })).toBeVisible();
      await expect(page.getByLabel("Email")).toHaveAttribute("autocomplete", "username");
      await expect(page.getByLabel("Password", { exact: true })).toHaveAttribute("autocomplete", "current-password");
    });

    test("a wrong password shows the server's message and keeps the email; the right one then signs in", async ({ page }) => {
      await page.getByLabel("Email").fill(CLIENT.email);
      await page.getByLabel("Password", { exact: true }).fill("not-the-password");
      await page.getByRole("button", { name: "Sign in" }).click();
      await expect(page.getByTestId("signin-message")).toHaveText("The email or password is incorrect.");
      await expect(page.getByLabel("Email")).toHaveValue(CLIENT.email);
      await expect(page.getByLabel("Password", { exact: true })).toHaveValue("");
      await expect(page.getByTestId("signin-message")).toHaveAttribute("aria-live", "polite");

      await page.getByLabel("Password", { exact: true }).fill(CLIENT.password);
      await page.getByRole("button", { name: "Sign in" }).click();
      await expect(page).toHaveURL(/\/client$/);
      await expect(page.getByTestId("welcome")).toBeVisible();
    });

    test("invalid input shows field messages without sending anything", async ({ page }) => {
      const requests: string[] = [];
      page.on("request", (r) => {
        if (r.url().includes("/api/auth/sign_in")) requests.push(r.url());
      });
      await page.getByRole("button", { name: "Sign in" }).click();
      await expect(page.getByTestId("email-error")).toHaveText("Enter your email address.");
      await page.getByLabel("Email").fill("not-an-email");
      await page.getByLabel("Password", { exact: true }).fill("x".repeat(130));
      await page.getByRole("button", { name: "Sign in" }).click();
      await expect(page.getByTestId("email-error")).toContainText("name@example.com");
      await page.getByLabel("Email").fill("ok@example.com");
      await page.getByRole("button", { name: "Sign in" }).click();
      await expect(page.getByTestId("password-error")).toContainText("128 characters");
      await expect(page.getByLabel("Password", { exact: true })).toBeFocused();
      expect(requests).toEqual([]);
    });

    test("the password can be shown and hidden, and the form works from the keyboard", async ({ page }) => {
      const password = page.getByLabel("Password", { exact: true });
      await page.getByLabel("Email").focus();
      await page.keyboard.type(CLIENT.email);
      await page.keyboard.press("Tab");
      await expect(password).toBeFocused();
      await page.keyboard.type(CLIENT.password);
      await page.getByRole("button", { name: "Show" }).click();
      await expect(password).toHaveAttribute("type", "text");
      await page.getByRole("button", { name: "Hide" }).click();
      await expect(password).toHaveAttribute("type", "password");
      await password.focus();
      await page.keyboard.press("Enter");
      await expect(page).toHaveURL(/\/client$/);
    });
  });
}
