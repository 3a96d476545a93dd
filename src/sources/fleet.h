/* A fleet: every source rdswatch polls, assembled from the config and
 * discovery, for `once`, `doctor` and the dashboard alike.
 *
 *   - Accounts: the default AWS account (the usual chain: --profile,
 *     AWS_PROFILE, environment, ...) and one per [account NAME] section
 *     (profile = an AWS profile, which may assume a role), each watched in
 *     its regions ([discovery] regions, or the account's own; default: the
 *     AWS region).
 *   - Scopes: an account in a region. Discovery lists its instances and
 *     clusters, restricted by identifier or tag ([discovery] instances and
 *     tags, an account's own, and --instance), and each scope gets the
 *     fleet-wide sources: rds, cloudwatch, logs, guardduty, ec2.
 *   - Instances: each discovered DB instance (and each [instance ID] the
 *     config describes with a host or dsn) gets a pg source, and a pglog
 *     source when it has a log_file.
 * What cannot be set up (no credentials, a bad setting) becomes a source
 * that fails with that error, so the dashboard, once and doctor say so
 * instead of silently watching less. */
#ifndef RW_SOURCES_FLEET_H
#define RW_SOURCES_FLEET_H

#include <stddef.h>
#include <stdint.h>

#include "aws/ctx.h"
#include "core/config.h"
#include "core/err.h"
#include "sources/scheduler.h"
#include "sources/scope.h"
#include "sources/source.h"

/* Discovery at start gets this long (per scope, all scopes at once). */
#define FLEET_DISCOVERY_TIMEOUT_MS (10 * 1000LL)

struct fleet_opts {
	const struct config *cfg;		/* may be NULL */
	const struct aws_settings *aws;		/* flags and [aws]; may be NULL */
	const struct m_list *instances;		/* --instance IDs (may be NULL) */
	int once;				/* one poll of everything */
};

/* One instance the fleet knows, for doctor and the UI. */
struct fleet_instance {
	char *id;
	char *kind;		/* "instance", "cluster", "config" */
	char *host;
	int port;
	struct scope *scope;	/* NULL for config-only servers */
};

struct fleet {
	struct scope_account **accounts;
	size_t naccounts;
	struct scope **scopes;
	size_t nscopes;
	struct fleet_instance *instances;
	size_t ninstances;
	struct source **sources;	/* until handed to a scheduler */
	size_t nsources;
	char **problems;		/* what could not be set up, one line each */
	size_t nproblems;
	struct m_list missing;		/* --instance IDs nothing matched */
	double est_monthly_usd;		/* CloudWatch, all scopes */
};

/* Builds the fleet (discovery included, bounded by
 * FLEET_DISCOVERY_TIMEOUT_MS). Returns 0, or -1 with ERR for a config
 * error that makes any run pointless (a bad value); AWS failures become
 * failing sources instead. */
int fleet_build(struct fleet *f, const struct fleet_opts *o, struct rw_error *err);
/* Hands every source to SC (which owns them from then on). */
void fleet_schedule(struct fleet *f, struct scheduler *sc);
/* The largest poll timeout among the sources (for once's deadline). */
int64_t fleet_max_timeout(const struct fleet *f);
void fleet_free(struct fleet *f);

/* A source whose every poll fails with ERR (copied): what could not be
 * set up stays visible. KIND is its health's source kind. */
struct source *fleet_error_source(const char *kind, const char *name, const char *instance,
    const struct rw_error *err);

#endif
