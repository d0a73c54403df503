#!/usr/bin/env bash
# The project's test command (also what CI runs through .ci/run): bash scripts/test.sh
# Works on a fresh clone: installs dependencies and the VS Code test environment first, then runs
# typecheck, lint, unit tests and the integration tests in a real VS Code extension host (also once
# in an untrusted workspace and once in German).
# Stops at the first failing step; exits with that step's exit code.
set -uo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$(now)" 'BEGIN{printf "%.1f", b-a}'; }
T_ALL=$(now)
SUMMARY=()

banner() { printf '\n==================== %s ====================\n' "$*"; }

# run_step <name> <command...>
run_step() {
  local name=$1; shift
  banner "$name"
  local t rc
  t=$(now)
  "$@"
  rc=$?
  local took; took=$(secs "$t")
  if [ $rc -ne 0 ]; then
    SUMMARY+=("FAILED  ${took}s  $name")
    printf '\n'
    printf '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n'
    printf '!!! TEST RUN FAILED at step: %s (exit code %d, %ss)\n' "$name" "$rc" "$took"
    printf '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n'
    print_summary
    exit $rc
  fi
  SUMMARY+=("ok      ${took}s  $name")
  echo "--- $name: ok (${took}s)"
}

print_summary() {
  printf '\nSteps:\n'
  for line in "${SUMMARY[@]}"; do printf '  %s\n' "$line"; done
  printf 'Total: %ss\n' "$(secs "$T_ALL")"
}

# npm ci when node_modules is missing or older than package-lock.json.
needs_npm_ci() {
  [ -d node_modules ] || return 0
  local stamp=node_modules/.package-lock.json
  [ -f "$stamp" ] || stamp=node_modules
  [ package-lock.json -nt "$stamp" ]
}
if needs_npm_ci; then
  run_step "npm ci" npm ci --no-audit --no-fund
else
  SUMMARY+=("skipped        npm ci (node_modules is up to date)")
fi

run_step "install test environment" bash scripts/install-test-env.sh
run_step "typecheck" npm run --silent typecheck
run_step "format" npm run --silent format:check
run_step "lint" npm run --silent lint
run_step "translations" node scripts/check-translations.mjs
# What the Marketplace and Open VSX need of package.json (icon, categories, %keys%, walkthrough media…); no publishing.
run_step "manifest" node --import tsx scripts/check-manifest.ts
run_step "l10n bundle" bash scripts/check-l10n.sh
run_step "unit tests" npm run --silent test:unit
run_step "integration tests" npm run --silent test:integration
# A second VS Code launch in Restricted Mode (workspace not trusted): only the @untrusted tests.
run_step "integration tests, untrusted workspace" node --import tsx test/harness/run-integration.ts --untrusted
# A third launch in German (display language de): only the @locale tests, the extension's translation (about 40 s).
run_step "integration tests, German" node --import tsx test/harness/run-integration.ts --locale de
run_step "package .vsix" bash scripts/check-package.sh
# The README's "see it work" command, driven by headless Chromium (a free port, so nothing collides).
DEMO_PORT=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
run_step "demo" bash scripts/demo.sh --check --port "$DEMO_PORT"

banner "ALL STEPS PASSED"
print_summary
exit 0
