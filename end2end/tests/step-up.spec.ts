import { SHORT_REAUTH_SECS, shortURL } from "../playwright.config";
import { ADMIN, expect, screenshot, signIn, test } from "./fixtures";

// On the server whose proofs of who is acting last seconds (REAUTH_WINDOW_SECS).
test.use({ baseURL: shortURL });

test("an admin whose sign-in is older than the window confirms with the password before deactivating a client", async ({ page, request }) => {
  const signedIn = await request.post("/api/auth/sign_in", { data: { email: ADMIN.email, password: ADMIN.password } });
  expect(signedIn.status()).toBe(200);
  const who = { name: `Step-up Client ${Date.now()}`, email: `step-up-${Date.now()}@example.com` };
  const created = await request.post("/api/admin/create_client", { data: { ...who, password: "Galata-Kulesi-1348" } });
  expect(created.status()).toBe(200);
  const id = (await created.json()).user.id as number;

  await signIn(page, ADMIN);
  await page.goto(`/admin/users/${id}`);
  await expect(page.getByTestId("user-state")).toHaveText("Active");
  // Let the sign-in's proof age past the window.
  await page.waitForTimeout(SHORT_REAUTH_SECS * 1000 + 500);

  await page.getByRole("button", { name: "Deactivate" }).click();
  await page.getByRole("button", { name: "Yes, deactivate" }).click();
  const dialog = page.getByTestId("step-up");
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText("To deactivate or reactivate an account, enter your password again.");
  await expect(dialog.getByLabel("Your password")).toBeFocused();
  await screenshot(page, "step-up");
  // Nothing happened yet: the server refused on its own.
  await expect(page.getByTestId("user-state")).toHaveText("Active");

  await dialog.getByLabel("Your password").fill("not-the-password");
  await dialog.getByRole("button", { name: "Confirm" }).click();
  await expect(dialog).toContainText("The password is incorrect.");
  await dialog.getByLabel("Your password").fill(ADMIN.password);
  await dialog.getByRole("button", { name: "Confirm" }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId("user-state")).toHaveText("Deactivated");

  // Within the window again, the next action goes through without asking.
  await page.getByRole("button", { name: "Reactivate" }).click();
  await page.getByRole("button", { name: "Yes, reactivate" }).click();
  await expect(page.getByTestId("user-state")).toHaveText("Active");
  await expect(dialog).toBeHidden();

  // Past the window once more: cancelling (Escape) changes nothing, and the page says so.
  await page.waitForTimeout(SHORT_REAUTH_SECS * 1000 + 500);
  await page.getByRole("button", { name: "Make ADMIN" }).click();
  await page.getByRole("button", { name: /^Yes/ }).click();
  await expect(dialog).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId("user-message")).toHaveText("Not done: your password was not confirmed.");
  await expect(page.getByTestId("user-role")).toHaveText("CLIENT");
});

