#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "core/timeutil.h"
#include "core/xmalloc.h"
#include "sources/logline.h"

/* ---------------------------------------------------------------------
 * log_line_prefix: a list of tokens matched with bounded backtracking,
 * since free-text fields (user, database, application) may hold any
 * byte, the prefix's own separators included. */

enum logline_tok {
	TOK_LIT,
	TOK_TIME,	/* %t %s: 2026-11-22 14:05:00 UTC */
	TOK_TIME_MS,	/* %m: 2026-11-22 14:05:00.123 UTC */
	TOK_EPOCH,	/* %n: 1763820300.123 */
	TOK_PID,	/* %p */
	TOK_REMOTE,	/* %r: host(port), [local] or empty */
	TOK_HOST,	/* %h */
	TOK_USER,	/* %u */
	TOK_DB,		/* %d */
	TOK_FREE,	/* anything else: %a %c %l %v %x %e %i %b %q's output */
	TOK_Q,		/* %q: non-session processes stop here */
};

struct logline_token {
	enum logline_tok kind;
	char *lit;
	size_t lit_len;
};

struct logline_format {
	struct logline_token *t;
	size_t n;
};

/* Steps one parse may take before giving up (hostile lines could
 * otherwise make backtracking exponential). */
#define LOGLINE_MAX_STEPS 4096

void
logline_format_free(struct logline_format *f)
{
	if (f == NULL)
		return;
	for (size_t i = 0; i < f->n; i++)
		free(f->t[i].lit);
	free(f->t);
	free(f);
}

static void
logline_format_push(struct logline_format *f, enum logline_tok kind, const char *lit, size_t len)
{
	struct logline_token *t;

	/* Adjacent literals merge ("%%" next to text). */
	if (kind == TOK_LIT && f->n > 0 && f->t[f->n - 1].kind == TOK_LIT) {
		t = &f->t[f->n - 1];
		t->lit = xrealloc(t->lit, t->lit_len + len + 1);
		memcpy(t->lit + t->lit_len, lit, len);
		t->lit_len += len;
		t->lit[t->lit_len] = '\0';
		return;
	}
	f->t = xreallocarray(f->t, f->n + 1, sizeof *f->t);
	t = &f->t[f->n++];
	t->kind = kind;
	t->lit = kind == TOK_LIT ? xstrndup(lit, len) : NULL;
	t->lit_len = kind == TOK_LIT ? len : 0;
}

static const struct {
	char esc;
	enum logline_tok kind;
} logline_escapes[] = {
	{ 't', TOK_TIME }, { 's', TOK_TIME }, { 'm', TOK_TIME_MS }, { 'n', TOK_EPOCH },
	{ 'p', TOK_PID }, { 'r', TOK_REMOTE }, { 'h', TOK_HOST }, { 'u', TOK_USER },
	{ 'd', TOK_DB }, { 'a', TOK_FREE }, { 'c', TOK_FREE }, { 'l', TOK_FREE },
	{ 'v', TOK_FREE }, { 'x', TOK_FREE }, { 'e', TOK_FREE }, { 'i', TOK_FREE },
	{ 'b', TOK_FREE }, { 'P', TOK_FREE }, { 'Q', TOK_FREE }, { 'q', TOK_Q },
};

struct logline_format *
logline_format_new(const char *prefix, char **why)
{
	struct logline_format *f = xcalloc(1, sizeof *f);

	if (prefix == NULL)
		prefix = LOGLINE_RDS_PREFIX;
	for (const char *p = prefix; *p != '\0'; p++) {
		size_t k;

		if (*p != '%') {
			logline_format_push(f, TOK_LIT, p, 1);
			continue;
		}
		p++;
		/* Padding ("%-10u") makes widths variable: skip the digits. */
		p += strspn(p, "-0123456789");
		if (*p == '%') {
			logline_format_push(f, TOK_LIT, "%", 1);
			continue;
		}
		for (k = 0; k < sizeof logline_escapes / sizeof logline_escapes[0]; k++) {
			if (logline_escapes[k].esc == *p)
				break;
		}
		if (k == sizeof logline_escapes / sizeof logline_escapes[0]) {
			*why = xasprintf("log_line_prefix: unknown escape %%%c", *p ? *p : ' ');
			logline_format_free(f);
			return NULL;
		}
		logline_format_push(f, logline_escapes[k].kind, NULL, 0);
		if (*p == '\0')
			break;
	}
	return f;
}

static int
logline_isdigit(char c)
{
	return c >= '0' && c <= '9';
}

static size_t
logline_digits(const char *s, size_t len)
{
	size_t n = 0;

	while (n < len && logline_isdigit(s[n]))
		n++;
	return n;
}

static int
logline_num(const char *s, size_t n)
{
	int v = 0;

	for (size_t i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

/* "YYYY-MM-DD HH:MM:SS[.mmm] ZONE" at S: returns its length (0 if it is
 * not one) and the time, 0 when the zone is a name other than UTC/GMT
 * (abbreviations are ambiguous: the caller's hint dates the line). */
static size_t
logline_time(const char *s, size_t len, int ms, int64_t *out)
{
	static const char shape[] = "dddd-dd-dd dd:dd:dd";
	size_t n = sizeof shape - 1, z;
	int64_t t, frac = 0, off = 0;
	int known = 1;

	if (len < n + 2)
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (shape[i] == 'd' ? !logline_isdigit(s[i]) : s[i] != shape[i])
			return 0;
	}
	t = time_from_utc_fields(logline_num(s, 4), logline_num(s + 5, 2), logline_num(s + 8, 2),
	    logline_num(s + 11, 2), logline_num(s + 14, 2), logline_num(s + 17, 2));
	if (ms) {
		if (n + 4 > len || s[n] != '.' || logline_digits(s + n + 1, 3) != 3)
			return 0;
		frac = logline_num(s + n + 1, 3);
		n += 4;
	}
	if (n >= len || s[n] != ' ')
		return 0;
	z = ++n;
	while (n < len && ((s[n] >= 'A' && s[n] <= 'Z') || (s[n] >= 'a' && s[n] <= 'z') ||
	    logline_isdigit(s[n]) || s[n] == '+' || s[n] == '-'))
		n++;
	if (n == z)
		return 0;
	if ((s[z] == '+' || s[z] == '-') && (n - z == 3 || n - z == 5) &&
	    logline_digits(s + z + 1, n - z - 1) == n - z - 1) {
		off = logline_num(s + z + 1, 2) * TIME_HOUR;
		if (n - z == 5)
			off += logline_num(s + z + 3, 2) * TIME_MIN;
		if (s[z] == '-')
			off = -off;
	} else if (!((n - z == 3 && (!memcmp(s + z, "UTC", 3) || !memcmp(s + z, "GMT", 3))) ||
	    (n - z == 1 && s[z] == 'Z'))) {
		known = 0;
	}
	*out = known ? t + frac - off : 0;
	return n;
}

struct logline_match {
	const struct logline_format *f;
	const char *line;
	size_t len;
	const char *want_user;	/* a %u candidate must equal this, when set */
	size_t want_user_len;
	int steps;
	struct logline *out;
};

/* Whether S starts with "SEVERITY:  " (what follows every prefix). */
static size_t
logline_severity(const char *s, size_t len)
{
	size_t n = 0;

	while (n < len && n < 12 && ((s[n] >= 'A' && s[n] <= 'Z') || logline_isdigit(s[n])))
		n++;
	if (n < 2 || n + 3 > len || memcmp(s + n, ":  ", 3) != 0)
		return 0;
	return n;
}

static int logline_match_from(struct logline_match *m, size_t tok, size_t pos);

/* Assigns a free-text field [POS, END) and goes on. */
static int
logline_match_field(struct logline_match *m, size_t tok, size_t pos, size_t end)
{
	struct logline *o = m->out;
	const char *s = m->line + pos;
	size_t n = end - pos;

	switch (m->f->t[tok].kind) {
	case TOK_REMOTE:
		/* "host(port)", "[local]" or nothing (background processes). */
		o->host = s, o->host_len = n, o->port = -1;
		if (n > 0 && s[n - 1] == ')') {
			const char *lp = memrchr(s, '(', n);

			if (lp == NULL || lp == s || s + n - lp - 2 < 1 || s + n - lp - 2 > 5 ||
			    logline_digits(lp + 1, (size_t)(s + n - lp - 2)) != (size_t)(s + n - lp - 2))
				return 0;
			o->host_len = (size_t)(lp - s);
			o->port = logline_num(lp + 1, (size_t)(s + n - lp - 2));
		} else if (n > 0 && !(n == 7 && memcmp(s, "[local]", 7) == 0)) {
			return 0;
		}
		break;
	case TOK_HOST:
		o->host = s, o->host_len = n;
		break;
	case TOK_USER:
		if (m->want_user != NULL &&
		    (n != m->want_user_len || memcmp(s, m->want_user, n) != 0))
			return 0;
		o->user = s, o->user_len = n;
		break;
	case TOK_DB:
		o->db = s, o->db_len = n;
		break;
	default:
		break;
	}
	return logline_match_from(m, tok + 1, end);
}

static int
logline_match_from(struct logline_match *m, size_t tok, size_t pos)
{
	const struct logline_format *f = m->f;
	const char *s = m->line + pos;
	size_t left = m->len - pos, n;
	int64_t t;

	if (++m->steps > LOGLINE_MAX_STEPS)
		return 0;
	if (tok == f->n) {
		/* A config file cannot keep a prefix's trailing space
		 * ("%m [%p] "): spaces before the severity are the prefix's. */
		while (left > 0 && *s == ' ')
			s++, left--;
		n = logline_severity(s, left);
		if (n == 0)
			return 0;
		m->out->severity = s, m->out->severity_len = n;
		m->out->msg = s + n + 3, m->out->msg_len = left - n - 3;
		return 1;
	}
	switch (f->t[tok].kind) {
	case TOK_LIT:
		if (left < f->t[tok].lit_len || memcmp(s, f->t[tok].lit, f->t[tok].lit_len) != 0)
			return 0;
		return logline_match_from(m, tok + 1, pos + f->t[tok].lit_len);
	case TOK_TIME:
	case TOK_TIME_MS:
		n = logline_time(s, left, f->t[tok].kind == TOK_TIME_MS, &t);
		if (n == 0)
			return 0;
		m->out->time = t;
		return logline_match_from(m, tok + 1, pos + n);
	case TOK_EPOCH:
		n = logline_digits(s, left);
		if (n == 0 || n > 12 || n + 4 > left || s[n] != '.' || logline_digits(s + n + 1, 3) != 3)
			return 0;
		/* (the line is not NUL-terminated: no strtoll) */
		t = 0;
		for (size_t i = 0; i < n; i++)
			t = t * 10 + (s[i] - '0');
		m->out->time = t * 1000 + logline_num(s + n + 1, 3);
		return logline_match_from(m, tok + 1, pos + n + 4);
	case TOK_PID:
		n = logline_digits(s, left);
		if (n == 0 || n > 9)
			return 0;
		m->out->pid = logline_num(s, n);
		return logline_match_from(m, tok + 1, pos + n);
	case TOK_Q:
		/* Session processes print what follows; others stop here. */
		if (logline_match_from(m, tok + 1, pos))
			return 1;
		return logline_match_from(m, f->n, pos);
	default:
		break;
	}
	/* A free-text field ends where the rest of the prefix matches:
	 * try each candidate end, shortest first. */
	if (tok + 1 < f->n && f->t[tok + 1].kind == TOK_LIT) {
		const struct logline_token *lit = &f->t[tok + 1];

		for (size_t end = pos; end + lit->lit_len <= m->len; end++) {
			const char *hit = memchr(m->line + end, lit->lit[0], m->len - end);

			if (hit == NULL)
				break;
			end = (size_t)(hit - m->line);
			if (end + lit->lit_len <= m->len &&
			    memcmp(hit, lit->lit, lit->lit_len) == 0 && logline_match_field(m, tok, pos, end))
				return 1;
			if (m->steps > LOGLINE_MAX_STEPS)
				return 0;
		}
		return 0;
	}
	for (size_t end = pos; end <= m->len; end++) {
		if (logline_match_field(m, tok, pos, end))
			return 1;
		if (m->steps > LOGLINE_MAX_STEPS)
			return 0;
	}
	return 0;
}

static int
logline_parse_as(const struct logline_format *f, const char *line, size_t len,
    const char *want_user, size_t want_user_len, struct logline *out)
{
	struct logline_match m = { f, line, len, want_user, want_user_len, 0, out };

	memset(out, 0, sizeof *out);
	out->pid = -1;
	out->port = -1;
	if (len > 0 && line[len - 1] == '\r')
		m.len--;
	if (logline_match_from(&m, 0, 0))
		return 0;
	memset(out, 0, sizeof *out);
	out->pid = -1;
	out->port = -1;
	return -1;
}

int
logline_parse(const struct logline_format *f, const char *line, size_t len, struct logline *out)
{
	return logline_parse_as(f, line, len, NULL, 0, out);
}

/* ---------------------------------------------------------------------
 * Messages. */

#define LOGLINE_PENDING_MAX 64
#define LOGLINE_ORIGINS_MAX 64

struct logline_pending {
	int used;
	int pid;
	int aged;		/* survived one flush */
	struct m_failed_login rec;
};

/* "connection received: host=H port=P" of recent pids, for prefixes that
 * do not carry the client address. */
struct logline_origin {
	int pid;
	char host[64];
	int port;
};

struct logline_parser {
	struct logline_format *f;
	char *instance;
	char *source;
	struct logline_pending pending[LOGLINE_PENDING_MAX];
	struct logline_origin origins[LOGLINE_ORIGINS_MAX];
	size_t next_origin;
};

struct logline_parser *
logline_parser_new(struct logline_format *f, const char *instance, const char *source)
{
	struct logline_parser *p = xcalloc(1, sizeof *p);

	p->f = f;
	p->instance = xstrdup(instance != NULL ? instance : "");
	p->source = xstrdup(source != NULL ? source : "");
	for (size_t i = 0; i < LOGLINE_ORIGINS_MAX; i++)
		p->origins[i].pid = -1;
	return p;
}

void
logline_parser_free(struct logline_parser *p)
{
	if (p == NULL)
		return;
	for (size_t i = 0; i < LOGLINE_PENDING_MAX; i++) {
		if (p->pending[i].used)
			m_free(&m_failed_login_type, &p->pending[i].rec);
	}
	logline_format_free(p->f);
	free(p->instance);
	free(p->source);
	free(p);
}

static int
logline_starts(const char *s, size_t len, const char *word)
{
	size_t n = strlen(word);

	return len >= n && memcmp(s, word, n) == 0;
}

static int
logline_ends(const char *s, size_t len, const char *word)
{
	size_t n = strlen(word);

	return len >= n && memcmp(s + len - n, word, n) == 0;
}

/* The text between OPEN and the first following CLOSE in [*s, *s+*len):
 * returns 1 and narrows, or 0. */
static int
logline_between(const char *s, size_t len, const char *open, const char *close,
    const char **v, size_t *vlen)
{
	const char *a = memmem(s, len, open, strlen(open)), *b;

	if (a == NULL)
		return 0;
	a += strlen(open);
	b = memmem(a, (size_t)(s + len - a), close, strlen(close));
	if (b == NULL)
		return 0;
	*v = a;
	*vlen = (size_t)(b - a);
	return 1;
}

/* What a FATAL line says, when it is a failed login. */
struct logline_failure {
	const char *reason;
	int await_detail;
	const char *user, *host, *db;
	size_t user_len, host_len, db_len;
};

/* The encryption words of "no pg_hba.conf entry" messages: PostgreSQL 14
 * and later say "no encryption", "SSL encryption" or "GSS encryption";
 * older ones "SSL off" or "SSL on". */
static const struct {
	const char *suffix;
	int encrypted;
} logline_encryption[] = {
	{ ", no encryption", 0 },
	{ ", SSL off", 0 },
	{ ", SSL encryption", 1 },
	{ ", GSS encryption", 1 },
	{ ", SSL on", 1 },
};

/* 'for host "H", user "U", database "D", <encryption>' (user and
 * database may hold quotes: the encryption suffix is found first). */
static int
logline_hba(const char *msg, size_t len, struct logline_failure *fl, int *encrypted)
{
	const char *h = memmem(msg, len, "host \"", 6), *end = NULL, *u;
	size_t k;

	if (h == NULL)
		return 0;
	for (k = 0; k < sizeof logline_encryption / sizeof logline_encryption[0]; k++) {
		if (logline_ends(msg, len, logline_encryption[k].suffix)) {
			end = msg + len - strlen(logline_encryption[k].suffix);
			*encrypted = logline_encryption[k].encrypted;
			break;
		}
	}
	if (end == NULL || end < h + 6)
		return 0;
	h += 6;
	u = memmem(h, (size_t)(end - h), "\", user \"", 9);
	if (u == NULL)
		return 0;
	fl->host = h, fl->host_len = (size_t)(u - h);
	u += 9;
	/* user "U", database "D"  or, for replication, just user "U" */
	{
		const char *d = memmem(u, (size_t)(end - u), "\", database \"", 13);

		if (d != NULL && end[-1] == '"' && d + 13 <= end - 1) {
			fl->user = u, fl->user_len = (size_t)(d - u);
			fl->db = d + 13, fl->db_len = (size_t)(end - 1 - (d + 13));
		} else if (end[-1] == '"' && end - 1 >= u) {
			fl->user = u, fl->user_len = (size_t)(end - 1 - u);
		} else {
			return 0;
		}
	}
	return 1;
}

/* Classifies a FATAL message; returns 1 for a failed login. */
static int
logline_classify(const char *msg, size_t len, struct logline_failure *fl)
{
	static const char auth_failed[] = " authentication failed for user \"";
	const char *a;
	int encrypted = 0;

	memset(fl, 0, sizeof *fl);
	if (logline_starts(msg, len, "no pg_hba.conf entry for ") ||
	    logline_starts(msg, len, "pg_hba.conf rejects connection for ")) {
		if (!logline_hba(msg, len, fl, &encrypted))
			return 0;
		if (msg[0] == 'p')
			fl->reason = M_REASON_HBA_REJECT;
		else
			fl->reason = encrypted ? M_REASON_NO_HBA_ENTRY_TLS : M_REASON_NO_HBA_ENTRY;
		return 1;
	}
	if (len >= 22 && logline_starts(msg, len, "role \"") &&
	    logline_ends(msg, len, "\" does not exist")) {
		fl->reason = M_REASON_UNKNOWN_ROLE;
		fl->user = msg + 6, fl->user_len = len - 6 - 16;
		return 1;
	}
	a = memmem(msg, len, auth_failed, sizeof auth_failed - 1);
	if (a == NULL || msg[len - 1] != '"' || memchr(msg, ' ', (size_t)(a - msg)) != NULL)
		return 0;
	fl->user = a + sizeof auth_failed - 1;
	if (fl->user > msg + len - 1)
		return 0;	/* the closing quote was the opening one */
	fl->user_len = (size_t)(msg + len - 1 - fl->user);
	if ((size_t)(a - msg) == 8 && memcmp(msg, "password", 8) == 0) {
		fl->reason = M_REASON_WRONG_PASSWORD;
		fl->await_detail = 1;
	} else {
		fl->reason = M_REASON_AUTH_FAILED;	/* PAM (IAM on RDS), ident, cert, ... */
	}
	return 1;
}

/* What a DETAIL after "password authentication failed" says. */
static const struct {
	const char *start, *end;
	const char *reason;
} logline_details[] = {
	{ "Role \"", "\" does not exist.", M_REASON_UNKNOWN_ROLE },
	{ "User \"", "\" has an expired password.", M_REASON_EXPIRED_PASSWORD },
	{ "User \"", "\" has no password assigned.", M_REASON_NO_PASSWORD },
	{ "Password does not match for user \"", "\".", M_REASON_WRONG_PASSWORD },
};

static void
logline_apply_detail(struct m_failed_login *rec, const char *msg, size_t len)
{
	const char *nl = memchr(msg, '\n', len);
	size_t first = nl != NULL ? (size_t)(nl - msg) : len;

	for (size_t k = 0; k < sizeof logline_details / sizeof logline_details[0]; k++) {
		if (logline_starts(msg, first, logline_details[k].start) &&
		    logline_ends(msg, first, logline_details[k].end)) {
			m_str_set(&rec->reason, logline_details[k].reason);
			break;
		}
	}
	m_str_setn(&rec->detail, msg, first);
}

static struct logline_pending *
logline_pending_find(struct logline_parser *p, int pid)
{
	for (size_t i = 0; i < LOGLINE_PENDING_MAX; i++) {
		if (p->pending[i].used && p->pending[i].pid == pid)
			return &p->pending[i];
	}
	return NULL;
}

static void
logline_emit(struct logline_pending *pe, struct m_vec *out)
{
	struct m_failed_login *rec = m_vec_push(out);

	*rec = pe->rec;	/* moves the strings */
	pe->used = 0;
	m_init(&m_failed_login_type, &pe->rec);
}

static struct logline_pending *
logline_pending_add(struct logline_parser *p, int pid, struct m_vec *out, size_t *emitted)
{
	struct logline_pending *slot = NULL;

	for (size_t i = 0; i < LOGLINE_PENDING_MAX && slot == NULL; i++) {
		if (!p->pending[i].used)
			slot = &p->pending[i];
	}
	if (slot == NULL) {
		/* Full (a stream of FATALs without DETAILs): make room. */
		slot = &p->pending[0];
		for (size_t i = 1; i < LOGLINE_PENDING_MAX; i++) {
			if (p->pending[i].rec.time < slot->rec.time)
				slot = &p->pending[i];
		}
		logline_emit(slot, out);
		(*emitted)++;
	}
	slot->used = 1;
	slot->pid = pid;
	slot->aged = 0;
	m_init(&m_failed_login_type, &slot->rec);
	return slot;
}

static void
logline_origin_note(struct logline_parser *p, const struct logline *l)
{
	const char *h, *pt;
	size_t hl, pl;
	struct logline_origin *o;

	if (l->pid < 0 || !logline_starts(l->msg, l->msg_len, "connection received: ") ||
	    !logline_between(l->msg, l->msg_len, "host=", " ", &h, &hl) || hl >= sizeof o->host)
		return;
	o = &p->origins[p->next_origin++ % LOGLINE_ORIGINS_MAX];
	o->pid = l->pid;
	memcpy(o->host, h, hl);
	o->host[hl] = '\0';
	o->port = -1;
	pt = memmem(l->msg, l->msg_len, " port=", 6);
	if (pt != NULL) {
		pt += 6;
		pl = logline_digits(pt, (size_t)(l->msg + l->msg_len - pt));
		if (pl > 0 && pl <= 5)
			o->port = logline_num(pt, pl);
	}
}

static const struct logline_origin *
logline_origin_find(const struct logline_parser *p, int pid)
{
	for (size_t i = 0; i < LOGLINE_ORIGINS_MAX; i++) {
		if (p->origins[i].pid == pid && pid >= 0)
			return &p->origins[i];
	}
	return NULL;
}

static void
logline_fill(struct logline_parser *p, struct m_failed_login *rec, const struct logline *l,
    const struct logline_failure *fl, int64_t time_hint)
{
	const struct logline_origin *o;

	m_str_set(&rec->instance, p->instance);
	m_str_set(&rec->source, p->source);
	rec->time = l->time != 0 ? l->time : time_hint;
	rec->pid = l->pid >= 0 ? l->pid : M_INT_NONE;
	m_str_set(&rec->reason, fl->reason);
	m_str_setn(&rec->user, fl->user, fl->user_len);
	if (fl->db != NULL)
		m_str_setn(&rec->database, fl->db, fl->db_len);
	else if (l->db_len > 0)
		m_str_setn(&rec->database, l->db, l->db_len);
	if (l->host_len > 0 && !(l->host_len == 7 && memcmp(l->host, "[local]", 7) == 0)) {
		m_str_setn(&rec->client_addr, l->host, l->host_len);
		rec->client_port = l->port >= 0 ? l->port : M_INT_NONE;
	} else if ((o = logline_origin_find(p, l->pid)) != NULL) {
		m_str_set(&rec->client_addr, o->host);
		rec->client_port = o->port >= 0 ? o->port : M_INT_NONE;
	} else if (fl->host != NULL) {
		m_str_setn(&rec->client_addr, fl->host, fl->host_len);
	} else if (l->host_len > 0) {
		m_str_set(&rec->client_addr, "[local]");
	}
}

size_t
logline_parser_feed(struct logline_parser *p, const char *line, size_t len, int64_t time_hint,
    struct m_vec *out)
{
	struct logline l, again;
	struct logline_failure fl, fl2;
	struct logline_pending *pe;
	size_t emitted = 0;

	if (logline_parse(p->f, line, len, &l) != 0)
		return 0;	/* a continuation line or another format */
	pe = logline_pending_find(p, l.pid);
	if (pe != NULL && l.severity_len == 6 && memcmp(l.severity, "DETAIL", 6) == 0) {
		logline_apply_detail(&pe->rec, l.msg, l.msg_len);
		logline_emit(pe, out);
		return 1;
	}
	if (pe != NULL) {
		/* The backend moved on without a DETAIL. */
		logline_emit(pe, out);
		emitted++;
	}
	if (l.severity_len == 3 && memcmp(l.severity, "LOG", 3) == 0) {
		logline_origin_note(p, &l);
		return emitted;
	}
	if (l.severity_len != 5 || memcmp(l.severity, "FATAL", 5) != 0 ||
	    !logline_classify(l.msg, l.msg_len, &fl))
		return emitted;
	/* A user name holding the prefix's separators may have been split
	 * wrongly: the message names the user, so match again with it. */
	if (l.user_len > 0 && (l.user_len != fl.user_len || memcmp(l.user, fl.user, fl.user_len)) &&
	    logline_parse_as(p->f, line, len, fl.user, fl.user_len, &again) == 0 &&
	    again.severity_len == 5 && memcmp(again.severity, "FATAL", 5) == 0 &&
	    logline_classify(again.msg, again.msg_len, &fl2)) {
		l = again;
		fl = fl2;
	}
	pe = logline_pending_add(p, l.pid, out, &emitted);
	logline_fill(p, &pe->rec, &l, &fl, time_hint);
	if (!fl.await_detail) {
		logline_emit(pe, out);
		emitted++;
	}
	return emitted;
}

size_t
logline_parser_flush(struct logline_parser *p, int all, struct m_vec *out)
{
	size_t emitted = 0;

	for (size_t i = 0; i < LOGLINE_PENDING_MAX; i++) {
		struct logline_pending *pe = &p->pending[i];

		if (!pe->used)
			continue;
		if (all || pe->aged) {
			logline_emit(pe, out);
			emitted++;
		} else {
			pe->aged = 1;
		}
	}
	return emitted;
}
