/* Helpers for C tests that need the rigs: a missing rig skips (exit 77)
 * when run by hand and fails under CI=true. */
#ifndef RW_TESTS_LIB_RIG_H
#define RW_TESTS_LIB_RIG_H

/* Exits 77 (or 1 under CI=true) with a message naming what is missing. */
void rig_skip(const char *why) __attribute__((noreturn));
/* The value of an environment variable the rig exports, or rig_skip(). */
const char *rig_env(const char *name);
/* Whether CI=true is set. */
int rig_in_ci(void);

#endif
