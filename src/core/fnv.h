/* FNV-1a, 64 bits: the hash of natural keys (stable: ids derive from
 * it) and of records and rows when only "the same as before?" is asked. */
#ifndef RW_CORE_FNV_H
#define RW_CORE_FNV_H

#include <stddef.h>
#include <stdint.h>

#define FNV_OFFSET 0xcbf29ce484222325ULL

static inline uint64_t
fnv_add(uint64_t h, const void *data, size_t len)
{
	const unsigned char *p = data;

	for (size_t i = 0; i < len; i++) {
		h ^= p[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

#endif
