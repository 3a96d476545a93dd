/* The record machinery: absent values, deep copies, keys, JSON. */
#include <config.h>

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "model/records.h"

static void
test_model_init_means_absent(void **state)
{
	struct m_session s;

	(void)state;
	m_init(&m_session_type, &s);
	assert_null(s.user);
	assert_int_equal(s.pid, M_INT_NONE);
	assert_int_equal(s.ssl, M_TRI_UNKNOWN);
	assert_int_equal(s.backend_start, 0);
	assert_int_equal(s.blocked_by.n, 0);
	m_free(&m_session_type, &s);

	{
		struct m_finding f;

		m_init(&m_finding_type, &f);
		assert_true(isnan(f.severity));
		m_free(&m_finding_type, &f);
	}
}

static void
test_model_setters_sanitize(void **state)
{
	struct m_session s;
	char *joined;

	(void)state;
	m_init(&m_session_type, &s);
	m_str_set(&s.user, "evil\x1b]0;pwned\x07");
	assert_string_equal(s.user, "evil\\x1b]0;pwned\\x07");
	m_str_setn(&s.query, "SELECT '\xff'", 10);
	assert_string_equal(s.query, "SELECT '\\xff'");
	m_list_add(&s.blocked_by, "12");
	m_list_add(&s.blocked_by, "3\xe2\x80\xae");
	assert_true(m_list_contains(&s.blocked_by, "3\\u202e"));
	joined = m_list_join(&s.blocked_by, ",");
	assert_string_equal(joined, "12,3\\u202e");
	free(joined);
	m_free(&m_session_type, &s);
}

static void
test_model_copy_keys_and_equality(void **state)
{
	struct m_session a, b;

	(void)state;
	m_init(&m_session_type, &a);
	m_str_set(&a.instance, "prod");
	a.pid = 42;
	a.backend_start = 1000;
	m_str_set(&a.user, "app");
	m_list_add(&a.blocked_by, "7");
	m_copy(&m_session_type, &b, &a);
	assert_ptr_not_equal(a.user, b.user);
	assert_true(m_equal(&m_session_type, &a, &b));
	assert_int_equal(m_key_cmp(&m_session_type, &a, &b), 0);
	assert_true(m_key_hash(&m_session_type, &a) == m_key_hash(&m_session_type, &b));

	/* Non-key fields do not change the key... */
	m_str_set(&b.user, "other");
	assert_false(m_equal(&m_session_type, &a, &b));
	assert_int_equal(m_key_cmp(&m_session_type, &a, &b), 0);
	/* ...key fields do. */
	b.backend_start = 2000;
	assert_true(m_key_cmp(&m_session_type, &a, &b) < 0);
	assert_true(m_key_hash(&m_session_type, &a) != m_key_hash(&m_session_type, &b));
	m_free(&m_session_type, &a);
	m_free(&m_session_type, &b);
}

static void
test_model_json_round_trip(void **state)
{
	struct m_instance a, b;
	cJSON *j;
	char *text;

	(void)state;
	m_init(&m_instance_type, &a);
	m_str_set(&a.id, "prod-db");
	a.endpoint_port = 5432;
	a.publicly_accessible = 1;
	a.storage_encrypted = 0;
	a.ca_valid_till = 1795356300000LL;	/* 2026-11-22T14:05:00Z */
	m_list_add(&a.log_exports, "postgresql");
	j = m_to_json(&m_instance_type, &a);
	text = cJSON_PrintUnformatted(j);
	assert_non_null(strstr(text, "\"id\":\"prod-db\""));
	assert_non_null(strstr(text, "\"endpoint_port\":5432"));
	assert_non_null(strstr(text, "\"publicly_accessible\":true"));
	assert_non_null(strstr(text, "\"storage_encrypted\":false"));
	assert_non_null(strstr(text, "\"iam_auth\":null"));
	assert_non_null(strstr(text, "\"ca_valid_till\":\"2026-11-22T14:05:00Z\""));
	assert_non_null(strstr(text, "\"log_exports\":[\"postgresql\"]"));

	m_init(&m_instance_type, &b);
	assert_int_equal(m_from_json(&m_instance_type, &b, j), 0);
	assert_true(m_equal(&m_instance_type, &a, &b));

	/* A value of the wrong type is refused. */
	cJSON_ReplaceItemInObject(j, "endpoint_port", cJSON_CreateString("x"));
	m_free(&m_instance_type, &b);
	assert_int_equal(m_from_json(&m_instance_type, &b, j), -1);

	free(text);
	cJSON_Delete(j);
	m_free(&m_instance_type, &a);
	m_free(&m_instance_type, &b);
}

static void
test_model_vec(void **state)
{
	struct m_vec v;
	struct m_event key;
	int n = 0;

	(void)state;
	m_vec_init(&v, &m_event_type);
	for (int i = 0; i < 100; i++) {
		struct m_event *e = m_vec_push(&v);

		m_str_set(&e->source_id, i % 2 ? "a" : "b");
		e->time = i;
		m_str_set(&e->message, "m");
	}
	M_VEC_EACH(&v, struct m_event, e)
		n += e->time == 42;
	assert_int_equal(n, 1);
	m_init(&m_event_type, &key);
	m_str_set(&key.source_id, "b");
	key.time = 42;
	m_str_set(&key.message, "m");
	assert_non_null(m_vec_find_key(&v, &key));
	key.time = 43;
	assert_null(m_vec_find_key(&v, &key));
	m_vec_remove(&v, 0);
	assert_int_equal(v.n, 99);
	m_free(&m_event_type, &key);
	m_vec_free(&v);

	/* An empty vector iterates zero times. */
	m_vec_init(&v, &m_event_type);
	M_VEC_EACH(&v, struct m_event, e)
		fail_msg("iterated an empty vector: %p", (void *)e);
}

static void
test_model_kinds_table(void **state)
{
	(void)state;
	for (int k = 0; k < M_KIND_COUNT; k++) {
		const struct m_type *t = m_kind_type((enum m_kind)k);
		int keys = 0;

		assert_non_null(t);
		assert_int_equal(m_kind_of(t), k);
		assert_non_null(m_kind_plural((enum m_kind)k));
		for (size_t i = 0; i < t->nfields; i++)
			keys += (t->fields[i].flags & M_KEY) != 0;
		assert_true(keys > 0);
	}
	assert_int_equal(m_kind_flow(M_EVENT), M_APPEND);
	assert_int_equal(m_kind_flow(M_SESSION), M_STATE);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_model_init_means_absent),
		cmocka_unit_test(test_model_setters_sanitize),
		cmocka_unit_test(test_model_copy_keys_and_equality),
		cmocka_unit_test(test_model_json_round_trip),
		cmocka_unit_test(test_model_vec),
		cmocka_unit_test(test_model_kinds_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
