/* The ec2 source: one per scope. Each poll reads the VPC security groups
 * the watched DB instances use (DescribeSecurityGroups by group id) and
 * turns every ingress rule into one record per source range or group,
 * saying whether it covers the instance's database port and whether it
 * is wide open: 0.0.0.0/0, ::/0, or a public range at least as wide as
 * [ec2] wide_prefix (IPv4, default /8) or wide_prefix6 (IPv6, /32). A
 * private range (RFC 1918, ULA) or another security group is never wide
 * open; a prefix list is unknown. */
#ifndef RW_SOURCES_EC2_H
#define RW_SOURCES_EC2_H

#include <stdint.h>

#include <libxml/tree.h>

#include "model/model.h"
#include "sources/scope.h"
#include "sources/source.h"

#define EC2_INTERVAL_MS (15 * 60 * 1000LL)
#define EC2_WIDE_PREFIX 8
#define EC2_WIDE_PREFIX6 32

struct ec2_settings {
	int64_t interval_ms;
	int64_t timeout_ms;
	int wide_prefix;
	int wide_prefix6;
};

/* Whether SOURCE (a CIDR, IPv6 CIDR, sg- or pl- id) is wide open: 1, 0,
 * or -1 when it cannot be told (a prefix list, an unreadable range). */
int ec2_source_wide(const char *source, int wide_prefix, int wide_prefix6);

/* The ingress rules of the security group element SG (an <item> of
 * securityGroupInfo) as sg_rule records of INSTANCE whose database port
 * is PORT (<= 0: unknown), appended to OUT. */
void ec2_map_group(const xmlNode *sg, const char *instance, int64_t port,
    const struct ec2_settings *st, struct m_vec *out);

extern const struct source_ops ec2_source_ops;

struct source *ec2_source_new(struct scope *sc, const struct ec2_settings *st);

#endif
