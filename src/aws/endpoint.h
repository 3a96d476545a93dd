/* Endpoint resolution as the current SDKs do it (domain.md section 2):
 *   --endpoint-url / [aws] endpoint_url
 *   > AWS_ENDPOINT_URL_<SERVICE> > AWS_ENDPOINT_URL
 *   > the profile's "services = NAME" -> [services NAME] "rds =\n  endpoint_url = ..."
 *   > the profile's endpoint_url
 *   > https://<prefix>.<region>.<dns suffix>
 * AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true (or the profile's
 * ignore_configured_endpoint_urls) ignores the environment and file
 * settings, not the flag. */
#ifndef RW_AWS_ENDPOINT_H
#define RW_AWS_ENDPOINT_H

#include "aws/awsconfig.h"
#include "aws/service.h"
#include "core/err.h"

struct aws_endpoint_in {
	const struct aws_service *service;
	const char *region;
	const char *explicit_url;	/* flag or rdswatch config */
	const struct aws_cfg *cfg;	/* may be NULL */
	const char *profile;
};

/* The URL, newly allocated, no trailing slash; *user_configured says the
 * user chose it (plain http is allowed only then). Returns 0, or -1 with
 * ERR for a URL that is not http(s)://host[:port][/path]. */
int aws_endpoint_resolve(const struct aws_endpoint_in *in, char **url, int *user_configured,
    struct rw_error *err);
/* "amazonaws.com", "amazonaws.com.cn" (cn-*), "c2s.ic.gov" (us-iso-*),
 * "sc2s.sgov.gov" (us-isob-*). GovCloud uses amazonaws.com. */
const char *aws_endpoint_dns_suffix(const char *region);
/* The region in an RDS endpoint host name
 * ("db.abc123.eu-west-1.rds.amazonaws.com"), newly allocated, or NULL. */
char *aws_endpoint_rds_host_region(const char *host);
/* Splits "https://h:1/p" into its parts (each newly allocated; port 0
 * when absent). Returns 0, or -1 when it is not an http(s) URL. */
int aws_endpoint_parse_url(const char *url, char **scheme, char **host, int *port, char **path);

#endif
