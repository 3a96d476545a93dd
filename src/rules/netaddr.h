/* IP addresses as PostgreSQL and the config write them: is a client
 * address private, and is it inside a CIDR of an allowlist. */
#ifndef RW_RULES_NETADDR_H
#define RW_RULES_NETADDR_H

struct netaddr {
	int v6;			/* 0: IPv4 in b[0..3]; 1: IPv6 in b[0..15] */
	unsigned char b[16];
};

struct netaddr_cidr {
	struct netaddr addr;
	int prefix;
};

/* Parses "10.0.0.5", "10.0.0.5/32" (inet text), "fe80::1%eth0" and
 * "::ffff:10.0.0.5" (stored as IPv4). Returns 0, or -1. */
int netaddr_parse(const char *s, struct netaddr *a);
/* Parses "10.0.0.0/8", "fd00::/8" or a bare address (a host prefix).
 * Returns 0, or -1 (bad address, bad prefix, or bits set past it). */
int netaddr_cidr_parse(const char *s, struct netaddr_cidr *c);
int netaddr_in_cidr(const struct netaddr *a, const struct netaddr_cidr *c);
/* RFC 1918, loopback, link-local, CGNAT (100.64/10), IPv6 ULA (fc00::/7),
 * ::1 and fe80::/10. */
int netaddr_is_private(const struct netaddr *a);
/* For client addresses as text: NULL or "" (a Unix socket) is private;
 * what does not parse (a host name with log_hostname) counts as public,
 * since the rules must not play a risk down. */
int netaddr_str_is_private(const char *s);

#endif
