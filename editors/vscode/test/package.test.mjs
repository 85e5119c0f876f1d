// Checks the .vsix made by `npm run package`: what it holds and that the bundle is self-contained.
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { test } from "node:test";
import { inflateRawSync } from "node:zlib";

const root = new URL("..", import.meta.url);
const manifest = JSON.parse(readFileSync(new URL("package.json", root), "utf8"));
const vsixName = `${manifest.name}-${manifest.version}.vsix`;
const vsixUrl = new URL(vsixName, root);

/** The entries of a zip archive, by name, read from its central directory. */
function readZip(zip) {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  assert.ok(end >= 0, "not a zip archive");
  const entries = new Map();
  let at = zip.readUInt32LE(end + 16);
  for (let i = 0; i < zip.readUInt16LE(end + 10); i++) {
    const method = zip.readUInt16LE(at + 10);
    const size = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const headerLength = 46 + nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
    const name = zip.toString("utf8", at + 46, at + 46 + nameLength);
    const local = zip.readUInt32LE(at + 42);
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const data = zip.subarray(start, start + size);
    entries.set(name, () => (method === 8 ? inflateRawSync(data) : data).toString("utf8"));
    at += headerLength;
  }
  return entries;
}

test(`${vsixName} exists (made by npm run package)`, () => {
  assert.ok(existsSync(vsixUrl), `${vsixName} is missing: run npm run package first`);
});

test("the .vsix holds the manifest, grammar, language configuration, bundle and license", () => {
  const entries = readZip(readFileSync(vsixUrl));
  for (const name of [
    "extension.vsixmanifest",
    "extension/package.json",
    "extension/syntaxes/rag.tmLanguage.json",
    "extension/language-configuration.json",
    "extension/out/extension.js",
    "extension/readme.md",
    "extension/LICENSE.txt",
  ]) {
    assert.ok(entries.has(name), `${name} is missing; the .vsix holds ${[...entries.keys()].join(", ")}`);
  }
  const unwanted = [...entries.keys()].filter((name) => /^extension\/(src|test|node_modules)\//.test(name));
  assert.deepEqual(unwanted, [], "sources, tests or node_modules were packaged");

  const packaged = JSON.parse(entries.get("extension/package.json")());
  assert.equal(packaged.name, "rag");
  assert.equal(packaged.publisher, "ragc");
  for (const { path } of packaged.contributes.grammars) {
    assert.ok(entries.has(`extension/${path.replace(/^\.\//, "")}`), `grammar ${path} is not packaged`);
  }
  const grammar = JSON.parse(entries.get("extension/syntaxes/rag.tmLanguage.json")());
  assert.equal(grammar.scopeName, "source.rag");
});

test("the packaged bundle needs only vscode and Node built-ins at run time", () => {
  const bundle = readZip(readFileSync(vsixUrl)).get("extension/out/extension.js")();
  const required = new Set([...bundle.matchAll(/\brequire\("([^"]+)"\)/g)].map((m) => m[1]));
  const allowed = new Set(["vscode", ...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
  assert.deepEqual([...required].filter((m) => !allowed.has(m)), []);
  assert.ok(required.has("vscode"));
});
