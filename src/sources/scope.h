/* A scope is one AWS account (an AWS context: profile, credentials) in one
 * region: what one set of fleet-wide sources (rds, cloudwatch, logs,
 * guardduty, ec2) watches. Its roster is the instances and clusters the
 * last discovery found there (after the fleet's filter), shared by the
 * scope's sources: the rds source writes it, the others read a copy at
 * the start of each poll (sources never talk to each other otherwise).
 *
 * Scopes and their accounts are reference counted: every source holds a
 * reference, so a worker the scheduler had to leave behind never sees
 * freed memory. */
#ifndef RW_SOURCES_SCOPE_H
#define RW_SOURCES_SCOPE_H

#include <pthread.h>
#include <stdint.h>

#include "aws/client.h"
#include "aws/ctx.h"
#include "model/records.h"
#include "sources/source.h"

/* Which instances a fleet watches: identifiers (shell patterns) and tags
 * ("key=value", all must match). Empty lists match everything. */
struct scope_filter {
	struct m_list ids;
	struct m_list tags;
};

void scope_filter_init(struct scope_filter *f);
void scope_filter_free(struct scope_filter *f);
void scope_filter_copy(struct scope_filter *dst, const struct scope_filter *src);
/* Adds the comma-separated items of LIST. */
void scope_filter_add_ids(struct scope_filter *f, const char *list);
void scope_filter_add_tags(struct scope_filter *f, const char *list);
int scope_filter_empty(const struct scope_filter *f);
/* Whether I is watched: its id (or, for an Aurora member, its cluster's)
 * matches an id pattern, and it carries every tag. Clusters match by
 * their own id or a member's (MEMBERS: the instances of the discovery). */
int scope_filter_match(const struct scope_filter *f, const struct m_instance *i,
    const struct m_vec *members);

/* An AWS context shared by the scopes of one account. */
struct scope_account {
	int refs;
	struct aws_ctx *ctx;
	char *name;		/* [account NAME], or "" for the default account */
};

struct scope_account *scope_account_new(struct aws_ctx *ctx, const char *name);
struct scope_account *scope_account_ref(struct scope_account *a);
void scope_account_unref(struct scope_account *a);

struct scope {
	int refs;
	struct scope_account *account;
	char *region;
	char *profile;		/* the AWS profile (records' "profile") */
	char *label;		/* "" for the first scope, else "account/region" */
	struct scope_filter filter;
	int once;		/* one-shot run: fetch everything on the first poll */

	pthread_mutex_t lock;	/* guards what follows */
	struct m_vec roster;	/* struct m_instance */
	int have_roster;
	char *account_id;	/* learned from ARNs */
};

struct scope *scope_new(struct scope_account *a, const char *region, const char *label,
    const struct scope_filter *filter);
struct scope *scope_ref(struct scope *s);
void scope_unref(struct scope *s);

/* A client of the scope's account, calling its region. NULL when libcurl
 * cannot start. */
struct aws_client *scope_client(struct scope *s);

/* Replaces the roster with copies of INSTANCES (after discovery). */
void scope_roster_set(struct scope *s, const struct m_vec *instances);
/* Copies the roster into OUT (initialized by the call). Returns whether a
 * discovery has ever succeeded. */
int scope_roster_get(struct scope *s, struct m_vec *out);
/* The account id, newly allocated, or NULL. */
char *scope_account_id(struct scope *s);
void scope_set_account_id(struct scope *s, const char *id);

/* A fleet-wide source of SC (ops->kind, or "kind@label" for a scope but
 * the first), with SC's region and profile and PRIV. */
struct source *scope_source_new(struct scope *sc, const struct source_ops *ops,
    int64_t interval_ms, int64_t timeout_ms, void *priv);

/* The 12-digit account of an ARN ("arn:aws:rds:us-east-1:123...:db:x"),
 * newly allocated, or NULL. */
char *scope_arn_account(const char *arn);

#endif
