#!/usr/bin/env bash
# Installs the node modules exactly as package-lock.json pins them (`npm ci`) when node_modules is
# missing or differs from it; does nothing when it is current. `npm ci` never rewrites the lock file,
# so the working tree stays clean. Used by `npm run demo` and .ci/run.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if why=$(node scripts/node-modules-current.js 2>&1); then exit 0; fi
echo "$why: installing them (npm ci, pinned by package-lock.json)..." >&2
npm ci --no-audit --no-fund --loglevel=error >&2
