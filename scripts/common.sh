# Helpers shared by the scripts in this folder; sourced, never run.
# shellcheck shell=bash

# The repository's top folder, for the scripts that source this file.
# shellcheck disable=SC2034
repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# Prints a progress line.
say() {
  printf '==> %s\n' "$*"
}

# Prints an error line and exits.
die() {
  printf 'error: %s\n' "$*" >&2
  exit 1
}

# Puts the Swift toolchain on PATH: the one already there, else the one in /opt/swift.
ensure_swift_on_path() {
  if ! command -v swift >/dev/null 2>&1 && [[ -x /opt/swift/usr/bin/swift ]]; then
    PATH="/opt/swift/usr/bin:$PATH"
    export PATH
  fi
  command -v swift >/dev/null 2>&1 \
    || die "swift not found on PATH nor in /opt/swift/usr/bin; install a Swift 6 toolchain first"
}

# Creates the Python venv VENV when it is missing or broken, and installs REQUIREMENTS into it
# when they changed since the last install or when `python -c "import MODULES"` fails.
prepare_venv() {
  local venv=$1 requirements=$2 modules=$3 stamp_file stamp
  stamp_file="$venv/.requirements-sha256"
  if ! "$venv/bin/python" -c '' >/dev/null 2>&1; then
    rm -rf "$venv"
    python3 -m venv "$venv" || return
  fi
  stamp=$(sha256sum "$requirements" | cut -d ' ' -f 1)
  if [[ "$(cat "$stamp_file" 2>/dev/null)" != "$stamp" ]] || ! "$venv/bin/python" -c "import $modules" >/dev/null 2>&1; then
    "$venv/bin/python" -m pip install -q --disable-pip-version-check -r "$requirements" || return
    printf '%s\n' "$stamp" >"$stamp_file"
  fi
}
