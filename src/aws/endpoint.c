#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "aws/endpoint.h"
#include "core/sanitize.h"
#include "core/xmalloc.h"

static const struct {
	const char *prefix;
	const char *suffix;
} aws_dns_suffixes[] = {
	{ "cn-", "amazonaws.com.cn" },
	{ "us-isob-", "sc2s.sgov.gov" },
	{ "us-iso-", "c2s.ic.gov" },
};

const char *
aws_endpoint_dns_suffix(const char *region)
{
	for (size_t i = 0; i < sizeof aws_dns_suffixes / sizeof aws_dns_suffixes[0]; i++) {
		if (strncmp(region, aws_dns_suffixes[i].prefix, strlen(aws_dns_suffixes[i].prefix)) == 0)
			return aws_dns_suffixes[i].suffix;
	}
	return "amazonaws.com";
}

int
aws_endpoint_parse_url(const char *url, char **scheme, char **host, int *port, char **path)
{
	const char *p, *hend, *slash;
	size_t slen;

	*scheme = *host = *path = NULL;
	*port = 0;
	if (strncasecmp(url, "https://", 8) == 0)
		slen = 5;
	else if (strncasecmp(url, "http://", 7) == 0)
		slen = 4;
	else
		return -1;
	p = url + slen + 3;
	slash = p + strcspn(p, "/?#");
	if (*p == '[') {	/* IPv6 literal */
		hend = memchr(p, ']', (size_t)(slash - p));
		if (hend == NULL)
			return -1;
		hend++;
	} else {
		hend = memchr(p, ':', (size_t)(slash - p));
		if (hend == NULL)
			hend = slash;
	}
	if (hend == p || strpbrk(url, " \t\r\n@") != NULL)
		return -1;
	if (*hend == ':') {
		char *end;
		long v = strtol(hend + 1, &end, 10);

		if (end != slash || v <= 0 || v > 65535)
			return -1;
		*port = (int)v;
	} else if (hend != slash) {
		return -1;
	}
	if (*slash == '?' || *slash == '#')
		return -1;
	*scheme = xstrndup(url, slen);
	for (char *s = *scheme; *s != '\0'; s++)
		*s = (char)(*s >= 'A' && *s <= 'Z' ? *s - 'A' + 'a' : *s);
	*host = xstrndup(p, (size_t)(hend - p));
	*path = xstrdup(slash);
	return 0;
}

static int
aws_endpoint_truthy(const char *v)
{
	return v != NULL && strcasecmp(v, "true") == 0;
}

/* Checks URL and hands back a copy without a trailing slash. */
static int
aws_endpoint_take(const char *url, const char *what, char **out, struct rw_error *err)
{
	char *scheme, *host, *path;
	int port;
	size_t len;

	if (aws_endpoint_parse_url(url, &scheme, &host, &port, &path) != 0) {
		char *clean = sanitize_str(url);

		err_set(err, ERR_CONFIG, NULL, NULL,
		    "%s: '%s' is not an http:// or https:// URL", what, clean);
		free(clean);
		return -1;
	}
	free(scheme);
	free(host);
	free(path);
	*out = xstrdup(url);
	len = strlen(*out);
	while (len > 0 && (*out)[len - 1] == '/')
		(*out)[--len] = '\0';
	return 0;
}

int
aws_endpoint_resolve(const struct aws_endpoint_in *in, char **url, int *user_configured,
    struct rw_error *err)
{
	const struct aws_service *svc = in->service;
	const char *profile = in->profile != NULL ? in->profile : "default";
	const char *v, *services;
	int ignore;

	*url = NULL;
	*user_configured = 1;
	if (in->explicit_url != NULL && *in->explicit_url != '\0')
		return aws_endpoint_take(in->explicit_url, "--endpoint-url", url, err);

	ignore = aws_endpoint_truthy(getenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"));
	if (getenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS") == NULL && in->cfg != NULL)
		ignore = aws_endpoint_truthy(aws_cfg_profile(in->cfg, profile,
		    "ignore_configured_endpoint_urls"));
	if (!ignore) {
		char var[96];

		snprintf(var, sizeof var, "AWS_ENDPOINT_URL_%s", svc->env_suffix);
		if ((v = getenv(var)) != NULL && *v != '\0')
			return aws_endpoint_take(v, var, url, err);
		if ((v = getenv("AWS_ENDPOINT_URL")) != NULL && *v != '\0')
			return aws_endpoint_take(v, "AWS_ENDPOINT_URL", url, err);
		if (in->cfg != NULL &&
		    (services = aws_cfg_profile(in->cfg, profile, "services")) != NULL) {
			char key[96];

			snprintf(key, sizeof key, "%s.endpoint_url", svc->config_key);
			if ((v = aws_cfg_get(in->cfg, "services", services, key)) != NULL && *v != '\0')
				return aws_endpoint_take(v, "[services] endpoint_url", url, err);
		}
		if (in->cfg != NULL &&
		    (v = aws_cfg_profile(in->cfg, profile, "endpoint_url")) != NULL && *v != '\0')
			return aws_endpoint_take(v, "profile endpoint_url", url, err);
	}
	*user_configured = 0;
	if (in->region == NULL || *in->region == '\0') {
		err_set(err, ERR_CONFIG, svc->id, NULL, "no AWS region to build an endpoint from");
		return -1;
	}
	if (strspn(in->region, "abcdefghijklmnopqrstuvwxyz0123456789-") != strlen(in->region)) {
		char *clean = sanitize_str(in->region);

		err_set(err, ERR_CONFIG, svc->id, NULL, "'%s' is not an AWS region name", clean);
		free(clean);
		return -1;
	}
	*url = xasprintf("https://%s.%s.%s", svc->endpoint_prefix, in->region,
	    aws_endpoint_dns_suffix(in->region));
	return 0;
}

char *
aws_endpoint_rds_host_region(const char *host)
{
	static const char *const suffixes[] = { ".rds.amazonaws.com.cn", ".rds.amazonaws.com" };

	for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
		size_t hl = strlen(host), sl = strlen(suffixes[i]);
		const char *end, *start;

		if (hl <= sl || strcasecmp(host + hl - sl, suffixes[i]) != 0)
			continue;
		end = host + hl - sl;
		for (start = end; start > host && start[-1] != '.'; start--)
			;
		if (end - start >= 4 && memchr(start, '-', (size_t)(end - start)) != NULL)
			return xstrndup(start, (size_t)(end - start));
	}
	return NULL;
}
