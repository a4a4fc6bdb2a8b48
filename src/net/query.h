/* SPDX-License-Identifier: MIT */
/*
 * A strict parser for the query string of an HTTP request
 * ("target=mail.example.com&port=25"), with hard limits, for the API of
 * `mxdiag serve`. Stricter than evhttp_parse_query_str(): bounded, '+'
 * always a space, no control bytes, valid UTF-8, no repeated names.
 */
#ifndef MXDIAG_NET_QUERY_H
#define MXDIAG_NET_QUERY_H

#include <stddef.h>

#define QUERY_MAX_BYTES		2048	/* the raw query string */
#define QUERY_MAX_PARAMS	32
#define QUERY_MAX_VALUE		512	/* decoded bytes per name or value */

struct query_param {
	char	*name;		/* decoded, NUL-terminated, owned */
	char	*value;		/* decoded, NUL-terminated, owned; "" if none */
};

struct query {
	size_t			 n;
	struct query_param	 v[QUERY_MAX_PARAMS];
};

/*
 * Parse len bytes of raw, without the leading '?': pieces separated by
 * '&', each "name=value" or "name" (value ""); empty pieces are skipped.
 * '+' is a space and %XX (hex digits of either case) a byte. *q need not
 * be initialised. Returns 0 with the parameters in order in *q (free
 * them with query_clear()), or -1 with a printable message in err and *q
 * empty (nothing to free): over a limit, a bad or truncated %-escape, a
 * NUL or other control byte (< 0x20, 0x7f) once decoded, invalid UTF-8,
 * an empty name, or a name given twice.
 */
int query_parse(const char *raw, size_t len, struct query *q, char *err,
    size_t errlen);

/* Free the parameters and leave q empty. */
void query_clear(struct query *q);

/* The value of name (borrowed from q), or NULL when it is absent. */
const char *query_get(const struct query *q, const char *name);

/* Returns 0 when every name in q is one of allowed (a NULL-terminated
 * list), else -1 with "unknown parameter \"x\"" in err. */
int query_check_names(const struct query *q, const char *const *allowed,
    char *err, size_t errlen);

#endif
