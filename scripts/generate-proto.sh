#!/usr/bin/env bash
# Regenerates the protobuf-c code committed under Sources/CGRPCAPI from proto/grpcapi.proto.
# With --check, generates into a temporary folder and fails when the committed copy differs.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
protoc-c --proto_path="$root/proto" --c_out="$out" "$root/proto/grpcapi.proto"
target="$root/Sources/CGRPCAPI"
if [[ "${1:-}" == "--check" ]]; then
  diff -u "$target/include/grpcapi.pb-c.h" "$out/grpcapi.pb-c.h"
  diff -u "$target/grpcapi.pb-c.c" "$out/grpcapi.pb-c.c"
  echo "generated protobuf-c code is current"
else
  cp "$out/grpcapi.pb-c.h" "$target/include/grpcapi.pb-c.h"
  cp "$out/grpcapi.pb-c.c" "$target/grpcapi.pb-c.c"
  echo "regenerated $target"
fi
