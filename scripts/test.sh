#!/usr/bin/env bash
# The whole test suite: lint, types, and every vitest file (unit, integration on real Postgres and Redis,
# browser end-to-end in Debian's Chromium). Installs what it needs where it can (as root on Debian).
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
as_root() { [ "$(id -u)" = 0 ]; }
apt_install() {
  if ! as_root || ! command -v apt-get >/dev/null; then
    echo "Missing: $*. Install it with: sudo apt-get install -y $*" >&2
    exit 1
  fi
  if [ -z "${APT_UPDATED:-}" ]; then apt-get update -qq; APT_UPDATED=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

say "lockfile: package-lock.json matches every package.json"
# The same check `npm ci` makes (deployments and CI install with it), without installing anything. An
# in-sync lockfile needs no network; a changed dependency is resolved from the npm cache when it can be.
if ! lock_check=$(npm ci --dry-run --ignore-scripts --prefer-offline --no-audit --no-fund --loglevel=error 2>&1); then
  # npm follows its reason with the whole usage text of `npm ci`: keep the reason.
  printf '%s\n\n' "$lock_check" | sed '/^npm error Clean install a project/,$d' >&2
  echo "package-lock.json is out of sync with package.json (npm ci would refuse to install)." >&2
  echo "Run \`npm install\` to update it, and commit package-lock.json with the package.json change." >&2
  exit 1
fi

say "services: PostgreSQL on 127.0.0.1:5432, Redis on 127.0.0.1:6379"
if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  command -v pg_ctlcluster >/dev/null || apt_install postgresql
  if as_root; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
  fi
  for _ in $(seq 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
  pg_isready -q -h 127.0.0.1 -p 5432 || { echo "PostgreSQL is not reachable on 127.0.0.1:5432 (see docs/services.md)" >&2; exit 1; }
fi
if ! (exec 3<>/dev/tcp/127.0.0.1/6379) 2>/dev/null; then
  command -v redis-server >/dev/null || apt_install redis-server
  mkdir -p /var/lib/redis /var/log/redis 2>/dev/null || true
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log
  sleep 1
fi
export TEST_DATABASE_URL="${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test}"
export TEST_REDIS_URL="${TEST_REDIS_URL:-redis://127.0.0.1:6379}"

say "browser: Debian's Chromium for the end-to-end tests"
[ -x /usr/bin/chromium ] || apt_install chromium
export CHROMIUM_PATH="${CHROMIUM_PATH:-/usr/bin/chromium}"

# Every stage runs even when an earlier one fails, so one run shows everything that is wrong.
failed=()
say "lint and format (biome)"
npx biome check . || failed+=("lint")

export TURBO_TELEMETRY_DISABLED=1 DO_NOT_TRACK=1
say "types (tsc in every workspace)"
npx turbo run typecheck --continue --output-logs=errors-only || failed+=("types")
# The benchmarks and root tooling are no workspace: checked here so a change cannot break them unseen.
npx tsc -p bench/tsconfig.json --noEmit || failed+=("bench types")
npx tsc -p tsconfig.tooling.json --noEmit || failed+=("tooling types")

say "web app build (the browser tests open it)"
npm run build -w @atelier/web --silent || failed+=("web build")

say "tests (vitest)"
npx vitest run "$@" || failed+=("tests")

if [ ${#failed[@]} -gt 0 ]; then
  say "failed: ${failed[*]}"
  exit 1
fi
say "all passed"
