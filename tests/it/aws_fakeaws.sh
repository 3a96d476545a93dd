#!/bin/bash
# The AWS client against the local AWS endpoint (tests/rig/fakeaws, which
# checks every signature with botocore): every service with credentials
# from each provider of the chain and with the endpoint overrides; IMDS
# credentials that expire mid-run; ExpiredToken; throttling (exactly 3
# attempts), 503 then success, a hung answer ending at the deadline,
# truncated and malformed bodies, a 20-minute server clock offset, and
# AccessDenied.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib/common.sh"
. "$top_srcdir/tests/it/aws_lib.sh"
rw_tmpdir
aws_fake_start

SECRET_ID='rds!db-rig-prod'
# Every service, through each protocol.
all_services() {
	"$AWS_CALL" "$@" rds DescribeDBInstances &&
	"$AWS_CALL" "$@" sts GetCallerIdentity &&
	"$AWS_CALL" "$@" ec2 DescribeSecurityGroups &&
	"$AWS_CALL" "$@" monitoring GetMetricData MetricDataQueries.member.1.Id=m1 \
		MetricDataQueries.member.1.MetricStat.Metric.Namespace=AWS/RDS \
		MetricDataQueries.member.1.MetricStat.Metric.MetricName=CPUUtilization \
		MetricDataQueries.member.1.MetricStat.Metric.Dimensions.member.1.Name=DBInstanceIdentifier \
		MetricDataQueries.member.1.MetricStat.Metric.Dimensions.member.1.Value=prod-db \
		MetricDataQueries.member.1.MetricStat.Period=300 MetricDataQueries.member.1.MetricStat.Stat=Average \
		StartTime="$(date -u -d '-1 hour' +%Y-%m-%dT%H:%M:%SZ)" EndTime="$(date -u +%Y-%m-%dT%H:%M:%SZ)" &&
	"$AWS_CALL" "$@" logs FilterLogEvents '{"logGroupName":"/aws/rds/instance/prod-db/upgrade"}' &&
	"$AWS_CALL" "$@" --path /detector guardduty ListDetectors &&
	"$AWS_CALL" "$@" --secret password secretsmanager GetSecretValue "$SECRET_ID"
}

check_provider() {
	local what=$1 out
	shift
	out=$(all_services "$@" 2>&1) || rw_fail "$what: a call failed:"$'\n'"$out"
	[ "$(grep -c '^OK attempts=1 ' <<<"$out")" = 7 ] || rw_fail "$what: not 7 first-attempt successes:"$'\n'"$out"
	echo "ok: every service with credentials from $what"
}

# 1. Environment.
aws_env_clean
export AWS_ENDPOINT_URL=$FAKE_ENDPOINT AWS_ACCESS_KEY_ID=$FAKE_AKID AWS_SECRET_ACCESS_KEY=$FAKE_SECRET
check_provider "the environment"

# 2. A profile's static keys (the credentials file), named by --profile.
aws_env_clean
export AWS_ENDPOINT_URL=$FAKE_ENDPOINT
printf '[rig]\naws_access_key_id = %s\naws_secret_access_key = %s\n' "$FAKE_AKID" "$FAKE_SECRET" >"$HOME/.aws/credentials"
check_provider "a profile's static keys" --profile rig

# 3. role_arn + source_profile: STS AssumeRole, then the role's credentials.
printf '[profile ops]\nrole_arn = arn:aws:iam::111122223333:role/rdswatch-external\nsource_profile = rig\nexternal_id = rig-external-id\nrole_session_name = rdswatch-test\nduration_seconds = 900\n' >"$HOME/.aws/config"
check_provider "an assumed role (source_profile)" --profile ops
calls=$(aws_ctl GET '/requests?service=sts&operation=AssumeRole')
rw_assert_contains "$calls" "rdswatch-test" "AssumeRole's RoleSessionName"

# 4. IAM Identity Center: the token `aws sso login` cached.
aws_env_clean
export AWS_ENDPOINT_URL=$FAKE_ENDPOINT
cat >"$HOME/.aws/config" <<CFG
[profile sso]
sso_session = corp
sso_account_id = 111122223333
sso_role_name = DatabaseReadOnly
region = $FAKE_REGION

[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = $FAKE_REGION
CFG
mkdir -p "$HOME/.aws/sso/cache"
cache=$HOME/.aws/sso/cache/$(printf '%s' corp | sha1sum | cut -d' ' -f1).json
printf '{"startUrl": "https://corp.awsapps.com/start", "region": "%s", "accessToken": "aoaAAAAAGdpcmlnLXNzby10b2tlbg", "expiresAt": "%s"}\n' \
	"$FAKE_REGION" "$(date -u -d '+1 hour' +%Y-%m-%dT%H:%M:%SZ)" >"$cache"
check_provider "IAM Identity Center (SSO cache)" --profile sso
# An expired cached token says what to do.
printf '{"accessToken": "aoaAAAAAGdpcmlnLXNzby10b2tlbg", "expiresAt": "2020-01-01T00:00:00Z"}\n' >"$cache"
out=$("$AWS_CALL" --profile sso rds DescribeDBInstances) && rw_fail "an expired SSO token worked"
rw_assert_contains "$out" "run: aws sso login --profile sso" "expired SSO token"

# 5. credential_process.
aws_env_clean
export AWS_ENDPOINT_URL=$FAKE_ENDPOINT
cat >"$RW_TMP/creds-helper" <<'SH'
#!/bin/sh
cat <<JSON
{"Version": 1, "AccessKeyId": "ASIAFAKEAWSRIGTEMP01",
 "SecretAccessKey": "rigTemporarySecret00000000000000000000001",
 "SessionToken": "IQoJb3JpZ2luX2VjEFAKE+rig/temporary+token/valid==",
 "Expiration": "2099-01-01T00:00:00Z"}
JSON
SH
chmod 700 "$RW_TMP/creds-helper"
printf '[profile proc]\ncredential_process = %s --profile whatever\n' "$RW_TMP/creds-helper" >"$HOME/.aws/config"
check_provider "credential_process" --profile proc

# 6. ECS container credentials: full URI with an authorization token, in
# the variable and in a file.
aws_env_clean
export AWS_ENDPOINT_URL=$FAKE_ENDPOINT AWS_CONTAINER_CREDENTIALS_FULL_URI=$FAKEAWS_ECS_URI
export AWS_CONTAINER_AUTHORIZATION_TOKEN=$FAKEAWS_ECS_TOKEN
check_provider "ECS (full URI, token)"
unset AWS_CONTAINER_AUTHORIZATION_TOKEN
printf '%s\n' "$FAKEAWS_ECS_TOKEN" >"$RW_TMP/ecs-token"
export AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE=$RW_TMP/ecs-token
check_provider "ECS (full URI, token file)"
unset AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE
out=$("$AWS_CALL" rds DescribeDBInstances) && rw_fail "ECS without its token worked"
rw_assert_contains "$out" "container credentials: HTTP 401" "ECS without token"

# 7. EC2 instance metadata (IMDSv2), region from IMDS too.
aws_env_clean
unset AWS_EC2_METADATA_DISABLED AWS_REGION
export AWS_ENDPOINT_URL=$FAKE_ENDPOINT AWS_EC2_METADATA_SERVICE_ENDPOINT=$FAKE_IMDS_ENDPOINT
check_provider "EC2 instance metadata (IMDSv2)"
[ "$(aws_counter imds PUT_token 2>/dev/null || true)" != "" ] || true

# IMDS credentials that expire mid-run: 8 s lifetimes, 12 calls over ~14 s,
# no failed call, and more than one key used.
aws_ctl POST /imds '{"credential_ttl": 8}' >/dev/null
aws_ctl POST /reset >/dev/null
out=$("$AWS_CALL" --repeat 12 --interval 1200 rds DescribeDBInstances) || rw_fail "IMDS refresh: a call failed:"$'\n'"$out"
[ "$(grep -c '^OK' <<<"$out")" = 12 ] || rw_fail "IMDS refresh: not 12 successes:"$'\n'"$out"
keys=$(aws_ctl GET '/requests?service=rds' | "$AWS_PY" -c 'import sys, json; d = json.load(sys.stdin); r = d.get("requests", d); print(len({x["access_key_id"] for x in r}))')
[ "$keys" -ge 2 ] || rw_fail "IMDS refresh: only $keys access key(s) used over the run"
echo "ok: IMDS credentials expiring mid-run were refreshed ($keys keys, no failed call)"
aws_ctl POST /imds '{"credential_ttl": 21600}' >/dev/null

# ExpiredToken: credentials expired behind the client's back while it
# runs are refreshed once and the call retried.
aws_ctl POST /reset >/dev/null
"$AWS_CALL" --repeat 2 --interval 4000 rds DescribeDBInstances >"$RW_TMP/expired.out" 2>&1 &
pid=$!
for _ in $(seq 100); do	# expire them once the first call has used them
	[ "$(aws_counter rds DescribeDBInstances)" -ge 1 ] && break
	sleep 0.1
done
aws_ctl POST /credentials/expire '{}' >/dev/null
wait $pid || rw_fail "after ExpiredToken: $(cat "$RW_TMP/expired.out")"
out=$(cat "$RW_TMP/expired.out")
rw_assert_contains "$out" "OK attempts=2" "ExpiredToken then refreshed credentials"
rw_assert_contains "$out" "credential loads=2" "ExpiredToken: one refresh"
echo "ok: ExpiredToken refreshed the credentials and the call succeeded"

# The endpoint overrides: per-service variable over the global one, the
# [services] section, the profile's endpoint_url, the flag over all.
aws_env_clean
export AWS_ACCESS_KEY_ID=$FAKE_AKID AWS_SECRET_ACCESS_KEY=$FAKE_SECRET
dead=http://127.0.0.1:9
export AWS_ENDPOINT_URL=$dead AWS_ENDPOINT_URL_RDS=$FAKE_ENDPOINT
out=$("$AWS_CALL" --connect-timeout 1s rds DescribeDBInstances) || rw_fail "AWS_ENDPOINT_URL_RDS: $out"
out=$("$AWS_CALL" --connect-timeout 1s --deadline 4000 sts GetCallerIdentity) && rw_fail "AWS_ENDPOINT_URL was not used for sts"
rw_assert_contains "$out" "kind=network" "dead AWS_ENDPOINT_URL"
unset AWS_ENDPOINT_URL AWS_ENDPOINT_URL_RDS
printf '[default]\nservices = local\n[services local]\nrds =\n  endpoint_url = %s\nsecretsmanager =\n  endpoint_url = %s\n' "$FAKE_ENDPOINT" "$dead" >"$HOME/.aws/config"
out=$("$AWS_CALL" rds DescribeDBInstances) || rw_fail "[services] rds endpoint_url: $out"
printf '[default]\nendpoint_url = %s\n' "$FAKE_ENDPOINT" >"$HOME/.aws/config"
check_provider "the environment, endpoint from the profile's endpoint_url"
export AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true AWS_ENDPOINT_URL=$dead
check_provider "the environment, endpoint from --endpoint-url" --endpoint-url "$FAKE_ENDPOINT"
unset AWS_IGNORE_CONFIGURED_ENDPOINT_URLS
: >"$HOME/.aws/config"
export AWS_ENDPOINT_URL=$FAKE_ENDPOINT
echo "ok: endpoint overrides"

# Throttling: exactly 3 attempts (the server's count), then a clear error.
aws_ctl POST /reset >/dev/null
aws_ctl POST /faults '{"service": "rds", "operation": "DescribeDBInstances", "kind": "throttle"}' >/dev/null
out=$("$AWS_CALL" rds DescribeDBInstances) && rw_fail "throttled call succeeded"
rw_assert_contains "$out" "code=Throttling status=400 attempts=3: rds DescribeDBInstances: Throttling" "throttling"
[ "$(aws_counter rds DescribeDBInstances)" = 3 ] || rw_fail "throttling: server counted $(aws_counter rds DescribeDBInstances) calls"
aws_ctl DELETE /faults >/dev/null
echo "ok: throttling makes 3 attempts then fails clearly"

# 503 once, then success.
aws_ctl POST /faults '{"service": "ec2", "kind": "unavailable", "count": 1}' >/dev/null
out=$("$AWS_CALL" ec2 DescribeSecurityGroups) || rw_fail "503 then success: $out"
rw_assert_contains "$out" "OK attempts=2" "503 then success"
aws_ctl DELETE /faults >/dev/null

# A hung answer ends at the configured deadline.
aws_ctl POST /faults '{"service": "logs", "kind": "hang", "seconds": 60}' >/dev/null
start=$(date +%s%N)
out=$("$AWS_CALL" --timeout 2s --deadline 3000 logs FilterLogEvents '{"logGroupName":"/aws/rds/instance/prod-db/upgrade"}') && rw_fail "hung call succeeded"
ms=$(( ($(date +%s%N) - start) / 1000000 ))
rw_assert_contains "$out" "kind=timeout" "hung answer"
rw_assert_contains "$out" "logs FilterLogEvents" "hung answer names the call"
[ "$ms" -lt 5000 ] || rw_fail "hung answer took $ms ms with a 3 s deadline"
aws_ctl DELETE /faults >/dev/null
echo "ok: a hung answer ended after $ms ms (deadline 3000 ms)"

# Truncated and malformed bodies: clear errors naming service and operation.
for kind in truncate malformed content_type; do
	aws_ctl POST /faults "{\"service\": \"rds\", \"kind\": \"$kind\"}" >/dev/null
	out=$("$AWS_CALL" rds DescribeDBInstances) && rw_fail "$kind body accepted"
	rw_assert_contains "$out" "rds DescribeDBInstances:" "$kind body"
	[ "$kind" != content_type ] || rw_assert_contains "$out" "HTML page" "$kind body"
	aws_ctl DELETE /faults >/dev/null
	aws_ctl POST /faults "{\"service\": \"guardduty\", \"kind\": \"$kind\"}" >/dev/null
	out=$("$AWS_CALL" --path /detector guardduty ListDetectors) && rw_fail "$kind JSON body accepted"
	rw_assert_contains "$out" "guardduty ListDetectors:" "$kind JSON body"
	aws_ctl DELETE /faults >/dev/null
	echo "ok: $kind bodies give a clear error"
done

# A server clock 20 minutes off: one rejected call, then corrected.
aws_ctl POST /clock '{"offset": 1200}' >/dev/null
out=$("$AWS_CALL" --repeat 2 sts GetCallerIdentity) || rw_fail "clock skew: $out"
rw_assert_contains "$out" "OK attempts=2" "clock skew corrected after one rejection"
[ "$(grep -c 'OK attempts=1' <<<"$out")" = 1 ] || rw_fail "clock skew: the correction did not stick:"$'\n'"$out"
aws_ctl POST /clock '{"offset": 0}' >/dev/null
echo "ok: a 20-minute clock offset was corrected after one rejected call"

# AccessDenied gives ERR_DENIED with the code, for the sources to name
# the missing IAM action.
export AWS_ACCESS_KEY_ID=AKIAFAKEAWSRIG000002 AWS_SECRET_ACCESS_KEY=rigSecretAccessKey000000000000000000000002
out=$("$AWS_CALL" --path /detector guardduty ListDetectors) && rw_fail "denied call succeeded"
rw_assert_contains "$out" "kind=denied code=AccessDeniedException" "AccessDenied"
# A wrong secret: an authentication error, never a retry storm.
export AWS_SECRET_ACCESS_KEY=wrongwrongwrongwrongwrongwrongwrongwrong
out=$("$AWS_CALL" rds DescribeDBInstances) && rw_fail "a wrong secret worked"
rw_assert_contains "$out" "kind=auth code=SignatureDoesNotMatch" "wrong secret"
rw_assert_contains "$out" "attempts=1" "wrong secret not retried"
echo "ok: denied and bad credentials"

# Several workers share one context: one credential load.
export AWS_ACCESS_KEY_ID=$FAKE_AKID AWS_SECRET_ACCESS_KEY=$FAKE_SECRET
out=$("$AWS_CALL" --threads 8 --repeat 3 rds DescribeDBInstances) || rw_fail "threads: $out"
[ "$(grep -c '^OK' <<<"$out")" = 24 ] || rw_fail "threads: not 24 successes"
rw_assert_contains "$out" "credential loads=1" "threads share the credentials"
echo "ok: 8 threads, one credential load"
