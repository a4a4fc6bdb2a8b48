/* SPDX-License-Identifier: MIT */
/*
 * The two organizational-domain methods of DMARC. libpsl answers the
 * RFC 7489 question; the tree walk of RFC 9989 is just a list of names,
 * and the DMARC discovery (dmarc_discover.c) asks them.
 */
#include "policy/orgdomain.h"

#include <stdio.h>
#include <string.h>

bool
orgdomain_psl_open(struct orgdomain_psl *p, const char *path, char *err,
    size_t errlen)
{
	memset(p, 0, sizeof(*p));
	if (path != NULL) {
		p->owned = psl_load_file(path);
		snprintf(p->source, sizeof(p->source), "%s", path);
	} else {
		/* psl_latest() may hand back the built-in list itself;
		 * psl_free() knows not to free that one. */
		p->owned = psl_latest(NULL);
		snprintf(p->source, sizeof(p->source), "system (the newer "
		    "of libpsl's built-in list and %s)", psl_dist_filename() ?
		    psl_dist_filename() : "no distribution file");
	}
	p->ctx = p->owned;
	if (p->ctx == NULL && path == NULL) {
		p->ctx = psl_builtin();
		snprintf(p->source, sizeof(p->source), "built-in");
	}
	if (p->ctx == NULL) {
		if (path != NULL)
			snprintf(err, errlen, "cannot load the public suffix "
			    "list %s", path);
		else
			snprintf(err, errlen, "no public suffix list "
			    "available");
		return false;
	}
	return true;
}

void
orgdomain_psl_close(struct orgdomain_psl *p)
{
	if (p == NULL)
		return;
	psl_free(p->owned);
	memset(p, 0, sizeof(*p));
}

bool
orgdomain_psl_lookup(const psl_ctx_t *psl, const char *d, char *out,
    size_t outlen, bool *is_suffix)
{
	char norm[POLICY_NAME_MAX];
	const char *reg;

	if (is_suffix)
		*is_suffix = false;
	if (outlen > 0)
		out[0] = '\0';
	if (psl == NULL || !policy_domain_normalize(d, norm, sizeof(norm)))
		return false;
	reg = psl_registrable_domain(psl, norm);
	if (reg == NULL) {
		if (is_suffix)
			*is_suffix = true;
		reg = norm;
	}
	if (strlen(reg) >= outlen)
		return false;
	/* libpsl answers with a pointer into norm. */
	memmove(out, reg, strlen(reg) + 1);
	return true;
}

size_t
orgdomain_walk(const char *d, const char *out[ORGDOMAIN_WALK_MAX])
{
	size_t x = policy_domain_labels(d), n = 0;

	if (x == 0)
		return 0;
	out[n++] = d;
	if (x >= ORGDOMAIN_WALK_LABELS)
		x = ORGDOMAIN_WALK_LABELS - 1;
	else
		x--;
	for (; x >= 1 && n < ORGDOMAIN_WALK_MAX; x--)
		out[n++] = policy_domain_suffix(d, x);
	return n;
}
