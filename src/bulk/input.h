/* SPDX-License-Identifier: MIT */
/*
 * The input of `mxdiag bulk`, one line at a time: addresses, CIDR ranges,
 * hostnames and JSON objects with per-target options; the expansion of a
 * range; and the key of a target with its hash, on which --resume and
 * --shard work. Pure: no I/O, no allocation that outlives a call.
 */
#ifndef MXDIAG_BULK_INPUT_H
#define MXDIAG_BULK_INPUT_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BULK_LINE_MAX	4096	/* bytes of one input line */

enum bulk_kind {
	BULK_SKIP,	/* blank, or a comment starting with '#' */
	BULK_ADDR,
	BULK_RANGE,
	BULK_HOST,
};

struct bulk_item {
	enum bulk_kind	 kind;
	int		 af;		/* ADDR, RANGE: AF_INET or AF_INET6 */
	union {
		struct in_addr	 v4;
		struct in6_addr	 v6;
	} addr;				/* ADDR; RANGE: the first address */
	unsigned	 prefix;	/* RANGE */
	char		 host[256];	/* HOST: lower case, no final dot */
	int		 port;		/* from JSON; 0: the default */
	char		 expected_name[256];	/* from JSON; "" if none */
	bool		 from_json;
};

/*
 * Parse one line (len bytes, no newline; a final \r and blanks around are
 * ignored). Returns 0 with *it filled, or -1 with a printable reason in
 * err. Ranges larger than an IPv4 /8 or an IPv6 /104 are refused unless
 * allow_huge; IPv6 ranges larger than a /96 always. Host bits of a range
 * are masked off. An IPv4-mapped IPv6 address is its IPv4 address.
 */
int bulk_input_parse(const char *line, size_t len, bool allow_huge,
    struct bulk_item *it, char *err, size_t errlen);

/* Every address of a RANGE item, in order. */
struct bulk_range_iter {
	int		 af;
	uint8_t		 next[16];	/* network order */
	uint64_t	 left;		/* addresses still to give */
};

void bulk_range_begin(struct bulk_range_iter *ri, const struct bulk_item *it);
/* The next address into addr (a struct in_addr or in6_addr, by *af);
 * false when the range is done. */
bool bulk_range_next(struct bulk_range_iter *ri, int *af, void *addr);
/* Addresses in the range: 1 to 2^32. */
uint64_t bulk_range_size(const struct bulk_item *it);

/* The key of an address target: its canonical text (inet_ntop). */
void bulk_key_addr(int af, const void *addr, char *out, size_t outlen);
/* FNV-1a, 64 bits, over the key's bytes. */
uint64_t bulk_key_hash(const char *key);
/* True when the key whose bulk_key_hash() is h belongs to shard k of n. */
bool bulk_shard_mine(uint64_t h, unsigned k, unsigned n);
/* True when it belongs to part k of n within its shard (of shard_n): a
 * function of the hash independent of the shard's. */
bool bulk_part_mine(uint64_t h, unsigned shard_n, unsigned k, unsigned n);
/* "K/N" with 0 <= K < N <= BULK_SHARDS_MAX. Returns 0, or -1 and err. */
#define BULK_SHARDS_MAX	65536
int bulk_shard_parse(const char *spec, unsigned *k, unsigned *n, char *err,
    size_t errlen);

#endif
