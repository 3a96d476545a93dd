/* The dashboard command, with the feed it shows given by the caller: the
 * live feed for `rdswatch watch`; a history feed for replay once the
 * store is merged; a preloaded feed for the terminal tests. */
#ifndef RW_CMD_CMD_WATCH_H
#define RW_CMD_CMD_WATCH_H

#include "ui/feed.h"

/* Parses the dashboard's options (argv[0] is the command's name), checks
 * the terminal, makes the feed with MAKE_FEED (NULL with *why set on
 * failure) and runs the dashboard on it. Returns the exit status. */
int cmd_watch_run(int argc, char **argv, struct feed *(*make_feed)(char **why));

#endif
