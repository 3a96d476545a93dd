/* Helpers for the pg source's integration tests: libpq sessions on the
 * rig, a pg source configured for it, one poll, a rig of the test's own
 * (for tests that stop the server or change pg_hba.conf). */
#ifndef RW_TESTS_IT_PG_ITLIB_H
#define RW_TESTS_IT_PG_ITLIB_H

#include <stdint.h>

#include <libpq-fe.h>

#include "model/batch.h"
#include "sources/source.h"

extern int itpg_failures;

#define CHECK(cond, ...) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);	\
		fprintf(stderr, __VA_ARGS__);				\
		fprintf(stderr, "\n");					\
		itpg_failures++;					\
	}								\
} while (0)

/* Dies with a message (a broken setup, not a finding). */
void itpg_die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/* A session as USER to DB over TLS (verify-full) or plaintext; dies on
 * failure. APP is its application_name. */
PGconn *itpg_connect(const char *user, const char *password, const char *db, int tls,
    const char *app);
/* The rig's superuser (rolsuper), over TLS to postgres. */
PGconn *itpg_super(void);
/* Runs SQL, dying on error. */
void itpg_exec(PGconn *c, const char *sql);
/* The same with the SQL formatted. */
void itpg_execf(PGconn *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Runs SQL returning one value (newly allocated), dying on error. */
char *itpg_value(PGconn *c, const char *sql);

/* A pg source for the rig as USER/PASSWORD, named INSTANCE, with the
 * config text EXTRA appended to its [instance] section. Dies on error. */
struct source *itpg_source(const char *instance, const char *user, const char *password,
    const char *extra);
/* One poll: returns the batch (caller frees); *RC and ERR as the poll
 * left them. */
struct batch *itpg_poll(struct source *s, int *rc, struct rw_error *err);
/* The session of PID in B, or NULL. */
struct m_session *itpg_session(const struct batch *b, int pid);

/* Starts a rig of the test's own (its exports replace the environment's
 * PGHOST, PGPORT, RIG_PG_*); itpg_rig_stop() removes it. */
void itpg_rig_start(void);
void itpg_rig_stop(void);
/* Stops or starts the server of the test's own rig (same port). */
void itpg_rig_ctl(const char *action);

/* A random hex string of 2*N characters. */
char *itpg_random_hex(int n);

#endif
