#!/usr/bin/env bash
# The production form, checked from a fresh clone: `npm ci`, `npm run build`, `npm prune --omit=dev`,
# then a model run through the pruned CLI, and the fleet test (test/fleet.alone.test.ts) run from this checkout against the clone's
# `node apps/server/dist/main.js` and `node apps/gpu-node/dist/main.js`: two servers and two nodes on
# Postgres, Redis and s3rver, jobs run, a server and a node killed mid-run. Slow (an install and a
# build); not part of `npm test`, which runs the same fleet test against this checkout's build.
# Needs PostgreSQL and Redis on loopback (docs/services.md). Usage: scripts/check-production.sh [ref]
set -euo pipefail
cd "$(dirname "$0")/.."
ref="${1:-HEAD}"
work="$(mktemp -d -t atelier-production-XXXXXX)"
trap 'rm -rf "$work"' EXIT

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
say "fresh clone of $ref in $work"
git clone --quiet --no-checkout . "$work/atelier"
git -C "$work/atelier" checkout --quiet "$(git rev-parse "$ref")"
cd "$work/atelier"
say "npm ci"
npm ci --no-audit --no-fund --prefer-offline --loglevel=error
say "npm run build"
npm run build --silent
say "npm prune --omit=dev"
npm prune --omit=dev --no-audit --no-fund --loglevel=error
# (typescript stays: @trpc/server names it as a peer dependency.)
for dev in tsx vitest esbuild turbo; do
  if [ -e "node_modules/$dev" ]; then echo "dev dependency $dev survived the prune" >&2; exit 1; fi
done
say "a model run from the pruned build (the CLI's bundle and its inference worker, no tsx)"
node packages/cli/bin/atelier.mjs run remove-background fixtures/images/chelsea.png --out "$work/cutout"
test -s "$work/cutout/chelsea.cutout.png"
cd - >/dev/null
say "the fleet, from the pruned build"
export TEST_DATABASE_URL="${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test}"
export TEST_REDIS_URL="${TEST_REDIS_URL:-redis://127.0.0.1:6379}"
ATELIER_FLEET_ROOT="$work/atelier" npx vitest run test/fleet.alone.test.ts
say "production build checked"
