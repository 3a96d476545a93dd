# tmux helpers for terminal tests. Each test runs its own tmux server on a
# private socket so tests never touch the user's tmux or each other.

rw_require_cmd tmux

RW_TMUX_SOCK=${RW_TMUX_SOCK:-rdswatch-test-$$}
# No status line, so the pane is exactly the W x H asked for; panes stay
# after their program exits, so a test can read its last screen.
RW_TMUX_CONF=$(mktemp "${TMPDIR:-/tmp}/rdswatch-tmux.XXXXXX")
printf '%s\n' "set -g status off" "set -g remain-on-exit on" \
	"set -g history-limit 5000" >"$RW_TMUX_CONF"

# Commands name their session exactly (-t =t:): a bare "t" is also
# matched against window names of whichever session tmux deems current,
# and with a second session a key sent to "t" can land elsewhere.
rw_tmux() {
	tmux -L "$RW_TMUX_SOCK" -f "$RW_TMUX_CONF" "$@"
}

# rw_tmux_start W H CMD...: a detached session "t" running CMD in a W x H pane.
rw_tmux_start() {
	local w=$1 h=$2
	shift 2
	rw_tmux new-session -d -s t -x "$w" -y "$h" "$@" || rw_fail "tmux new-session"
}

rw_tmux_stop() {
	rw_tmux kill-server 2>/dev/null || true
	rm -f "$RW_TMUX_CONF"
}

# The pane's text as a user sees it (no escape sequences).
rw_tmux_capture() {
	rw_tmux capture-pane -p -t =t:
}

# The screen and everything scrolled off it.
rw_tmux_capture_all() {
	rw_tmux capture-pane -p -S - -t =t:
}

# rw_tmux_size: "WxH" of the pane.
rw_tmux_size() {
	rw_tmux display-message -p -t =t: '#{pane_width}x#{pane_height}'
}

# rw_tmux_wait_for TEXT [SECONDS]: waits until TEXT is on screen.
rw_tmux_wait_for() {
	local text=$1 limit=${2:-10} i
	for ((i = 0; i < limit * 10; i++)); do
		case "$(rw_tmux_capture)" in
		*"$text"*) return 0 ;;
		esac
		sleep 0.1
	done
	rw_fail "'$text' did not appear within ${limit}s; screen:"$'\n'"$(rw_tmux_capture)"
}

rw_tmux_pane_dead() {
	[ "$(rw_tmux display-message -p -t =t: '#{pane_dead}')" = 1 ]
}
