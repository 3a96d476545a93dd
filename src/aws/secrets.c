#include <config.h>

#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <openssl/crypto.h>

#include "aws/json.h"
#include "aws/secrets.h"
#include "core/redact.h"
#include "core/sanitize.h"
#include "core/xmalloc.h"

int aws_json_call_sensitive(struct aws_client *c, const char *service, const char *operation,
    const cJSON *body, int64_t deadline, cJSON **out, struct rw_error *err);

int
aws_secret_get(struct aws_client *c, const char *secret_id, const char *field, int64_t deadline,
    char **value, struct rw_error *err)
{
	cJSON *req = cJSON_CreateObject(), *resp = NULL, *inner = NULL;
	const char *s;
	int rc;

	*value = NULL;
	cJSON_AddStringToObject(req, "SecretId", secret_id);
	rc = aws_json_call_sensitive(c, "secretsmanager", "GetSecretValue", req, deadline, &resp, err);
	cJSON_Delete(req);
	if (rc != 0)
		return -1;
	s = aws_json_str(resp, "SecretString");
	if (s == NULL) {
		err_set(err, ERR_PARSE, "secretsmanager", "GetSecretValue",
		    "the secret has no SecretString (binary secrets are not supported)");
		rc = -1;
	} else if (field != NULL) {
		inner = cJSON_Parse(s);
		s = aws_json_str(inner, field);
		if (s == NULL) {
			char *cf = sanitize_str(field);

			err_set(err, ERR_PARSE, "secretsmanager", "GetSecretValue",
			    "the secret is not JSON with a \"%s\" string", cf);
			free(cf);
			rc = -1;
		}
	}
	if (rc == 0) {
		*value = xstrdup(s);
		redact_register(*value);
	}
	aws_json_wipe(inner);
	cJSON_Delete(inner);
	aws_json_wipe(resp);
	cJSON_Delete(resp);
	return rc;
}

void
aws_secret_free(char *value)
{
	if (value == NULL)
		return;
	OPENSSL_cleanse(value, strlen(value));
	free(value);
}
