#!/usr/bin/env bash
# Builds the .vsix the way a release would (npm run package) into a temp folder and checks that it
# holds the bundle, its lazily loaded chunks, the manifest strings and the retention picture's style
# sheet and script; vsce itself checks the manifest (engines vs @types/vscode). Then, in the unpacked
# .vsix (no node_modules anywhere near): loading the main bundle loads no chunk, each chunk loads and
# works on its own, and the main bundle is ≤ 640 KB (the benchmark's goal is 600 KB: missed at 619 KB on
# 2026-12-06, back under it since the yaml parser is a lazy chunk too; see CONTRIBUTING.md).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
npm run --silent package -- --out "$out/extension.vsix" >/dev/null
listing=$(unzip -l "$out/extension.vsix")
chunks=(undici.js tar-stream.js sodium.js yaml.js) # scripts/build.mjs LAZY_PACKAGES
for f in extension/package.json extension/package.nls.json extension/dist/extension.js "${chunks[@]/#/extension/dist/}" extension/l10n/bundle.l10n.json extension/media/backups.svg \
  extension/media/retention-picture/picture.css extension/media/retention-picture/picture.js; do
  grep -q " $f\$" <<<"$listing" || { echo "the .vsix lacks $f" >&2; exit 1; }
done
unzip -q "$out/extension.vsix" -d "$out/unpacked"

node - "$out/unpacked/extension/dist" "${chunks[@]}" <<'EOF'
const Module = require('node:module');
const path = require('node:path');
const [dist, ...chunks] = process.argv.slice(2);
const fail = (message) => { console.error(message); process.exit(1); };

// 1. The main bundle, with a stand-in `vscode` (any property, call or `new` gives the stand-in again;
//    Object.create because esbuild's interop copies the module's prototype).
const any = new Proxy(function () {}, { get: (_, k) => (k === 'prototype' ? {} : k === Symbol.toPrimitive ? () => '' : any), apply: () => any, construct: () => any });
const load = Module._load;
Module._load = function (request, ...rest) { return request === 'vscode' ? Object.create(any) : load.call(this, request, ...rest); };
const started = performance.now();
const main = require(path.join(dist, 'extension.js'));
const loadMs = performance.now() - started;
if (typeof main.activate !== 'function') fail('dist/extension.js exports no activate()');
const early = chunks.filter((c) => require.cache[path.join(dist, c)]);
if (early.length) fail(`loading dist/extension.js already loads ${early.join(', ')}: a static import reaches them (see scripts/build.mjs)`);

// 2. Each chunk on its own, from the unpacked folder.
(async () => {
  const undici = require(path.join(dist, 'undici.js'));
  await new undici.Agent().close();
  const tar = require(path.join(dist, 'tar-stream.js'));
  const pack = tar.pack();
  pack.entry({ name: 'a.txt' }, 'hello');
  pack.finalize();
  const names = [];
  const extract = tar.extract();
  extract.on('entry', (header, stream, next) => { names.push(header.name); stream.resume(); stream.on('end', next); });
  await new Promise((resolve, reject) => { extract.on('finish', resolve); extract.on('error', reject); pack.pipe(extract); });
  if (names.join() !== 'a.txt') fail(`tar-stream.js read ${JSON.stringify(names)} back`);
  const sodiumModule = require(path.join(dist, 'sodium.js'));
  const sodium = sodiumModule.default ?? sodiumModule;
  await sodium.ready;
  const key = sodium.crypto_secretstream_xchacha20poly1305_keygen();
  const { state, header } = sodium.crypto_secretstream_xchacha20poly1305_init_push(key);
  const sealed = sodium.crypto_secretstream_xchacha20poly1305_push(state, new Uint8Array([1, 2, 3]), null, sodium.crypto_secretstream_xchacha20poly1305_TAG_FINAL);
  const opened = sodium.crypto_secretstream_xchacha20poly1305_pull(sodium.crypto_secretstream_xchacha20poly1305_init_pull(header, key), sealed);
  if (opened?.message?.join() !== '1,2,3') fail('sodium.js did not round-trip a secretstream message');
  const yaml = require(path.join(dist, 'yaml.js'));
  if (yaml.parseDocument('a: [1, !secret b]', { customTags: [{ tag: '!secret', resolve: (t) => t }] }).toJS().a.join() !== '1,b') fail('yaml.js did not parse a document');
  console.log(`chunks ok; dist/extension.js loads in ${loadMs.toFixed(0)} ms (here, with a stand-in vscode) and loads no chunk`);
})().catch((e) => fail(`a chunk does not work from the unpacked .vsix: ${e.stack ?? e}`));
EOF

kb() { echo $(( ($(stat -c %s "$out/unpacked/extension/dist/$1") + 1023) / 1024 )); }
main_kb=$(kb extension.js)
sizes=$(for c in "${chunks[@]}"; do echo -n ", $c $(kb "$c") KB"; done)
echo "package ok: $(du -k "$out/extension.vsix" | cut -f1) KB .vsix; dist/extension.js ${main_kb} KB (minified); lazy chunks${sizes#,}"
# Issue #6's budget for the main bundle (what activation loads).
(( main_kb <= 640 )) || { echo "dist/extension.js is ${main_kb} KB, over the 640 KB ceiling: node scripts/build.mjs --production --analyze shows what is in it" >&2; exit 1; }
