# The demo's setup, shared by scripts/demo and the terminal tests that run
# the dashboard against it (tests/tui/demo_*.sh). Source it, then:
#
#   demo_start [SPEED]   the PostgreSQL rig standing in for orders-prod, the
#                        local AWS endpoint playing tests/rig/scenarios/
#                        demo.json SPEED times faster (default 1), the
#                        scenario's roles and database on the rig, and a
#                        player that opens the scenario's sessions and
#                        failed logins on the rig as it plays
#   "$DEMO_RDSWATCH" ARGS...
#                        the real rdswatch in the demo's environment: the
#                        endpoint's URL and credentials, a private HOME and
#                        XDG directories, a config pointing the pg source at
#                        the rig, a temporary history file
#   demo_stop            stops and removes everything demo_start started
#
# After demo_start the rig's variables (PGHOST, PGPORT, RIG_PG_DIR, ...)
# and the endpoint's (FAKEAWS_CONTROL, FAKEAWS_PID, ...) are exported for
# tests/rig/pg/open and friends; DEMO_DIR is the private temp directory.
# Everything lands under ${TMPDIR:-/tmp}.

DEMO_TOP=${DEMO_TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
DEMO_BIN=${DEMO_BIN:-${RDSWATCH:-$DEMO_TOP/build/rdswatch}}
DEMO_SCENARIO=$DEMO_TOP/tests/rig/scenarios/demo.json
DEMO_PSQL=/usr/lib/postgresql/15/bin/psql

# The names tests/rig/README.md gives for demo.json ("Names for the
# PostgreSQL rig"): orders-prod's master user and the monitoring login in
# the secret rdswatch/monitor, which rdswatch fetches from the endpoint.
DEMO_MASTER_USER=dbmaster
DEMO_MASTER_PASSWORD=demo-orders-master-7Kq2
DEMO_MONITOR_USER=rdswatch
DEMO_MONITOR_PASSWORD=demo-monitor-password-5Zp1
DEMO_DB=orders
# Where the scenario's log has the burst come from, and its users.
DEMO_BURST_ADDR=185.220.101.34
DEMO_BURST_USERS=(postgres admin dbmaster)

DEMO_DIR=
DEMO_PLAYER_PID=
DEMO_START_MS=
DEMO_SPEED=
DEMO_RDSWATCH=

demo_log() {
	echo "demo: $*" >&2
}

# demo_psql SQL...: runs SQL as the rig's bootstrap superuser over its
# private socket (trust), as the rig's owner.
demo_psql() {
	local cmd=("$DEMO_PSQL" -X -q -v ON_ERROR_STOP=1 -h "$RIG_PG_SOCKDIR" -p "$PGPORT"
		-U postgres -d "${DEMO_PSQL_DB:-postgres}" -At)
	if [ "$(id -u)" = 0 ]; then
		(cd / && runuser -u postgres -- "${cmd[@]}")
	else
		"${cmd[@]}"
	fi
}

# The endpoint's clock: "start_epoch_ms speed".
demo_clock() {
	/usr/bin/python3 -c '
import json, sys, urllib.request
t = json.load(urllib.request.urlopen(sys.argv[1] + "/time", timeout=10))
print(int(t["start_epoch"] * 1000), int(t["speed"]))' "$FAKEAWS_CONTROL"
}

# The scenario's second now (after demo_start).
demo_scenario_now() {
	local us=${EPOCHREALTIME/./}
	echo $(((us / 1000 - DEMO_START_MS) * DEMO_SPEED / 1000))
}

demo_password() {
	openssl rand -hex 12
}

# The scenario's roles and database, as RDS would have them: the master
# user a member of rds_superuser, the monitoring role with pg_monitor, and
# the application and other roles the scenario's log names.
demo_roles() {
	DEMO_APP_PASSWORD=$(demo_password)
	DEMO_REPORTING_PASSWORD=$(demo_password)
	DEMO_ETL_PASSWORD=$(demo_password)
	demo_psql >/dev/null <<EOF
CREATE ROLE $DEMO_MASTER_USER LOGIN CREATEROLE CREATEDB PASSWORD '$DEMO_MASTER_PASSWORD';
GRANT rds_superuser TO $DEMO_MASTER_USER WITH ADMIN OPTION;
CREATE ROLE $DEMO_MONITOR_USER LOGIN PASSWORD '$DEMO_MONITOR_PASSWORD';
GRANT pg_monitor TO $DEMO_MONITOR_USER;
CREATE ROLE orders_app LOGIN PASSWORD '$DEMO_APP_PASSWORD';
CREATE ROLE reporting LOGIN PASSWORD '$DEMO_REPORTING_PASSWORD';
CREATE ROLE etl LOGIN PASSWORD '$DEMO_ETL_PASSWORD';
CREATE DATABASE $DEMO_DB OWNER $DEMO_MASTER_USER;
EOF
}

# demo_open ARGS...: holds sessions (tests/rig/pg/open); the rig's stop
# ends the holders.
demo_open() {
	"$DEMO_TOP/tests/rig/pg/open" --db "$DEMO_DB" "$@" >/dev/null
}

# The sessions there from the start: the application over TLS (one of
# them idle in a transaction), a reporting tool and an ETL job in
# plaintext, and the master user connected from a DBA's desktop without
# TLS.
demo_sessions_at_start() {
	RIG_SESSIONS_PASSWORD="$DEMO_APP_PASSWORD" demo_open --user orders_app --tls --count 4 --app orders-api &&
		RIG_SESSIONS_PASSWORD="$DEMO_APP_PASSWORD" demo_open --user orders_app --tls --count 1 \
			--app orders-api --idle-in-tx &&
		RIG_SESSIONS_PASSWORD="$DEMO_REPORTING_PASSWORD" demo_open --user reporting --plain --count 2 \
			--app metabase &&
		RIG_SESSIONS_PASSWORD="$DEMO_ETL_PASSWORD" demo_open --user etl --plain --count 1 --app etl-loader \
			--active "SELECT pg_sleep(86400) /* nightly orders export */" &&
		RIG_SESSIONS_PASSWORD="$DEMO_MASTER_PASSWORD" demo_open --user "$DEMO_MASTER_USER" --plain --count 1 \
			--app "pgAdmin 4"
}

# The player: what the scenario's timeline (tests/rig/README.md, "The
# demo") does to orders-prod, done to the rig at the same moments - the
# burst of failed logins (users postgres, admin and dbmaster, 2 s apart,
# every 6 scenario seconds from 60 to 214: 25 each), then the attacker's
# successful login as dbmaster at 214. A played-fast scenario can outrun
# one login at a time: what is due is made in one go.
demo_player() {
	local start_ms=$1 speed=$2 sleeper= u s due next
	local -a made=(0 0 0)
	trap '[ -n "$sleeper" ] && kill "$sleeper" 2>/dev/null; exit 0' TERM INT HUP
	# The scenario's clock in milliseconds.
	now() {
		local us=${EPOCHREALTIME/./}
		echo $(((us / 1000 - start_ms) * speed))
	}
	# until MS: sleeps until scenario millisecond MS.
	until_ms() {
		local wait_ms=$((($1 - $(now)) / speed + 1))
		[ "$wait_ms" -gt 0 ] || return 0
		sleep "$((wait_ms / 1000)).$(printf %03d $((wait_ms % 1000)))" &
		sleeper=$!
		wait "$sleeper"
		sleeper=
	}
	while :; do
		s=$(now)
		next=
		for u in 0 1 2; do
			due=$(((s - (60 + 2 * u) * 1000) / 6000 + 1))
			[ "$s" -ge $(((60 + 2 * u) * 1000)) ] || due=0
			[ "$due" -le 25 ] || due=25
			if [ "$due" -gt "${made[u]}" ]; then
				"$DEMO_TOP/tests/rig/pg/fail-logins" --user "${DEMO_BURST_USERS[$u]}" \
					--db "$DEMO_DB" --count $((due - made[u])) >/dev/null 2>&1
				made[u]=$due
			fi
			if [ "$due" -lt 25 ]; then
				due=$(((60 + 2 * u + 6 * due) * 1000))
				[ -n "$next" ] && [ "$next" -le "$due" ] || next=$due
			fi
		done
		[ -n "$next" ] || break
		until_ms "$next"
	done
	until_ms 214000
	RIG_SESSIONS_PASSWORD="$DEMO_MASTER_PASSWORD" demo_open --user "$DEMO_MASTER_USER" --tls --count 1 \
		--app psql 2>/dev/null
}

# demo_wrapper: writes $DEMO_DIR/rdswatch, which runs the real binary in
# the demo's environment. The environment goes through a file, so no
# credential is ever on a command line.
demo_wrapper() {
	local history_opt=
	# The temporary history file: --history where the dashboard has it,
	# the config's [history] file in any case.
	if "$DEMO_BIN" watch --help 2>/dev/null | grep -q -- '--history'; then
		history_opt="--history '$DEMO_DIR/state/history.db'"
	fi
	cat >"$DEMO_DIR/config" <<EOF
# The demo's configuration (scripts/demo): the local AWS endpoint plays
# Acme's account; orders-prod's PostgreSQL is the rig on 127.0.0.1.
[pg]
sslrootcert = $RIG_PG_CA

[instance orders-prod]
auth = secret:rdswatch/monitor

[history]
file = $DEMO_DIR/state/history.db

# Polled more often than the defaults, so the incident unfolds on screen.
[rds]
interval = 10s
[logs]
interval = 10s
[guardduty]
interval = 15s
[cloudwatch]
interval = 1m
period = 1m
EOF
	{
		printf 'export %s=%q\n' \
			AWS_ENDPOINT_URL "$AWS_ENDPOINT_URL" \
			AWS_ACCESS_KEY_ID "$AWS_ACCESS_KEY_ID" \
			AWS_SECRET_ACCESS_KEY "$AWS_SECRET_ACCESS_KEY" \
			AWS_REGION "$AWS_REGION" \
			AWS_DEFAULT_REGION "$AWS_DEFAULT_REGION" \
			AWS_EC2_METADATA_DISABLED true \
			AWS_CONFIG_FILE "$DEMO_DIR/home/.aws/config" \
			AWS_SHARED_CREDENTIALS_FILE "$DEMO_DIR/home/.aws/credentials" \
			HOME "$DEMO_DIR/home" \
			XDG_CONFIG_HOME "$DEMO_DIR/xdg/config" \
			XDG_STATE_HOME "$DEMO_DIR/xdg/state" \
			XDG_CACHE_HOME "$DEMO_DIR/xdg/cache"
	} >"$DEMO_DIR/env"
	cat >"$DEMO_DIR/rdswatch" <<EOF
#!/bin/bash
# rdswatch in the demo's environment (scripts/lib/demo.sh).
for v in \$(compgen -e); do
	case "\$v" in AWS_* | PG* | RIG_* | FAKEAWS_*) unset "\$v" ;; esac
done
. '$DEMO_DIR/env'
# The dashboard (no command, or watch) gets the history option too.
case "\${1:-}" in
"" | -* | watch) set -- "\$@" $history_opt ;;
esac
exec '$DEMO_BIN' "\$@" --config '$DEMO_DIR/config'
EOF
	chmod 700 "$DEMO_DIR/rdswatch"
	DEMO_RDSWATCH=$DEMO_DIR/rdswatch
}

# demo_start [SPEED]: returns non-zero when a step fails, or as soon as
# DEMO_STOPPING is set (a caller's signal trap sets it); demo_stop then
# removes whatever was started.
demo_start() {
	local speed=${1:-1} env clock
	case "$speed" in
	'' | *[!0-9]* | 0) demo_log "the speed must be a whole number from 1"; return 2 ;;
	esac
	[ -x "$DEMO_BIN" ] || { demo_log "$DEMO_BIN is not built"; return 1; }
	DEMO_DIR=$(mktemp -d "${TMPDIR:-/tmp}/rdswatch-demo.XXXXXX") || return 1
	mkdir -p "$DEMO_DIR/home/.aws" "$DEMO_DIR/xdg/config" "$DEMO_DIR/xdg/state" \
		"$DEMO_DIR/xdg/cache" "$DEMO_DIR/state"

	env=$("$DEMO_TOP/tests/rig/pg/start") || { demo_log "the PostgreSQL rig did not start"; return 1; }
	eval "$env"
	[ -z "${DEMO_STOPPING:-}" ] || return 1
	demo_roles || { demo_log "could not create the demo's roles"; return 1; }
	demo_sessions_at_start || { demo_log "could not open the demo's sessions"; return 1; }
	[ -z "${DEMO_STOPPING:-}" ] || return 1

	# The scenario takes orders-prod's port from PGPORT ($env in demo.json).
	# A second try when a loaded machine makes the first miss start's limit.
	env=$(demo_fakeaws "$speed" 2>/dev/null || demo_fakeaws "$speed") ||
		{ demo_log "the local AWS endpoint did not start"; return 1; }
	eval "$env"
	[ -z "${DEMO_STOPPING:-}" ] || return 1
	clock=$(demo_clock) || { demo_log "the local AWS endpoint has no clock"; return 1; }
	read -r DEMO_START_MS DEMO_SPEED <<<"$clock"
	demo_player "$DEMO_START_MS" "$DEMO_SPEED" </dev/null &
	DEMO_PLAYER_PID=$!
	demo_wrapper
}

demo_fakeaws() {
	[ -z "${DEMO_STOPPING:-}" ] || return 1
	"$DEMO_TOP/tests/rig/fakeaws/start" --scenario "$DEMO_SCENARIO" --speed "$1" \
		${DEMO_LIFETIME:+--lifetime "$DEMO_LIFETIME"}
}

# demo_stop: the player, the endpoint, the rig with its session holders,
# the temp dir. Safe to call twice and after a partial demo_start.
demo_stop() {
	if [ -n "$DEMO_PLAYER_PID" ]; then
		kill "$DEMO_PLAYER_PID" 2>/dev/null
		wait "$DEMO_PLAYER_PID" 2>/dev/null
		DEMO_PLAYER_PID=
	fi
	if [ -n "${FAKEAWS_PID:-}" ]; then
		"$DEMO_TOP/tests/rig/fakeaws/stop" "$FAKEAWS_PID" >/dev/null 2>&1
		unset FAKEAWS_PID
	fi
	if [ -n "${RIG_PG_DIR:-}" ]; then
		"$DEMO_TOP/tests/rig/pg/stop" "$RIG_PG_DIR" >/dev/null 2>&1
		unset RIG_PG_DIR
	fi
	if [ -n "$DEMO_DIR" ]; then
		rm -rf "$DEMO_DIR"
		DEMO_DIR=
	fi
}
