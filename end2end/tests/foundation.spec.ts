import { expect, test } from "@playwright/test";

test("both WASM builds load and run, within the CSP", async ({ page }) => {
  const problems: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(m.text());
  });
  page.on("pageerror", (e) => problems.push(e.message));

  // The light first-load page: only its WASM shows the form (the HTML has it hidden behind a
  // skeleton) and moves a signed-out visitor's address from / to the sign-in page's.
  const response = await page.goto("/");
  expect(response?.status()).toBe(200);
  expect(response?.headers()["content-security-policy"]).toContain("'wasm-unsafe-eval'");
  await expect(page.getByLabel("Email")).toBeVisible();
  await expect(page.getByTestId("skeleton")).toBeHidden();
  await expect(page).toHaveURL(/\/auth\/signin$/);

  // A signed-out deep link: the server sends it to the light page, with its address to return to.
  await page.goto("/client");
  await expect(page).toHaveURL(/\/auth\/signin\?callbackUrl=\/client$/);
  await expect(page.getByLabel("Email")).toBeVisible();

  // The full app: rendered by its WASM (its index.html has an empty body).
  await page.goto("/no/such/page");
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
  expect(problems, problems.join("\n")).toEqual([]);
});

test("an unknown address shows the 404 page", async ({ page }) => {
  await page.goto("/no/such/page");
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
});
