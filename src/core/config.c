#include <config.h>

#include <errno.h>
#include <stdarg.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "core/config.h"
#include "core/files.h"
#include "core/inifile.h"
#include "core/sanitize.h"
#include "core/timeutil.h"
#include "core/xmalloc.h"

char *
config_default_path(void)
{
	char *dir = files_config_dir();
	char *path = xasprintf("%s/config", dir);

	free(dir);
	return path;
}

static const struct config_keydef *
config_keydef_find(const char *section, const char *name)
{
	for (const struct config_keydef *k = config_keys; k->section != NULL; k++) {
		if (strcmp(k->section, section) == 0 && strcmp(k->name, name) == 0)
			return k;
	}
	return NULL;
}

static void
config_warn(struct config *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
config_warn(struct config *c, const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	c->warnings = xreallocarray(c->warnings, c->nwarnings + 1, sizeof *c->warnings);
	c->warnings[c->nwarnings++] = sanitize_mem(buf_str(&b), b.len);
	buf_free(&b);
}

struct config_load_ctx {
	struct config *c;
	const char *name;
	int holds_secret;
};

static int
config_on_value(void *user, const char *section, const char *name, const char *value, int line)
{
	struct config_load_ctx *ctx = user;
	struct config *c = ctx->c;
	struct config_entry *e;
	const struct config_keydef *def;
	char *sec = xstrdup(section), *sub = NULL, *sp = strchr(sec, ' ');

	if (sp != NULL) {
		*sp = '\0';
		sub = xstrdup(sp + 1 + strspn(sp + 1, " "));
	}
	def = config_keydef_find(sec, name);
	if (def == NULL) {
		config_warn(c, "%s:%d: unknown key '%s' in [%s]", ctx->name, line, name, section);
	} else if (def->flags & CONFIG_SECRET) {
		ctx->holds_secret = 1;
	}
	/* A repeated key (or an inih continuation line) overrides: the
	 * last value wins, as config_find() reads from the end. */
	c->v = xreallocarray(c->v, c->n + 1, sizeof *c->v);
	e = &c->v[c->n++];
	e->section = sec;
	e->sub = sub;
	e->name = xstrdup(name);
	e->value = xstrdup(value);
	e->line = line;
	return 1;
}

static int
config_finish(struct config *c, struct config_load_ctx *ctx, int rc, char *why,
    struct rw_error *err)
{
	if (rc != 0) {
		err_set(err, ERR_CONFIG, NULL, NULL, "%s", why);
		free(why);
		config_free(c);
		return -1;
	}
	if (ctx->holds_secret && c->path != NULL && files_is_group_or_world_readable(c->path) == 1) {
		err_set(err, ERR_CONFIG, NULL, NULL,
		    "%s holds a secret but group or others can read it; run: chmod 600 %s",
		    ctx->name, ctx->name);
		config_free(c);
		return -1;
	}
	return 0;
}

int
config_load(struct config *c, const char *path, struct rw_error *err)
{
	struct config_load_ctx ctx = { .c = c };
	char *def = NULL, *why = NULL;
	int rc;

	memset(c, 0, sizeof *c);
	if (path == NULL) {
		def = config_default_path();
		if (access(def, F_OK) != 0 && errno == ENOENT) {
			free(def);
			return 0;	/* no config: zero-config start */
		}
		path = def;
	}
	c->path = xstrdup(path);
	c->name = sanitize_str(path);
	free(def);
	ctx.name = c->name;
	rc = inifile_read_file(c->path, config_on_value, &ctx, &why);
	return config_finish(c, &ctx, rc, why, err);
}

int
config_load_string(struct config *c, const char *text, const char *name, struct rw_error *err)
{
	struct config_load_ctx ctx = { .c = c };
	char *why = NULL;
	int rc;

	memset(c, 0, sizeof *c);
	c->name = sanitize_str(name);
	ctx.name = c->name;
	rc = inifile_read_string(text, name, config_on_value, &ctx, &why);
	return config_finish(c, &ctx, rc, why, err);
}

void
config_free(struct config *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->v[i].section);
		free(c->v[i].sub);
		free(c->v[i].name);
		free(c->v[i].value);
	}
	for (size_t i = 0; i < c->nwarnings; i++)
		free(c->warnings[i]);
	free(c->warnings);
	free(c->v);
	free(c->path);
	free(c->name);
	memset(c, 0, sizeof *c);
}

static int
config_same_sub(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

const struct config_entry *
config_find(const struct config *c, const char *section, const char *sub, const char *name)
{
	for (size_t i = c->n; i-- > 0;) {
		const struct config_entry *e = &c->v[i];

		if (strcmp(e->section, section) == 0 && config_same_sub(e->sub, sub) &&
		    strcmp(e->name, name) == 0)
			return e;
	}
	return NULL;
}

const char *
config_get(const struct config *c, const char *section, const char *sub, const char *name)
{
	const struct config_entry *e = config_find(c, section, sub, name);

	return e != NULL ? e->value : NULL;
}

static int
config_bad(const struct config *c, const struct config_entry *e, struct rw_error *err,
    const char *expected)
{
	char *v = sanitize_str(e->value);

	err_set(err, ERR_CONFIG, NULL, NULL, "%s:%d: %s = '%s': expected %s",
	    c->name != NULL ? c->name : "config", e->line, e->name, v, expected);
	free(v);
	return -1;
}

int
config_get_int(const struct config *c, const char *section, const char *sub, const char *name,
    int64_t min, int64_t max, int64_t *out, struct rw_error *err)
{
	const struct config_entry *e = config_find(c, section, sub, name);
	char *end, expected[96];
	long long v;

	if (e == NULL)
		return 0;
	errno = 0;
	v = strtoll(e->value, &end, 10);
	if (errno != 0 || end == e->value || *end != '\0' || v < min || v > max) {
		snprintf(expected, sizeof expected, "an integer from %lld to %lld", (long long)min,
		    (long long)max);
		return config_bad(c, e, err, expected);
	}
	*out = v;
	return 1;
}

int
config_get_double(const struct config *c, const char *section, const char *sub, const char *name,
    double min, double max, double *out, struct rw_error *err)
{
	const struct config_entry *e = config_find(c, section, sub, name);
	char *end, expected[96];
	double v;

	if (e == NULL)
		return 0;
	errno = 0;
	v = strtod(e->value, &end);
	if (errno != 0 || end == e->value || *end != '\0' || !isfinite(v) || v < min || v > max) {
		snprintf(expected, sizeof expected, "a number from %g to %g", min, max);
		return config_bad(c, e, err, expected);
	}
	*out = v;
	return 1;
}

int
config_get_bool(const struct config *c, const char *section, const char *sub, const char *name,
    int *out, struct rw_error *err)
{
	static const char *const yes[] = { "true", "yes", "on", "1" };
	static const char *const no[] = { "false", "no", "off", "0" };
	const struct config_entry *e = config_find(c, section, sub, name);

	if (e == NULL)
		return 0;
	for (size_t i = 0; i < 4; i++) {
		if (strcasecmp(e->value, yes[i]) == 0) {
			*out = 1;
			return 1;
		}
		if (strcasecmp(e->value, no[i]) == 0) {
			*out = 0;
			return 1;
		}
	}
	return config_bad(c, e, err, "true or false");
}

int
config_get_duration(const struct config *c, const char *section, const char *sub,
    const char *name, int64_t *out, struct rw_error *err)
{
	const struct config_entry *e = config_find(c, section, sub, name);

	if (e == NULL)
		return 0;
	if (time_parse_duration(e->value, out) != 0)
		return config_bad(c, e, err, "a duration such as 30s, 5m, 2h or 7d");
	return 1;
}

size_t
config_subsections(const struct config *c, const char *section, const char ***names)
{
	size_t n = 0;

	*names = NULL;
	for (size_t i = 0; i < c->n; i++) {
		const struct config_entry *e = &c->v[i];
		size_t k;

		if (e->sub == NULL || strcmp(e->section, section) != 0)
			continue;
		for (k = 0; k < n && strcmp((*names)[k], e->sub) != 0; k++)
			;
		if (k < n)
			continue;
		*names = xreallocarray(*names, n + 1, sizeof **names);
		(*names)[n++] = e->sub;
	}
	return n;
}
