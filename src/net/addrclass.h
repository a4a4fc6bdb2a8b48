/* SPDX-License-Identifier: MIT */
/*
 * What kind of address is this: public, or one of the special-purpose
 * blocks a public service must never be made to connect to (loopback,
 * private, link-local, CGNAT, multicast, reserved, IPv6 forms that embed
 * IPv4). Pure: no I/O, no allocation. Used by `mxdiag serve` and
 * `mxdiag mcp` on every resolved address before a connection.
 */
#ifndef MXDIAG_NET_ADDRCLASS_H
#define MXDIAG_NET_ADDRCLASS_H

#include <netinet/in.h>
#include <stdbool.h>

enum addr_class {
	ADDR_PUBLIC = 0,
	ADDR_UNSPECIFIED,	/* 0.0.0.0/8 ("this network"), :: */
	ADDR_LOOPBACK,		/* 127.0.0.0/8, ::1 */
	ADDR_PRIVATE,		/* 10/8, 172.16/12, 192.168/16, fc00::/7 */
	ADDR_LINK_LOCAL,	/* 169.254/16, fe80::/10 */
	ADDR_CGNAT,		/* 100.64.0.0/10 (RFC 6598) */
	ADDR_MULTICAST,		/* 224/4, ff00::/8 */
	ADDR_RESERVED,		/* documentation, benchmarking, 240/4, the
				 * IETF special-purpose blocks that are not
				 * globally reachable, IPv6 outside 2000::/3
				 * (see the tables in addrclass.c) */
	ADDR_V4_EMBEDDED,	/* ::ffff:0:0/96, ::/96, 64:ff9b::/96,
				 * 64:ff9b:1::/48, 2002::/16, 2001::/32 */
};

/* A stable lower-case name for JSON ("public", "loopback", ...).
 * Never NULL; "unknown" for a value outside the enum. */
const char *addr_class_name(enum addr_class c);

/* An English noun phrase for an error message, without the address:
 * "a loopback address (127.0.0.0/8, ::1)". Never NULL. */
const char *addr_class_reason(enum addr_class c);

/*
 * Classify addr: a struct in_addr for AF_INET, a struct in6_addr for
 * AF_INET6, in network order. Any other af is ADDR_RESERVED, so that it
 * is never allowed. An IPv6 address that embeds IPv4 is ADDR_V4_EMBEDDED
 * whatever the IPv4 address is: callers that want to say more use
 * addr_embedded_v4().
 */
enum addr_class addr_classify(int af, const void *addr);

/*
 * For the IPv4-embedding forms (mapped, compatible, NAT64, 6to4, Teredo),
 * store the embedded IPv4 address in *out and return true; false when a
 * is none of them. Teredo gives the client address (the last 32 bits,
 * un-obfuscated by XOR 0xffffffff); 6to4 bits 16-47; the others the last
 * 32 bits (for 64:ff9b:1::/48 that assumes a /96 translation prefix out
 * of it, the common deployment: RFC 8215 allows others).
 */
bool addr_embedded_v4(const struct in6_addr *a, struct in_addr *out);

/*
 * Whether a connection to addr may be made: only a public address,
 * unless allow_private; then everything except unspecified and multicast
 * (never a mail server), also when embedded in an IPv6 address.
 */
bool addr_connect_allowed(int af, const void *addr, bool allow_private);

#endif
