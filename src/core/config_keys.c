/* Every key rdswatch's config file knows. Modules add their keys here,
 * grouped by section; rdswatch.conf(5) documents each one. */
#include "config.h"

#include <stddef.h>

#include "core/config.h"

const struct config_keydef config_keys[] = {
	/* [aws]: where to look, as the AWS CLI's flags would say. */
	{ "aws", "profile", 0, "AWS profile (default: AWS_PROFILE, then \"default\")" },
	{ "aws", "region", 0, "AWS region (default: AWS_REGION, the profile, IMDS)" },
	{ "aws", "endpoint_url", 0, "one endpoint URL for every AWS service (testing)" },

	/* [instance ID]: how to reach one instance's PostgreSQL. */
	{ "instance", "password", CONFIG_SECRET, "database password (prefer auth = iam or secret:ARN)" },

	/* PostgreSQL (src/pg, sources/pg.c, sources/pglog.c): [pg] holds
	 * defaults for every instance, [instance ID] overrides them. */
#define PG_KEYS(sec) \
	{ sec, "host", 0, "PostgreSQL host (default: the instance's endpoint)" }, \
	{ sec, "port", 0, "PostgreSQL port (default: the endpoint's, else 5432)" }, \
	{ sec, "hostaddr", 0, "connect to this address, verify TLS against host (SSM port forward)" }, \
	{ sec, "dsn", 0, "libpq connection string or URI as a base (no password in it)" }, \
	{ sec, "user", 0, "monitoring role (default: PGUSER, then the OS user)" }, \
	{ sec, "dbname", 0, "database to connect to (default: PGDATABASE, then postgres)" }, \
	{ sec, "sslmode", 0, "verify-full (default), verify-ca, require (TLS not verified), ..." }, \
	{ sec, "sslrootcert", 0, "CA bundle file (RDS: global-bundle.pem; default PGSSLROOTCERT)" }, \
	{ sec, "auth", 0, "password source: password, env (PGPASSWORD/.pgpass), pgpass, iam, secret[:ARN]" }, \
	{ sec, "connect_timeout", 0, "connection timeout (default 5s)" }, \
	{ sec, "statement_timeout", 0, "statement_timeout of monitoring queries (default 5s)" }, \
	{ sec, "lock_timeout", 0, "lock_timeout of monitoring queries (default 1s)" }, \
	{ sec, "poll_interval", 0, "time between pg polls (default 5s)" }, \
	{ sec, "poll_timeout", 0, "a pg poll's deadline (default 10s)" }, \
	{ sec, "query_max_bytes", 0, "bytes of session query text kept (default 512, 0: none)" }, \
	{ sec, "query_literals", 0, "mask (default) or keep string literals in query text" }, \
	{ sec, "log_poll_interval", 0, "time between reads of log_file (default 5s)" }
	PG_KEYS("pg"),
	PG_KEYS("instance"),
#undef PG_KEYS
	{ "pg", "password", CONFIG_SECRET, "database password for every instance (prefer auth = iam)" },
	{ "pg", "enabled", 0, "poll PostgreSQL of discovered instances (default true)" },
	{ "instance", "pg", 0, "poll this instance's PostgreSQL (default true)" },
	{ "instance", "log_file", 0, "self-managed server's log file, read for failed logins" },
	{ "instance", "log_line_prefix", 0, "the server's log_line_prefix (default RDS's %t:%r:%u@%d:[%p]:)" },

	{ NULL, NULL, 0, NULL },
};
