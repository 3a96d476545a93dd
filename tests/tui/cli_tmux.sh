#!/bin/bash
# The terminal harness itself: rdswatch runs in a real tmux pane at 80x24,
# and its help fits the narrowest terminal on-call engineers use (SSM's
# default 80 columns) without wrapping.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib/common.sh"
. "$top_srcdir/tests/lib/tmux.sh"
trap rw_tmux_stop EXIT

rw_tmux_start 80 24 "$RDSWATCH --help; echo rc=\$?"
rw_tmux_wait_for "rc=0"
rw_assert_eq "$(rw_tmux_size)" 80x24 "pane size"
screen=$(rw_tmux_capture)
rw_assert_contains "$screen" "usage: rdswatch" "help in tmux"
rw_assert_contains "$screen" "Commands:" "help in tmux"

# No line of the help is wider than 80 columns.
while IFS= read -r line; do
	[ ${#line} -le 80 ] || rw_fail "help line wider than 80 columns: $line"
done < <("$RDSWATCH" --help)
rw_tmux kill-session -t =t

rw_tmux_start 80 24 "$RDSWATCH frobnicate; echo rc=\$?"
rw_tmux_wait_for "rc=2"
rw_assert_contains "$(rw_tmux_capture_all)" "unknown command 'frobnicate'" "usage error in tmux"
exit 0
