// Writes .br (quality 11) and .gz (level 9) next to each built asset in dist/, so the server
// sends the smallest encoding the browser accepts without compressing on every request.
// Uses only Node's own zlib: nothing to install.
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

const dist = process.argv[2] ?? "dist";
for (const name of readdirSync(dist)) {
  if (!/\.(wasm|js|css|html|svg|txt)$/.test(name)) continue;
  const path = join(dist, name);
  const raw = readFileSync(path);
  const br = brotliCompressSync(raw, {
    params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: raw.length },
  });
  const gz = gzipSync(raw, { level: 9 });
  writeFileSync(`${path}.br`, br);
  writeFileSync(`${path}.gz`, gz);
  console.log(`${name}: ${raw.length} bytes, gzip ${gz.length}, brotli ${br.length}`);
}
