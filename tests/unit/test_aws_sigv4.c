/* SigV4 against the AWS signing test suite (awslabs/aws-c-auth's
 * aws-signing-test-suite/v4, in ../shared/testdata/sigv4 or
 * $RW_SIGV4_SUITE): every case, header mode and presigned (query) mode,
 * canonical request, string to sign and signature. Absent suite: skip,
 * but under CI=true a failure. Plus the signing key cache and the
 * things the suite does not show (sorting duplicates, path edge cases). */
#include <config.h>

#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <cmocka.h>

#include <cjson/cJSON.h>

#include "aws/sigv4.h"
#include "aws/uri.h"
#include "core/files.h"
#include "core/timeutil.h"
#include "core/xmalloc.h"

static char *suite_dir;

static char *
slurp(const char *dir, const char *name)
{
	char *path = xasprintf("%s/%s", dir, name), *why = NULL;
	char *text = files_read_all(path, 1 << 20, NULL, &why);

	free(why);
	free(path);
	return text;
}

/* Splits a raw "k=v&k2=v2" into decoded pairs. */
static void
parse_query(struct aws_kvlist *q, const char *qs)
{
	char *copy = xstrdup(qs), *save = NULL;

	for (char *p = strtok_r(copy, "&", &save); p != NULL; p = strtok_r(NULL, "&", &save)) {
		char *eq = strchr(p, '=');
		char *k, *v;

		if (eq != NULL)
			*eq = '\0';
		k = aws_uri_decode(p, strlen(p), 0, NULL);
		v = eq != NULL ? aws_uri_decode(eq + 1, strlen(eq + 1), 0, NULL) : xstrdup("");
		aws_kvlist_add(q, k, v);
		free(k);
		free(v);
	}
	free(copy);
}

/* request.txt: request line, headers (continuation lines start with
 * whitespace), blank line, body. */
static void
parse_request(struct aws_request *r, const char *text)
{
	const char *p = text, *eol = strchr(p, '\n');
	char *line = xstrndup(p, (size_t)(eol - p));
	char *sp1 = strchr(line, ' '), *sp2 = strrchr(line, ' '), *target, *qm;

	*sp1 = '\0';
	*sp2 = '\0';
	target = sp1 + 1;
	qm = strchr(target, '?');
	if (qm != NULL)
		*qm = '\0';
	aws_request_init(r, line, "", target);
	if (qm != NULL)
		parse_query(&r->query, qm + 1);
	free(line);
	p = eol + 1;
	while (*p != '\0' && *p != '\n') {
		eol = strchr(p, '\n');
		size_t len = eol != NULL ? (size_t)(eol - p) : strlen(p);
		char *h = xstrndup(p, len), *colon;

		if ((h[0] == ' ' || h[0] == '\t') && r->headers.n > 0) {
			struct aws_kv *last = &r->headers.v[r->headers.n - 1];
			char *joined = xasprintf("%s\n%s", last->value, h);

			free(last->value);
			last->value = joined;
		} else {
			colon = strchr(h, ':');
			*colon = '\0';
			aws_kvlist_add(&r->headers, h, colon + 1);
			if (strcasecmp(h, "host") == 0) {
				free(r->host);
				r->host = xstrdup(colon + 1);
			}
		}
		free(h);
		p = eol != NULL ? eol + 1 : p + len;
	}
	if (*p == '\n')
		buf_append_str(&r->body, p + 1);
}

static int
check_eq(const char *name, const char *what, const char *got, char *want)
{
	int ok;

	if (want == NULL) {
		printf("%s: missing %s\n", name, what);
		return 0;
	}
	/* Expected files may end with a newline; the values do not. */
	while (*want != '\0' && want[strlen(want) - 1] == '\n')
		want[strlen(want) - 1] = '\0';
	ok = got != NULL && strcmp(got, want) == 0;
	if (!ok)
		printf("%s: %s differs\n--- want\n%s\n--- got\n%s\n", name, what, want,
		    got != NULL ? got : "(null)");
	free(want);
	return ok;
}

static int
run_case(const char *name)
{
	char *dir = xasprintf("%s/%s", suite_dir, name);
	char *ctxtext = slurp(dir, "context.json"), *reqtext = slurp(dir, "request.txt");
	cJSON *ctx = cJSON_Parse(ctxtext), *cr;
	struct aws_creds c = AWS_CREDS_INIT;
	struct aws_sigv4_opts o = { 0 };
	int ok = 1;

	assert_non_null(ctx);
	cr = cJSON_GetObjectItem(ctx, "credentials");
	c.access_key_id = cJSON_GetStringValue(cJSON_GetObjectItem(cr, "access_key_id"));
	c.secret_access_key = cJSON_GetStringValue(cJSON_GetObjectItem(cr, "secret_access_key"));
	c.session_token = cJSON_GetStringValue(cJSON_GetObjectItem(cr, "token"));
	o.region = cJSON_GetStringValue(cJSON_GetObjectItem(ctx, "region"));
	o.service = cJSON_GetStringValue(cJSON_GetObjectItem(ctx, "service"));
	assert_int_equal(time_parse_iso8601(cJSON_GetStringValue(cJSON_GetObjectItem(ctx,
	    "timestamp")), &o.now_ms), 0);
	o.unnormalized_path = !cJSON_IsTrue(cJSON_GetObjectItem(ctx, "normalize"));
	o.sign_body = cJSON_IsTrue(cJSON_GetObjectItem(ctx, "sign_body"));
	o.omit_session_token = cJSON_IsTrue(cJSON_GetObjectItem(ctx, "omit_session_token"));
	o.expires_s = (int64_t)cJSON_GetNumberValue(cJSON_GetObjectItem(ctx, "expiration_in_seconds"));

	for (int mode = 0; mode < 2; mode++) {
		const char *prefix = mode == 0 ? "header" : "query";
		struct aws_request r;
		struct aws_sigv4_trace t = { NULL, NULL, NULL };
		char file[64], what[64];

		parse_request(&r, reqtext);
		if (mode == 0)
			assert_int_equal(aws_sigv4_sign(&r, &c, &o, NULL, &t), 0);
		else
			assert_int_equal(aws_sigv4_presign(&r, &c, &o, NULL, &t), 0);
		snprintf(file, sizeof file, "%s-canonical-request.txt", prefix);
		snprintf(what, sizeof what, "%s canonical request", prefix);
		ok &= check_eq(name, what, t.canonical_request, slurp(dir, file));
		snprintf(file, sizeof file, "%s-string-to-sign.txt", prefix);
		snprintf(what, sizeof what, "%s string to sign", prefix);
		ok &= check_eq(name, what, t.string_to_sign, slurp(dir, file));
		snprintf(file, sizeof file, "%s-signature.txt", prefix);
		snprintf(what, sizeof what, "%s signature", prefix);
		ok &= check_eq(name, what, t.signature, slurp(dir, file));
		if (mode == 0) {
			const char *auth = aws_kvlist_get(&r.headers, "authorization");

			ok &= auth != NULL && strstr(auth, t.signature) != NULL;
			if (c.session_token != NULL)
				ok &= aws_kvlist_get(&r.headers, "x-amz-security-token") != NULL;
		} else {
			ok &= strcmp(aws_kvlist_get(&r.query, "X-Amz-Signature"), t.signature) == 0;
		}
		aws_sigv4_trace_free(&t);
		aws_request_free(&r);
	}
	cJSON_Delete(ctx);
	free(ctxtext);
	free(reqtext);
	free(dir);
	return ok;
}

static void
test_sigv4_suite(void **state)
{
	DIR *d = opendir(suite_dir);
	struct dirent *e;
	int cases = 0, failed = 0;

	(void)state;
	assert_non_null(d);
	while ((e = readdir(d)) != NULL) {
		char *ctx = xasprintf("%s/%s/context.json", suite_dir, e->d_name);
		struct stat st;

		if (e->d_name[0] != '.' && stat(ctx, &st) == 0) {
			cases++;
			if (!run_case(e->d_name))
				failed++;
		}
		free(ctx);
	}
	closedir(d);
	printf("signing test suite: %d cases, %d failed\n", cases, failed);
	assert_true(cases >= 30);
	assert_int_equal(failed, 0);
}

static void
test_sigv4_cache_and_edges(void **state)
{
	struct aws_creds c = { "AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", NULL, 0, NULL };
	struct aws_sigv4_opts o = { .region = "us-east-1", .service = "service" };
	struct aws_sigv4_cache cache = { 0 };
	struct aws_sigv4_trace t1 = { 0 }, t2 = { 0 }, t3 = { 0 };
	struct aws_request r;

	(void)state;
	assert_int_equal(time_parse_iso8601("2015-08-30T12:36:00Z", &o.now_ms), 0);
	aws_request_init(&r, "GET", "example.amazonaws.com", "/a/./b/../c//d/");
	aws_kvlist_add(&r.query, "b", "2");
	aws_kvlist_add(&r.query, "a", "z");
	aws_kvlist_add(&r.query, "a", "y");
	aws_kvlist_add(&r.query, "", "empty-key");
	aws_kvlist_add(&r.query, "sp ace", "a+b/c");
	assert_int_equal(aws_sigv4_sign(&r, &c, &o, &cache, &t1), 0);
	assert_true(cache.valid);
	assert_non_null(strstr(t1.canonical_request,
	    "GET\n/a/c/d/\n=empty-key&a=y&a=z&b=2&sp%20ace=a%2Bb%2Fc\n"));
	/* Cached key gives the same signature; another day a new key. */
	assert_int_equal(aws_sigv4_sign(&r, &c, &o, &cache, &t2), 0);
	assert_string_equal(t1.signature, t2.signature);
	o.now_ms += TIME_DAY;
	assert_int_equal(aws_sigv4_sign(&r, &c, &o, &cache, &t3), 0);
	assert_string_not_equal(t1.signature, t3.signature);
	assert_non_null(strstr(cache.scope, "20150831/"));
	/* Incomplete credentials are refused, not signed. */
	c.access_key_id = "";
	assert_int_equal(aws_sigv4_sign(&r, &c, &o, &cache, NULL), -1);
	aws_sigv4_trace_free(&t1);
	aws_sigv4_trace_free(&t2);
	aws_sigv4_trace_free(&t3);
	aws_request_free(&r);
	aws_sigv4_cache_wipe(&cache);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sigv4_cache_and_edges),
		cmocka_unit_test(test_sigv4_suite),
	};
	const char *env = getenv("RW_SIGV4_SUITE"), *top = getenv("top_srcdir");
	struct stat st;

	suite_dir = env != NULL && *env != '\0' ? xstrdup(env)
	    : xasprintf("%s/../shared/testdata/sigv4", top != NULL ? top : ".");
	if (stat(suite_dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		const char *ci = getenv("CI");

		printf("signing test suite not found at %s (set RW_SIGV4_SUITE)\n", suite_dir);
		free(suite_dir);
		if (ci != NULL && strcmp(ci, "true") == 0) {
			printf("FAIL: CI=true and the suite is missing\n");
			return 1;
		}
		/* The unit checks still run; the suite is the part skipped. */
		return _cmocka_run_group_tests("sigv4", tests, 1, NULL, NULL) != 0 ? 1 : 77;
	}
	{
		int rc = cmocka_run_group_tests(tests, NULL, NULL);

		free(suite_dir);
		return rc;
	}
}
