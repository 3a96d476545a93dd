#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "aws/json.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "core/xmalloc.h"
#include "sources/guardduty.h"
#include "sources/guardduty_map.h"

#define GUARDDUTY_PAGE 50

struct guardduty_source {
	struct scope *sc;
	struct aws_client *cl;
	struct guardduty_settings st;
	int64_t since;		/* findings updated at or after (ms) */
};

/* Detector ids are lower-case hex; anything else is not put in a path. */
static int
guardduty_id_ok(const char *id)
{
	return id != NULL && *id != '\0' && strlen(id) <= 64 &&
	    strspn(id, "0123456789abcdefghijklmnopqrstuvwxyz") == strlen(id);
}

static int
guardduty_detectors(struct guardduty_source *g, struct m_list *ids, int64_t deadline,
    struct rw_error *err)
{
	char *token = NULL;

	for (int page = 0; page < 100; page++) {
		struct aws_kvlist q = AWS_KVLIST_INIT;
		cJSON *resp = NULL;
		const cJSON *id;
		const char *next;

		aws_kvlist_addf(&q, "maxResults", "%d", GUARDDUTY_PAGE);
		if (token != NULL)
			aws_kvlist_add(&q, "nextToken", token);
		if (aws_rest_json_call(g->cl, "guardduty", "ListDetectors", "GET", "/detector", &q, NULL,
		    deadline, &resp, err) != 0) {
			aws_kvlist_free(&q);
			free(token);
			return -1;
		}
		aws_kvlist_free(&q);
		cJSON_ArrayForEach(id, cJSON_GetObjectItemCaseSensitive(resp, "detectorIds")) {
			if (cJSON_IsString(id) && guardduty_id_ok(id->valuestring))
				m_list_add(ids, id->valuestring);
		}
		next = aws_json_str(resp, "nextToken");
		free(token);
		token = next != NULL && *next != '\0' ? xstrdup(next) : NULL;
		cJSON_Delete(resp);
		if (token == NULL)
			break;
	}
	free(token);
	return 0;
}

static int
guardduty_detector(struct guardduty_source *g, const char *id, struct m_account *a,
    int64_t deadline, struct rw_error *err)
{
	char *path = xasprintf("/detector/%s", id);
	cJSON *resp = NULL;
	int rc = aws_rest_json_call(g->cl, "guardduty", "GetDetector", "GET", path, NULL, NULL,
	    deadline, &resp, err);

	free(path);
	if (rc != 0)
		return -1;
	m_str_set(&a->guardduty_detector_id, id);
	guardduty_map_detector(resp, a);
	cJSON_Delete(resp);
	return 0;
}

/* GetFindings for IDS[0..N-1] (N <= 50), mapped into B. */
static int
guardduty_get(struct guardduty_source *g, const char *detector, char *const *ids, size_t n,
    const struct m_vec *roster, struct batch *b, int64_t deadline, struct rw_error *err)
{
	char *path = xasprintf("/detector/%s/findings/get", detector);
	cJSON *body = cJSON_CreateObject(), *arr = cJSON_AddArrayToObject(body, "findingIds");
	cJSON *resp = NULL;
	const cJSON *f;
	int rc;

	for (size_t i = 0; i < n; i++)
		cJSON_AddItemToArray(arr, cJSON_CreateString(ids[i]));
	rc = aws_rest_json_call(g->cl, "guardduty", "GetFindings", "POST", path, NULL, body,
	    deadline, &resp, err);
	cJSON_Delete(body);
	free(path);
	if (rc != 0)
		return -1;
	cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(resp, "findings")) {
		struct m_finding rec;

		m_init(&m_finding_type, &rec);
		/* With a filter (--instance, tags), only the watched instances'. */
		if (guardduty_map_finding(f, &rec) == 0 &&
		    (scope_filter_empty(&g->sc->filter) || (rec.instance != NULL &&
		    m_vec_find_key(roster, &(struct m_instance){ .id = rec.instance }) != NULL)))
			m_vec_push_copy(&b->kinds[M_FINDING], &rec);
		m_free(&m_finding_type, &rec);
	}
	cJSON_Delete(resp);
	return 0;
}

static int
guardduty_findings(struct guardduty_source *g, const char *detector, int64_t since,
    const struct m_vec *roster, struct batch *b, int64_t deadline, struct rw_error *err)
{
	char *path = xasprintf("/detector/%s/findings", detector);
	char *token = NULL;
	int rc = 0;

	for (int page = 0; page < 1000 && rc == 0; page++) {
		cJSON *body = cJSON_CreateObject(), *resp = NULL;
		cJSON *crit = cJSON_AddObjectToObject(cJSON_AddObjectToObject(body, "findingCriteria"),
		    "criterion");
		cJSON *type = cJSON_AddObjectToObject(crit, "resource.resourceType");
		cJSON *eq = cJSON_AddArrayToObject(type, "eq");
		struct m_list ids = { NULL, 0 };
		const cJSON *id;
		const char *next;

		cJSON_AddItemToArray(eq, cJSON_CreateString("RDSDBInstance"));
		cJSON_AddNumberToObject(cJSON_AddObjectToObject(crit, "updatedAt"),
		    "greaterThanOrEqual", (double)since);
		cJSON_AddNumberToObject(body, "maxResults", GUARDDUTY_PAGE);
		if (token != NULL)
			cJSON_AddStringToObject(body, "nextToken", token);
		rc = aws_rest_json_call(g->cl, "guardduty", "ListFindings", "POST", path, NULL, body,
		    deadline, &resp, err);
		cJSON_Delete(body);
		if (rc != 0)
			break;
		cJSON_ArrayForEach(id, cJSON_GetObjectItemCaseSensitive(resp, "findingIds")) {
			if (cJSON_IsString(id) && *id->valuestring != '\0')
				m_list_add(&ids, id->valuestring);
		}
		next = aws_json_str(resp, "nextToken");
		free(token);
		token = next != NULL && *next != '\0' ? xstrdup(next) : NULL;
		cJSON_Delete(resp);
		if (ids.n > 0)
			rc = guardduty_get(g, detector, ids.v, ids.n, roster, b, deadline, err);
		m_list_free(&ids);
		if (token == NULL)
			break;
	}
	free(token);
	free(path);
	return rc;
}

static int
guardduty_poll(struct source *s, struct batch *b, int64_t deadline, struct rw_error *err)
{
	struct guardduty_source *g = s->priv;
	struct m_list detectors = { NULL, 0 };
	struct m_account *a;
	struct m_vec roster;
	int64_t asked = time_now_ms(), since;
	char *account;
	int rc;

	if (g->cl == NULL && (g->cl = scope_client(g->sc)) == NULL) {
		err_set(err, ERR_INTERNAL, "guardduty", NULL, "cannot start libcurl");
		return -1;
	}
	scope_roster_get(g->sc, &roster);
	since = g->since != 0 ? g->since : asked - g->st.lookback_ms;
	rc = guardduty_detectors(g, &detectors, deadline, err);
	if (rc == 0) {
		a = batch_add(b, M_ACCOUNT);
		m_str_set(&a->region, g->sc->region);
		m_str_set(&a->profile, g->sc->profile);
		account = scope_account_id(g->sc);
		if (account != NULL)
			m_str_set(&a->account_id, account);
		free(account);
		a->observed_at = b->polled_at;
		if (detectors.n == 0) {
			m_str_set(&a->guardduty_status, "NO_DETECTOR");
			a->guardduty_rds_protection = 0;
		}
		/* One detector per account and region; the first speaks. */
		for (size_t i = 0; rc == 0 && i < detectors.n; i++) {
			struct m_account tmp;

			m_init(&m_account_type, &tmp);
			rc = guardduty_detector(g, detectors.v[i], i == 0 ? a : &tmp, deadline, err);
			m_free(&m_account_type, &tmp);
			if (rc == 0)
				rc = guardduty_findings(g, detectors.v[i], since, &roster, b, deadline, err);
		}
		if (rc == 0)
			batch_mark_complete(b, M_ACCOUNT);
		else
			m_vec_clear(&b->kinds[M_ACCOUNT]);
	}
	if (rc == 0)
		g->since = asked - GUARDDUTY_OVERLAP_MS;
	m_list_free(&detectors);
	m_vec_free(&roster);
	s->calls += aws_client_take_attempts(g->cl);
	return rc;
}

static void
guardduty_destroy(struct source *s)
{
	struct guardduty_source *g = s->priv;

	if (g == NULL)
		return;
	aws_client_free(g->cl);
	scope_unref(g->sc);
	free(g);
	s->priv = NULL;
}

const struct source_ops guardduty_source_ops = {
	"guardduty", guardduty_poll, guardduty_destroy, NULL,
};

struct source *
guardduty_source_new(struct scope *sc, const struct guardduty_settings *st)
{
	struct guardduty_source *g = xcalloc(1, sizeof *g);

	g->sc = scope_ref(sc);
	g->st = *st;
	return scope_source_new(sc, &guardduty_source_ops, st->interval_ms, st->timeout_ms, g);
}
