#!/bin/bash
# Crash safety: a process writing heavy batches to the history (the real
# store, through store_submit, with --debug store logging each committed
# poll) is killed with SIGKILL mid-write, 20 times. After every kill the
# file passes PRAGMA integrity_check, and every batch the log called
# committed is in it (each batch carries an event at its polled_at).
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib/common.sh"
rw_tmpdir
rw_require_cmd sqlite3
driver=$top_builddir/tests/it/store_driver
[ -x "$driver" ] || rw_fail "store_driver not built at $driver"

db=$RW_TMP/history.db
log=$RW_TMP/debug.log
commits() { awk '/committed poll/ { n++ } END { print n + 0 }' "$log" 2>/dev/null || echo 0; }

for run in $(seq 1 20); do
	before=$(commits)
	"$driver" --history "$db" --debug store --log "$log" --forever --samples 3000 heavy \
		2>"$RW_TMP/err" &
	pid=$!
	deadline=$((SECONDS + 60))
	until [ "$(commits)" -ge $((before + 5)) ]; do
		kill -0 "$pid" 2>/dev/null || rw_fail "run $run: the driver exited: $(cat "$RW_TMP/err")"
		[ "$SECONDS" -lt "$deadline" ] || rw_fail "run $run: no commits within 60 s"
		sleep 0.02
	done
	# Somewhere in the middle of the next transactions.
	sleep "0.$((RANDOM % 4))$((RANDOM % 10))"
	kill -9 "$pid"
	wait "$pid" 2>/dev/null
	check=$(sqlite3 "$db" "PRAGMA integrity_check")
	[ "$check" = ok ] || rw_fail "run $run: PRAGMA integrity_check says: $check"
done

# Every committed poll the log names is in the history.
sed -n 's/.*committed poll \([0-9]*\): source driver, polled_at \([0-9]*\),.*/\1,\2/p' "$log" \
	>"$RW_TMP/committed.csv"
logged=$(wc -l <"$RW_TMP/committed.csv")
[ "$logged" -ge 100 ] || rw_fail "only $logged commits logged"
missing=$(sqlite3 "$RW_TMP/check.db" ".mode csv" "CREATE TABLE c (id INTEGER, t INTEGER);" \
	".import $RW_TMP/committed.csv c" "ATTACH '$db' AS h;" \
	"SELECT count(*) FROM c WHERE t NOT IN (SELECT time FROM h.events WHERE message LIKE 'batch %');")
[ "$missing" = 0 ] || rw_fail "$missing of $logged logged commits are not in the history"
max_logged=$(sqlite3 "$RW_TMP/check.db" "SELECT max(id) FROM c")
last=$(sqlite3 "$db" "SELECT value FROM meta WHERE key = 'last_poll_id'")
[ "$last" -ge "$max_logged" ] || rw_fail "last_poll_id $last < logged $max_logged"
ids=$(sqlite3 "$RW_TMP/check.db" "SELECT count(DISTINCT id) FROM c")
[ "$ids" = "$logged" ] || rw_fail "poll ids repeat across restarts ($ids distinct of $logged)"
echo "20 kills: integrity ok each time; $logged committed polls logged, all in the history"
