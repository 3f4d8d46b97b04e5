// The screens as an office uses them (issue "The screens"): the dashboard's figures and rows,
// the audit log by person and day, the user list's state in the address bar, forms and
// messages that behave one way, the phone menu, and the office's own name and contact.
import type { APIRequestContext, Page } from "@playwright/test";
import { policyURL } from "../playwright.config";
import { ADMIN, CLIENT, expect, screenshot, signIn, test } from "./fixtures";
import { signInInTurkish, turkishBrowser } from "./turkish";

const PHONE = { width: 390, height: 844 };
let counter = 0;

/** A client made through the admin API (signed in as staff in `request`). */
async function newClient(request: APIRequestContext, name = "Screens Client") {
  const signedIn = await request.post("/api/auth/sign_in", { data: { email: ADMIN.email, password: ADMIN.password } });
  expect(signedIn.status()).toBe(200);
  const n = `${Date.now()}-${counter++}`;
  const who = { name: `${name} ${n}`, email: `screens-${n}@example.com`, password: "Galata-Kulesi-1348" };
  const created = await request.post("/api/admin/create_client", { data: who });
  expect(created.status()).toBe(200);
  const user = (await created.json()).user;
  return { ...who, id: user.id as number, version: user.version as number };
}

/** The calendar day `offset` days from today, as `<input type=date>` takes it. */
function day(offset: number): string {
  const d = new Date(Date.now() + offset * 86_400_000);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}

/** How many list requests the page sends from now on. */
function countRequests(page: Page, path: string) {
  const seen = { count: 0 };
  page.on("request", (r) => {
    if (r.url().endsWith(path)) seen.count++;
  });
  return seen;
}

test("the dashboard: active clients of all, figures that lead to their lists, rows with account and reason", async ({ page, request }) => {
  const who = await newClient(request);
  const gone = await newClient(request, "Deactivated Client");
  expect((await request.post("/api/admin/set_active", { data: { user_id: gone.id, active: false, version: gone.version } })).status()).toBe(200);
  // The client signs in elsewhere; staff end that session: the dashboard names whose it was.
  const elsewhere = await page.context().browser()!.newContext();
  expect((await elsewhere.request.post("/api/auth/sign_in", { data: { email: who.email, password: who.password } })).status()).toBe(200);
  expect((await request.post("/api/admin/end_user_sessions", { data: { user_id: who.id } })).status()).toBe(200);
  await elsewhere.close();

  await signIn(page, ADMIN);
  await expect(page).toHaveTitle("Dashboard · SMMM Portal");
  const summary = await page.evaluate(() => fetch("/api/admin/summary", { method: "POST" }).then((r) => r.json()));
  expect(summary.clients).toBeGreaterThan(summary.active_clients);
  await expect(page.getByTestId("stat-clients").locator(".stat-value")).toHaveText(String(summary.active_clients));
  await expect(page.getByTestId("stat-clients-total")).toHaveText(`${summary.clients} in all`);
  const ended = page.getByTestId("recent-events").locator("tr", { hasText: "Session ended" }).first();
  await expect(ended).toContainText(who.email);
  await expect(ended).toContainText("ended by an admin");
  await expect(page.getByTestId("recent-events")).not.toContainText("Other");
  // "24 h" stays on one line.
  expect(await page.getByTestId("stat-sign-ins").locator(".stat-label").textContent()).toContain("24\u00a0h");
  await screenshot(page, "admin-dashboard-1280");
  // The activity fits its card at 1280 px (its notes wrap rather than hide behind the table's
  // scroll shadow), in English and in Turkish, whose words run longer.
  const sideways = (p: Page) => p.getByTestId("recent-events").evaluate((table) => table.parentElement!.scrollWidth - table.parentElement!.clientWidth);
  expect(await sideways(page), "the activity table scrolls sideways").toBeLessThanOrEqual(0);
  const turkish = await turkishBrowser(page.context().browser()!);
  await turkish.goto("/auth/signin");
  await signInInTurkish(turkish, ADMIN);
  await expect(turkish.getByTestId("recent-events")).toContainText("personel tarafından kapatıldı");
  expect(await sideways(turkish), "the activity table scrolls sideways in Turkish").toBeLessThanOrEqual(0);
  await screenshot(turkish, "tr-admin-dashboard-1280");
  // The bar stays one row there too (the email gives way, whole in its tooltip)...
  expect((await turkish.locator(".navbar").boundingBox())!.height, "the Turkish navbar takes two rows at 1280 px").toBeLessThan(90);
  await expect(turkish.locator(".who-email")).toHaveAttribute("title", ADMIN.email);
  // ...and on a tablet it may wrap, but never pushes the page sideways.
  await turkish.setViewportSize({ width: 820, height: 1180 });
  expect(await turkish.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0);
  await screenshot(turkish, "tr-admin-dashboard-820");
  await turkish.context().close();

  await page.getByTestId("stat-clients").click();
  await expect(page).toHaveURL(/\/admin\/users\?role=CLIENT&state=active$/);
  await expect(page.locator("#role-filter")).toHaveValue("CLIENT");
  await expect(page.locator("#active-filter")).toHaveValue("active");
  await expect(page.getByTestId("deactivated-badge")).toHaveCount(0);
  await page.goBack();
  await page.getByTestId("stat-failed").click();
  await expect(page).toHaveURL(/\/admin\/audit\?kind=sign_in_failed$/);
  await expect(page.locator("#kind-filter")).toHaveValue("sign_in_failed");
});

test("the audit log: by day, the acting staff member by name, the menu clears a person's filter, a new filter starts from the newest", async ({ page, request }) => {
  const who = await newClient(request);
  // More than a page of events: each sign-in on the same jar also ends the one before.
  for (let i = 0; i < 11; i++) {
    expect((await request.post("/api/auth/sign_in", { data: { email: ADMIN.email, password: ADMIN.password } })).status()).toBe(200);
  }
  expect((await request.post("/api/admin/set_active", { data: { user_id: who.id, active: false, version: who.version } })).status()).toBe(200);
  await signIn(page, ADMIN);
  await page.goto(`/admin/users/${who.id}`);
  await page.getByRole("link", { name: "This user's audit events" }).click();
  await expect(page.getByTestId("person-chosen")).toContainText(who.email);
  const row = page.getByTestId("audit-table").locator("tr", { hasText: "Account deactivated" });
  // The account and the staff member who acted, by name, each a link to their page.
  await expect(row.getByRole("link", { name: who.name })).toHaveAttribute("href", `/admin/users/${who.id}`);
  await expect(row.getByRole("link", { name: ADMIN.name })).toBeVisible();
  await expect(row).not.toContainText("user #");
  await expect(page).toHaveTitle("Audit log · SMMM Portal");

  // Days: nothing tomorrow, today's events today.
  await page.locator("#from-filter").fill(day(1));
  await expect(page.getByText("No events match.")).toBeVisible();
  await expect(page).toHaveURL(new RegExp(`from=${day(1)}`));
  await page.locator("#from-filter").fill(day(0));
  await page.locator("#to-filter").fill(day(0));
  await expect(row).toBeVisible();

  // The menu's "Audit log" is the whole log again, without a reload.
  await page.evaluate(() => ((window as any).__noReload = true));
  await page.getByRole("navigation").getByRole("link", { name: "Audit log" }).click();
  await expect(page).toHaveURL(/\/admin\/audit$/);
  await expect(page.getByTestId("person-chosen")).toHaveCount(0);
  await expect(page.getByLabel("Person")).toHaveValue("");
  expect(await page.evaluate(() => (window as any).__noReload)).toBe(true);

  // An older page, then a new filter: the list starts from the newest again, and is never
  // asked for with the old filter's cursor.
  const pager = page.getByTestId("pager");
  await page.getByRole("button", { name: "Older" }).click();
  await expect(pager).toHaveText(/^Page 2 · /);
  const asked: { filter: { before?: number | null } }[] = [];
  page.on("request", (r) => {
    if (r.url().endsWith("/api/admin/audit")) asked.push(r.postDataJSON());
  });
  await page.locator("#kind-filter").selectOption("sign_in");
  await expect(page).toHaveURL(/\/admin\/audit\?kind=sign_in$/);
  await expect(pager).toHaveText(/^Page 1 · /);
  await expect(page.getByRole("button", { name: "Newer" })).toBeDisabled();
  expect(asked.length).toBeGreaterThan(0);
  expect(asked.map((body) => body.filter.before ?? null)).toEqual(asked.map(() => null));
});

test("the user list keeps its search, filters, order and page in the address bar, and searches once typing pauses", async ({ page, request }) => {
  const who = await newClient(request, "Kalıcı Arama");
  await signIn(page, ADMIN);
  await page.getByRole("link", { name: "Users" }).click();
  await expect(page.getByTestId("user-table")).toBeVisible();
  await expect(page).toHaveTitle("Users · SMMM Portal");
  // Typed quickly: one request for the whole word, not one per letter.
  const lists = countRequests(page, "/api/admin/users");
  await page.locator("#user-search").pressSequentially(who.name, { delay: 30 });
  await expect(page).toHaveURL(/\?q=/);
  await expect(page.getByTestId("user-table").getByRole("link", { name: who.name })).toBeVisible();
  expect(lists.count).toBeLessThanOrEqual(2);
  await page.locator("#role-filter").selectOption("CLIENT");
  await page.getByTestId("sort-last_sign_in").click();
  await page.getByTestId("sort-last_sign_in").click();
  await expect(page.locator("th[aria-sort=descending]")).toContainText("Last sign-in");
  const address = page.url();
  expect(address).toContain("sort=last_sign_in");
  expect(address).toContain("dir=desc");
  await expect(page.getByTestId("last-sign-in").first()).toHaveText("Never");

  // To the user and back, by the browser and by the page's link: the same list.
  await page.getByRole("link", { name: who.name }).click();
  await expect(page.getByTestId("user-name")).toHaveText(who.name);
  await expect(page.getByRole("navigation").getByRole("link", { name: "Users" })).toHaveAttribute("aria-current", "page");
  await expect(page).toHaveTitle(`${who.name} · SMMM Portal`);
  await page.goBack();
  await expect(page).toHaveURL(address);
  await expect(page.locator("#user-search")).toHaveValue(who.name);
  await expect(page.locator("#role-filter")).toHaveValue("CLIENT");
  await page.getByRole("link", { name: who.name }).click();
  await page.getByRole("link", { name: "All users" }).click();
  await expect(page).toHaveURL(address);
  await expect(page.locator("#user-search")).toHaveValue(who.name);

  // Deactivated shows as a badge.
  await page.goto("/admin/users?state=deactivated");
  await expect(page.getByTestId("deactivated-badge").first()).toBeVisible();
});

test("forms mark every wrong field at once, move to the first, and say the password rules before the first try", async ({ page }) => {
  await signIn(page, ADMIN);
  await page.getByRole("link", { name: "Users" }).click();
  await page.getByText("Create a client account").click();
  await page.getByTestId("access-password").check();
  await expect(page.locator("#new-password-hint")).toContainText("At least 12 characters");
  await page.getByLabel("Email", { exact: true }).fill("not-an-address");
  await page.getByLabel("Password (leave empty to generate one)").fill("short");
  await page.getByRole("button", { name: "Create client" }).click();
  for (const id of ["#new-name", "#new-email", "#new-password"]) {
    await expect(page.locator(id)).toHaveAttribute("aria-invalid", "true");
  }
  await expect(page.locator("#new-name")).toBeFocused();
  await expect(page.locator("#new-email")).toHaveAttribute("aria-describedby", "new-email-error");
  await expect(page.locator("#new-email-error")).not.toBeEmpty();
  await expect(page.getByTestId("form-summary")).toHaveText("3 fields need your attention: they are marked.");
  const border = await page.locator("#new-name").evaluate((e) => getComputedStyle(e).borderColor);
  expect(border).toBe("rgb(180, 35, 24)");
  await screenshot(page, "create-client-errors-1280");

  // The profile's password form: both wrong fields, the rules said first.
  await page.getByRole("link", { name: "Profile" }).click();
  await expect(page.locator("#new_password-hint")).toContainText("At least 12 characters");
  await page.getByLabel("New password", { exact: true }).fill("short");
  await page.getByLabel("New password again").fill("different");
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.locator("#current_password")).toBeFocused();
  for (const id of ["#current_password", "#new_password", "#repeat_password"]) {
    await expect(page.locator(id)).toHaveAttribute("aria-invalid", "true");
  }
});

test("a refusal is an alert in the error style, a success a status that goes away; focus lands on it; the password date updates", async ({ page, request }) => {
  const who = await newClient(request);
  await signIn(page, ADMIN);
  await page.goto(`/admin/users/${who.id}`);
  await expect(page.getByTestId("user-state")).toHaveText("Active");
  // Someone else changes the account meanwhile: the deactivation is refused, and says why.
  expect((await request.post("/api/admin/update_user", { data: { user_id: who.id, version: who.version, name: `${who.name} B`, email: who.email } })).status()).toBe(200);
  await page.getByRole("button", { name: "Deactivate" }).click();
  await page.getByRole("button", { name: "Yes, deactivate" }).click();
  const refusal = page.getByTestId("user-message").getByRole("alert");
  await expect(refusal).toHaveText("This account was changed by someone else in the meantime. Reload it and try again.");
  await expect(refusal).toHaveClass(/error/);
  await expect(page.getByTestId("user-message")).toBeFocused();

  await page.reload();
  await page.getByRole("button", { name: "Deactivate" }).click();
  await page.getByRole("button", { name: "Yes, deactivate" }).click();
  const success = page.getByTestId("user-message").getByRole("status");
  await expect(success).toHaveText("Deactivated; every session has ended.");
  await expect(page.getByTestId("user-message").locator(".error")).toBeEmpty();
  await expect(page.getByTestId("user-message")).toBeFocused();
  // Read, then gone.
  await expect(success).toBeHidden({ timeout: 10_000 });

  // The profile's "Password changed" date follows a change at once.
  const client = await page.context().browser()!.newContext();
  const mine = await client.newPage();
  const fresh = await newClient(request);
  await signIn(mine, fresh);
  await mine.getByRole("link", { name: "Profile" }).click();
  const shown = mine.getByTestId("password-changed-at").locator("time");
  const before = await shown.getAttribute("datetime");
  await mine.getByLabel("Current password").fill(fresh.password);
  await mine.getByLabel("New password", { exact: true }).fill("Kiz-Kulesi-Feneri-1725");
  await mine.getByLabel("New password again").fill("Kiz-Kulesi-Feneri-1725");
  await mine.getByRole("button", { name: "Change password" }).click();
  await expect(mine.getByTestId("password-changed")).toBeVisible();
  await expect(shown).not.toHaveAttribute("datetime", before!);
  expect(Date.parse((await shown.getAttribute("datetime"))!)).toBeGreaterThan(Date.parse(before!));
  await client.close();
});

test("details: readable borders, pager ends that look disabled, this device first, and Retry when the server is out of reach", async ({ page, context }) => {
  await signIn(page, CLIENT);
  // A second session of the same person, older than this one.
  await signIn(await context.browser()!.newPage(), CLIENT);
  await page.getByRole("link", { name: "Sessions" }).click();
  await expect(page.getByTestId("session-list").locator("li").first()).toContainText("This device");

  await page.getByRole("link", { name: "Profile" }).click();
  const contrast = await page.locator("#name").evaluate((input) => {
    const rgb = (c: string) => c.match(/\d+/g)!.slice(0, 3).map(Number);
    const lum = ([r, g, b]: number[]) => {
      const f = (v: number) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
      return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
    };
    const a = lum(rgb(getComputedStyle(input).borderTopColor));
    const b = lum(rgb(getComputedStyle(input).backgroundColor));
    return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
  });
  expect(contrast).toBeGreaterThanOrEqual(3);

  await page.getByRole("button", { name: "Sign out" }).click();
  await signIn(page, ADMIN);
  await page.getByRole("link", { name: "Users" }).click();
  const previous = page.getByRole("button", { name: "Previous" });
  await expect(previous).toBeDisabled();
  expect(await previous.evaluate((b) => getComputedStyle(b).cursor)).toBe("not-allowed");

  // The server out of reach, then back: Retry brings the list.
  await page.route("**/api/admin/users", (route) => route.abort("connectionrefused"));
  await page.reload();
  const retry = page.getByTestId("retry");
  await expect(retry).toBeVisible();
  await page.unroute("**/api/admin/users");
  await retry.click();
  await expect(page.getByTestId("user-table")).toBeVisible();

  // The app's own sign-in page puts the cursor in the email field.
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.locator("#email")).toBeFocused();
});

test("the first page: the cursor in the email field, and a skeleton the card's shape", async ({ page }) => {
  await page.goto("/auth/signin");
  await expect(page.locator("#signin-card")).toBeVisible();
  await expect(page.locator("#email")).toBeFocused();
  // The placeholder shown while the page's code loads stands where the card will be.
  const heights = await page.evaluate(() => {
    const skeleton = document.getElementById("signin-loading")!;
    const card = document.getElementById("signin-card")!;
    skeleton.hidden = false;
    const both = [skeleton.getBoundingClientRect().height, card.getBoundingClientRect().height];
    skeleton.hidden = true;
    return both;
  });
  expect(Math.abs(heights[0] - heights[1]) / heights[1]).toBeLessThan(0.15);
});

test.describe("at phone width", () => {
  test.use({ viewport: PHONE });

  test("the menu folds behind a button, opens and closes from the keyboard, and nothing scrolls sideways", async ({ page }) => {
    await signIn(page, ADMIN);
    const toggle = page.getByTestId("menu-toggle");
    await expect(toggle).toBeVisible();
    await expect(toggle).toHaveAttribute("aria-expanded", "false");
    await expect(page.getByRole("navigation").getByRole("link", { name: "Users" })).toBeHidden();
    const bar = await page.locator(".navbar").boundingBox();
    expect(bar!.height).toBeLessThan(PHONE.height / 8);
    await screenshot(page, "admin-dashboard-390");

    await toggle.click();
    await expect(toggle).toHaveAttribute("aria-expanded", "true");
    await screenshot(page, "menu-open-390");
    await page.keyboard.press("Escape");
    await expect(toggle).toHaveAttribute("aria-expanded", "false");
    await expect(toggle).toBeFocused();
    await toggle.press("Enter");
    await page.getByRole("navigation").getByRole("link", { name: "Profile" }).click();
    await expect(page).toHaveURL(/\/admin\/profile$/);
    await expect(toggle).toHaveAttribute("aria-expanded", "false");
    const sideways = () => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(await sideways()).toBeLessThanOrEqual(0);
    await screenshot(page, "profile-390");
  });

  test("a long email address wraps on the profile instead of pushing the page sideways", async ({ page, request }) => {
    const signedIn = await request.post("/api/auth/sign_in", { data: { email: ADMIN.email, password: ADMIN.password } });
    expect(signedIn.status()).toBe(200);
    const who = {
      name: "Uzun Adresli Müşteri",
      email: `muhasebe-departmani-yazismalari-${Date.now()}@cok-uzun-bir-sirket-adi-example.com.tr`,
      password: "Galata-Kulesi-1348",
    };
    expect((await request.post("/api/admin/create_client", { data: who })).status()).toBe(200);
    await signIn(page, who);
    await page.goto("/client/profile");
    await expect(page.getByTestId("profile-email")).toHaveText(who.email);
    expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0);
    await screenshot(page, "profile-long-email-390");
  });
});

test.describe("an office with its name and contact set", () => {
  test.use({ baseURL: policyURL });

  test("the sign-in page, the titles, the navbar and the client's overview name the office and how to reach it", async ({ page }) => {
    await page.goto("/auth/signin");
    await expect(page.getByTestId("office-name")).toHaveText("Yılmaz Mali Müşavirlik");
    await expect(page).toHaveTitle(/Yılmaz Mali Müşavirlik/);
    await expect(page.getByTestId("office-phone")).toHaveAttribute("href", "tel:+902125550123");
    await expect(page.getByTestId("office-email")).toHaveAttribute("href", "mailto:iletisim@yilmaz-smmm.example");
    await expect(page.getByTestId("office-line")).toContainText("Trouble signing in? Contact your office:");
    const logo = page.locator("#signin-card img.signin-logo");
    await expect(logo).toBeVisible();
    expect(await logo.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
    // The language switch relabels the line with the page.
    await page.getByTestId("language-switch").click();
    await expect(page.getByTestId("office-line")).toContainText("Oturum açmakta sorun mu yaşıyorsunuz?");
    await page.getByTestId("language-switch").click();
    await screenshot(page, "signin-office-1280");

    await signIn(page, CLIENT);
    await expect(page.getByTestId("brand")).toHaveText("Yılmaz Mali Müşavirlik");
    await expect(page.getByTestId("brand").locator("img.brand-logo")).toBeVisible();
    await expect(page).toHaveTitle("Overview · Yılmaz Mali Müşavirlik");
    const card = page.getByTestId("office-card");
    await expect(card).toContainText("Yılmaz Mali Müşavirlik");
    await expect(card.getByTestId("office-phone")).toHaveText("+90\u00a0212\u00a0555\u00a001\u00a023");
    await screenshot(page, "client-overview-office-1280");
  });
});
