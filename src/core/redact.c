#include <config.h>

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "core/redact.h"
#include "core/xmalloc.h"

#define REDACT_MIN_LEN 8

static pthread_mutex_t redact_lock = PTHREAD_MUTEX_INITIALIZER;
static char **redact_secrets;
static size_t redact_count;

void
redact_register(const char *secret)
{
	if (secret == NULL || strlen(secret) < REDACT_MIN_LEN)
		return;
	pthread_mutex_lock(&redact_lock);
	for (size_t i = 0; i < redact_count; i++) {
		if (strcmp(redact_secrets[i], secret) == 0) {
			pthread_mutex_unlock(&redact_lock);
			return;
		}
	}
	redact_secrets = xreallocarray(redact_secrets, redact_count + 1, sizeof *redact_secrets);
	redact_secrets[redact_count++] = xstrdup(secret);
	pthread_mutex_unlock(&redact_lock);
}

void
redact_apply(struct buf *b)
{
	static const char mark[] = "[REDACTED]";

	if (b->len == 0)
		return;
	pthread_mutex_lock(&redact_lock);
	for (size_t i = 0; i < redact_count; i++) {
		const char *s = redact_secrets[i];
		size_t slen = strlen(s);
		char *hit;

		while ((hit = strstr(b->data, s)) != NULL) {
			size_t at = (size_t)(hit - b->data);
			struct buf out = BUF_INIT;

			buf_append(&out, b->data, at);
			buf_append(&out, mark, sizeof mark - 1);
			buf_append_str(&out, b->data + at + slen);
			OPENSSL_cleanse(b->data, b->len);
			buf_free(b);
			*b = out;
		}
	}
	pthread_mutex_unlock(&redact_lock);
}

void
redact_clear(void)
{
	pthread_mutex_lock(&redact_lock);
	for (size_t i = 0; i < redact_count; i++) {
		OPENSSL_cleanse(redact_secrets[i], strlen(redact_secrets[i]));
		free(redact_secrets[i]);
	}
	free(redact_secrets);
	redact_secrets = NULL;
	redact_count = 0;
	pthread_mutex_unlock(&redact_lock);
}
