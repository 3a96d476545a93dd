#include <config.h>

#include <stddef.h>
#include <string.h>

#include "aws/service.h"

/* Versions from Debian's botocore 1.29 models (CloudWatch still speaks
 * the query protocol there; botocore >= 1.42 uses JSON 1.0, AWS serves
 * both). The SSO portal takes a bearer token, not SigV4. */
static const struct aws_service aws_services[] = {
	{ "rds", "rds", "rds", "RDS", "rds", AWS_PROTO_QUERY, "2014-10-31", NULL },
	{ "monitoring", "monitoring", "monitoring", "CLOUDWATCH", "cloudwatch", AWS_PROTO_QUERY,
	    "2010-08-01", NULL },
	{ "logs", "logs", "logs", "CLOUDWATCH_LOGS", "cloudwatch_logs", AWS_PROTO_JSON, "1.1",
	    "Logs_20140328" },
	{ "guardduty", "guardduty", "guardduty", "GUARDDUTY", "guardduty", AWS_PROTO_REST_JSON,
	    "1.1", NULL },
	{ "secretsmanager", "secretsmanager", "secretsmanager", "SECRETS_MANAGER", "secrets_manager",
	    AWS_PROTO_JSON, "1.1", "secretsmanager" },
	{ "sts", "sts", "sts", "STS", "sts", AWS_PROTO_QUERY, "2011-06-15", NULL },
	{ "ec2", "ec2", "ec2", "EC2", "ec2", AWS_PROTO_EC2, "2016-11-15", NULL },
	{ "sso", NULL, "portal.sso", "SSO", "sso", AWS_PROTO_REST_JSON, "1.1", NULL },
};

const struct aws_service *
aws_service_find(const char *id)
{
	for (size_t i = 0; i < sizeof aws_services / sizeof aws_services[0]; i++) {
		if (strcmp(aws_services[i].id, id) == 0)
			return &aws_services[i];
	}
	return NULL;
}

const char *
aws_protocol_name(enum aws_protocol p)
{
	static const char *const names[] = {
		[AWS_PROTO_QUERY] = "query", [AWS_PROTO_EC2] = "ec2",
		[AWS_PROTO_JSON] = "json", [AWS_PROTO_REST_JSON] = "rest-json",
	};

	return (unsigned)p < sizeof names / sizeof names[0] ? names[p] : "?";
}
