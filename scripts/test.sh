#!/usr/bin/env bash
# Runs every check and test: C import confinement, generated-code freshness, the Swift tests, the
# grpcio interop tests and the dashboard in headless Chromium against a throwaway PostgreSQL, and
# the deployment files (Compose and Kubernetes schemas). Screenshots of the dashboard's pages are
# left in test-artifacts/dashboard/. Unit tests are built in debug; the process-level, interop and
# dashboard suites drive the release executables, the build users run.
# Prints a summary with each step's duration and exits non-zero when anything failed.
#
# Environment: SWIFT_TEST_TIMEOUT (default 10m) and INTEROP_TEST_TIMEOUT (default 5m) bound
# the two test runs.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$repo_root"
ensure_swift_on_path

swift_test_timeout=${SWIFT_TEST_TIMEOUT:-10m}
interop_test_timeout=${INTEROP_TEST_TIMEOUT:-5m}
venv="$repo_root/.venv"
requirements=tests/interop/requirements.txt

# Tests get their database from TASKMASTER_TEST_DATABASE_URL only.
unset DATABASE_URL POSTGRES_HOST POSTGRES_PORT POSTGRES_USER POSTGRES_PASSWORD POSTGRES_DB

results=()
failures=0
postgres_dir=""

# Runs a named step and records its outcome and duration; returns the step's exit status.
step() {
  local name=$1 start=$SECONDS status=0
  shift
  say "$name"
  "$@" || status=$?
  if ((status == 0)); then
    results+=("PASS  $name ($((SECONDS - start))s)")
  else
    results+=("FAIL  $name ($((SECONDS - start))s, exit $status)")
    failures=$((failures + 1))
  fi
  return "$status"
}

skip() {
  results+=("SKIP  $1 ($2)")
}

print_summary() {
  say "summary"
  printf '  %s\n' "${results[@]}"
  if ((failures == 0)); then
    printf 'all steps passed in %ss\n' "$SECONDS"
  else
    printf '%s step(s) failed after %ss\n' "$failures" "$SECONDS"
  fi
}

stop_postgres() {
  if [[ -n "$postgres_dir" ]]; then
    scripts/postgres.sh stop "$postgres_dir" >/dev/null 2>&1 \
      || printf 'warning: could not stop the test PostgreSQL in %s\n' "$postgres_dir" >&2
    rm -rf "$postgres_dir"
    postgres_dir=""
  fi
}

bounded_pid=""

# Runs a command under `timeout`, which gives it a process group of its own so that a time-out
# ends every process it started; waits with `wait` so that Ctrl-C still gets through.
run_bounded() {
  local limit=$1 status=0
  shift
  timeout --kill-after=30s "$limit" "$@" &
  bounded_pid=$!
  wait "$bounded_pid" || status=$?
  bounded_pid=""
  return "$status"
}

# shellcheck disable=SC2317 # run by the INT and TERM traps
stop_on_signal() {
  if [[ -n "$bounded_pid" ]]; then
    kill -TERM "$bounded_pid" 2>/dev/null || true
    wait "$bounded_pid" 2>/dev/null || true
  fi
  exit "$1"
}

# Everything a run writes to temporary files (service logs, pytest folders, PostgreSQL) goes
# into one folder of its own, removed at the end. The PostgreSQL server's user must reach it.
run_tmpdir=$(mktemp -d "${TMPDIR:-/tmp}/taskmaster-test.XXXXXX")
chmod 755 "$run_tmpdir"
export TMPDIR=$run_tmpdir

clean_up() {
  stop_postgres
  rm -rf "$run_tmpdir"
}

trap clean_up EXIT
trap 'stop_on_signal 130' INT
trap 'stop_on_signal 143' TERM

start_postgres() {
  local url
  postgres_dir=$(mktemp -d "${TMPDIR:-/tmp}/taskmaster-test-pg.XXXXXX")
  url=$(scripts/postgres.sh start "$postgres_dir" | tail -n 1) || return
  [[ "$url" == postgres://* || "$url" == postgresql://* ]] \
    || { echo "scripts/postgres.sh printed no database URL (got: '$url')" >&2; return 1; }
  export TASKMASTER_TEST_DATABASE_URL="$url"
  export TASKMASTER_TEST_POSTGRES_DIR="$postgres_dir"
  echo "PostgreSQL at $url"
}

build_tests() {
  swift build --build-tests
}

# The executables the process-level and interop suites run: the release build, as shipped (the
# Dockerfiles link the Swift runtime statically too).
build_release() {
  swift build -c release --static-swift-stdlib || return
  TASKMASTER_BIN_DIR=$(swift build -c release --static-swift-stdlib --show-bin-path) || return
  export TASKMASTER_BIN_DIR
}

# The suites under Tests/IntegrationTests/Processes, as a --filter/--skip pattern over test ids
# such as IntegrationTests.ClusterLifecycleTests/aTask…().
process_level_suites() {
  printf '\\.(%s)/' "$(sed -n 's/^@Suite.* struct \([A-Za-z0-9_]*\).*/\1/p' Tests/IntegrationTests/Processes/*.swift | paste -sd '|')"
}

# What building needs and what only the tests need (Chromium, iproute2, Python venvs).
step "system packages" scripts/install-deps.sh --tests || { print_summary; exit 1; }
step "C module imports" scripts/check-c-imports.sh || true
step "generated protobuf-c code is current" scripts/generate-proto.sh --check || true

if step "build tests (debug)" build_tests && step "build executables (release)" build_release; then
  # No database, no sockets, no processes.
  step "swift test (unit)" run_bounded "$swift_test_timeout" swift test --skip-build --filter UnitTests || true
  if step "start PostgreSQL" start_postgres; then
    # Process-level suites start whole clusters: one at a time, after the other integration
    # tests ran in parallel, so neither starves the other on a small machine.
    step "swift test (integration)" run_bounded "$swift_test_timeout" \
      swift test --skip-build --filter IntegrationTests --skip "$(process_level_suites)" || true
    step "swift test (processes, release executables)" run_bounded "$swift_test_timeout" \
      swift test --skip-build --no-parallel --filter "$(process_level_suites)" || true
    if step "Python venv for the interop tests" prepare_venv "$venv" "$requirements" \
      "check_jsonschema, grpc, grpc_tools, kubernetes_validate, playwright, pytest, requests, schemathesis, yaml"; then
      step "interop tests (grpcio, release executables)" run_bounded "$interop_test_timeout" \
        "$venv/bin/python" -m pytest -q -p no:cacheprovider tests/interop || true
      step "taskmaster CLI (release executables)" run_bounded "$interop_test_timeout" \
        "$venv/bin/python" -m pytest -q -p no:cacheprovider tests/cli || true
      step "dashboard in headless Chromium (release executables)" run_bounded "$interop_test_timeout" \
        "$venv/bin/python" -m pytest -q -p no:cacheprovider tests/dashboard || true
      step "deployment files (Compose and Kubernetes schemas)" \
        "$venv/bin/python" -m pytest -q -p no:cacheprovider tests/deploy || true
    else
      skip "interop tests (grpcio, release executables)" "no venv"
      skip "taskmaster CLI (release executables)" "no venv"
      skip "dashboard in headless Chromium (release executables)" "no venv"
      skip "deployment files (Compose and Kubernetes schemas)" "no venv"
    fi
  else
    skip "swift test (integration)" "no database"
    skip "swift test (processes, release executables)" "no database"
    skip "interop tests (grpcio, release executables)" "no database"
  skip "taskmaster CLI (release executables)" "no database"
  skip "dashboard in headless Chromium (release executables)" "no database"
    skip "deployment files (Compose and Kubernetes schemas)" "no database"
  fi
else
  skip "swift test (unit)" "build failed"
  skip "swift test (integration)" "build failed"
  skip "swift test (processes, release executables)" "build failed"
  skip "interop tests (grpcio, release executables)" "build failed"
  skip "taskmaster CLI (release executables)" "build failed"
  skip "dashboard in headless Chromium (release executables)" "build failed"
  skip "deployment files (Compose and Kubernetes schemas)" "build failed"
fi

stop_postgres
print_summary
((failures == 0))
