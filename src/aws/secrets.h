/* Secrets Manager GetSecretValue for database passwords (auth =
 * secret:ARN). The answer is a secret: it is never logged (the debug log
 * says only that a secret arrived), the response buffers are wiped, the
 * value is registered with redact_register(), and the caller wipes it
 * with aws_secret_free(). */
#ifndef RW_AWS_SECRETS_H
#define RW_AWS_SECRETS_H

#include <stdint.h>

#include "aws/client.h"

/* SecretString of SECRET_ID (an ARN or a name), or of its JSON member
 * FIELD when FIELD is not NULL (RDS-managed secrets hold
 * {"username":..., "password":...}: FIELD "password"). */
int aws_secret_get(struct aws_client *c, const char *secret_id, const char *field,
    int64_t deadline, char **value, struct rw_error *err);
/* Wipes and frees a value from aws_secret_get(). */
void aws_secret_free(char *value);

#endif
