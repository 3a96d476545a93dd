/* The credential chain and its shared cache: environment, profiles with
 * static keys, credential_process (a real child process), the errors of
 * half-configured profiles, refresh before expiry and after ExpiredToken,
 * one load however many threads ask, and a failed refresh that keeps
 * still-valid credentials. */
#include <config.h>

#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "aws/creds.h"
#include "aws/ctx.h"
#include "core/timeutil.h"
#include "core/xmalloc.h"

int aws_process_split(const char *command, char ***argv);

static char tmpdir[] = "/tmp/rdswatch-creds-XXXXXX";

static char *
write_file(const char *name, const char *text, int mode)
{
	char *path = xasprintf("%s/%s", tmpdir, name);
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	chmod(path, (mode_t)mode);
	return path;
}

static void
clean_env(void)
{
	static const char *const vars[] = {
		"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN",
		"AWS_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
		"AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_ENDPOINT_URL",
	};

	for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++)
		unsetenv(vars[i]);
	setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
	setenv("AWS_REGION", "eu-west-1", 1);
}

static struct aws_ctx *
ctx_with(const char *config, const char *credentials, const char *profile)
{
	char *cfg = write_file("config", config, 0600), *cred = write_file("credentials", credentials, 0600);
	struct aws_settings s = { .profile = profile, .config_file = cfg, .credentials_file = cred };
	struct rw_error err = RW_ERROR_INIT;
	struct aws_ctx *ctx = aws_ctx_new(&s, time_mono_ms() + 5000, &err);

	assert_non_null(ctx);
	free(cfg);
	free(cred);
	return ctx;
}

static int
get(struct aws_ctx *ctx, struct aws_creds *c, struct rw_error *err)
{
	return aws_ctx_creds(ctx, time_mono_ms() + 10000, c, err);
}

static void
test_env_and_static(void **state)
{
	struct aws_ctx *ctx;
	struct aws_creds c = AWS_CREDS_INIT;
	struct rw_error err = RW_ERROR_INIT;
	const char *cred = "[default]\naws_access_key_id = AKIDFILE\naws_secret_access_key = filesecret\n"
	    "[other]\naws_access_key_id = AKIDOTHER\naws_secret_access_key = othersecret\n"
	    "aws_session_token = othertoken\n";

	(void)state;
	clean_env();
	setenv("AWS_ACCESS_KEY_ID", "AKIDENV", 1);
	setenv("AWS_SECRET_ACCESS_KEY", "envsecret", 1);
	setenv("AWS_SESSION_TOKEN", "envtoken", 1);
	ctx = ctx_with("", cred, NULL);
	assert_int_equal(get(ctx, &c, &err), 0);
	assert_string_equal(c.access_key_id, "AKIDENV");
	assert_string_equal(c.session_token, "envtoken");
	assert_string_equal(c.source, "environment");
	aws_ctx_free(ctx);
	/* AWS_PROFILE does not hide the environment's keys ... */
	setenv("AWS_PROFILE", "other", 1);
	ctx = ctx_with("", cred, NULL);
	assert_int_equal(get(ctx, &c, &err), 0);
	assert_string_equal(c.access_key_id, "AKIDENV");
	aws_ctx_free(ctx);
	/* ... but --profile does, as in the AWS CLI. */
	ctx = ctx_with("", cred, "other");
	assert_int_equal(get(ctx, &c, &err), 0);
	assert_string_equal(c.access_key_id, "AKIDOTHER");
	assert_string_equal(c.session_token, "othertoken");
	assert_string_equal(c.source, "profile other");
	assert_int_equal(c.expiration_ms, 0);
	aws_ctx_free(ctx);
	clean_env();
	ctx = ctx_with("", cred, NULL);
	assert_int_equal(get(ctx, &c, &err), 0);
	assert_string_equal(c.access_key_id, "AKIDFILE");
	assert_null(c.session_token);
	aws_ctx_free(ctx);
	/* A credentials file others can read is refused, as ssh would. */
	{
		char *loose = write_file("loose", cred, 0644);
		struct aws_settings ls = { .credentials_file = loose, .config_file = "/dev/null" };

		assert_null(aws_ctx_new(&ls, time_mono_ms() + 1000, &err));
		assert_non_null(strstr(err.message, "run: chmod 600"));
		err_clear(&err);
		chmod(loose, 0600);
		ctx = aws_ctx_new(&ls, time_mono_ms() + 1000, &err);
		assert_non_null(ctx);
		aws_ctx_free(ctx);
		unlink(loose);
		free(loose);
	}
	/* Nothing anywhere: one error listing where it looked. */
	ctx = ctx_with("", "", NULL);
	assert_int_equal(get(ctx, &c, &err), -1);
	assert_int_equal(err.kind, ERR_AUTH);
	assert_non_null(strstr(err.message, "no AWS credentials found"));
	assert_non_null(strstr(err.message, "environment"));
	assert_non_null(strstr(err.message, "EC2 instance metadata"));
	err_clear(&err);
	aws_ctx_free(ctx);
	aws_creds_clear(&c);
}

static void
test_profile_errors(void **state)
{
	static const struct {
		const char *config;
		const char *want;
	} cases[] = {
		{ "[profile p]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = s\nmfa_serial = arn:mfa\n"
		    "[profile s]\naws_access_key_id = A\naws_secret_access_key = B\n", "needs interactive MFA" },
		{ "[profile p]\nrole_arn = arn:aws:iam::1:role/r\n", "needs source_profile or credential_source" },
		{ "[profile p]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = ghost\n",
		    "source_profile ghost not found" },
		{ "[profile p]\nrole_arn = arn:aws:iam::1:role/r\ncredential_source = Laptop\n",
		    "credential_source must be" },
		{ "[profile p]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = q\n"
		    "[profile q]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = p\n", "chain too long" },
		{ "[profile p]\naws_access_key_id = AKID\n", "without aws_secret_access_key" },
		{ "[profile p]\nsso_start_url = https://x.awsapps.com/start\n", "SSO needs" },
		{ "[profile p]\nsso_start_url = https://x.awsapps.com/start\nsso_region = eu-west-1\n"
		    "sso_account_id = 1\nsso_role_name = r\n", "run: aws sso login --profile p" },
		{ "[profile p]\ncredential_process = 'unterminated\n", "unterminated quote" },
	};

	(void)state;
	clean_env();
	setenv("HOME", tmpdir, 1);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct aws_ctx *ctx = ctx_with(cases[i].config, "", "p");
		struct aws_creds c = AWS_CREDS_INIT;
		struct rw_error err = RW_ERROR_INIT;

		assert_int_equal(get(ctx, &c, &err), -1);
		if (strstr(err.message, cases[i].want) == NULL)
			fail_msg("case %zu: '%s' lacks '%s'", i, err.message, cases[i].want);
		assert_int_equal(err.kind, ERR_AUTH);
		err_clear(&err);
		aws_ctx_free(ctx);
	}
}

static void
test_credential_process(void **state)
{
	char *ok = write_file("helper ok.sh",
	    "#!/bin/sh\nprintf '%s\\n' \"$@\" > \"$(dirname \"$0\")/args\"\n"
	    "echo '{\"Version\": 1, \"AccessKeyId\": \"AKIDPROC\", \"SecretAccessKey\": \"procsecret\","
	    " \"SessionToken\": \"proctoken\", \"Expiration\": \"2099-01-01T00:00:00Z\"}'\n", 0700);
	char *bad = write_file("bad.sh", "#!/bin/sh\necho 'cannot reach vault: procsecret-leak' >&2\n"
	    "echo 'partial'\nexit 3\n", 0700);
	char *junk = write_file("junk.sh", "#!/bin/sh\necho '{\"Version\": 2}'\n", 0700);
	char *config, *args, **argv = NULL;
	struct aws_ctx *ctx;
	struct aws_creds c = AWS_CREDS_INIT;
	struct rw_error err = RW_ERROR_INIT;

	(void)state;
	clean_env();
	config = xasprintf("[profile p]\ncredential_process = \"%s\" --role 'a b' c\\ d\n", ok);
	ctx = ctx_with(config, "", "p");
	assert_int_equal(get(ctx, &c, &err), 0);
	assert_string_equal(c.access_key_id, "AKIDPROC");
	assert_string_equal(c.session_token, "proctoken");
	assert_int_equal(c.expiration_ms, 4070908800000LL);
	args = xasprintf("%s/args", tmpdir);
	{
		char buf[256] = { 0 };
		FILE *f = fopen(args, "r");

		assert_non_null(f);
		assert_true(fread(buf, 1, sizeof buf - 1, f) > 0);
		fclose(f);
		assert_string_equal(buf, "--role\na b\nc d\n");
	}
	aws_ctx_free(ctx);
	free(config);

	config = xasprintf("[profile p]\ncredential_process = %s\n", bad);
	ctx = ctx_with(config, "", "p");
	assert_int_equal(get(ctx, &c, &err), -1);
	assert_non_null(strstr(err.message, "exited 3: cannot reach vault"));
	err_clear(&err);
	aws_ctx_free(ctx);
	free(config);
	config = xasprintf("[profile p]\ncredential_process = %s\n", junk);
	ctx = ctx_with(config, "", "p");
	assert_int_equal(get(ctx, &c, &err), -1);
	assert_non_null(strstr(err.message, "\"Version\": 1"));
	err_clear(&err);
	aws_ctx_free(ctx);
	free(config);
	config = xasprintf("[profile p]\ncredential_process = %s/no-such-helper\n", tmpdir);
	ctx = ctx_with(config, "", "p");
	assert_int_equal(get(ctx, &c, &err), -1);
	err_clear(&err);
	aws_ctx_free(ctx);
	free(config);

	assert_int_equal(aws_process_split("a \"b c\" 'd\"e' f\\ g \"\"", &argv), 5);
	assert_string_equal(argv[1], "b c");
	assert_string_equal(argv[2], "d\"e");
	assert_string_equal(argv[3], "f g");
	assert_string_equal(argv[4], "");
	for (int i = 0; argv[i] != NULL; i++)
		free(argv[i]);
	free(argv);
	unlink(args);
	unlink(ok);
	unlink(bad);
	unlink(junk);
	free(args);
	free(ok);
	free(bad);
	free(junk);
	aws_creds_clear(&c);
}

/* A provider whose credentials expire EXPIRES_IN ms after each load. */
struct counting {
	int loads;
	int fail;
	int64_t expires_in;
	pthread_mutex_t lock;
};

static int
counting_load(struct aws_provider *p, struct aws_ctx *ctx, int64_t deadline, struct aws_creds *out,
    struct rw_error *err)
{
	struct counting *k = p->priv;
	char akid[32];

	(void)ctx;
	(void)deadline;
	usleep(20000);	/* long enough for other threads to pile up */
	pthread_mutex_lock(&k->lock);
	if (k->fail) {
		pthread_mutex_unlock(&k->lock);
		err_set(err, ERR_NETWORK, "imds", NULL, "metadata service unreachable");
		return -1;
	}
	snprintf(akid, sizeof akid, "AKIDGEN%d", ++k->loads);
	pthread_mutex_unlock(&k->lock);
	aws_creds_set(out, akid, "generated-secret", "generated-token",
	    time_now_ms() + k->expires_in, "test");
	return 0;
}

static const struct aws_provider_ops counting_ops = { "counting", counting_load, NULL };

static void *
getter(void *arg)
{
	struct aws_credcache *cc = arg;
	struct aws_creds c = AWS_CREDS_INIT;
	struct rw_error err = RW_ERROR_INIT;

	if (aws_credcache_get(cc, NULL, time_mono_ms() + 5000, &c, &err) != 0)
		return (void *)1;
	aws_creds_clear(&c);
	return NULL;
}

static void
test_cache_refresh(void **state)
{
	struct counting k = { .expires_in = TIME_HOUR };
	struct aws_provider *p = xcalloc(1, sizeof *p);
	struct aws_credcache *cc;
	struct aws_creds c = AWS_CREDS_INIT;
	struct rw_error err = RW_ERROR_INIT;
	pthread_t t[8];

	(void)state;
	pthread_mutex_init(&k.lock, NULL);
	p->ops = &counting_ops;
	p->priv = &k;
	cc = aws_credcache_new(&p, 1);
	/* Eight workers at once: one load. */
	for (int i = 0; i < 8; i++)
		assert_int_equal(pthread_create(&t[i], NULL, getter, cc), 0);
	for (int i = 0; i < 8; i++) {
		void *rv;

		pthread_join(t[i], &rv);
		assert_null(rv);
	}
	assert_int_equal(aws_credcache_loads(cc), 1);
	/* ExpiredToken seen with the current key: one refresh; with an old key: none. */
	aws_credcache_invalidate(cc, "AKIDGEN1");
	aws_credcache_invalidate(cc, "AKIDGEN1");
	assert_int_equal(aws_credcache_get(cc, NULL, time_mono_ms() + 5000, &c, &err), 0);
	assert_string_equal(c.access_key_id, "AKIDGEN2");
	aws_credcache_invalidate(cc, "AKIDGEN1");
	assert_int_equal(aws_credcache_get(cc, NULL, time_mono_ms() + 5000, &c, &err), 0);
	assert_int_equal(aws_credcache_loads(cc), 2);
	/* Inside the refresh margin: refreshed before they expire. */
	k.expires_in = AWS_CREDS_REFRESH_MARGIN_MS - 1000;
	aws_credcache_invalidate(cc, "AKIDGEN2");
	assert_int_equal(aws_credcache_get(cc, NULL, time_mono_ms() + 5000, &c, &err), 0);
	assert_string_equal(c.access_key_id, "AKIDGEN3");
	assert_int_equal(aws_credcache_get(cc, NULL, time_mono_ms() + 5000, &c, &err), 0);
	assert_string_equal(c.access_key_id, "AKIDGEN4");
	/* A failed refresh keeps credentials that are still valid ... */
	k.fail = 1;
	assert_int_equal(aws_credcache_get(cc, NULL, time_mono_ms() + 5000, &c, &err), 0);
	assert_string_equal(c.access_key_id, "AKIDGEN4");
	/* ... but not ones a service called expired. */
	aws_credcache_invalidate(cc, "AKIDGEN4");
	assert_int_equal(aws_credcache_get(cc, NULL, time_mono_ms() + 5000, &c, &err), -1);
	assert_non_null(strstr(err.message, "unreachable"));
	err_clear(&err);
	k.fail = 0;
	assert_int_equal(aws_credcache_get(cc, NULL, time_mono_ms() + 5000, &c, &err), 0);
	assert_string_equal(c.access_key_id, "AKIDGEN5");
	aws_creds_clear(&c);
	aws_credcache_free(cc);
	pthread_mutex_destroy(&k.lock);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_env_and_static),
		cmocka_unit_test(test_profile_errors),
		cmocka_unit_test(test_credential_process),
		cmocka_unit_test(test_cache_refresh),
	};
	int rc;
	char *cmd;

	assert_non_null(mkdtemp(tmpdir));
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	cmd = xasprintf("rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		rc = 1;
	free(cmd);
	return rc;
}
