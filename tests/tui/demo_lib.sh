# Helpers for the terminal tests against the demo: the demo's own setup
# (scripts/lib/demo.sh: the PostgreSQL rig, the local AWS endpoint playing
# demo.json, the sessions and failed logins made on the rig) and checks
# of what the dashboard shows against what the rig really holds.
. "${top_srcdir:-$(dirname "${BASH_SOURCE[0]}")/../..}/tests/tui/dash_lib.sh"
DEMO_BIN=$RDSWATCH
. "$top_srcdir/scripts/lib/demo.sh"

[ -x /usr/lib/postgresql/15/bin/initdb ] || rw_skip "PostgreSQL 15 not installed (scripts/install-deps)"
/usr/bin/python3 -c 'import botocore' 2>/dev/null || rw_skip "python3-botocore not installed"
[ -x "$RIG_SESSIONS" ] || rw_fail "rig-sessions not built at $RIG_SESSIONS"
trap 'demo_stop; rw_tmux_stop; rm -rf "$RW_TMP"' EXIT

# Played 20 times faster: the incident (60 s to 600 s) is over in 30 s.
DEMO_TEST_SPEED=20

demo_test_start() {
	DEMO_LIFETIME=1800 demo_start "$DEMO_TEST_SPEED" || rw_fail "the demo did not start"
}

# demo_wait_scenario S: waits until the scenario's second S and the
# player (the sessions and failed logins it makes on the rig) is done.
demo_wait_scenario() {
	while [ "$(demo_scenario_now)" -lt "$1" ]; do
		sleep 0.5
	done
	wait "$DEMO_PLAYER_PID" 2>/dev/null
	DEMO_PLAYER_PID=
}

# The rig's client sessions (pg_stat_activity with pg_stat_ssl), sorted:
# demo_rig_sessions plain|super pid|usename - the plaintext or the
# superuser (rds_superuser member) sessions' backend pids or users.
demo_rig_sessions() {
	local where
	case "$1" in
	plain) where="NOT s.ssl" ;;
	super) where="(r.rolsuper OR pg_has_role(a.usesysid, 'rds_superuser', 'MEMBER'))" ;;
	esac
	demo_psql <<EOF
SELECT DISTINCT a.$2 FROM pg_stat_activity a JOIN pg_stat_ssl s USING (pid)
  JOIN pg_roles r ON r.oid = a.usesysid
 WHERE a.backend_type = 'client backend' AND a.pid <> pg_backend_pid() AND $where
 ORDER BY 1;
EOF
}

# The pids the Sessions pane lists (rows start with the pid), sorted.
demo_screen_pids() {
	rw_tmux_capture | sed -n '4,$p' | awk '$1 ~ /^[0-9]+$/ { print $1 }' | sort -n
}

# demo_wait_pids FILTER-KEY TITLE EXPECTED: shows the Sessions pane with
# the quick filter and waits (a poll is 5 s) until it lists exactly the
# EXPECTED pids.
demo_wait_pids() {
	local key=$1 title=$2 want=$3 got i
	dash_keys 3 "$key"
	dash_wait_line 2 "$title"
	for ((i = 0; i < 150; i++)); do
		got=$(demo_screen_pids)
		[ "$got" = "$want" ] && return 0
		sleep 0.2
	done
	rw_fail "Sessions $title: pids $(echo $got), the rig has $(echo $want):"$'\n'"$(rw_tmux_capture)"
}

# demo_filter_count REGEX: the rows the current pane keeps under the `/`
# filter REGEX, once at least one shows (within 30 s); 0 if none does.
# Rows are counted on screen (the header's "N of M" may be cut off by a
# long filter): the lines between the column header and the last two.
demo_filter_count() {
	local re=$1 n i
	dash_keys /
	rw_tmux send-keys -t =t: -l "$re"
	dash_keys Enter
	dash_wait_line 2 "filter /"
	for ((i = 0; i < 150; i++)); do
		n=$(rw_tmux_capture | sed -n '4,$p' | head -n -2 | grep -c '[^ ]')
		[ "$n" -gt 0 ] && break
		sleep 0.2
	done
	dash_keys Escape
	echo "$n"
}

# The alerts the demo must raise whatever its speed (tests/rig/README.md,
# "The demo"), as `/` filters over the Alerts pane's columns: severity,
# instance, title. The sessions' alerts come from the rig (below).
DEMO_ALERTS=(
	'CRIT.*orders-prod.*failed-login burst from 185\.220\.101\.34'
	'CRIT.*orders-prod.*SuccessfulBruteForce'
	'WARN.*orders-prod.*TorIPCaller\.FailedLogin'
	'INFO.*orders-prod.*AnomalousBehavior\.FailedLogin'
	'WARN.*orders-prod.*RDS event: failover'
	'CRIT.*analytics-legacy.*automated backups off'
	'CRIT.*analytics-legacy.*CA certificate expiring'
	'CRIT.*analytics-legacy.*free storage low'
	'WARN.*analytics-legacy.*failed-login burst from 45\.155\.205\.233'
	'WARN.*analytics-legacy.*MaliciousIPCaller\.FailedLogin'
	'WARN.*analytics-legacy.*RDS event: backup disabled'
	'WARN.*analytics-legacy.*forced maintenance: system-update'
)

# What demo_check compares the screen with, read from the rig once the
# scenario's sessions are all open (so no query of ours is on screen).
demo_expect() {
	DEMO_PLAIN_PIDS=$(demo_rig_sessions plain pid)
	DEMO_SUPER_PIDS=$(demo_rig_sessions super pid)
	DEMO_PLAIN_USERS=$(demo_rig_sessions plain usename)
	DEMO_SUPER_USERS=$(demo_rig_sessions super usename)
	[ "$(wc -l <<<"$DEMO_PLAIN_PIDS")" -ge 3 ] || rw_fail "too few plaintext sessions on the rig: $DEMO_PLAIN_PIDS"
	[ "$(wc -l <<<"$DEMO_SUPER_PIDS")" -ge 2 ] || rw_fail "too few superuser sessions on the rig: $DEMO_SUPER_PIDS"
	# The player's burst reached the rig too: 75 failed logins in its log.
	rw_assert_eq "$(grep -c 'password authentication failed' "$RIG_PG_LOG")" 75 "failed logins on the rig"
}

# A Failed logins row's counts in the last hour and day.
demo_hour_day() {
	awk '{ i = $2 == "BURST" ? 3 : 2; print $(i + 1), $(i + 2) }'
}

# demo_check WHAT [burst]: every pane by its key and by Tab, the Sessions
# filters against the rig, the burst in Failed logins (marked BURST when
# "burst" is given: it is only within 5 minutes), Backup & patch, Alerts.
demo_check() {
	local what=$1 k line u n re
	dash_wait_ready 30
	dash_assert_pane_keys

	demo_wait_pids t "[no TLS]" "$DEMO_PLAIN_PIDS"
	demo_wait_pids u "[superuser]" "$DEMO_SUPER_PIDS"
	dash_keys a

	dash_keys 4
	dash_wait_line 2 "Failed logins"
	rw_tmux_wait_for "$DEMO_BURST_ADDR" 30
	# Address, [BURST], 5 min, 1 h, 24 h: all 75 within the hour.
	for ((n = 0; n < 100; n++)); do
		line=$(rw_tmux_capture | grep -F "$DEMO_BURST_ADDR " | head -n 1)
		[ "$(demo_hour_day <<<"$line")" = "75 75" ] && break
		sleep 0.3
	done
	rw_assert_eq "$(demo_hour_day <<<"$line")" "75 75" "$what: burst counts (1h 24h) in '$line'"
	[ "${2:-}" != burst ] || rw_assert_contains "$line" "BURST" "$what: burst marked"

	dash_keys 7
	dash_wait_line 2 "Backup & patch"
	rw_tmux_wait_for "analytics-legacy" 30
	line=$(rw_tmux_capture | grep "^analytics-legacy")
	rw_assert_contains "$line" " OFF " "$what: analytics-legacy without backups"
	rw_assert_contains "$line" "FORCED in" "$what: analytics-legacy's forced maintenance"

	dash_keys 2
	dash_wait_line 2 "Alerts"
	for re in "${DEMO_ALERTS[@]}"; do
		n=$(demo_filter_count "$re")
		[ "$n" -ge 1 ] || rw_fail "$what: no alert /$re/:"$'\n'"$(rw_tmux_capture)"
	done
	for u in $DEMO_PLAIN_USERS; do
		n=$(demo_filter_count "WARN.*orders-prod.*session without TLS from 127\.0\.0\.1 as $u")
		[ "$n" -ge 1 ] || rw_fail "$what: no alert for $u's plaintext session"
	done
	for u in $DEMO_SUPER_USERS; do
		n=$(demo_filter_count "WARN.*orders-prod.*superuser session as $u from")
		[ "$n" -ge 1 ] || rw_fail "$what: no alert for $u's superuser session"
	done
	# The four instances whose endpoints refuse: their pg source fails.
	n=$(demo_filter_count "source pg failing")
	for ((k = 0; k < 60 && n < 4; k++)); do
		sleep 0.5
		n=$(demo_filter_count "source pg failing")
	done
	rw_assert_eq "$n" 4 "$what: pg failing alerts"
}
