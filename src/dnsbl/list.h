/* SPDX-License-Identifier: MIT */
/*
 * DNS blacklists (RFC 5782): the description of each list (zone, what it
 * lists, what its answers mean, its test entries) and the small line
 * format that describes them. The built-in set of well-known public lists
 * is written in that same format, so the format is the documentation.
 */
#ifndef MXDIAG_DNSBL_LIST_H
#define MXDIAG_DNSBL_LIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Caps on a configuration (it may come from anywhere). */
#define DNSBL_CONFIG_MAX	65536	/* octets of a file */
#define DNSBL_LINE_MAX		512	/* octets of a line */
#define DNSBL_LISTS_MAX		64
#define DNSBL_CODES_MAX		32	/* code/bit/refused lines per list */
#define DNSBL_TRIPS_MAX		4
#define DNSBL_ID_MAX		32
#define DNSBL_TEXT_MAX		200	/* octets of a name, meaning, URL */

/* What a list holds (a bit set). */
#define DNSBL_KIND_IP4		0x1u
#define DNSBL_KIND_IP6		0x2u
#define DNSBL_KIND_DOMAIN	0x4u

enum dnsbl_code_kind {
	DNSBL_CODE_VALUE,	/* answers in [lo, hi] mean this */
	DNSBL_CODE_BIT,		/* bitmask list: last octet has bit lo */
	DNSBL_CODE_REFUSED,	/* answers in [lo, hi] mean "query refused" */
};

struct dnsbl_code {
	enum dnsbl_code_kind	 kind;
	uint32_t		 lo, hi;	/* host order; for BIT, lo is the bit */
	char			*meaning;
};

struct dnsbl_trip {
	char	*engine;	/* "spamassassin", "rspamd", ... */
	char	*rule;
};

struct dnsbl_list {
	char			*id;		/* "spamhaus-zen" */
	char			*name;		/* "Spamhaus ZEN" */
	char			*zone;		/* "zen.spamhaus.org" */
	unsigned		 kinds;		/* DNSBL_KIND_* */
	char			*url;		/* lookup/delisting page, or NULL */
	bool			 bitmask;	/* has BIT codes */
	bool			 public_refused;	/* refuses public resolvers */
	/* Domain lists' RFC 5782 §5 test names ("test" / "invalid" unless
	 * the list uses others). */
	char			*test_listed;
	char			*test_unlisted;
	size_t			 ncodes;
	struct dnsbl_code	*codes;
	size_t			 ntrips;
	struct dnsbl_trip	*trips;
};

struct dnsbl_set {
	size_t			 n;
	struct dnsbl_list	*v;
};

/*
 * Parse a configuration (len octets of any bytes) and append its lists to
 * *set (zero-initialise it first). Returns 0, or -1 with "line N: why" in
 * err; on error *set keeps only what it held before.
 */
int dnsbl_set_parse(struct dnsbl_set *set, const char *text, size_t len,
    char *err, size_t errlen);

/* The same from a file (at most DNSBL_CONFIG_MAX octets). */
int dnsbl_set_load(struct dnsbl_set *set, const char *path, char *err,
    size_t errlen);

/* Fill *set (zeroed) with the built-in lists. Never fails. */
void dnsbl_set_defaults(struct dnsbl_set *set);

/* The built-in configuration text (static), for docs and tests. */
const char *dnsbl_default_config(void);

/* Free what *set owns and zero it; NULL is a no-op. */
void dnsbl_set_clear(struct dnsbl_set *set);

/* "ip4", "ip4,ip6", "domain"... into out. */
void dnsbl_kinds_format(unsigned kinds, char *out, size_t outlen);

#endif
