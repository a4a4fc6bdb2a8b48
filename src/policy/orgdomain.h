/* SPDX-License-Identifier: MIT */
/*
 * Organizational domains, both ways DMARC has defined them: RFC 7489 §3.2
 * (the Public Suffix List, through libpsl) and the DMARCbis DNS tree walk
 * (RFC 9989 §4.10), whose query names are computed here. Pure apart from
 * reading a PSL file when asked to.
 */
#ifndef MXDIAG_POLICY_ORGDOMAIN_H
#define MXDIAG_POLICY_ORGDOMAIN_H

#include <libpsl.h>
#include <stdbool.h>
#include <stddef.h>

#include "policy/common.h"

/* A tree walk asks at most this many names (RFC 9989 §4.10: the author
 * domain, then at most seven shorter names). */
#define ORGDOMAIN_WALK_MAX	8
/* Names longer than this many labels are shortened to the walk's jump. */
#define ORGDOMAIN_WALK_LABELS	8

/* The Public Suffix List in use. */
struct orgdomain_psl {
	const psl_ctx_t	*ctx;		/* what lookups use; NULL: none */
	psl_ctx_t	*owned;		/* freed by orgdomain_psl_close() */
	char		 source[256];	/* "built-in", or the file's path */
};

/*
 * Load a PSL into *p: path names a file in the publicsuffix.org format;
 * NULL takes the newer of libpsl's built-in list and the distribution's
 * file. Returns false with a message in err when nothing could be loaded
 * (p->ctx stays NULL). Free with orgdomain_psl_close().
 */
bool orgdomain_psl_open(struct orgdomain_psl *p, const char *path,
    char *err, size_t errlen);
/* Free what p owns; a zeroed p is a no-op. */
void orgdomain_psl_close(struct orgdomain_psl *p);

/*
 * RFC 7489 §3.2: the organizational domain of the normalised domain d is
 * its public suffix plus one label. When d is itself a public suffix it
 * has none, and d itself is given (*is_suffix set). Returns false when psl
 * is NULL or d is not a usable name.
 */
bool orgdomain_psl_lookup(const psl_ctx_t *psl, const char *d, char *out,
    size_t outlen, bool *is_suffix);

/*
 * RFC 9989 §4.10: the domains whose _dmarc names a tree walk from d asks,
 * in order: d; then its parent, or with 8 or more labels the last 7
 * labels; then one label fewer each time, down to the top-level domain.
 * Each entry points into d (no copy). Returns how many (at most
 * ORGDOMAIN_WALK_MAX; 0 for an empty name).
 */
size_t orgdomain_walk(const char *d, const char *out[ORGDOMAIN_WALK_MAX]);

#endif
