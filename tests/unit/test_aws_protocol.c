/* The protocol helpers: query form encoding and its inverse, XML reading
 * (namespaces, typed helpers, DTDs refused, depth bounded), the error
 * formats of every protocol, JSON helpers, and the retry policy. */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "aws/json.h"
#include "aws/query.h"
#include "aws/retry.h"
#include "aws/uri.h"
#include "aws/xml.h"
#include "core/buf.h"
#include "core/xmalloc.h"

static void
test_query_encoding(void **state)
{
	struct aws_params p = AWS_PARAMS_INIT;
	const char *ids[] = { "db-1", "db 2/é" };
	const char *keys[] = { "k&=" }, *vals[] = { "v+ ~" };
	struct aws_kvlist back = AWS_KVLIST_INIT;
	char *body, *m;

	(void)state;
	aws_params_add(&p, "MaxRecords", "100");
	aws_params_add_list(&p, "DBInstanceIdentifiers", ids, 2, 0);
	aws_params_add_list(&p, "GroupId", ids, 1, 1);
	aws_params_add_map(&p, "Tags", keys, vals, 1);
	m = aws_params_member("Filters", 2, "Name", 0);
	assert_string_equal(m, "Filters.member.2.Name");
	aws_params_add(&p, m, "engine");
	free(m);
	aws_params_add_int(&p, "Period", -60);
	body = aws_query_encode("DescribeDBInstances", "2014-10-31", &p);
	assert_string_equal(body,
	    "Action=DescribeDBInstances&Version=2014-10-31&MaxRecords=100"
	    "&DBInstanceIdentifiers.member.1=db-1&DBInstanceIdentifiers.member.2=db%202%2F%C3%A9"
	    "&GroupId.1=db-1&Tags.entry.1.key=k%26%3D&Tags.entry.1.value=v%2B%20~"
	    "&Filters.member.2.Name=engine&Period=-60");
	/* The inverse gives back every pair. */
	aws_query_decode(body, strlen(body), &back);
	assert_int_equal(back.n, p.kv.n + 2);
	for (size_t i = 0; i < p.kv.n; i++) {
		assert_string_equal(back.v[i + 2].name, p.kv.v[i].name);
		assert_string_equal(back.v[i + 2].value, p.kv.v[i].value);
	}
	aws_kvlist_free(&back);
	aws_query_decode("a=1+2&&b&=c&%zz=%4", strlen("a=1+2&&b&=c&%zz=%4"), &back);
	assert_int_equal(back.n, 4);
	assert_string_equal(back.v[0].value, "1 2");
	assert_string_equal(back.v[1].name, "b");
	assert_string_equal(back.v[3].name, "%zz");
	aws_kvlist_free(&back);
	free(body);
	aws_params_free(&p);
}

static const char rds_answer[] =
    "<DescribeDBInstancesResponse xmlns=\"http://rds.amazonaws.com/doc/2014-10-31/\">\n"
    "  <DescribeDBInstancesResult>\n"
    "    <DBInstances>\n"
    "      <DBInstance><DBInstanceIdentifier>db-1</DBInstanceIdentifier>"
    "<AllocatedStorage>20</AllocatedStorage><MultiAZ>true</MultiAZ>"
    "<InstanceCreateTime>2026-01-02T03:04:05.678Z</InstanceCreateTime>"
    "<Endpoint><Address>db-1.x.eu-west-1.rds.amazonaws.com</Address><Port>5432</Port></Endpoint>"
    "</DBInstance>\n"
    "      <DBInstance><DBInstanceIdentifier>db-2 &amp; \xe2\x80\xae</DBInstanceIdentifier>"
    "<AllocatedStorage>lots</AllocatedStorage></DBInstance>\n"
    "    </DBInstances>\n"
    "    <Marker>abc</Marker>\n"
    "  </DescribeDBInstancesResult>\n"
    "  <ResponseMetadata><RequestId>rid-1</RequestId></ResponseMetadata>\n"
    "</DescribeDBInstancesResponse>\n";

static void
test_xml_reading(void **state)
{
	struct rw_error err = RW_ERROR_INIT;
	xmlDoc *doc = aws_xml_parse(rds_answer, strlen(rds_answer), "rds", "DescribeDBInstances", &err);
	xmlNode *res, *db;
	int64_t v;
	int b;
	char *t;

	(void)state;
	assert_non_null(doc);
	res = aws_xml_result(doc, "DescribeDBInstances");
	assert_non_null(res);
	assert_null(aws_xml_result(doc, "DescribeEvents"));
	assert_int_equal(aws_xml_count(aws_xml_child(res, "DBInstances"), "DBInstance"), 2);
	db = aws_xml_first(aws_xml_child(res, "DBInstances"), "DBInstance");
	t = aws_xml_text(db, "DBInstanceIdentifier");
	assert_string_equal(t, "db-1");
	free(t);
	assert_int_equal(aws_xml_int(db, "AllocatedStorage", &v), 1);
	assert_int_equal(v, 20);
	assert_int_equal(aws_xml_int(db, "Endpoint/Port", &v), 1);
	assert_int_equal(v, 5432);
	assert_int_equal(aws_xml_bool(db, "MultiAZ", &b), 1);
	assert_true(b);
	assert_int_equal(aws_xml_time(db, "InstanceCreateTime", &v), 1);
	assert_int_equal(v, 1767323045678LL);
	assert_int_equal(aws_xml_int(db, "Missing", &v), 0);
	db = aws_xml_next(db, "DBInstance");
	assert_int_equal(aws_xml_int(db, "AllocatedStorage", &v), -1);
	t = aws_xml_text(db, "DBInstanceIdentifier");
	assert_string_equal(t, "db-2 & \xe2\x80\xae");	/* raw: the model sanitizes */
	free(t);
	assert_null(aws_xml_next(db, "DBInstance"));
	assert_null(aws_xml_text(NULL, "X"));
	xmlFreeDoc(doc);

	/* Truncated, DTDs (entity tricks), too deep, empty: clear errors. */
	assert_null(aws_xml_parse(rds_answer, 100, "rds", "DescribeDBInstances", &err));
	assert_int_equal(err.kind, ERR_PARSE);
	assert_string_equal(err.service, "rds");
	assert_string_equal(err.operation, "DescribeDBInstances");
	err_clear(&err);
	{
		const char *xxe = "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x SYSTEM "
		    "\"file:///etc/passwd\">]><r>&x;</r>";
		struct buf deep = BUF_INIT;

		assert_null(aws_xml_parse(xxe, strlen(xxe), "rds", "X", &err));
		assert_non_null(strstr(err.message, "document type"));
		err_clear(&err);
		for (int i = 0; i < 100; i++)
			buf_append_str(&deep, "<a>");
		for (int i = 0; i < 100; i++)
			buf_append_str(&deep, "</a>");
		assert_null(aws_xml_parse(deep.data, deep.len, "rds", "X", &err));
		err_clear(&err);
		buf_free(&deep);
		assert_null(aws_xml_parse("", 0, "rds", "X", &err));
		err_clear(&err);
	}
}

static void
test_error_formats(void **state)
{
	const char *q = "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error>"
	    "<Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error>"
	    "<RequestId>rid-q</RequestId></ErrorResponse>";
	const char *e = "<?xml version=\"1.0\"?><Response><Errors><Error><Code>UnauthorizedOperation"
	    "</Code><Message>You are not authorized</Message></Error></Errors>"
	    "<RequestID>rid-e</RequestID></Response>";
	struct aws_kvlist h = AWS_KVLIST_INIT;
	char *code, *msg, *rid;

	(void)state;
	assert_int_equal(aws_xml_parse_error(q, strlen(q), &code, &msg, &rid), 0);
	assert_string_equal(code, "Throttling");
	assert_string_equal(msg, "Rate exceeded");
	assert_string_equal(rid, "rid-q");
	free(code), free(msg), free(rid);
	assert_int_equal(aws_xml_parse_error(e, strlen(e), &code, &msg, &rid), 0);
	assert_string_equal(code, "UnauthorizedOperation");
	assert_string_equal(rid, "rid-e");
	free(code), free(msg), free(rid);
	assert_int_equal(aws_xml_parse_error("<html>", 6, &code, &msg, &rid), -1);
	assert_int_equal(aws_xml_parse_error(q, 40, &code, &msg, &rid), -1);

	{
		static const char t[] = "{\"__type\":\"com.amazon.coral#ThrottlingException\","
		    "\"message\":\"slow down\"}";

		assert_int_equal(aws_json_parse_error(t, sizeof t - 1, NULL, &code, &msg), 0);
	}
	assert_string_equal(code, "ThrottlingException");
	assert_string_equal(msg, "slow down");
	free(code), free(msg);
	aws_kvlist_add(&h, "X-Amzn-ErrorType", "AccessDeniedException:http://internal.amazon.com/");
	assert_int_equal(aws_json_parse_error("{\"Message\":\"no\"}", 16, &h, &code, &msg), 0);
	assert_string_equal(code, "AccessDeniedException");
	assert_string_equal(msg, "no");
	free(code), free(msg);
	aws_kvlist_add(&h, "x-amzn-query-error", "Throttling;Sender");
	assert_int_equal(aws_json_parse_error("{}", 2, &h, &code, &msg), 0);
	assert_string_equal(code, "Throttling");
	free(code), free(msg);
	assert_int_equal(aws_json_parse_error("{\"x\":1}", 7, NULL, &code, &msg), -1);
	assert_int_equal(aws_json_parse_error("not json", 8, NULL, &code, &msg), -1);
	aws_kvlist_free(&h);
}

static void
test_json_helpers(void **state)
{
	struct rw_error err = RW_ERROR_INIT;
	static const char text[] = "{\"a\":\"x\",\"n\":1.5,\"b\":true,\"t\":1700000000.25,"
	    "\"ms\":1700000000123,\"iso\":\"2026-01-01T00:00:00Z\"}";
	cJSON *j = aws_json_parse(text, sizeof text - 1, "logs", "Op", &err);
	double d;
	int b;
	int64_t t;

	(void)state;
	assert_non_null(j);
	assert_string_equal(aws_json_str(j, "a"), "x");
	assert_null(aws_json_str(j, "n"));
	assert_int_equal(aws_json_num(j, "n", &d), 1);
	assert_true(d == 1.5);
	assert_int_equal(aws_json_num(j, "a", &d), -1);
	assert_int_equal(aws_json_bool(j, "b", &b), 1);
	assert_int_equal(aws_json_time(j, "t", 0, &t), 1);
	assert_int_equal(t, 1700000000250LL);
	assert_int_equal(aws_json_time(j, "ms", 1, &t), 1);
	assert_int_equal(t, 1700000000123LL);
	assert_int_equal(aws_json_time(j, "iso", 0, &t), 1);
	assert_int_equal(aws_json_time(j, "b", 0, &t), -1);
	aws_json_wipe(j);
	assert_string_equal(aws_json_str(j, "a"), "");
	cJSON_Delete(j);
	j = aws_json_parse("  ", 2, "logs", "Op", &err);
	assert_true(cJSON_IsObject(j));
	cJSON_Delete(j);
	assert_null(aws_json_parse("{\"a\":", 5, "logs", "FilterLogEvents", &err));
	assert_int_equal(err.kind, ERR_PARSE);
	assert_string_equal(err.operation, "FilterLogEvents");
	err_clear(&err);
	assert_null(aws_json_parse("[1]", 3, "logs", "Op", &err));
	err_clear(&err);
}

static void
test_retry_policy(void **state)
{
	struct aws_retry_quota q;
	int taken = 0;
	int64_t max = 0;

	(void)state;
	assert_int_equal(aws_retry_classify(400, "Throttling", 0, 0), AWS_RETRY_THROTTLE);
	assert_int_equal(aws_retry_classify(400, "RequestLimitExceeded", 0, 0), AWS_RETRY_THROTTLE);
	assert_int_equal(aws_retry_classify(429, NULL, 0, 0), AWS_RETRY_THROTTLE);
	assert_int_equal(aws_retry_classify(503, NULL, 0, 0), AWS_RETRY_TRANSIENT);
	assert_int_equal(aws_retry_classify(500, "InternalFailure", 0, 0), AWS_RETRY_TRANSIENT);
	assert_int_equal(aws_retry_classify(400, "RequestTimeout", 0, 0), AWS_RETRY_TRANSIENT);
	assert_int_equal(aws_retry_classify(0, NULL, 1, 0), AWS_RETRY_TRANSIENT);
	assert_int_equal(aws_retry_classify(0, NULL, 1, 1), AWS_RETRY_TIMEOUT);
	assert_int_equal(aws_retry_classify(403, "AccessDenied", 0, 0), AWS_RETRY_NO);
	assert_int_equal(aws_retry_classify(400, "ValidationError", 0, 0), AWS_RETRY_NO);
	assert_int_equal(aws_retry_classify(501, NULL, 0, 0), AWS_RETRY_NO);

	assert_int_equal(aws_retry_backoff_ms(1, 1.0), 1000);
	assert_int_equal(aws_retry_backoff_ms(2, 1.0), 2000);
	assert_int_equal(aws_retry_backoff_ms(6, 1.0), 20000);
	assert_int_equal(aws_retry_backoff_ms(60, 1.0), 20000);
	assert_int_equal(aws_retry_backoff_ms(3, 0.0), 0);
	for (int i = 0; i < 1000; i++) {
		int64_t d = aws_retry_backoff_ms(10, (double)i / 1000.0);

		assert_true(d >= 0 && d <= 20000);
		max = d > max ? d : max;
	}
	assert_true(max > 19000);

	assert_int_equal(aws_retry_after_ms("3", NULL), 3000);
	assert_int_equal(aws_retry_after_ms("3", "1500"), 1500);
	assert_int_equal(aws_retry_after_ms("soon", NULL), -1);
	assert_int_equal(aws_retry_after_ms(NULL, NULL), -1);
	assert_int_equal(aws_retry_after_ms("Sun, 06 Nov 1994 08:49:37 GMT", NULL), 0);

	aws_retry_quota_init(&q);
	while (aws_retry_quota_acquire(&q, AWS_RETRY_THROTTLE) > 0)
		taken++;
	assert_int_equal(taken, AWS_RETRY_QUOTA_INITIAL / AWS_RETRY_COST);
	assert_int_equal(aws_retry_quota_acquire(&q, AWS_RETRY_TIMEOUT), -1);
	aws_retry_quota_success(&q, 0);
	assert_int_equal(aws_retry_quota_available(&q), 1);
	aws_retry_quota_success(&q, 10);
	assert_int_equal(aws_retry_quota_available(&q), 11);
	assert_int_equal(aws_retry_quota_acquire(&q, AWS_RETRY_TIMEOUT), 10);
	for (int i = 0; i < 1000; i++)
		aws_retry_quota_success(&q, 0);
	assert_int_equal(aws_retry_quota_available(&q), AWS_RETRY_QUOTA_INITIAL);
	aws_retry_quota_destroy(&q);
}

static void
test_uri(void **state)
{
	char *e = aws_uri_encode_str("a b/c~é*", 1), *d;
	size_t n;

	(void)state;
	assert_string_equal(e, "a%20b/c~%C3%A9%2A");
	d = aws_uri_decode(e, strlen(e), 0, &n);
	assert_string_equal(d, "a b/c~é*");
	free(d);
	free(e);
	e = aws_uri_encode_str("", 0);
	assert_string_equal(e, "");
	free(e);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_query_encoding),
		cmocka_unit_test(test_xml_reading),
		cmocka_unit_test(test_error_formats),
		cmocka_unit_test(test_json_helpers),
		cmocka_unit_test(test_retry_policy),
		cmocka_unit_test(test_uri),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
