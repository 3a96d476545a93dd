#!/bin/bash
# rdswatch replay in a real terminal, on a history written by the real
# store (tests/it/store_driver's scripted incident, from S = 2 hours ago:
# a plaintext and two superuser sessions from S+70s to S+210s, a
# failed-login burst, a brute-force finding, a critical alert from S+215s
# to S+260s, a failover at S+225s). At 80x24 and 120x40: the panes show
# what existed at T and only then, the status line says "replay at T",
# [ ] { } move T (never past now), what would change state is refused,
# L says there is no live data, q restores the terminal; the same beside a
# process writing the history; usage errors.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/tui/dash_lib.sh"

driver=$top_builddir/tests/it/store_driver
[ -x "$driver" ] || rw_fail "store_driver not built at $driver"
rw_require_cmd sqlite3
export LANG=C.UTF-8 LC_ALL=C.UTF-8

now=$(date -u +%s)
S=$((now - 7200 - now % 60))
iso() { date -u -d "@$1" +%Y-%m-%dT%H:%M:%SZ; }
shown() { date -u -d "@$1" '+replay at %Y-%m-%d %H:%M:%S UTC'; }
db=$RW_TMP/history.db
"$driver" --history "$db" --start "$(iso "$S")" incident || rw_fail "the driver failed"
replay() { dash_start "$1" "$2" env TERM=screen "$RDSWATCH" replay --history "$db" "${@:3}"; }
status() { dash_line "$rows"; }

# --- 80x24 at S+120s: the risky sessions, the burst, the finding --------
rows=24
A=$((S + 120))
replay 80 24 --at "$(iso "$A")"
dash_wait_ready
rw_assert_eq "$(rw_tmux_size)" 80x24 "pane size"
dash_wait_line 24 "$(shown "$A")"
rw_assert_not_contains "$(status)" "LIVE" "status line in a replay"
dash_key_wait 3 "198.51.100.23"
screen=$(rw_tmux_capture)
rw_assert_contains "$screen" "Sessions  [all]  4 of 4" "sessions at S+120s"
rw_assert_contains "$screen" "dba_admin" "the superuser sessions at S+120s"
dash_keys t
dash_wait_line 2 "[no TLS]  1 of 1"
rw_assert_contains "$(rw_tmux_capture)" "198.51.100.23" "the no-TLS filter at S+120s"
dash_keys a 4
dash_wait_line 2 "Failed logins"
rw_assert_contains "$(rw_tmux_capture)" "203.0.113.9" "the burst at S+120s"
dash_keys 6
dash_wait_line 2 "GuardDuty findings  1 of 1"
# The failover comes later: not at S+120s.
dash_keys 5
dash_wait_line 2 "RDS events"
rw_assert_not_contains "$(rw_tmux_capture)" "failover" "events at S+120s"
# ] and [ step by the refresh interval (5s), } and { by an hour.
dash_keys ']'
dash_wait_line 24 "$(shown $((A + 5)))"
dash_keys '[' '['
dash_wait_line 24 "$(shown $((A - 5)))"
dash_keys 3 '}'
dash_wait_line 24 "$(shown $((A - 5 + 3600)))"
# An hour on, the last poll (S+220s) had only the TLS session.
dash_wait_line 2 "Sessions  [all]  1 of 1"
rw_assert_not_contains "$(rw_tmux_capture)" "198.51.100.23" "sessions an hour on"
dash_keys '{'
dash_wait_line 24 "$(shown $((A - 5)))"
dash_wait_line 2 "Sessions  [all]  4 of 4"
# An hour before: nothing recorded yet.
dash_keys '{'
dash_wait_line 24 "$(shown $((A - 5 - 3600)))"
dash_wait_line 2 "Sessions  [all]  0 of 0"
dash_keys '}'
dash_wait_line 2 "Sessions  [all]  4 of 4"
pid=$(dash_pid)
dash_keys q
rw_assert_eq "$(dash_wait_exit "$pid")" 0 "replay's exit status after q"

# --- 120x40 at S+240s: the sessions ended, the failover, the alert ------
rows=40
B=$((S + 240))
replay 120 40 --at "$(iso "$B")" --theme light
dash_wait_ready
rw_assert_eq "$(rw_tmux_size)" 120x40 "pane size"
dash_wait_line 40 "$(shown "$B")"
dash_wait_line 1 "CRIT 1"
rw_assert_contains "$(dash_line 39)" "CRIT 1 active critical alert: CPU over 90% for 5 min [db-a]" \
	"the banner at S+240s"
[ -n "$(dash_colours)" ] || rw_fail "no colour with --theme light on TERM=screen"
dash_keys 3
dash_wait_line 2 "Sessions  [all]  1 of 1"
rw_assert_not_contains "$(rw_tmux_capture)" "198.51.100.23" "sessions at S+240s"
dash_keys 5
dash_wait_line 2 "RDS events  1 of 1"
rw_assert_contains "$(rw_tmux_capture)" "Multi-AZ instance failover started." "events at S+240s"
dash_keys 2
dash_wait_line 2 "Alerts  1 of 1"
rw_assert_contains "$(dash_line 4)" "CRIT active" "the alert at S+240s"
# A replay changes nothing: acknowledging, snoozing, refreshing, pausing.
for k in a s R Space; do
	dash_keys "$k"
	name=$k
	dash_wait_line 39 "$name is refused: a replay shows history and changes nothing"
done
rw_assert_not_contains "$(rw_tmux_capture)" "Acknowledge" "a prompt in a replay"
# No live data to go back to.
dash_keys L
dash_wait_line 39 "no live data here"
dash_wait_line 40 "$(shown "$B")"
# Never past now: } } } stop at the current second.
dash_keys '}' '}' '}'
dash_wait_line 39 "history goes no further"
at=$(sed -n 's/.*replay at \([0-9-]* [0-9:]*\) UTC.*/\1/p' <<<"$(status)")
at=$(date -u -d "$at" +%s) || rw_fail "no time in the status line: $(status)"
[ "$at" -ge "$now" ] && [ "$at" -le "$(date -u +%s)" ] || rw_fail "replay at $at, not now ($now)"
pid=$(dash_pid)
dash_keys q
rw_assert_eq "$(dash_wait_exit "$pid")" 0 "replay's exit status after q"

# --- ASCII and no colour, as the dashboard's options say ----------------
rows=24
replay 80 24 --at "$(iso "$A")" --ascii --no-color
dash_wait_ready
dash_wait_line 24 "$(shown "$A")"
[ -z "$(dash_colours)" ] || rw_fail "colour with --no-color:"$'\n'"$(dash_colours)"
dash_assert_ascii "--ascii" 1 3 4 9
dash_keys q
rw_tmux_wait_for "END" 15

# --- while another process writes the history: read-only, side by side --
"$driver" --history "$db" --samples 10 heavy --forever &
writer=$!
for i in $(seq 1 50); do
	[ -n "$(sqlite3 "file:$db?mode=ro" "SELECT 1 FROM events WHERE message = 'batch 1'" 2>/dev/null)" ] && break
	sleep 0.1
done
replay 80 24 --at "$(iso "$A")"
dash_wait_ready
dash_wait_line 24 "$(shown "$A")"
dash_key_wait 3 "198.51.100.23"
dash_keys q
rw_tmux_wait_for "END" 15
rw_assert_contains "$(rw_tmux_capture_all)" "rc=0" "replay beside a writer"
kill -0 "$writer" 2>/dev/null || rw_fail "the writer stopped while the replay read"
kill "$writer"
wait "$writer"

# --- usage and errors, before the terminal is touched -------------------
out=$("$RDSWATCH" replay 2>&1) && rw_fail "replay without --at succeeded"
rw_assert_contains "$out" "--at WHEN is needed" "replay without --at"
"$RDSWATCH" replay >/dev/null 2>&1
rw_assert_eq "$?" 2 "exit status without --at"
out=$("$RDSWATCH" replay --at 'last tuesday' --history "$db" 2>&1)
rw_assert_eq "$?" 2 "exit status of a bad time"
rw_assert_contains "$out" "bad time 'last tuesday'" "a bad time"
out=$("$RDSWATCH" replay --at 2099-01-01T00:00:00Z --history "$db" 2>&1)
rw_assert_eq "$?" 2 "exit status of a time in the future"
rw_assert_contains "$out" "in the future" "a time in the future"
out=$("$RDSWATCH" replay --at 1h --history "$RW_TMP/none/history.db" 2>&1 </dev/null)
rw_assert_eq "$?" 1 "exit status without a history file"
rw_assert_contains "$out" "rdswatch: replay: " "no history file"
[ -e "$RW_TMP/none" ] && rw_fail "a read-only replay created $RW_TMP/none"
out=$("$RDSWATCH" replay --at 1h --history "$db" 2>&1 </dev/null)
rw_assert_eq "$?" 1 "exit status without a terminal"
rw_assert_contains "$out" "rdswatch once" "no terminal"
rw_assert_contains "$("$RDSWATCH" --help)" "replay --at WHEN" "rdswatch --help lists replay"
"$RDSWATCH" replay --help | grep -q -- "--history FILE" || rw_fail "replay --help"
exit 0
