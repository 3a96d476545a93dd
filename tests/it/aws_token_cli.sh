#!/bin/bash
# `rdswatch token` on the command line: only the token on stdout, usage
# errors (exit 2), clear failures (exit 1) for a missing profile, no
# credentials or a broken config, and config-file settings.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib/common.sh"
rw_tmpdir
[ -x "$RDSWATCH" ] || rw_fail "rdswatch not built at $RDSWATCH"
for v in $(env | sed -n 's/^\(AWS_[A-Z0-9_]*\)=.*/\1/p'); do unset "$v"; done
export HOME=$RW_TMP XDG_CONFIG_HOME=$RW_TMP/xdg XDG_STATE_HOME=$RW_TMP/state
export AWS_EC2_METADATA_DISABLED=true AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
host=db.abc123.eu-west-1.rds.amazonaws.com

expect() {	# expect STATUS WHAT CMD...: exit status and stderr
	local want=$1 what=$2 rc
	shift 2
	"$@" >"$RW_TMP/stdout" 2>"$RW_TMP/stderr"
	rc=$?
	[ "$rc" = "$want" ] || rw_fail "$what: exit $rc, want $want; stderr: $(cat "$RW_TMP/stderr")"
}

expect 0 "--help" "$RDSWATCH" token --help
rw_assert_contains "$(cat "$RW_TMP/stdout")" "--endpoint-url" "token --help lists the AWS options"
expect 2 "no host" "$RDSWATCH" token --user u
rw_assert_contains "$(cat "$RW_TMP/stderr")" "--host and --user are required" "no host"
rw_assert_contains "$(cat "$RW_TMP/stderr")" "usage: rdswatch token" "no host"
expect 2 "bad port" "$RDSWATCH" token --host "$host" --user u --port 70000
expect 2 "unknown option" "$RDSWATCH" token --host "$host" --user u --bogus
expect 2 "bad timeout" "$RDSWATCH" token --host "$host" --user u --timeout never
expect 2 "bad debug category" "$RDSWATCH" token --host "$host" --user u --debug nope
expect 1 "no credentials" "$RDSWATCH" token --host "$host" --user u
rw_assert_contains "$(cat "$RW_TMP/stderr")" "no AWS credentials found" "no credentials"
[ -s "$RW_TMP/stdout" ] && rw_fail "no credentials: something on stdout"
expect 1 "missing profile" "$RDSWATCH" token --host "$host" --user u --profile nosuch
rw_assert_contains "$(cat "$RW_TMP/stderr")" "AWS profile 'nosuch' not found" "missing profile"

export AWS_ACCESS_KEY_ID=AKIDEXAMPLE AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY
expect 0 "token" "$RDSWATCH" token --host "$host" --user 'jane doe'
[ "$(wc -l <"$RW_TMP/stdout")" = 1 ] || rw_fail "token: not exactly one line"
[ -s "$RW_TMP/stderr" ] && rw_fail "token: stderr not empty"
out=$(cat "$RW_TMP/stdout")
rw_assert_contains "$out" "$host:5432/?Action=connect&DBUser=jane%20doe&" "token"
rw_assert_contains "$out" "%2Feu-west-1%2Frds-db%2Faws4_request" "region from the host name"
# The region flag and the [aws] section of rdswatch's config.
mkdir -p "$XDG_CONFIG_HOME/rdswatch"
printf '[aws]\nregion = ap-south-1\ntimeout = 5s\nmystery = 1\n' >"$XDG_CONFIG_HOME/rdswatch/config"
expect 0 "config region" "$RDSWATCH" token --host h.example --port 6543 --user u
rw_assert_contains "$(cat "$RW_TMP/stdout")" "h.example:6543/?" "config region"
rw_assert_contains "$(cat "$RW_TMP/stdout")" "%2Fap-south-1%2F" "config region"
rw_assert_contains "$(cat "$RW_TMP/stderr")" "config:4: unknown key 'mystery' in [aws]" "unknown key warning"
expect 0 "flag over config" "$RDSWATCH" token --host h.example --user u --region sa-east-1
rw_assert_contains "$(cat "$RW_TMP/stdout")" "%2Fsa-east-1%2F" "--region over [aws] region"
printf '[aws]\ntimeout = soon\n' >"$XDG_CONFIG_HOME/rdswatch/config"
expect 1 "bad config value" "$RDSWATCH" token --host h.example --user u
rw_assert_contains "$(cat "$RW_TMP/stderr")" "timeout = 'soon'" "bad config value"
expect 1 "explicit missing config" "$RDSWATCH" token --config "$RW_TMP/none" --host h --user u
# --debug writes a private log without the token.
rm -f "$XDG_CONFIG_HOME/rdswatch/config"
expect 0 "debug" "$RDSWATCH" token --host "$host" --user u --debug aws
log=$XDG_STATE_HOME/rdswatch/debug.log
[ "$(stat -c %a "$log")" = 600 ] || rw_fail "debug log mode"
rw_assert_contains "$(cat "$log")" "IAM token generated" "debug log"
rw_assert_not_contains "$(cat "$log")" "X-Amz-Signature" "debug log"
rw_assert_not_contains "$(cat "$log")" "$AWS_SECRET_ACCESS_KEY" "debug log"
echo "ok: rdswatch token on the command line"
