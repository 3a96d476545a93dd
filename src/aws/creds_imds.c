/* Credentials of the EC2 instance's role from IMDSv2: the role name from
 * /latest/meta-data/iam/security-credentials/, then its credentials. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <openssl/crypto.h>

#include "aws/creds_internal.h"
#include "aws/imds.h"
#include "aws/json.h"
#include "core/sanitize.h"
#include "core/xmalloc.h"

#define IMDS_CREDS_PATH "/latest/meta-data/iam/security-credentials/"

static int
aws_imds_load(struct aws_provider *p, struct aws_ctx *ctx, int64_t deadline,
    struct aws_creds *out, struct rw_error *err)
{
	struct aws_http *h;
	struct aws_imds_session sess;
	char *role = NULL, *doc = NULL, *path;
	cJSON *j;
	int rc = -1;

	if (p->priv == NULL)
		p->priv = aws_http_new();
	h = p->priv;
	if (h == NULL) {
		err_set(err, ERR_INTERNAL, "imds", NULL, "cannot start libcurl");
		return -1;
	}
	if (aws_imds_open(ctx, h, deadline, &sess, err) != 0)
		return -1;
	if (aws_imds_fetch(&sess, IMDS_CREDS_PATH, deadline, &role, err) != 0) {
		aws_imds_close(&sess);
		return -1;
	}
	role[strcspn(role, "\r\n")] = '\0';
	if (*role == '\0' || strchr(role, '/') != NULL) {
		err_set(err, ERR_CONFIG, "imds", NULL, "the instance has no IAM role");
		free(role);
		aws_imds_close(&sess);
		return -1;
	}
	path = xasprintf(IMDS_CREDS_PATH "%s", role);
	rc = aws_imds_fetch(&sess, path, deadline, &doc, err);
	aws_imds_close(&sess);
	if (rc != 0)
		goto out;
	rc = -1;
	j = cJSON_Parse(doc);
	if (j == NULL) {
		err_set(err, ERR_PARSE, "imds", NULL, "unreadable credentials document");
	} else {
		const char *code = aws_json_str(j, "Code");

		if (code != NULL && strcmp(code, "Success") != 0) {
			char *clean = sanitize_str(code);

			err_set(err, ERR_AUTH, "imds", NULL, "instance credentials not available: %s",
			    clean);
			free(clean);
		} else {
			rc = aws_creds_from_json(j, "AccessKeyId", "SecretAccessKey", "Token",
			    "Expiration", "EC2 instance metadata", out, "IMDS", err);
		}
		aws_json_wipe(j);
		cJSON_Delete(j);
	}
	OPENSSL_cleanse(doc, strlen(doc));
out:
	free(doc);
	free(path);
	free(role);
	return rc;
}

static void
aws_imds_destroy(struct aws_provider *p)
{
	aws_http_free(p->priv);
}

static const struct aws_provider_ops aws_imds_ops = { "EC2 instance metadata", aws_imds_load,
	aws_imds_destroy };

struct aws_provider *
aws_provider_imds(void)
{
	return aws_provider_new(&aws_imds_ops, NULL);
}
