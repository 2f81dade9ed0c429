#!/usr/bin/env bash
# Fails when a Swift file outside its C module's designated folder imports that module.
# SwiftPM lets any file of a target import any of the target's dependencies; this keeps each
# C library (and its unsafe pointers) behind one small part of Core.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$repo_root"

# Module name, then the only folder whose Swift files may import it.
allowed=(
  CPostgreSQL Sources/Postgres/
  CNGHTTP2 Sources/RPC/HTTP2/
  CProtobufC Sources/RPC/Protocol/
  CGRPCAPI Sources/RPC/Protocol/
  CMemory Sources/Core/Service/MallocArenas.swift
  CProcess Sources/WorkerService/Execution/Process/
)

folder_for() {
  local i
  for ((i = 0; i < ${#allowed[@]}; i += 2)); do
    if [[ "${allowed[i]}" == "$1" ]]; then
      printf '%s' "${allowed[i + 1]}"
      return
    fi
  done
}

# `import X`, `@preconcurrency internal import X`, `import struct X.Y`, ...
import_clause='import[[:space:]]+((struct|class|enum|protocol|typealias|func|let|var)[[:space:]]+)?(CPostgreSQL|CNGHTTP2|CProtobufC|CGRPCAPI|CMemory|CProcess)'
import_line="^[[:space:]]*(@[A-Za-z_]+[[:space:]]+)*((public|package|internal|fileprivate|private)[[:space:]]+)?$import_clause([^A-Za-z0-9_]|\$)"

violations=0
while IFS=: read -r file line text; do
  [[ "$text" =~ $import_clause ]]
  module=${BASH_REMATCH[3]}
  folder=$(folder_for "$module")
  if [[ "$file" != "$folder"* ]]; then
    printf '%s:%s: imports %s, which only files under %s may import\n' "$file" "$line" "$module" "$folder" >&2
    violations=$((violations + 1))
  fi
done < <(find Sources Tests -name '*.swift' -type f -print0 2>/dev/null \
  | xargs -0 -r grep -nHE "$import_line" || true)

if ((violations > 0)); then
  die "$violations C module import(s) outside their designated folders"
fi
echo "C module imports are confined to their folders"
