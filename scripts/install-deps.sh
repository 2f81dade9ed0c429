#!/usr/bin/env bash
# Installs the Debian 12 packages TaskMaster needs. Without arguments: what building it and running
# a local cluster need (`make dev`, `make build`). With --tests: those, and what the tests need
# besides (`make test`). --list prints the packages of the chosen set, one a line, and installs
# nothing.
# Idempotent: installs only what is missing, and runs `apt-get update` only when it installs.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

# Building, and running a local cluster.
build_and_run=(
  pkg-config          # SwiftPM finds the C libraries through it
  libnghttp2-dev      # HTTP/2 between the services
  libprotobuf-c-dev   # protobuf messages
  protobuf-c-compiler # scripts/generate-proto.sh
  libpq-dev           # PostgreSQL client library
  postgresql          # throwaway servers for the cluster and the tests
  curl                # health checks and the examples the cluster prints
  openssl             # throwaway certificates: TLS=1 make dev (scripts/tls-certificates.sh) and the TLS tests
)
# The tests only.
tests_only=(
  iproute2            # network namespaces: the tests' other host
  chromium            # the dashboard's tests drive it headless
)
# The tests' Python virtual environment, installed when python3 cannot create one.
tests_python=(python3 python3-venv)
optional=(postgresql-contrib)

usage() {
  printf 'usage: %s [--tests] [--list]\n' "$0"
}

with_tests=false
list_only=false
for argument in "$@"; do
  case $argument in
    --tests) with_tests=true ;;
    --list) list_only=true ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument '$argument'" ;;
  esac
done

required=("${build_and_run[@]}")
if $with_tests; then
  required+=("${tests_only[@]}")
fi

if $list_only; then
  printf '%s\n' "${required[@]}" "${optional[@]}"
  if $with_tests; then printf '%s\n' "${tests_python[@]}"; fi
  exit 0
fi

is_installed() {
  [[ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null)" == "installed" ]]
}

python_can_make_venvs() {
  command -v python3 >/dev/null 2>&1 && python3 -c 'import ensurepip, venv' >/dev/null 2>&1
}

ensure_swift_on_path
command -v dpkg-query >/dev/null 2>&1 || die "this script needs a Debian-based system (dpkg-query not found)"

missing=()
for package in "${required[@]}"; do
  is_installed "$package" || missing+=("$package")
done
if $with_tests && ! python_can_make_venvs; then
  missing+=("${tests_python[@]}")
fi
missing_optional=()
for package in "${optional[@]}"; do
  is_installed "$package" || missing_optional+=("$package")
done

to_install=("${missing[@]}" "${missing_optional[@]}")
((${#to_install[@]} > 0)) || exit 0

as_root=()
if ((EUID != 0)); then
  command -v sudo >/dev/null 2>&1 \
    || die "missing packages: ${to_install[*]}; run this script as root or install sudo"
  as_root=(sudo)
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT
apt_get() {
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get -o DPkg::Lock::Timeout=300 -y -q "$@" >>"$log" 2>&1
}

say "installing ${to_install[*]}"
if ! is_installed postgresql; then
  # Servers are started per run in throwaway folders; the package must not set up a system-wide one.
  "${as_root[@]}" mkdir -p /etc/postgresql-common/createcluster.d
  echo "create_main_cluster = false" \
    | "${as_root[@]}" tee /etc/postgresql-common/createcluster.d/taskmaster.conf >/dev/null
fi
if ! apt_get update; then
  tail -n 20 "$log" >&2
  die "apt-get update failed"
fi
if ((${#missing[@]} > 0)) && ! apt_get install --no-install-recommends "${missing[@]}"; then
  tail -n 20 "$log" >&2
  die "could not install: ${missing[*]}"
fi
if ((${#missing_optional[@]} > 0)) && ! apt_get install --no-install-recommends "${missing_optional[@]}"; then
  say "optional packages not installed (not needed to build or test): ${missing_optional[*]}"
fi
if $with_tests; then
  python_can_make_venvs || die "python3 cannot create virtual environments even after installing python3-venv"
fi
