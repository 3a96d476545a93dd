#include <config.h>

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "rules/netaddr.h"

/* Copies S up to the first of STOP into BUF; -1 when it does not fit. */
static int
netaddr_cut(const char *s, const char *stop, char *buf, size_t len)
{
	size_t n = strcspn(s, stop);

	if (n == 0 || n >= len)
		return -1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return 0;
}

static int
netaddr_parse_host(const char *s, struct netaddr *a)
{
	static const unsigned char v4mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	unsigned char b[16];

	memset(a, 0, sizeof *a);
	if (inet_pton(AF_INET, s, b) == 1) {
		memcpy(a->b, b, 4);
		return 0;
	}
	if (inet_pton(AF_INET6, s, b) != 1)
		return -1;
	if (memcmp(b, v4mapped, sizeof v4mapped) == 0) {
		memcpy(a->b, b + 12, 4);
		return 0;
	}
	a->v6 = 1;
	memcpy(a->b, b, 16);
	return 0;
}

int
netaddr_parse(const char *s, struct netaddr *a)
{
	char host[64];

	if (s == NULL || netaddr_cut(s, "/%", host, sizeof host) != 0)
		return -1;
	return netaddr_parse_host(host, a);
}

static int
netaddr_bits(const struct netaddr *a)
{
	return a->v6 ? 128 : 32;
}

/* Whether A and B agree on their first PREFIX bits. */
static int
netaddr_prefix_eq(const unsigned char *a, const unsigned char *b, int prefix)
{
	int whole = prefix / 8, rest = prefix % 8;

	if (memcmp(a, b, (size_t)whole) != 0)
		return 0;
	if (rest == 0)
		return 1;
	return ((a[whole] ^ b[whole]) & (0xff << (8 - rest)) & 0xff) == 0;
}

int
netaddr_cidr_parse(const char *s, struct netaddr_cidr *c)
{
	const char *slash;
	char host[64], *end;
	long prefix;
	struct netaddr_cidr net;

	if (s == NULL || netaddr_cut(s, "/", host, sizeof host) != 0 ||
	    netaddr_parse_host(host, &c->addr) != 0)
		return -1;
	c->prefix = netaddr_bits(&c->addr);
	slash = strchr(s, '/');
	if (slash == NULL)
		return 0;
	prefix = strtol(slash + 1, &end, 10);
	if (end == slash + 1 || *end != '\0' || prefix < 0 || prefix > c->prefix)
		return -1;
	c->prefix = (int)prefix;
	/* "10.0.0.1/8" is a typo for a host or for a network: refuse it
	 * rather than guess which. */
	net = *c;
	for (int i = c->prefix; i < netaddr_bits(&c->addr); i++)
		net.addr.b[i / 8] &= (unsigned char)~(0x80u >> (i % 8));
	return memcmp(net.addr.b, c->addr.b, sizeof c->addr.b) == 0 ? 0 : -1;
}

int
netaddr_in_cidr(const struct netaddr *a, const struct netaddr_cidr *c)
{
	if (a->v6 != c->addr.v6)
		return 0;
	return netaddr_prefix_eq(a->b, c->addr.b, c->prefix);
}

struct netaddr_range {
	int v6;
	unsigned char b[16];
	int prefix;
};

static const struct netaddr_range netaddr_private[] = {
	{ 0, { 10 }, 8 },			/* RFC 1918 */
	{ 0, { 172, 16 }, 12 },
	{ 0, { 192, 168 }, 16 },
	{ 0, { 127 }, 8 },			/* loopback */
	{ 0, { 169, 254 }, 16 },		/* link-local */
	{ 0, { 100, 64 }, 10 },			/* CGNAT, RFC 6598 */
	{ 1, { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 }, 128 },	/* ::1 */
	{ 1, { 0xfe, 0x80 }, 10 },		/* link-local */
	{ 1, { 0xfc }, 7 },			/* ULA, RFC 4193 */
};

int
netaddr_is_private(const struct netaddr *a)
{
	for (size_t i = 0; i < sizeof netaddr_private / sizeof netaddr_private[0]; i++) {
		const struct netaddr_range *r = &netaddr_private[i];

		if (r->v6 == a->v6 && netaddr_prefix_eq(a->b, r->b, r->prefix))
			return 1;
	}
	return 0;
}

int
netaddr_str_is_private(const char *s)
{
	struct netaddr a;

	if (s == NULL || *s == '\0')
		return 1;
	return netaddr_parse(s, &a) == 0 && netaddr_is_private(&a);
}
