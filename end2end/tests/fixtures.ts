import { type Page, type BrowserContext, expect, test as base } from "@playwright/test";
import { mkdirSync, writeFileSync, readFileSync, existsSync } from "node:fs";

/** The demo accounts the server seeds into its fresh database (README, "Demo accounts"). */
export const ADMIN = { email: "admin@smmm.example", password: "demo-admin-pass-2026", name: "Demo Admin" };
export const CLIENT = { email: "client@smmm.example", password: "demo-client-pass-2026", name: "Demo Client" };

/** Signs in through the real form and waits for the dashboard. */
export async function signIn(page: Page, who: { email: string; password: string }, path = "/auth/signin") {
  await page.goto(path);
  await page.getByLabel("Email").fill(who.email);
  await page.getByLabel("Password", { exact: true }).fill(who.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("navbar-user")).toBeVisible();
}

/** Records, from the first byte of every page load, whether any of `testIds` ever appeared. */
export async function watchFor(context: BrowserContext | Page, selector: string) {
  await context.addInitScript((sel: string) => {
    (window as any).__seen = false;
    const check = () => {
      if (document.querySelector(sel)) (window as any).__seen = true;
    };
    new MutationObserver(check).observe(document, { childList: true, subtree: true, attributes: true });
  }, selector);
}

export async function seen(page: Page): Promise<boolean> {
  return page.evaluate(() => (window as any).__seen === true);
}

/** Saves a screenshot where CI keeps artifacts. */
export async function screenshot(page: Page, name: string) {
  mkdirSync("test-results/screenshots", { recursive: true });
  await page.screenshot({ path: `test-results/screenshots/${name}.png`, fullPage: true });
}

/** Adds a measured number to test-results/metrics.json (reported, never asserted on timing). */
export function recordMetric(name: string, value: number | string) {
  mkdirSync("test-results", { recursive: true });
  const file = "test-results/metrics.json";
  const metrics = existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : {};
  metrics[name] = value;
  writeFileSync(file, JSON.stringify(metrics, null, 2));
  console.log(`metric ${name}: ${value}`);
}

/** Every test fails on an uncaught error in any page of its context (a WASM panic shows as one). */
export const test = base.extend<{ noPageErrors: void }>({
  noPageErrors: [
    async ({ context }, use) => {
      const errors: string[] = [];
      const watch = (page: Page) => page.on("pageerror", (e) => errors.push(`${page.url()}: ${e.message}`));
      context.pages().forEach(watch);
      context.on("page", watch);
      await use();
      expect(errors, errors.join("\n")).toEqual([]);
    },
    { auto: true },
  ],
});
export { expect };
