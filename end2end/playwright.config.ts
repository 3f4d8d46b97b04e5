import { execSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defineConfig } from "@playwright/test";
import { chromiumLaunch } from "./chromium.mjs";

// One free port and one fresh database per run. Workers load this file again, so the choice is
// kept in the environment they inherit.
process.env.E2E_PORT ??= execSync(
  `node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"`,
).toString().trim();
process.env.E2E_SHORT_PORT ??= execSync(
  `node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"`,
).toString().trim();
process.env.E2E_ENDING_PORT ??= execSync(
  `node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"`,
).toString().trim();
process.env.E2E_POLICY_PORT ??= execSync(
  `node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"`,
).toString().trim();
process.env.E2E_DATA_DIR ??= mkdtempSync(join(tmpdir(), "smmm-e2e-"));

const port = process.env.E2E_PORT;
const dataDir = process.env.E2E_DATA_DIR;
export const baseURL = `http://127.0.0.1:${port}`;
/** A second server whose sessions idle out in seconds (the session lifetime tests). */
export const shortURL = `http://127.0.0.1:${process.env.E2E_SHORT_PORT}`;
export const SHORT_IDLE_SECS = 14;
export const SHORT_WARNING_SECS = 8;
export const SHORT_TOKEN_SECS = 3;
/** How long a proof of who is acting lasts there (step-up). */
export const SHORT_REAUTH_SECS = 2;
/** A third server whose sessions reach their absolute end in seconds. */
export const endingURL = `http://127.0.0.1:${process.env.E2E_ENDING_PORT}`;
export const ENDING_ABSOLUTE_SECS = 12;
/** A fourth server that requires two-step sign-in of staff (MFA_REQUIRED_FOR=admin). */
export const policyURL = `http://127.0.0.1:${process.env.E2E_POLICY_PORT}`;

const serverEnv = (listenOn: string, origin: string, database: string) => ({
  APP_ENV: "development",
  PORT: listenOn,
  BIND: "127.0.0.1",
  PUBLIC_URL: origin,
  DATABASE_URL: `sqlite://${dataDir}/${database}?mode=rwc`,
  DATA_DIR: dataDir,
  DIST_DIR: process.env.E2E_DIST ?? "../dist",
  BCRYPT_COST: "4",
  LOG_LEVEL: "warn",
});

export default defineConfig({
  testDir: "./tests",
  outputDir: "./test-results",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 30_000,
  expect: { timeout: 5_000 },
  reporter: [["list"]],
  use: {
    baseURL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: chromiumLaunch,
  },
  webServer: [
    {
      // The server `cargo build -p server` made, serving the release WASM in ../dist.
      command: "../target/debug/server serve",
      url: `${baseURL}/healthz`,
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: "pipe",
      stderr: "pipe",
      env: serverEnv(port, baseURL, "e2e.db"),
    },
    {
      command: "../target/debug/server serve",
      url: `${shortURL}/healthz`,
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: "pipe",
      stderr: "pipe",
      env: {
        ...serverEnv(process.env.E2E_SHORT_PORT!, shortURL, "e2e-short.db"),
        SESSION_IDLE_TIMEOUT_SECS: String(SHORT_IDLE_SECS),
        SESSION_IDLE_WARNING_SECS: String(SHORT_WARNING_SECS),
        SESSION_TOKEN_TTL_SECS: String(SHORT_TOKEN_SECS),
        REAUTH_WINDOW_SECS: String(SHORT_REAUTH_SECS),
      },
    },
    {
      command: "../target/debug/server serve",
      url: `${endingURL}/healthz`,
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: "pipe",
      stderr: "pipe",
      env: {
        ...serverEnv(process.env.E2E_ENDING_PORT!, endingURL, "e2e-ending.db"),
        SESSION_ABSOLUTE_TIMEOUT_SECS: String(ENDING_ABSOLUTE_SECS),
        SESSION_IDLE_TIMEOUT_SECS: String(ENDING_ABSOLUTE_SECS),
        SESSION_TOKEN_TTL_SECS: "3",
      },
    },
    {
      command: "../target/debug/server serve",
      url: `${policyURL}/healthz`,
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: "pipe",
      stderr: "pipe",
      env: {
        ...serverEnv(process.env.E2E_POLICY_PORT!, policyURL, "e2e-policy.db"),
        MFA_REQUIRED_FOR: "admin",
        // The office's identity on its pages (the screens tests).
        OFFICE_NAME: "Yılmaz Mali Müşavirlik",
        OFFICE_PHONE: "+90 212 555 01 23",
        OFFICE_EMAIL: "iletisim@yilmaz-smmm.example",
        OFFICE_LOGO: "../public/favicon.svg",
      },
    },
  ],
});
