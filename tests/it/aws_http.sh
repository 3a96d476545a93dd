#!/bin/bash
# The HTTP layer against a scripted local server: gzip answers accepted,
# the response size cap, Retry-After and x-amz-retry-after honoured,
# https verifying the peer and the host name (AWS_CA_BUNDLE replaces the
# CA file, never the checks), and proxies from the environment.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib/common.sh"
rw_tmpdir
AWS_CALL=${AWS_CALL:-$top_builddir/tests/it/aws-call}
[ -x "$AWS_CALL" ] || rw_fail "aws-call not built at $AWS_CALL"
rw_require_cmd openssl
for v in $(env | sed -n 's/^\(AWS_[A-Z0-9_]*\)=.*/\1/p'); do unset "$v"; done
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY ALL_PROXY all_proxy NO_PROXY no_proxy
export HOME=$RW_TMP AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
export AWS_EC2_METADATA_DISABLED=true AWS_REGION=us-east-1
export AWS_ACCESS_KEY_ID=AKIDEXAMPLE AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY
OK_XML='<DescribeDBInstancesResponse><DescribeDBInstancesResult><DBInstances><DBInstance><DBInstanceIdentifier>gz</DBInstanceIdentifier></DBInstance></DBInstances></DescribeDBInstancesResult></DescribeDBInstancesResponse>'
pids=()
trap 'kill "${pids[@]}" 2>/dev/null; rm -rf "$RW_TMP"' EXIT

serve() {	# serve NAME PLAN [CERT KEY]: starts a server, sets PORT
	local i
	printf '%s' "$2" >"$RW_TMP/$1.plan"
	: >"$RW_TMP/$1.log"
	/usr/bin/python3 "$top_srcdir/tests/it/aws_http_server.py" "$RW_TMP/$1.plan" "$RW_TMP/$1.log" \
		"${@:3}" >"$RW_TMP/$1.port" 2>"$RW_TMP/$1.err" </dev/null &
	pids+=("$!")
	for i in $(seq 100); do
		PORT=$(cat "$RW_TMP/$1.port")
		[ -n "$PORT" ] && return 0
		sleep 0.05
	done
	rw_fail "the $1 server did not start: $(cat "$RW_TMP/$1.err")"
}
ok_entry() { printf '{"status": 200, "body": %s%s}' "$(printf '%s' "$OK_XML" | /usr/bin/python3 -c 'import json,sys; print(json.dumps(sys.stdin.read()))')" "${1:-}"; }

# gzip: offered and decoded.
serve gzip "[$(ok_entry ', "gzip": true')]"
out=$("$AWS_CALL" --endpoint-url "http://127.0.0.1:$PORT" rds DescribeDBInstances) || rw_fail "gzip: $out"
rw_assert_contains "$out" "OK attempts=1 xml DescribeDBInstancesResponse items=1" "gzip answer"
rw_assert_contains "$(cat "$RW_TMP/gzip.log")" "gzip" "Accept-Encoding offers gzip"
echo "ok: gzip answers"

# The size cap.
serve big '[{"status": 200, "size": 200000}]'
out=$("$AWS_CALL" --max-bytes 100000 --endpoint-url "http://127.0.0.1:$PORT" rds DescribeDBInstances) &&
	rw_fail "an answer over the cap was accepted"
rw_assert_contains "$out" "kind=parse" "size cap"
rw_assert_contains "$out" "larger than 100000 bytes" "size cap"
echo "ok: response size cap"

# Retry-After (seconds) and x-amz-retry-after (ms).
for hint in '"Retry-After": "2"' '"x-amz-retry-after": "1500"'; do
	serve retry "[{\"status\": 503, \"headers\": {$hint}, \"body\": \"\"}, $(ok_entry)]"
	start=$(date +%s%N)
	out=$("$AWS_CALL" --endpoint-url "http://127.0.0.1:$PORT" rds DescribeDBInstances) || rw_fail "$hint: $out"
	ms=$(( ($(date +%s%N) - start) / 1000000 ))
	rw_assert_contains "$out" "OK attempts=2" "$hint"
	[ "$ms" -ge 1400 ] || rw_fail "$hint: retried after $ms ms"
	echo "ok: $hint honoured ($ms ms)"
done

# TLS: a certificate for "localhost" from a CA rdswatch does not know.
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost \
	-addext subjectAltName=DNS:localhost -keyout "$RW_TMP/key.pem" -out "$RW_TMP/cert.pem" 2>/dev/null ||
	rw_fail "openssl could not make a certificate"
serve tls "[$(ok_entry)]" "$RW_TMP/cert.pem" "$RW_TMP/key.pem"
out=$("$AWS_CALL" --endpoint-url "https://localhost:$PORT" rds DescribeDBInstances) &&
	rw_fail "an unknown CA was accepted"
rw_assert_contains "$out" "kind=network" "unknown CA"
out=$(AWS_CA_BUNDLE=$RW_TMP/cert.pem "$AWS_CALL" --endpoint-url "https://localhost:$PORT" rds DescribeDBInstances) ||
	rw_fail "AWS_CA_BUNDLE: $out"
out=$(AWS_CA_BUNDLE=$RW_TMP/cert.pem "$AWS_CALL" --endpoint-url "https://127.0.0.1:$PORT" rds DescribeDBInstances) &&
	rw_fail "a certificate for another host name was accepted"
rw_assert_contains "$out" "kind=network" "host name check"
echo "ok: https verifies peer and host; AWS_CA_BUNDLE replaces the CA file"

# A proxy from the environment (a plain http endpoint goes through http_proxy).
serve proxy "[$(ok_entry)]"
out=$(http_proxy=http://127.0.0.1:$PORT "$AWS_CALL" --endpoint-url http://rds.proxied.invalid rds DescribeDBInstances) ||
	rw_fail "proxy: $out"
rw_assert_contains "$(cat "$RW_TMP/proxy.log")" "POST http://rds.proxied.invalid/ HTTP/1.1" "request through the proxy"
out=$(http_proxy=http://127.0.0.1:$PORT no_proxy=proxied.invalid "$AWS_CALL" --connect-timeout 1s --deadline 3000 \
	--endpoint-url http://rds.proxied.invalid rds DescribeDBInstances) && rw_fail "no_proxy ignored"
echo "ok: proxies from the environment"

# IMDS: the SDKs' v1 fallback when the token call is refused (403), and
# none when AWS_EC2_METADATA_V1_DISABLED=true.
creds_json=$(/usr/bin/python3 -c 'import json; print(json.dumps(json.dumps({"Code": "Success", "Type": "AWS-HMAC", "AccessKeyId": "ASIAIMDSV1", "SecretAccessKey": "imdsV1Secret000000000000000000000000000", "Token": "imds/v1+token=", "Expiration": "2099-01-01T00:00:00Z"})))')
serve imds "[{\"status\": 403, \"body\": \"\"}, {\"status\": 200, \"body\": \"rdswatch-ec2\", \"type\": \"text/plain\"}, {\"status\": 200, \"body\": $creds_json, \"type\": \"text/plain\"}]"
imds_port=$PORT
serve api "[$(ok_entry)]"
out=$(env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY -u AWS_EC2_METADATA_DISABLED \
	AWS_EC2_METADATA_SERVICE_ENDPOINT=http://127.0.0.1:$imds_port/ \
	"$AWS_CALL" --endpoint-url "http://127.0.0.1:$PORT" rds DescribeDBInstances) || rw_fail "IMDSv1 fallback: $out"
log=$(cat "$RW_TMP/imds.log")
rw_assert_contains "$log" "PUT /latest/api/token" "IMDS token call"
rw_assert_contains "$log" "GET /latest/meta-data/iam/security-credentials/rdswatch-ec2" "IMDSv1 credentials"
rw_assert_not_contains "$log" "X-aws-ec2-metadata-token:" "IMDSv1 carries no token"
rw_assert_contains "$(cat "$RW_TMP/api.log")" "Credential=ASIAIMDSV1/" "IMDSv1 credentials used"
serve imds "[{\"status\": 403, \"body\": \"\"}]"
out=$(env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY -u AWS_EC2_METADATA_DISABLED \
	AWS_EC2_METADATA_V1_DISABLED=true AWS_EC2_METADATA_SERVICE_ENDPOINT=http://127.0.0.1:$PORT \
	"$AWS_CALL" --endpoint-url "http://127.0.0.1:$PORT" rds DescribeDBInstances) && rw_fail "IMDSv1 used although disabled"
rw_assert_contains "$out" "metadata token refused (HTTP 403)" "IMDSv1 disabled"
echo "ok: IMDSv1 fallback only when allowed"
