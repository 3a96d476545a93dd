/* INI files through inih, for rdswatch's config and the AWS config and
 * credentials files.
 *
 * Debian's inih is built with INI_MAX_LINE 200 and no line numbers in
 * handlers, but AWS session tokens in ~/.aws/credentials run to a
 * thousand bytes and users need "file:line" in messages. So lines reach
 * inih through our reader: it counts lines, and hands inih a short
 * placeholder for an over-long value, which the handler swaps back. inih
 * still does all of the INI syntax (sections, comments, continuation
 * lines, BOM). */
#ifndef RW_CORE_INIFILE_H
#define RW_CORE_INIFILE_H

/* Called for each name = value (and each continuation line, with the same
 * name and only that line's text, as inih does). Return 1; returning 0
 * makes the read fail with that line's number. Handlers that find a bad
 * value should record it themselves with LINENO and return 1. */
typedef int (*inifile_handler)(void *user, const char *section, const char *name,
    const char *value, int lineno);

/* Parses the file at PATH. A missing file is an error here (callers decide
 * whether that matters); /dev/null and empty files are simply empty.
 * Returns 0, or -1 with *why ("PATH:LINE: syntax error") allocated. */
int inifile_read_file(const char *path, inifile_handler h, void *user, char **why);
/* The same over a string (tests and fuzzing); NAME is used in messages. */
int inifile_read_string(const char *text, const char *name, inifile_handler h, void *user,
    char **why);

#endif
