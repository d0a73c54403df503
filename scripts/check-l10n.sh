#!/usr/bin/env bash
# Fails when l10n/bundle.l10n.json no longer matches the vscode.l10n.t strings in src/extension
# (fix: npm run l10n). Translators work from that file, so it must not fall behind.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# (Its warning that the temp folder is not package.json's l10n folder is expected, so output is shown only on failure.)
out=$(node_modules/.bin/vscode-l10n-dev export -o "$tmp" src/extension 2>&1) || { echo "$out" >&2; exit 1; }
if ! diff -u l10n/bundle.l10n.json "$tmp/bundle.l10n.json"; then
  echo "l10n/bundle.l10n.json is out of date: run npm run l10n" >&2
  exit 1
fi
echo "l10n bundle matches the sources ($(grep -c '":' l10n/bundle.l10n.json) strings)"
