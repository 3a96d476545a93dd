#!/bin/bash
# The PostgreSQL rig starts quickly on a free port (never 5432), stops
# cleanly, and leaves no process or directory behind.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib/common.sh"
rw_require_cmd openssl
[ -x /usr/lib/postgresql/15/bin/initdb ] || rw_skip "postgresql-15 not installed"

etc_before=$(ls -la --time-style=full-iso /etc/postgresql 2>/dev/null | md5sum)
start=$EPOCHREALTIME
env=$("$top_srcdir/tests/rig/pg/start") || rw_fail "rig start failed"
elapsed=$(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f", b - a }')
eval "$env"
dir=$RIG_PG_DIR
trap '"$top_srcdir/tests/rig/pg/stop" "$dir"' EXIT
echo "rig started in ${elapsed}s on port $PGPORT in $dir"

[ "$PGPORT" != 5432 ] || rw_fail "rig took port 5432"
# About 2 s on a quiet machine; the bound only catches a hang, since CI
# may share its cores with other work.
awk -v e="$elapsed" 'BEGIN { exit !(e < 90) }' || rw_fail "rig took ${elapsed}s to start"
for v in PGHOST PGPORT RIG_PG_DIR RIG_PG_CA RIG_PG_LOG \
	RIG_PG_MONITOR_USER RIG_PG_MONITOR_PASSWORD RIG_PG_APP_USER RIG_PG_APP_PASSWORD \
	RIG_PG_ADMIN_USER RIG_PG_ADMIN_PASSWORD RIG_PG_SUPER_USER RIG_PG_SUPER_PASSWORD; do
	[ -n "${!v:-}" ] || rw_fail "start did not export $v"
done
[ -f "$RIG_PG_CA" ] || rw_fail "CA file $RIG_PG_CA missing"
[ -f "$RIG_PG_LOG" ] || rw_fail "log file $RIG_PG_LOG missing"
case "$dir" in /etc/*|/var/lib/postgresql*) rw_fail "rig dir in a system location: $dir" ;; esac

# It answers over TLS with a verified certificate.
out=$(PGPASSWORD=$RIG_PG_APP_PASSWORD psql -X -At \
	"host=$PGHOST port=$PGPORT user=$RIG_PG_APP_USER dbname=postgres sslmode=verify-full sslrootcert=$RIG_PG_CA" \
	-c "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()") || rw_fail "TLS connect failed"
rw_assert_eq "$out" t "TLS session"

# Session holders are stopped with the rig.
read -r holder _ <<<"$("$top_srcdir/tests/rig/pg/open" --role app --plain --count 2 --app lifecycle)" ||
	rw_fail "open failed"
kill -0 "$holder" || rw_fail "holder not running"
postmaster=$(head -1 "$dir/data/postmaster.pid")

"$top_srcdir/tests/rig/pg/stop" "$dir" || rw_fail "stop failed"
trap - EXIT
[ ! -e "$dir" ] || rw_fail "rig dir $dir left behind"
for ((i = 0; i < 50; i++)); do
	kill -0 "$holder" 2>/dev/null || kill -0 "$postmaster" 2>/dev/null || break
	sleep 0.1
done
! kill -0 "$holder" 2>/dev/null || rw_fail "session holder $holder left running"
! kill -0 "$postmaster" 2>/dev/null || rw_fail "postmaster $postmaster left running"
! pgrep -f -- "-D $dir/data" >/dev/null || rw_fail "a postgres process for $dir is still running"
[ "$(ls -la --time-style=full-iso /etc/postgresql 2>/dev/null | md5sum)" = "$etc_before" ] ||
	rw_fail "/etc/postgresql changed"
exit 0
