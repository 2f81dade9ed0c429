#!/usr/bin/env bash
# A throwaway PostgreSQL cluster in a directory of its own, for tests and local runs.
#
#   scripts/postgres.sh start DIR [PORT]   create and start it on 127.0.0.1:PORT (default: a free
#                                          port), create database taskmaster, print its URL
#   scripts/postgres.sh restart DIR        restart it in place (same port and data)
#   scripts/postgres.sh pause DIR          stop the server, keeping its data
#   scripts/postgres.sh resume DIR         start a paused server again
#   scripts/postgres.sh stop DIR           stop it and remove DIR
#   scripts/postgres.sh standby PRIMARY DIR  a streaming standby of the cluster in PRIMARY, made
#                                          synchronous (a commit is acknowledged once both have
#                                          it), started on a free port; prints its URL
#   scripts/postgres.sh promote DIR        make the standby in DIR a primary
#   scripts/postgres.sh tls DIR CERT KEY   serve TLS with this certificate (PEM chain) and key, and
#                                          refuse TCP connections without it (reloads the server)
#
# Only the URL goes to stdout; the server log is DIR/postgres.log.
set -euo pipefail

usage() {
    echo "usage: $0 start DIR [PORT] | restart DIR | pause DIR | resume DIR | stop DIR | standby PRIMARY DIR | promote DIR | tls DIR CERT KEY" >&2
    exit 2
}

fail() {
    echo "postgres.sh: $*" >&2
    exit 1
}

# Runs a command as the cluster owner: initdb and postgres refuse to run as root.
as_owner() {
    if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

find_bindir() {
    local bindir
    bindir=$(pg_config --bindir 2>/dev/null || true)
    if [[ -x $bindir/initdb ]]; then echo "$bindir"; return; fi
    bindir=$(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
    if [[ -x $bindir/initdb ]]; then echo "$bindir"; fi
}

install_server() {
    [[ $(id -u) -eq 0 ]] || fail "the PostgreSQL server is not installed (apt-get install postgresql)"
    echo "postgres.sh: installing the PostgreSQL server" >&2
    # The package must not create and start a system-wide cluster of its own.
    mkdir -p /etc/postgresql-common/createcluster.d
    echo "create_main_cluster = false" >/etc/postgresql-common/createcluster.d/taskmaster.conf
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -q postgresql >&2 || { apt-get update -q >&2 && apt-get install -y -q postgresql >&2; }
}

# A port in 55000-55999 that nothing listens on right now.
free_port() {
    local port _
    for _ in $(seq 1 100); do
        port=$((55000 + RANDOM % 1000))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return; fi
    done
    fail "no free port found in 55000-55999"
}

start() {
    local dir=$1 port=${2:-}
    [[ -e $dir/data ]] && fail "$dir/data already exists"
    local bindir
    bindir=$(find_bindir)
    if [[ -z $bindir ]]; then install_server; bindir=$(find_bindir); fi
    [[ -n $bindir ]] || fail "initdb not found after installing the server"

    mkdir -p "$dir/socket"
    if [[ $(id -u) -eq 0 ]]; then chown -R postgres: "$dir"; fi
    as_owner test -w "$dir" || fail "$dir is not writable by the cluster owner (check its parent folders)"
    as_owner "$bindir/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --no-locale --no-sync \
        >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; fail "initdb failed"; }
    printf "listen_addresses = '127.0.0.1'\nunix_socket_directories = '%s'\n" "$dir/socket" >>"$dir/data/postgresql.conf"
    # A throwaway cluster (stop removes it) that the tests fill with hundreds of short-lived
    # databases; each DROP DATABASE forces a checkpoint, and syncing those stalled a slow disk
    # for seconds. What a process writes still survives the process being killed; only a
    # machine crash would lose it.
    echo "fsync = off" >>"$dir/data/postgresql.conf"
    # The integration suites run in parallel, each test with a pool of its own: room for them.
    echo "max_connections = 300" >>"$dir/data/postgresql.conf"

    # A free port can be taken before the server binds it: then try another (the last port line wins).
    local attempts=1 attempt chosen
    [[ -n $port ]] || attempts=3
    for ((attempt = 1; ; attempt++)); do
        chosen=${port:-$(free_port)}
        echo "port = $chosen" >>"$dir/data/postgresql.conf"
        if as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 30 start >&2; then break; fi
        if ((attempt == attempts)); then
            tail -n 20 "$dir/postgres.log" >&2
            fail "the server did not start on port $chosen"
        fi
    done
    as_owner "$bindir/createdb" -h 127.0.0.1 -p "$chosen" -U postgres taskmaster >&2
    echo "postgres://postgres@127.0.0.1:$chosen/taskmaster"
}

# Runs pg_ctl ACTION on the cluster in DIR.
control() {
    local action=$1 dir=$2
    [[ -f $dir/data/PG_VERSION ]] || fail "$dir holds no cluster"
    as_owner "$(find_bindir)/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 30 -m fast "$action" >&2
}

stop() {
    local dir=$1
    [[ -d $dir ]] || return 0
    [[ -f $dir/data/PG_VERSION ]] || fail "$dir holds no cluster; not removing it"
    # A server that was killed leaves its pid file behind (and, where nothing reaps it, a zombie
    # that pg_ctl takes for a server that will not stop): its files go all the same.
    if [[ -f $dir/data/postmaster.pid ]]; then
        as_owner "$(find_bindir)/pg_ctl" -D "$dir/data" -w -t 10 -m fast stop >&2 \
            || echo "postgres.sh: the server in $dir did not stop; removing its files" >&2
    fi
    rm -rf "$dir"
}

standby() {
    local primary=$1 dir=$2 bindir primary_port port
    [[ -f $primary/data/PG_VERSION ]] || fail "$primary holds no cluster"
    [[ -e $dir/data ]] && fail "$dir/data already exists"
    bindir=$(find_bindir)
    primary_port=$(sed -n 's/^port = //p' "$primary/data/postgresql.conf" | tail -n 1)
    mkdir -p "$dir/socket"
    if [[ $(id -u) -eq 0 ]]; then chown -R postgres: "$dir"; fi
    # -R writes standby.signal and the primary's address; the later lines override the copied ones.
    as_owner "$bindir/pg_basebackup" -h 127.0.0.1 -p "$primary_port" -U postgres -D "$dir/data" -R -X stream --no-sync >&2 \
        || fail "pg_basebackup from port $primary_port failed"
    port=$(free_port)
    printf "unix_socket_directories = '%s'\nport = %s\ncluster_name = 'standby'\n" "$dir/socket" "$port" >>"$dir/data/postgresql.conf"
    as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 30 start >&2 \
        || { tail -n 20 "$dir/postgres.log" >&2; fail "the standby did not start on port $port"; }
    echo "synchronous_standby_names = '*'" >>"$primary/data/postgresql.conf"
    as_owner "$bindir/pg_ctl" -D "$primary/data" reload >&2
    echo "postgres://postgres@127.0.0.1:$port/taskmaster"
}

tls() {
    local dir=$1 certificate=$2 key=$3 owner=()
    [[ -f $dir/data/PG_VERSION ]] || fail "$dir holds no cluster"
    [[ -r $certificate && -r $key ]] || fail "cannot read $certificate or $key"
    # The server reads its key only when the key is the owner's alone.
    if [[ $(id -u) -eq 0 ]]; then owner=(-o postgres -g postgres); fi
    install -m 600 "${owner[@]}" "$certificate" "$dir/data/server.crt"
    install -m 600 "${owner[@]}" "$key" "$dir/data/server.key"
    printf "ssl = on\nssl_cert_file = 'server.crt'\nssl_key_file = 'server.key'\n" >>"$dir/data/postgresql.conf"
    { echo "hostnossl all all all reject"; cat "$dir/data/pg_hba.conf"; } >"$dir/data/pg_hba.conf.new"
    mv "$dir/data/pg_hba.conf.new" "$dir/data/pg_hba.conf"
    if [[ $(id -u) -eq 0 ]]; then chown postgres: "$dir/data/pg_hba.conf"; fi
    as_owner "$(find_bindir)/pg_ctl" -D "$dir/data" reload >&2
    # A reload is only signalled: wait until a connection gets TLS.
    local port _
    port=$(sed -n 's/^port = //p' "$dir/data/postgresql.conf" | tail -n 1)
    for _ in $(seq 1 100); do
        if as_owner "$(find_bindir)/psql" "host=127.0.0.1 port=$port user=postgres dbname=postgres sslmode=require" \
            -XAtqc 'SELECT 1' >/dev/null 2>&1; then return 0; fi
        sleep 0.1
    done
    tail -n 20 "$dir/postgres.log" >&2
    fail "the server on port $port does not serve TLS after the reload"
}

# The server outlives this script: it must not hold the caller's descriptors open, since a caller
# may wait for them to close (Foundation's Process does, to notice that the script exited).
for descriptor in /proc/"$$"/fd/*; do
    descriptor=${descriptor##*/}
    if ((descriptor > 2 && descriptor != 255)); then eval "exec $descriptor>&-"; fi
done

[[ $# -ge 2 ]] || usage
command=$1
dir=$(realpath -m "$2")
case $command in
    start) [[ $# -le 3 ]] || usage; start "$dir" "${3:-}" ;;
    restart) [[ $# -eq 2 ]] || usage; control restart "$dir" ;;
    pause) [[ $# -eq 2 ]] || usage; control stop "$dir" ;;
    resume) [[ $# -eq 2 ]] || usage; control start "$dir" ;;
    stop) [[ $# -eq 2 ]] || usage; stop "$dir" ;;
    standby) [[ $# -eq 3 ]] || usage; standby "$dir" "$(realpath -m "$3")" ;;
    promote) [[ $# -eq 2 ]] || usage; control promote "$dir" ;;
    tls) [[ $# -eq 4 ]] || usage; tls "$dir" "$3" "$4" ;;
    *) usage ;;
esac
