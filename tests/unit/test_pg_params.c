/* Connection parameters: config over libpq's environment over defaults,
 * a dsn as the base, the keywords handed to libpq, the credential
 * providers, and the root-certificate check's message. */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/config.h"
#include "pg/pg_params.h"

static void
clear_env(void)
{
	unsetenv("PGUSER");
	unsetenv("PGDATABASE");
	unsetenv("PGSSLMODE");
	unsetenv("PGSSLROOTCERT");
	unsetenv("PGPASSWORD");
}

static int
resolve(struct pg_params *p, const char *text, const char *instance, const char *host,
    int port, struct rw_error *err)
{
	struct config cfg;
	int rc;

	assert_int_equal(config_load_string(&cfg, text, "test", err), 0);
	rc = pg_params_resolve(p, &cfg, instance, host, port, "eu-west-1", err);
	config_free(&cfg);
	return rc;
}

static const char *
kw(const struct pg_params *p, const char *password, const char *key)
{
	static const char *keys[PG_PARAMS_MAX_KEYS], *vals[PG_PARAMS_MAX_KEYS];
	const char *v = NULL;

	pg_params_keywords(p, NULL, password, keys, vals);
	for (size_t i = 0; keys[i] != NULL; i++) {
		if (strcmp(keys[i], key) == 0)
			v = vals[i];	/* the last one is what libpq uses */
	}
	return v;
}

static void
test_params_defaults_and_env(void **state)
{
	struct rw_error err = RW_ERROR_INIT;
	struct pg_params p;

	(void)state;
	clear_env();
	assert_int_equal(resolve(&p, "", "db1", "db1.abc.eu-west-1.rds.amazonaws.com", 5432, &err), 0);
	assert_string_equal(kw(&p, NULL, "host"), "db1.abc.eu-west-1.rds.amazonaws.com");
	assert_string_equal(kw(&p, NULL, "port"), "5432");
	assert_string_equal(kw(&p, NULL, "dbname"), "postgres");
	assert_string_equal(kw(&p, NULL, "sslmode"), "verify-full");
	assert_string_equal(kw(&p, NULL, "application_name"), "rdswatch");
	assert_string_equal(kw(&p, NULL, "connect_timeout"), "5");
	assert_string_equal(kw(&p, NULL, "keepalives"), "1");
	assert_null(kw(&p, NULL, "password"));
	assert_null(kw(&p, NULL, "user"));
	assert_int_equal(p.tls_verified, 1);
	assert_int_equal(p.statement_timeout_ms, 5000);
	assert_int_equal(p.lock_timeout_ms, 1000);
	assert_string_equal(p.cred->ops->name, "env");
	pg_params_free(&p);

	/* libpq's environment over rdswatch's defaults ... */
	setenv("PGUSER", "envuser", 1);
	setenv("PGDATABASE", "envdb", 1);
	setenv("PGSSLMODE", "require", 1);
	assert_int_equal(resolve(&p, "", "db1", "h", 6000, &err), 0);
	assert_string_equal(kw(&p, NULL, "user"), "envuser");
	assert_string_equal(kw(&p, NULL, "dbname"), "envdb");
	assert_string_equal(kw(&p, NULL, "sslmode"), "require");
	assert_int_equal(p.tls_verified, 0);
	pg_params_free(&p);
	/* ... and the config file over both, [instance] over [pg]. */
	assert_int_equal(resolve(&p, "[pg]\nuser = pguser\nsslmode = verify-ca\ndbname = a\n"
	    "[instance db1]\nuser = iuser\nhostaddr = 127.0.0.1\nport = 15432\n"
	    "statement_timeout = 2s\n", "db1", "h", 6000, &err), 0);
	assert_string_equal(kw(&p, NULL, "user"), "iuser");
	assert_string_equal(kw(&p, NULL, "dbname"), "a");
	assert_string_equal(kw(&p, NULL, "sslmode"), "verify-ca");
	assert_string_equal(kw(&p, NULL, "host"), "h");
	assert_string_equal(kw(&p, NULL, "hostaddr"), "127.0.0.1");
	assert_string_equal(kw(&p, NULL, "port"), "15432");
	assert_int_equal(p.statement_timeout_ms, 2000);
	assert_int_equal(p.tls_verified, 0);
	pg_params_free(&p);
	clear_env();
}

static void
test_params_dsn(void **state)
{
	struct rw_error err = RW_ERROR_INIT;
	struct pg_params p;

	(void)state;
	clear_env();
	assert_int_equal(resolve(&p, "[instance x]\ndsn = host=a.example port=7000 user=u "
	    "dbname=d sslcert=/c.pem application_name=evil\nuser = over\n", "x", "endpoint", 5432,
	    &err), 0);
	assert_string_equal(kw(&p, NULL, "host"), "a.example");
	assert_string_equal(kw(&p, NULL, "port"), "7000");
	assert_string_equal(kw(&p, NULL, "user"), "over");
	assert_string_equal(kw(&p, NULL, "sslcert"), "/c.pem");
	assert_string_equal(kw(&p, NULL, "application_name"), "rdswatch");
	pg_params_free(&p);
	/* A password in a dsn is refused, and not repeated. */
	assert_int_equal(resolve(&p, "[instance x]\ndsn = postgresql://u:s3cret-pw@h/d\n", "x",
	    NULL, 0, &err), -1);
	assert_int_equal(err.kind, ERR_CONFIG);
	assert_null(strstr(err.message, "s3cret"));
	assert_non_null(strstr(err.message, "password"));
	err_clear(&err);
	assert_int_equal(resolve(&p, "[instance x]\ndsn = nonsense\n", "x", "h", 0, &err), -1);
	err_clear(&err);
	assert_int_equal(resolve(&p, "[instance x]\nsslmode = verify-all\n", "x", "h", 0, &err), -1);
	assert_non_null(strstr(err.message, "verify-all"));
	err_clear(&err);
	assert_int_equal(resolve(&p, "", "x", NULL, 0, &err), -1);
	assert_non_null(strstr(err.message, "no host"));
	err_clear(&err);
}

static void
test_params_credentials(void **state)
{
	struct rw_error err = RW_ERROR_INIT;
	struct pg_cred_target t = { "x", "h", 5432, NULL, NULL };
	struct pg_cred c = { NULL, NULL };
	struct pg_params p;

	(void)state;
	clear_env();
	assert_int_equal(resolve(&p, "[instance x]\npassword = from-config-1\n", "x", "h", 0, &err), 0);
	assert_string_equal(p.cred->ops->name, "password");
	assert_int_equal(p.cred->ops->get(p.cred, &t, &c, 0, &err), 0);
	assert_string_equal(c.password, "from-config-1");
	assert_string_equal(kw(&p, c.password, "password"), "from-config-1");
	pg_cred_wipe(&c);
	assert_null(c.password);
	pg_params_free(&p);

	setenv("PGPASSWORD", "from-env-123", 1);
	assert_int_equal(resolve(&p, "", "x", "h", 0, &err), 0);
	assert_int_equal(p.cred->ops->get(p.cred, &t, &c, 0, &err), 0);
	assert_string_equal(c.password, "from-env-123");
	pg_cred_wipe(&c);
	pg_params_free(&p);
	clear_env();

	assert_int_equal(resolve(&p, "[pg]\nauth = pgpass\n", "x", "h", 0, &err), 0);
	assert_int_equal(p.cred->ops->get(p.cred, &t, &c, 0, &err), 0);
	assert_null(c.password);	/* libpq reads .pgpass / PGPASSFILE */
	pg_params_free(&p);

	/* AWS kinds without the AWS client, unknown kinds, a password the
	 * auth does not use: configuration errors. */
	assert_int_equal(resolve(&p, "[pg]\nauth = iam\n", "x", "h", 0, &err), -1);
	assert_non_null(strstr(err.message, "AWS client"));
	err_clear(&err);
	assert_int_equal(resolve(&p, "[pg]\nauth = kerberos\n", "x", "h", 0, &err), -1);
	err_clear(&err);
	assert_int_equal(resolve(&p, "[pg]\nauth = pgpass\npassword = unused-pw-1\n", "x", "h", 0,
	    &err), -1);
	assert_null(strstr(err.message, "unused-pw-1"));
	err_clear(&err);
}

static void
test_params_root_cert_message(void **state)
{
	struct rw_error err = RW_ERROR_INIT;
	struct pg_params p;

	(void)state;
	clear_env();
	assert_int_equal(resolve(&p, "[instance x]\nsslrootcert = /nonexistent/ca.pem\n", "x", "h",
	    0, &err), 0);
	assert_int_equal(pg_params_check_tls(&p, &err), -1);
	assert_int_equal(err.kind, ERR_CONFIG);
	assert_non_null(strstr(err.message, PG_RDS_CA_BUNDLE_URL));
	assert_non_null(strstr(err.message, "sslrootcert"));
	assert_non_null(strstr(err.message, "/nonexistent/ca.pem"));
	err_clear(&err);
	pg_params_free(&p);
	/* Without verification there is nothing to check. */
	assert_int_equal(resolve(&p, "[instance x]\nsslmode = require\nsslrootcert = /nonexistent\n",
	    "x", "h", 0, &err), 0);
	assert_int_equal(pg_params_check_tls(&p, &err), 0);
	pg_params_free(&p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_params_defaults_and_env),
		cmocka_unit_test(test_params_dsn),
		cmocka_unit_test(test_params_credentials),
		cmocka_unit_test(test_params_root_cert_message),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
