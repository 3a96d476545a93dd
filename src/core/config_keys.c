/* Every key rdswatch's config file knows. Modules add their keys here,
 * grouped by section; rdswatch.conf(5) documents each one. */
#include <config.h>

#include <stddef.h>

#include "core/config.h"

const struct config_keydef config_keys[] = {
	/* [aws]: where to look, as the AWS CLI's flags would say. */
	{ "aws", "profile", 0, "AWS profile (default: AWS_PROFILE, then \"default\")" },
	{ "aws", "region", 0, "AWS region (default: AWS_REGION, the profile, IMDS)" },
	{ "aws", "endpoint_url", 0, "one endpoint URL for every AWS service (testing)" },

	/* [ui]: the dashboard (rdswatch.conf(5) "[ui]"). */
	{ "ui", "theme", 0, "colour theme: a name in the themes directories, or a path" },
	{ "ui", "color", 0, "false: no colour, attributes only (as NO_COLOR or --no-color)" },
	{ "ui", "ascii", 0, "true: ASCII lines and symbols even in a UTF-8 locale" },
	{ "ui", "refresh", 0, "the refresh interval, e.g. 5s (--refresh)" },
	{ "ui", "bell", 0, "true: ring the bell when a critical alert opens (--bell)" },
	{ "ui", "attention", 0, "how long a new critical alert shows in reverse video (5s)" },
	{ "ui", "mouse", 0, "true: clicks select tabs and rows, the wheel scrolls" },

	/* [instance ID]: how to reach one instance's PostgreSQL. */
	{ "instance", "password", CONFIG_SECRET, "database password (prefer auth = iam or secret:ARN)" },

	{ NULL, NULL, 0, NULL },
};
