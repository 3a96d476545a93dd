/* The AWS-backed PostgreSQL password providers (pg/pg_cred.h), made
 * through the factory this module installs with pg_cred_set_aws_factory:
 *
 *   auth = iam          an RDS IAM authentication token, signed afresh for
 *                       every connection attempt (host, port, user, region);
 *   auth = secret:ARN   a Secrets Manager secret: JSON {"username",
 *                       "password"} (or a bare password); cached, and fetched
 *                       again after the server refused it (rotation);
 *   auth = secret       the same with the instance's RDS-managed master user
 *                       secret (MasterUserSecret, from discovery).
 *
 * The fleet registers each discovered instance (its account's AWS context,
 * region and MasterUserSecret) before it makes the pg sources; an
 * instance it does not know uses the default account. Secrets are
 * registered with redact_register(), never logged, and wiped. */
#ifndef RW_SOURCES_AWSCRED_H
#define RW_SOURCES_AWSCRED_H

#include "sources/scope.h"

/* Installs the factory with DEFAULT_ACCOUNT (a reference is taken; may be
 * NULL when there is no AWS context: then iam and secret fail with a
 * message saying so). */
void awscred_install(struct scope_account *default_account);
/* What the providers of INSTANCE use. MASTER_SECRET_ARN may be NULL. */
void awscred_register(const char *instance, struct scope_account *account, const char *region,
    const char *master_secret_arn);
/* Forgets every registration and the default account (at exit, tests). */
void awscred_reset(void);

#endif
