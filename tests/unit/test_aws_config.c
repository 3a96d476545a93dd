/* The AWS config and credentials files, region resolution and endpoint
 * resolution (flags, AWS_ENDPOINT_URL*, [services] sections, profile
 * endpoint_url, AWS_IGNORE_CONFIGURED_ENDPOINT_URLS, China, GovCloud). */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "aws/awsconfig.h"
#include "aws/ctx.h"
#include "aws/endpoint.h"
#include "aws/service.h"
#include "core/timeutil.h"
#include "core/xmalloc.h"

static const char config_text[] =
    "# AWS CLI config\n"
    "[default]\n"
    "region = eu-west-1\n"
    "\n"
    "[profile prod]\n"
    "region = us-east-1\n"
    "services = local\n"
    "endpoint_url = https://profile.example:8443\n"
    "aws_access_key_id = AKIDFROMCONFIG\n"
    "\n"
    "[services local]\n"
    "rds =\n"
    "  endpoint_url = http://localhost:4566\n"
    "  signature_version = v4\n"
    "sts =\n"
    "  endpoint_url = https://sts.local.example/\n"
    "\n"
    "[profile china]\n"
    "region = cn-north-1\n"
    "\n"
    "[sso-session corp]\n"
    "sso_start_url = https://corp.awsapps.com/start\n"
    "sso_region = eu-central-1\n";

static char *
credentials_text(void)
{
	char token[1201];

	memset(token, 'T', sizeof token - 1);
	token[sizeof token - 1] = '\0';
	return xasprintf("[prod]\naws_access_key_id = AKIDPROD\naws_secret_access_key = "
	    "secret/with+chars=\naws_session_token = %s\n", token);
}

static void
test_cfg_files(void **state)
{
	struct aws_cfg c;
	struct rw_error err = RW_ERROR_INIT;
	char *cred = credentials_text();

	(void)state;
	assert_int_equal(aws_cfg_load_strings(&c, config_text, cred, &err), 0);
	assert_string_equal(aws_cfg_profile(&c, "default", "region"), "eu-west-1");
	assert_string_equal(aws_cfg_profile(&c, "prod", "region"), "us-east-1");
	/* The credentials file wins over the config file. */
	assert_string_equal(aws_cfg_profile(&c, "prod", "aws_access_key_id"), "AKIDPROD");
	assert_int_equal(strlen(aws_cfg_profile(&c, "prod", "aws_session_token")), 1200);
	assert_string_equal(aws_cfg_get(&c, "services", "local", "rds.endpoint_url"),
	    "http://localhost:4566");
	assert_string_equal(aws_cfg_get(&c, "services", "local", "rds.signature_version"), "v4");
	assert_string_equal(aws_cfg_get(&c, "services", "local", "sts.endpoint_url"),
	    "https://sts.local.example/");
	assert_string_equal(aws_cfg_get(&c, "sso-session", "corp", "sso_region"), "eu-central-1");
	assert_true(aws_cfg_has_profile(&c, "china"));
	assert_false(aws_cfg_has_profile(&c, "nope"));
	assert_null(aws_cfg_profile(&c, "local", "rds"));
	aws_cfg_free(&c);
	free(cred);

	/* Missing and /dev/null files are empty; a broken one names file:line. */
	assert_int_equal(aws_cfg_load(&c, "/nonexistent/config", "/dev/null", &err), 0);
	assert_int_equal(c.n, 0);
	aws_cfg_free(&c);
	assert_int_equal(aws_cfg_load_strings(&c, "[default]\nregion = x\n[broken\n", NULL, &err), -1);
	assert_non_null(strstr(err.message, "config:3"));
	err_clear(&err);
}

static void
endpoint(const struct aws_cfg *cfg, const char *profile, const char *service, const char *region,
    const char *flag, const char *want, int want_user)
{
	struct aws_endpoint_in in = { aws_service_find(service), region, flag, cfg, profile };
	struct rw_error err = RW_ERROR_INIT;
	char *url = NULL;
	int user = -1;

	assert_non_null(in.service);
	assert_int_equal(aws_endpoint_resolve(&in, &url, &user, &err), 0);
	assert_string_equal(url, want);
	assert_int_equal(user, want_user);
	free(url);
}

static void
test_endpoints(void **state)
{
	struct aws_cfg c;
	struct rw_error err = RW_ERROR_INIT;
	struct aws_endpoint_in bad = { aws_service_find("rds"), "eu-west-1", "ftp://x", NULL, NULL };
	char *url;
	int user;

	(void)state;
	unsetenv("AWS_ENDPOINT_URL");
	unsetenv("AWS_ENDPOINT_URL_RDS");
	unsetenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS");
	assert_int_equal(aws_cfg_load_strings(&c, config_text, NULL, &err), 0);

	endpoint(&c, "default", "rds", "eu-west-1", NULL, "https://rds.eu-west-1.amazonaws.com", 0);
	endpoint(&c, "default", "monitoring", "cn-north-1", NULL,
	    "https://monitoring.cn-north-1.amazonaws.com.cn", 0);
	endpoint(&c, "default", "logs", "us-gov-west-1", NULL,
	    "https://logs.us-gov-west-1.amazonaws.com", 0);
	endpoint(&c, "default", "ec2", "us-iso-east-1", NULL, "https://ec2.us-iso-east-1.c2s.ic.gov", 0);
	endpoint(&c, "default", "sso", "eu-central-1", NULL,
	    "https://portal.sso.eu-central-1.amazonaws.com", 0);
	/* [services local] for rds and sts, the profile's endpoint_url for the rest. */
	endpoint(&c, "prod", "rds", "us-east-1", NULL, "http://localhost:4566", 1);
	endpoint(&c, "prod", "sts", "us-east-1", NULL, "https://sts.local.example", 1);
	endpoint(&c, "prod", "guardduty", "us-east-1", NULL, "https://profile.example:8443", 1);
	/* Environment beats the files; the per-service variable beats the global one. */
	setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9000/", 1);
	endpoint(&c, "prod", "rds", "us-east-1", NULL, "http://127.0.0.1:9000", 1);
	setenv("AWS_ENDPOINT_URL_RDS", "http://127.0.0.1:9001", 1);
	endpoint(&c, "prod", "rds", "us-east-1", NULL, "http://127.0.0.1:9001", 1);
	endpoint(&c, "prod", "secretsmanager", "us-east-1", NULL, "http://127.0.0.1:9000", 1);
	/* The flag beats everything, even the ignore switch. */
	setenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true", 1);
	endpoint(&c, "prod", "rds", "us-east-1", NULL, "https://rds.us-east-1.amazonaws.com", 0);
	endpoint(&c, "prod", "rds", "us-east-1", "http://[::1]:8080/", "http://[::1]:8080", 1);
	unsetenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS");
	unsetenv("AWS_ENDPOINT_URL");
	unsetenv("AWS_ENDPOINT_URL_RDS");

	assert_int_equal(aws_endpoint_resolve(&bad, &url, &user, &err), -1);
	assert_int_equal(err.kind, ERR_CONFIG);
	assert_non_null(strstr(err.message, "not an http"));
	err_clear(&err);
	bad.explicit_url = NULL;
	bad.region = "eu-west-1.evil.com/";
	assert_int_equal(aws_endpoint_resolve(&bad, &url, &user, &err), -1);
	err_clear(&err);
	aws_cfg_free(&c);

	url = aws_endpoint_rds_host_region("mydb.c9akciq32.eu-west-1.rds.amazonaws.com");
	assert_string_equal(url, "eu-west-1");
	free(url);
	url = aws_endpoint_rds_host_region("db.x.cn-northwest-1.rds.amazonaws.com.cn");
	assert_string_equal(url, "cn-northwest-1");
	free(url);
	assert_null(aws_endpoint_rds_host_region("localhost"));
	assert_null(aws_endpoint_rds_host_region("rds.amazonaws.com"));
}

static char *
write_file(const char *dir, const char *name, const char *text)
{
	char *path = xasprintf("%s/%s", dir, name);
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return path;
}

static void
test_region_and_profile(void **state)
{
	char dir[] = "/tmp/rdswatch-awscfg-XXXXXX";
	char *cfg, *cred;
	struct aws_settings s = { 0 };
	struct rw_error err = RW_ERROR_INIT;
	struct aws_ctx *ctx;
	int64_t deadline = time_mono_ms() + 5000;

	(void)state;
	assert_non_null(mkdtemp(dir));
	cfg = write_file(dir, "config", config_text);
	cred = write_file(dir, "credentials", "");
	setenv("AWS_CONFIG_FILE", cfg, 1);
	setenv("AWS_SHARED_CREDENTIALS_FILE", cred, 1);
	setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
	unsetenv("AWS_PROFILE");
	unsetenv("AWS_REGION");
	unsetenv("AWS_DEFAULT_REGION");

	ctx = aws_ctx_new(&s, deadline, &err);
	assert_non_null(ctx);
	assert_string_equal(aws_ctx_profile(ctx), "default");
	assert_string_equal(aws_ctx_region(ctx), "eu-west-1");
	assert_string_equal(aws_ctx_region_source(ctx), "profile");
	aws_ctx_free(ctx);

	setenv("AWS_PROFILE", "china", 1);
	ctx = aws_ctx_new(&s, deadline, &err);
	assert_string_equal(aws_ctx_region(ctx), "cn-north-1");
	aws_ctx_free(ctx);
	setenv("AWS_DEFAULT_REGION", "ap-south-1", 1);
	ctx = aws_ctx_new(&s, deadline, &err);
	assert_string_equal(aws_ctx_region(ctx), "ap-south-1");
	aws_ctx_free(ctx);
	setenv("AWS_REGION", "sa-east-1", 1);
	ctx = aws_ctx_new(&s, deadline, &err);
	assert_string_equal(aws_ctx_region(ctx), "sa-east-1");
	aws_ctx_free(ctx);
	s.region = "eu-north-1";
	s.profile = "prod";
	ctx = aws_ctx_new(&s, deadline, &err);
	assert_string_equal(aws_ctx_region(ctx), "eu-north-1");
	assert_string_equal(aws_ctx_region_source(ctx), "--region");
	assert_string_equal(aws_ctx_profile(ctx), "prod");
	aws_ctx_free(ctx);

	/* A profile the user named must exist. */
	s.profile = "typo";
	assert_null(aws_ctx_new(&s, deadline, &err));
	assert_int_equal(err.kind, ERR_CONFIG);
	assert_non_null(strstr(err.message, "AWS profile 'typo' not found"));
	err_clear(&err);

	/* No region anywhere, IMDS off: a clear error. */
	s.profile = NULL;
	s.region = NULL;
	unsetenv("AWS_REGION");
	unsetenv("AWS_DEFAULT_REGION");
	setenv("AWS_PROFILE", "default", 1);
	setenv("AWS_CONFIG_FILE", "/dev/null", 1);
	assert_null(aws_ctx_new(&s, deadline, &err));
	assert_non_null(strstr(err.message, "no AWS region"));
	err_clear(&err);

	unsetenv("AWS_PROFILE");
	unsetenv("AWS_CONFIG_FILE");
	unsetenv("AWS_SHARED_CREDENTIALS_FILE");
	unlink(cfg);
	unlink(cred);
	rmdir(dir);
	free(cfg);
	free(cred);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cfg_files),
		cmocka_unit_test(test_endpoints),
		cmocka_unit_test(test_region_and_profile),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
