#include <config.h>

#include <math.h>
#include <string.h>

#include "aws/json.h"
#include "sources/fill.h"
#include "sources/guardduty_map.h"

#define GD_LOGIN "service.action.rdsLoginAttemptAction"

static const struct fill_map guardduty_finding_map[] = {
	{ "id", "id" },
	{ "accountId", "account_id" },
	{ "region", "region" },
	{ "type", "type" },
	{ "severity", "severity" },
	{ "title", "title" },
	{ "description", "description" },
	{ "createdAt", "created_at" },
	{ "updatedAt", "updated_at" },
	{ "service.count", "count" },
	{ "service.archived", "archived" },
	{ "service.action.actionType", "action" },
	{ "resource.rdsDbInstanceDetails.dbInstanceIdentifier", "instance" },
	{ "resource.rdsDbUserDetails.user", "db_user" },
	{ "resource.rdsDbUserDetails.application", "application" },
	{ "resource.rdsDbUserDetails.database", "database" },
	{ "resource.rdsDbUserDetails.authMethod", "auth_method" },
	{ GD_LOGIN ".remoteIpDetails.ipAddressV4", "remote_ip" },
	{ GD_LOGIN ".remoteIpDetails.country.countryName", "remote_country" },
	{ GD_LOGIN ".remoteIpDetails.organization.asnOrg", "remote_org" },
};

/* Used when the preferred members are absent. */
static const struct fill_map guardduty_finding_fallback[] = {
	{ "resource.rdsDbInstanceDetails.dbClusterIdentifier", "instance" },
	{ GD_LOGIN ".remoteIpDetails.ipAddressV6", "remote_ip" },
	{ GD_LOGIN ".remoteIpDetails.organization.org", "remote_org" },
	{ GD_LOGIN ".remoteIpDetails.country.countryCode", "remote_country" },
};

const char *
guardduty_severity_label(double severity)
{
	static const struct {
		double below;
		const char *label;
	} bands[] = { { 4.0, "low" }, { 7.0, "medium" }, { 9.0, "high" }, { 10.0001, "critical" } };

	if (!isfinite(severity) || severity < 0)
		return NULL;
	for (size_t i = 0; i < sizeof bands / sizeof bands[0]; i++) {
		if (severity < bands[i].below)
			return bands[i].label;
	}
	return NULL;
}

/* The first LoginAttributes entry (the model gives this member no wire
 * name, so it arrives PascalCase amid camelCase; its items are camelCase). */
static void
guardduty_login_attributes(const cJSON *finding, struct m_finding *f)
{
	const cJSON *la = fill_json_path(finding, GD_LOGIN ".LoginAttributes");
	const cJSON *first;
	const char *user, *app;

	if (la == NULL)
		la = fill_json_path(finding, GD_LOGIN ".loginAttributes");
	first = cJSON_IsArray(la) ? cJSON_GetArrayItem(la, 0) : NULL;
	if (!cJSON_IsObject(first))
		return;
	user = aws_json_str(first, "user");
	app = aws_json_str(first, "application");
	if (f->db_user == NULL && user != NULL)
		m_str_set(&f->db_user, user);
	if (f->application == NULL && app != NULL)
		m_str_set(&f->application, app);
}

int
guardduty_map_finding(const cJSON *finding, struct m_finding *f)
{
	const char *label;
	struct m_finding fb;

	if (!cJSON_IsObject(finding))
		return -1;
	fill_from_json(guardduty_finding_map, FILL_N(guardduty_finding_map), finding,
	    &m_finding_type, f);
	if (f->id == NULL)
		return -1;
	m_init(&m_finding_type, &fb);
	fill_from_json(guardduty_finding_fallback, FILL_N(guardduty_finding_fallback), finding,
	    &m_finding_type, &fb);
	if (f->instance == NULL && fb.instance != NULL)
		m_str_set(&f->instance, fb.instance);
	if (f->remote_ip == NULL && fb.remote_ip != NULL)
		m_str_set(&f->remote_ip, fb.remote_ip);
	if (f->remote_org == NULL && fb.remote_org != NULL)
		m_str_set(&f->remote_org, fb.remote_org);
	if (f->remote_country == NULL && fb.remote_country != NULL)
		m_str_set(&f->remote_country, fb.remote_country);
	m_free(&m_finding_type, &fb);
	guardduty_login_attributes(finding, f);
	label = guardduty_severity_label(f->severity);
	if (label != NULL)
		m_str_set(&f->severity_label, label);
	return 0;
}

void
guardduty_map_detector(const cJSON *detector, struct m_account *a)
{
	const char *status = aws_json_str(detector, "status");
	const cJSON *features = cJSON_GetObjectItemCaseSensitive(detector, "features");
	const cJSON *feat;

	if (status != NULL)
		m_str_set(&a->guardduty_status, status);
	if (!cJSON_IsArray(features))
		return;
	/* A detector that lists its features but not RDS's lacks it. */
	a->guardduty_rds_protection = 0;
	cJSON_ArrayForEach(feat, features) {
		const char *name = aws_json_str(feat, "name"), *st = aws_json_str(feat, "status");

		if (name != NULL && strcmp(name, "RDS_LOGIN_EVENTS") == 0)
			a->guardduty_rds_protection = st != NULL && strcmp(st, "ENABLED") == 0 &&
			    (status == NULL || strcmp(status, "ENABLED") == 0);
	}
}
