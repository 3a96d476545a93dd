#!/bin/bash
# rdswatch export against a history written by the real store: a scripted
# incident (failed-login burst, brute-force finding, plaintext and
# superuser sessions, a session running CREATE ROLE ... PASSWORD
# 'hunter2', CPU alert opened/acknowledged/re-opened/resolved, failover,
# source outage). Checks the Markdown timeline's order and content, that
# JSON Lines round-trip with the store's counts, CSV tables and files,
# private output files, usage errors, and that hunter2 is nowhere.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib/common.sh"
rw_tmpdir
rw_require_cmd sqlite3
driver=$top_builddir/tests/it/store_driver
[ -x "$driver" ] || rw_fail "store_driver not built at $driver"
db=$RW_TMP/history.db
umask 022	# the files' privacy must not come from the umask

"$driver" --history "$db" --debug store --log "$RW_TMP/debug.log" --start 2h incident ||
	rw_fail "the driver failed"
x() { "$RDSWATCH" export --history "$db" --since 3h "$@"; }

# Markdown: the incident in order.
LC_ALL=C x >"$RW_TMP/out.md" 2>"$RW_TMP/err" || rw_fail "markdown: $(cat "$RW_TMP/err")"
md=$(cat "$RW_TMP/out.md")
line_of() { grep -n -m1 -F -- "$1" "$RW_TMP/out.md" | cut -d: -f1; }
prev=0
for what in "| failed login" "| GuardDuty finding | high 8.0: CredentialAccess:RDS/AnomalousBehavior.SuccessfulBruteForce" \
	"| non-TLS session appeared |" "| superuser session appeared |" "| alert opened | warning: CPU over 90%" \
	"| alert acknowledged | warning: CPU over 90% for 5 min; by oncall@bastion: \"looking\"" \
	"| alert reopened | critical: CPU over 90% for 5 min (was warning)" "| non-TLS session ended |" \
	"| RDS event | failover: Multi-AZ instance failover started. (RDS-EVENT-0013)" \
	"| source outage | cloudwatch failing: network: connection timed out" "| alert resolved |" \
	"| source recovered | cloudwatch ok again after 30s"; do
	n=$(line_of "$what")
	[ -n "$n" ] || rw_fail "markdown: no '$what' in:"$'\n'"$md"
	[ "$n" -gt "$prev" ] || rw_fail "markdown: '$what' (line $n) is out of order:"$'\n'"$md"
	prev=$n
done
rw_assert_contains "$md" "6 attempts until" "markdown: the burst is one entry"
rw_assert_contains "$md" "| posture change | TLS enforced (RDS.38): pass -\\> fail: rds.force\\_ssl = 0 |" "markdown"
rw_assert_contains "$md" "| db-a | CPUUtilization (Percent) |" "markdown: metric summary"
rw_assert_contains "$md" "| 97.5 |" "markdown: the CPU spike's max"
LC_ALL=C grep -q -P '[^\x00-\x7f]' "$RW_TMP/out.md" && rw_fail "markdown: non-ASCII without a UTF-8 locale"
LC_ALL=C.UTF-8 x | grep -q "█" || rw_fail "markdown: no block sparkline in a UTF-8 locale"
[ "$(grep -c "| failed login" "$RW_TMP/out.md")" = 1 ] || rw_fail "markdown: the burst split"

# JSON Lines: every line parses and reads back; counts match the store.
x -f jsonl >"$RW_TMP/out.jsonl" || rw_fail "jsonl failed"
/usr/bin/python3 - "$RW_TMP/out.jsonl" "$db" <<'PY' || rw_fail "jsonl round trip"
import collections, json, sqlite3, sys
counts = collections.Counter()
for n, line in enumerate(open(sys.argv[1], encoding="utf-8"), 1):
    rec = json.loads(line)
    assert set(rec) >= {"type", "time", "instance", "fields"}, (n, rec)
    assert isinstance(rec["fields"], dict), (n, rec)
    counts[rec["type"]] += 1
db = sqlite3.connect("file:%s?mode=ro" % sys.argv[2], uri=True)
one = lambda sql: db.execute(sql).fetchone()[0]
want = {
    "failed_login": one("SELECT count(*) FROM failed_logins"),
    "finding": one("SELECT count(*) FROM findings"),
    "event": one("SELECT count(*) FROM events"),
    "metric": one("SELECT count(*) FROM metric_samples"),
    "alert_event": one("SELECT count(*) FROM alert_events"),
    "session": one("SELECT count(*) FROM sessions_v"),
    "check": one("SELECT count(*) FROM checks_v"),
    "alert": one("SELECT count(*) FROM alerts_v"),
    "source_health": one("SELECT count(*) FROM sources_v"),
    "instance": one("SELECT count(*) FROM instances_v"),
}
for t, n in want.items():
    assert counts[t] == n, "%s: %d exported, %d in the store" % (t, counts[t], n)
# The scenario's facts, once each (the log was read twice).
assert want["failed_login"] == 6 and want["finding"] == 1 and want["event"] == 1, want
events = [r for r in db.execute("SELECT event FROM alert_events ORDER BY _id")]
assert [e for (e,) in events] == ["opened", "acknowledged", "reopened", "resolved"], events
PY
grep -q "PASSWORD '\*\*\*'" "$RW_TMP/out.jsonl" || rw_fail "jsonl: the masked query is missing"

# CSV: one type to a file, or one file per type in a directory.
x -f csv -t failed_login -o "$RW_TMP/logins.csv" || rw_fail "csv -t failed"
[ "$(stat -c %a "$RW_TMP/logins.csv")" = 600 ] || rw_fail "csv file not 0600"
head -1 "$RW_TMP/logins.csv" | grep -q $'^instance,time,pid,client_addr,client_port,user,database,reason,detail,source\r$' ||
	rw_fail "csv header: $(head -1 "$RW_TMP/logins.csv")"
[ "$(wc -l <"$RW_TMP/logins.csv")" = 7 ] || rw_fail "csv: 6 logins expected"
x -f csv -o "$RW_TMP/csv" || rw_fail "csv -o DIR failed"
[ "$(stat -c %a "$RW_TMP/csv")" = 700 ] || rw_fail "csv dir not 0700"
for t in event finding failed_login metric alert_event session check source_health; do
	[ -f "$RW_TMP/csv/$t.csv" ] || rw_fail "csv: no $t.csv"
	[ "$(stat -c %a "$RW_TMP/csv/$t.csv")" = 600 ] || rw_fail "csv: $t.csv not 0600"
done

# -o: private, and never through a symlink.
x -o "$RW_TMP/out2.md" || rw_fail "-o failed"
[ "$(stat -c %a "$RW_TMP/out2.md")" = 600 ] || rw_fail "-o file not 0600"
echo precious >"$RW_TMP/victim"
ln -s "$RW_TMP/victim" "$RW_TMP/link.md"
x -o "$RW_TMP/link.md" 2>"$RW_TMP/err" && rw_fail "-o followed a symlink"
rw_assert_contains "$(cat "$RW_TMP/err")" "symlink" "-o symlink"
rw_assert_eq "$(cat "$RW_TMP/victim")" precious "symlink target"

# --instance: another instance's records only (fleet-wide ones stay).
x --instance db-other -f jsonl >"$RW_TMP/other.jsonl" || rw_fail "--instance failed"
grep -q '"instance":"db-a"' "$RW_TMP/other.jsonl" && rw_fail "--instance db-other exported db-a"
grep -q '"source":"cloudwatch"' "$RW_TMP/other.jsonl" || rw_fail "--instance dropped fleet-wide records"

# A window: --from/--to in ISO 8601 and relative forms.
from=$(date -u -d '-150 min' +%Y-%m-%dT%H:%M:%SZ)
"$RDSWATCH" export --history "$db" --from "$from" --to 1h -f jsonl >"$RW_TMP/w.jsonl" ||
	rw_fail "--from/--to failed"
[ -s "$RW_TMP/w.jsonl" ] || rw_fail "--from/--to: empty"
"$RDSWATCH" export --history "$db" --from 30m -f jsonl | grep -q '"type":"failed_login"' &&
	rw_fail "--from 30m exported the incident of 2h ago"

# Usage errors: exit 2, a message, nothing on stdout.
usage() {
	local what=$1 expect=$2
	shift 2
	"$RDSWATCH" export --history "$db" "$@" >"$RW_TMP/u.out" 2>"$RW_TMP/u.err"
	rw_assert_eq "$?" 2 "$what: exit status"
	[ ! -s "$RW_TMP/u.out" ] || rw_fail "$what: wrote to stdout"
	rw_assert_contains "$(cat "$RW_TMP/u.err")" "$expect" "$what"
}
usage "unknown format" "unknown format 'html'" -f html
usage "--type without csv" "--type is for --format csv" -t event
usage "unknown type" "unknown type 'nope'" -f csv -t nope
usage "csv without a type" "give --type TYPE" -f csv
usage "--since and --from" "go separately" --since 1h --from 2h
usage "bad time" "bad time 'yesterday-ish'" --from yesterday-ish
usage "reversed window" "ends before it starts" --from 1h --to 2h
"$RDSWATCH" export --history "$RW_TMP/none.db" >/dev/null 2>"$RW_TMP/err"
rw_assert_eq "$?" 1 "missing history: exit status"
rw_assert_contains "$(cat "$RW_TMP/err")" "no history at" "missing history"
"$RDSWATCH" export --help >"$RW_TMP/help" || rw_fail "export --help: exit status"
grep -q "markdown, jsonl, csv or text" "$RW_TMP/help" || rw_fail "export --help"
awk 'length($0) > 80 { print; bad = 1 } END { exit bad }' "$RW_TMP/help" ||
	rw_fail "export --help is wider than 80 columns"

# Text: the dashboard's panes at a moment, each with its title in tab
# order, within the width, ASCII without a UTF-8 locale, a private file.
LC_ALL=C "$RDSWATCH" export --history "$db" -f text --at 115m --width 90 -o "$RW_TMP/out.txt" ||
	rw_fail "text export failed"
[ "$(stat -c %a "$RW_TMP/out.txt")" = 600 ] || rw_fail "text: the file is not 0600"
prev=0
for title in Overview Alerts Sessions "Failed logins" "RDS events" "GuardDuty findings" \
	"Backup & patch" "Security posture" Metrics Health; do
	n=$(grep -n -m1 "^$title " "$RW_TMP/out.txt" | cut -d: -f1)
	[ -n "$n" ] && [ "$n" -gt "$prev" ] || rw_fail "text: pane '$title' missing or out of order"
	prev=$n
done
grep -q "^db-a .*available" "$RW_TMP/out.txt" || rw_fail "text: the overview has no db-a"
grep -q "HIGH 8.0 db-a .*CredentialAccess" "$RW_TMP/out.txt" || rw_fail "text: the finding is not shown"
awk 'length($0) > 90 { bad = 1 } END { exit bad }' "$RW_TMP/out.txt" || rw_fail "text: wider than 90"
LC_ALL=C grep -q -P '[^\x00-\x7f]' "$RW_TMP/out.txt" && rw_fail "text: non-ASCII without UTF-8"
t=$("$RDSWATCH" export --history "$db" -f text --at 3h --width 80) || rw_fail "text before history"
rw_assert_contains "$t" "(no alerts)" "text: before the incident"
usage "--at without text" "are for --format text" --at 1h
usage "text over a window" "shows one moment" -f text --since 1h
usage "bad width" "--width: a number" -f text --width 10 --at 1h

# hunter2 is nowhere: not in the history, its -wal, the debug log, or
# any export.
for f in "$db" "$db-wal" "$RW_TMP/debug.log" "$RW_TMP"/out* "$RW_TMP"/csv/* "$RW_TMP/logins.csv"; do
	[ -e "$f" ] || continue
	grep -a -q hunter2 "$f" && rw_fail "hunter2 found in $f"
done
grep -a -q "PASSWORD '\*\*\*'" "$db" "$db-wal" 2>/dev/null || rw_fail "the masked query is not in the history"
echo "export: timeline in order, jsonl round-trips, csv ok, files private, no hunter2"
