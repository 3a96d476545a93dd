#include <config.h>

#include <stdarg.h>
#include <stdlib.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/redact.h"
#include "core/sanitize.h"
#include "core/xmalloc.h"

void
err_clear(struct rw_error *e)
{
	free(e->service);
	free(e->operation);
	free(e->code);
	free(e->message);
	free(e->request_id);
	*e = (struct rw_error)RW_ERROR_INIT;
}

void
err_set(struct rw_error *e, enum err_kind kind, const char *service, const char *operation,
    const char *fmt, ...)
{
	struct buf msg = BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	buf_vprintf(&msg, fmt, ap);
	va_end(ap);
	err_clear(e);
	e->kind = kind;
	e->service = sanitize_str(service);
	e->operation = sanitize_str(operation);
	e->message = sanitize_mem(buf_str(&msg), msg.len);
	buf_free(&msg);
}

void
err_set_code(struct rw_error *e, const char *code)
{
	free(e->code);
	e->code = sanitize_str(code);
}

void
err_set_request_id(struct rw_error *e, const char *request_id)
{
	free(e->request_id);
	e->request_id = sanitize_str(request_id);
}

void
err_copy(struct rw_error *dst, const struct rw_error *src)
{
	if (dst == src)
		return;
	err_clear(dst);
	dst->kind = src->kind;
	dst->service = src->service ? xstrdup(src->service) : NULL;
	dst->operation = src->operation ? xstrdup(src->operation) : NULL;
	dst->code = src->code ? xstrdup(src->code) : NULL;
	dst->message = src->message ? xstrdup(src->message) : NULL;
	dst->request_id = src->request_id ? xstrdup(src->request_id) : NULL;
	dst->http_status = src->http_status;
}

int
err_is_set(const struct rw_error *e)
{
	return e->kind != ERR_NONE;
}

const char *
err_kind_name(enum err_kind kind)
{
	static const char *const names[] = {
		[ERR_NONE] = "none", [ERR_SERVICE] = "service", [ERR_NETWORK] = "network",
		[ERR_TIMEOUT] = "timeout", [ERR_PARSE] = "parse", [ERR_AUTH] = "auth",
		[ERR_CONFIG] = "config", [ERR_DENIED] = "denied", [ERR_INTERNAL] = "internal",
	};

	return (unsigned)kind < sizeof names / sizeof names[0] ? names[kind] : "?";
}

char *
err_format(const struct rw_error *e)
{
	struct buf b = BUF_INIT;

	if (e->service != NULL)
		buf_printf(&b, "%s ", e->service);
	if (e->operation != NULL)
		buf_printf(&b, "%s", e->operation);
	if (b.len > 0)
		buf_append_str(&b, ": ");
	if (e->code != NULL)
		buf_append_str(&b, e->code);
	if (e->http_status != 0)
		buf_printf(&b, "%s(HTTP %d)", e->code != NULL ? " " : "", e->http_status);
	if (e->code != NULL || e->http_status != 0)
		buf_append_str(&b, ": ");
	buf_append_str(&b, e->message != NULL ? e->message : err_kind_name(e->kind));
	if (e->request_id != NULL)
		buf_printf(&b, " [request %s]", e->request_id);
	redact_apply(&b);
	return buf_detach(&b);
}
