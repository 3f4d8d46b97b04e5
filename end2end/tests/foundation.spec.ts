import { expect, test } from "@playwright/test";

test("the app loads and its WASM runs, within the CSP", async ({ page }) => {
  const problems: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(m.text());
  });
  page.on("pageerror", (e) => problems.push(e.message));

  const response = await page.goto("/");
  expect(response?.status()).toBe(200);
  expect(response?.headers()["content-security-policy"]).toContain("'wasm-unsafe-eval'");
  // Rendered by the WASM app: the static index.html has no such element.
  await expect(page.getByTestId("app-root")).toBeVisible();
  expect(problems, problems.join("\n")).toEqual([]);
});

test("an unknown address shows the 404 page", async ({ page }) => {
  await page.goto("/no/such/page");
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
});
