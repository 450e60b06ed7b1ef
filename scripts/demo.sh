#!/usr/bin/env bash
# `npm run demo`: installs what is missing (node modules, the Temporal CLI, PostgreSQL and Redis),
# then brings up the stack with the simulator and runs an analysis of the demo group (scripts/demo.ts).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [ ! -d node_modules ]; then
  echo "Installing node modules (npm install)..." >&2
  npm install >&2
fi
TEMPORAL_CLI="$(bash scripts/temporal-cli.sh)"
export TEMPORAL_CLI
bash scripts/ensure-services.sh
exec npx tsx scripts/demo.ts "$@"
