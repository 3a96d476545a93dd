/* RDS events, newest first, with a severity word from their categories. */
#include <config.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/timeutil.h"
#include "panes/fmt.h"
#include "panes/pane.h"
#include "panes/severity.h"

enum { C_TIME, C_SEV, C_SOURCE, C_CATEGORY, C_MESSAGE, C_ID, C_COUNT };

static const struct table_col events_cols[C_COUNT] = {
	[C_TIME] = { "Time (UTC)", 11, 0, 0 },
	[C_SEV] = { "Sev", 4, 0, 0 },
	[C_SOURCE] = { "Source", 16, 0, 0 },
	[C_CATEGORY] = { "Category", 14, 1, 0 },
	[C_MESSAGE] = { "Message", 20, 0, TABLE_FLEX },
	[C_ID] = { "Event", 14, 2, 0 },
};

/* The rank of an event by its worst category. */
static int
events_rank(const struct m_event *e)
{
	static const struct { const char *category; int rank; } map[] = {
		{ "failure", 3 }, { "low storage", 3 },
		{ "failover", 2 }, { "availability", 2 }, { "security", 2 },
		{ "security patching", 2 }, { "deletion", 2 }, { "maintenance", 2 },
	};
	int rank = 1;

	for (size_t i = 0; i < e->categories.n; i++) {
		for (size_t k = 0; k < sizeof map / sizeof *map; k++) {
			if (strcmp(e->categories.v[i], map[k].category) == 0 && map[k].rank > rank)
				rank = map[k].rank;
		}
	}
	return rank;
}

static void
events_rows(struct pane *p, const struct snapshot *s, const struct pane_env *env)
{
	char key[64], buf[32];
	size_t i = 0;

	M_VEC_EACH(&s->kinds[M_EVENT], const struct m_event, e) {
		int rank = events_rank(e);
		struct table_row *r;
		char *cats;

		if (!pane_instance_ok(env, e->instance != NULL ? e->instance : e->source_id))
			continue;
		/* Events have a three-field key; the index names the row. */
		snprintf(key, sizeof key, "%lld/%zu", (long long)e->time, i++);
		r = table_add(&p->table, key, e, 0);
		table_set(r, C_TIME, 0, (double)e->time, fmt_clock(e->time, buf, sizeof buf));
		table_set(r, C_SEV, severity_style(rank), rank, severity_word(rank));
		table_set(r, C_SOURCE, 0, NAN, e->source_id);
		cats = m_list_join(&e->categories, ", ");
		table_set(r, C_CATEGORY, rank >= 2 ? severity_style(rank) : 0, NAN, cats);
		free(cats);
		table_set(r, C_MESSAGE, 0, NAN, e->message);
		table_set(r, C_ID, CANVAS_DIM, NAN, e->event_id);
	}
}

static void
events_detail(struct pane *p, const struct table_row *row, const struct snapshot *s,
    const struct pane_env *env, struct detail *d)
{
	const struct m_event *e = row->rec;
	int rank = events_rank(e);

	(void)p;
	(void)s;
	detail_heading(d, "RDS event");
	detail_add(d, "Severity", severity_style(rank), severity_word(rank));
	detail_record(d, &m_event_type, e, env->now);
}

static const char *const events_help[] = {
	"RDS events of the last 7 days, newest first. Sev comes from the",
	"  categories: CRIT failure or low storage; WARN failover, availability,",
	"  security, maintenance or deletion; INFO the rest.",
	NULL,
};

const struct pane_ops pane_events_ops = {
	.name = "events",
	.title = "RDS events",
	.tab = "Events",
	.abbrev = "Evnt",
	.source = "rds",
	.cols = events_cols,
	.ncols = C_COUNT,
	.sort_col = C_TIME,
	.sort_reverse = 1,
	.empty = "(no RDS events in the last 7 days)",
	.rows = events_rows,
	.detail = events_detail,
	.help = events_help,
};
