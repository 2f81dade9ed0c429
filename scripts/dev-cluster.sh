#!/usr/bin/env bash
# Installs what building and running need (scripts/install-deps.sh, without the tests' packages),
# builds TaskMaster unless BUILD=0, and runs a local cluster in the foreground: PostgreSQL (a
# throwaway server unless DATABASE_URL or POSTGRES_HOST is set), the scheduler, the coordinator and
# workers, each log line prefixed with its service's name. Ctrl-C (or SIGTERM) stops everything it
# started.
#
# Everything binds 127.0.0.1; workers' admin servers take free ports (logged). The workers run
# each task's command with /bin/sh unless EXECUTOR says otherwise.
#
# With TLS=1, a throwaway authority and certificates (scripts/tls-certificates.sh) put TLS on every
# link: the coordinator and the workers require each other's certificates; the scheduler serves
# HTTPS and asks clients for none (a browser has none to show; the API token guards it).
#
# Environment: CONFIG=release|debug (release), BUILD=1|0 (1; 0 runs the executables already in
# .build/$CONFIG without building: `make run`), TLS=0|1 (0), SCHEDULER_PORT (8081), COORDINATOR_PORT (8080),
# ADMIN_PORT (9090, the coordinator's admin server), WORKERS (3), LOG_LEVEL (info),
# EXECUTOR=shell|sleep|noop (shell), TASK_DURATION (5s, the sleep executor's work time),
# TASKMASTER_API_TOKEN and TASKMASTER_CLUSTER_TOKEN (generated when unset).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$repo_root"

config=${CONFIG:-release}
build=${BUILD:-1}
tls=${TLS:-0}
scheduler_port=${SCHEDULER_PORT:-8081}
coordinator_port=${COORDINATOR_PORT:-8080}
admin_port=${ADMIN_PORT:-9090}
workers=${WORKERS:-3}
log_level=${LOG_LEVEL:-info}
executor=${EXECUTOR:-shell}
task_duration=${TASK_DURATION:-5s}
ready_timeout_seconds=120

[[ "$config" == debug || "$config" == release ]] || die "CONFIG must be debug or release, not '$config'"
[[ "$build" == 0 || "$build" == 1 ]] || die "BUILD must be 1 (build first) or 0 (run the existing build), not '$build'"
[[ "$tls" == 0 || "$tls" == 1 ]] || die "TLS must be 0 (plain) or 1 (TLS on every link), not '$tls'"
[[ "$executor" == shell || "$executor" == sleep || "$executor" == noop ]] \
  || die "EXECUTOR must be shell, sleep or noop, not '$executor'"
for value in "$scheduler_port" "$coordinator_port" "$admin_port" "$workers"; do
  [[ "$value" =~ ^[0-9]+$ ]] || die "SCHEDULER_PORT, COORDINATOR_PORT, ADMIN_PORT and WORKERS must be numbers, not '$value'"
done

service_pids=()
service_names=()
postgres_dir=""
tls_dir=""

# Stops the services (newest first, by PID), waits up to 10 s for them, then PostgreSQL.
# shellcheck disable=SC2317 # run by the EXIT trap
stop_cluster() {
  trap - EXIT INT TERM
  local pid index deadline
  if ((${#service_pids[@]} > 0)); then
    say "stopping the cluster"
    for ((index = ${#service_pids[@]} - 1; index >= 0; index--)); do
      kill -TERM "${service_pids[index]}" 2>/dev/null || true
    done
    deadline=$((SECONDS + 10))
    for index in "${!service_pids[@]}"; do
      pid=${service_pids[index]}
      while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do
        sleep 0.1
      done
      if kill -KILL "$pid" 2>/dev/null; then
        printf 'warning: killed %s, which did not stop within 10 s of SIGTERM\n' "${service_names[index]}" >&2
      fi
    done
    wait 2>/dev/null || true
  fi
  if [[ -n "$postgres_dir" ]]; then
    scripts/postgres.sh stop "$postgres_dir" >/dev/null 2>&1 \
      || printf 'warning: could not stop PostgreSQL in %s\n' "$postgres_dir" >&2
    rm -rf "$postgres_dir"
  fi
  if [[ -n "$tls_dir" ]]; then rm -rf "$tls_dir"; fi
}
trap stop_cluster EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Starts one service in the background with its output prefixed by NAME; records its PID.
# The prefixing sed ignores Ctrl-C so it keeps forwarding the service's shutdown lines.
start_service() {
  local name=$1
  shift
  "$@" > >(trap '' INT TERM; exec sed -u "s/^/[$name] /") 2>&1 &
  service_pids+=("$!")
  service_names+=("$name")
}

# Tokens protect the API and the cluster even though everything listens on 127.0.0.1: other
# users of this machine could reach the ports too.
random_token() {
  od -An -N16 -tx1 /dev/urandom | tr -d ' \n'
}
export TASKMASTER_API_TOKEN=${TASKMASTER_API_TOKEN:-$(random_token)}
export TASKMASTER_CLUSTER_TOKEN=${TASKMASTER_CLUSTER_TOKEN:-$(random_token)}

# What building and running need; the tests' own packages are left to `scripts/install-deps.sh --tests`.
scripts/install-deps.sh
if ((build)); then
  ensure_swift_on_path
  say "building ($config)"
  # A release build links the Swift runtime statically, as the Dockerfiles build it.
  build_flags=(-c "$config")
  if [[ $config == release ]]; then build_flags+=(--static-swift-stdlib); fi
  swift build "${build_flags[@]}"
  bin=$(swift build "${build_flags[@]}" --show-bin-path)
else
  bin="$repo_root/.build/$config"
  for executable in scheduler coordinator worker; do
    [[ -x "$bin/$executable" ]] \
      || die "no $config build in $bin ($executable is missing): run \`make dev\` or \`make build\` first"
  done
  say "running the $config build in $bin without building (BUILD=0)"
fi

if [[ -z "${DATABASE_URL:-}" && -z "${POSTGRES_HOST:-}" ]]; then
  say "starting a throwaway PostgreSQL"
  postgres_dir=$(mktemp -d "${TMPDIR:-/tmp}/taskmaster-dev-pg.XXXXXX")
  DATABASE_URL=$(scripts/postgres.sh start "$postgres_dir" | tail -n 1) || die "could not start PostgreSQL"
  export DATABASE_URL
  echo "PostgreSQL at $DATABASE_URL"
fi

scheme=http
curl_tls=()
scheduler_tls=()
if ((tls)); then
  say "making a throwaway certificate authority and certificates"
  tls_dir=$(mktemp -d "${TMPDIR:-/tmp}/taskmaster-dev-tls.XXXXXX")
  scripts/tls-certificates.sh authority "$tls_dir/ca" "TaskMaster dev CA"
  scripts/tls-certificates.sh issue "$tls_dir/ca" "$tls_dir/node" node
  scripts/tls-certificates.sh issue "$tls_dir/ca" "$tls_dir/client" client
  export TASKMASTER_TLS_CERT="$tls_dir/node/tls.crt" TASKMASTER_TLS_KEY="$tls_dir/node/tls.key"
  export TASKMASTER_TLS_CA="$tls_dir/ca/ca.crt" TASKMASTER_TLS_CLIENT_AUTH=require
  scheme=https
  curl_tls=(--cacert "$tls_dir/ca/ca.crt" --cert "$tls_dir/client/tls.crt" --key "$tls_dir/client/tls.key")
  scheduler_tls=(--tls_client_auth=none)
fi

say "starting the scheduler, the coordinator and $workers worker(s)"
start_service scheduler "$bin/scheduler" --scheduler_port="127.0.0.1:$scheduler_port" \
  --data_dir=data --log_level="$log_level" "${scheduler_tls[@]}"
start_service coordinator "$bin/coordinator" --coordinator_port="127.0.0.1:$coordinator_port" \
  --admin_port="127.0.0.1:$admin_port" --data_dir=data --log_level="$log_level"
for ((index = 1; index <= workers; index++)); do
  start_service "worker-$index" "$bin/worker" --worker_port=127.0.0.1:0 --admin_port=127.0.0.1:0 \
    --coordinator="127.0.0.1:$coordinator_port" --executor="$executor" --task_duration="$task_duration" \
    --log_level="$log_level"
done

# How many workers the coordinator's /workers lists.
registered_workers() {
  curl -fsS --max-time 2 "${curl_tls[@]}" "$scheme://127.0.0.1:$admin_port/workers" 2>/dev/null | grep -o '"worker_id"' | wc -l
}

# Ready when the scheduler and the coordinator answer /readyz and every worker is registered;
# fail early if a service exits.
deadline=$((SECONDS + ready_timeout_seconds))
until curl -fsS -o /dev/null --max-time 2 "${curl_tls[@]}" "$scheme://127.0.0.1:$scheduler_port/readyz" 2>/dev/null \
  && curl -fsS -o /dev/null --max-time 2 "${curl_tls[@]}" "$scheme://127.0.0.1:$admin_port/readyz" 2>/dev/null \
  && (($(registered_workers) >= workers)); do
  for index in "${!service_pids[@]}"; do
    kill -0 "${service_pids[index]}" 2>/dev/null \
      || die "${service_names[index]} exited during start-up (see its log above)"
  done
  ((SECONDS < deadline)) \
    || die "the cluster was not ready within ${ready_timeout_seconds}s (scheduler and coordinator /readyz, $workers worker(s) registered)"
  sleep 0.5
done

scheduler_url="$scheme://127.0.0.1:$scheduler_port"
cli_environment="TASKMASTER_API_TOKEN=$TASKMASTER_API_TOKEN TASKMASTER_URL=$scheduler_url"
curl_options=""
dashboard_note="(it asks for the token once)"
tls_note=""
if ((tls)); then
  cli_environment+=" TASKMASTER_CA=$tls_dir/ca/ca.crt"
  curl_options="--cacert $tls_dir/ca/ca.crt "
  dashboard_note="(it asks for the token once; your browser must trust $tls_dir/ca/ca.crt, or be told to go on)"
  tls_note="
TLS is on every link, with throwaway certificates in $tls_dir (removed on exit): the
coordinator and the workers require client certificates, and $tls_dir/client holds one
for curl (--cert $tls_dir/client/tls.crt --key $tls_dir/client/tls.key) and the CLI (--cert … --cert-key …).
"
fi
cat <<EOF

TaskMaster is running: scheduler $scheduler_url, coordinator 127.0.0.1:$coordinator_port
(admin $scheme://127.0.0.1:$admin_port), $workers worker(s) with the $executor executor.
Executables: $bin
$tls_note
The API token is $TASKMASTER_API_TOKEN (set TASKMASTER_API_TOKEN to choose it):
  export $cli_environment

The dashboard is at $scheduler_url/ $dashboard_note. With the line above in your
shell, the command line schedules a task and follows it to its end:
  $bin/taskmaster schedule 'echo hello' --wait

Schedule a task 5 seconds from now (the workers run its command with /bin/sh):
  curl -s ${curl_options}-H "Authorization: Bearer \$TASKMASTER_API_TOKEN" -X POST -d "{\"command\": \"echo hello\", \"scheduled_at\": \"\$(date -u -d '+5 seconds' +%Y-%m-%dT%H:%M:%SZ)\"}" $scheduler_url/schedule

Then ask for its status (task_id from the reply):
  curl -s ${curl_options}-H "Authorization: Bearer \$TASKMASTER_API_TOKEN" "$scheduler_url/status?task_id=TASK_ID"

Live workers and metrics:
  curl -s ${curl_options}-H "Authorization: Bearer \$TASKMASTER_API_TOKEN" $scheduler_url/workers
  curl -s ${curl_tls[*]} $scheme://127.0.0.1:$admin_port/metrics

Press Ctrl-C to stop the cluster.

EOF

# Runs until Ctrl-C or SIGTERM, or until a service exits on its own.
status=0
exited_pid=""
wait -n -p exited_pid "${service_pids[@]}" || status=$?
for index in "${!service_pids[@]}"; do
  if [[ "${service_pids[index]}" == "$exited_pid" ]]; then
    # Ctrl-C in a terminal reaches the services too: a clean exit is a requested stop.
    if ((status == 0)); then
      say "${service_names[index]} stopped; stopping the cluster"
      exit 0
    fi
    die "${service_names[index]} exited with status $status; stopping the cluster"
  fi
done
die "a service exited; stopping the cluster"
