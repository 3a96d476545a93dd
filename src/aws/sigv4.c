#include <config.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include "aws/sigv4.h"
#include "aws/uri.h"
#include "core/xmalloc.h"

#define SIGV4_ALGORITHM "AWS4-HMAC-SHA256"

/* Headers the SDKs leave out of signatures: proxies and clients rewrite
 * them. */
static const char *const sigv4_unsigned_headers[] = {
	"authorization", "expect", "user-agent", "x-amzn-trace-id",
};

void
aws_request_init(struct aws_request *r, const char *method, const char *host, const char *path)
{
	memset(r, 0, sizeof *r);
	r->method = xstrdup(method);
	r->host = xstrdup(host);
	r->path = xstrdup(path != NULL ? path : "/");
}

void
aws_request_free(struct aws_request *r)
{
	free(r->method);
	free(r->host);
	free(r->path);
	aws_kvlist_free(&r->query);
	aws_kvlist_free(&r->headers);
	if (r->body.data != NULL)
		OPENSSL_cleanse(r->body.data, r->body.len);
	buf_free(&r->body);
	memset(r, 0, sizeof *r);
}

char *
aws_request_query_string(const struct aws_request *r)
{
	struct buf b = BUF_INIT;

	for (size_t i = 0; i < r->query.n; i++) {
		if (i > 0)
			buf_append_char(&b, '&');
		aws_uri_encode(&b, r->query.v[i].name, strlen(r->query.v[i].name), 0);
		buf_append_char(&b, '=');
		aws_uri_encode(&b, r->query.v[i].value, strlen(r->query.v[i].value), 0);
	}
	return buf_detach(&b);
}

/* SHA-256 fetched once: OpenSSL 3's one-shot SHA256() looks the
 * algorithm up by name on every call, and a request hashes three times. */
static EVP_MD *sigv4_sha256_md;
static pthread_once_t sigv4_sha256_once = PTHREAD_ONCE_INIT;

static void
sigv4_sha256_fetch(void)
{
	sigv4_sha256_md = EVP_MD_fetch(NULL, "SHA256", NULL);
}

static void
sigv4_sha256(const void *data, size_t len, unsigned char md[SHA256_DIGEST_LENGTH])
{
	pthread_once(&sigv4_sha256_once, sigv4_sha256_fetch);
	if (sigv4_sha256_md == NULL || EVP_Digest(data, len, md, NULL, sigv4_sha256_md, NULL) != 1)
		SHA256(data, len, md);
}

void
aws_hex(const unsigned char *in, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 0xf];
	}
	out[2 * n] = '\0';
}

void
aws_sha256_hex(const void *data, size_t len, char out[65])
{
	unsigned char md[SHA256_DIGEST_LENGTH];

	sigv4_sha256(data, len, md);
	aws_hex(md, sizeof md, out);
}

static void
sigv4_hmac(const unsigned char *key, size_t keylen, const char *msg, size_t msglen,
    unsigned char out[32])
{
	unsigned int outlen = 32;

	HMAC(EVP_sha256(), key, (int)keylen, (const unsigned char *)msg, msglen, out, &outlen);
}

char *
aws_sigv4_amz_date(int64_t ms, char *buf, size_t len)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y%m%dT%H%M%SZ", &tm);
	return buf;
}

/* botocore's remove_dot_segments: RFC 3986 5.2.4 plus the removal of
 * empty segments (AWS collapses repeated slashes). */
static char *
sigv4_normalize_path(const char *path)
{
	size_t len = strlen(path), nseg = 0;
	char *copy = xstrdup(path), *save = NULL;
	char **segs = xcalloc(len / 2 + 2, sizeof *segs);
	struct buf out = BUF_INIT;

	for (char *s = strtok_r(copy, "/", &save); s != NULL; s = strtok_r(NULL, "/", &save)) {
		if (strcmp(s, ".") == 0)
			continue;
		if (strcmp(s, "..") == 0) {
			if (nseg > 0)
				nseg--;
			continue;
		}
		segs[nseg++] = s;
	}
	if (len > 0 && path[0] == '/')
		buf_append_char(&out, '/');
	for (size_t i = 0; i < nseg; i++) {
		if (i > 0)
			buf_append_char(&out, '/');
		buf_append_str(&out, segs[i]);
	}
	if (len > 0 && path[len - 1] == '/' && nseg > 0)
		buf_append_char(&out, '/');
	free(segs);
	free(copy);
	return buf_detach(&out);
}

static void
sigv4_canonical_uri(struct buf *b, const char *path, int unnormalized)
{
	char *p;

	if (path == NULL || *path == '\0')
		path = "/";
	p = unnormalized ? xstrdup(path) : sigv4_normalize_path(path);
	if (*p == '\0') {
		free(p);
		p = xstrdup("/");
	}
	aws_uri_encode(b, p, strlen(p), 1);
	free(p);
}

struct sigv4_pair {
	char *k;
	char *v;
};

static int
sigv4_pair_cmp(const void *a, const void *b)
{
	const struct sigv4_pair *x = a, *y = b;
	int c = strcmp(x->k, y->k);

	return c != 0 ? c : strcmp(x->v, y->v);
}

static void
sigv4_canonical_query(struct buf *b, const struct aws_kvlist *q)
{
	struct sigv4_pair *p = xcalloc(q->n + 1, sizeof *p);

	for (size_t i = 0; i < q->n; i++) {
		p[i].k = aws_uri_encode_str(q->v[i].name, 0);
		p[i].v = aws_uri_encode_str(q->v[i].value, 0);
	}
	qsort(p, q->n, sizeof *p, sigv4_pair_cmp);
	for (size_t i = 0; i < q->n; i++) {
		buf_printf(b, "%s%s=%s", i > 0 ? "&" : "", p[i].k, p[i].v);
		OPENSSL_cleanse(p[i].v, strlen(p[i].v));
		free(p[i].k);
		free(p[i].v);
	}
	free(p);
}

struct sigv4_header {
	char *name;		/* lower-case */
	struct buf value;	/* trimmed values joined with ',' */
};

static int
sigv4_header_cmp(const void *a, const void *b)
{
	return strcmp(((const struct sigv4_header *)a)->name, ((const struct sigv4_header *)b)->name);
}

/* Trimall: no leading or trailing whitespace, inner runs become one space
 * (obsolete line folding included, as botocore's str.split() does). */
static void
sigv4_trimall(struct buf *b, const char *v)
{
	int pending = 0, any = 0;

	for (const char *p = v; *p != '\0'; p++) {
		if (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n' || *p == '\v' ||
		    *p == '\f') {
			pending = any;
			continue;
		}
		if (pending)
			buf_append_char(b, ' ');
		pending = 0;
		any = 1;
		buf_append_char(b, *p);
	}
}

static int
sigv4_skip_header(const char *lname)
{
	for (size_t i = 0; i < sizeof sigv4_unsigned_headers / sizeof sigv4_unsigned_headers[0]; i++) {
		if (strcmp(lname, sigv4_unsigned_headers[i]) == 0)
			return 1;
	}
	return 0;
}

/* Canonical headers ("name:value\n" each) and the signed header list. */
static void
sigv4_canonical_headers(const struct aws_request *r, struct buf *canon, struct buf *signed_names)
{
	struct sigv4_header *h = xcalloc(r->headers.n + 2, sizeof *h);
	size_t n = 0;
	int have_host = aws_kvlist_get(&r->headers, "host") != NULL;

	for (size_t i = 0; i <= r->headers.n; i++) {
		const char *name, *value;
		char *lname;
		size_t k;

		if (i == r->headers.n) {
			if (have_host)
				break;
			name = "host";
			value = r->host;
		} else {
			name = r->headers.v[i].name;
			value = r->headers.v[i].value;
		}
		lname = xstrdup(name);
		for (char *p = lname; *p != '\0'; p++)
			*p = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
		if (sigv4_skip_header(lname)) {
			free(lname);
			continue;
		}
		for (k = 0; k < n && strcmp(h[k].name, lname) != 0; k++)
			;
		if (k == n) {
			h[n].name = lname;
			buf_init(&h[n].value);
			n++;
		} else {
			free(lname);
			buf_append_char(&h[k].value, ',');
		}
		sigv4_trimall(&h[k].value, value);
	}
	qsort(h, n, sizeof *h, sigv4_header_cmp);
	for (size_t i = 0; i < n; i++) {
		buf_printf(canon, "%s:%s\n", h[i].name, buf_str(&h[i].value));
		buf_printf(signed_names, "%s%s", i > 0 ? ";" : "", h[i].name);
		if (h[i].value.data != NULL)
			OPENSSL_cleanse(h[i].value.data, h[i].value.len);
		buf_free(&h[i].value);
		free(h[i].name);
	}
	free(h);
}

static void
sigv4_signing_key(const struct aws_creds *c, const char *date, const char *region,
    const char *service, struct aws_sigv4_cache *cache, unsigned char key[32])
{
	char scope[128];
	unsigned char fp[32], k[32];
	struct buf secret = BUF_INIT;

	snprintf(scope, sizeof scope, "%s/%s/%s", date, region, service);
	sigv4_sha256(c->secret_access_key, strlen(c->secret_access_key), fp);
	if (cache != NULL && cache->valid && strcmp(cache->scope, scope) == 0 &&
	    strcmp(cache->akid, c->access_key_id) == 0 && CRYPTO_memcmp(cache->secret_fp, fp, 32) == 0) {
		memcpy(key, cache->key, 32);
		return;
	}
	buf_printf(&secret, "AWS4%s", c->secret_access_key);
	sigv4_hmac((unsigned char *)secret.data, secret.len, date, strlen(date), k);
	OPENSSL_cleanse(secret.data, secret.len);
	buf_free(&secret);
	sigv4_hmac(k, 32, region, strlen(region), k);
	sigv4_hmac(k, 32, service, strlen(service), k);
	sigv4_hmac(k, 32, "aws4_request", 12, k);
	memcpy(key, k, 32);
	OPENSSL_cleanse(k, sizeof k);
	if (cache != NULL && strlen(c->access_key_id) < sizeof cache->akid) {
		snprintf(cache->scope, sizeof cache->scope, "%s", scope);
		snprintf(cache->akid, sizeof cache->akid, "%s", c->access_key_id);
		memcpy(cache->secret_fp, fp, 32);
		memcpy(cache->key, key, 32);
		cache->valid = 1;
	}
}

void
aws_sigv4_cache_wipe(struct aws_sigv4_cache *cache)
{
	OPENSSL_cleanse(cache, sizeof *cache);
}

/* The signature over R as it stands; fills TRACE and returns the hex
 * signature (newly allocated). */
static char *
sigv4_compute(const struct aws_request *r, const struct aws_creds *c,
    const struct aws_sigv4_opts *o, const char *amz_date, const char *payload_hash,
    struct aws_sigv4_cache *cache, struct buf *signed_names, struct aws_sigv4_trace *trace)
{
	struct buf creq = BUF_INIT, sts = BUF_INIT, headers = BUF_INIT;
	char date[9], hash[65], sig[65];
	unsigned char key[32], mac[32];

	snprintf(date, sizeof date, "%.8s", amz_date);
	buf_printf(&creq, "%s\n", r->method);
	sigv4_canonical_uri(&creq, r->path, o->unnormalized_path);
	buf_append_char(&creq, '\n');
	sigv4_canonical_query(&creq, &r->query);
	buf_append_char(&creq, '\n');
	sigv4_canonical_headers(r, &headers, signed_names);
	buf_printf(&creq, "%s\n%s\n%s", buf_str(&headers), buf_str(signed_names), payload_hash);
	OPENSSL_cleanse(headers.data, headers.len);
	buf_free(&headers);

	aws_sha256_hex(creq.data, creq.len, hash);
	buf_printf(&sts, SIGV4_ALGORITHM "\n%s\n%s/%s/%s/aws4_request\n%s", amz_date, date,
	    o->region, o->service, hash);
	sigv4_signing_key(c, date, o->region, o->service, cache, key);
	sigv4_hmac(key, 32, sts.data, sts.len, mac);
	OPENSSL_cleanse(key, sizeof key);
	aws_hex(mac, sizeof mac, sig);
	if (trace != NULL) {
		aws_sigv4_trace_free(trace);
		trace->canonical_request = xstrdup(buf_str(&creq));
		trace->string_to_sign = xstrdup(buf_str(&sts));
		trace->signature = xstrdup(sig);
	}
	OPENSSL_cleanse(creq.data, creq.len);
	buf_free(&creq);
	buf_free(&sts);
	return xstrdup(sig);
}

static int
sigv4_usable(const struct aws_creds *c, const struct aws_sigv4_opts *o)
{
	return c != NULL && c->access_key_id != NULL && c->secret_access_key != NULL &&
	    *c->access_key_id != '\0' && o->region != NULL && o->service != NULL;
}

static const char *
sigv4_token(const struct aws_creds *c)
{
	return c->session_token != NULL && *c->session_token != '\0' ? c->session_token : NULL;
}

/* The payload hash; SET_HEADER: also send it as x-amz-content-sha256
 * (header mode with sign_body; a presigned URL carries no headers). */
static void
sigv4_payload_hash(struct aws_request *r, const struct aws_sigv4_opts *o, int set_header,
    char hash[65])
{
	const char *given = aws_kvlist_get(&r->headers, "x-amz-content-sha256");

	if (given != NULL && !o->sign_body) {
		snprintf(hash, 65, "%s", given);
		return;
	}
	aws_sha256_hex(r->body.data != NULL ? r->body.data : "", r->body.len, hash);
	if (o->sign_body && set_header)
		aws_kvlist_set(&r->headers, "x-amz-content-sha256", hash);
}

int
aws_sigv4_sign(struct aws_request *r, const struct aws_creds *c, const struct aws_sigv4_opts *o,
    struct aws_sigv4_cache *cache, struct aws_sigv4_trace *trace)
{
	char amz_date[20], hash[65], *sig;
	struct buf names = BUF_INIT, auth = BUF_INIT;
	const char *token = sigv4_token(c);

	if (!sigv4_usable(c, o))
		return -1;
	aws_sigv4_amz_date(o->now_ms, amz_date, sizeof amz_date);
	aws_kvlist_remove(&r->headers, "authorization");
	aws_kvlist_remove(&r->headers, "x-amz-security-token");
	aws_kvlist_set(&r->headers, "X-Amz-Date", amz_date);
	if (token != NULL && !o->omit_session_token)
		aws_kvlist_add(&r->headers, "X-Amz-Security-Token", token);
	sigv4_payload_hash(r, o, 1, hash);

	sig = sigv4_compute(r, c, o, amz_date, hash, cache, &names, trace);
	buf_printf(&auth, SIGV4_ALGORITHM " Credential=%s/%.8s/%s/%s/aws4_request, "
	    "SignedHeaders=%s, Signature=%s", c->access_key_id, amz_date, o->region, o->service,
	    buf_str(&names), sig);
	aws_kvlist_add(&r->headers, "Authorization", buf_str(&auth));
	if (token != NULL && o->omit_session_token)
		aws_kvlist_add(&r->headers, "X-Amz-Security-Token", token);
	free(sig);
	buf_free(&names);
	buf_free(&auth);
	return 0;
}

int
aws_sigv4_presign(struct aws_request *r, const struct aws_creds *c,
    const struct aws_sigv4_opts *o, struct aws_sigv4_cache *cache, struct aws_sigv4_trace *trace)
{
	char amz_date[20], hash[65], *sig;
	struct buf names = BUF_INIT, scratch = BUF_INIT;
	const char *token = sigv4_token(c);
	struct aws_sigv4_trace ignore = { NULL, NULL, NULL };

	if (!sigv4_usable(c, o))
		return -1;
	aws_sigv4_amz_date(o->now_ms, amz_date, sizeof amz_date);
	/* The signed header list goes into the query before signing, so
	 * compute it first from a throwaway canonical form. */
	sigv4_canonical_headers(r, &scratch, &names);
	OPENSSL_cleanse(scratch.data, scratch.len);
	buf_free(&scratch);

	aws_kvlist_add(&r->query, "X-Amz-Algorithm", SIGV4_ALGORITHM);
	aws_kvlist_addf(&r->query, "X-Amz-Credential", "%s/%.8s/%s/%s/aws4_request",
	    c->access_key_id, amz_date, o->region, o->service);
	aws_kvlist_add(&r->query, "X-Amz-Date", amz_date);
	aws_kvlist_add(&r->query, "X-Amz-SignedHeaders", buf_str(&names));
	aws_kvlist_addf(&r->query, "X-Amz-Expires", "%lld", (long long)o->expires_s);
	if (token != NULL && !o->omit_session_token)
		aws_kvlist_add(&r->query, "X-Amz-Security-Token", token);
	buf_reset(&names);
	sigv4_payload_hash(r, o, 0, hash);

	sig = sigv4_compute(r, c, o, amz_date, hash, cache, &names, trace != NULL ? trace : &ignore);
	aws_sigv4_trace_free(&ignore);
	if (token != NULL && o->omit_session_token)
		aws_kvlist_add(&r->query, "X-Amz-Security-Token", token);
	aws_kvlist_add(&r->query, "X-Amz-Signature", sig);
	free(sig);
	buf_free(&names);
	return 0;
}

void
aws_sigv4_trace_free(struct aws_sigv4_trace *t)
{
	if (t->canonical_request != NULL)
		OPENSSL_cleanse(t->canonical_request, strlen(t->canonical_request));
	free(t->canonical_request);
	free(t->string_to_sign);
	free(t->signature);
	t->canonical_request = t->string_to_sign = t->signature = NULL;
}
