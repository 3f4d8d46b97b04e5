// `make bench`, target 1 of the performance issue: time to dashboard on a phone, in real
// Chromium driven over CDP. Conditions (Chrome DevTools' "Slow 4G" and a mid-range phone's CPU):
// 150 ms round trip, 1.6 Mbit/s down, 750 kbit/s up, CPU slowed 4x, a cold cache every run.
//
// Each run opens /auth/signin in a new browser context and records, from the page's own clock:
//   usable    the sign-in form is shown (from the start of navigation);
//   dashboard click on "Sign in" -> the client dashboard greets the user by name.
// Between the two, the person "types" for 3 s (not counted; the app's files may load meanwhile);
// a second set of runs clicks at once (no pause), the worst case for any prefetching.
// Target: usable + dashboard <= 2.5 s, 0.7x of the Next.js + NextAuth reference's 3.55 s measured
// under the same conditions (the performance issue; that app is not part of this repository).
//
// Usage: node end2end/bench/phone.mjs [runs]   (needs dist/ and target/release/server)
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "@playwright/test";
import { chromiumLaunch } from "../chromium.mjs";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const RUNS = Number(process.argv[2] ?? 5);
const TYPING_MS = 3_000;
const REFERENCE_MS = 3_550;
const TARGET_MS = 2_500;
const CLIENT = { email: "client@smmm.example", password: "demo-client-pass-2026", name: "Demo Client" };
const SLOW_4G = {
  offline: false,
  latency: 150,
  downloadThroughput: (1.6 * 1_000_000) / 8,
  uploadThroughput: (750 * 1_000) / 8,
};
const CPU_SLOWDOWN = 4;

function freePort() {
  return new Promise((done) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => done(port));
    });
  });
}

async function waitFor(url) {
  const started = Date.now();
  for (;;) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {}
    if (Date.now() - started > 60_000) throw new Error(`${url} never answered`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Marks, on the page's clock (epoch ms), when the form and the dashboard first show. */
function marks(prefetch) {
  // Without prefetching: the light page finds no app files to fetch ahead.
  if (!prefetch) {
    new MutationObserver((_, observer) => {
      const meta = document.querySelector('meta[name="app-assets"]');
      if (meta) {
        meta.setAttribute("content", "");
        observer.disconnect();
      }
    }).observe(document, { childList: true, subtree: true });
  }
  const note = () => {
    const card = document.getElementById("signin-card");
    if (card && !card.hidden && !window.__usable) window.__usable = performance.timeOrigin + performance.now();
    const welcome = document.querySelector('[data-testid="welcome"]');
    if (welcome && welcome.textContent.includes("Demo Client") && !window.__dashboard) {
      window.__dashboard = performance.timeOrigin + performance.now();
      sessionStorage.setItem("bench-dashboard", String(window.__dashboard));
    }
  };
  new MutationObserver(note).observe(document, { childList: true, subtree: true, attributes: true, characterData: true });
}

async function run(browser, base, pauseMs, prefetch = true) {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const page = await context.newPage();
  const problems = [];
  page.on("pageerror", (error) => problems.push(error.message));
  page.on("console", (message) => message.type() === "error" && problems.push(message.text()));
  await context.addInitScript(marks, prefetch);
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.setCacheDisabled", { cacheDisabled: false });
  await cdp.send("Network.emulateNetworkConditions", SLOW_4G);
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: CPU_SLOWDOWN });
  let bytes = 0;
  cdp.on("Network.loadingFinished", (event) => (bytes += event.encodedDataLength));

  await page.goto(`${base}/auth/signin`, { waitUntil: "commit" });
  const navigationStart = await page.evaluate(() => performance.timeOrigin);
  await page.waitForFunction(() => window.__usable, null, { polling: 20, timeout: 60_000 });
  const usable = (await page.evaluate(() => window.__usable)) - navigationStart;
  const formShown = Date.now();
  const bytesAtForm = bytes;
  await page.locator("#email").fill(CLIENT.email);
  await page.locator("#password").fill(CLIENT.password);
  const pause = formShown + pauseMs - Date.now();
  if (pause > 0) await page.waitForTimeout(pause);
  const clicked = await page.evaluate(() => {
    const at = performance.timeOrigin + performance.now();
    document.getElementById("signin-submit").click();
    return at;
  });
  try {
    await page.waitForFunction(() => sessionStorage.getItem("bench-dashboard"), null, { polling: 20, timeout: 60_000 });
  } catch (error) {
    throw new Error(`no dashboard at ${page.url()}: ${(await page.locator("body").innerText()).slice(0, 300)} ${problems.join("; ")}`, { cause: error });
  }
  const shown = Number(await page.evaluate(() => sessionStorage.getItem("bench-dashboard")));
  // Let anything still in flight finish, so the byte count is the whole visit.
  await page.waitForLoadState("networkidle");
  await context.close();
  return { usable, dashboard: shown - clicked, total: usable + (shown - clicked), bytesAtForm, bytes };
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};

async function main() {
  const port = await freePort();
  const data = mkdtempSync(join(tmpdir(), "smmm-phone-"));
  const base = `http://127.0.0.1:${port}`;
  const server = spawn(join(ROOT, "target/release/server"), ["serve"], {
    cwd: ROOT,
    stdio: ["ignore", "ignore", "inherit"],
    env: {
      ...process.env,
      APP_ENV: "development",
      PORT: String(port),
      BIND: "127.0.0.1",
      PUBLIC_URL: base,
      DATABASE_URL: `sqlite://${data}/phone.db?mode=rwc`,
      DATA_DIR: data,
      DIST_DIR: join(ROOT, "dist"),
      // The reference hashes at cost 10 too.
      BCRYPT_COST: "10",
      LOG_LEVEL: "warn",
    },
  });
  const browser = await chromium.launch(chromiumLaunch);
  try {
    await waitFor(`${base}/healthz`);
    // A warm-up visit (the server's first bcrypt, page cache), not reported.
    await run(browser, base, 0);
    const rows = { typing: [], hurried: [], unprefetched: [] };
    // Interleaved, so the machine's drift weighs on all alike.
    for (let i = 0; i < RUNS; i++) {
      rows.typing.push(await run(browser, base, TYPING_MS));
      rows.hurried.push(await run(browser, base, 0));
      rows.unprefetched.push(await run(browser, base, TYPING_MS, false));
    }
    console.log(`phone: Slow 4G (150 ms RTT, 1.6 Mbit/s down, 750 kbit/s up), CPU ${CPU_SLOWDOWN}x slower, cold cache; median of ${RUNS} runs`);
    for (const [name, label] of [
      ["typing", `with ${TYPING_MS / 1000} s of typing`],
      ["hurried", "clicking at once"],
      ["unprefetched", "typing, no prefetch"],
    ]) {
      const r = rows[name];
      const usable = median(r.map((x) => x.usable));
      const dashboard = median(r.map((x) => x.dashboard));
      const total = median(r.map((x) => x.total));
      const kb = (median(r.map((x) => x.bytes)) / 1000).toFixed(0);
      const formKb = (median(r.map((x) => x.bytesAtForm)) / 1000).toFixed(0);
      console.log(
        `  ${label.padEnd(24)} form usable ${(usable / 1000).toFixed(2)} s (${formKb} KB)  click -> dashboard ${(dashboard / 1000).toFixed(2)} s  ` +
          `time to dashboard ${(total / 1000).toFixed(2)} s (${kb} KB in all; runs: ${r.map((x) => (x.total / 1000).toFixed(2)).join(", ")})`,
      );
    }
    const total = median(rows.typing.map((x) => x.total));
    const ratio = total / REFERENCE_MS;
    const met = total <= TARGET_MS;
    console.log(
      `  target 1: time to dashboard ${(total / 1000).toFixed(2)} s vs Next.js + NextAuth ${(REFERENCE_MS / 1000).toFixed(2)} s = ${ratio.toFixed(2)}x ` +
        `(bar <= ${(TARGET_MS / 1000).toFixed(1)} s, 0.70x): ${met ? "met" : "NOT MET"}`,
    );
  } finally {
    await browser.close();
    server.kill();
    rmSync(data, { recursive: true, force: true });
  }
}

await main();
