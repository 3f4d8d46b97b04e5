// Every page at desktop and phone width: an axe-core scan that allows no serious or critical
// violation, and a screenshot of each (test-results/screenshots/<page>-<width>.png).
import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";
import { ADMIN, CLIENT, expect, screenshot, signIn, test } from "./fixtures";

const WIDTHS = [
  { name: "1280", viewport: { width: 1280, height: 800 } },
  { name: "390", viewport: { width: 390, height: 844 } },
];

/** Scans the page as it is now; fails with each serious or critical rule and where it failed. */
async function scan(page: Page, name: string) {
  await page.waitForLoadState("networkidle");
  const { violations } = await new AxeBuilder({ page }).analyze();
  const bad = violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.help}\n  ${v.nodes.map((n) => n.target.join(" ")).join("\n  ")}`);
  expect(bad, `${name}:\n${bad.join("\n")}`).toEqual([]);
  // Nothing pushes the page sideways (a wide table scrolls inside its own box).
  const sideways = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(sideways, `${name} scrolls sideways`).toBeLessThanOrEqual(0);
  await screenshot(page, name);
}

for (const { name: width, viewport } of WIDTHS) {
  test.describe(`at ${width} px`, () => {
    test.use({ viewport });

    test(`the signed-out pages have no serious accessibility problem (${width})`, async ({ page }) => {
      await page.goto("/auth/signin");
      await expect(page.locator("#signin-card")).toBeVisible();
      await scan(page, `signin-${width}`);
      await page.goto("/auth/forgot");
      await expect(page.getByRole("heading", { name: "Forgot your password?" })).toBeVisible();
      await scan(page, `forgot-${width}`);
      await page.goto("/auth/reset");
      await expect(page.getByTestId("link-invalid")).toBeVisible();
      await scan(page, `reset-invalid-${width}`);
    });

    test(`a link's page and the app's own sign-in page have no serious accessibility problem (${width})`, async ({ page, request }) => {
      const signedIn = await request.post("/api/auth/sign_in", { data: { email: ADMIN.email, password: ADMIN.password } });
      expect(signedIn.status()).toBe(200);
      const n = `${Date.now()}-${width}`;
      const created = await request.post("/api/admin/create_client", {
        data: { name: `Davetli ${n}`, email: `a11y-${n}@example.com`, invite: true },
      });
      expect(created.status()).toBe(200);
      await page.goto((await created.json()).invitation.link);
      await expect(page.locator("#new_password")).toBeVisible();
      await scan(page, `a11y-invite-${width}`);
      // Signed out inside the app: its own sign-in page, not the light one.
      await signIn(page, CLIENT);
      // On a phone, the button waits behind the menu.
      if (await page.getByTestId("menu-toggle").isVisible()) await page.getByTestId("menu-toggle").click();
      await page.getByRole("button", { name: "Sign out" }).click();
      await expect(page.locator("#email")).toBeVisible();
      await scan(page, `a11y-signin-in-app-${width}`);
    });

    test(`the staff pages have no serious accessibility problem (${width})`, async ({ page }) => {
      await signIn(page, ADMIN);
      await expect(page.getByTestId("recent-events")).toBeVisible();
      await scan(page, `a11y-admin-dashboard-${width}`);
      await page.goto("/admin/users");
      await expect(page.getByTestId("user-table")).toBeVisible();
      await scan(page, `a11y-admin-users-${width}`);
      await page.getByTestId("user-table").getByRole("link").first().click();
      await expect(page.getByTestId("user-state")).toBeVisible();
      await scan(page, `a11y-admin-user-${width}`);
      await page.goto("/admin/audit");
      await expect(page.getByTestId("audit-table")).toBeVisible();
      await scan(page, `a11y-admin-audit-${width}`);
      await page.goto("/admin/sessions");
      await expect(page.getByTestId("session-list")).toBeVisible();
      await scan(page, `a11y-admin-sessions-${width}`);
      await page.goto("/admin/profile");
      await expect(page.getByTestId("profile-email")).toBeVisible();
      await scan(page, `a11y-admin-profile-${width}`);
      await page.goto("/admin/no-such-page");
      await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
      await scan(page, `a11y-not-found-${width}`);
    });

    test(`the client's pages have no serious accessibility problem (${width})`, async ({ page }) => {
      await signIn(page, CLIENT);
      await expect(page.getByTestId("welcome")).toBeVisible();
      await scan(page, `a11y-client-overview-${width}`);
      await page.goto("/client/sessions");
      await expect(page.getByTestId("session-list")).toBeVisible();
      await scan(page, `a11y-client-sessions-${width}`);
      await page.goto("/client/profile");
      await expect(page.getByTestId("profile-email")).toBeVisible();
      await scan(page, `a11y-client-profile-${width}`);
    });
  });
}
