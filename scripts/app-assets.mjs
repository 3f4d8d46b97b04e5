// Writes the full app's file names (its script, WASM and stylesheet, hashed by Trunk) into the
// light sign-in page's shell, so that page can fetch them into the browser's cache while the
// person types (app::pages::signin::light): the dashboard after sign-in then starts from the
// cache instead of the network. Run by scripts/build-frontend.sh after both Trunk builds.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const dist = process.argv[2] ?? "dist";
const app = readFileSync(join(dist, "index.html"), "utf8");
const assets = new Set();
for (const match of app.matchAll(/(?:href|src|module_or_path:)\s*=?\s*['"](\/[^'"]+\.(?:js|wasm|css))['"]/g)) {
  assets.add(match[1]);
}
if (![...assets].some((a) => a.endsWith(".wasm")) || ![...assets].some((a) => a.endsWith(".js"))) {
  throw new Error(`${dist}/index.html names no app script and WASM: ${[...assets].join(" ")}`);
}
const shellPath = join(dist, "signin", "index.html");
const shell = readFileSync(shellPath, "utf8");
const placeholder = /<meta name="app-assets" content="[^"]*"\s*\/?>/;
if (!placeholder.test(shell)) throw new Error(`${shellPath} has no <meta name="app-assets"> to fill in`);
writeFileSync(shellPath, shell.replace(placeholder, `<meta name="app-assets" content="${[...assets].join(" ")}">`));
console.log(`app assets for the light page to prefetch: ${[...assets].join(" ")}`);
