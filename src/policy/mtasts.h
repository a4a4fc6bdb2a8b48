/* SPDX-License-Identifier: MIT */
/*
 * MTA-STS (RFC 8461): the _mta-sts TXT record, the policy file served at
 * https://mta-sts.<domain>/.well-known/mta-sts.txt, and the matching of MX
 * host names against the policy's mx patterns. The HTTPS fetch is not done
 * here: the caller hands over the body and the HTTP facts, and gets
 * findings back. Everything here is pure.
 */
#ifndef MXDIAG_POLICY_MTASTS_H
#define MXDIAG_POLICY_MTASTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dns/wire.h"
#include "report/finding.h"
#include "util/util.h"

#define MTASTS_POLICY_MAX	(64 * 1024)	/* bytes of a policy body */
#define MTASTS_MX_MAX		64		/* mx patterns kept */
#define MTASTS_MAX_AGE_MAX	31557600UL	/* RFC 8461 §3.2 */
#define MTASTS_ID_MAX		32

/* The _mta-sts.<domain> TXT record (RFC 8461 §3.1). */
struct mtasts_txt {
	char		*text;		/* printable */
	bool		 is_sts;	/* begins with "v=STSv1" */
	bool		 valid;		/* usable: a good id, no hard error */
	char		 id[MTASTS_ID_MAX + 1];
	struct strvec	 errors;	/* what makes it unusable */
	struct strvec	 warnings;	/* deviations senders may forgive */
	struct strvec	 unknown;	/* extension names */
};

bool mtasts_txt_parse(const char *text, size_t len, struct mtasts_txt *t);
void mtasts_txt_clear(struct mtasts_txt *t);

enum mtasts_mode {
	MTASTS_MODE_UNSET = 0,
	MTASTS_MODE_ENFORCE,
	MTASTS_MODE_TESTING,
	MTASTS_MODE_NONE,
};

const char *mtasts_mode_name(enum mtasts_mode m);

/* The policy file (RFC 8461 §3.2). */
struct mtasts_policy {
	bool		 oversize;	/* over MTASTS_POLICY_MAX: not parsed */
	bool		 has_version;	/* version: STSv1 */
	enum mtasts_mode mode;
	bool		 has_max_age;
	unsigned long	 max_age;
	struct strvec	 mx;		/* valid patterns, lower-cased */
	struct strvec	 bad_mx;	/* invalid patterns, printable */
	struct strvec	 errors;	/* printable, with line numbers */
	struct strvec	 duplicates;	/* repeated keys (first one used) */
	struct strvec	 unknown;	/* unknown keys (ignored) */
	size_t		 nlines;
	bool		 crlf, lf;	/* line endings seen */
	bool		 valid;		/* version, mode, max_age, and mx
					 * unless mode is none */
};

/* Parse len untrusted bytes (any byte may occur); initialises *p. Returns
 * p->valid. Free with mtasts_policy_clear(). */
bool mtasts_policy_parse(const char *body, size_t len,
    struct mtasts_policy *p);
void mtasts_policy_clear(struct mtasts_policy *p);

/* An mx pattern: a domain name, or "*." and a domain name (RFC 8461
 * §3.2). */
bool mtasts_mx_pattern_valid(const char *pat, size_t len);
/* RFC 8461 §4.1: host (a trailing dot allowed) matches pattern, ASCII
 * case-insensitively; "*." matches exactly one leftmost label. */
bool mtasts_mx_match(const char *pattern, const char *host);
/* Index of the first pattern of p that host matches, or -1. */
int mtasts_policy_match(const struct mtasts_policy *p, const char *host);

/* What the caller's HTTPS fetch of the policy saw. */
struct mtasts_fetch {
	const char	*url;		/* the URL fetched (for evidence) */
	const char	*error;		/* no response: connection, TLS or
					 * certificate failure; else NULL */
	bool		 error_temporary;	/* e.g. a timeout */
	int		 status;	/* HTTP status of the response */
	const char	*content_type;	/* header value, NULL if absent */
	unsigned	 redirects;	/* 3xx responses seen */
	const char	*body;		/* as received (not NUL-terminated) */
	size_t		 body_len;
	bool		 body_truncated;	/* the fetcher stopped reading */
};

/* Findings for the TXT lookup of _mta-sts.<domain>. out may be NULL; else
 * it receives the record when exactly one was found (clear it). */
void mtasts_judge_txt(const char *domain, const struct dns_answer *ans,
    struct finding_list *fl, struct mtasts_txt *out);

/* Findings for a fetched policy and the domain's real MX host names
 * (nmx may be 0: matching is then skipped). */
void mtasts_judge_policy(const char *domain, const struct mtasts_fetch *f,
    const char *const *mx, size_t nmx, struct finding_list *fl);

#endif
