/* The AWS CLI's shared files, read through core/inifile.h: the config
 * file (AWS_CONFIG_FILE, default ~/.aws/config: [default], [profile NAME],
 * [sso-session NAME], [services NAME]) and the credentials file
 * (AWS_SHARED_CREDENTIALS_FILE, default ~/.aws/credentials: [NAME]).
 * A profile's settings are the two files merged, the credentials file
 * winning, as botocore does. Indented sub-settings ("rds =" followed by
 * "  endpoint_url = ...") are kept as NAME.SUB. Missing, empty and
 * /dev/null files are simply empty. Values hold secrets (keys, tokens):
 * never print them; sanitize names before they reach a message. */
#ifndef RW_AWS_AWSCONFIG_H
#define RW_AWS_AWSCONFIG_H

#include <stddef.h>

#include "core/err.h"

struct aws_cfg_value {
	char *kind;	/* "profile", "sso-session", "services" */
	char *section;	/* the profile, session or services name */
	char *key;	/* "region", or "rds.endpoint_url" for a sub-setting */
	char *value;
	int from_credentials;
	int line;
};

struct aws_cfg {
	char *config_path;	/* sanitized, for messages */
	char *credentials_path;
	struct aws_cfg_value *v;
	size_t n;
};

/* Loads both files (paths NULL: the environment and defaults). A file
 * that exists but cannot be parsed is an error naming file and line; so
 * is a file holding secret keys that group or others can read (as ssh
 * refuses loose keys: "run: chmod 600 FILE"). */
int aws_cfg_load(struct aws_cfg *c, const char *config_path, const char *credentials_path,
    struct rw_error *err);
/* From strings (tests, fuzzing); either may be NULL. */
int aws_cfg_load_strings(struct aws_cfg *c, const char *config_text, const char *credentials_text,
    struct rw_error *err);
void aws_cfg_free(struct aws_cfg *c);

/* A setting of KIND SECTION (the credentials file wins for profiles), or
 * NULL. */
const char *aws_cfg_get(const struct aws_cfg *c, const char *kind, const char *section,
    const char *key);
/* Shorthand for profiles. */
const char *aws_cfg_profile(const struct aws_cfg *c, const char *profile, const char *key);
/* Whether PROFILE appears in either file. */
int aws_cfg_has_profile(const struct aws_cfg *c, const char *profile);

#endif
