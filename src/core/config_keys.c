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

	/* [instance ID]: how to reach one instance's PostgreSQL. */
	{ "instance", "password", CONFIG_SECRET, "database password (prefer auth = iam or secret:ARN)" },

	/* [history]: the SQLite history (src/store). */
	{ "history", "file", 0, "history file (default $XDG_STATE_HOME/rdswatch/history.db)" },
	{ "history", "retention", 0, "how long history is kept (default 30d)" },
	{ "history", "raw_retention", 0,
	  "how long metric samples and per-poll numbers keep full resolution before 5-minute "
	  "aggregates (default 48h)" },

	{ NULL, NULL, 0, NULL },
};
