#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "aws/awsconfig.h"
#include "core/files.h"
#include "core/inifile.h"
#include "core/sanitize.h"
#include "core/xmalloc.h"

/* Settings that make a file hold a secret (so it must be private). */
static const char *const aws_cfg_secret_keys[] = {
	"aws_secret_access_key", "aws_session_token", "aws_security_token",
};

struct aws_cfg_load {
	struct aws_cfg *c;
	int holds_secret;
	int credentials;	/* reading the credentials file */
	char *last_name;	/* for telling sub-settings from settings */
	char *last_section;
	int nested;		/* the last setting had an empty value */
};

/* "[profile prod]" -> profile/prod; "[default]" -> profile/default;
 * in the credentials file every section is a profile name. */
static void
aws_cfg_split_section(const char *section, int credentials, char **kind, char **name)
{
	static const char *const kinds[] = { "profile", "sso-session", "services" };
	size_t sp;

	if (credentials) {
		*kind = xstrdup("profile");
		*name = xstrdup(section);
		return;
	}
	sp = strcspn(section, " \t");
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
		if (section[sp] != '\0' && strlen(kinds[i]) == sp &&
		    strncmp(section, kinds[i], sp) == 0) {
			*kind = xstrdup(kinds[i]);
			*name = xstrdup(section + sp + strspn(section + sp, " \t"));
			return;
		}
	}
	*kind = xstrdup(strcmp(section, "default") == 0 ? "profile" : "other");
	*name = xstrdup(section);
}

static void
aws_cfg_add(struct aws_cfg *c, const char *kind, const char *section, const char *key,
    const char *value, int credentials, int line)
{
	struct aws_cfg_value *v;

	c->v = xreallocarray(c->v, c->n + 1, sizeof *c->v);
	v = &c->v[c->n++];
	v->kind = xstrdup(kind);
	v->section = xstrdup(section);
	v->key = xstrdup(key);
	v->value = xstrdup(value);
	v->from_credentials = credentials;
	v->line = line;
}

static int
aws_cfg_on_value(void *user, const char *section, const char *name, const char *value, int line)
{
	struct aws_cfg_load *l = user;
	char *kind, *sec;
	int same = l->last_name != NULL && strcmp(l->last_name, name) == 0 &&
	    l->last_section != NULL && strcmp(l->last_section, section) == 0;

	for (size_t i = 0; i < sizeof aws_cfg_secret_keys / sizeof aws_cfg_secret_keys[0]; i++) {
		if (strcmp(name, aws_cfg_secret_keys[i]) == 0 && *value != '\0')
			l->holds_secret = 1;
	}
	aws_cfg_split_section(section, l->credentials, &kind, &sec);
	/* inih hands an indented line under "rds =" to us as another value
	 * of "rds": "endpoint_url = http://..." is then a sub-setting. */
	if (same && l->nested && strchr(value, '=') != NULL) {
		const char *eq = strchr(value, '=');
		char *sub = xstrndup(value, (size_t)(eq - value)), *key;
		const char *val = eq + 1;
		size_t end = strlen(sub);

		while (end > 0 && (sub[end - 1] == ' ' || sub[end - 1] == '\t'))
			sub[--end] = '\0';
		val += strspn(val, " \t");
		key = xasprintf("%s.%s", name, sub);
		aws_cfg_add(l->c, kind, sec, key, val, l->credentials, line);
		free(key);
		free(sub);
	} else {
		aws_cfg_add(l->c, kind, sec, name, value, l->credentials, line);
		l->nested = *value == '\0';
	}
	free(l->last_name);
	free(l->last_section);
	l->last_name = xstrdup(name);
	l->last_section = xstrdup(section);
	free(kind);
	free(sec);
	return 1;
}

static int
aws_cfg_read(struct aws_cfg *c, const char *path, const char *text, const char *name,
    int credentials, struct rw_error *err)
{
	struct aws_cfg_load l = { .c = c, .credentials = credentials };
	char *why = NULL;
	int rc;

	if (text != NULL)
		rc = inifile_read_string(text, name, aws_cfg_on_value, &l, &why);
	else
		rc = inifile_read_file(path, aws_cfg_on_value, &l, &why);
	free(l.last_name);
	free(l.last_section);
	if (rc != 0) {
		err_set(err, ERR_CONFIG, NULL, NULL, "%s", why);
		free(why);
		return -1;
	}
	/* As ssh refuses a private key others can read. */
	if (l.holds_secret && path != NULL && files_is_group_or_world_readable(path) == 1) {
		char *clean = sanitize_str(path);

		err_set(err, ERR_CONFIG, NULL, NULL,
		    "%s holds AWS secret keys but group or others can read it; run: chmod 600 %s",
		    clean, clean);
		free(clean);
		return -1;
	}
	return 0;
}

/* The path from VAR, else ~/.aws/NAME. */
static char *
aws_cfg_path(const char *given, const char *var, const char *name)
{
	const char *env = getenv(var);
	char *home, *path;

	if (given != NULL)
		return xstrdup(given);
	if (env != NULL && *env != '\0') {
		if (env[0] == '~' && env[1] == '/') {
			home = files_home_dir();
			path = xasprintf("%s%s", home, env + 1);
			free(home);
			return path;
		}
		return xstrdup(env);
	}
	home = files_home_dir();
	path = xasprintf("%s/.aws/%s", home, name);
	free(home);
	return path;
}

int
aws_cfg_load(struct aws_cfg *c, const char *config_path, const char *credentials_path,
    struct rw_error *err)
{
	char *paths[2] = {
		aws_cfg_path(config_path, "AWS_CONFIG_FILE", "config"),
		aws_cfg_path(credentials_path, "AWS_SHARED_CREDENTIALS_FILE", "credentials"),
	};
	int rc = 0;

	memset(c, 0, sizeof *c);
	c->config_path = sanitize_str(paths[0]);
	c->credentials_path = sanitize_str(paths[1]);
	for (int i = 0; i < 2 && rc == 0; i++) {
		if (access(paths[i], F_OK) != 0 && errno == ENOENT)
			continue;	/* no such file: nothing configured there */
		rc = aws_cfg_read(c, paths[i], NULL, paths[i], i == 1, err);
	}
	free(paths[0]);
	free(paths[1]);
	if (rc != 0)
		aws_cfg_free(c);
	return rc;
}

int
aws_cfg_load_strings(struct aws_cfg *c, const char *config_text, const char *credentials_text,
    struct rw_error *err)
{
	memset(c, 0, sizeof *c);
	c->config_path = xstrdup("config");
	c->credentials_path = xstrdup("credentials");
	if ((config_text != NULL && aws_cfg_read(c, NULL, config_text, "config", 0, err) != 0) ||
	    (credentials_text != NULL &&
	    aws_cfg_read(c, NULL, credentials_text, "credentials", 1, err) != 0)) {
		aws_cfg_free(c);
		return -1;
	}
	return 0;
}

void
aws_cfg_free(struct aws_cfg *c)
{
	for (size_t i = 0; i < c->n; i++) {
		OPENSSL_cleanse(c->v[i].value, strlen(c->v[i].value));
		free(c->v[i].kind);
		free(c->v[i].section);
		free(c->v[i].key);
		free(c->v[i].value);
	}
	free(c->v);
	free(c->config_path);
	free(c->credentials_path);
	memset(c, 0, sizeof *c);
}

const char *
aws_cfg_get(const struct aws_cfg *c, const char *kind, const char *section, const char *key)
{
	const struct aws_cfg_value *best = NULL;

	/* Last one wins within a file; the credentials file over the config. */
	for (size_t i = 0; i < c->n; i++) {
		const struct aws_cfg_value *v = &c->v[i];

		if (strcmp(v->kind, kind) != 0 || strcmp(v->section, section) != 0 ||
		    strcmp(v->key, key) != 0)
			continue;
		if (best == NULL || v->from_credentials >= best->from_credentials)
			best = v;
	}
	return best != NULL ? best->value : NULL;
}

const char *
aws_cfg_profile(const struct aws_cfg *c, const char *profile, const char *key)
{
	return aws_cfg_get(c, "profile", profile, key);
}

int
aws_cfg_has_profile(const struct aws_cfg *c, const char *profile)
{
	for (size_t i = 0; i < c->n; i++) {
		if (strcmp(c->v[i].kind, "profile") == 0 && strcmp(c->v[i].section, profile) == 0)
			return 1;
	}
	return 0;
}
