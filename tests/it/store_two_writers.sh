#!/bin/bash
# Two rdswatch processes on one history file: while one writes, a second
# writer is told clearly that the file is in use (and by which pid), and
# readers (exports) share it; the file stays intact, and the second
# writer can open it once the first is gone.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib/common.sh"
rw_tmpdir
rw_require_cmd sqlite3
driver=$top_builddir/tests/it/store_driver
[ -x "$driver" ] || rw_fail "store_driver not built at $driver"
db=$RW_TMP/history.db

"$driver" --history "$db" --debug store --log "$RW_TMP/a.log" --forever --samples 10 heavy \
	2>"$RW_TMP/a.err" &
a=$!
deadline=$((SECONDS + 60))
until grep -q "committed poll 20:" "$RW_TMP/a.log" 2>/dev/null; do
	kill -0 "$a" 2>/dev/null || rw_fail "writer A exited: $(cat "$RW_TMP/a.err")"
	[ "$SECONDS" -lt "$deadline" ] || rw_fail "writer A did not commit"
	sleep 0.05
done

# A second writer.
"$driver" --history "$db" --batches 5 heavy >"$RW_TMP/b.out" 2>"$RW_TMP/b.err"
rc=$?
rw_assert_eq "$rc" 1 "second writer: exit status"
rw_assert_contains "$(cat "$RW_TMP/b.err")" "is in use by another rdswatch process (pid $a)" \
	"second writer"

# Readers, while A keeps writing.
for i in 1 2 3; do
	"$RDSWATCH" export --history "$db" --since 1h --format jsonl >"$RW_TMP/r$i.jsonl" \
		2>"$RW_TMP/r$i.err" || rw_fail "export while writing: $(cat "$RW_TMP/r$i.err")"
	/usr/bin/python3 -c '
import json, sys
n = 0
for line in open(sys.argv[1]):
    json.loads(line)
    n += 1
assert n > 0, "no records"
' "$RW_TMP/r$i.jsonl" || rw_fail "export while writing: unparsable output"
done
kill -0 "$a" || rw_fail "writer A died while others used the file"

kill -TERM "$a"
wait "$a"
rw_assert_eq "$?" 0 "writer A: exit status after SIGTERM"
rw_assert_eq "$(sqlite3 "$db" "PRAGMA integrity_check")" ok "integrity after two writers"

# Now the second writer may.
"$driver" --history "$db" --batches 5 --samples 10 heavy 2>"$RW_TMP/b2.err" ||
	rw_fail "second writer after the first exited: $(cat "$RW_TMP/b2.err")"
rw_assert_eq "$(sqlite3 "$db" "PRAGMA integrity_check")" ok "integrity at the end"
echo "second writer refused while the first wrote; readers shared; file intact"
