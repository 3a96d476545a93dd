#!/bin/bash
# Every way out of the dashboard gives the terminal back (normal screen,
# echo and canonical mode on) and leaves no process behind: q, SIGTERM,
# SIGINT, SIGHUP, and a crash signal (SIGSEGV).
. "${top_srcdir:-$(dirname "$0")/../..}/tests/tui/dash_lib.sh"

export LANG=C.UTF-8 LC_ALL=C.UTF-8

for how in q TERM INT HUP SEGV; do
	dash_start 80 24 "$RDSWATCH"
	dash_wait_ready
	pid=$(dash_pid)
	[ -n "$pid" ] || rw_fail "$how: no rdswatch process"
	rw_assert_eq "$(rw_tmux display-message -p -t =t: '#{alternate_on}')" 1 "$how: alternate screen"
	if [ "$how" = q ]; then
		dash_keys q
	else
		kill -s "$how" "$pid"
	fi
	rc=$(dash_wait_exit "$pid")
	# SEGV: died of the signal, after restoring.
	want=0
	[ "$how" = q ] || want=$(dash_signal_status "$how")
	rw_assert_eq "$rc" "$want" "$how: exit status"
	# The screen is the shell's again: no dashboard left on it.
	screen=$(rw_tmux_capture)
	rw_assert_not_contains "$screen" "1 Over 2 Alrt" "$how: dashboard left on screen"
	# Threads and children too: nothing of rdswatch runs.
	if pgrep -P "$(rw_tmux display-message -p -t =t: '#{pane_pid}')" >/dev/null 2>&1 &&
		[ "$(ps -o comm= -p "$pid" 2>/dev/null)" = rdswatch ]; then
		rw_fail "$how: rdswatch still running"
	fi
done

# Esc then a key within ESCDELAY is two keys, not Alt-key: Esc closes the
# help, the next key acts on its own.
dash_start 80 24 "$RDSWATCH"
dash_wait_ready
dash_keys '?'
rw_tmux_wait_for "rdswatch help" 5
dash_keys Escape 3
dash_wait_line 2 "Sessions"
dash_keys q
rc=$(dash_wait_exit "")
rw_assert_eq "$rc" 0 "exit after Esc 3"
exit 0
