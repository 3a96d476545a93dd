#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/log.h"
#include "core/timeutil.h"
#include "core/xmalloc.h"
#include "pg/pg_params.h"
#include "sources/logline.h"
#include "sources/pglog.h"

/* Bytes read per poll at most (the rest waits for the next poll), and
 * the longest line kept (longer ones are cut: failed-login lines are
 * short). */
#define PGLOG_READ_MAX (8 << 20)
#define PGLOG_LINE_MAX (64 << 10)

struct pglog {
	char *path;
	int fd;
	dev_t dev;
	ino_t ino;
	off_t offset;
	char *line;		/* a partial line waiting for its newline */
	size_t line_len;
	int line_cut;		/* dropping the rest of an over-long line */
	struct logline_parser *parser;
};

static void
pglog_close(struct pglog *l)
{
	if (l->fd >= 0)
		close(l->fd);
	l->fd = -1;
	l->line_len = 0;
	l->line_cut = 0;
}

/* Opens the path; a first open of a big file starts near its end. */
static int
pglog_open(struct pglog *l, int first, struct rw_error *err)
{
	struct stat st;
	int fd = open(l->path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);

	if (fd < 0 || fstat(fd, &st) != 0) {
		err_set(err, ERR_CONFIG, "pglog", "open", "%s: %s", l->path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		err_set(err, ERR_CONFIG, "pglog", "open", "%s: not a regular file", l->path);
		return -1;
	}
	l->fd = fd;
	l->dev = st.st_dev;
	l->ino = st.st_ino;
	l->offset = first && st.st_size > PGLOG_BACKLOG_MAX ? st.st_size - PGLOG_BACKLOG_MAX : 0;
	/* Starting mid-file: the first (partial) line is dropped. */
	l->line_cut = l->offset > 0;
	l->line_len = 0;
	return 0;
}

static void
pglog_line(struct pglog *l, const char *s, size_t n, int64_t now, struct batch *b)
{
	logline_parser_feed(l->parser, s, n, now, &b->kinds[M_FAILED_LOGIN]);
}

/* Splits what was read into lines, joining with the partial line held
 * from the previous read. */
static void
pglog_consume(struct pglog *l, const char *data, size_t n, int64_t now, struct batch *b)
{
	while (n > 0) {
		const char *nl = memchr(data, '\n', n);
		size_t len = nl != NULL ? (size_t)(nl - data) : n;

		if (!l->line_cut) {
			size_t take = len;

			if (l->line_len + take > PGLOG_LINE_MAX) {
				take = PGLOG_LINE_MAX - l->line_len;
				l->line_cut = 1;
			}
			if (nl != NULL && l->line_len == 0 && !l->line_cut) {
				pglog_line(l, data, len, now, b);	/* the usual case: no copy */
			} else {
				memcpy(l->line + l->line_len, data, take);
				l->line_len += take;
				if (nl != NULL || l->line_cut) {
					pglog_line(l, l->line, l->line_len, now, b);
					l->line_len = 0;
				}
			}
		}
		if (nl == NULL)
			return;
		l->line_cut = 0;
		data += len + 1;
		n -= len + 1;
	}
}

/* Reads from the offset to the end (or the per-poll budget). */
static int
pglog_drain(struct pglog *l, size_t *budget, int64_t now, struct batch *b, struct rw_error *err)
{
	char buf[65536];

	while (*budget > 0) {
		ssize_t r = pread(l->fd, buf, sizeof buf < *budget ? sizeof buf : *budget, l->offset);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			err_set(err, ERR_INTERNAL, "pglog", "read", "%s: %s", l->path, strerror(errno));
			return -1;
		}
		if (r == 0)
			break;
		l->offset += r;
		*budget -= (size_t)r;
		pglog_consume(l, buf, (size_t)r, now, b);
	}
	return 0;
}

static int
pglog_poll(struct source *s, struct batch *b, int64_t deadline, struct rw_error *err)
{
	struct pglog *l = s->priv;
	size_t budget = PGLOG_READ_MAX;
	int64_t now = time_now_ms();
	struct stat st, cur;
	int rc = 0;

	(void)deadline;
	if (l->fd < 0 && pglog_open(l, 1, err) != 0)
		return -1;
	s->calls++;
	if (fstat(l->fd, &cur) == 0 && cur.st_size < l->offset) {
		/* Truncated in place (copytruncate): start again. */
		log_debug(LOG_SOURCES, "%s: %s truncated; reading from its start", s->name, l->path);
		l->offset = 0;
		l->line_len = 0;
		l->line_cut = 0;
	}
	if (pglog_drain(l, &budget, now, b, err) != 0)
		return -1;
	if (budget > 0 && stat(l->path, &st) == 0 && (st.st_ino != l->ino || st.st_dev != l->dev)) {
		/* Rotated: the old file was read to its end above (a line it
		 * left unfinished ends there), now the new one. */
		log_debug(LOG_SOURCES, "%s: %s rotated; following the new file", s->name, l->path);
		if (l->line_len > 0)
			pglog_line(l, l->line, l->line_len, now, b);
		pglog_close(l);
		if (pglog_open(l, 0, err) != 0)
			rc = -1;
		else
			rc = pglog_drain(l, &budget, now, b, err);
	}
	logline_parser_flush(l->parser, 0, &b->kinds[M_FAILED_LOGIN]);
	return rc;
}

static void
pglog_destroy(struct source *s)
{
	struct pglog *l = s->priv;

	if (l == NULL)
		return;
	pglog_close(l);
	logline_parser_free(l->parser);
	free(l->line);
	free(l->path);
	free(l);
	s->priv = NULL;
}

const struct source_ops pglog_source_ops = {
	"pglog", pglog_poll, pglog_destroy, NULL,
};

struct source *
pglog_source_new(const struct config *cfg, const char *instance, struct rw_error *err)
{
	const char *path = cfg != NULL ? config_get(cfg, "instance", instance, "log_file") : NULL;
	int64_t interval = PGLOG_INTERVAL_MS;
	struct logline_format *f;
	struct source *s;
	struct pglog *l;
	char *why = NULL, *name, *unquoted = NULL;
	const char *prefix;

	if (path == NULL || *path == '\0')
		return NULL;
	prefix = config_get(cfg, "instance", instance, "log_line_prefix");
	/* As postgresql.conf writes it: '%m [%p] ' (quotes keep the space). */
	if (prefix != NULL && strlen(prefix) >= 2 && prefix[0] == '\'' &&
	    prefix[strlen(prefix) - 1] == '\'')
		prefix = unquoted = xstrndup(prefix + 1, strlen(prefix) - 2);
	f = logline_format_new(prefix, &why);
	free(unquoted);
	if (f == NULL) {
		err_set(err, ERR_CONFIG, "pglog", "config", "instance %s: %s", instance, why);
		free(why);
		return NULL;
	}
	if (pg_params_config_duration(cfg, instance, "log_poll_interval", &interval, err) < 0) {
		logline_format_free(f);
		return NULL;
	}
	l = xcalloc(1, sizeof *l);
	l->fd = -1;
	l->path = xstrdup(path);
	l->line = xmalloc(PGLOG_LINE_MAX);
	l->parser = logline_parser_new(f, instance, "log_file");
	name = xasprintf("pglog:%s", instance);
	s = source_new(&pglog_source_ops, name, instance, interval, PGLOG_TIMEOUT_MS);
	free(name);
	s->priv = l;
	return s;
}
