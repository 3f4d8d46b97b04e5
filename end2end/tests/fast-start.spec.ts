import { ADMIN, CLIENT, expect, test } from "./fixtures";

// How the dashboard after sign-in is made fast on a slow network (the performance issue; timed
// by `make bench`, end2end/bench/phone.mjs): these check the behaviour, not the time.

test("the light page fetches the app's files while the person types, and the app then takes them from the cache", async ({ page }) => {
  await page.goto("/auth/signin");
  await expect(page.locator("#signin-card")).toBeVisible();
  const assets = ((await page.locator('meta[name="app-assets"]').getAttribute("content")) ?? "").split(" ");
  expect(assets.some((a) => a.endsWith("_bg.wasm"))).toBe(true);
  expect(assets.some((a) => a.endsWith(".js"))).toBe(true);
  // Asked for only once the form shows: prefetch links, one per file.
  await expect(page.locator('link[rel="prefetch"]')).toHaveCount(assets.length);
  // Every file arrived (the browser records each finished fetch).
  await expect
    .poll(() =>
      page.evaluate(
        (names) => names.every((name) => performance.getEntriesByType("resource").some((e) => e.name.endsWith(name))),
        assets,
      ),
    )
    .toBe(true);

  await page.getByLabel("Email").fill(CLIENT.email);
  await page.getByLabel("Password", { exact: true }).fill(CLIENT.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("welcome")).toHaveText(`Welcome, ${CLIENT.name}`);
  // In the app's document: its script and WASM came from the cache, not the network.
  const fetched = await page.evaluate(
    (names) =>
      (performance.getEntriesByType("resource") as PerformanceResourceTiming[])
        .filter((e) => names.some((name) => e.name.endsWith(name)) && !e.name.endsWith(".css"))
        .map((e) => ({ name: e.name, transferSize: e.transferSize })),
    assets,
  );
  expect(fetched.length).toBeGreaterThanOrEqual(2);
  for (const entry of fetched) expect(entry, entry.name).toMatchObject({ transferSize: 0 });
});

for (const who of [
  { account: CLIENT, home: "/client", summary: "/api/client/summary", shows: "welcome" },
  { account: ADMIN, home: "/admin", summary: "/api/admin/summary", shows: "recent-events" },
]) {
  test(`a cold start at ${who.home} asks for the dashboard alongside the session, once`, async ({ page, context }) => {
    await page.goto("/auth/signin");
    await page.getByLabel("Email").fill(who.account.email);
    await page.getByLabel("Password", { exact: true }).fill(who.account.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByTestId(who.shows)).toBeVisible();

    // A new tab of the same browser: the app starts from scratch at the dashboard.
    const tab = await context.newPage();
    const events: string[] = [];
    tab.on("request", (r) => {
      const path = new URL(r.url()).pathname;
      if (path === "/api/auth/session" || path === who.summary) events.push(`sent ${path}`);
    });
    tab.on("response", (r) => {
      const path = new URL(r.url()).pathname;
      if (path === "/api/auth/session" || path === who.summary) events.push(`answered ${path}`);
    });
    await tab.goto(who.home);
    await expect(tab.getByTestId(who.shows)).toBeVisible();
    // The dashboard's request left before the session's answer came back, and was not repeated.
    const sessionAnswered = events.indexOf("answered /api/auth/session");
    const summarySent = events.indexOf(`sent ${who.summary}`);
    expect(sessionAnswered, events.join(", ")).toBeGreaterThanOrEqual(0);
    expect(summarySent, events.join(", ")).toBeGreaterThanOrEqual(0);
    expect(summarySent, events.join(", ")).toBeLessThan(sessionAnswered);
    expect(events.filter((e) => e === `sent ${who.summary}`), events.join(", ")).toHaveLength(1);
  });
}

test("an early dashboard answer that fails is dropped: a dead cookie still ends at the sign-in page", async ({ page, context, baseURL }) => {
  // A cookie no session stands behind, and the browser's record says its token is fresh (the
  // early request is only sent then): the server serves the app, whose early request gets a
  // 401; the guard then sends the visitor to sign in, with the address to come back to.
  await context.addCookies([{ name: "smmm_session", value: "not-a-token", url: baseURL!, httpOnly: true, sameSite: "Lax" }]);
  await context.addInitScript(() => localStorage.setItem("smmm-portal:token-expires", String(Date.now() + 600_000)));
  const summaries: number[] = [];
  page.on("response", (r) => r.url().endsWith("/api/client/summary") && summaries.push(r.status()));
  await page.goto("/client");
  await expect(page).toHaveURL(/\/auth\/signin\?callbackUrl=(%2F|\/)client$/);
  await expect(page.locator("#email, input[type=email]").first()).toBeVisible();
  expect(summaries).toEqual([401]);
});
