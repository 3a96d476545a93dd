#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "core/xmalloc.h"
#include "ui/help.h"
#include "ui/keys.h"

static void
help_keys(struct detail *d, const char *scope)
{
	char names[64];

	for (const struct key_entry *e = key_table; e->action != UA_NONE; e++) {
		if ((scope == NULL) != (e->scope == NULL) ||
		    (scope != NULL && strcmp(scope, e->scope) != 0))
			continue;
		detail_add(d, key_names(e, names, sizeof names), 0, e->help);
	}
}

void
help_build(struct detail *d, const struct pane_ops *cur)
{
	char *title;
	int own = 0;

	detail_heading(d, "rdswatch help: keys that work everywhere");
	help_keys(d, NULL);
	for (const struct key_entry *e = key_table; e->action != UA_NONE; e++)
		own |= e->scope != NULL && strcmp(e->scope, cur->name) == 0;
	if (own) {
		title = xasprintf("Keys in %s", cur->title);
		detail_heading(d, title);
		free(title);
		help_keys(d, cur->name);
	}
	title = xasprintf("About %s", cur->title);
	detail_heading(d, title);
	free(title);
	for (size_t i = 0; cur->help != NULL && cur->help[i] != NULL; i++)
		detail_add(d, "", 0, cur->help[i]);
	detail_heading(d, "Reading the screen");
	detail_add(d, "", 0, "Colour never carries meaning alone: CRIT, WARN, INFO, FAIL, NO and "
	    "STALE are written out. The bottom line shows the account, LIVE, PAUSED or \"replay at\" "
	    "a past moment (H, [ and { go back in history; L comes back), the sources' "
	    "health (a failing or stale source with its age), the refresh interval and the time in "
	    "UTC and local. Times in tables are UTC.");
	detail_add(d, "", CANVAS_DIM, "Esc, ? or h closes this help; q quits.");
}
