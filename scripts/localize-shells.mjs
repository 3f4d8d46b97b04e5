// Writes each HTML shell once per language: dist/index.{tr,en}.html and
// dist/signin/index.{tr,en}.html, which the server serves by the `lang` cookie and
// `Accept-Language` (server/src/http/static_files.rs). The words come from app/locales, the same
// catalogue the app compiles in:
//   data-t="ns.key"                 the element's text
//   data-t-attr="name=ns.key;..."   attributes
//   data-t-lang="other"             a `lang` attribute naming the other language (the switch)
//   data-t-static                   translated here, never switched (the loading skeleton)
//   <script id="page-words" data-keys="ns.key …">
//                                   filled with {lang: words of data-keys (those the light
//                                   page's script shows beyond its markup), other: every word of
//                                   the page}: its switch reads the page's own from the markup.
// Run after Trunk, before precompress.mjs. A key missing from a language fails the build.
import { readFileSync, writeFileSync, readdirSync, existsSync } from "node:fs";
import { join } from "node:path";

const LANGS = ["tr", "en"];
const dist = process.argv[2] ?? "dist";
const locales = new URL("../app/locales/", import.meta.url).pathname;

function flatten(value, prefix, out) {
  for (const [key, inner] of Object.entries(value)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (inner !== null && typeof inner === "object") flatten(inner, path, out);
    else out[path] = String(inner);
  }
  return out;
}

const words = Object.fromEntries(
  LANGS.map((lang) => {
    const out = {};
    for (const file of readdirSync(join(locales, lang))) {
      if (!file.endsWith(".json")) continue;
      const namespace = file.slice(0, -".json".length);
      flatten(JSON.parse(readFileSync(join(locales, lang, file), "utf8")), namespace, out);
    }
    return [lang, out];
  }),
);

function word(lang, key) {
  const text = words[lang][key];
  if (text === undefined) throw new Error(`localize-shells: no "${key}" in ${lang}`);
  return text;
}

const escapeText = (s) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const escapeAttr = (s) => escapeText(s).replace(/"/g, "&quot;");

function localize(html, lang) {
  const other = LANGS.find((l) => l !== lang);
  const used = new Set();
  let out = html.replace(/<html lang="[a-z]+"/, `<html lang="${lang}"`);
  // An element's text: the element must hold text only.
  out = out.replace(
    /(<([a-z0-9]+)\b[^>]*\sdata-t="([a-z_.]+)"[^>]*>)[^<]*(<\/\2>)/g,
    (_, open, _tag, key, close) => {
      used.add(key);
      return `${open}${escapeText(word(lang, key))}${close}`;
    },
  );
  out = out.replace(/<[a-z0-9]+\b[^>]*\sdata-t-attr="([^"]+)"[^>]*>/g, (tag, spec) => {
    for (const pair of spec.split(";")) {
      const [name, key] = pair.split("=");
      if (!/\sdata-t-static[\s>]/.test(tag)) used.add(key);
      const value = escapeAttr(word(lang, key));
      const attr = new RegExp(`(\\s${name}=")[^"]*(")`);
      tag = attr.test(tag)
        ? tag.replace(attr, (_, before, after) => `${before}${value}${after}`)
        : tag.replace(/>$/, () => ` ${name}="${value}">`);
    }
    return tag;
  });
  out = out.replace(/<[a-z0-9]+\b[^>]*\sdata-t-lang="other"[^>]*>/g, (tag) =>
    tag.replace(/\slang="[a-z]+"/, ` lang="${other}"`),
  );
  const script = out.match(/<script type="application\/json" id="page-words"(?: data-keys="([^"]*)")?><\/script>/);
  if (script) {
    // Only the words its markup does not show already (the script reads those from the markup;
    // the switch fetches the other language's shell): every byte here counts against the first
    // load.
    const shown = (script[1] ?? "").split(/\s+/).filter(Boolean);
    // The other language: every word of the page (but those alike in both, and the <noscript>
    // a running script never shows).
    const keys = [...new Set([...used, ...shown])].filter(
      (k) => k !== "signin.needs_js" && word(lang, k) !== word(other, k),
    );
    const page = {
      [lang]: Object.fromEntries(shown.map((k) => [k, word(lang, k)])),
      [other]: Object.fromEntries(keys.map((k) => [k, word(other, k)])),
    };
    // Inside <script>, no `<` at all: nothing in a word can end or restart the element.
    const json = JSON.stringify(page).replace(/</g, "\\u003c");
    out = out.replace(script[0], () => `<script type="application/json" id="page-words">${json}</script>`);
  }
  return out;
}

// Comments and indentation out (whitespace between tags becomes one space, which renders the
// same): the light shell counts against the first-load budget. Trunk's own minifier is off: it
// drops the quotes and empty attributes the build scripts and the server look for.
const compact = (html) => html.replace(/<!--[\s\S]*?-->/g, "").replace(/>\s+</g, "> <");

for (const shell of ["index.html", "signin/index.html"]) {
  const path = join(dist, shell);
  if (!existsSync(path)) continue;
  const html = compact(readFileSync(path, "utf8"));
  for (const lang of LANGS) {
    writeFileSync(path.replace(/\.html$/, `.${lang}.html`), localize(html, lang));
  }
}
