/* The alert lifecycle through real evaluations: each "poll" evaluates
 * the snapshot and applies the rules batch to it, as the live dashboard
 * and the store do; acknowledgements and snoozes arrive as user batches.
 * open -> ack -> resolve -> open again; ack -> worse -> active again;
 * snooze -> expiry. */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "rules/lifecycle.h"
#include "rules/rules.h"
#include "rules_fixture.h"

#define ID "prod-db"
#define KEY "free_storage:prod-db"

struct fx {
	struct snapshot s;
	struct rules_config cfg;
	struct m_metric *free;
};

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);

	snapshot_init(&f->s, NOW, 1);
	rules_config_init(&f->cfg);
	fx_good_instance(&f->s, ID);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;

	snapshot_free(&f->s);
	rules_config_free(&f->cfg);
	free(f);
	return 0;
}

/* FreeStorageSpace at T: the one measure these tests move. */
static void
set_free(struct fx *f, int64_t t, double gib)
{
	m_vec_clear(&f->s.kinds[M_METRIC]);
	fx_metric(&f->s, ID, "FreeStorageSpace", t - TIME_MIN, gib * GIB, 60);
}

/* One poll at T: evaluate, apply, as the live snapshot does. */
static void
poll_at(struct fx *f, int64_t t)
{
	struct batch *b = batch_new("rules", t);

	snapshot_advance(&f->s, t);
	rules_evaluate(&f->s, &f->cfg, t, b);
	snapshot_apply(&f->s, b, NULL);
	batch_free(b);
}

static const struct m_alert *
alert(const struct fx *f)
{
	return fx_alert(&f->s.kinds[M_ALERT], KEY);
}

static void
apply_user(struct fx *f, struct batch *b)
{
	assert_non_null(b);
	assert_string_equal(b->source, "user");
	assert_int_equal(b->kinds[M_ALERT].n, 1);
	assert_false(batch_is_complete(b, M_ALERT));	/* an upsert of one alert */
	snapshot_apply(&f->s, b, NULL);
	batch_free(b);
}

static void
test_lifecycle_open_ack_resolve_reopen(void **state)
{
	struct fx *f = *state;
	const struct m_alert *a;
	struct rw_error err = RW_ERROR_INIT;
	int64_t t = NOW;

	set_free(f, t, 15);
	poll_at(f, t);
	a = alert(f);
	assert_non_null(a);
	assert_string_equal(a->state, "active");
	assert_string_equal(a->severity, "warning");
	assert_int_equal(a->opened_at, t);
	assert_int_equal(a->updated_at, t);

	/* Still there a minute later: same alert, opened when it opened. */
	set_free(f, t + TIME_MIN, 15);
	poll_at(f, t + TIME_MIN);
	a = alert(f);
	assert_int_equal(a->opened_at, t);
	assert_int_equal(a->updated_at, t);		/* nothing changed */

	/* Acknowledged by the on-call engineer. */
	apply_user(f, lifecycle_ack(&f->s, KEY, "alice@bastion", "growing table, on it", t + 2 * TIME_MIN, &err));
	a = alert(f);
	assert_string_equal(a->state, "acknowledged");
	assert_string_equal(a->acked_by, "alice@bastion");
	assert_string_equal(a->ack_note, "growing table, on it");
	assert_int_equal(a->acked_at, t + 2 * TIME_MIN);

	/* The next polls keep the acknowledgement while it does not worsen,
	 * even if the measure moves within its band. */
	set_free(f, t + 3 * TIME_MIN, 12);
	poll_at(f, t + 3 * TIME_MIN);
	a = alert(f);
	assert_string_equal(a->state, "acknowledged");
	assert_string_equal(a->acked_by, "alice@bastion");
	assert_int_equal(a->opened_at, t);
	assert_int_equal(a->updated_at, t + 3 * TIME_MIN);	/* the detail changed */

	/* Resolved: gone from the complete set, and from the snapshot. */
	set_free(f, t + 10 * TIME_MIN, 40);
	poll_at(f, t + 10 * TIME_MIN);
	assert_null(alert(f));

	/* Back again: a new alert, opened now, nobody on it. */
	set_free(f, t + 20 * TIME_MIN, 15);
	poll_at(f, t + 20 * TIME_MIN);
	a = alert(f);
	assert_non_null(a);
	assert_string_equal(a->state, "active");
	assert_int_equal(a->opened_at, t + 20 * TIME_MIN);
	assert_null(a->acked_by);
	assert_int_equal(a->acked_at, 0);
	err_clear(&err);
}

static void
test_lifecycle_ack_reopens_on_worsening(void **state)
{
	struct fx *f = *state;
	const struct m_alert *a;
	struct rw_error err = RW_ERROR_INIT;

	set_free(f, NOW, 15);
	poll_at(f, NOW);
	apply_user(f, lifecycle_ack(&f->s, KEY, "alice@bastion", NULL, NOW + TIME_MIN, &err));
	assert_null(alert(f)->ack_note);

	/* Below 10%: critical. The acknowledgement was for a warning. */
	set_free(f, NOW + 2 * TIME_MIN, 8);
	poll_at(f, NOW + 2 * TIME_MIN);
	a = alert(f);
	assert_string_equal(a->severity, "critical");
	assert_string_equal(a->state, "active");
	assert_null(a->acked_by);
	assert_int_equal(a->acked_at, 0);
	assert_int_equal(a->opened_at, NOW);		/* the same problem */

	/* Acknowledged as critical, then better again: stays acknowledged. */
	apply_user(f, lifecycle_ack(&f->s, KEY, "bob@bastion", NULL, NOW + 3 * TIME_MIN, &err));
	set_free(f, NOW + 4 * TIME_MIN, 15);
	poll_at(f, NOW + 4 * TIME_MIN);
	a = alert(f);
	assert_string_equal(a->severity, "warning");
	assert_string_equal(a->state, "acknowledged");
	assert_string_equal(a->acked_by, "bob@bastion");
	err_clear(&err);
}

/* The same severity in a worse band re-opens too: forced maintenance a
 * week out was acknowledged; now it is tomorrow. */
static void
test_lifecycle_band_worsening(void **state)
{
	struct fx *f = *state;
	struct rw_error err = RW_ERROR_INIT;
	struct m_maintenance *m = m_vec_push(&f->s.kinds[M_MAINTENANCE]);
	const char *key = "forced_maintenance:prod-db:system-update";
	const struct m_alert *a;

	m_str_set(&m->instance, ID);
	m_str_set(&m->action, "system-update");
	m->forced_apply_date = NOW + 5 * TIME_DAY;
	poll_at(f, NOW);
	apply_user(f, lifecycle_ack(&f->s, key, "alice@bastion", NULL, NOW, &err));
	poll_at(f, NOW + 3 * TIME_DAY);
	a = fx_alert(&f->s.kinds[M_ALERT], key);
	assert_string_equal(a->state, "acknowledged");
	assert_int_equal(a->band, 1);
	poll_at(f, NOW + 4 * TIME_DAY + TIME_HOUR);
	a = fx_alert(&f->s.kinds[M_ALERT], key);
	assert_string_equal(a->severity, "warning");
	assert_int_equal(a->band, 2);
	assert_string_equal(a->state, "active");
	assert_null(a->acked_by);
	err_clear(&err);
}

static void
test_lifecycle_snooze_and_expiry(void **state)
{
	struct fx *f = *state;
	struct rw_error err = RW_ERROR_INIT;
	const struct m_alert *a;

	set_free(f, NOW, 15);
	poll_at(f, NOW);
	apply_user(f, lifecycle_snooze(&f->s, KEY, NOW + TIME_HOUR, NOW, &err));
	a = alert(f);
	assert_string_equal(a->state, "snoozed");
	assert_int_equal(a->snoozed_until, NOW + TIME_HOUR);

	set_free(f, NOW + 30 * TIME_MIN, 15);
	poll_at(f, NOW + 30 * TIME_MIN);
	assert_string_equal(alert(f)->state, "snoozed");

	/* The snooze ends: active again. */
	set_free(f, NOW + TIME_HOUR, 15);
	poll_at(f, NOW + TIME_HOUR);
	a = alert(f);
	assert_string_equal(a->state, "active");
	assert_int_equal(a->snoozed_until, 0);
	assert_int_equal(a->opened_at, NOW);

	/* A snoozed warning that turns critical does not wait. */
	apply_user(f, lifecycle_snooze(&f->s, KEY, NOW + 5 * TIME_HOUR, NOW + TIME_HOUR, &err));
	set_free(f, NOW + 2 * TIME_HOUR, 5);
	poll_at(f, NOW + 2 * TIME_HOUR);
	a = alert(f);
	assert_string_equal(a->state, "active");
	assert_string_equal(a->severity, "critical");
	assert_int_equal(a->snoozed_until, 0);

	/* Acknowledging a snoozed alert ends the snooze. */
	apply_user(f, lifecycle_snooze(&f->s, KEY, NOW + 5 * TIME_HOUR, NOW + 2 * TIME_HOUR, &err));
	apply_user(f, lifecycle_ack(&f->s, KEY, "alice@bastion", NULL, NOW + 2 * TIME_HOUR, &err));
	a = alert(f);
	assert_string_equal(a->state, "acknowledged");
	assert_int_equal(a->snoozed_until, 0);
	err_clear(&err);
}

static void
test_lifecycle_errors_and_actor(void **state)
{
	struct fx *f = *state;
	struct rw_error err = RW_ERROR_INIT;
	struct batch *b;
	char *who;

	assert_null(lifecycle_ack(&f->s, "no_such:alert", NULL, NULL, NOW, &err));
	assert_true(err_is_set(&err));
	assert_non_null(strstr(err.message, "no current alert no_such:alert"));
	err_clear(&err);
	set_free(f, NOW, 15);
	poll_at(f, NOW);
	assert_null(lifecycle_snooze(&f->s, KEY, NOW, NOW, &err));
	assert_true(err_is_set(&err));
	err_clear(&err);

	/* Without a name: $USER@host. A hostile note is stored sanitized. */
	setenv("USER", "carol", 1);
	who = lifecycle_actor();
	assert_true(strncmp(who, "carol@", 6) == 0);
	b = lifecycle_ack(&f->s, KEY, NULL, "\x1b]0;pwned\x07", NOW, &err);
	assert_non_null(b);
	assert_string_equal(((struct m_alert *)b->kinds[M_ALERT].items)->acked_by, who);
	assert_string_equal(((struct m_alert *)b->kinds[M_ALERT].items)->ack_note, "\\x1b]0;pwned\\x07");
	batch_free(b);
	free(who);
}

/* The rules batch: checks and alerts given in full for every instance
 * plus ""; an instance that left takes its alerts and checks with it. */
static void
test_rules_batch_scope(void **state)
{
	struct fx *f = *state;
	struct batch *b = batch_new("rules", NOW);

	fx_source(&f->s, "guardduty", "", 0, 5);
	fx_instance(&f->s, "old-db")->publicly_accessible = 1;
	fx_session(&f->s, "old-db", 1, "app", "203.0.113.9", 0, 0);
	rules_evaluate(&f->s, &f->cfg, NOW, b);
	assert_true(batch_is_complete(b, M_CHECK));
	assert_true(batch_is_complete(b, M_ALERT));
	assert_true(batch_covers(b, ""));
	assert_true(batch_covers(b, ID));
	assert_true(batch_covers(b, "old-db"));
	assert_non_null(fx_alert(&b->kinds[M_ALERT], "source_failing::guardduty"));
	assert_non_null(fx_alert(&b->kinds[M_ALERT], "non_tls_session:old-db:203.0.113.9:app"));
	snapshot_apply(&f->s, b, NULL);
	batch_free(b);
	assert_int_equal(snapshot_count(&f->s, M_CHECK, "old-db"), snapshot_count(&f->s, M_CHECK, ID));
	assert_int_equal(snapshot_count(&f->s, M_ALERT, ""), 1);

	/* old-db is gone from the inventory (and its sessions with it). */
	for (size_t i = f->s.kinds[M_INSTANCE].n; i-- > 0;) {
		if (strcmp(((struct m_instance *)m_vec_at(&f->s.kinds[M_INSTANCE], i))->id, "old-db") == 0)
			m_vec_remove(&f->s.kinds[M_INSTANCE], i);
	}
	m_vec_clear(&f->s.kinds[M_SESSION]);
	poll_at(f, NOW + TIME_MIN);
	assert_int_equal(snapshot_count(&f->s, M_CHECK, "old-db"), 0);
	assert_int_equal(snapshot_count(&f->s, M_ALERT, "old-db"), 0);
	assert_int_equal(snapshot_count(&f->s, M_ALERT, ""), 1);
	assert_int_not_equal(snapshot_count(&f->s, M_CHECK, ID), 0);
}

/* The live dashboard's rules judge a copy of the snapshot: an
 * acknowledgement made while they ran must survive their batch landing
 * after it (the batch is reconciled with the snapshot it lands on). */
static void
test_lifecycle_ack_while_rules_run(void **state)
{
	struct fx *f = *state;
	struct rw_error err = RW_ERROR_INIT;
	struct snapshot copy;
	struct batch *b;
	const struct m_alert *a;

	set_free(f, NOW, 15);
	poll_at(f, NOW);
	assert_string_equal(alert(f)->state, "active");

	/* The rules copy the snapshot at NOW + 1 min and evaluate... */
	snapshot_advance(&f->s, NOW + TIME_MIN);
	snapshot_copy(&copy, &f->s);
	b = batch_new("rules", NOW + TIME_MIN);
	rules_evaluate(&copy, &f->cfg, NOW + TIME_MIN, b);
	snapshot_free(&copy);
	assert_string_equal(fx_alert(&b->kinds[M_ALERT], KEY)->state, "active");
	/* ...the user acknowledges meanwhile... */
	apply_user(f, lifecycle_ack(&f->s, KEY, "alice@bastion", "mine", NOW + TIME_MIN + 5, &err));
	/* ...and the rules' batch lands. */
	lifecycle_reconcile(&f->s, b);
	snapshot_apply(&f->s, b, NULL);
	batch_free(b);
	a = alert(f);
	assert_string_equal(a->state, "acknowledged");
	assert_string_equal(a->acked_by, "alice@bastion");
	assert_string_equal(a->ack_note, "mine");
	assert_int_equal(a->opened_at, NOW);

	/* An acknowledgement of the warning made while the rules saw it turn
	 * critical does not hide the critical. */
	set_free(f, NOW + 2 * TIME_MIN, 4);
	snapshot_advance(&f->s, NOW + 2 * TIME_MIN);
	snapshot_copy(&copy, &f->s);
	b = batch_new("rules", NOW + 2 * TIME_MIN);
	rules_evaluate(&copy, &f->cfg, NOW + 2 * TIME_MIN, b);
	snapshot_free(&copy);
	apply_user(f, lifecycle_ack(&f->s, KEY, "bob@bastion", NULL, NOW + 2 * TIME_MIN + 5, &err));
	lifecycle_reconcile(&f->s, b);
	snapshot_apply(&f->s, b, NULL);
	batch_free(b);
	a = alert(f);
	assert_string_equal(a->severity, "critical");
	assert_string_equal(a->state, "active");
	assert_null(a->acked_by);
	err_clear(&err);
}

int
main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_lifecycle_open_ack_resolve_reopen),
		T(test_lifecycle_ack_reopens_on_worsening),
		T(test_lifecycle_ack_while_rules_run),
		T(test_lifecycle_band_worsening),
		T(test_lifecycle_snooze_and_expiry),
		T(test_lifecycle_errors_and_actor),
		T(test_rules_batch_scope),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
