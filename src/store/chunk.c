#include <config.h>

#include <math.h>
#include <string.h>

#include "store/chunk.h"

void
store_chunk_init(struct store_chunk *c)
{
	for (int i = 0; i < STORE_CHUNK_BUCKETS; i++) {
		c->b[i].avg = c->b[i].min = c->b[i].max = NAN;
		c->b[i].n = 0;
	}
}

void
store_chunk_add(struct store_chunk *c, int i, unsigned n, double sum, double min, double max)
{
	struct store_bucket *b = &c->b[i];

	if (n == 0)
		return;
	if (b->n == 0) {
		b->avg = sum / n;
		b->min = min;
		b->max = max;
	} else {
		b->avg = (b->avg * b->n + sum) / (b->n + n);
		/* (no libm: fmin/fmax would need it) */
		b->min = min < b->min ? min : b->min;
		b->max = max > b->max ? max : b->max;
	}
	b->n = b->n + n > 65535 ? 65535 : b->n + n;
}

void
store_chunk_merge(struct store_chunk *dst, const struct store_chunk *src)
{
	for (int i = 0; i < STORE_CHUNK_BUCKETS; i++) {
		const struct store_bucket *s = &src->b[i];

		store_chunk_add(dst, i, s->n, s->avg * s->n, s->min, s->max);
	}
}

static void
store_chunk_put_float(unsigned char *p, double v)
{
	float f = (float)v;
	uint32_t u;

	memcpy(&u, &f, sizeof u);
	for (int k = 0; k < 4; k++)
		p[k] = (unsigned char)(u >> (8 * k));
}

static double
store_chunk_get_float(const unsigned char *p)
{
	uint32_t u = 0;
	float f;

	for (int k = 0; k < 4; k++)
		u |= (uint32_t)p[k] << (8 * k);
	memcpy(&f, &u, sizeof f);
	return f;
}

void
store_chunk_encode(const struct store_chunk *c, unsigned char out[STORE_CHUNK_BYTES])
{
	for (int i = 0; i < STORE_CHUNK_BUCKETS; i++) {
		unsigned char *p = out + i * 14;

		store_chunk_put_float(p, c->b[i].avg);
		store_chunk_put_float(p + 4, c->b[i].min);
		store_chunk_put_float(p + 8, c->b[i].max);
		p[12] = (unsigned char)(c->b[i].n & 0xff);
		p[13] = (unsigned char)(c->b[i].n >> 8);
	}
}

int
store_chunk_decode(struct store_chunk *c, const void *data, size_t len)
{
	const unsigned char *in = data;

	if (len != STORE_CHUNK_BYTES) {
		store_chunk_init(c);
		return -1;
	}
	for (int i = 0; i < STORE_CHUNK_BUCKETS; i++) {
		const unsigned char *p = in + i * 14;

		c->b[i].n = p[12] | (unsigned)p[13] << 8;
		if (c->b[i].n == 0) {
			c->b[i].avg = c->b[i].min = c->b[i].max = NAN;
			continue;
		}
		c->b[i].avg = store_chunk_get_float(p);
		c->b[i].min = store_chunk_get_float(p + 4);
		c->b[i].max = store_chunk_get_float(p + 8);
	}
	return 0;
}
