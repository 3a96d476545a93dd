/* aws-call: one AWS call (or several) through rdswatch's client, for the
 * integration tests against the local AWS endpoint.
 *
 *   aws-call [OPTIONS] SERVICE OPERATION [NAME=VALUE... | JSON]
 *     --profile P --region R --endpoint-url U   as rdswatch's flags
 *     --timeout DUR --connect-timeout DUR --debug CATS --log FILE
 *     --deadline MS       the call's deadline (default 30000)
 *     --repeat N          make the call N times ...
 *     --interval MS       ... this far apart
 *     --threads N         from N threads sharing one context
 *     --secret FIELD      GetSecretValue through aws_secret_get (prints the length)
 *     --path P --method M REST-JSON path and method
 *     --max-bytes N       the response size cap
 *
 * Prints "OK attempts=N <summary>" per call, or "ERROR kind=K code=C
 * status=S attempts=N: MESSAGE" and exits 1 when any call failed. */
#include <config.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "aws/client.h"
#include "aws/ctx.h"
#include "aws/json.h"
#include "aws/query.h"
#include "aws/secrets.h"
#include "aws/service.h"
#include "aws/xml.h"
#include "cmd/cmd.h"
#include "cmd/cmd_opts.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "core/xmalloc.h"

struct job {
	struct aws_ctx *ctx;
	const char *service, *operation, *method, *path, *secret_field;
	char **args;
	int nargs, repeat, interval_ms;
	int64_t deadline_ms;
	int failed;
	pthread_mutex_t *out;
};

static const struct cmd_entry aws_call_entry = { "aws-call", "SERVICE OPERATION [ARGS]", "", NULL };

static void
summary_xml(xmlDoc *doc, const char *op, char *buf, size_t len)
{
	xmlNode *res = aws_xml_result(doc, op);
	size_t n = 0;

	for (xmlNode *c = aws_xml_first(res, NULL); c != NULL; c = aws_xml_next(c, NULL))
		n += aws_xml_count(c, NULL) > 0 ? aws_xml_count(c, NULL) : 1;
	snprintf(buf, len, "xml %s items=%zu", (const char *)xmlDocGetRootElement(doc)->name, n);
}

static void
summary_json(const cJSON *j, char *buf, size_t len)
{
	size_t off = (size_t)snprintf(buf, len, "json keys=");
	const cJSON *c;

	cJSON_ArrayForEach(c, j) {
		if (off < len)
			off += (size_t)snprintf(buf + off, len - off, "%s,", c->string);
	}
}

static int
one_call(struct job *j, struct aws_client *c, char *buf, size_t len, struct rw_error *err)
{
	const struct aws_service *svc = aws_service_find(j->service);
	int64_t deadline = time_mono_ms() + j->deadline_ms;
	int rc = -1;

	if (svc == NULL) {
		err_set(err, ERR_INTERNAL, j->service, j->operation, "unknown service");
		return -1;
	}
	if (j->secret_field != NULL) {
		char *value = NULL;

		rc = aws_secret_get(c, j->nargs > 0 ? j->args[0] : "", *j->secret_field ? j->secret_field
		    : NULL, deadline, &value, err);
		if (rc == 0)
			snprintf(buf, len, "secret length=%zu", strlen(value));
		aws_secret_free(value);
	} else if (svc->protocol == AWS_PROTO_QUERY || svc->protocol == AWS_PROTO_EC2) {
		struct aws_params p = AWS_PARAMS_INIT;
		xmlDoc *doc = NULL;

		for (int i = 0; i < j->nargs; i++) {
			char *eq = strchr(j->args[i], '='), *k = xstrndup(j->args[i],
			    eq != NULL ? (size_t)(eq - j->args[i]) : strlen(j->args[i]));

			aws_params_add(&p, k, eq != NULL ? eq + 1 : "");
			free(k);
		}
		rc = aws_query_call(c, j->service, j->operation, &p, deadline, &doc, err);
		if (rc == 0)
			summary_xml(doc, j->operation, buf, len);
		xmlFreeDoc(doc);
		aws_params_free(&p);
	} else {
		cJSON *body = j->nargs > 0 ? cJSON_Parse(j->args[0]) : NULL, *out = NULL;

		if (svc->protocol == AWS_PROTO_JSON)
			rc = aws_json_call(c, j->service, j->operation, body, deadline, &out, err);
		else
			rc = aws_rest_json_call(c, j->service, j->operation, j->method, j->path, NULL,
			    body, deadline, &out, err);
		if (rc == 0)
			summary_json(out, buf, len);
		cJSON_Delete(out);
		cJSON_Delete(body);
	}
	return rc;
}

static void *
run_job(void *arg)
{
	struct job *j = arg;
	struct aws_client *c = aws_client_new(j->ctx);

	for (int i = 0; i < j->repeat; i++) {
		struct rw_error err = RW_ERROR_INIT;
		char buf[512] = "";
		int rc = one_call(j, c, buf, sizeof buf, &err);
		int64_t attempts = aws_client_take_attempts(c);

		pthread_mutex_lock(j->out);
		if (rc == 0) {
			printf("OK attempts=%lld %s\n", (long long)attempts, buf);
		} else {
			char *m = err_format(&err);

			printf("ERROR kind=%s code=%s status=%d attempts=%lld: %s\n", err_kind_name(err.kind),
			    err.code != NULL ? err.code : "-", err.http_status, (long long)attempts, m);
			free(m);
			j->failed = 1;
		}
		fflush(stdout);
		pthread_mutex_unlock(j->out);
		err_clear(&err);
		if (i + 1 < j->repeat)
			usleep((useconds_t)j->interval_ms * 1000);
	}
	aws_client_free(c);
	return NULL;
}

int
main(int argc, char **argv)
{
	static const struct option extra[] = {
		{ "deadline", required_argument, NULL, 'd' },
		{ "repeat", required_argument, NULL, 'n' },
		{ "interval", required_argument, NULL, 'i' },
		{ "threads", required_argument, NULL, 't' },
		{ "secret", required_argument, NULL, 's' },
		{ "path", required_argument, NULL, 'P' },
		{ "method", required_argument, NULL, 'M' },
		{ "max-bytes", required_argument, NULL, 'B' },
		{ NULL, 0, NULL, 0 },
	};
	struct option *table = cmd_opts_table(extra);
	struct cmd_opts o = CMD_OPTS_INIT;
	struct aws_settings s;
	struct rw_error err = RW_ERROR_INIT;
	pthread_mutex_t out = PTHREAD_MUTEX_INITIALIZER;
	struct job j = { .method = "GET", .path = "/", .repeat = 1, .deadline_ms = 30000, .out = &out };
	int threads = 1, c, failed = 0;
	size_t max_bytes = 0;
	pthread_t tid[16];
	struct job jobs[16];

	while ((c = getopt_long(argc, argv, "+", table, NULL)) != -1) {
		int h = cmd_opts_handle(&o, c, optarg, &aws_call_entry);

		if (h < 0)
			return 2;
		if (h > 0)
			continue;
		switch (c) {
		case 'd': j.deadline_ms = atoll(optarg); break;
		case 'n': j.repeat = atoi(optarg); break;
		case 'i': j.interval_ms = atoi(optarg); break;
		case 't': threads = atoi(optarg) < 1 ? 1 : atoi(optarg) > 16 ? 16 : atoi(optarg); break;
		case 's': j.secret_field = optarg; break;
		case 'P': j.path = optarg; break;
		case 'M': j.method = optarg; break;
		case 'B': max_bytes = (size_t)atoll(optarg); break;
		default: fprintf(stderr, "aws-call: bad option\n"); return 2;
		}
	}
	if (argc - optind < 2) {
		fprintf(stderr, "usage: aws-call [OPTIONS] SERVICE OPERATION [ARGS]\n");
		return 2;
	}
	j.service = argv[optind];
	j.operation = argv[optind + 1];
	j.args = argv + optind + 2;
	j.nargs = argc - optind - 2;
	if (cmd_opts_finish(&o, &s, &err) == 0)
		s.max_response_bytes = max_bytes;
	if (err_is_set(&err) || (j.ctx = aws_ctx_new(&s, time_mono_ms() + 5000, &err)) == NULL) {
		char *m = err_format(&err);

		printf("ERROR kind=%s code=- status=0 attempts=0: %s\n", err_kind_name(err.kind), m);
		free(m);
		err_clear(&err);
		cmd_opts_free(&o);
		free(table);
		return 1;
	}
	for (int i = 0; i < threads; i++) {
		jobs[i] = j;
		pthread_create(&tid[i], NULL, run_job, &jobs[i]);
	}
	for (int i = 0; i < threads; i++) {
		pthread_join(tid[i], NULL);
		failed |= jobs[i].failed;
	}
	printf("credential loads=%d\n", aws_credcache_loads(aws_ctx_credcache(j.ctx)));
	aws_ctx_free(j.ctx);
	cmd_opts_free(&o);
	log_close();
	free(table);
	return failed ? 1 : 0;
}
