/* Metric samples older than the raw window, as 5-minute aggregates packed
 * twelve to an hour: one row per series and hour instead of one per
 * sample. Each bucket keeps avg, min and max (as 32-bit floats: seven
 * significant digits, plenty for a graph and a summary) and the number of
 * raw samples folded into it. */
#ifndef RW_STORE_CHUNK_H
#define RW_STORE_CHUNK_H

#include <stddef.h>
#include <stdint.h>

#define STORE_CHUNK_MS (3600 * 1000LL)
#define STORE_CHUNK_BUCKETS 12
#define STORE_CHUNK_BYTES (STORE_CHUNK_BUCKETS * 14)

struct store_bucket {
	double avg, min, max;	/* NaN when n is 0 */
	unsigned n;
};

struct store_chunk {
	struct store_bucket b[STORE_CHUNK_BUCKETS];
};

void store_chunk_init(struct store_chunk *c);
/* Folds raw samples (N of them, their sum, min and max) into bucket I. */
void store_chunk_add(struct store_chunk *c, int i, unsigned n, double sum, double min, double max);
/* Merges SRC into DST bucket by bucket. */
void store_chunk_merge(struct store_chunk *dst, const struct store_chunk *src);
void store_chunk_encode(const struct store_chunk *c, unsigned char out[STORE_CHUNK_BYTES]);
/* Returns 0, or -1 when LEN is not a chunk's size. */
int store_chunk_decode(struct store_chunk *c, const void *data, size_t len);

#endif
