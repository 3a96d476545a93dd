#!/bin/bash
# Replay shows what was on screen: the live dashboard records into
# --history against the local AWS endpoint (demo scenario, at 10x so it
# changes while we watch); captures of its panes are taken with the time
# their status line shows (T); then `rdswatch replay --at T` on the same
# history, on the same pane, must draw the same screen above the banner
# and the status line (the tab bar with its alert counts, the pane's
# title with its freshness, every row). Ages may differ by one unit: the
# live frame was drawn within the second T names, the replay at T itself.
# Also: replaying from the live dashboard (H, {, }, L) on the same feed.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/tui/dash_lib.sh"

export LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=screen
PY=/usr/bin/python3
[ -x "$PY" ] && "$PY" -c 'import botocore' 2>/dev/null ||
	rw_skip "/usr/bin/python3 with botocore is needed for the local AWS endpoint"

env=$("$top_srcdir/tests/rig/fakeaws/start" --scenario "$top_srcdir/tests/rig/scenarios/demo.json" \
	--speed 10 --lifetime 600) || rw_fail "the local AWS endpoint did not start"
eval "$env"
trap '"$top_srcdir/tests/rig/fakeaws/stop" "$FAKEAWS_PID" >/dev/null 2>&1; rw_tmux_stop; rm -rf "$RW_TMP"' EXIT
export HOME=$RW_TMP/home XDG_STATE_HOME=$RW_TMP/state XDG_CONFIG_HOME=$RW_TMP/xdg
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_EC2_METADATA_DISABLED=true
mkdir -p "$HOME"
(umask 077 && : >"$RW_TMP/config")
H=$RW_TMP/history.db
W=120 R=40
# The panes compared, by key: every one (the PostgreSQL rig is not
# started, so Sessions is empty and Health shows the pg sources failing,
# as they were).
PANES="1 2 3 4 5 6 7 8 9 0"

# The time a capture's status line shows, as ISO 8601 (the date is
# today's; a capture across midnight is retaken).
capture_time() {
	local clock
	clock=$(tail -n 1 "$1" | grep -oE '[0-9]{2}:[0-9]{2}:[0-9]{2} UTC' | tail -n 1)
	[ -n "$clock" ] || rw_fail "no clock in the status line of $1:"$'\n'"$(cat "$1")"
	echo "$(date -u +%F)T${clock% UTC}Z"
}

# compare LIVE REPLAY: the first R-2 lines, equal but for ages (a number
# and s, m, h or d) that may differ by one. Fails (status 1, the
# differences on stdout) otherwise.
compare() {
	"$PY" - "$1" "$2" "$((R - 2))" <<'PY'
import re, sys
live, replay = (open(p, encoding="utf-8").read().split("\n") for p in sys.argv[1:3])
rows = int(sys.argv[3])
age = re.compile(r"(?<![\w.])(\d+)([smhd])(?!\w)")
bad = []
for n in range(rows):
    a = live[n] if n < len(live) else ""
    b = replay[n] if n < len(replay) else ""
    if a == b:
        continue
    ok = age.sub("#", a) == age.sub("#", b)
    if ok:
        for x, y in zip(age.findall(a), age.findall(b)):
            ok &= x[1] == y[1] and abs(int(x[0]) - int(y[0])) <= 1
    if not ok:
        bad.append("line %d\n  live:   %s\n  replay: %s" % (n + 1, a, b))
if bad:
    print("\n".join(bad))
    print("--- live:\n%s\n--- replay:\n%s" % ("\n".join(live), "\n".join(replay)))
    sys.exit(1)
PY
}

# 1. Live, recording. Wait for the demo's fleet, its failed-login burst
# and its events, and a few polls of everything.
dash_start "$W" "$R" "$RDSWATCH" --config "$RW_TMP/config" --history "$H" --refresh 2s
dash_wait_ready 30
dash_wait_line 2 "Overview  6 of 6"
dash_keys 4
dash_wait_line 2 "Failed logins"
rw_tmux_wait_for "185.220.101.34" 60
dash_keys 5
dash_wait_line 2 "RDS events"
sleep 6
# Paused, so no poll is in flight ("updating" is not history) and the
# data stays still while the panes are captured; the clock and the ages
# go on.
dash_keys Space
dash_wait_line 39 "polling paused"
sleep 4
# Each pane twice, a second or so apart: the live frame is drawn some
# milliseconds into the second its clock shows, so an event that lies
# exactly on a window's edge (5 min, 1 h) can count live and not at the
# whole second replayed; two moments cannot both fall on such an edge.
for k in $PANES; do
	dash_keys "$k"
	dash_wait_line 2 "${DASH_TITLES[$k]}"
	for try in a b; do
		sleep 1.2	# the next tick: the frame and its clock are one
		rw_tmux_capture >"$RW_TMP/live.$k.$try"
		rw_assert_contains "$(tail -n 1 "$RW_TMP/live.$k.$try")" "PAUSED" "pane $k captured live"
		capture_time "$RW_TMP/live.$k.$try" >"$RW_TMP/at.$k.$try"
	done
done
# Replay from the live dashboard: H freezes now from history, { goes
# back an hour (before anything was recorded), } } come back (up to now),
# what would change state is refused, L is live again.
dash_keys 4 H
dash_wait_line "$R" "replay at"
rw_tmux_wait_for "185.220.101.34" 10
dash_keys '{'
dash_wait_line 2 "Failed logins  [by client address]  0 of 0"
dash_keys '}' '}'
dash_wait_line $((R - 1)) "history goes no further"
rw_tmux_wait_for "185.220.101.34" 10
dash_keys R
dash_wait_line $((R - 1)) "R is refused: a replay shows history and changes nothing (L goes back to live)"
dash_keys L
dash_wait_line "$R" "PAUSED"
rw_assert_not_contains "$(dash_line "$R")" "replay at" "back to live"
pid=$(dash_pid)
dash_keys q
rw_assert_eq "$(dash_wait_exit "$pid")" 0 "the live dashboard's exit"
grep -q "185.220.101.34" "$RW_TMP/live.4.a" || rw_fail "the burst was not captured live"

# 2. The replay at each capture's T, the same pane: the first capture,
# or else the second, must match.
for k in $PANES; do
	diffs=""
	for try in a b; do
		at=$(cat "$RW_TMP/at.$k.$try")
		dash_start "$W" "$R" "$RDSWATCH" replay --config "$RW_TMP/config" --history "$H" --at "$at"
		dash_wait_ready 15
		dash_wait_line "$R" "replay at $(date -u -d "$at" '+%Y-%m-%d %H:%M:%S') UTC"
		dash_keys "$k"
		dash_wait_line 2 "${DASH_TITLES[$k]}"
		for i in $(seq 1 50); do
			case "$(dash_line "$R")" in *"reading history"*) sleep 0.1 ;; *) break ;; esac
		done
		sleep 0.3
		rw_tmux_capture >"$RW_TMP/replay.$k.$try"
		dash_keys q
		rw_tmux_wait_for "END" 15
		if out=$(compare "$RW_TMP/live.$k.$try" "$RW_TMP/replay.$k.$try"); then
			diffs=""
			break
		fi
		diffs+="at $at:"$'\n'"$out"$'\n'
	done
	[ -z "$diffs" ] || rw_fail "pane $k: the replay differs from the live capture"$'\n'"$diffs"
done
exit 0
