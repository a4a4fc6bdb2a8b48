/* SPDX-License-Identifier: MIT */
/*
 * Address classification from the IANA IPv4 and IPv6 Special-Purpose
 * Address Registries (RFC 6890 and the RFCs that updated them), the
 * multicast registries, and the IPv6 address space registry. A block
 * whose "Globally Reachable" column is False is refused; a block marked
 * True is public unless a comment below says why not.
 */
#include "net/addrclass.h"

#include <arpa/inet.h>
#include <stdint.h>
#include <string.h>

#include "util/util.h"

struct v4_block {
	uint32_t	 net;		/* host order */
	unsigned	 len;
	enum addr_class	 cls;
};

/*
 * First match wins, so a more specific block comes before the block that
 * holds it. Globally reachable blocks that need no entry (they fall
 * through to public): 192.31.196.0/24 AS112-v4 (RFC 7535),
 * 192.52.193.0/24 AMT (RFC 7450), 192.175.48.0/24 AS112 direct
 * delegation (RFC 7534).
 */
static const struct v4_block v4_blocks[] = {
	{ 0x00000000, 8, ADDR_UNSPECIFIED },	/* "this network", RFC 791 */
	{ 0x0a000000, 8, ADDR_PRIVATE },	/* RFC 1918 */
	{ 0x64400000, 10, ADDR_CGNAT },		/* shared space, RFC 6598 */
	{ 0x7f000000, 8, ADDR_LOOPBACK },	/* RFC 1122 */
	{ 0xa9fe0000, 16, ADDR_LINK_LOCAL },	/* RFC 3927 */
	{ 0xac100000, 12, ADDR_PRIVATE },	/* RFC 1918 */
	/*
	 * IETF protocol assignments, RFC 6890: DS-Lite 192.0.0.0/29
	 * (RFC 7335), dummy 192.0.0.8 (RFC 7600), NAT64 discovery
	 * 192.0.0.170-171 (RFC 7050, 8880) are not globally reachable. The
	 * registry marks the PCP (192.0.0.9, RFC 7723) and TURN (192.0.0.10,
	 * RFC 8155) anycasts globally reachable, but an anycast service
	 * address reaches the nearest instance, typically in the operator's
	 * own network, and no mail server lives there: the whole /24 is
	 * reserved.
	 */
	{ 0xc0000000, 24, ADDR_RESERVED },
	{ 0xc0000200, 24, ADDR_RESERVED },	/* TEST-NET-1, RFC 5737 */
	/* Deprecated 6to4 relay anycast, RFC 7526: the registry leaves
	 * "Globally Reachable" blank; it is no mail server. */
	{ 0xc0586300, 24, ADDR_RESERVED },
	{ 0xc0a80000, 16, ADDR_PRIVATE },	/* RFC 1918 */
	{ 0xc6120000, 15, ADDR_RESERVED },	/* benchmarking, RFC 2544 */
	{ 0xc6336400, 24, ADDR_RESERVED },	/* TEST-NET-2, RFC 5737 */
	{ 0xcb007100, 24, ADDR_RESERVED },	/* TEST-NET-3, RFC 5737 */
	{ 0xe0000000, 4, ADDR_MULTICAST },	/* RFC 5771 */
	/* Reserved, RFC 1112; holds 255.255.255.255, limited broadcast
	 * (RFC 919), not globally reachable either. */
	{ 0xf0000000, 4, ADDR_RESERVED },
};

struct v6_block {
	uint8_t		 net[16];
	unsigned	 len;
	enum addr_class	 cls;
};

/*
 * First match wins. Globally reachable blocks that fall through to
 * public: 2001:3::/32 AMT (RFC 7450), 2001:4:112::/48 AS112-v6
 * (RFC 7535), 2001:20::/28 ORCHIDv2 (RFC 7343), 2001:30::/28 DRIP
 * entity tags (RFC 9374), 2620:4f:8000::/48 AS112 direct delegation
 * (RFC 7534): the first four sit inside 2001::/23, so they are listed
 * as public before it.
 */
static const struct v6_block v6_blocks[] = {
	{ { 0 }, 128, ADDR_UNSPECIFIED },			/* RFC 4291 */
	{ { [15] = 1 }, 128, ADDR_LOOPBACK },			/* RFC 4291 */
	{ { [10] = 0xff, [11] = 0xff }, 96, ADDR_V4_EMBEDDED },	/* mapped,
								 * RFC 4291 */
	{ { 0 }, 96, ADDR_V4_EMBEDDED },	/* compatible, RFC 4291 (deprecated) */
	{ { 0, 0x64, 0xff, 0x9b }, 96, ADDR_V4_EMBEDDED },	/* NAT64 well-
								 * known, RFC 6052 */
	{ { 0, 0x64, 0xff, 0x9b, 0, 1 }, 48, ADDR_V4_EMBEDDED },/* local NAT64,
								 * RFC 8215 */
	{ { 0x01 }, 64, ADDR_RESERVED },	/* discard-only, RFC 6666 */
	{ { 0x01, 0, 0, 0, 0, 0, 0, 1 }, 64, ADDR_RESERVED },	/* dummy
								 * prefix,
								 * RFC 9780 */
	{ { 0x20, 0x01 }, 32, ADDR_V4_EMBEDDED },	/* Teredo, RFC 4380 */
	{ { 0x20, 0x01, 0, 3 }, 32, ADDR_PUBLIC },	/* AMT, RFC 7450 */
	{ { 0x20, 0x01, 0, 4, 0x01, 0x12 }, 48, ADDR_PUBLIC },	/* AS112-v6,
								 * RFC 7535 */
	{ { 0x20, 0x01, 0, 0x20 }, 28, ADDR_PUBLIC },	/* ORCHIDv2, RFC 7343 */
	{ { 0x20, 0x01, 0, 0x30 }, 28, ADDR_PUBLIC },	/* DRIP DETs, RFC 9374 */
	/*
	 * IETF protocol assignments, RFC 2928: holds benchmarking
	 * 2001:2::/48 (RFC 5180), ORCHID 2001:10::/28 (RFC 4843,
	 * deprecated), and the PCP, TURN and DNS-SD SRP anycasts
	 * 2001:1::1-3 (RFC 7723, 8155, 9665), marked globally reachable but
	 * refused for the reason given for 192.0.0.0/24.
	 */
	{ { 0x20, 0x01 }, 23, ADDR_RESERVED },
	{ { 0x20, 0x01, 0x0d, 0xb8 }, 32, ADDR_RESERVED },	/* documentation,
								 * RFC 3849 */
	{ { 0x20, 0x02 }, 16, ADDR_V4_EMBEDDED },	/* 6to4, RFC 3056 */
	{ { 0x3f, 0xff }, 20, ADDR_RESERVED },	/* documentation, RFC 9637 */
	{ { 0x5f, 0x00 }, 16, ADDR_RESERVED },	/* segment routing SIDs,
						 * RFC 9602 */
	{ { 0xfc }, 7, ADDR_PRIVATE },		/* unique local, RFC 4193 */
	{ { 0xfe, 0x80 }, 10, ADDR_LINK_LOCAL },	/* RFC 4291 */
	{ { 0xfe, 0xc0 }, 10, ADDR_RESERVED },	/* site-local, RFC 3879
						 * (deprecated) */
	{ { 0xff }, 8, ADDR_MULTICAST },	/* RFC 4291 */
	/* Global unicast, RFC 4291; the rest of the space is unassigned
	 * ("Reserved by IETF" in the address space registry). */
	{ { 0x20 }, 3, ADDR_PUBLIC },
	{ { 0 }, 0, ADDR_RESERVED },
};

static const struct {
	const char	*name;
	const char	*reason;
} classes[] = {
	[ADDR_PUBLIC] = { "public", "a public address" },
	[ADDR_UNSPECIFIED] = { "unspecified",
	    "an unspecified address (0.0.0.0/8, ::)" },
	[ADDR_LOOPBACK] = { "loopback",
	    "a loopback address (127.0.0.0/8, ::1)" },
	[ADDR_PRIVATE] = { "private", "a private address (10.0.0.0/8, "
	    "172.16.0.0/12, 192.168.0.0/16, fc00::/7)" },
	[ADDR_LINK_LOCAL] = { "link-local",
	    "a link-local address (169.254.0.0/16, fe80::/10)" },
	[ADDR_CGNAT] = { "cgnat",
	    "a carrier-grade NAT shared address (100.64.0.0/10)" },
	[ADDR_MULTICAST] = { "multicast",
	    "a multicast address (224.0.0.0/4, ff00::/8)" },
	[ADDR_RESERVED] = { "reserved", "a reserved or special-purpose "
	    "address that is not globally reachable" },
	[ADDR_V4_EMBEDDED] = { "v4-embedded", "an IPv6 address that embeds "
	    "an IPv4 address (mapped, NAT64, 6to4 or Teredo)" },
};

const char *
addr_class_name(enum addr_class c)
{
	if ((unsigned)c >= UTIL_ARRAY_LEN(classes))
		return "unknown";
	return classes[c].name;
}

const char *
addr_class_reason(enum addr_class c)
{
	if ((unsigned)c >= UTIL_ARRAY_LEN(classes))
		return "an address of unknown kind";
	return classes[c].reason;
}

static enum addr_class
addr_classify_v4(const struct in_addr *a)
{
	uint32_t h = ntohl(a->s_addr);

	for (size_t i = 0; i < UTIL_ARRAY_LEN(v4_blocks); i++) {
		uint32_t mask = v4_blocks[i].len == 0 ? 0 :
		    0xffffffffu << (32 - v4_blocks[i].len);

		if ((h & mask) == v4_blocks[i].net)
			return v4_blocks[i].cls;
	}
	return ADDR_PUBLIC;
}

static bool
v6_in(const uint8_t *a, const struct v6_block *b)
{
	unsigned whole = b->len / 8, rest = b->len % 8;

	if (memcmp(a, b->net, whole) != 0)
		return false;
	if (rest == 0)
		return true;
	return ((a[whole] ^ b->net[whole]) & (0xff << (8 - rest)) & 0xff) == 0;
}

static enum addr_class
addr_classify_v6(const struct in6_addr *a)
{
	for (size_t i = 0; i < UTIL_ARRAY_LEN(v6_blocks); i++)
		if (v6_in(a->s6_addr, &v6_blocks[i]))
			return v6_blocks[i].cls;
	return ADDR_RESERVED;	/* not reached: the last block is ::/0 */
}

enum addr_class
addr_classify(int af, const void *addr)
{
	if (af == AF_INET)
		return addr_classify_v4(addr);
	if (af == AF_INET6)
		return addr_classify_v6(addr);
	return ADDR_RESERVED;
}

bool
addr_embedded_v4(const struct in6_addr *a, struct in_addr *out)
{
	const uint8_t *b = a->s6_addr;

	if (addr_classify_v6(a) != ADDR_V4_EMBEDDED)
		return false;
	if (b[0] == 0x20 && b[1] == 0x02) {
		memcpy(&out->s_addr, b + 2, 4);
	} else if (b[0] == 0x20 && b[1] == 0x01) {
		uint32_t x;

		memcpy(&x, b + 12, 4);
		out->s_addr = ~x;
	} else {
		memcpy(&out->s_addr, b + 12, 4);
	}
	return true;
}

bool
addr_connect_allowed(int af, const void *addr, bool allow_private)
{
	enum addr_class c = addr_classify(af, addr);
	struct in_addr v4;

	if (af != AF_INET && af != AF_INET6)
		return false;
	if (c == ADDR_PUBLIC)
		return true;
	if (!allow_private || c == ADDR_UNSPECIFIED || c == ADDR_MULTICAST)
		return false;
	/* ::ffff:224.0.0.1 is as little a mail server as 224.0.0.1. */
	if (c == ADDR_V4_EMBEDDED && addr_embedded_v4(addr, &v4)) {
		c = addr_classify_v4(&v4);
		return c != ADDR_UNSPECIFIED && c != ADDR_MULTICAST;
	}
	return true;
}
