/* libFuzzer target: client addresses as PostgreSQL reports them (and
 * CIDRs as the config writes them) never crash the parser, and what
 * parses is consistent: a network contains its own address, and an
 * address is private or not whatever suffix (/32, %zone) it carries. */
#include <config.h>

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rules/netaddr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	struct netaddr a;
	struct netaddr_cidr c;

	memcpy(s, data, size);
	s[size] = '\0';
	if (netaddr_parse(s, &a) == 0 && netaddr_is_private(&a) != netaddr_str_is_private(s))
		abort();
	if (netaddr_cidr_parse(s, &c) == 0) {
		if (c.prefix < 0 || c.prefix > (c.addr.v6 ? 128 : 32) || !netaddr_in_cidr(&c.addr, &c))
			abort();
	}
	free(s);
	return 0;
}
