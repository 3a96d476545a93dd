# Helpers for the AWS client's tests against the local AWS endpoint
# (tests/rig/fakeaws), sourced after tests/lib/common.sh.
#   aws_fake_start [SCENARIO]  starts it (rig.json by default), stopped on exit
#   aws_env_clean              an environment with no AWS settings, HOME in $RW_TMP
#   aws_ctl METHOD PATH [JSON] the control API; prints the JSON answer
#   aws_counter SERVICE OP     how many requests the endpoint counted
#   AWS_CALL                   tests/it/aws-call (one call through the client)

: "${AWS_CALL:=$top_builddir/tests/it/aws-call}"
AWS_PY=/usr/bin/python3

aws_fake_start() {
	local scenario=${1:-$top_srcdir/tests/rig/scenarios/rig.json} env
	[ -x "$AWS_PY" ] && "$AWS_PY" -c 'import botocore' 2>/dev/null ||
		rw_skip "/usr/bin/python3 with botocore is needed for the local AWS endpoint"
	[ -x "$top_srcdir/tests/rig/fakeaws/start" ] || rw_skip "tests/rig/fakeaws is not in this tree"
	[ -x "$AWS_CALL" ] || rw_fail "aws-call not built at $AWS_CALL"
	env=$("$top_srcdir/tests/rig/fakeaws/start" --scenario "$scenario" --lifetime 900) ||
		rw_fail "the local AWS endpoint did not start"
	eval "$env"
	# What the rig said, kept apart from the variables the tests set.
	FAKE_ENDPOINT=$AWS_ENDPOINT_URL
	FAKE_AKID=$AWS_ACCESS_KEY_ID
	FAKE_SECRET=$AWS_SECRET_ACCESS_KEY
	FAKE_REGION=$AWS_REGION
	FAKE_IMDS_ENDPOINT=$AWS_EC2_METADATA_SERVICE_ENDPOINT
	# Secrets stay in shell variables, out of the environment children see.
	export -n FAKEAWS_ECS_TOKEN
	trap 'aws_fake_stop' EXIT
}

aws_fake_stop() {
	[ -n "${FAKEAWS_PID:-}" ] && "$top_srcdir/tests/rig/fakeaws/stop" "$FAKEAWS_PID" >/dev/null 2>&1
	[ -n "${RW_TMP:-}" ] && rm -rf "$RW_TMP"
}

# Unsets every AWS variable and points the AWS files at empty ones.
aws_env_clean() {
	local v
	for v in $(env | sed -n 's/^\(AWS_[A-Z0-9_]*\)=.*/\1/p'); do
		unset "$v"
	done
	export HOME=$RW_TMP/home XDG_STATE_HOME=$RW_TMP/state XDG_CONFIG_HOME=$RW_TMP/xdg
	mkdir -p "$HOME/.aws"
	: >"$HOME/.aws/config"
	: >"$HOME/.aws/credentials"
	chmod 600 "$HOME/.aws/config" "$HOME/.aws/credentials"
	export AWS_REGION=$FAKE_REGION AWS_EC2_METADATA_DISABLED=true
}

aws_ctl() {
	"$AWS_PY" - "$FAKEAWS_CONTROL" "$@" <<'PY'
import sys, urllib.request
base, method, path = sys.argv[1:4]
data = sys.argv[4].encode() if len(sys.argv) > 4 else None
req = urllib.request.Request(base + path, data=data, method=method,
                             headers={'Content-Type': 'application/json'})
print(urllib.request.urlopen(req, timeout=10).read().decode())
PY
}

aws_counter() {
	aws_ctl GET /counters | "$AWS_PY" -c "import sys, json; print(json.load(sys.stdin)['counters'].get('$1', {}).get('$2', 0))"
}

# aws_expect_ok WHAT OUTPUT: every call said OK.
aws_expect_ok() {
	grep -q '^ERROR' <<<"$2" && rw_fail "$1: a call failed:"$'\n'"$2"
	grep -q '^OK' <<<"$2" || rw_fail "$1: no successful call:"$'\n'"$2"
}
