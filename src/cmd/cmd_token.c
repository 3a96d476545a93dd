/* rdswatch token: prints an RDS IAM database authentication token and a
 * newline on stdout, nothing else, the same as
 * `aws rds generate-db-auth-token`, so an on-call engineer can run
 *   PGPASSWORD="$(rdswatch token --host H --user U)" psql "host=H user=U sslmode=verify-full"
 * without the AWS CLI. The region is --region, else the one in an RDS
 * host name, else the usual chain. */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/ctx.h"
#include "aws/endpoint.h"
#include "aws/token.h"
#include "cmd/cmd.h"
#include "cmd/cmd_opts.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "core/xmalloc.h"

#define TOKEN_DEADLINE_MS (60 * 1000LL)

static const struct option cmd_token_options[] = {
	{ "host", required_argument, NULL, 'H' },
	{ "port", required_argument, NULL, 'p' },
	{ "user", required_argument, NULL, 'u' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static void
cmd_token_help(void)
{
	printf("usage: rdswatch token --host HOST [--port PORT] --user USER [OPTIONS]\n"
	    "Print an RDS IAM database authentication token (valid 15 minutes) for USER\n"
	    "at HOST:PORT (default port 5432), the same as 'aws rds generate-db-auth-token'.\n"
	    "\n"
	    "  -H, --host HOST        the database endpoint\n"
	    "  -p, --port PORT        its port (default 5432)\n"
	    "  -u, --user USER        the database user\n"
	    "%s", cmd_opts_help());
}

static int
cmd_token_exec(int argc, char **argv)
{
	struct cmd_opts o = CMD_OPTS_INIT;
	struct option *table = cmd_opts_table(cmd_token_options);
	struct aws_settings s;
	struct rw_error err = RW_ERROR_INIT;
	struct aws_ctx *ctx = NULL;
	const char *host = NULL, *user = NULL;
	char *token = NULL, *host_region = NULL;
	long port = 5432;
	int c, rc = CMD_EXIT_FAILURE;
	int64_t deadline = time_mono_ms() + TOKEN_DEADLINE_MS;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "+H:p:u:h", table, NULL)) != -1) {
		int h = cmd_opts_handle(&o, c, optarg, &cmd_token_entry);
		char *end;

		if (h < 0) {
			rc = CMD_EXIT_USAGE;
			goto out;
		}
		if (h > 0)
			continue;
		switch (c) {
		case 'H':
			host = optarg;
			break;
		case 'u':
			user = optarg;
			break;
		case 'p':
			errno = 0;
			port = strtol(optarg, &end, 10);
			if (errno != 0 || *end != '\0' || port < 1 || port > 65535) {
				rc = cmd_usage_error(&cmd_token_entry, "--port: expected 1 to 65535");
				goto out;
			}
			break;
		case 'h':
			cmd_token_help();
			rc = CMD_EXIT_OK;
			goto out;
		default:
			rc = cmd_usage_error(&cmd_token_entry, "unknown option '%s'", argv[optind - 1]);
			goto out;
		}
	}
	if (optind < argc) {
		rc = cmd_usage_error(&cmd_token_entry, "unexpected argument '%s'", argv[optind]);
		goto out;
	}
	if (host == NULL || *host == '\0' || user == NULL || *user == '\0') {
		rc = cmd_usage_error(&cmd_token_entry, "--host and --user are required");
		goto out;
	}
	if (cmd_opts_finish(&o, &s, &err) != 0)
		goto fail;
	if (s.region == NULL && (host_region = aws_endpoint_rds_host_region(host)) != NULL) {
		s.region = host_region;
		s.region_source = "the host name";
	}
	ctx = aws_ctx_new(&s, deadline, &err);
	if (ctx == NULL)
		goto fail;
	if (aws_token_generate(ctx, host, (int)port, user, NULL, deadline, &token, &err) != 0)
		goto fail;
	log_debug(LOG_AWS, "IAM token generated for a user at %s:%ld, region %s", host, port,
	    aws_ctx_region(ctx));
	if (printf("%s\n", token) < 0 || fflush(stdout) != 0)
		goto out;
	rc = CMD_EXIT_OK;
	goto out;
fail:
	{
		char *m = err_format(&err);

		fprintf(stderr, "rdswatch: %s\n", m);
		free(m);
	}
out:
	aws_token_free(token);
	aws_ctx_free(ctx);
	free(host_region);
	free(table);
	err_clear(&err);
	cmd_opts_free(&o);
	log_close();
	return rc;
}

const struct cmd_entry cmd_token_entry = {
	.name = "token",
	.args = "-H HOST -u USER [OPTIONS]",
	.summary = "print an RDS IAM database auth token",
	.exec = cmd_token_exec,
};
