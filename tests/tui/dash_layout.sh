#!/bin/bash
# The dashboard in a real terminal, without fleet data: its layout at
# 80x24 and 200x60, every pane by its key and by Tab, the help screen
# listing every key, "terminal too small", resize storms, and the size
# re-read when no SIGWINCH comes (as in some SSM sessions).
. "${top_srcdir:-$(dirname "$0")/../..}/tests/tui/dash_lib.sh"

export LANG=C.UTF-8 LC_ALL=C.UTF-8

# --- 80x24 ------------------------------------------------------------------
# No AWS configuration at all: the status line says which source fails.
dash_start 80 24 env -u AWS_REGION -u AWS_DEFAULT_REGION -u AWS_PROFILE \
	AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_EC2_METADATA_DISABLED=true \
	TERM=screen "$RDSWATCH"
dash_wait_ready
rw_assert_eq "$(rw_tmux_size)" 80x24 "pane size"
rw_assert_eq "$(rw_tmux display-message -p -t =t: '#{alternate_on}')" 1 "alternate screen"
rw_assert_contains "$(dash_line 1)" "1 Over 2 Alrt 3 Sess 4 Fail 5 Evnt 6 Find 7 Bkup 8 Post 9 Metr 0 Hlth" "tab bar at 80"
rw_assert_contains "$(dash_line 2)" "Overview" "first pane"
rw_assert_contains "$(dash_line 24)" "LIVE" "status line"
dash_wait_line 24 "aws failing"
rw_assert_contains "$(dash_line 24)" "aws failing" "status line"
rw_assert_contains "$(dash_line 24)" "every 5s" "status line"

# Every pane by its key, by Tab and Shift-Tab.
dash_assert_pane_keys

# The help screen lists every key of the key table (as `watch --help`
# prints it), page by page, in each pane that has keys of its own.
help_text=
for pane in 1 2 3 4; do
	dash_keys "$pane" '?'
	rw_tmux_wait_for "rdswatch help" 5
	for page in 1 2 3; do
		help_text+=$(rw_tmux_capture)$'\n'
		dash_keys f
		sleep 0.2
	done
	dash_keys Escape
	sleep 0.2
done
rw_assert_contains "$help_text" "quit" "help"
listed=0
while IFS= read -r line; do
	case "$line" in "  "*) ;; *) continue ;; esac
	names=$(sed -E 's/^  (.{16}).*/\1/; s/ +$//' <<<"$line")
	rw_assert_contains "$help_text" "$names " "help screen lists '$names'"
	listed=$((listed + 1))
done < <("$RDSWATCH" watch --help | sed -n '/^Keys/,$p')
[ "$listed" -ge 30 ] || rw_fail "only $listed keys in watch --help"

# Below 80x24: "terminal too small", and q still quits.
rw_tmux resize-window -t =t: -x 70 -y 20
rw_tmux_wait_for "terminal too small: 70x20" 5
rw_tmux resize-window -t =t: -x 80 -y 23
rw_tmux_wait_for "terminal too small: 80x23" 5
rw_tmux resize-window -t =t: -x 80 -y 24
dash_wait_line 24 "UTC"

# --- a resize storm, 200x60 -> 80x24 -> 200x60, many times -----------------
pid=$(dash_pid)
for i in $(seq 1 15); do
	rw_tmux resize-window -t =t: -x 200 -y 60
	rw_tmux resize-window -t =t: -x 80 -y 24
done
rw_tmux resize-window -t =t: -x 200 -y 60
dash_wait_line 60 "UTC"
dash_wait_line 1 "1 Overview 2 Alerts 3 Sessions 4 Logins 5 Events"
rw_assert_eq "$(rw_tmux_size)" 200x60 "pane size"
kill -0 "$pid" || rw_fail "rdswatch died in the resize storm"
[ "$(rw_tmux_capture | wc -l)" -eq 60 ] || rw_fail "not 60 lines"
rw_tmux resize-window -t =t: -x 80 -y 24
dash_wait_line 24 "UTC"
dash_wait_line 1 "1 Over 2 Alrt"
rw_tmux resize-window -t =t: -x 200 -y 60
dash_wait_line 60 "UTC"
dash_keys 3
dash_wait_line 2 "Sessions"
dash_keys q
rc=$(dash_wait_exit "$pid")
rw_assert_eq "$rc" 0 "exit status after q"

# --- no SIGWINCH: the size is re-read every second ------------------------
dash_start 100 30 /usr/bin/python3 -c '
import os, signal, sys
signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGWINCH])
os.execv(sys.argv[1], [sys.argv[1]])' "$RDSWATCH"
dash_wait_ready
dash_wait_line 30 "UTC"
rw_tmux resize-window -t =t: -x 120 -y 40
dash_wait_line 40 "UTC"
dash_keys q
rw_tmux_wait_for "END" 10
exit 0
