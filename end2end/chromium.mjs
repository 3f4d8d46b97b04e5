// How this project starts Chromium (Debian's, headless): the Playwright suite and the phone
// bench (end2end/bench/phone.mjs) share it. These flags are what headless Chromium needs on
// this kind of machine (../shared/TOOLCHAIN.md).
export const chromiumLaunch = {
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
};
