/* The failed-login log parser (src/sources/logline.c) on RDS-format lines
 * and on other log_line_prefix settings. Lines from a real server are
 * proven in tests/it/pglog_rig.c. */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/sanitize.h"
#include "core/timeutil.h"
#include "sources/logline.h"

static struct logline_parser *
parser(const char *prefix)
{
	char *why = NULL;
	struct logline_format *f = logline_format_new(prefix, &why);

	assert_non_null(f);
	return logline_parser_new(f, "prod-db", "log_export");
}

/* Parses LINES (RDS's prefix) into OUT, initialized here. */
static void
feed_all(const char *const *lines, struct m_vec *out)
{
	struct logline_parser *p = parser(NULL);

	m_vec_init(out, &m_failed_login_type);
	for (size_t i = 0; lines[i] != NULL; i++)
		logline_parser_feed(p, lines[i], strlen(lines[i]), 0, out);
	logline_parser_flush(p, 1, out);
	logline_parser_free(p);
}

static const struct m_failed_login *
at(const struct m_vec *v, size_t i)
{
	assert_true(i < v->n);
	return m_vec_at(v, i);
}

static void
test_logline_split_rds_prefix(void **state)
{
	char *why = NULL;
	struct logline_format *f = logline_format_new(NULL, &why);
	struct logline l;
	const char *line = "2026-11-22 14:21:20 UTC:10.0.1.5(46774):app@appdb:[9844]:FATAL:  "
	    "password authentication failed for user \"app\"";

	(void)state;
	assert_int_equal(logline_parse(f, line, strlen(line), &l), 0);
	assert_int_equal(l.time, time_from_utc_fields(2026, 11, 22, 14, 21, 20));
	assert_int_equal(l.pid, 9844);
	assert_int_equal(l.port, 46774);
	assert_int_equal(l.host_len, 8);
	assert_memory_equal(l.host, "10.0.1.5", 8);
	assert_memory_equal(l.user, "app", 3);
	assert_memory_equal(l.db, "appdb", 5);
	assert_memory_equal(l.severity, "FATAL", 5);
	assert_memory_equal(l.msg, "password authentication", 23);
	/* Background processes: empty remote, user and database. */
	line = "2026-11-22 14:20:29 UTC::@:[5311]:LOG:  database system is ready";
	assert_int_equal(logline_parse(f, line, strlen(line), &l), 0);
	assert_int_equal(l.pid, 5311);
	assert_int_equal(l.host_len, 0);
	/* IPv6 clients: the colons of the address are not the prefix's. */
	line = "2026-11-22 14:21:20 UTC:2001:db8::7(5000):u@d:[12]:FATAL:  x";
	assert_int_equal(logline_parse(f, line, strlen(line), &l), 0);
	assert_int_equal(l.host_len, 11);
	assert_memory_equal(l.host, "2001:db8::7", 11);
	assert_int_equal(l.port, 5000);
	/* Continuation lines and other text are not lines of this format. */
	line = "\tConnection matched pg_hba.conf line 5: \"host all all 127.0.0.1/32 scram-sha-256\"";
	assert_int_equal(logline_parse(f, line, strlen(line), &l), -1);
	line = "2026-11-22 14:21:20 UTC:10.0.1.5(1):u@d:[x]:FATAL:  x";
	assert_int_equal(logline_parse(f, line, strlen(line), &l), -1);
	logline_format_free(f);
	assert_null(logline_format_new("%t %Z", &why));
	assert_non_null(why);
	free(why);
}

/* Lines as the rig's PostgreSQL 15 writes them (RDS's prefix). */
static void
test_logline_reasons(void **state)
{
	static const char *const lines[] = {
		"2026-11-22 14:20:33 UTC:127.0.0.1(54580):rig_app@postgres:[5513]:LOG:  connection authorized: user=rig_app database=postgres",
		"2026-11-22 14:21:20 UTC:127.0.0.1(46774):rig_app@postgres:[9844]:FATAL:  password authentication failed for user \"rig_app\"",
		"2026-11-22 14:21:20 UTC:127.0.0.1(46774):rig_app@postgres:[9844]:DETAIL:  Connection matched pg_hba.conf line 5: \"host    all all 127.0.0.1/32   scram-sha-256\"",
		"2026-11-22 14:21:20 UTC:127.0.0.1(46786):nosuchuser@postgres:[9850]:FATAL:  password authentication failed for user \"nosuchuser\"",
		"2026-11-22 14:21:20 UTC:127.0.0.1(46786):nosuchuser@postgres:[9850]:DETAIL:  Role \"nosuchuser\" does not exist.",
		"\tConnection matched pg_hba.conf line 4: \"hostssl all all 127.0.0.1/32   scram-sha-256\"",
		"2026-11-22 14:21:21 UTC:127.0.0.1(46790):expired@postgres:[9854]:FATAL:  password authentication failed for user \"expired\"",
		"2026-11-22 14:21:21 UTC:127.0.0.1(46790):expired@postgres:[9854]:DETAIL:  User \"expired\" has an expired password.",
		"2026-11-22 14:21:21 UTC:127.0.0.1(46804):nopw@postgres:[9868]:FATAL:  password authentication failed for user \"nopw\"",
		"2026-11-22 14:21:21 UTC:127.0.0.1(46804):nopw@postgres:[9868]:DETAIL:  User \"nopw\" has no password assigned.",
		"2026-11-22 14:22:00 UTC:10.0.0.9(40000):eve@appdb:[9900]:FATAL:  no pg_hba.conf entry for host \"10.0.0.9\", user \"eve\", database \"appdb\", no encryption",
		"2026-11-22 14:22:01 UTC:10.0.0.9(40001):eve@appdb:[9901]:FATAL:  no pg_hba.conf entry for host \"10.0.0.9\", user \"eve\", database \"appdb\", SSL encryption",
		"2026-11-22 14:22:02 UTC:10.0.0.9(40002):eve@appdb:[9902]:FATAL:  no pg_hba.conf entry for host \"10.0.0.9\", user \"eve\", database \"appdb\", SSL off",
		"2026-11-22 14:22:03 UTC:10.0.0.9(40003):eve@appdb:[9903]:FATAL:  pg_hba.conf rejects connection for host \"10.0.0.9\", user \"eve\", database \"appdb\", SSL on",
		"2026-11-22 14:22:04 UTC:10.0.0.9(40004):iamuser@appdb:[9904]:FATAL:  PAM authentication failed for user \"iamuser\"",
		"2026-11-22 14:22:05 UTC:10.0.0.9(40005):md5user@appdb:[9905]:FATAL:  password authentication failed for user \"md5user\"",
		"2026-11-22 14:22:05 UTC:10.0.0.9(40005):md5user@appdb:[9905]:DETAIL:  Password does not match for user \"md5user\".",
		"2026-11-22 14:22:06 UTC:10.0.0.9(40006):app@nodb:[9906]:FATAL:  database \"nodb\" does not exist",
		NULL,
	};
	static const struct {
		const char *user, *reason, *addr, *db;
		int pid;
	} want[] = {
		{ "rig_app", M_REASON_WRONG_PASSWORD, "127.0.0.1", "postgres", 9844 },
		{ "nosuchuser", M_REASON_UNKNOWN_ROLE, "127.0.0.1", "postgres", 9850 },
		{ "expired", M_REASON_EXPIRED_PASSWORD, "127.0.0.1", "postgres", 9854 },
		{ "nopw", M_REASON_NO_PASSWORD, "127.0.0.1", "postgres", 9868 },
		{ "eve", M_REASON_NO_HBA_ENTRY, "10.0.0.9", "appdb", 9900 },
		{ "eve", M_REASON_NO_HBA_ENTRY_TLS, "10.0.0.9", "appdb", 9901 },
		{ "eve", M_REASON_NO_HBA_ENTRY, "10.0.0.9", "appdb", 9902 },
		{ "eve", M_REASON_HBA_REJECT, "10.0.0.9", "appdb", 9903 },
		{ "iamuser", M_REASON_AUTH_FAILED, "10.0.0.9", "appdb", 9904 },
		{ "md5user", M_REASON_WRONG_PASSWORD, "10.0.0.9", "appdb", 9905 },
	};
	struct m_vec out;

	(void)state;
	feed_all(lines, &out);
	assert_int_equal(out.n, sizeof want / sizeof want[0]);
	for (size_t i = 0; i < out.n; i++) {
		const struct m_failed_login *f = at(&out, i);

		assert_string_equal(f->user, want[i].user);
		assert_string_equal(f->reason, want[i].reason);
		assert_string_equal(f->client_addr, want[i].addr);
		assert_string_equal(f->database, want[i].db);
		assert_int_equal(f->pid, want[i].pid);
		assert_string_equal(f->instance, "prod-db");
		assert_string_equal(f->source, "log_export");
		assert_true(f->time > 0);
	}
	assert_int_equal(at(&out, 0)->client_port, 46774);
	assert_string_equal(at(&out, 1)->detail, "Role \"nosuchuser\" does not exist.");
	m_vec_free(&out);
}

/* One backend is one attempt: FATAL and DETAIL of a pid make one record,
 * even when other backends' lines come between them; libpq's
 * sslmode=prefer retry is another backend, so another attempt. */
static void
test_logline_counts_attempts_per_pid(void **state)
{
	static const char *const lines[] = {
		"2026-11-22 14:21:20 UTC:10.1.1.1(1000):bob@db:[100]:FATAL:  password authentication failed for user \"bob\"",
		"2026-11-22 14:21:20 UTC:10.1.1.1(1001):bob@db:[101]:FATAL:  password authentication failed for user \"bob\"",
		"2026-11-22 14:21:20 UTC:10.1.1.1(1001):bob@db:[101]:DETAIL:  Role \"bob\" does not exist.",
		"2026-11-22 14:21:20 UTC:10.1.1.1(1000):bob@db:[100]:DETAIL:  Role \"bob\" does not exist.",
		NULL,
	};
	struct m_vec out;

	(void)state;
	feed_all(lines, &out);
	assert_int_equal(out.n, 2);
	assert_int_equal(at(&out, 0)->pid, 101);
	assert_int_equal(at(&out, 1)->pid, 100);
	assert_string_equal(at(&out, 1)->reason, M_REASON_UNKNOWN_ROLE);
	m_vec_free(&out);
}

/* A FATAL whose DETAIL comes in the next read is completed by it; one
 * that never gets a DETAIL is emitted by the second flush. */
static void
test_logline_flush_waits_one_round(void **state)
{
	const char *fatal = "2026-11-22 14:21:21 UTC:127.0.0.1(5):x@postgres:[77]:FATAL:  "
	    "password authentication failed for user \"x\"";
	const char *detail = "2026-11-22 14:21:21 UTC:127.0.0.1(5):x@postgres:[77]:DETAIL:  "
	    "User \"x\" has an expired password.";
	struct logline_parser *p = parser(NULL);
	struct m_vec out;

	(void)state;
	m_vec_init(&out, &m_failed_login_type);
	assert_int_equal(logline_parser_feed(p, fatal, strlen(fatal), 0, &out), 0);
	assert_int_equal(logline_parser_flush(p, 0, &out), 0);
	assert_int_equal(logline_parser_feed(p, detail, strlen(detail), 0, &out), 1);
	assert_string_equal(at(&out, 0)->reason, M_REASON_EXPIRED_PASSWORD);
	assert_int_equal(logline_parser_feed(p, fatal, strlen(fatal), 0, &out), 0);
	assert_int_equal(logline_parser_flush(p, 0, &out), 0);
	assert_int_equal(logline_parser_flush(p, 0, &out), 1);
	assert_string_equal(at(&out, 1)->reason, M_REASON_WRONG_PASSWORD);
	m_vec_free(&out);
	logline_parser_free(p);
}

/* User and database names may hold the prefix's separators, quotes and
 * control characters: the message's user name settles the split, and
 * every field leaves sanitized. */
static void
test_logline_hostile_names(void **state)
{
	static const char *const lines[] = {
		"2026-11-22 14:21:20 UTC:10.1.1.1(1000):a@b:[1]:c@d\"\x1b]0;x\x07:[2]:FATAL:  password authentication failed for user \"a@b:[1]:c\"",
		"2026-11-22 14:21:21 UTC:10.1.1.1(1001):e\"v\xc2\x9b\xe2\x80\xae@db\xff:[3]:FATAL:  no pg_hba.conf entry for host \"10.1.1.1\", user \"e\"v\xc2\x9b\xe2\x80\xae\", database \"db\xff\", no encryption",
		NULL,
	};
	struct m_vec out;

	(void)state;
	feed_all(lines, &out);
	/* The second line's failure needs no DETAIL: it comes out first. */
	assert_int_equal(out.n, 2);
	assert_string_equal(at(&out, 1)->user, "a@b:[1]:c");
	assert_string_equal(at(&out, 1)->database, "d\"\\x1b]0;x\\x07");
	assert_int_equal(at(&out, 1)->pid, 2);
	assert_string_equal(at(&out, 0)->user, "e\"v\\u009b\\u202e");
	assert_string_equal(at(&out, 0)->database, "db\\xff");
	for (size_t i = 0; i < out.n; i++) {
		assert_true(sanitize_is_clean(at(&out, i)->user));
		assert_true(sanitize_is_clean(at(&out, i)->database));
	}
	m_vec_free(&out);
}

/* PostgreSQL's default prefix "%m [%p] " has no client address: the
 * "connection received" line of the same pid gives it. */
static void
test_logline_default_prefix(void **state)
{
	static const char *const lines[] = {
		"2026-11-22 14:21:20.123 UTC [4242] LOG:  connection received: host=192.0.2.7 port=51000",
		"2026-11-22 14:21:20.130 UTC [4242] FATAL:  password authentication failed for user \"carol\"",
		"2026-11-22 14:21:20.130 UTC [4242] DETAIL:  Role \"carol\" does not exist.",
		"2026-11-22 16:21:20.130 +02 [4243] FATAL:  role \"dave\" does not exist",
		"2026-11-22 14:21:20.130 CET [4244] FATAL:  role \"erin\" does not exist",
		NULL,
	};
	struct logline_parser *p = parser("%m [%p] ");
	struct m_vec out;

	(void)state;
	m_vec_init(&out, &m_failed_login_type);
	for (size_t i = 0; lines[i] != NULL; i++)
		logline_parser_feed(p, lines[i], strlen(lines[i]), 12345, &out);
	logline_parser_flush(p, 1, &out);
	assert_int_equal(out.n, 3);
	assert_string_equal(at(&out, 0)->client_addr, "192.0.2.7");
	assert_int_equal(at(&out, 0)->client_port, 51000);
	assert_int_equal(at(&out, 0)->time, time_from_utc_fields(2026, 11, 22, 14, 21, 20) + 130);
	assert_string_equal(at(&out, 0)->reason, M_REASON_UNKNOWN_ROLE);
	assert_null(at(&out, 0)->database);
	assert_string_equal(at(&out, 1)->user, "dave");
	assert_int_equal(at(&out, 1)->time, time_from_utc_fields(2026, 11, 22, 14, 21, 20) + 130);
	/* A zone abbreviation is ambiguous: the caller's time is used. */
	assert_int_equal(at(&out, 2)->time, 12345);
	m_vec_free(&out);
	logline_parser_free(p);

	/* The prefix's trailing space, lost in a config file, is no matter. */
	p = parser("%m [%p]");
	m_vec_init(&out, &m_failed_login_type);
	logline_parser_feed(p, lines[3], strlen(lines[3]), 0, &out);
	assert_int_equal(out.n, 1);
	assert_string_equal(at(&out, 0)->user, "dave");
	m_vec_free(&out);
	logline_parser_free(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_logline_split_rds_prefix),
		cmocka_unit_test(test_logline_reasons),
		cmocka_unit_test(test_logline_counts_attempts_per_pid),
		cmocka_unit_test(test_logline_flush_waits_one_round),
		cmocka_unit_test(test_logline_hostile_names),
		cmocka_unit_test(test_logline_default_prefix),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
