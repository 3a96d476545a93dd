#!/bin/bash
# scripts/demo as a user runs it, in an 80x24 tmux pane: the dashboard
# shows within 60 s, and q - or SIGTERM, SIGINT or SIGHUP sent to the
# script - leaves the terminal restored (normal screen, echo, canonical
# mode), the right exit status, and nothing the demo started behind: no
# rdswatch, PostgreSQL, endpoint, session holder or player, no temp dir.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/tui/dash_lib.sh"

[ -x /usr/lib/postgresql/15/bin/initdb ] || rw_skip "PostgreSQL 15 not installed (scripts/install-deps)"
/usr/bin/python3 -c 'import botocore' 2>/dev/null || rw_skip "python3-botocore not installed"

# Everything the demo creates lands here; under root the rig's PostgreSQL
# runs as postgres, which must reach it.
demo_tmp=$(mktemp -d "${TMPDIR:-/tmp}/rdswatch-demo-test.XXXXXX")
chmod 755 "$demo_tmp"
trap 'rw_tmux_stop; rm -rf "$RW_TMP"; sleep 2; rm -rf "$demo_tmp"' EXIT

# The processes under PID, recursively.
descendants() {
	local c
	for c in $(ps -o pid= --ppid "$1" 2>/dev/null); do
		echo "$c"
		descendants "$c"
	done
}

# Every process the demo started: the script's descendants, the rig's
# PostgreSQL and session holders (detached), the endpoint (its own
# session), all recognisable by the private temp dir.
demo_processes() {
	local script=$1 f
	descendants "$script"
	pgrep -f -- "$demo_tmp/" 2>/dev/null
	for f in "$demo_tmp"/rdswatch-pg.*/holders/*.pid "$demo_tmp"/rdswatch-pg.*/data/postmaster.pid; do
		[ -f "$f" ] && head -n 1 "$f"
	done
}

for how in q TERM INT HUP; do
	t0=$SECONDS
	dash_start 80 24 env TMPDIR="$demo_tmp" DEMO_BIN="$RDSWATCH" TERM=screen LANG=C.UTF-8 LC_ALL=C.UTF-8 \
		"$top_srcdir/scripts/demo" --no-install --speed 20
	dash_wait_ready 60
	dash_wait_line 4 "analytics-legacy"
	echo "$how: the dashboard after $((SECONDS - t0)) s"
	script=$(dash_pid)
	[ -n "$script" ] || rw_fail "$how: no demo script"
	rw_assert_eq "$(ps -o comm= -p "$script")" demo "$how: the pane runs scripts/demo"
	rdswatch=$(ps -o pid=,comm= --ppid "$script" | awk '$2 == "rdswatch" { print $1 }')
	[ -n "$rdswatch" ] || rw_fail "$how: rdswatch is not the script's child"
	# Sessions on the rig are being watched: the demo is whole.
	dash_keys 3
	dash_wait_line 2 "Sessions"
	rw_tmux_wait_for "reporting" 30
	procs=$(demo_processes "$script" | sort -u)
	[ "$(wc -l <<<"$procs")" -ge 5 ] || rw_fail "$how: too few demo processes found: $procs"
	ls "$demo_tmp" | grep -q '^rdswatch-demo\.' || rw_fail "$how: no demo temp dir in $demo_tmp"

	if [ "$how" = q ]; then
		dash_keys q
	else
		kill -s "$how" "$script"
	fi
	rc=$(dash_wait_exit "$rdswatch")
	want=0
	[ "$how" = q ] || want=$(dash_signal_status "$how")
	rw_assert_eq "$rc" "$want" "$how: the demo's exit status"
	rw_assert_not_contains "$(rw_tmux_capture)" "1 Over 2 Alrt" "$how: dashboard left on screen"
	# Nothing left running, nothing left on disk.
	for ((i = 0; i < 100; i++)); do
		left=
		for p in $procs; do
			kill -0 "$p" 2>/dev/null && left+=" $p($(ps -o comm= -p "$p"))"
		done
		[ -z "$left" ] && break
		sleep 0.2
	done
	[ -z "$left" ] || rw_fail "$how: still running after the demo:$left"
	rw_assert_eq "$(ls -A "$demo_tmp")" "" "$how: left in the temp dir"
done
exit 0
