/* The query protocol's form body (RDS, STS, CloudWatch; EC2's dialect):
 * "Action=DescribeDBInstances&Version=2014-10-31&Filters.member.1.Name=..."
 * Values are raw here and percent-encoded (AWS's unreserved set, %20 for
 * a space) when the body is built. */
#ifndef RW_AWS_QUERY_H
#define RW_AWS_QUERY_H

#include <stddef.h>

#include "aws/kvlist.h"

/* Parameters of one call, in order. */
struct aws_params {
	struct aws_kvlist kv;
};

#define AWS_PARAMS_INIT { AWS_KVLIST_INIT }

void aws_params_add(struct aws_params *p, const char *name, const char *value);
void aws_params_addf(struct aws_params *p, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void aws_params_add_int(struct aws_params *p, const char *name, long long value);
/* A list: query "NAME.member.N" (N from 1), or EC2 "NAME.N" when EC2. */
void aws_params_add_list(struct aws_params *p, const char *name, const char *const *values,
    size_t n, int ec2);
/* The name of list entry N (1-based) for nested structures:
 * aws_params_member("Filters", 2, "Name", 0) -> "Filters.member.2.Name". */
char *aws_params_member(const char *list, size_t n, const char *field, int ec2);
/* A map: "NAME.entry.N.key" / "NAME.entry.N.value". */
void aws_params_add_map(struct aws_params *p, const char *name, const char *const *keys,
    const char *const *values, size_t n);
void aws_params_free(struct aws_params *p);

/* The form body: Action and Version first, then the parameters. */
char *aws_query_encode(const char *action, const char *version, const struct aws_params *p);
/* The inverse (tests and fuzzing): splits a form body into decoded
 * pairs, '+' read as a space as HTML forms do. */
void aws_query_decode(const char *body, size_t len, struct aws_kvlist *out);

#endif
