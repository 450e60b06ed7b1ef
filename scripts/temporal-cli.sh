#!/usr/bin/env bash
# Finds or installs the Temporal CLI (dev server with Web UI) and prints its path on stdout.
# Order: $TEMPORAL_CLI, .tools/bin/temporal, `temporal` on PATH, else `go install` of v1.5.1
# (the newest tag `go install` accepts: later tags carry a replace directive) into .tools/bin.
# Never rebuilds when a working binary exists.
set -euo pipefail

VERSION=v1.5.1
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS_BIN="$ROOT/.tools/bin"

works() { [ -x "$1" ] && "$1" --version >/dev/null 2>&1; }

if [ -n "${TEMPORAL_CLI:-}" ]; then
  if works "$TEMPORAL_CLI"; then echo "$TEMPORAL_CLI"; exit 0; fi
  echo "TEMPORAL_CLI is set to '$TEMPORAL_CLI', but that is not a working temporal binary: fix the path or unset TEMPORAL_CLI" >&2
  exit 1
fi
if works "$TOOLS_BIN/temporal"; then echo "$TOOLS_BIN/temporal"; exit 0; fi
if command -v temporal >/dev/null 2>&1 && works "$(command -v temporal)"; then command -v temporal; exit 0; fi

go_ok=false
if command -v go >/dev/null 2>&1; then
  # go version go1.26.8 linux/amd64 -> 1 26
  read -r major minor < <(go env GOVERSION | sed -E 's/^go([0-9]+)\.([0-9]+).*/\1 \2/')
  if [ "${major:-0}" -gt 1 ] || { [ "${major:-0}" -eq 1 ] && [ "${minor:-0}" -ge 25 ]; }; then go_ok=true; fi
fi
if [ "$go_ok" != true ]; then
  cat >&2 <<MSG
The Temporal CLI was not found. Get it one of these ways, then run the command again:
  - install Go >= 1.25 and rerun (this script then runs: go install github.com/temporalio/cli/cmd/temporal@$VERSION), or
  - put a temporal binary on PATH (https://docs.temporal.io/cli#install), or
  - set TEMPORAL_CLI=/path/to/temporal.
MSG
  exit 1
fi

echo "Building the Temporal CLI $VERSION with $(go env GOVERSION) into .tools/bin (a few minutes, once)..." >&2
mkdir -p "$TOOLS_BIN"
CGO_ENABLED=0 GOTOOLCHAIN=local GOBIN="$TOOLS_BIN" go install -trimpath \
  -ldflags "-s -w -X github.com/temporalio/cli/temporalcli.Version=${VERSION#v}" \
  "github.com/temporalio/cli/cmd/temporal@$VERSION" >&2
works "$TOOLS_BIN/temporal" || { echo "go install finished but $TOOLS_BIN/temporal does not run" >&2; exit 1; }
echo "$TOOLS_BIN/temporal"
