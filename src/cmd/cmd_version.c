#include <config.h>

#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <curses.h>
#include <libpq-fe.h>
#include <libxml/xmlversion.h>
#include <libxml/parser.h>
#include <openssl/crypto.h>
#include <sqlite3.h>

#include "cmd/cmd.h"

/* Versions are read from the libraries at run time, so the output says
 * what this process actually loaded, not what it was compiled against. */

static void
cmd_version_ncurses(char *buf, size_t len)
{
	const char *v = curses_version();	/* "ncurses 6.4.20221231" */
	const char *sp = strchr(v, ' ');

	snprintf(buf, len, "%s", sp != NULL ? sp + 1 : v);
}

static void
cmd_version_libpq(char *buf, size_t len)
{
	int v = PQlibVersion();	/* 150018 since PostgreSQL 10 */

	snprintf(buf, len, "%d.%d", v / 10000, v % 100);
}

static void
cmd_version_libxml2(char *buf, size_t len)
{
	int v = 0;

	sscanf(xmlParserVersion, "%d", &v);	/* "20914" */
	snprintf(buf, len, "%d.%d.%d", v / 10000, (v / 100) % 100, v % 100);
}

static int
cmd_version_exec(int argc, char **argv)
{
	char nc[64], pq[32], xml[32];

	(void)argv;
	if (argc > 1)
		return cmd_usage_error(&cmd_version_entry, "too many arguments");
	cmd_version_ncurses(nc, sizeof nc);
	cmd_version_libpq(pq, sizeof pq);
	cmd_version_libxml2(xml, sizeof xml);

	printf("rdswatch %s\n", PACKAGE_VERSION);
	printf("  ncurses  %s\n", nc);
	printf("  libcurl  %s\n", curl_version_info(CURLVERSION_NOW)->version);
	printf("  OpenSSL  %s\n", OpenSSL_version(OPENSSL_VERSION_STRING));
	printf("  cJSON    %s\n", cJSON_Version());
	printf("  SQLite   %s\n", sqlite3_libversion());
	printf("  libpq    %s\n", pq);
	printf("  libxml2  %s\n", xml);
	printf("  inih     %s (build time; inih has no run-time version)\n", RW_INIH_VERSION);
	return CMD_EXIT_OK;
}

const struct cmd_entry cmd_version_entry = {
	.name = "version",
	.args = "",
	.summary = "show the version of rdswatch and its libraries",
	.exec = cmd_version_exec,
};
