import { createHmac } from "node:crypto";
import { type Page, type BrowserContext, expect, test as base } from "@playwright/test";
import { mkdirSync, writeFileSync, readFileSync, existsSync, readdirSync } from "node:fs";
import { join } from "node:path";

/** The demo accounts the server seeds into its fresh database (README, "Demo accounts"). */
export const ADMIN = { email: "admin@smmm.example", password: "demo-admin-pass-2026", name: "Demo Admin" };
export const CLIENT = { email: "client@smmm.example", password: "demo-client-pass-2026", name: "Demo Client" };

/** Signs in through the real form and waits for the dashboard. */
export async function signIn(page: Page, who: { email: string; password: string }, path = "/auth/signin") {
  await page.goto(path);
  await page.getByLabel("Email").fill(who.email);
  await page.getByLabel("Password", { exact: true }).fill(who.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  // Attached, not visible: at phone width it waits behind the menu button.
  await expect(page.getByTestId("navbar-user")).toBeAttached();
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

/** Decodes one MIME part's body by its Content-Transfer-Encoding. */
function decodePart(headers: string, body: string): string {
  const encoding = /content-transfer-encoding:\s*([\w-]+)/i.exec(headers)?.[1]?.toLowerCase();
  if (encoding === "base64") return Buffer.from(body.replace(/\s+/g, ""), "base64").toString("utf8");
  if (encoding === "quoted-printable") {
    const bytes = body
      .replace(/=\r?\n/g, "")
      .replace(/=([0-9A-F]{2})/gi, (_, hex) => String.fromCharCode(parseInt(hex, 16)));
    return Buffer.from(bytes, "latin1").toString("utf8");
  }
  return body;
}

/**
 * The text part of the newest email to `to` in the development outbox (`DATA_DIR/outbox`, where
 * a server without SMTP_URL writes mail as .eml files), waiting for it to arrive.
 */
export async function outboxMail(to: string, kind: string): Promise<string> {
  const dir = join(process.env.E2E_DATA_DIR!, "outbox");
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith(`-${kind}.eml`)).sort().reverse() : [];
    for (const file of files) {
      const raw = readFileSync(join(dir, file), "utf8");
      const [head] = raw.split(/\r?\n\r?\n/, 1);
      if (!new RegExp(`^To:.*${to.replace(/[.+]/g, "\\$&")}`, "mi").test(head)) continue;
      const plain = raw.split(/\r?\n--/).find((part) => /content-type:\s*text\/plain/i.test(part));
      if (!plain) continue;
      const split = plain.search(/\r?\n\r?\n/);
      return decodePart(plain.slice(0, split), plain.slice(split).trim());
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no ${kind} email to ${to} in ${dir}`);
}

/** The portal link to `path` (fragment included) in an email's text. */
export function linkIn(text: string, path: string): string {
  const link = text.split(/\s+/).find((word) => word.startsWith("http") && word.includes(`${path}#token=`));
  if (!link) throw new Error(`no ${path} link in:\n${text}`);
  return link;
}

/** The code an authenticator app shows for `base32Secret`, `stepsFromNow` steps of 30 s away. */
export function totp(base32Secret: string, stepsFromNow = 0): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const c of base32Secret.replace(/\s+/g, "").toUpperCase()) bits += alphabet.indexOf(c).toString(2).padStart(5, "0");
  const key = Buffer.from(bits.match(/.{8}/g)!.map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 1000 / 30) + stepsFromNow));
  const mac = createHmac("sha1", key).update(counter).digest();
  const offset = mac[mac.length - 1] & 0xf;
  const value = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return value.toString().padStart(6, "0");
}

/** Waits until now is at least 2 s from a 30-second step's edges, so a code made here is checked in its step. */
export async function awayFromAStepEdge(page: Page) {
  const into = (Date.now() / 1000) % 30;
  if (into < 2 || into > 22) await page.waitForTimeout(((32 - into) % 30) * 1000);
}
