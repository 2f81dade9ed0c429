#!/usr/bin/env bash
# Builds the release executables and runs the benchmark program (its own PostgreSQL and cluster),
# with pgqueuer, the peer it is measured against, in a Python venv of its own (.venv-bench, from
# scripts/bench/requirements.txt). Arguments go to taskmaster-bench (`--help` lists them).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$repo_root"
ensure_swift_on_path

scripts/install-deps.sh
say "building (release)"
swift build -c release --static-swift-stdlib
say "preparing the venv for pgqueuer"
prepare_venv "$repo_root/.venv-bench" scripts/bench/requirements.txt "pgqueuer, asyncpg"
exec "$(swift build -c release --static-swift-stdlib --show-bin-path)/taskmaster-bench" \
  --peer-python "$repo_root/.venv-bench/bin/python" "$@"
