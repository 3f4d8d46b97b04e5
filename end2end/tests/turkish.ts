// What the Turkish page tests share: the app's English words to look for on a Turkish page, a
// browser that prefers Turkish, and a client to act on.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { APIRequestContext, Browser, Page } from "@playwright/test";
import { ADMIN, expect, screenshot } from "./fixtures";

// The app's words, from the catalogue it is built from (app/locales): every English sentence
// that differs from its Turkish one must be absent from a Turkish page.
const LOCALES = join(__dirname, "..", "..", "app", "locales");

function catalogue(lang: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (value: unknown, path: string) => {
    if (value && typeof value === "object") {
      for (const [k, v] of Object.entries(value)) walk(v, path ? `${path}.${k}` : k);
    } else out[path] = String(value);
  };
  for (const file of readdirSync(join(LOCALES, lang))) {
    walk(JSON.parse(readFileSync(join(LOCALES, lang, file), "utf8")), file.replace(/\.json$/, ""));
  }
  return out;
}

const EN = catalogue("en");
const TR = catalogue("tr");

/** The English texts to look for: each sentence's fixed parts (around `{{ value }}`s), long
 * enough to mean something, and not the Turkish word too. */
const ENGLISH_ONLY = [
  ...new Set(
    Object.entries(EN)
      .filter(([key, en]) => TR[key] !== en)
      .flatMap(([, en]) => en.split(/\{\{[^}]*\}\}|<[^>]*>/))
      .map((part) => part.trim())
      .filter((part) => part.length >= 4 && /[a-z]/i.test(part)),
  ),
];

export async function englishLeftOn(page: Page): Promise<string[]> {
  // The page's text and the names assistive technology reads out.
  const text = await page.evaluate(() => {
    const labels = [...document.querySelectorAll("[aria-label],[title],[placeholder]")].map((e) =>
      ["aria-label", "title", "placeholder"].map((a) => e.getAttribute(a) ?? "").join(" "),
    );
    return `${document.body.innerText}\n${labels.join("\n")}\n${document.title}`;
  });
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return ENGLISH_ONLY.filter((en) => new RegExp(`(^|[^\\p{L}])${escape(en)}($|[^\\p{L}])`, "u").test(text));
}

export async function expectTurkish(page: Page, name: string) {
  await expect(page.locator("html")).toHaveAttribute("lang", "tr");
  expect(await englishLeftOn(page), `English on the Turkish ${name} page`).toEqual([]);
  await screenshot(page, `tr-${name}`);
}

let counter = 0;

/** A fresh client made through the admin API, with a Turkish name. */
export async function newClient(request: APIRequestContext) {
  const signedIn = await request.post("/api/auth/sign_in", { data: { email: ADMIN.email, password: ADMIN.password } });
  expect(signedIn.status()).toBe(200);
  const n = `${Date.now()}-${counter++}`;
  const who = { name: `Ayşe Öztürk ${n}`, email: `ayse-${n}@example.com`, password: "Galata-Kulesi-1348" };
  const created = await request.post("/api/admin/create_client", { data: who });
  expect(created.status()).toBe(200);
  return { ...who, id: (await created.json()).user.id as number };
}

export async function turkishBrowser(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ locale: "tr-TR" });
  return context.newPage();
}

export async function signInInTurkish(page: Page, who: { email: string; password: string }) {
  await page.getByLabel("E-posta").fill(who.email);
  await page.getByLabel("Şifre", { exact: true }).fill(who.password);
  await page.getByRole("button", { name: "Oturum aç" }).click();
  await expect(page.getByTestId("navbar-user")).toBeVisible();
}
