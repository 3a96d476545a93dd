/* Batches applied to a snapshot: state replaced within scope, facts kept
 * once, sessions carried as intervals, windows trimmed. */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/timeutil.h"
#include "view/snapshot.h"

#define T0 (1795356300000LL)

static struct m_session *
add_session(struct batch *b, const char *inst, int pid)
{
	struct m_session *s = batch_add(b, M_SESSION);

	m_str_set(&s->instance, inst);
	s->pid = pid;
	s->backend_start = T0 - 1000 * pid;
	return s;
}

static struct batch *
pg_batch(const char *inst, int64_t at, const int *pids, int n)
{
	struct batch *b = batch_new("pg", at);

	batch_cover(b, inst);
	batch_mark_complete(b, M_SESSION);
	for (int i = 0; i < n; i++)
		add_session(b, inst, pids[i]);
	return b;
}

static void
test_snapshot_sessions_replace_within_cover(void **state)
{
	struct snapshot s;
	struct batch *b;

	(void)state;
	snapshot_init(&s, T0, 1);
	b = pg_batch("a", T0, (int[]){ 1, 2, 3 }, 3);
	snapshot_apply(&s, b);
	batch_free(b);
	b = pg_batch("b", T0, (int[]){ 9 }, 1);
	snapshot_apply(&s, b);
	batch_free(b);
	assert_int_equal(snapshot_count(&s, M_SESSION, "a"), 3);
	assert_int_equal(snapshot_count(&s, M_SESSION, "b"), 1);

	/* The next poll of "a": 1 ended, 4 started; "b" is untouched. */
	b = pg_batch("a", T0 + 5000, (int[]){ 2, 3, 4 }, 3);
	snapshot_apply(&s, b);
	batch_free(b);
	assert_int_equal(snapshot_count(&s, M_SESSION, "a"), 3);
	assert_int_equal(snapshot_count(&s, M_SESSION, "b"), 1);
	M_VEC_EACH(&s.kinds[M_SESSION], struct m_session, x) {
		assert_int_not_equal(x->pid, 1);
		if (x->pid == 2)
			assert_int_equal(x->first_seen, T0);	/* carried over */
		if (x->pid == 4)
			assert_int_equal(x->first_seen, T0 + 5000);
		if (strcmp(x->instance, "a") == 0)
			assert_int_equal(x->last_seen, T0 + 5000);
	}
	snapshot_free(&s);
}

static void
test_snapshot_instances_replace_by_region(void **state)
{
	struct snapshot s;
	struct batch *b;
	const char *ids[] = { "x", "y" };

	(void)state;
	snapshot_init(&s, T0, 1);
	for (int r = 0; r < 2; r++) {
		b = batch_new("rds", T0);
		b->region = strdup(r ? "eu-west-1" : "us-east-1");
		batch_mark_complete(b, M_INSTANCE);
		for (int i = 0; i < 2; i++) {
			struct m_instance *in = batch_add(b, M_INSTANCE);
			char id[16];

			snprintf(id, sizeof id, "%s%d", ids[i], r);
			m_str_set(&in->id, id);
			m_str_set(&in->region, b->region);
		}
		snapshot_apply(&s, b);
		batch_free(b);
	}
	assert_int_equal(s.kinds[M_INSTANCE].n, 4);

	/* us-east-1 now has only x0: y0 was deleted; eu-west-1 stays. */
	b = batch_new("rds", T0 + 1);
	b->region = strdup("us-east-1");
	batch_mark_complete(b, M_INSTANCE);
	m_str_set(&((struct m_instance *)batch_add(b, M_INSTANCE))->id, "x0");
	m_str_set(&((struct m_instance *)m_vec_at(&b->kinds[M_INSTANCE], 0))->region, "us-east-1");
	snapshot_apply(&s, b);
	batch_free(b);
	assert_int_equal(s.kinds[M_INSTANCE].n, 3);
	assert_non_null(snapshot_instance(&s, "x0"));
	assert_null(snapshot_instance(&s, "y0"));
	assert_non_null(snapshot_instance(&s, "y1"));
	snapshot_free(&s);
}

static void
test_snapshot_facts_once_and_windows(void **state)
{
	struct snapshot s;

	(void)state;
	snapshot_init(&s, T0, 1);
	for (int round = 0; round < 3; round++) {
		struct batch *b = batch_new("rds", T0);

		for (int i = 0; i < 5; i++) {
			struct m_event *e = batch_add(b, M_EVENT);

			m_str_set(&e->source_id, "prod");
			m_str_set(&e->message, "Multi-AZ failover started");
			e->time = T0 - i * TIME_DAY * 2;	/* 0, 2, 4, 6, 8 days ago */
		}
		snapshot_apply(&s, b);
		batch_free(b);
	}
	/* Re-polling never duplicates; the 8-day-old one is outside 7 days. */
	assert_int_equal(s.kinds[M_EVENT].n, 4);
	snapshot_advance(&s, T0 + 3 * TIME_DAY);
	assert_int_equal(s.kinds[M_EVENT].n, 3);
	snapshot_free(&s);
}

static void
test_snapshot_finding_update_and_health(void **state)
{
	struct snapshot s, copy;
	struct batch *b;
	struct m_finding *f;
	struct m_source_health *h;

	(void)state;
	snapshot_init(&s, T0, 1);
	for (int i = 0; i < 2; i++) {
		b = batch_new("guardduty", T0);
		f = batch_add(b, M_FINDING);
		m_str_set(&f->id, "abc");
		f->updated_at = T0 - (1 - i) * TIME_HOUR;
		f->count = i + 1;
		h = batch_add(b, M_SOURCE_HEALTH);
		m_str_set(&h->source, "guardduty");
		m_str_set(&h->instance, "");
		h->ok = i;
		snapshot_apply(&s, b);
		batch_free(b);
	}
	assert_int_equal(s.kinds[M_FINDING].n, 1);
	assert_int_equal(((struct m_finding *)s.kinds[M_FINDING].items)->count, 2);
	assert_int_equal(s.kinds[M_SOURCE_HEALTH].n, 1);
	assert_int_equal(snapshot_source_health(&s, "guardduty", "")->ok, 1);
	assert_null(snapshot_source_health(&s, "rds", ""));

	snapshot_copy(&copy, &s);
	snapshot_free(&s);
	assert_int_equal(copy.kinds[M_FINDING].n, 1);
	snapshot_free(&copy);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_snapshot_sessions_replace_within_cover),
		cmocka_unit_test(test_snapshot_instances_replace_by_region),
		cmocka_unit_test(test_snapshot_facts_once_and_windows),
		cmocka_unit_test(test_snapshot_finding_update_and_health),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
