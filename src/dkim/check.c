/* SPDX-License-Identifier: MIT */
/*
 * The DKIM report's life: which selectors to ask (the user's, or the
 * providers' defaults), every TXT lookup in flight at once, and the
 * judgement once the last answer is in.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dkim/dkim.h"
#include "smtp/reply.h"
#include "util/util.h"

/*
 * Selectors that mail providers publish by default, most common first.
 * Sources: the providers' setup guides (Google Workspace "google";
 * Microsoft 365 "selector1"/"selector2" CNAMEs; Mailchimp "k1"-"k3";
 * Mandrill "mandrill"; SendGrid "s1"/"s2" and the older "smtpapi";
 * Fastmail "fm1"-"fm3"; Proton "protonmail"-"protonmail3"; iCloud
 * "sig1"; Yahoo "s1024"/"s2048"; Zendesk "zendesk1"/"zendesk2"; Everlytic
 * "everlytickey1"/"everlytickey2"; Global Micro "mxvault"; Hetzner and
 * many control panels "dkim"/"default"; Mailjet "mailjet"). Providers
 * that generate random selectors (Amazon SES, Postmark, SparkPost) cannot
 * be guessed; docs/findings-dkim.md says so.
 */
static const char *const dkim_defaults[] = {
	"google", "selector1", "selector2", "k1", "k2", "k3", "mandrill",
	"s1", "s2", "smtpapi", "default", "dkim", "mail", "email", "smtp",
	"fm1", "fm2", "fm3", "protonmail", "protonmail2", "protonmail3",
	"sig1", "s1024", "s2048", "zendesk1", "zendesk2", "everlytickey1",
	"everlytickey2", "mxvault", "mailjet", "key1", "key2",
};

const char *const *
dkim_default_selectors(size_t *n)
{
	*n = sizeof(dkim_defaults) / sizeof(dkim_defaults[0]);
	return dkim_defaults;
}

bool
dkim_selector_valid(const char *s)
{
	size_t len = strlen(s), label = 0;

	if (len == 0 || len > DKIM_SELECTOR_LEN_MAX)
		return false;
	for (size_t i = 0; i <= len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '.' || c == '\0') {
			if (label == 0 || label > 63 || s[i - 1] == '-')
				return false;
			label = 0;
			continue;
		}
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_'))
			return false;
		if (label == 0 && c == '-')
			return false;
		label++;
	}
	return true;
}

struct dkim_report *
dkim_report_new(const char *domain, const char *const *selectors, size_t n,
    char *err, size_t errlen)
{
	struct dkim_report *rep;
	char dom[256];
	size_t dlen;

	dlen = strlen(domain);
	if (dlen == 0 || dlen >= sizeof(dom) || !smtp_hostname_valid(domain)) {
		snprintf(err, errlen, "\"%.64s\" is not a domain name", domain);
		return NULL;
	}
	memcpy(dom, domain, dlen + 1);
	if (dom[dlen - 1] == '.')
		dom[--dlen] = '\0';
	if (n > DKIM_SELECTORS_MAX) {
		snprintf(err, errlen, "at most %d selectors", DKIM_SELECTORS_MAX);
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		if (!dkim_selector_valid(selectors[i])) {
			snprintf(err, errlen, "\"%.64s\" is not a valid selector "
			    "(labels of letters, digits, '-', '_')",
			    selectors[i]);
			return NULL;
		}
		/* SELECTOR._domainkey.DOMAIN must fit in 253 octets. */
		if (strlen(selectors[i]) + 12 + dlen > 253) {
			snprintf(err, errlen, "selector \"%.64s\" makes the "
			    "name too long", selectors[i]);
			return NULL;
		}
	}
	rep = xcalloc(1, sizeof(*rep));
	rep->domain = xstrdup(dom);
	rep->explicit_selectors = n > 0;
	if (n == 0)
		selectors = dkim_default_selectors(&n);
	rep->n = n;
	rep->sel = xcalloc(n, sizeof(*rep->sel));
	for (size_t i = 0; i < n; i++) {
		rep->sel[i].selector = xstrdup(selectors[i]);
		rep->sel[i].name = xasprintf("%s._domainkey.%s", selectors[i],
		    rep->domain);
		rep->sel[i].status = FINDING_SKIPPED;
	}
	return rep;
}

void
dkim_report_free(struct dkim_report *rep)
{
	if (rep == NULL)
		return;
	for (size_t i = 0; i < rep->n; i++) {
		struct dkim_selector *s = &rep->sel[i];

		free(s->selector);
		free(s->name);
		dns_answer_clear(&s->ans);
		free(s->record);
		dkim_key_record_clear(&s->rec);
		finding_list_clear(&s->findings);
	}
	free(rep->sel);
	finding_list_clear(&rep->findings);
	free(rep->domain);
	free(rep);
}

struct dkim_query {
	struct dkim_report	*rep;
	size_t			 idx;
};

static void
dkim_lookup_done(const struct dns_answer *ans, void *arg)
{
	struct dkim_query *q = arg;
	struct dkim_report *rep = q->rep;

	dkim_report_judge_answer(rep, q->idx, ans);
	free(q);
	if (--rep->pending > 0)
		return;
	dkim_report_finish(rep);
	rep->done_cb(rep, rep->done_arg);
}

void
dkim_report_lookup(struct dkim_report *rep, struct dns_lookup *lk,
    void (*cb)(struct dkim_report *, void *), void *arg)
{
	rep->done_cb = cb;
	rep->done_arg = arg;
	/* Count first: a lookup implementation may not call back from
	 * inside query(), but counting up front keeps us safe anyway. */
	rep->pending = rep->n;
	for (size_t i = 0; i < rep->n; i++) {
		struct dkim_query *q = xcalloc(1, sizeof(*q));

		q->rep = rep;
		q->idx = i;
		dns_lookup_query(lk, rep->sel[i].name, DNS_T_TXT,
		    dkim_lookup_done, q);
	}
}
