#!/bin/bash
# The dashboard's history, against the local AWS endpoint (demo scenario):
#   - --history FILE is created 0600 in a new 0700 directory and records
#     the polls and the user's acknowledgement;
#   - with every AWS call hanging, a restart opens the screen at once
#     ("discovering..."), shows the last known state from history marked
#     with its age, the acknowledged alert still acknowledged, and quits
#     promptly during discovery;
#   - a second dashboard on the same file shows it but says it is not
#     recording;
#   - once polls land again, the rules keep the acknowledgement;
#   - a symlinked history is refused before the screen opens.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/tui/dash_lib.sh"
. "$top_srcdir/tests/it/aws_lib.sh"	# aws_ctl

export LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=xterm-256color
PY=/usr/bin/python3
[ -x "$PY" ] && "$PY" -c 'import botocore' 2>/dev/null ||
	rw_skip "/usr/bin/python3 with botocore is needed for the local AWS endpoint"

env=$("$top_srcdir/tests/rig/fakeaws/start" --scenario "$top_srcdir/tests/rig/scenarios/demo.json" \
	--lifetime 600) || rw_fail "the local AWS endpoint did not start"
eval "$env"
trap '"$top_srcdir/tests/rig/fakeaws/stop" "$FAKEAWS_PID" >/dev/null 2>&1; rw_tmux_stop; rm -rf "$RW_TMP"' EXIT
export HOME=$RW_TMP/home XDG_STATE_HOME=$RW_TMP/state XDG_CONFIG_HOME=$RW_TMP/xdg
mkdir -p "$HOME"
(umask 077 && : >"$RW_TMP/config")
H=$RW_TMP/hist/sub/history.db
DASH=("$RDSWATCH" --config "$RW_TMP/config" --history "$H")


# The status line (the last of 24).
status() {
	dash_line 24
}

# 1. Record: acknowledge "automated backups off" (analytics-legacy has
# no backups in the demo).
dash_start 80 24 "${DASH[@]}"
dash_wait_ready
dash_keys 2
dash_wait_line 2 "Alerts"
rw_tmux_wait_for "automated backups off" 30
dash_keys / 'backups off' Enter
dash_wait_line 2 "filter /backups off/"
dash_keys a
rw_tmux_wait_for 'Acknowledge "automated backups off"' 5
dash_keys -l 'history test'
dash_keys Enter
rw_tmux_wait_for "acknowledged: automated backups off" 5
rw_assert_contains "$(rw_tmux_capture | grep 'automated backups off' | head -n 1)" "acked" \
	"acknowledged in the first run"
dash_keys q
rw_assert_eq "$(dash_wait_exit "")" 0 "first run's exit"

[ -f "$H" ] && [ ! -L "$H" ] || rw_fail "no history file at $H"
rw_assert_eq "$(stat -c %a "$H")" 600 "history file mode"
rw_assert_eq "$(stat -c %a "$(dirname "$H")")" 700 "history directory mode"
rw_assert_eq "$(stat -c %a "$(dirname "$(dirname "$H")")")" 700 "history parent directory mode"
if command -v sqlite3 >/dev/null 2>&1; then
	polls=$(sqlite3 "file:$H?mode=ro" 'SELECT count(*) FROM sources_s')
	[ "${polls:-0}" -gt 0 ] || rw_fail "no poll outcomes in the history ($polls)"
fi
jsonl=$("$RDSWATCH" export --history "$H" --format jsonl --since 1h) || rw_fail "export failed"
grep -q '"type":"instance"' <<<"$jsonl" || grep -q '"analytics-legacy"' <<<"$jsonl" ||
	rw_fail "the polls are not in the history:"$'\n'"$jsonl"
ack=$(grep '"alert_event"' <<<"$jsonl" | grep '"backup:analytics-legacy"' | grep '"acknowledged"')
rw_assert_contains "$ack" '"note":"history test"' "the acknowledgement in history"
rw_assert_contains "$ack" "\"who\":\"$(id -un)@" "who acknowledged, in history"

# 2. Every AWS call hangs: the screen opens at once, on the state from
# history, marked with its age, while discovery waits on the endpoint.
aws_ctl POST /faults '{"service": "*", "operation": "*", "kind": "hang", "seconds": 120}' >/dev/null
dash_start 80 24 "${DASH[@]}"
rw_tmux_wait_for "discovering..." 5
line=$(status)
rw_assert_contains "$line" "from history, " "the note during discovery"
grep -qE 'from history, [0-9]+[smhd] old' <<<"$line" || rw_fail "no age in the note: $line"
dash_keys 2
dash_wait_line 2 "Alerts"
rw_tmux_wait_for "automated backups off" 5
screen=$(rw_tmux_capture)
rw_assert_contains "$(grep 'automated backups off' <<<"$screen" | head -n 1)" "acked" \
	"acknowledgement after a restart, from history"
rw_assert_contains "$(tail -n 1 <<<"$screen")" "discovering..." "still before the first poll"
pid2=$(dash_pid)
# Quitting during discovery does not wait for it (10 s against this
# endpoint).
rw_assert_contains "$(status)" "discovering..." "quitting during discovery"
start=$(date +%s%N)
dash_keys q
rw_assert_eq "$(dash_wait_exit "$pid2")" 0 "exit during discovery"
ms=$((($(date +%s%N) - start) / 1000000))
[ "$ms" -lt 3000 ] || rw_fail "quitting during discovery took $ms ms"

# 3. A second dashboard on the same file while the first records:
# shown, not recorded.
dash_start 80 24 "${DASH[@]}"
dash_wait_ready
pid3=$(dash_pid)
rw_tmux new-session -d -s u -x 200 -y 24 "${DASH[*]@Q}; echo \$? >$RW_TMP/rc2" ||
	rw_fail "second session"
for ((i = 0; i < 100; i++)); do
	case "$(rw_tmux capture-pane -p -t =u: | tail -n 1)" in
	*"not recording: history in use by pid $pid3"*) break ;;
	esac
	sleep 0.1
done
line=$(rw_tmux capture-pane -p -t =u: | tail -n 1)
rw_assert_contains "$line" "not recording: history in use by pid $pid3" "second dashboard's note"
rw_tmux send-keys -t =u: 2
for ((i = 0; i < 50; i++)); do
	rw_tmux capture-pane -p -t =u: | grep -q 'automated backups off' && break
	sleep 0.1
done
rw_assert_contains "$(rw_tmux capture-pane -p -t =u: | grep 'automated backups off' | head -n 1)" \
	"acked" "second dashboard's state from history"
rw_tmux send-keys -t =u: q
dash_keys q
rw_assert_eq "$(dash_wait_exit "$pid3")" 0 "first dashboard's exit"
for ((i = 0; i < 100; i++)); do
	[ -s "$RW_TMP/rc2" ] && break
	sleep 0.1
done
[ -s "$RW_TMP/rc2" ] || rw_fail "second dashboard did not exit; its screen:"$'\n'"$(rw_tmux capture-pane -p -t =u:)"
rw_assert_eq "$(cat "$RW_TMP/rc2")" 0 "second dashboard's exit"

# 4. The endpoint answers again: once polls land the note goes, and the
# rules carry the acknowledgement on.
aws_ctl DELETE /faults >/dev/null
dash_start 80 24 "${DASH[@]}"
dash_wait_ready
dash_keys 2
dash_wait_line 2 "Alerts"
for ((i = 0; i < 300; i++)); do
	case "$(status)" in
	# (before history is read, the note says so: not yet either)
	*"from history"* | *"discovering"* | *"reading history"*) sleep 0.1 ;;
	*) break ;;
	esac
done
rw_assert_not_contains "$(status)" "from history" "note after the first poll"
rw_assert_not_contains "$(status)" "not recording" "the only writer"
# A rules evaluation (every 5 s) on the polled state.
sleep 6
rw_assert_contains "$(rw_tmux_capture | grep 'automated backups off' | head -n 1)" "acked" \
	"acknowledgement after fresh polls"
dash_keys q
rw_assert_eq "$(dash_wait_exit "")" 0 "last run's exit"

# 5. A symlink is refused before the screen opens.
ln -s "$H" "$RW_TMP/link.db"
dash_start 80 24 "$RDSWATCH" --config "$RW_TMP/config" --history "$RW_TMP/link.db"
rw_tmux_wait_for "END" 10
screen=$(rw_tmux_capture_all)
rw_assert_contains "$screen" "cannot open the dashboard" "symlinked history"
rw_assert_contains "$screen" "symlink" "symlinked history"
rw_assert_contains "$screen" "rc=1" "symlinked history's exit status"
exit 0
