// The first-load budget: everything a browser fetches to show /auth/signin (the light page in
// dist/signin/), gzip -9, must stay within the Next.js + NextAuth sign-in page it replaces:
// 107 KB gzip (107,000 bytes). Prints raw, gzip and brotli sizes; also the full app's, for the
// record. Exits 1 over budget. Sizes are deterministic for a given build: no timing involved.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

const BUDGET_GZIP = 107_000;
const dist = process.argv[2] ?? "dist";

function sizes(path) {
  const raw = readFileSync(path);
  const gzip = gzipSync(raw, { level: 9 }).length;
  const brotli = brotliCompressSync(raw, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
  return { raw: raw.length, gzip, brotli };
}

/** The page and every same-site asset its HTML refers to (stylesheet, script, wasm, icon). */
function firstLoad(shell) {
  const html = readFileSync(join(dist, shell), "utf8");
  const refs = new Set();
  for (const match of html.matchAll(/(?:href|src|module_or_path:)\s*=?\s*['"](\/[^'"]+)['"]/g)) {
    refs.add(match[1].split(/[?#]/)[0]);
  }
  return [shell, ...[...refs].map((ref) => ref.slice(1))];
}

function report(title, shell) {
  const rows = firstLoad(shell).map((file) => {
    if (!existsSync(join(dist, file))) throw new Error(`${shell} refers to ${file}, which is not in ${dist}`);
    return { file, ...sizes(join(dist, file)) };
  });
  const total = rows.reduce((t, r) => ({ raw: t.raw + r.raw, gzip: t.gzip + r.gzip, brotli: t.brotli + r.brotli }), {
    raw: 0,
    gzip: 0,
    brotli: 0,
  });
  console.log(`${title} (${shell})`);
  for (const r of [...rows, { file: "total", ...total }]) {
    console.log(`  ${r.file.padEnd(44)} raw ${String(r.raw).padStart(8)}  gzip ${String(r.gzip).padStart(7)}  brotli ${String(r.brotli).padStart(7)}`);
  }
  return total;
}

const signin = report("first load of /auth/signin", "signin/index.html");
report("the full app, loaded after sign-in", "index.html");
const verdict = signin.gzip <= BUDGET_GZIP ? "within" : "OVER";
console.log(`first load ${signin.gzip} bytes gzip: ${verdict} the ${BUDGET_GZIP}-byte budget (${(signin.gzip / BUDGET_GZIP).toFixed(2)}x)`);
process.exit(signin.gzip <= BUDGET_GZIP ? 0 : 1);
