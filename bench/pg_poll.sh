#!/bin/bash
# The pg source's cost per refresh with 2,000 client sessions on the rig:
# client CPU of the poll (query + turning rows into records) next to a
# bare libpq fetch of the same rows, and the serving backend's CPU (also
# for the pg_stat_activity + pg_stat_ssl join the poll avoids). Not part
# of CI; record the figures with date and machine in bench/RESULTS.md.
#   bench/pg_poll.sh [SESSIONS [REFRESHES]]     (BUILD=dir, default ./build)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$top/build}
sessions=${1:-2000}
refreshes=${2:-50}

make -s -C "$build" bench/pg_poll_bench tests/rig/pg/rig-sessions
export RIG_SESSIONS=$build/tests/rig/pg/rig-sessions
own=
if [ -z "${RIG_PG_DIR:-}" ]; then
	eval "$("$top/tests/rig/pg/start")"
	own=$RIG_PG_DIR
fi
holders=()
cleanup() {
	for h in "${holders[@]}"; do kill "$h" 2>/dev/null || true; done
	[ -z "$own" ] || "$top/tests/rig/pg/stop" "$own"
}
trap cleanup EXIT

# A realistic mix: most sessions idle (TLS and plaintext), some idle in a
# transaction, some of an rds_superuser member.
open() {
	local out
	out=$("$top/tests/rig/pg/open" "$@")
	holders+=("${out%% *}")
}
tls=$((sessions * 45 / 100)) plain=$((sessions * 45 / 100)) intx=$((sessions / 20))
admin=$((sessions - tls - plain - intx))
start=$EPOCHREALTIME
open --role app --tls --count "$tls" --app bench-tls
open --role app --plain --count "$plain" --app bench-plain
open --role app --plain --idle-in-tx --count "$intx" --app bench-intx
open --role admin --tls --count "$admin" --app bench-admin
echo "opened $sessions sessions in $(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }') s"

echo "date:    $(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo "machine: $(nproc) CPU, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1), $(uname -sr)"
echo "server:  $(psql -XAtc 'SHOW server_version' "host=localhost port=$PGPORT dbname=postgres user=$RIG_PG_MONITOR_USER password=$RIG_PG_MONITOR_PASSWORD sslmode=verify-full sslrootcert=$RIG_PG_CA" 2>/dev/null || echo '?')"
"$build/bench/pg_poll_bench" "$refreshes"
