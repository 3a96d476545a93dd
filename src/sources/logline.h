/* PostgreSQL server log lines -> failed logins. Shared by the pglog source
 * (a self-managed server's log file) and the logs source (RDS log events
 * from CloudWatch Logs or DownloadDBLogFilePortion).
 *
 * A line is "<log_line_prefix><SEVERITY>:  <message>" (RDS's prefix is
 * "%t:%r:%u@%d:[%p]:"). What counts as a failed login (domain.md section
 * 3):
 *   FATAL:  password authentication failed for user "U"   (+ DETAIL)
 *   FATAL:  <method> authentication failed for user "U"    (PAM = IAM on RDS, ...)
 *   FATAL:  no pg_hba.conf entry for host "H", user "U", database "D", <encryption>
 *   FATAL:  pg_hba.conf rejects connection for host "H", user "U", database "D", <encryption>
 *   FATAL:  role "U" does not exist
 * The DETAIL that follows a password failure from the same backend pid
 * gives the reason (unknown role, expired or no password). A backend is
 * one connection attempt, so each pid yields one failed login however
 * many lines it logs; libpq's sslmode=prefer retry is a second backend
 * and so, honestly, a second attempt. */
#ifndef RW_SOURCES_LOGLINE_H
#define RW_SOURCES_LOGLINE_H

#include <stddef.h>
#include <stdint.h>

#include "model/model.h"
#include "model/records.h"

#define LOGLINE_RDS_PREFIX "%t:%r:%u@%d:[%p]:"

/* One line, split. Pointers are into the line (not NUL-terminated); a
 * field the prefix does not carry has length 0 (pid -1, time 0). */
struct logline {
	int64_t time;		/* ms since the epoch, 0 when unknown */
	int pid;
	const char *host; size_t host_len;
	int port;		/* -1 when unknown */
	const char *user; size_t user_len;
	const char *db; size_t db_len;
	const char *severity; size_t severity_len;	/* "FATAL", "DETAIL", ... */
	const char *msg; size_t msg_len;
};

/* A parsed log_line_prefix. */
struct logline_format;

/* Parses a log_line_prefix setting (NULL: RDS's). Escapes rdswatch reads:
 * %t %m %n (time), %p (pid), %r (host(port)), %h (host), %u, %d, %a and
 * the ones it skips (%c %l %s %v %x %e %q %i %b %%). Returns NULL, with
 * *why allocated, for a prefix it cannot read. */
struct logline_format *logline_format_new(const char *prefix, char **why);
void logline_format_free(struct logline_format *f);

/* Splits one line (no newline). Returns 0, or -1 when the line does not
 * have the prefix's shape (a continuation line, or another format). */
int logline_parse(const struct logline_format *f, const char *line, size_t len,
    struct logline *out);

/* Turns a stream of lines into failed logins, pairing each FATAL with the
 * DETAIL of the same pid. */
struct logline_parser;

/* INSTANCE and SOURCE ("log_file", "log_export", ...) fill those fields
 * of every failed login; F is owned by the parser. */
struct logline_parser *logline_parser_new(struct logline_format *f, const char *instance,
    const char *source);
void logline_parser_free(struct logline_parser *p);
/* Feeds one line. TIME_HINT (ms) dates a line whose prefix has no time
 * (e.g. a CloudWatch Logs event's timestamp; 0 if none). Completed
 * failed logins are appended to OUT (an m_vec of struct m_failed_login).
 * Returns how many were appended. */
size_t logline_parser_feed(struct logline_parser *p, const char *line, size_t len,
    int64_t time_hint, struct m_vec *out);
/* Emits failures still waiting for their DETAIL: with ALL, every one;
 * otherwise those that already waited through a previous call (a DETAIL
 * is written right after its FATAL, so a read that ends between the two
 * is completed by the next read). Returns how many were appended. */
size_t logline_parser_flush(struct logline_parser *p, int all, struct m_vec *out);

#endif
