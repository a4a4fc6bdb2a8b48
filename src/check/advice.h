/* SPDX-License-Identifier: MIT */
/*
 * What a finding means and what to do about it: the explanation, the
 * remediation steps for the detected MTA and IP provider, the receiving
 * rules it trips and the references. judge.c decides which findings exist;
 * this file words them. Keeping the words here keeps them consistent.
 */
#ifndef MXDIAG_CHECK_ADVICE_H
#define MXDIAG_CHECK_ADVICE_H

#include "check/identity.h"
#include "report/finding.h"

struct advice_ctx {
	const struct identity_facts	*f;
	const struct identity_verdict	*v;
	const char			*ptrname;	/* first PTR name or NULL */
	const char			*want_name;	/* the name to converge on */
	enum smtp_mta			 mta;
	/* Only for problems: pass, info and skipped findings keep their
	 * code, status, title and evidence (bulk output, which prints no
	 * more of them). */
	bool				 brief;
};

/* Fill f's explanation, remediation, trips and references from its code.
 * Unknown codes get nothing (a programming error caught by the tests). */
void advice_apply(struct finding *fd, const struct advice_ctx *ctx);

/* True when code has wording here (for the tests and the docs). */
bool advice_known_code(const char *code);

/* The MTA setting that names the server, for the inbound face (banner,
 * EHLO reply) and the outbound face (the HELO it sends). Static text with
 * "%s" for the name. */
const char *advice_mta_inbound(enum smtp_mta m);
const char *advice_mta_outbound(enum smtp_mta m);

#endif
