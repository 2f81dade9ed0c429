#!/usr/bin/env bash
# The Swift packages' versions that the Dockerfiles build, as a pin list: one line per package,
# `IDENTITY LOCATION VERSION`, kept in deploy/swift-packages.pins.
#
#   scripts/swift-pins.sh record [Package.resolved] > deploy/swift-packages.pins
#       Writes the pin list (with its header) from a Package.resolved, by default the one that
#       `swift build` wrote in the repository's top folder.
#   scripts/swift-pins.sh resolve deploy/swift-packages.pins > Package.resolved
#       Writes a Package.resolved (SwiftPM's version 2 format) that pins each package at the
#       commit of its version's tag, found with `git ls-remote` on the package's location.
#
# Needs bash, git, awk and sort only: the Docker build stage runs `resolve`.
set -euo pipefail

program=swift-pins

die() {
  printf '%s: %s\n' "$program" "$*" >&2
  exit 1
}

usage() {
  printf 'usage: %s record [Package.resolved] > deploy/swift-packages.pins\n' "$0" >&2
  printf '       %s resolve deploy/swift-packages.pins > Package.resolved\n' "$0" >&2
  exit 2
}

# Prints the pin list of the Package.resolved $1. SwiftPM writes one `"key" : value` per line, so
# awk reads it line by line; every pin must be a remote package pinned at a version.
record() {
  local resolved=$1
  [[ -f $resolved ]] || die "no $resolved: \`swift build\` (or \`swift package resolve\`) writes it"
  local pins
  pins=$(awk -v program="$program" '
    function value(line) {
      sub(/^[^:]*:[ \t]*"/, "", line)
      sub(/"[ \t]*,?[ \t]*$/, "", line)
      gsub(/\\\//, "/", line)
      return line
    }
    function fail(message) {
      printf "%s: %s\n", program, message > "/dev/stderr"
      failed = 1
    }
    function flush() {
      if (identity == "") return
      if (kind != "remoteSourceControl") fail(identity " is not a remote package (kind " kind ")")
      else if (version == "") fail(identity " is pinned to a branch or a commit, not to a version")
      else print identity, location, version
      identity = kind = location = version = ""
    }
    /^[ \t]*"identity"[ \t]*:/ { flush(); identity = value($0); count++; next }
    /^[ \t]*"kind"[ \t]*:/ { kind = value($0); next }
    /^[ \t]*"location"[ \t]*:/ { location = value($0); next }
    # The pin'"'"'s version is a string; the file'"'"'s own format version is a number.
    /^[ \t]*"version"[ \t]*:[ \t]*"/ { version = value($0); next }
    END {
      flush()
      if (count == 0) fail("no pins in " FILENAME)
      exit failed
    }
  ' "$resolved") || exit 1
  cat <<'EOF'
# The Swift packages' versions that CI built and tested, and that the Dockerfiles build:
# IDENTITY LOCATION VERSION, one package a line. The Docker build turns this list into a
# Package.resolved with `scripts/swift-pins.sh resolve` (the commit of each version's tag) and
# builds with `swift build --force-resolved-versions`.
# Generated: after changing Package.swift, run `swift build`, then
#   scripts/swift-pins.sh record > deploy/swift-packages.pins
EOF
  printf '%s\n' "$pins" | LC_ALL=C sort
}

# Prints the commit of the tag of version $3 of package $1 at $2: the tag `V` or else `vV`, the
# commit an annotated tag points to (its peeled `^{}` line) rather than the tag object.
tag_commit() {
  local identity=$1 location=$2 version=$3 refs commit name
  refs=$(GIT_TERMINAL_PROMPT=0 git ls-remote --tags "$location" \
    "refs/tags/$version^{}" "refs/tags/$version" "refs/tags/v$version^{}" "refs/tags/v$version") \
    || die "$identity: cannot list the tags of $location"
  for name in "refs/tags/$version^{}" "refs/tags/$version" "refs/tags/v$version^{}" "refs/tags/v$version"; do
    commit=$(awk -v name="$name" '$2 == name { print $1; exit }' <<<"$refs")
    if [[ -n $commit ]]; then
      [[ $commit =~ ^[0-9a-f]{40}([0-9a-f]{24})?$ ]] || die "$identity: '$commit' for $name at $location is not a commit id"
      printf '%s\n' "$commit"
      return
    fi
  done
  die "$identity: no tag $version (nor v$version) at $location"
}

# Prints a Package.resolved for the pin list $1.
resolve() {
  local list=$1 line identity location version extra commit previous="" separator="" entries=""
  [[ -f $list ]] || die "no pin list $list"
  local sorted
  sorted=$(grep -v -E '^[[:space:]]*(#|$)' "$list" | LC_ALL=C sort -k1,1) || die "no pins in $list"
  while IFS= read -r line; do
    read -r identity location version extra <<<"$line"
    [[ -n $version && -z $extra ]] || die "$list: not IDENTITY LOCATION VERSION: $line"
    [[ $identity =~ ^[A-Za-z0-9._-]+$ ]] || die "$list: bad identity '$identity'"
    [[ $location =~ ^[A-Za-z0-9._~:/@+-]+$ ]] || die "$list: $identity: bad location '$location'"
    [[ $version =~ ^[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.+-]+)?$ ]] || die "$list: $identity: bad version '$version'"
    [[ $identity != "$previous" ]] || die "$list: $identity is pinned twice"
    previous=$identity
    commit=$(tag_commit "$identity" "$location" "$version")
    entries+="$separator"'    {
      "identity" : "'"$identity"'",
      "kind" : "remoteSourceControl",
      "location" : "'"$location"'",
      "state" : {
        "revision" : "'"$commit"'",
        "version" : "'"$version"'"
      }
    }'
    separator=$',\n'
  done <<<"$sorted"
  printf '{\n  "pins" : [\n%s\n  ],\n  "version" : 2\n}\n' "$entries"
}

case ${1:-} in
  record)
    (($# <= 2)) || usage
    record "${2:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/Package.resolved}"
    ;;
  resolve)
    (($# == 2)) || usage
    resolve "$2"
    ;;
  *) usage ;;
esac
