/* SPDX-License-Identifier: MIT */
/*
 * SMTP TLS Reporting (RFC 8460): the _smtp._tls.<domain> TXT record,
 * v=TLSRPTv1 and rua= with mailto: and https: destinations. Pure.
 */
#ifndef MXDIAG_POLICY_TLSRPT_H
#define MXDIAG_POLICY_TLSRPT_H

#include <stdbool.h>
#include <stddef.h>

#include "dns/wire.h"
#include "policy/uri.h"
#include "report/finding.h"
#include "util/util.h"

struct tlsrpt_record {
	char			*text;		/* printable */
	bool			 is_tlsrpt;	/* begins with v=TLSRPTv1 */
	bool			 valid;		/* rua present, every URI usable */
	struct policy_uri_list	 rua;
	struct strvec		 errors;
	struct strvec		 warnings;
	struct strvec		 unknown;
};

bool tlsrpt_record_parse(const char *text, size_t len,
    struct tlsrpt_record *r);
void tlsrpt_record_clear(struct tlsrpt_record *r);

/* Findings for the TXT lookup of _smtp._tls.<domain>. */
void tlsrpt_judge_txt(const char *domain, const struct dns_answer *ans,
    struct finding_list *fl);

#endif
