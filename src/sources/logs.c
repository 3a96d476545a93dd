#include <config.h>

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "aws/json.h"
#include "aws/xml.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "core/xmalloc.h"
#include "sources/discovery.h"
#include "sources/logline.h"
#include "sources/logs.h"

/* Events can reach CloudWatch Logs a little after their time: each read
 * starts this much before the last one ended, and repeats are dropped by
 * eventId. */
#define LOGS_OVERLAP_MS (2 * 60 * 1000LL)
#define LOGS_LINE_MAX (64 << 10)
/* Instances are read up to this many at a time (each log group is one
 * call at least, and a fleet has many), by a worker per LOGS_PER_WORKER
 * instances: a thread started costs more than a call it saves waiting for
 * on a small fleet (at AWS's ~100 ms a call, 8 calls in a row are under a
 * second). */
#define LOGS_WORKERS 8
#define LOGS_PER_WORKER 8
/* A worker's stack, as the scheduler's: glibc keeps the stacks of joined
 * threads for the next ones (up to 40 MB), so small stacks are reused
 * poll after poll instead of mapped and unmapped (8 MB each by default). */
#define LOGS_WORKER_STACK (512 * 1024)

/* A log file being downloaded: where the last read stopped. */
struct logs_file {
	char *name;
	char *marker;
	char *partial;		/* a line without its newline yet */
};

struct logs_inst {
	char *id;
	int seen_poll;		/* still in the roster */
	/* CloudWatch Logs */
	struct logline_parser *exported;
	int64_t since;
	struct m_list seen_ids;	/* eventIds at or after since */
	/* DescribeDBLogFiles + DownloadDBLogFilePortion */
	struct logline_parser *downloaded;
	int64_t files_since;
	struct logs_file *files;
	size_t nfiles;
};

struct logs_source {
	struct scope *sc;
	struct aws_client *cl[LOGS_WORKERS];
	struct logs_settings st;
	struct logs_inst *inst;
	size_t ninst;
	int64_t next_download;	/* time_mono_ms; 0: now */
};

char *
logs_group_of(const struct m_instance *i, const struct m_instance *c)
{
	if (c != NULL)
		return m_list_contains(&c->log_exports, "postgresql") ?
		    xasprintf("/aws/rds/cluster/%s/postgresql", c->id) : NULL;
	return m_list_contains(&i->log_exports, "postgresql") ?
	    xasprintf("/aws/rds/instance/%s/postgresql", i->id) : NULL;
}

static struct logline_parser *
logs_parser(const char *instance, const char *source)
{
	char *why = NULL;
	struct logline_format *f = logline_format_new(NULL, &why);

	/* RDS's prefix is fixed, so this cannot fail; say so if it does. */
	if (f == NULL) {
		log_debug(LOG_SOURCES, "logs: %s", why != NULL ? why : "no log format");
		free(why);
		return NULL;
	}
	return logline_parser_new(f, instance, source);
}

static void
logs_file_free(struct logs_file *f)
{
	free(f->name);
	free(f->marker);
	free(f->partial);
}

static void
logs_inst_free(struct logs_inst *li)
{
	free(li->id);
	logline_parser_free(li->exported);
	logline_parser_free(li->downloaded);
	m_list_free(&li->seen_ids);
	for (size_t i = 0; i < li->nfiles; i++)
		logs_file_free(&li->files[i]);
	free(li->files);
}

static struct logs_inst *
logs_inst_get(struct logs_source *l, const char *id)
{
	struct logs_inst *li;

	for (size_t i = 0; i < l->ninst; i++) {
		if (strcmp(l->inst[i].id, id) == 0)
			return &l->inst[i];
	}
	l->inst = xreallocarray(l->inst, l->ninst + 1, sizeof *l->inst);
	li = &l->inst[l->ninst++];
	memset(li, 0, sizeof *li);
	li->id = xstrdup(id);
	return li;
}

/* Feeds TEXT (one or more lines) to P. */
static void
logs_feed(struct logline_parser *p, const char *text, size_t len, int64_t time_hint,
    struct m_vec *out)
{
	const char *s = text, *end = text + len;

	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		size_t n = nl != NULL ? (size_t)(nl - s) : (size_t)(end - s);

		if (n > LOGS_LINE_MAX)
			n = LOGS_LINE_MAX;
		logline_parser_feed(p, s, n, time_hint, out);
		if (nl == NULL)
			break;
		s = nl + 1;
	}
}

/* ---- CloudWatch Logs -------------------------------------------------- */

static int
logs_filter(struct logs_source *l, struct aws_client *cl, struct logs_inst *li, const char *group,
    int aurora, struct m_vec *out, int64_t deadline, struct rw_error *err)
{
	int64_t asked = time_now_ms(), newest = 0;
	char *token = NULL;
	struct m_list seen = { NULL, 0 };
	int rc = 0;

	if (li->exported == NULL && (li->exported = logs_parser(li->id, "log_export")) == NULL) {
		err_set(err, ERR_INTERNAL, "logs", "FilterLogEvents", "no log line parser");
		return -1;
	}
	if (li->since == 0)
		li->since = asked - l->st.lookback_ms;
	for (int page = 0; page < 1000; page++) {
		cJSON *req = cJSON_CreateObject(), *resp = NULL;
		const cJSON *ev;
		const char *next;

		cJSON_AddStringToObject(req, "logGroupName", group);
		cJSON_AddNumberToObject(req, "startTime", (double)li->since);
		cJSON_AddStringToObject(req, "filterPattern", LOGS_FILTER_PATTERN);
		if (aurora) {
			cJSON *streams = cJSON_AddArrayToObject(req, "logStreamNames");

			cJSON_AddItemToArray(streams, cJSON_CreateString(li->id));
		}
		if (token != NULL)
			cJSON_AddStringToObject(req, "nextToken", token);
		rc = aws_json_call(cl, "logs", "FilterLogEvents", req, deadline, &resp, err);
		cJSON_Delete(req);
		if (rc != 0) {
			/* Exported, but nothing written yet: no group, nothing to read. */
			if (err->code != NULL && strcmp(err->code, "ResourceNotFoundException") == 0) {
				err_clear(err);
				rc = 0;
			}
			break;
		}
		cJSON_ArrayForEach(ev, cJSON_GetObjectItemCaseSensitive(resp, "events")) {
			const char *msg = aws_json_str(ev, "message"), *id = aws_json_str(ev, "eventId");
			double ts = 0;

			if (msg == NULL || aws_json_num(ev, "timestamp", &ts) != 1)
				continue;
			if (id != NULL && (m_list_contains(&li->seen_ids, id) ||
			    m_list_contains(&seen, id)))
				continue;
			if (id != NULL)
				m_list_add(&seen, id);
			if ((int64_t)ts > newest)
				newest = (int64_t)ts;
			logs_feed(li->exported, msg, strlen(msg), (int64_t)ts, out);
		}
		next = aws_json_str(resp, "nextToken");
		free(token);
		token = next != NULL && *next != '\0' ? xstrdup(next) : NULL;
		cJSON_Delete(resp);
		if (token == NULL)
			break;
	}
	free(token);
	if (rc == 0) {
		int64_t since = asked - LOGS_OVERLAP_MS;

		/* Keep the ids a read from the new start could see again. */
		li->since = newest > since ? newest : since;
		if (li->since < asked - l->st.lookback_ms)
			li->since = asked - l->st.lookback_ms;
		m_list_free(&li->seen_ids);
		li->seen_ids = seen;
		memset(&seen, 0, sizeof seen);
	}
	m_list_free(&seen);
	return rc;
}

/* ---- DescribeDBLogFiles + DownloadDBLogFilePortion -------------------- */

static struct logs_file *
logs_file_get(struct logs_inst *li, const char *name)
{
	for (size_t i = 0; i < li->nfiles; i++) {
		if (strcmp(li->files[i].name, name) == 0)
			return &li->files[i];
	}
	li->files = xreallocarray(li->files, li->nfiles + 1, sizeof *li->files);
	memset(&li->files[li->nfiles], 0, sizeof li->files[0]);
	li->files[li->nfiles].name = xstrdup(name);
	return &li->files[li->nfiles++];
}

/* Reads one file from its marker to its end. */
static int
logs_download_file(struct aws_client *cl, struct logs_inst *li, struct logs_file *f,
    struct m_vec *out, int64_t deadline, struct rw_error *err)
{
	for (int portion = 0; portion < 1000; portion++) {
		struct aws_params p = AWS_PARAMS_INIT;
		xmlDoc *doc = NULL;
		xmlNode *res;
		char *data, *marker, *joined;
		int pending = 0;
		size_t len;
		const char *cut;

		aws_params_add(&p, "DBInstanceIdentifier", li->id);
		aws_params_add(&p, "LogFileName", f->name);
		aws_params_add(&p, "Marker", f->marker != NULL ? f->marker : "0");
		if (aws_query_call(cl, "rds", "DownloadDBLogFilePortion", &p, deadline, &doc,
		    err) != 0) {
			aws_params_free(&p);
			return -1;
		}
		aws_params_free(&p);
		res = aws_xml_result(doc, "DownloadDBLogFilePortion");
		data = aws_xml_text(res, "LogFileData");
		marker = aws_xml_text(res, "Marker");
		if (aws_xml_bool(res, "AdditionalDataPending", &pending) != 1)
			pending = 0;
		xmlFreeDoc(doc);
		/* Whole lines only: a last line without its newline waits. */
		joined = xasprintf("%s%s", f->partial != NULL ? f->partial : "",
		    data != NULL ? data : "");
		free(f->partial);
		f->partial = NULL;
		len = strlen(joined);
		cut = len > 0 ? memrchr(joined, '\n', len) : NULL;
		if (cut == NULL && len > 0 && len < LOGS_LINE_MAX)
			f->partial = xstrdup(joined);
		else {
			size_t whole = cut != NULL ? (size_t)(cut - joined) + 1 : len;

			logs_feed(li->downloaded, joined, whole, 0, out);
			if (whole < len)
				f->partial = xstrdup(joined + whole);
		}
		free(joined);
		free(data);
		if (marker != NULL) {
			free(f->marker);
			f->marker = marker;
		}
		if (!pending || marker == NULL)
			return 0;
	}
	return 0;
}

struct logs_files_page {
	struct m_list names;
};

static int
logs_files_page(void *ctx, const xmlNode *res)
{
	struct logs_files_page *fp = ctx;

	for (xmlNode *d = aws_xml_first(aws_xml_child(res, "DescribeDBLogFiles"),
	    "DescribeDBLogFilesDetails"); d != NULL; d = aws_xml_next(d, "DescribeDBLogFilesDetails")) {
		char *name = aws_xml_text(d, "LogFileName");

		if (name != NULL && strstr(name, "postgresql.log") != NULL)
			m_list_add(&fp->names, name);
		free(name);
	}
	return 0;
}

static int
logs_name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
logs_download(struct logs_source *l, struct aws_client *cl, struct logs_inst *li,
    struct m_vec *out, int64_t deadline, struct rw_error *err)
{
	struct aws_params p = AWS_PARAMS_INIT;
	struct logs_files_page fp = { { NULL, 0 } };
	int64_t asked = time_now_ms();
	int rc;

	if (li->downloaded == NULL &&
	    (li->downloaded = logs_parser(li->id, "log_download")) == NULL) {
		err_set(err, ERR_INTERNAL, "rds", "DownloadDBLogFilePortion", "no log line parser");
		return -1;
	}
	if (li->files_since == 0)
		li->files_since = asked - l->st.lookback_ms;
	aws_params_add(&p, "DBInstanceIdentifier", li->id);
	aws_params_add_int(&p, "FileLastWritten", li->files_since);
	rc = discovery_pages(cl, "DescribeDBLogFiles", &p, 0, deadline, logs_files_page, &fp, err);
	aws_params_free(&p);
	if (fp.names.n > 1)
		qsort(fp.names.v, fp.names.n, sizeof *fp.names.v, logs_name_cmp);
	for (size_t i = 0; rc == 0 && i < fp.names.n; i++)
		rc = logs_download_file(cl, li, logs_file_get(li, fp.names.v[i]), out, deadline, err);
	/* Files no longer listed are done with. */
	for (size_t i = li->nfiles; rc == 0 && i-- > 0;) {
		if (!m_list_contains(&fp.names, li->files[i].name)) {
			logs_file_free(&li->files[i]);
			li->files[i] = li->files[--li->nfiles];
		}
	}
	m_list_free(&fp.names);
	if (rc == 0)
		li->files_since = asked - LOGS_OVERLAP_MS;
	return rc;
}

/* ---- the poll --------------------------------------------------------- */

static const struct m_instance *
logs_cluster_of(const struct m_vec *roster, const struct m_instance *i)
{
	if (i->cluster_id == NULL)
		return NULL;
	M_VEC_EACH(roster, const struct m_instance, c) {
		if (strcmp(c->kind, "cluster") == 0 && strcmp(c->id, i->cluster_id) == 0)
			return c;
	}
	return NULL;
}

/* One poll's work, shared by its workers: instance I of the roster is
 * read by whichever worker takes it. */
struct logs_job {
	struct logs_source *l;
	const struct m_vec *roster;
	struct logs_inst **inst;	/* per roster entry; NULL: not a DB instance */
	size_t next;			/* the next roster entry to take (atomic) */
	int download_due;
	int64_t deadline;
};

struct logs_worker {
	struct logs_job *job;
	struct aws_client *cl;
	struct m_vec out;		/* failed logins */
	struct rw_error err;
	pthread_t thread;
	int started;
};

static void
logs_read_one(struct logs_worker *w, size_t k)
{
	struct logs_job *job = w->job;
	struct logs_source *l = job->l;
	const struct m_instance *i = m_vec_at(job->roster, k);
	const struct m_instance *c = logs_cluster_of(job->roster, i);
	struct logs_inst *li = job->inst[k];
	struct rw_error e = RW_ERROR_INIT;
	char *group = logs_group_of(i, c);
	int rc = 0;

	if (group != NULL)
		rc = logs_filter(l, w->cl, li, group, c != NULL, &w->out, job->deadline, &e);
	else if (job->download_due)
		rc = logs_download(l, w->cl, li, &w->out, job->deadline, &e);
	free(group);
	if (rc != 0 && !err_is_set(&w->err))
		err_copy(&w->err, &e);
	err_clear(&e);
	/* Failures whose DETAIL did not come with them are complete now. */
	if (li->exported != NULL)
		logline_parser_flush(li->exported, l->sc->once, &w->out);
	if (li->downloaded != NULL)
		logline_parser_flush(li->downloaded, l->sc->once, &w->out);
}

static void *
logs_worker_main(void *arg)
{
	struct logs_worker *w = arg;
	size_t k;

	while ((k = __atomic_fetch_add(&w->job->next, 1, __ATOMIC_ACQ_REL)) < w->job->roster->n) {
		if (w->job->inst[k] != NULL)
			logs_read_one(w, k);
	}
	return NULL;
}

static int
logs_poll(struct source *s, struct batch *b, int64_t deadline, struct rw_error *err)
{
	struct logs_source *l = s->priv;
	struct logs_worker w[LOGS_WORKERS];
	struct logs_job job = { l, NULL, NULL, 0, 0, deadline };
	struct m_vec roster;
	size_t nw = 0, wanted = 0;
	pthread_attr_t attr;

	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, LOGS_WORKER_STACK);
	scope_roster_get(l->sc, &roster);
	job.roster = &roster;
	job.download_due = l->st.download && (l->next_download == 0 ||
	    time_mono_ms() >= l->next_download);
	job.inst = xcalloc(roster.n + 1, sizeof *job.inst);
	for (size_t k = 0; k < l->ninst; k++)
		l->inst[k].seen_poll = 0;
	/* Every instance's state exists before the workers start. */
	for (size_t k = 0; k < roster.n; k++) {
		const struct m_instance *i = m_vec_at(&roster, k);

		if (strcmp(i->kind, "instance") == 0) {
			logs_inst_get(l, i->id)->seen_poll = 1;
			wanted++;
		}
	}
	for (size_t k = 0; k < roster.n; k++) {
		const struct m_instance *i = m_vec_at(&roster, k);

		if (strcmp(i->kind, "instance") == 0)
			job.inst[k] = logs_inst_get(l, i->id);
	}
	for (; nw < LOGS_WORKERS && nw * LOGS_PER_WORKER < wanted; nw++) {
		if (l->cl[nw] == NULL && (l->cl[nw] = scope_client(l->sc)) == NULL)
			break;
		w[nw].job = &job;
		w[nw].cl = l->cl[nw];
		m_vec_init(&w[nw].out, &m_failed_login_type);
		memset(&w[nw].err, 0, sizeof w[nw].err);
		/* The first worker is this thread. */
		w[nw].started = nw > 0 && pthread_create(&w[nw].thread, &attr, logs_worker_main,
		    &w[nw]) == 0;
	}
	if (nw == 0 && wanted > 0)
		err_set(err, ERR_INTERNAL, "logs", NULL, "cannot start libcurl");
	else if (nw > 0)
		logs_worker_main(&w[0]);
	for (size_t k = 0; k < nw; k++) {
		if (k > 0 && w[k].started)
			pthread_join(w[k].thread, NULL);
		else if (k > 0)
			logs_worker_main(&w[k]);
		M_VEC_EACH(&w[k].out, const struct m_failed_login, f)
			m_vec_push_copy(&b->kinds[M_FAILED_LOGIN], f);
		m_vec_free(&w[k].out);
		if (err_is_set(&w[k].err) && !err_is_set(err))
			err_copy(err, &w[k].err);
		err_clear(&w[k].err);
		s->calls += aws_client_take_attempts(w[k].cl);
	}
	pthread_attr_destroy(&attr);
	if (job.download_due && !err_is_set(err))
		l->next_download = time_mono_ms() + l->st.download_interval_ms;
	/* Instances gone from the roster. */
	for (size_t k = l->ninst; k-- > 0;) {
		if (!l->inst[k].seen_poll) {
			logs_inst_free(&l->inst[k]);
			l->inst[k] = l->inst[--l->ninst];
		}
	}
	free(job.inst);
	m_vec_free(&roster);
	return err_is_set(err) ? -1 : 0;
}

static void
logs_destroy(struct source *s)
{
	struct logs_source *l = s->priv;

	if (l == NULL)
		return;
	for (size_t k = 0; k < l->ninst; k++)
		logs_inst_free(&l->inst[k]);
	free(l->inst);
	for (size_t k = 0; k < LOGS_WORKERS; k++)
		aws_client_free(l->cl[k]);
	scope_unref(l->sc);
	free(l);
	s->priv = NULL;
}

const struct source_ops logs_source_ops = {
	"logs", logs_poll, logs_destroy, NULL,
};

struct source *
logs_source_new(struct scope *sc, const struct logs_settings *st)
{
	struct logs_source *l = xcalloc(1, sizeof *l);

	l->sc = scope_ref(sc);
	l->st = *st;
	return scope_source_new(sc, &logs_source_ops, st->interval_ms, st->timeout_ms, l);
}
