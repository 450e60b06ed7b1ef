#!/usr/bin/env bash
# `npm run demo`: installs what is missing (node modules with `npm ci`, then from scripts/demo.ts
# the Temporal CLI, PostgreSQL and Redis, and the Similarity Lab's build), brings up the stack with the simulator and runs an
# analysis of the demo group (scripts/demo.ts). Arguments and the world file are checked before
# anything but the node modules is installed.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/install-deps.sh
exec npx tsx scripts/demo.ts "$@"
