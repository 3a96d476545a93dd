/* A hand-built fleet for tests of the panes and the dashboard: two
 * instances in the middle of an incident (a plaintext session from a
 * public address, a superuser session, a failed-login burst, no backups,
 * forced maintenance, a failing source) and strings a hostile database
 * could send. Times are relative to NOW, so windows keep everything. */
#ifndef RW_TESTS_LIB_FLEET_H
#define RW_TESTS_LIB_FLEET_H

#include <stdint.h>

#include "model/batch.h"

/* What the hostile strings are before the sanitizer. */
#define FLEET_HOSTILE_ROLE "evil\033]0;pwned\007role"
#define FLEET_HOSTILE_QUERY "select 1 \033[2J\033]0;pwned\007"
/* The same, as they show on screen. */
#define FLEET_HOSTILE_ROLE_SHOWN "evil\\x1b]0;pwned\\x07role"
#define FLEET_HOSTILE_QUERY_SHOWN "select 1 \\x1b[2J\\x1b]0;pwned\\x07"
/* An application name set without the sanitizer (as a bug elsewhere
 * would): the canvas must still escape it. */
#define FLEET_RAW_APP "raw\033[31mapp"
#define FLEET_RAW_APP_SHOWN "raw\\x1b[31mapp"

#define FLEET_BURST_ADDR "198.51.100.23"
#define FLEET_BURST_COUNT 7

/* The fleet's records as one batch observed at NOW. */
struct batch *fleet_batch(int64_t now);

#endif
