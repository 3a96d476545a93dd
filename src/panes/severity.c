#include <config.h>

#include <math.h>
#include <stddef.h>
#include <strings.h>

#include "panes/severity.h"
#include "view/canvas.h"

static const struct {
	const char *word;
	int rank;
} severity_words[] = {
	{ "critical", 3 }, { "high", 3 },
	{ "warning", 2 }, { "warn", 2 }, { "medium", 2 },
	{ "info", 1 }, { "low", 1 },
};

int
severity_rank(const char *severity)
{
	if (severity == NULL)
		return 0;
	for (size_t i = 0; i < sizeof severity_words / sizeof *severity_words; i++) {
		if (strcasecmp(severity, severity_words[i].word) == 0)
			return severity_words[i].rank;
	}
	return 0;
}

int
severity_style(int rank)
{
	static const int styles[] = { CANVAS_NORMAL, CANVAS_INFO, CANVAS_WARNING, CANVAS_CRITICAL };

	return styles[rank < 0 ? 0 : rank > 3 ? 3 : rank];
}

const char *
severity_word(int rank)
{
	static const char *const words[] = { "-", "INFO", "WARN", "CRIT" };

	return words[rank < 0 ? 0 : rank > 3 ? 3 : rank];
}

int
severity_rank_finding(double severity, const char *label)
{
	int r = severity_rank(label);

	if (r != 0 || isnan(severity))
		return r;
	return severity >= 7 ? 3 : severity >= 4 ? 2 : 1;
}
