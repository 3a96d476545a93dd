# Helpers for the dashboard's terminal tests: run a command in a tmux pane
# through a wrapper that, after it exits, prints its status and the
# terminal's settings, so a test sees what the user would be left with.
. "${top_srcdir:-$(dirname "${BASH_SOURCE[0]}")/../..}/tests/lib/common.sh"
. "$top_srcdir/tests/lib/tmux.sh"

DASH_FIXTURE=${DASH_FIXTURE:-$top_builddir/tests/tui/dash_fixture}
[ -x "$RDSWATCH" ] || rw_fail "rdswatch not built at $RDSWATCH"

rw_tmpdir
trap 'rw_tmux_stop; rm -rf "$RW_TMP"' EXIT
# A history of each test's own: dashboards of tests running in parallel
# would otherwise share one (and all but one would not record).
export XDG_STATE_HOME=$RW_TMP/state

# dash_start W H CMD...: CMD (words, as given) in a W x H pane, then
# "rc=N", `stty -a` and "END". Any previous session goes first.
dash_start() {
	local w=$1 h=$2 q
	shift 2
	rw_tmux kill-server 2>/dev/null || true
	q=$(printf '%q ' "$@")
	cat >"$RW_TMP/run.sh" <<EOF
$q
echo "rc=\$?"
stty -a
echo END
EOF
	rw_tmux_start "$w" "$h" "bash $RW_TMP/run.sh"
}

# The pid of the program the pane's wrapper runs (empty once it exited).
dash_pid() {
	local shell
	shell=$(rw_tmux display-message -p -t =t: '#{pane_pid}')
	ps -o pid= --ppid "$shell" 2>/dev/null | tr -d ' ' | head -n 1
}

# dash_wait_ready: waits for the status line (its clock) to be drawn.
dash_wait_ready() {
	rw_tmux_wait_for " UTC" "${1:-15}"
}

dash_keys() {
	rw_tmux send-keys -t =t: "$@"
}

# dash_key_wait KEY TEXT: presses KEY and waits for TEXT.
dash_key_wait() {
	dash_keys "$1"
	rw_tmux_wait_for "$2" 10
}

# The line N (1-based) of the screen.
dash_line() {
	rw_tmux_capture | sed -n "${1}p"
}

# dash_wait_line N TEXT: waits until line N holds TEXT.
dash_wait_line() {
	local n=$1 text=$2 i
	for ((i = 0; i < 100; i++)); do
		case "$(dash_line "$n")" in
		*"$text"*) return 0 ;;
		esac
		sleep 0.1
	done
	rw_fail "line $n never showed '$text'; screen:"$'\n'"$(rw_tmux_capture)"
}

# dash_wait_exit: waits for the wrapper's END and checks the terminal
# was given back: normal screen, echo and canonical mode on, the program
# gone. Prints the program's exit status.
dash_wait_exit() {
	local pid=$1 out rc
	rw_tmux_wait_for "END" 15
	out=$(rw_tmux_capture_all)
	rw_assert_eq "$(rw_tmux display-message -p -t =t: '#{alternate_on}')" 0 "alternate screen left"
	grep -qE '(^| )echo( |$)' <<<"$out" || rw_fail "echo is off after exit:"$'\n'"$out"
	grep -qE '(^| )icanon( |$)' <<<"$out" || rw_fail "canonical mode is off after exit:"$'\n'"$out"
	grep -qE '(^| )-echo( |$)' <<<"$out" && rw_fail "echo is off after exit:"$'\n'"$out"
	if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
		rw_fail "process $pid is still running after exit"
	fi
	rc=$(sed -n 's/^rc=\([0-9]*\)$/\1/p' <<<"$out" | tail -n 1)
	echo "$rc"
}

# SGR colour parameters (30-49, 90-107, 38;5;N, 48;5;N) in the pane,
# one per line; default colours (39, 49) do not count.
dash_colours() {
	rw_tmux capture-pane -e -p -t =t: | /usr/bin/python3 -c '
import re, sys
for seq in re.findall(r"\x1b\[([0-9;:]*)m", sys.stdin.read()):
    p = [x for x in re.split(r"[;:]", seq) if x != ""]
    i = 0
    while i < len(p):
        n = int(p[i])
        if n in (38, 48) and i + 2 < len(p) and p[i + 1] == "5":
            print("%d;5;%s" % (n, p[i + 2])); i += 3; continue
        if (30 <= n <= 37) or (40 <= n <= 47) or (90 <= n <= 97) or (100 <= n <= 107):
            print(n)
        i += 1
'
}

# The panes' titles, by their keys.
DASH_TITLES=([1]="Overview" [2]="Alerts" [3]="Sessions" [4]="Failed logins"
	[5]="RDS events" [6]="GuardDuty findings" [7]="Backup & patch"
	[8]="Security posture" [9]="Metrics" [0]="Health")

# dash_assert_ascii WHAT KEY...: shows each pane and checks that nothing
# on the screen is outside printable ASCII.
dash_assert_ascii() {
	local what=$1 k screen
	shift
	for k in "$@"; do
		dash_keys "$k"
		dash_wait_line 2 "${DASH_TITLES[$k]}"
		screen=$(rw_tmux_capture)
		if LC_ALL=C grep -q '[^ -~]' <<<"$screen"; then
			rw_fail "$what, pane $k: non-ASCII on screen:"$'\n'"$screen"
		fi
	done
}

# dash_assert_pane_keys: every pane by its key, then by Tab round the
# ring, and back with Shift-Tab (BTab).
dash_assert_pane_keys() {
	local k
	for k in 1 2 3 4 5 6 7 8 9 0; do
		dash_keys "$k"
		dash_wait_line 2 "${DASH_TITLES[$k]}"
	done
	dash_keys 1
	dash_wait_line 2 "Overview"
	for k in 2 3 4 5 6 7 8 9 0 1; do
		dash_keys Tab
		dash_wait_line 2 "${DASH_TITLES[$k]}"
	done
	dash_keys BTab
	dash_wait_line 2 "Health"
}

# dash_assert_8_colours WHAT: colour on screen, none beyond the basic 8.
dash_assert_8_colours() {
	local colours
	colours=$(dash_colours)
	[ -n "$colours" ] || rw_fail "$1: no colour at all"
	if grep -qE '^(38|48);5;|^(9[0-7]|10[0-7])$' <<<"$colours"; then
		rw_fail "$1: colours beyond the 8 it has: $(sort -u <<<"$colours" | tr '\n' ' ')"
	fi
}

# The exit status of a program that restored the terminal and ended on
# signal NAME (128 + its number).
dash_signal_status() {
	echo $((128 + $(kill -l "$1")))
}

# dash_assert_hostile_role ROWS: on a Sessions pane showing the role
# evil ESC]0;pwned BEL role, ESC[2J and friends cleared nothing (the tab
# bar on line 1 and the status line on line ROWS are there), and the
# filtered session's detail view shows the role whole, escaped; leaves
# the detail view open.
dash_assert_hostile_role() {
	rw_assert_contains "$(dash_line 1)" "1 Overview" "tab bar after hostile text"
	rw_assert_contains "$(dash_line "$1")" "UTC" "status line after hostile text"
	dash_keys / 'pwned' Enter
	dash_wait_line 2 "filter /pwned/"
	dash_keys Enter
	rw_tmux_wait_for 'evil\x1b]0;pwned\x07role' 5
}
