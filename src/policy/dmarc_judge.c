/* SPDX-License-Identifier: MIT */
/*
 * DMARC findings: what a discovery and a record mean for the domain's
 * mail, in the report's words, with the exact record to publish as the
 * fix. Pure: reads a finished struct dmarc_discovery or a parsed record.
 */
#include "policy/dmarc.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/util.h"

#define REF_TAGS	"RFC 9989 §4.7 (DMARC policy record tags)"
#define REF_7489_TAGS	"RFC 7489 §6.3"
#define REF_WALK	"RFC 9989 §4.10 (DNS tree walk)"
#define REF_7489_DISC	"RFC 7489 §6.6.3 (policy discovery)"
#define REF_EXTERNAL	"RFC 7489 §7.1 (verifying external destinations)"
#define REF_BULK	"https://support.google.com/a/answer/81126"
#define REF_YAHOO	"https://senders.yahooinc.com/best-practices/"

static void
trip_bulk(struct finding *f)
{
	finding_trip(f, "mailbox-providers", "Gmail and Yahoo bulk-sender "
	    "requirements (2024)", "senders of more than 5,000 messages a "
	    "day must publish DMARC (p=none at least); bulk mail from a "
	    "domain without it is rejected or filed as spam");
	finding_trip(f, "mailbox-providers", "Outlook.com high-volume sender "
	    "requirements (2025)", "high-volume senders without a DMARC "
	    "record (p=none at least) are junked, then rejected");
}

static void
trip_bimi(struct finding *f)
{
	finding_trip(f, "mailbox-providers", "BIMI logo display (Gmail, "
	    "Yahoo, Apple Mail)", "no brand logo is shown unless DMARC is at "
	    "enforcement (p=quarantine or p=reject)");
}

static void
fix_publish(struct finding *f, const char *policy_domain, const char *text)
{
	strvec_pushf(&f->remediation, "Publish this TXT record (replacing "
	    "any DMARC record there): _dmarc.%s. IN TXT \"%s\"",
	    policy_domain, text);
}

static char *
default_rua(const char *policy_domain)
{
	return xasprintf("mailto:dmarc-reports@%s", policy_domain);
}

/* The suggested record for rec, optionally with one policy changed. */
static char *
suggest(const struct dmarc_record *rec, const char *policy_domain)
{
	char *rua = default_rua(policy_domain), *s;

	s = dmarc_record_suggest(rec, rua);
	free(rua);
	return s;
}

static const char *
not_dmarc_hint(const char *text)
{
	size_t n = strlen(text);

	while (*text == ' ' || *text == '\t')
		text++;
	if (strncasecmp(text, "v=spf1", 6) == 0)
		return "This is an SPF record: it belongs at the domain "
		    "itself, not at _dmarc.";
	if (strncasecmp(text, "v=dmarc1", 8) == 0 &&
	    strncmp(text, "v=DMARC1", 8) != 0)
		return "The version is case-sensitive: it must be written "
		    "exactly v=DMARC1.";
	if (strncmp(text, "v=DMARC1", 8) == 0)
		return "After v=DMARC1 the next tag must be separated by "
		    "';' (v=DMARC1; p=...).";
	if (n > 0 && strstr(text, "DMARC1") != NULL)
		return "The record must begin with v=DMARC1 as its first "
		    "tag.";
	return "A DMARC record must begin with v=DMARC1.";
}

static void
judge_uris(const char *policy_domain, const struct dmarc_record *rec,
    const char *fix, struct finding_list *fl)
{
	static const enum dmarc_tag_id ids[] = { DMARC_TAG_RUA, DMARC_TAG_RUF };
	struct finding *f;
	bool sized = false;

	for (size_t k = 0; k < UTIL_ARRAY_LEN(ids); k++) {
		const struct policy_uri_list *l = ids[k] == DMARC_TAG_RUA ?
		    &rec->rua : &rec->ruf;
		const char *tag = dmarc_tag_name(ids[k]);

		for (size_t i = 0; i < l->n; i++) {
			const struct policy_uri *u = &l->v[i];

			sized |= u->has_size;
			if (!u->valid) {
				f = finding_add(fl, "dmarc.uri_invalid",
				    FINDING_FAIL, "%s address %s is invalid: %s",
				    tag, u->text, u->error);
				finding_explain(f, "Receivers cannot use this "
				    "address, so the reports asked for there "
				    "are never sent. A report address is a "
				    "URI: mailto: followed by the mailbox.");
				if (u->suggestion)
					strvec_pushf(&f->remediation, "Write "
					    "it as %s", u->suggestion);
				fix_publish(f, policy_domain, fix);
				strvec_push(&f->references, REF_TAGS);
				continue;
			}
			if (u->scheme != POLICY_URI_MAILTO) {
				f = finding_add(fl, "dmarc.uri_scheme",
				    FINDING_WARNING, "%s address %s is not "
				    "mailto:", tag, u->text);
				finding_explain(f, "Receivers must support "
				    "mailto: for reports; other schemes are "
				    "rarely supported and are ignored, so "
				    "these reports are probably lost.");
				strvec_push(&f->remediation, "Use a mailto: "
				    "address for reports.");
				strvec_push(&f->references, REF_TAGS);
			}
		}
		if (l->n > 2) {
			f = finding_add(fl, "dmarc.uri_many", FINDING_INFO,
			    "%s lists %zu addresses", tag, l->n);
			finding_explain(f, "Receivers may limit how many "
			    "addresses they send reports to (RFC 7489 "
			    "§6.2 lets them stop at two); put the important "
			    "ones first.");
			strvec_push(&f->references, REF_7489_TAGS);
		}
		if (l->truncated || l->empty_item) {
			f = finding_add(fl, "dmarc.uri_list", FINDING_INFO,
			    "%s has %s", tag, l->truncated ? "more than 16 "
			    "addresses (the rest were not checked)" :
			    "an empty entry between commas");
			finding_explain(f, "Separate report addresses with "
			    "single commas.");
		}
	}
	if (sized) {
		f = finding_add(fl, "dmarc.uri_size", FINDING_INFO, "A report "
		    "address carries a !size limit");
		finding_explain(f, "The \"!size\" suffix is obsolete in RFC "
		    "9989 and receivers following it ignore it; it does no "
		    "harm.");
		strvec_push(&f->references, "RFC 9989 §4.8");
	}
}

void
dmarc_judge_record(const char *domain, const char *policy_domain,
    const struct dmarc_record *rec, struct finding_list *fl)
{
	bool inherited = strcmp(domain, policy_domain) != 0;
	enum dmarc_policy applied = inherited ? rec->sp : rec->p;
	const char *atag = inherited ? (rec->tags[DMARC_TAG_SP].explicit ?
	    "sp" : "p") : "p";
	struct finding *f;
	char *fix;

	if (!rec->is_dmarc) {
		f = finding_add(fl, "dmarc.not_dmarc", FINDING_FAIL, "The "
		    "record does not start with v=DMARC1");
		finding_explain(f, "Receivers discard a TXT record at _dmarc "
		    "unless its first tag is exactly v=DMARC1. %s",
		    not_dmarc_hint(rec->text ? rec->text : ""));
		strvec_pushf(&f->evidence, "record: %s", rec->text ?
		    rec->text : "");
		fix = xasprintf("v=DMARC1; p=none; rua=mailto:dmarc-reports@%s",
		    policy_domain);
		fix_publish(f, policy_domain, fix);
		free(fix);
		strvec_push(&f->references, REF_TAGS);
		return;
	}
	fix = suggest(rec, policy_domain);

	if (rec->syntax.n > 0) {
		f = finding_add(fl, "dmarc.syntax", FINDING_FAIL, "The DMARC "
		    "record has syntax errors");
		finding_explain(f, "Receivers skip the broken parts and use "
		    "the defaults instead, so the record may not say what "
		    "you meant.");
		for (size_t i = 0; i < rec->syntax.n; i++)
			strvec_push(&f->evidence, rec->syntax.v[i]);
		fix_publish(f, policy_domain, fix);
		strvec_push(&f->references, "RFC 9989 §4.8");
		strvec_push(&f->references, "RFC 6376 §3.2");
	}
	if (rec->duplicates.n > 0) {
		f = finding_add(fl, "dmarc.tag_duplicate", FINDING_FAIL, "A "
		    "tag appears more than once");
		finding_explain(f, "A tag list may name each tag once; with "
		    "duplicates, receivers may take either value or discard "
		    "the record.");
		for (size_t i = 0; i < rec->duplicates.n; i++)
			strvec_pushf(&f->evidence, "repeated: %s",
			    rec->duplicates.v[i]);
		fix_publish(f, policy_domain, fix);
		strvec_push(&f->references, "RFC 6376 §3.2");
	}
	for (int i = DMARC_TAG_P; i < DMARC_TAG_COUNT; i++) {
		const struct dmarc_tag *t = &rec->tags[i];
		bool pol = i == DMARC_TAG_P || i == DMARC_TAG_SP ||
		    i == DMARC_TAG_NP;

		/* Report addresses get their own findings, one per URI. */
		if (!t->explicit || t->valid || i == DMARC_TAG_RUA ||
		    i == DMARC_TAG_RUF)
			continue;
		f = finding_add(fl, "dmarc.tag_invalid", FINDING_FAIL, "%s=%s "
		    "is invalid: %s", dmarc_tag_name((enum dmarc_tag_id)i),
		    t->value ? t->value : "", t->error ? t->error : "");
		if (pol)
			finding_explain(f, "With an invalid %s, receivers "
			    "read the whole record as p=none when rua holds a "
			    "usable address, and apply no DMARC at all "
			    "otherwise.", dmarc_tag_name((enum dmarc_tag_id)i));
		else
			finding_explain(f, "Receivers ignore an invalid tag "
			    "and use its default instead.");
		fix_publish(f, policy_domain, fix);
		strvec_push(&f->references, REF_TAGS);
	}
	if (rec->ignored) {
		f = finding_add(fl, "dmarc.ignored", FINDING_FAIL, "Receivers "
		    "apply no DMARC: no valid p and no usable rua");
		finding_explain(f, "A record without a valid policy counts as "
		    "p=none only when it asks for aggregate reports at a "
		    "usable address; this one does not, so for receivers "
		    "the domain has no DMARC.");
		fix_publish(f, policy_domain, fix);
		strvec_push(&f->references, "RFC 9989 §4.10.1");
		trip_bulk(f);
	} else if (rec->p_missing) {
		f = finding_add(fl, "dmarc.p_missing", FINDING_WARNING, "The "
		    "record has no p tag");
		finding_explain(f, "RFC 7489 requires p=; RFC 9989 reads a "
		    "record without it as p=none because it has a usable "
		    "rua. Say what you mean explicitly.");
		fix_publish(f, policy_domain, fix);
		strvec_push(&f->references, REF_TAGS);
		strvec_push(&f->references, REF_7489_TAGS);
	}
	if (rec->p_not_second && rec->tags[DMARC_TAG_P].valid) {
		f = finding_add(fl, "dmarc.p_order", FINDING_WARNING, "p is "
		    "not the second tag");
		finding_explain(f, "RFC 7489's grammar puts p right after v; "
		    "RFC 9989 allows any order, but strict RFC 7489 parsers "
		    "still reject the record.");
		fix_publish(f, policy_domain, fix);
		strvec_push(&f->references, REF_7489_TAGS);
	}

	/* The policy that applies to mail from domain. */
	if (applied == DMARC_POLICY_NONE || rec->unenforced) {
		f = finding_add(fl, "dmarc.policy", FINDING_WARNING, "Policy "
		    "for %s is none: monitoring only", domain);
		finding_explain(f, "%s=none asks receivers to do nothing "
		    "special with mail that fails DMARC, so mail forged in "
		    "your name is delivered as usual. It is the right start "
		    "while you read the aggregate reports; once all your "
		    "legitimate mail passes, move to quarantine, then "
		    "reject.", atag);
		if (!rec->ignored) {
			struct dmarc_record tmp = *rec;
			char *q;

			/* Same record with the policy raised one step. */
			tmp.tags[DMARC_TAG_P].explicit = true;
			tmp.tags[DMARC_TAG_P].valid = true;
			tmp.p = DMARC_POLICY_QUARANTINE;
			tmp.tags[DMARC_TAG_SP].explicit = false;
			q = dmarc_record_suggest(&tmp, NULL);
			if (strstr(q, "rua=") == NULL) {
				free(q);
				q = suggest(&tmp, policy_domain);
			}
			strvec_pushf(&f->remediation, "When the reports show "
			    "all your mail passing: _dmarc.%s. IN TXT \"%s\"",
			    policy_domain, q);
			strvec_push(&f->remediation, "Later, the same with "
			    "p=reject.");
			free(q);
		}
		trip_bimi(f);
		strvec_push(&f->references, REF_TAGS);
	} else {
		f = finding_add(fl, "dmarc.policy", FINDING_PASS, "Policy for "
		    "%s is %s", domain, dmarc_policy_name(applied));
		finding_explain(f, "Mail that fails DMARC is %s by receivers "
		    "that honour the policy.", applied == DMARC_POLICY_REJECT ?
		    "refused" : "put in quarantine (the spam folder)");
	}
	if (inherited)
		strvec_pushf(&f->evidence, "from %s of _dmarc.%s", atag,
		    policy_domain);

	if (!rec->unenforced && rec->p >= DMARC_POLICY_QUARANTINE &&
	    rec->tags[DMARC_TAG_SP].explicit && rec->sp < rec->p) {
		f = finding_add(fl, "dmarc.subdomain_weaker", FINDING_WARNING,
		    "Subdomains get a weaker policy: sp=%s under p=%s",
		    dmarc_policy_name(rec->sp), dmarc_policy_name(rec->p));
		finding_explain(f, "Mail claiming to come from any subdomain "
		    "of %s gets the weaker policy, so forgers use a "
		    "subdomain.", policy_domain);
		strvec_pushf(&f->remediation, "Remove sp= (subdomains then "
		    "get p=%s), or raise it once subdomain mail passes.",
		    dmarc_policy_name(rec->p));
		strvec_push(&f->references, REF_TAGS);
	}
	if (!rec->unenforced && rec->tags[DMARC_TAG_NP].explicit &&
	    rec->np < rec->sp) {
		f = finding_add(fl, "dmarc.np_weaker", FINDING_WARNING,
		    "Non-existent subdomains get a weaker policy: np=%s",
		    dmarc_policy_name(rec->np));
		finding_explain(f, "Names that do not even exist in DNS are a "
		    "forger's favourite; np should be at least as strict as "
		    "sp (%s).", dmarc_policy_name(rec->sp));
		strvec_push(&f->remediation, "Set np=reject: nobody sends "
		    "legitimate mail from names that do not exist.");
		strvec_push(&f->references, REF_TAGS);
	}
	if (rec->tags[DMARC_TAG_PCT].explicit &&
	    rec->tags[DMARC_TAG_PCT].valid && rec->pct < 100 &&
	    rec->p >= DMARC_POLICY_QUARANTINE) {
		f = finding_add(fl, "dmarc.pct_partial", FINDING_WARNING,
		    "pct=%d: the policy covers only part of failing mail",
		    rec->pct);
		finding_explain(f, "RFC 7489 receivers apply the policy to "
		    "%d%% of failing mail and the next weaker one to the "
		    "rest. RFC 9989 dropped pct (use t=y to test), and "
		    "BIMI requires pct=100.", rec->pct);
		strvec_push(&f->remediation, "Remove pct (it defaults to "
		    "100) once you are confident.");
		strvec_push(&f->references, REF_7489_TAGS);
	}
	{
		static const enum dmarc_tag_id obs[] = {
			DMARC_TAG_PCT, DMARC_TAG_RF, DMARC_TAG_RI,
		};

		f = NULL;
		for (size_t i = 0; i < UTIL_ARRAY_LEN(obs); i++) {
			const struct dmarc_tag *t = &rec->tags[obs[i]];

			if (!t->explicit)
				continue;
			if (f == NULL) {
				f = finding_add(fl, "dmarc.tag_obsolete",
				    FINDING_INFO, "Tags removed by RFC 9989 are "
				    "present");
				finding_explain(f, "RFC 9989 removed pct, rf and "
				    "ri; receivers following it ignore them "
				    "(older ones still read them). t=y replaces "
				    "pct for testing.");
				strvec_push(&f->references, "RFC 9989 "
				    "Appendix C");
			}
			strvec_pushf(&f->evidence, "%s=%s",
			    dmarc_tag_name(obs[i]), t->value);
		}
	}
	if (rec->testing) {
		f = finding_add(fl, "dmarc.testing", FINDING_WARNING, "t=y: "
		    "the policy is in test mode");
		finding_explain(f, "With t=y, RFC 9989 receivers apply one "
		    "level less than the policy says (reject acts as "
		    "quarantine, quarantine as none).");
		strvec_push(&f->remediation, "Remove t=y when the test is "
		    "over.");
		strvec_push(&f->references, REF_TAGS);
	}
	if (!rec->tags[DMARC_TAG_RUA].explicit) {
		f = finding_add(fl, "dmarc.rua_missing", FINDING_WARNING, "No "
		    "aggregate reports are asked for (no rua)");
		finding_explain(f, "Without rua, receivers send no aggregate "
		    "reports, so you cannot see who sends mail in your name "
		    "or which of your own streams fail.");
		fix_publish(f, policy_domain, fix);
		strvec_push(&f->references, REF_TAGS);
	}
	judge_uris(policy_domain, rec, fix, fl);
	if (rec->tags[DMARC_TAG_FO].explicit && !rec->tags[DMARC_TAG_RUF].explicit) {
		f = finding_add(fl, "dmarc.fo_without_ruf", FINDING_INFO, "fo "
		    "is set but there is no ruf");
		finding_explain(f, "fo only shapes failure reports, which go "
		    "to ruf addresses; without ruf it does nothing.");
		strvec_push(&f->references, REF_TAGS);
	}
	if (rec->adkim == 's' || rec->aspf == 's') {
		f = finding_add(fl, "dmarc.strict_alignment", FINDING_INFO,
		    "Strict alignment (%s%s%s)", rec->adkim == 's' ?
		    "adkim=s" : "", rec->adkim == 's' && rec->aspf == 's' ?
		    ", " : "", rec->aspf == 's' ? "aspf=s" : "");
		finding_explain(f, "Strict alignment needs the DKIM d= / SPF "
		    "domain to equal the From domain exactly; mail signed "
		    "or sent with a subdomain (or the parent) fails DMARC.");
		strvec_push(&f->references, REF_TAGS);
	}
	if (rec->unknown.n > 0) {
		f = finding_add(fl, "dmarc.tag_unknown", FINDING_INFO, "Unknown "
		    "tags are ignored");
		finding_explain(f, "Receivers ignore tags DMARC does not "
		    "define; check for typing mistakes.");
		for (size_t i = 0; i < rec->unknown.n; i++)
			strvec_pushf(&f->evidence, "unknown: %s",
			    rec->unknown.v[i]);
		strvec_push(&f->references, REF_TAGS);
	}
	if (rec->tags[DMARC_TAG_PSD].explicit && rec->psd != 'u') {
		f = finding_add(fl, "dmarc.psd", FINDING_INFO, "psd=%c: %s",
		    rec->psd, rec->psd == 'y' ? "the record declares a public "
		    "suffix domain" : "the record declares an organizational "
		    "domain");
		finding_explain(f, "%s", rec->psd == 'y' ? "Only operators of "
		    "public suffixes (registries) should publish psd=y; for "
		    "the tree walk it makes the name below the "
		    "organizational domain." : "The tree walk stops here: "
		    "this name is the organizational domain of everything "
		    "below it.");
		strvec_push(&f->references, REF_WALK);
	}
	free(fix);
}

static void
judge_levels(const struct dmarc_discovery *d, struct finding_list *fl)
{
	bool seen[DMARC_LEVELS_MAX] = { false };
	const struct dmarc_method *ms[2] = { &d->walk, &d->psl };

	for (size_t k = 0; k < 2; k++)
		for (size_t s = 0; s < ms[k]->nsteps; s++)
			seen[ms[k]->steps[s]] = true;
	for (size_t i = 0; i < d->nlevels; i++) {
		const struct dmarc_level *lv = &d->levels[i];
		struct finding *f;

		if (!seen[i] || !lv->done)
			continue;
		if (lv->ndmarc > 1) {
			f = finding_add(fl, "dmarc.multiple", FINDING_FAIL,
			    "%zu DMARC records at %s", lv->ndmarc, lv->qname);
			finding_explain(f, "With more than one DMARC record at a "
			    "name, receivers discard them all: RFC 9989 goes on "
			    "up the tree, RFC 7489 stops with no policy.");
			for (size_t t = 0; t < lv->dmarc_texts.n; t++)
				strvec_pushf(&f->evidence, "record: %s",
				    lv->dmarc_texts.v[t]);
			strvec_pushf(&f->remediation, "Keep exactly one "
			    "v=DMARC1 record at %s and delete the others.",
			    lv->qname);
			strvec_push(&f->references, REF_WALK);
			strvec_push(&f->references, REF_7489_DISC);
		} else if (lv->ndmarc == 0 && lv->other_texts.n > 0) {
			f = finding_add(fl, "dmarc.not_dmarc", i == 0 ?
			    FINDING_FAIL : FINDING_WARNING, "TXT at %s that is "
			    "not a DMARC record", lv->qname);
			finding_explain(f, "Receivers discard TXT records at "
			    "_dmarc that do not start with v=DMARC1. %s",
			    not_dmarc_hint(lv->other_texts.v[0]));
			for (size_t t = 0; t < lv->other_texts.n; t++)
				strvec_pushf(&f->evidence, "record: %s",
				    lv->other_texts.v[t]);
			strvec_push(&f->references, REF_TAGS);
		}
		if (!dns_outcome_is_temporary(lv->outcome) &&
		    lv->outcome != DNS_OUT_ANSWER &&
		    lv->outcome != DNS_OUT_NODATA &&
		    lv->outcome != DNS_OUT_NXDOMAIN) {
			f = finding_add(fl, "dmarc.dns_error", FINDING_PERMERROR,
			    "The DNS answer for %s is unusable (%s)", lv->qname,
			    dns_outcome_name(lv->outcome));
			finding_explain(f, "The server answered in a way that "
			    "will not change on retry; receivers treat the name "
			    "as having no DMARC record.");
			strvec_push(&f->remediation, "Fix the zone or the "
			    "server that serves this name.");
		}
	}
}

static void
method_evidence(struct finding *f, const struct dmarc_discovery *d,
    const struct dmarc_method *m, const char *label)
{
	char *steps = xstrdup("");

	for (size_t i = 0; i < m->nsteps; i++) {
		const struct dmarc_level *lv = &d->levels[m->steps[i]];
		char *next = xasprintf("%s%s%s (%s)", steps, i ? ", " : "",
		    lv->qname, lv->has_record ? "record" : lv->ndmarc > 1 ?
		    "several records" : dns_outcome_name(lv->outcome));

		free(steps);
		steps = next;
	}
	strvec_pushf(&f->evidence, "%s: %s; organizational domain %s; %s",
	    label, dmarc_result_name(m->result), m->org_domain[0] ?
	    m->org_domain : "(unknown)", m->policy_level >= 0 ?
	    d->levels[m->policy_level].qname : "no record");
	strvec_pushf(&f->evidence, "%s asked: %s", label, steps[0] ? steps :
	    "nothing");
	free(steps);
}

static void
judge_compare(const struct dmarc_discovery *d, struct finding_list *fl)
{
	struct finding *f;

	if (d->psl.result == DMARC_RESULT_UNAVAILABLE) {
		f = finding_add(fl, "dmarc.psl_unavailable", FINDING_INFO,
		    "The RFC 7489 method was not checked: no public suffix "
		    "list");
		finding_explain(f, "Without a public suffix list, mxdiag "
		    "cannot say what receivers still on RFC 7489 find.");
		return;
	}
	if (!d->compared)
		return;
	if (d->agree) {
		f = finding_add(fl, "dmarc.discovery_agree", FINDING_PASS,
		    "The tree walk (RFC 9989) and the public suffix method "
		    "(RFC 7489) agree");
		finding_explain(f, "Receivers of either generation find the "
		    "same policy.");
	} else if (d->same_record) {
		/* Same policy, different organizational domain: only relaxed
		 * alignment differs. */
		f = finding_add(fl, "dmarc.discovery_org_differs", FINDING_INFO,
		    "Same record, but the tree walk and the public suffix list "
		    "give different organizational domains (%s, %s)",
		    d->walk.org_domain, d->psl.org_domain);
		finding_explain(f, "Both generations of receivers apply the "
		    "same policy; they differ on relaxed alignment: a DKIM or "
		    "SPF domain under %s but outside %s aligns for one and "
		    "not the other.", d->psl.org_domain[0] ?
		    d->psl.org_domain : "the PSL organizational domain",
		    d->walk.org_domain);
		strvec_push(&f->remediation, "Sign and send with the From "
		    "domain itself (or a subdomain of it) so alignment holds "
		    "either way.");
		strvec_push(&f->references, "RFC 9989 §4.10.2");
		strvec_push(&f->references, "RFC 7489 §3.2");
	} else {
		f = finding_add(fl, "dmarc.discovery_disagree", FINDING_WARNING,
		    "The tree walk (RFC 9989) and the public suffix method "
		    "(RFC 7489) find different records");
		finding_explain(f, "Receivers that follow RFC 9989 and those "
		    "still on RFC 7489 apply different policies to mail from "
		    "this domain.%s", d->walk.result == DMARC_RESULT_FOUND &&
		    d->psl.result == DMARC_RESULT_NONE ? " Older receivers find "
		    "no policy at all." : "");
		strvec_pushf(&f->remediation, "Publish the record you want at "
		    "_dmarc.%s itself: both methods look there first.",
		    d->domain);
		strvec_push(&f->references, REF_WALK);
		strvec_push(&f->references, REF_7489_DISC);
	}
	method_evidence(f, d, &d->walk, "tree walk");
	method_evidence(f, d, &d->psl, "PSL method");
	if (d->psl_source[0])
		strvec_pushf(&f->evidence, "public suffix list: %s",
		    d->psl_source);
}

static void
judge_reports(const struct dmarc_discovery *d, struct finding_list *fl)
{
	for (size_t i = 0; i < d->nreports; i++) {
		const struct dmarc_report_check *rc = &d->reports[i];
		const char *tag = rc->ruf ? "ruf" : "rua";
		struct finding *f;

		switch (rc->state) {
		case DMARC_AUTH_INTERNAL:
			continue;
		case DMARC_AUTH_OK:
			f = finding_add(fl, "dmarc.report_authorized",
			    FINDING_PASS, "%s %s: %s accepts reports for %s",
			    tag, rc->uri, rc->host, d->policy_domain);
			break;
		case DMARC_AUTH_MISSING:
			f = finding_add(fl, "dmarc.report_unauthorized",
			    FINDING_FAIL, "%s %s: %s has not authorized "
			    "reports for %s", tag, rc->uri, rc->host,
			    d->policy_domain);
			finding_explain(f, "Reports to another organization's "
			    "domain are only sent when that domain publishes "
			    "%s with v=DMARC1; it does not, so receivers "
			    "send no %s reports there.", rc->qname,
			    rc->ruf ? "failure" : "aggregate");
			strvec_pushf(&f->remediation, "Ask the operator of %s "
			    "to publish: %s. IN TXT \"v=DMARC1;\" (or "
			    "*._report._dmarc.%s for every domain).", rc->host,
			    rc->qname, rc->host);
			strvec_push(&f->remediation, "Or send the reports to "
			    "an address in your own domain.");
			break;
		case DMARC_AUTH_TEMPERROR:
			f = finding_add(fl, "dmarc.report_temperror",
			    FINDING_TEMPERROR, "%s %s: the authorization "
			    "lookup failed temporarily", tag, rc->uri);
			finding_explain(f, "Whether %s accepts these reports "
			    "could not be checked; run again later.",
			    rc->host);
			break;
		case DMARC_AUTH_ERROR:
		default:
			f = finding_add(fl, "dmarc.report_error",
			    FINDING_PERMERROR, "%s %s: the authorization "
			    "cannot be checked", tag, rc->uri);
			finding_explain(f, "Receivers cannot confirm that %s "
			    "accepts these reports, so they send none.",
			    rc->host);
			break;
		}
		if (rc->qname)
			strvec_pushf(&f->evidence, "%s: %s", rc->qname,
			    rc->detail);
		strvec_push(&f->references, REF_EXTERNAL);
	}
	if (d->reports_truncated) {
		struct finding *f = finding_add(fl, "dmarc.uri_list",
		    FINDING_INFO, "Only the first %d report addresses were "
		    "checked", DMARC_REPORTS_MAX);

		finding_explain(f, "Receivers rarely use more than two.");
	}
}

void
dmarc_judge(const struct dmarc_discovery *d, struct finding_list *fl)
{
	struct finding *f;
	const struct dmarc_level *home = &d->levels[0];

	if (d->draft) {
		f = finding_add(fl, "dmarc.draft", FINDING_INFO, "Judging a "
		    "draft record for _dmarc.%s (not published)", d->domain);
		finding_explain(f, "The findings below are about the draft "
		    "as if it were published at _dmarc.%s; report "
		    "destinations were checked live.", d->domain);
		if (home->has_record)
			strvec_pushf(&f->evidence, "published now: %s",
			    home->record.text);
		else if (d->walk.result == DMARC_RESULT_FOUND)
			strvec_pushf(&f->evidence, "published now: nothing at "
			    "_dmarc.%s; inherited from %s", d->domain,
			    d->levels[d->walk.policy_level].qname);
		else
			strvec_pushf(&f->evidence, "published now: %s",
			    d->walk.result == DMARC_RESULT_TEMPERROR ?
			    "(lookup failed temporarily)" : "nothing");
		dmarc_judge_record(d->domain, d->domain, &d->draft_record, fl);
		judge_reports(d, fl);
		return;
	}
	judge_levels(d, fl);
	if (d->walk.result == DMARC_RESULT_TEMPERROR) {
		const struct dmarc_level *lv = &d->levels[d->walk.temp_level];

		f = finding_add(fl, "dmarc.temperror", FINDING_TEMPERROR,
		    "The DMARC lookup of %s failed temporarily", d->domain);
		finding_explain(f, "A DNS query of the discovery got no "
		    "answer, so the policy is unknown; receivers in the same "
		    "state defer or accept the mail, they do not treat it as "
		    "having no DMARC.");
		strvec_pushf(&f->evidence, "%s: %s%s%s%s", lv->qname,
		    dns_outcome_name(lv->outcome), lv->error[0] ? " (" : "",
		    lv->error, lv->error[0] ? ")" : "");
		strvec_push(&f->remediation, "Run the check again; if it "
		    "persists, check the domain's name servers.");
		strvec_push(&f->references, REF_WALK);
		return;
	}
	if (d->record == NULL) {
		char *rec = xasprintf("v=DMARC1; p=none; "
		    "rua=mailto:dmarc-reports@%s", d->domain);

		f = finding_add(fl, "dmarc.none", FINDING_FAIL, "No DMARC "
		    "record for %s", d->domain);
		finding_explain(f, "Neither %s nor a parent domain publishes "
		    "a DMARC record, so receivers cannot tell forged mail "
		    "from yours, and large mailbox providers penalise bulk "
		    "mail without one.", d->domain);
		fix_publish(f, d->domain, rec);
		strvec_push(&f->remediation, "Read the aggregate reports for "
		    "a few weeks, fix any of your mail that fails, then "
		    "move to p=quarantine and p=reject.");
		for (size_t i = 0; i < d->walk.nsteps; i++) {
			const struct dmarc_level *lv =
			    &d->levels[d->walk.steps[i]];

			strvec_pushf(&f->evidence, "%s: %s", lv->qname,
			    lv->ndmarc > 1 ? "several records (discarded)" :
			    dns_outcome_name(lv->outcome));
		}
		trip_bulk(f);
		strvec_push(&f->references, REF_WALK);
		strvec_push(&f->references, REF_BULK);
		strvec_push(&f->references, REF_YAHOO);
		free(rec);
	} else {
		f = finding_add(fl, "dmarc.record", FINDING_PASS, "DMARC record "
		    "at _dmarc.%s", d->policy_domain);
		strvec_pushf(&f->evidence, "record: %s", d->record->text);
		if (strcmp(d->policy_domain, d->domain) != 0) {
			f = finding_add(fl, "dmarc.inherited", FINDING_INFO,
			    "%s has no DMARC record of its own: the one at "
			    "_dmarc.%s applies", d->domain, d->policy_domain);
			finding_explain(f, "Mail from %s gets the %s record's "
			    "%s policy (%s).%s", d->domain, d->walk.psd_policy ?
			    "public suffix" : "organizational domain",
			    d->applied_tag, dmarc_policy_name(d->applied),
			    d->walk.psd_policy ? " A policy from a public "
			    "suffix operator is a last resort; publish your "
			    "own." : "");
			strvec_push(&f->references, REF_WALK);
		}
		dmarc_judge_record(d->domain, d->policy_domain, d->record, fl);
	}
	judge_compare(d, fl);
	if (policy_domain_labels(d->domain) > ORGDOMAIN_WALK_LABELS) {
		f = finding_add(fl, "dmarc.walk_shortcut", FINDING_INFO, "%s "
		    "has more than %d labels: the tree walk skips names",
		    d->domain, ORGDOMAIN_WALK_LABELS);
		finding_explain(f, "RFC 9989 limits a walk to eight queries, "
		    "so records between %s and its last seven labels are "
		    "never found.", d->domain);
		strvec_pushf(&f->remediation, "Publish a record at _dmarc.%s "
		    "itself if it needs its own policy.", d->domain);
		strvec_push(&f->references, REF_WALK);
	}
	judge_reports(d, fl);
}
