/* SPDX-License-Identifier: MIT */
#include "check/names.h"

#include <sys/socket.h>

void
names_no_address_finding(struct finding_list *fl, const char *host,
    const struct dns_answer *a, const struct dns_answer *aaaa, int family)
{
	const struct dns_answer *ans[2] = { a, aaaa };
	bool temp = false, nx = false;
	struct finding *fd;

	for (size_t i = 0; i < 2; i++) {
		if (ans[i] == NULL)
			continue;
		if (dns_outcome_is_temporary(ans[i]->outcome))
			temp = true;
		if (ans[i]->outcome == DNS_OUT_NXDOMAIN)
			nx = true;
	}
	if (temp) {
		fd = finding_add(fl, "target.temperror", FINDING_TEMPERROR,
		    "%s could not be resolved (temporary DNS failure)", host);
		finding_explain(fd, "The address lookup of the target failed "
		    "without an answer; nothing else could be checked.");
		strvec_push(&fd->remediation, "Run the check again, or name "
		    "the address directly.");
	} else {
		fd = finding_add(fl, nx ? "target.nxdomain" :
		    "target.no_address", FINDING_FAIL, nx ?
		    "%s does not exist in DNS" : "%s has no %s record", host,
		    family == AF_INET ? "A" : family == AF_INET6 ? "AAAA" :
		    "A or AAAA");
		finding_explain(fd, "A mail server's name must resolve to its "
		    "addresses.");
		strvec_pushf(&fd->remediation, "Publish A/AAAA records for %s "
		    "in its zone, or check the spelling.", host);
	}
	for (size_t i = 0; i < 2; i++)
		if (ans[i] != NULL)
			strvec_pushf(&fd->evidence, "%s %s: %s%s%s%s",
			    ans[i]->qtype == DNS_T_A ? "A" : "AAAA", host,
			    dns_outcome_name(ans[i]->outcome),
			    ans[i]->error[0] ? " (" : "", ans[i]->error,
			    ans[i]->error[0] ? ")" : "");
}
