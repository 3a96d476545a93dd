#include <config.h>

#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/buf.h"
#include "core/sanitize.h"
#include "core/timeutil.h"
#include "core/xmalloc.h"
#include "rules/alerts.h"
#include "rules/posture.h"
#include "rules/rules.h"

void
rules_config_init(struct rules_config *cfg)
{
	static const char *const categories[] = {
		"failover", "failure", "security", "low storage", "backup disabled",
	};

	memset(cfg, 0, sizeof *cfg);
	cfg->long_transaction_ms = TIME_HOUR;
	cfg->failed_login_count = 5;
	cfg->failed_login_window_ms = 5 * TIME_MIN;
	cfg->guardduty_min_band = 1;
	cfg->guardduty_window_ms = TIME_DAY;
	for (size_t i = 0; i < sizeof categories / sizeof categories[0]; i++)
		m_list_add(&cfg->event_categories, categories[i]);
	cfg->event_window_ms = TIME_HOUR;
	cfg->backup_lag_ms = 15 * TIME_MIN;
	cfg->backup_retention_days = 7;
	cfg->forced_maintenance_ms = 7 * TIME_DAY;
	cfg->ca_critical_ms = 30 * TIME_DAY;
	cfg->ca_warning_ms = 90 * TIME_DAY;
	cfg->metric_max_age_ms = 15 * TIME_MIN;
	cfg->free_storage_critical_pct = 10;
	cfg->free_storage_warning_pct = 20;
	cfg->cpu_pct = 90;
	cfg->cpu_duration_ms = 5 * TIME_MIN;
	cfg->connections_pct = 90;
	cfg->xid_age_warning = 1000000000;
	cfg->xid_age_critical = 1500000000;
	cfg->inactive_slot_wal_bytes = 1024LL * 1024 * 1024;
	cfg->replica_lag_ms = 5 * TIME_MIN;
	cfg->source_failures = 3;
}

void
rules_config_free(struct rules_config *cfg)
{
	free(cfg->non_tls_allow_cidrs);
	m_list_free(&cfg->non_tls_allow_users);
	m_list_free(&cfg->superuser_allow_users);
	m_list_free(&cfg->event_categories);
	m_list_free(&cfg->disabled);
	memset(cfg, 0, sizeof *cfg);
}

int
rules_config_disabled(const struct rules_config *cfg, const char *id)
{
	return m_list_contains(&cfg->disabled, id);
}

/* ---- the [rules] keys, as data --------------------------------------- */

enum rules_key_type {
	RK_INT,		/* int64_t in [min, max] */
	RK_MIB,		/* int64_t bytes, written in MiB */
	RK_PCT,		/* double, 0..100 */
	RK_DURATION,	/* int64_t ms, > 0 */
	RK_WORDS,	/* struct m_list, comma-separated */
	RK_CIDRS,
	RK_CATEGORIES,
	RK_IDS,
	RK_BAND,	/* low, medium, high, critical */
};

struct rules_key {
	const char *name;
	enum rules_key_type type;
	size_t offset;
	int64_t min, max;
};

#define RK(name, type, min, max) { #name, type, offsetof(struct rules_config, name), min, max }
#define RKD(key, field) { #key, RK_DURATION, offsetof(struct rules_config, field), 1, 0 }

static const struct rules_key rules_keys[] = {
	RK(non_tls_allow_users, RK_WORDS, 0, 0),
	{ "non_tls_allow_cidrs", RK_CIDRS, 0, 0, 0 },
	RK(superuser_allow_users, RK_WORDS, 0, 0),
	RKD(long_transaction, long_transaction_ms),
	RK(failed_login_count, RK_INT, 1, 1000000),
	RKD(failed_login_window, failed_login_window_ms),
	{ "guardduty_min_severity", RK_BAND, offsetof(struct rules_config, guardduty_min_band), 0, 0 },
	RKD(guardduty_window, guardduty_window_ms),
	RK(event_categories, RK_CATEGORIES, 0, 0),
	RKD(event_window, event_window_ms),
	RKD(backup_lag_max, backup_lag_ms),
	RK(backup_retention_days, RK_INT, 1, 35),
	RKD(forced_maintenance_within, forced_maintenance_ms),
	RKD(ca_critical_within, ca_critical_ms),
	RKD(ca_warning_within, ca_warning_ms),
	RKD(metric_max_age, metric_max_age_ms),
	RK(free_storage_critical_pct, RK_PCT, 0, 100),
	RK(free_storage_warning_pct, RK_PCT, 0, 100),
	RK(cpu_pct, RK_PCT, 0, 100),
	RKD(cpu_duration, cpu_duration_ms),
	RK(connections_pct, RK_PCT, 0, 100),
	RK(xid_age_warning, RK_INT, 1, 2147483647),
	RK(xid_age_critical, RK_INT, 1, 2147483647),
	{ "inactive_slot_wal_mb", RK_MIB, offsetof(struct rules_config, inactive_slot_wal_bytes), 0,
	    1024LL * 1024 * 1024 * 1024 },
	RKD(replica_lag_max, replica_lag_ms),
	RK(source_failures, RK_INT, 0, 1000000),
	{ "disable", RK_IDS, offsetof(struct rules_config, disabled), 0, 0 },
};

/* RDS event categories (domain.md section 6), plus "backup disabled"
 * for RDS-EVENT-0028 and "read replica". */
static const char *const rules_event_categories[] = {
	"availability", "backup", "configuration change", "creation", "deletion", "failover",
	"failure", "low storage", "maintenance", "notification", "read replica", "recovery",
	"restoration", "security", "security patching", "backup disabled", NULL,
};

static int
rules_key_error(const struct config *c, const struct config_entry *e, struct rw_error *err,
    const char *fmt, const char *what)
{
	char *v = sanitize_str(e->value), *w = sanitize_str(what);

	err_set(err, ERR_CONFIG, NULL, NULL, "%s:%d: %s = '%s': %s%s%s",
	    c->name != NULL ? c->name : "config", e->line, e->name, v, fmt, w != NULL ? " " : "",
	    w != NULL ? w : "");
	free(v);
	free(w);
	return -1;
}

/* Splits a comma-separated value and checks each item. */
static int
rules_key_list(const struct config *c, const struct config_entry *e, const struct rules_key *k,
    struct rules_config *cfg, struct rw_error *err)
{
	struct m_list items = { NULL, 0 };
	const char *p = e->value;

	while (*p != '\0') {
		size_t n;

		p += strspn(p, " \t,");
		n = strcspn(p, ",");
		while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
			n--;
		if (n > 0) {
			char *item = xstrndup(p, n);

			m_list_add(&items, item);
			free(item);
		}
		p += n;
		p += strcspn(p, ",");
	}
	for (size_t i = 0; i < items.n; i++) {
		const char *it = items.v[i];
		int ok = 1;

		if (k->type == RK_CATEGORIES) {
			ok = 0;
			for (size_t j = 0; rules_event_categories[j] != NULL; j++)
				ok |= strcasecmp(it, rules_event_categories[j]) == 0;
			for (char *q = items.v[i]; *q != '\0'; q++)
				*q = (char)(*q >= 'A' && *q <= 'Z' ? *q - 'A' + 'a' : *q);
		} else if (k->type == RK_IDS) {
			ok = alert_rule_find(it) != NULL || posture_check_find(it) != NULL;
		} else if (k->type == RK_CIDRS) {
			struct netaddr_cidr cidr;

			ok = netaddr_cidr_parse(it, &cidr) == 0;
			if (ok) {
				cfg->non_tls_allow_cidrs = xreallocarray(cfg->non_tls_allow_cidrs,
				    cfg->n_non_tls_allow_cidrs + 1, sizeof *cfg->non_tls_allow_cidrs);
				cfg->non_tls_allow_cidrs[cfg->n_non_tls_allow_cidrs++] = cidr;
			}
		}
		if (!ok) {
			static const char *const expected[] = {
				[RK_CATEGORIES] = "unknown RDS event category",
				[RK_IDS] = "no rule or check has the id",
				[RK_CIDRS] = "not an address or CIDR such as 10.0.0.0/8:",
			};

			rules_key_error(c, e, err, expected[k->type], it);
			m_list_free(&items);
			return -1;
		}
	}
	if (k->type != RK_CIDRS) {
		struct m_list *dst = (struct m_list *)((char *)cfg + k->offset);

		m_list_free(dst);
		*dst = items;
	} else {
		m_list_free(&items);
	}
	return 0;
}

static int
rules_key_load(const struct config *c, const struct rules_key *k, struct rules_config *cfg,
    struct rw_error *err)
{
	static const char *const bands[] = { "low", "medium", "high", "critical" };
	const struct config_entry *e = config_find(c, "rules", NULL, k->name);
	void *field = (char *)cfg + k->offset;
	int64_t v;

	if (e == NULL)
		return 0;
	switch (k->type) {
	case RK_INT:
		return config_get_int(c, "rules", NULL, k->name, k->min, k->max, field, err) < 0 ? -1 : 0;
	case RK_MIB:
		if (config_get_int(c, "rules", NULL, k->name, k->min, k->max / (1024 * 1024), &v, err) < 0)
			return -1;
		*(int64_t *)field = v * 1024 * 1024;
		return 0;
	case RK_PCT:
		return config_get_double(c, "rules", NULL, k->name, 0, 100, field, err) < 0 ? -1 : 0;
	case RK_DURATION:
		if (config_get_duration(c, "rules", NULL, k->name, &v, err) < 0)
			return -1;
		if (v <= 0)
			return rules_key_error(c, e, err, "expected a duration above zero", NULL);
		*(int64_t *)field = v;
		return 0;
	case RK_BAND:
		for (int i = 0; i < 4; i++) {
			if (strcasecmp(e->value, bands[i]) == 0) {
				*(int *)field = i + 1;
				return 0;
			}
		}
		return rules_key_error(c, e, err, "expected low, medium, high or critical", NULL);
	case RK_WORDS:
	case RK_CIDRS:
	case RK_CATEGORIES:
	case RK_IDS:
		return rules_key_list(c, e, k, cfg, err);
	}
	return 0;
}

/* A pair of thresholds that must be ordered: LOW's value below HIGH's. */
static int
rules_config_order(const struct config *c, const char *low, double lv, const char *high,
    double hv, struct rw_error *err)
{
	const struct config_entry *e;

	if (lv < hv)
		return 0;
	e = config_find(c, "rules", NULL, low);
	if (e == NULL)
		e = config_find(c, "rules", NULL, high);
	err_set(err, ERR_CONFIG, NULL, NULL, "%s:%d: %s must be below %s",
	    c->name != NULL ? c->name : "config", e != NULL ? e->line : 0, low, high);
	return -1;
}

int
rules_config_load(const struct config *c, struct rules_config *cfg, struct rw_error *err)
{
	rules_config_init(cfg);
	if (c == NULL)
		return 0;
	for (size_t i = 0; i < sizeof rules_keys / sizeof rules_keys[0]; i++) {
		if (rules_key_load(c, &rules_keys[i], cfg, err) != 0) {
			rules_config_free(cfg);
			return -1;
		}
	}
	if (rules_config_order(c, "free_storage_critical_pct", cfg->free_storage_critical_pct,
	    "free_storage_warning_pct", cfg->free_storage_warning_pct, err) != 0 ||
	    rules_config_order(c, "xid_age_warning", (double)cfg->xid_age_warning,
	    "xid_age_critical", (double)cfg->xid_age_critical, err) != 0 ||
	    rules_config_order(c, "ca_critical_within", (double)cfg->ca_critical_ms,
	    "ca_warning_within", (double)cfg->ca_warning_ms, err) != 0) {
		rules_config_free(cfg);
		return -1;
	}
	return 0;
}
