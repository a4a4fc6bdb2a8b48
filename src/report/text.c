/* SPDX-License-Identifier: MIT */
/*
 * The text report: the chain drawn as IP -> PTR -> A/AAAA with the banner
 * and EHLO names beside it, then the findings, worst first in the order
 * they were judged. Passing findings take one line unless verbose.
 * Every string printed here was made printable where it entered.
 */
#include "report/report.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define C_RESET		"\033[0m"
#define C_BOLD		"\033[1m"
#define C_DIM		"\033[2m"
#define C_RED		"\033[31m"
#define C_GREEN		"\033[32m"
#define C_YELLOW	"\033[33m"
#define C_MAGENTA	"\033[35m"
#define C_CYAN		"\033[36m"

bool
report_want_color(FILE *out)
{
	const char *nc = getenv("NO_COLOR");

	if (nc != NULL && nc[0] != '\0')
		return false;
	return isatty(fileno(out)) == 1;
}

static const char *
col(const struct report_style *st, const char *code)
{
	return st->color ? code : "";
}

static const char *
status_color(enum finding_status s)
{
	switch (s) {
	case FINDING_PASS:	return C_GREEN;
	case FINDING_INFO:	return C_CYAN;
	case FINDING_WARNING:	return C_YELLOW;
	case FINDING_FAIL:
	case FINDING_PERMERROR:	return C_RED;
	case FINDING_TEMPERROR:	return C_MAGENTA;
	case FINDING_SKIPPED:	return C_DIM;
	}
	return "";
}

static const char *
status_mark(enum finding_status s)
{
	switch (s) {
	case FINDING_PASS:	return "PASS";
	case FINDING_INFO:	return "INFO";
	case FINDING_WARNING:	return "WARN";
	case FINDING_FAIL:	return "FAIL";
	case FINDING_PERMERROR:	return "PERM";
	case FINDING_TEMPERROR:	return "TEMP";
	case FINDING_SKIPPED:	return "SKIP";
	}
	return "????";
}

void
report_text_finding(FILE *out, const struct finding *fd,
    const struct report_style *st)
{
	bool full = st->verbose || (fd->status != FINDING_PASS &&
	    fd->status != FINDING_SKIPPED);

	fprintf(out, "  %s%s%s %s %s(%s)%s\n", col(st, status_color(fd->status)),
	    status_mark(fd->status), col(st, C_RESET), fd->title,
	    col(st, C_DIM), fd->code, col(st, C_RESET));
	if (!full)
		return;
	if (fd->explanation[0])
		fprintf(out, "       %s\n", fd->explanation);
	for (size_t i = 0; i < fd->evidence.n; i++)
		fprintf(out, "       %s%s%s %s\n", col(st, C_DIM),
		    i == 0 ? "seen:" : "     ", col(st, C_RESET),
		    fd->evidence.v[i]);
	for (size_t i = 0; i < fd->remediation.n; i++)
		fprintf(out, "       %sfix %zu:%s %s\n", col(st, C_BOLD), i + 1,
		    col(st, C_RESET), fd->remediation.v[i]);
	for (size_t i = 0; i < fd->ntrips; i++)
		fprintf(out, "       %strips:%s %s %s: %s\n", col(st, C_DIM),
		    col(st, C_RESET), fd->trips[i].engine, fd->trips[i].rule,
		    fd->trips[i].effect);
	if (fd->references.n > 0) {
		fprintf(out, "       %ssee:%s ", col(st, C_DIM), col(st, C_RESET));
		for (size_t i = 0; i < fd->references.n; i++)
			fprintf(out, "%s%s", i ? "; " : "", fd->references.v[i]);
		fputc('\n', out);
	}
}

static void
text_addrs(FILE *out, const struct identity_forward *fw, int af)
{
	const struct dns_answer *a = &fw->ans;

	if (!fw->done) {
		fputs("(not looked up)", out);
		return;
	}
	if (a->outcome != DNS_OUT_ANSWER) {
		fprintf(out, "%s %s", af == AF_INET6 ? "AAAA" : "A",
		    dns_outcome_name(a->outcome));
		return;
	}
	{
		char list[512];

		dns_answer_address_list(a, list, sizeof(list));
		fprintf(out, "%s %s", af == AF_INET6 ? "AAAA" : "A", list);
	}
}

void
report_text_address(FILE *out, const struct identity_facts *f,
    const struct identity_verdict *v, const struct report_style *st)
{
	const struct smtp_probe_result *s = &f->smtp;
	const char *mta = smtp_mta_display(s->mta);

	fprintf(out, "%s%s%s", col(st, C_BOLD), f->address, col(st, C_RESET));
	/* Name the target when it was a hostname, not the address itself. */
	if (strncmp(f->target, f->address, strlen(f->address)) != 0 &&
	    !(f->target[0] == '[' && strncmp(f->target + 1, f->address,
	    strlen(f->address)) == 0))
		fprintf(out, " (%s)", f->target);
	fprintf(out, " port %d\n", f->port);

	/* The chain: IP -> PTR -> A/AAAA, one line per PTR name. */
	if (f->nfwd == 0)
		fprintf(out, "  chain:  %s -> PTR %s\n", f->address,
		    dns_outcome_name(f->ptr.outcome));
	for (size_t i = 0; i < f->nfwd; i++) {
		fprintf(out, "  chain:  %s -> %s -> ", f->address,
		    f->fwd[i].name);
		text_addrs(out, &f->fwd[i], f->af);
		fprintf(out, " %s%s%s\n", col(st, f->fwd[i].confirms ?
		    C_GREEN : C_RED), f->fwd[i].confirms ? "(confirmed)" :
		    "(does not lead back)", col(st, C_RESET));
	}
	if (f->smtp_skipped) {
		fputs("  smtp:   not checked\n", out);
	} else {
		fprintf(out, "  banner: %s", s->has_greeting ?
		    (s->banner_hostname[0] ? s->banner_hostname :
		    "(no hostname)") : "(no greeting)");
		if (s->greeting_ms >= 0)
			fprintf(out, "  %s[%ld ms]%s", col(st, C_DIM),
			    s->greeting_ms, col(st, C_RESET));
		fputc('\n', out);
		fprintf(out, "  ehlo:   %s\n", s->has_ehlo ?
		    (s->ehlo_hostname[0] ? s->ehlo_hostname : "(no hostname)") :
		    "(none)");
		fprintf(out, "  mta:    %s\n", mta ? mta : "unknown");
	}
	fprintf(out, "  iprev:  %s   aligned: %s%s%s\n",
	    iprev_result_name(v->iprev), col(st, v->aligned ? C_GREEN : C_RED),
	    v->aligned ? "yes" : "no", col(st, C_RESET));
	fputc('\n', out);
	for (size_t i = 0; i < v->findings.n; i++)
		report_text_finding(out, v->findings.v[i], st);
	fputc('\n', out);
}
