#!/usr/bin/env bash
# Builds the .vsix the way a release would (npm run package) into a temp folder and checks that it
# holds the bundle and the manifest strings; vsce itself checks the manifest (engines vs @types/vscode).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
npm run --silent package -- --out "$out/extension.vsix" >/dev/null
listing=$(unzip -l "$out/extension.vsix")
for f in extension/package.json extension/package.nls.json extension/dist/extension.js extension/l10n/bundle.l10n.json extension/media/backups.svg; do
  grep -q " $f\$" <<<"$listing" || { echo "the .vsix lacks $f" >&2; exit 1; }
done
echo "package ok: $(du -k "$out/extension.vsix" | cut -f1) KB .vsix, dist/extension.js $(du -k dist/extension.js | cut -f1) KB (minified)"
