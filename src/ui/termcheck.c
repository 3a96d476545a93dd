/* Whether the terminal can show the dashboard. Apart from tui.c because
 * <term.h> defines a macro for every terminfo capability name (bell,
 * prompt, ...), which would clash with ordinary identifiers there. */
#include <config.h>

#include <curses.h>
#include <langinfo.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/sanitize.h"
#include "core/xmalloc.h"
#include "ui/tui.h"
/* Last: its macros must not reach the headers above. */
#include <term.h>

int
tui_locale_is_utf8(void)
{
	const char *cs = nl_langinfo(CODESET);

	return cs != NULL && (strcmp(cs, "UTF-8") == 0 || strcmp(cs, "utf8") == 0);
}

int
tui_check_terminal(char **why)
{
	const char *term = getenv("TERM");
	char *cup, *clean;
	int err = 0;

	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		*why = xstrdup("the dashboard needs a terminal; for plain text use 'rdswatch once'");
		return -1;
	}
	if (term == NULL || term[0] == '\0' || strcmp(term, "dumb") == 0) {
		clean = sanitize_str(term != NULL ? term : "");
		*why = xasprintf("the dashboard cannot run on TERM=%s; set TERM (e.g. xterm) or, for "
		    "plain text, use 'rdswatch once'", clean);
		free(clean);
		return -1;
	}
	if (setupterm(NULL, STDOUT_FILENO, &err) != OK) {
		clean = sanitize_str(term);
		*why = xasprintf("unknown terminal type TERM=%s; set TERM (e.g. xterm) or, for plain "
		    "text, use 'rdswatch once'", clean);
		free(clean);
		return -1;
	}
	cup = tigetstr("cup");
	del_curterm(cur_term);
	if (cup == NULL || cup == (char *)-1) {
		clean = sanitize_str(term);
		*why = xasprintf("TERM=%s cannot move the cursor; for plain text use 'rdswatch once'",
		    clean);
		free(clean);
		return -1;
	}
	return 0;
}

