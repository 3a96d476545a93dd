/* Batches applied to a snapshot: state replaced within scope, facts kept
 * once, sessions carried as intervals, windows trimmed; a poll that saw
 * the same records moves their poll times only (in place, reported as
 * touched, not changed), also when it names them instead of carrying
 * them, and a batch naming versions the snapshot does not hold speaks
 * for what it carries only. */
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

/* The m_key_hash and m_content_hash of session PID of INST as pg_batch
 * makes it, for naming it. */
static void
session_hashes(const char *inst, int pid, uint64_t *key, uint64_t *content)
{
	struct batch *b = pg_batch(inst, T0, (int[]){ pid }, 1);
	const void *rec = m_vec_at(&b->kinds[M_SESSION], 0);

	*key = m_key_hash(m_kind_type(M_SESSION), rec);
	*content = m_content_hash(m_kind_type(M_SESSION), rec);
	batch_free(b);
}

static void
test_snapshot_same_poll_touches_in_place(void **state)
{
	struct snapshot s, copy;
	struct batch *b;
	snapshot_kinds touched, changed;
	struct m_session *first, *x;
	uint64_t v, cv;

	(void)state;
	snapshot_init(&s, T0, 1);
	v = s.version[M_SESSION];
	b = pg_batch("a", T0, (int[]){ 1, 2, 3 }, 3);
	changed = snapshot_apply(&s, b, &touched);
	batch_free(b);
	assert_true(changed & SNAPSHOT_KIND(M_SESSION));
	assert_true(s.version[M_SESSION] != v);
	first = m_vec_at(&s.kinds[M_SESSION], 0);
	snapshot_init(&copy, T0, 1);
	snapshot_copy_kinds(&copy, &s, SNAPSHOT_ALL_KINDS);
	/* Versions are never shared, copies included. */
	assert_true(copy.version[M_SESSION] != s.version[M_SESSION]);
	v = s.version[M_SESSION];
	cv = copy.version[M_SESSION];

	/* The same sessions again: only last_seen moves, in place. */
	b = pg_batch("a", T0 + 5000, (int[]){ 1, 2, 3 }, 3);
	changed = snapshot_apply(&s, b, &touched);
	batch_free(b);
	assert_false(changed & SNAPSHOT_KIND(M_SESSION));
	assert_true(touched & SNAPSHOT_KIND(M_SESSION));
	assert_ptr_equal(m_vec_at(&s.kinds[M_SESSION], 0), first);
	assert_true(s.version[M_SESSION] == v);	/* only poll times moved */
	M_VEC_EACH(&s.kinds[M_SESSION], struct m_session, y) {
		assert_int_equal(y->first_seen, T0);
		assert_int_equal(y->last_seen, T0 + 5000);
	}
	/* A copy takes the poll times only, and then equals the snapshot. */
	snapshot_touch_kinds(&copy, &s, touched);
	assert_true(copy.version[M_SESSION] == cv);
	for (size_t i = 0; i < s.kinds[M_SESSION].n; i++)
		assert_true(m_equal(m_kind_type(M_SESSION), m_vec_at(&copy.kinds[M_SESSION], i),
		    m_vec_at(&s.kinds[M_SESSION], i)));

	/* Session 2 changed: reported changed, kept in its place. */
	b = pg_batch("a", T0 + 10000, (int[]){ 1, 2, 3 }, 3);
	m_str_set(&((struct m_session *)m_vec_at(&b->kinds[M_SESSION], 1))->state, "active");
	changed = snapshot_apply(&s, b, &touched);
	batch_free(b);
	assert_true(changed & SNAPSHOT_KIND(M_SESSION));
	assert_true(s.version[M_SESSION] != v);
	x = m_vec_at(&s.kinds[M_SESSION], 1);
	assert_int_equal(x->pid, 2);
	assert_string_equal(x->state, "active");
	assert_int_equal(x->first_seen, T0);
	assert_int_equal(x->last_seen, T0 + 10000);
	snapshot_free(&copy);
	snapshot_free(&s);
}

static void
test_snapshot_named_sessions(void **state)
{
	struct snapshot s;
	struct batch *b;
	snapshot_kinds touched, changed;
	uint64_t key[4], content[4];

	(void)state;
	for (int pid = 1; pid <= 3; pid++)
		session_hashes("a", pid, &key[pid], &content[pid]);
	snapshot_init(&s, T0, 1);
	b = pg_batch("a", T0, (int[]){ 1, 2, 3 }, 3);
	snapshot_apply(&s, b, NULL);
	batch_free(b);
	b = pg_batch("b", T0, (int[]){ 1 }, 1);
	snapshot_apply(&s, b, NULL);
	batch_free(b);

	/* 1 and 2 named as unchanged, 3 gone, 4 new. */
	b = pg_batch("a", T0 + 5000, (int[]){ 4 }, 1);
	batch_same_add(b, M_SESSION, key[1], content[1]);
	batch_same_add(b, M_SESSION, key[2], content[2]);
	changed = snapshot_apply(&s, b, &touched);
	batch_free(b);
	assert_true(changed & SNAPSHOT_KIND(M_SESSION));
	assert_int_equal(snapshot_count(&s, M_SESSION, "a"), 3);
	assert_int_equal(snapshot_count(&s, M_SESSION, "b"), 1);
	M_VEC_EACH(&s.kinds[M_SESSION], struct m_session, x) {
		if (strcmp(x->instance, "b") == 0) {
			assert_int_equal(x->last_seen, T0);	/* not b's poll */
			continue;
		}
		assert_int_not_equal(x->pid, 3);
		assert_int_equal(x->last_seen, T0 + 5000);
		assert_int_equal(x->first_seen, x->pid == 4 ? T0 + 5000 : T0);
	}

	/* All named: touched only. */
	b = pg_batch("a", T0 + 10000, NULL, 0);
	batch_same_add(b, M_SESSION, key[1], content[1]);
	batch_same_add(b, M_SESSION, key[2], content[2]);
	session_hashes("a", 4, &key[0], &content[0]);
	batch_same_add(b, M_SESSION, key[0], content[0]);
	changed = snapshot_apply(&s, b, &touched);
	batch_free(b);
	assert_false(changed & SNAPSHOT_KIND(M_SESSION));
	assert_true(touched & SNAPSHOT_KIND(M_SESSION));
	assert_int_equal(snapshot_count(&s, M_SESSION, "a"), 3);

	/* 2 changes (carried), then is named in its new version: the
	 * snapshot holds that version (its kept hashes follow). */
	{
		uint64_t key2, content2;
		struct m_session *two;

		b = pg_batch("a", T0 + 11000, (int[]){ 2 }, 1);
		two = m_vec_at(&b->kinds[M_SESSION], 0);
		m_str_set(&two->state, "active");
		key2 = m_key_hash(m_kind_type(M_SESSION), two);
		content2 = m_content_hash(m_kind_type(M_SESSION), two);
		batch_same_add(b, M_SESSION, key[1], content[1]);
		batch_same_add(b, M_SESSION, key[0], content[0]);
		changed = snapshot_apply(&s, b, &touched);
		batch_free(b);
		assert_true(changed & SNAPSHOT_KIND(M_SESSION));
		b = pg_batch("a", T0 + 12000, NULL, 0);
		batch_same_add(b, M_SESSION, key[1], content[1]);
		batch_same_add(b, M_SESSION, key2, content2);
		batch_same_add(b, M_SESSION, key[0], content[0]);
		changed = snapshot_apply(&s, b, &touched);
		batch_free(b);
		assert_false(changed & SNAPSHOT_KIND(M_SESSION));
		assert_true(touched & SNAPSHOT_KIND(M_SESSION));
		/* and the old version of 2 is not what it holds */
		b = pg_batch("a", T0 + 13000, NULL, 0);
		batch_same_add(b, M_SESSION, key[1], content[1]);
		batch_same_add(b, M_SESSION, key[2], content[2]);
		batch_same_add(b, M_SESSION, key[0], content[0]);
		changed = snapshot_apply(&s, b, &touched);
		batch_free(b);
		assert_false(touched & SNAPSHOT_KIND(M_SESSION));
	}

	/* Named versions the snapshot does not hold (another content, a
	 * session it never saw): the batch speaks for what it carries only:
	 * nothing goes, nothing named moves. */
	b = pg_batch("a", T0 + 15000, (int[]){ 5 }, 1);
	batch_same_add(b, M_SESSION, key[1], content[1] + 1);
	batch_same_add(b, M_SESSION, key[3], content[3]);
	changed = snapshot_apply(&s, b, &touched);
	batch_free(b);
	assert_int_equal(snapshot_count(&s, M_SESSION, "a"), 4);
	M_VEC_EACH(&s.kinds[M_SESSION], struct m_session, x) {
		if (strcmp(x->instance, "a") == 0)
			assert_int_equal(x->last_seen, x->pid == 5 ? T0 + 15000 : T0 + 12000);
	}
	snapshot_free(&s);
}

static void
test_snapshot_sessions_replace_within_cover(void **state)
{
	struct snapshot s;
	struct batch *b;

	(void)state;
	snapshot_init(&s, T0, 1);
	b = pg_batch("a", T0, (int[]){ 1, 2, 3 }, 3);
	snapshot_apply(&s, b, NULL);
	batch_free(b);
	b = pg_batch("b", T0, (int[]){ 9 }, 1);
	snapshot_apply(&s, b, NULL);
	batch_free(b);
	assert_int_equal(snapshot_count(&s, M_SESSION, "a"), 3);
	assert_int_equal(snapshot_count(&s, M_SESSION, "b"), 1);

	/* The next poll of "a": 1 ended, 4 started; "b" is untouched. */
	b = pg_batch("a", T0 + 5000, (int[]){ 2, 3, 4 }, 3);
	snapshot_apply(&s, b, NULL);
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
		snapshot_apply(&s, b, NULL);
		batch_free(b);
	}
	assert_int_equal(s.kinds[M_INSTANCE].n, 4);

	/* us-east-1 now has only x0: y0 was deleted; eu-west-1 stays. */
	b = batch_new("rds", T0 + 1);
	b->region = strdup("us-east-1");
	batch_mark_complete(b, M_INSTANCE);
	m_str_set(&((struct m_instance *)batch_add(b, M_INSTANCE))->id, "x0");
	m_str_set(&((struct m_instance *)m_vec_at(&b->kinds[M_INSTANCE], 0))->region, "us-east-1");
	snapshot_apply(&s, b, NULL);
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
	uint64_t v;

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
		snapshot_apply(&s, b, NULL);
		batch_free(b);
	}
	/* Re-polling never duplicates; the 8-day-old one is outside 7 days. */
	assert_int_equal(s.kinds[M_EVENT].n, 4);
	v = s.version[M_EVENT];
	snapshot_advance(&s, T0 + TIME_HOUR);	/* none drops: the same version */
	assert_true(s.version[M_EVENT] == v);
	snapshot_advance(&s, T0 + 3 * TIME_DAY);
	assert_int_equal(s.kinds[M_EVENT].n, 3);
	assert_true(s.version[M_EVENT] != v);
	snapshot_advance(&s, T0 + 3 * TIME_DAY + TIME_HOUR);	/* 4 days old goes */
	assert_int_equal(s.kinds[M_EVENT].n, 2);
	/* Nothing more to drop until the window passes the oldest (2 days
	 * before T0), however often it moves. */
	v = s.version[M_EVENT];
	snapshot_advance(&s, T0 + 3 * TIME_DAY + 2 * TIME_HOUR);
	snapshot_advance(&s, T0 + 4 * TIME_DAY);
	assert_int_equal(s.kinds[M_EVENT].n, 2);
	assert_true(s.version[M_EVENT] == v);
	snapshot_advance(&s, T0 + 5 * TIME_DAY + TIME_HOUR);
	assert_int_equal(s.kinds[M_EVENT].n, 1);
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
		snapshot_apply(&s, b, NULL);
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
		cmocka_unit_test(test_snapshot_same_poll_touches_in_place),
		cmocka_unit_test(test_snapshot_named_sessions),
		cmocka_unit_test(test_snapshot_instances_replace_by_region),
		cmocka_unit_test(test_snapshot_facts_once_and_windows),
		cmocka_unit_test(test_snapshot_finding_update_and_health),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
