#!/bin/bash
# No secret leaks: secret keys, session tokens, IAM tokens, the ECS
# authorization token and Secrets Manager values never appear in the
# debug log (--debug all), in error messages, on stderr, or in the
# arguments or environment of the one process rdswatch starts
# (credential_process): rdswatch adds no secret anywhere.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib/common.sh"
. "$top_srcdir/tests/it/aws_lib.sh"
rw_tmpdir
aws_fake_start
aws_env_clean
export AWS_ENDPOINT_URL=$FAKE_ENDPOINT
LOG=$RW_TMP/debug.log
OUT=$RW_TMP/out
: >"$OUT"

TEMP_SECRET=rigTemporarySecret00000000000000000000001
TEMP_TOKEN='IQoJb3JpZ2luX2VjEFAKE+rig/temporary+token/valid=='
WRONG_SECRET=WrongSecretWrongSecretWrongSecretWrong01
SECRET_VALUE=rig-current-password-0002

# credential_process: records its arguments and environment, then answers.
n=0
cat >"$RW_TMP/helper" <<SH
#!/bin/sh
d=\$(mktemp "$RW_TMP/child.XXXXXX")
printf 'ARGV:' >"\$d"; printf ' [%s]' "\$@" >>"\$d"; printf '\n' >>"\$d"
env >>"\$d"
cat <<JSON
{"Version": 1, "AccessKeyId": "ASIAFAKEAWSRIGTEMP01", "SecretAccessKey": "$TEMP_SECRET",
 "SessionToken": "$TEMP_TOKEN", "Expiration": "2099-01-01T00:00:00Z"}
JSON
SH
chmod 700 "$RW_TMP/helper"
cat >"$HOME/.aws/config" <<CFG
[profile proc]
credential_process = $RW_TMP/helper --account "a b"
[profile ops]
role_arn = arn:aws:iam::111122223333:role/rdswatch-readonly
source_profile = rig
[profile bad]
region = $FAKE_REGION
CFG
printf '[rig]\naws_access_key_id = %s\naws_secret_access_key = %s\n[bad]\naws_access_key_id = %s\naws_secret_access_key = %s\n' \
	"$FAKE_AKID" "$FAKE_SECRET" "$FAKE_AKID" "$WRONG_SECRET" >"$HOME/.aws/credentials"

run() {	# run WHAT CMD...: stdout and stderr into $OUT, never secret-checked away
	echo "== $1" >>"$OUT"
	shift
	"$@" >>"$OUT" 2>&1
}

# The IAM token (its stdout is the token, checked separately).
token=$("$RDSWATCH" token --debug all --log "$LOG" --profile proc \
	--host db.abc.eu-west-1.rds.amazonaws.com --user 'ops user' 2>"$RW_TMP/token.err") ||
	rw_fail "rdswatch token: $(cat "$RW_TMP/token.err")"
[ -s "$RW_TMP/token.err" ] && rw_fail "rdswatch token wrote on stderr: $(cat "$RW_TMP/token.err")"
rw_assert_contains "$token" "X-Amz-Security-Token=" "IAM token with a session token"
run "secret value" "$AWS_CALL" --debug all --log "$LOG" --profile proc --secret password \
	secretsmanager GetSecretValue 'rds!db-rig-prod'
rw_assert_contains "$(cat "$OUT")" "secret length=${#SECRET_VALUE}" "GetSecretValue"
run "assumed role" "$AWS_CALL" --debug all --log "$LOG" --profile ops rds DescribeDBInstances
run "wrong secret" "$AWS_CALL" --debug all --log "$LOG" --profile bad rds DescribeDBInstances
rw_assert_contains "$(cat "$OUT")" "SignatureDoesNotMatch" "wrong secret is refused"
run "denied" env AWS_ACCESS_KEY_ID=AKIAFAKEAWSRIG000002 \
	AWS_SECRET_ACCESS_KEY=rigSecretAccessKey000000000000000000000002 \
	"$AWS_CALL" --debug all --log "$LOG" --path /detector guardduty ListDetectors
run "expired" env AWS_ACCESS_KEY_ID=ASIAFAKEAWSRIGEXPIRD \
	AWS_SECRET_ACCESS_KEY=rigExpiredSecret000000000000000000000001 \
	AWS_SESSION_TOKEN='IQoJb3JpZ2luX2VjEFAKE+rig/expired+token/old==' \
	"$AWS_CALL" --debug all --log "$LOG" sts GetCallerIdentity
run "ecs" env AWS_CONTAINER_CREDENTIALS_FULL_URI="$FAKEAWS_ECS_URI" \
	AWS_CONTAINER_AUTHORIZATION_TOKEN="$FAKEAWS_ECS_TOKEN" \
	"$AWS_CALL" --debug all --log "$LOG" ec2 DescribeSecurityGroups
# A failing credential_process: the error names the profile, not a secret.
printf '[profile broken]\ncredential_process = /bin/false\n' >>"$HOME/.aws/config"
run "broken helper" "$RDSWATCH" token --debug all --log "$LOG" --profile broken --host h --port 5432 \
	--user u --region eu-west-1

# The log was written (so the checks below mean something), privately.
[ "$(stat -c %a "$LOG")" = 600 ] || rw_fail "debug log mode $(stat -c %a "$LOG")"
log=$(cat "$LOG")
for want in "rds DescribeDBInstances POST" "credentials from credential_process" \
	"IAM token generated" "(secret, not logged)" "sts AssumeRole POST" "retrying"; do
	rw_assert_contains "$log" "$want" "debug log"
done
children=$(cat "$RW_TMP"/child.*)
[ "$(grep -c '^ARGV:' <<<"$children")" -ge 2 ] || rw_fail "credential_process did not run"
rw_assert_contains "$children" "ARGV: [--account] [a b]" "credential_process arguments"

# The secrets: known ones, and whatever the run itself produced.
secrets=("$TEMP_SECRET" "$TEMP_TOKEN" "$FAKE_SECRET" "$WRONG_SECRET" "$SECRET_VALUE"
	"$FAKEAWS_ECS_TOKEN" "rigExpiredSecret000000000000000000000001"
	"IQoJb3JpZ2luX2VjEFAKE+rig/expired+token/old==" "$token"
	"${token##*X-Amz-Signature=}" "$(sed -n 's/.*X-Amz-Security-Token=\([^&]*\).*/\1/p' <<<"$token")")
for s in "${secrets[@]}"; do
	[ -n "$s" ] || continue
	rw_assert_not_contains "$log" "$s" "debug log"
	rw_assert_not_contains "$(cat "$OUT")" "$s" "error messages and output"
	rw_assert_not_contains "$children" "$s" "credential_process arguments and environment"
done
# Nothing that carries a signature or token in any form.
for marker in "Authorization" "X-Amz-Security-Token" "Signature=" "aws4_request" \
	"SecretAccessKey" "SessionToken" "x-amz-sso_bearer_token" "rig-current-password"; do
	rw_assert_not_contains "$log" "$marker" "debug log"
	rw_assert_not_contains "$children" "$marker" "child environment"
done
[ -n "${RW_KEEP_LOG:-}" ] && cp "$LOG" "$OUT" "$RW_KEEP_LOG"/
echo "ok: no secret in the debug log, error messages or the child's arguments and environment"
