/* SPDX-License-Identifier: MIT */
/*
 * BIMI assertion records, their discovery, and the findings, including the
 * DMARC prerequisite: BIMI is only processed for mail whose DMARC policy is
 * at enforcement (p and sp not none, pct=100 where given).
 */
#include "policy/bimi.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/util.h"

#define REF_BIMI	"draft-brand-indicators-for-message-identification " \
			"(Assertion Record)"
#define REF_BIMI_AUTH	"draft-brand-indicators-for-message-identification " \
			"(Authentication Requirements)"
#define REF_BIMI_DISC	"draft-brand-indicators-for-message-identification " \
			"(Assertion Record Discovery)"

static bool
ends_with(const char *s, size_t len, const char *suffix)
{
	size_t n = strlen(suffix);

	return len >= n && strncasecmp(s + len - n, suffix, n) == 0;
}

/* The path of an https URL up to any query or fragment. */
static size_t
path_len(const char *path)
{
	size_t n = strcspn(path, "?#");

	return n;
}

static enum bimi_format
format_of(const struct policy_uri *u)
{
	static const char *const images[] = {
		".png", ".jpg", ".jpeg", ".gif", ".webp", ".bmp", ".ico",
		".tif", ".tiff",
	};
	size_t n;

	if (u->path == NULL)
		return BIMI_FMT_UNKNOWN;
	n = path_len(u->path);
	if (ends_with(u->path, n, ".svg"))
		return BIMI_FMT_SVG;
	if (ends_with(u->path, n, ".svgz"))
		return BIMI_FMT_SVGZ;
	for (size_t i = 0; i < UTIL_ARRAY_LEN(images); i++)
		if (ends_with(u->path, n, images[i]))
			return BIMI_FMT_OTHER_IMAGE;
	return BIMI_FMT_UNKNOWN;
}

static const char *
https_problem(const struct policy_uri *u)
{
	if (!u->valid)
		return u->error;
	if (u->scheme != POLICY_URI_HTTPS)
		return "must be an https: URL";
	return NULL;
}

bool
bimi_record_parse(const char *text, size_t len, struct bimi_record *r)
{
	static const struct tagvalue_limits lim = {
		TAGVALUE_INPUT_MAX, TAGVALUE_TAGS_MAX, TAGVALUE_NAME_MAX,
		TAGVALUE_VALUE_MAX, true,
	};
	struct tagvalue_list tl;
	const struct tagvalue_tag *t;
	bool l_empty = true, a_empty = true;

	memset(r, 0, sizeof(*r));
	r->text = policy_printable_dup(text, len);
	tagvalue_parse(text, len, &lim, &tl);
	t = tl.ntags > 0 ? &tl.tags[0] : NULL;
	if (t == NULL || (t->flags & TAGVALUE_F_ERRORS) ||
	    strcmp(t->name, "v") != 0 || t->value_len != 5 ||
	    memcmp(t->value, "BIMI1", 5) != 0) {
		tagvalue_list_clear(&tl);
		return false;
	}
	r->is_bimi = true;
	if (tl.flags & TAGVALUE_L_EMPTY_SPEC)
		strvec_push(&r->syntax, "an empty tag between two ';'");
	if (tl.status == TAGVALUE_E_TOOMANY)
		strvec_push(&r->syntax, "too many tags (the rest ignored)");
	for (size_t i = 1; i < tl.ntags; i++) {
		char *pname;

		t = &tl.tags[i];
		pname = policy_printable_dup(t->name, t->name_len);
		if (t->flags & TAGVALUE_F_ERRORS)
			strvec_pushf(&r->syntax, "\"%s\": %s", pname,
			    tagvalue_problem(t->flags));
		else if (strcasecmp(t->name, "l") == 0) {
			r->has_l = true;
			l_empty = t->value_len == 0;
			if (!l_empty)
				policy_uri_list_parse(t->value, t->value_len,
				    0, &r->l);
		} else if (strcasecmp(t->name, "a") == 0) {
			a_empty = t->value_len == 0;
			if (!a_empty) {
				r->has_a = true;
				policy_uri_parse(t->value, t->value_len, 0,
				    &r->a);
			}
		} else if (strcasecmp(t->name, "avp") == 0) {
			if (!policy_word_eq(t->value, t->value_len, "brand") &&
			    !policy_word_eq(t->value, t->value_len, "personal"))
				strvec_pushf(&r->syntax, "\"avp\": must be "
				    "brand or personal");
		} else {
			strvec_push(&r->unknown, pname);
		}
		free(pname);
	}
	tagvalue_list_clear(&tl);

	r->declined = l_empty && a_empty;
	if (!r->has_l && !r->declined) {
		r->l_error = xstrdup("l= is required (an https URL of the SVG "
		    "logo)");
	} else if (r->has_l && !l_empty) {
		const char *why;

		if (r->l.n == 0)
			r->l_error = xstrdup("l= holds no URL");
		else if (r->l.n > 1)
			r->l_error = xstrdup("l= must hold a single URL");
		else if ((why = https_problem(&r->l.v[0])) != NULL)
			r->l_error = xstrdup(why);
		if (r->l.n > 0 && r->l.v[0].valid)
			r->format = format_of(&r->l.v[0]);
		if (r->l_error == NULL && r->format == BIMI_FMT_OTHER_IMAGE)
			r->l_error = xstrdup("the logo must be SVG (Tiny "
			    "PS), not another image format");
	}
	if (r->has_a) {
		const char *why = https_problem(&r->a);

		if (why != NULL)
			r->a_error = xstrdup(why);
		else if (r->a.path == NULL ||
		    !ends_with(r->a.path, path_len(r->a.path), ".pem"))
			r->a_not_pem = true;
	}
	r->valid = r->syntax.n == 0 && r->l_error == NULL &&
	    r->a_error == NULL;
	return true;
}

void
bimi_record_clear(struct bimi_record *r)
{
	if (r == NULL)
		return;
	free(r->text);
	policy_uri_list_clear(&r->l);
	policy_uri_clear(&r->a);
	free(r->l_error);
	free(r->a_error);
	strvec_clear(&r->unknown);
	strvec_clear(&r->syntax);
	memset(r, 0, sizeof(*r));
}

void
bimi_lookup_set_answer(struct bimi_lookup *bl, const struct dns_answer *ans)
{
	size_t n = policy_txt_count(ans);

	bl->done = true;
	bl->outcome = ans->outcome;
	snprintf(bl->error, sizeof(bl->error), "%s", ans->error);
	for (size_t i = 0; i < n; i++) {
		const struct dns_rr *rr = policy_txt_get(ans, i);
		struct bimi_record rec;
		char *p = policy_printable_dup(rr->u.txt.data, rr->u.txt.len);

		if (bimi_record_parse(rr->u.txt.data, rr->u.txt.len, &rec)) {
			if (bl->nbimi++ == 0)
				bl->record = rec;
			else
				bimi_record_clear(&rec);
			strvec_push(&bl->texts, p);
		} else {
			bimi_record_clear(&rec);
			strvec_push(&bl->others, p);
		}
		free(p);
	}
	bl->has_record = bl->nbimi == 1;
	if (!bl->has_record)
		bimi_record_clear(&bl->record);
}

static void
lookup_clear(struct bimi_lookup *bl)
{
	bimi_record_clear(&bl->record);
	strvec_clear(&bl->texts);
	strvec_clear(&bl->others);
}

/* ---- the asynchronous driver ---- */

struct bimi_run {
	struct bimi_check	*b;
	struct dns_lookup	*lk;
	bimi_done_cb		*cb;
	void			*arg;
	int			 pending;
	bool			 fallback_round;
};

static void bimi_step(struct bimi_run *run);

static void
bimi_answer_cb(const struct dns_answer *ans, void *arg)
{
	struct bimi_run *run = arg;

	bimi_lookup_set_answer(run->fallback_round ? &run->b->fallback :
	    &run->b->primary, ans);
	bimi_step(run);
}

static void
bimi_dmarc_cb(struct dmarc_discovery *d, void *arg)
{
	struct bimi_run *run = arg;

	(void)d;
	bimi_step(run);
}

static void
bimi_pick(struct bimi_check *b)
{
	if (b->draft) {
		b->record = b->draft_record.is_bimi ? &b->draft_record : NULL;
		b->record_name = b->primary.name;
	} else if (b->primary.has_record) {
		b->record = &b->primary.record;
		b->record_name = b->primary.name;
	} else if (b->fallback.has_record) {
		b->record = &b->fallback.record;
		b->record_name = b->fallback.name;
	}
}

/* Called as each answer (or the DMARC discovery) completes. */
static void
bimi_step(struct bimi_run *run)
{
	struct bimi_check *b = run->b;
	const char *org;

	if (--run->pending > 0)
		return;
	if (!run->fallback_round && !b->draft && b->primary.nbimi == 0 &&
	    !dns_outcome_is_temporary(b->primary.outcome)) {
		org = b->dmarc.walk.org_domain[0] ? b->dmarc.walk.org_domain :
		    b->dmarc.psl.org_domain;
		if (org[0] && (strcmp(org, b->domain) != 0 ||
		    strcmp(b->selector, "default") != 0) &&
		    strlen(org) + 15 <= 253) {
			snprintf(b->fallback.name, sizeof(b->fallback.name),
			    "default._bimi.%s", org);
			b->fallback.asked = true;
			run->fallback_round = true;
			run->pending = 1;
			dns_lookup_query(run->lk, b->fallback.name, DNS_T_TXT,
			    bimi_answer_cb, run);
			return;
		}
	}
	bimi_pick(b);
	run->cb(b, run->arg);
	free(run);
}

int
bimi_check_start(struct dns_lookup *lk, const struct orgdomain_psl *psl,
    const char *domain, const char *selector, const char *draft,
    size_t draft_len, struct bimi_check *out, bimi_done_cb *cb, void *arg)
{
	struct bimi_run *run;

	memset(out, 0, sizeof(*out));
	if (!policy_domain_normalize(domain, out->domain, sizeof(out->domain)))
		return -1;
	if (!policy_domain_normalize(selector ? selector : "default",
	    out->selector, sizeof(out->selector)))
		return -1;
	if (strlen(out->selector) + strlen(out->domain) + 7 > 253)
		return -1;
	snprintf(out->primary.name, sizeof(out->primary.name),
	    "%s._bimi.%s", out->selector, out->domain);
	if (draft != NULL) {
		out->draft = true;
		bimi_record_parse(draft, draft_len, &out->draft_record);
	}
	run = xcalloc(1, sizeof(*run));
	run->b = out;
	run->lk = lk;
	run->cb = cb;
	run->arg = arg;
	run->pending = 1;
	if (dmarc_discover_start(lk, psl, out->domain, NULL, 0, &out->dmarc,
	    bimi_dmarc_cb, run) != 0) {
		free(run);
		bimi_record_clear(&out->draft_record);
		return -1;
	}
	if (!out->draft) {
		run->pending++;
		out->primary.asked = true;
		dns_lookup_query(lk, out->primary.name, DNS_T_TXT,
		    bimi_answer_cb, run);
	}
	return 0;
}

void
bimi_check_clear(struct bimi_check *b)
{
	if (b == NULL)
		return;
	bimi_record_clear(&b->draft_record);
	lookup_clear(&b->primary);
	lookup_clear(&b->fallback);
	dmarc_discovery_clear(&b->dmarc);
	memset(b, 0, sizeof(*b));
}

/* ---- findings ---- */

static void
trip_logo(struct finding *f, const char *rule)
{
	finding_trip(f, "mailbox-providers", rule, "no brand logo is shown "
	    "next to your mail");
}

void
bimi_judge_record(const char *domain, const char *name,
    const struct bimi_record *r, struct finding_list *fl)
{
	struct finding *f;
	char *example = xasprintf("%s. IN TXT \"v=BIMI1; "
	    "l=https://%s/bimi/logo.svg; a=https://%s/bimi/vmc.pem\"", name,
	    domain, domain);

	if (!r->is_bimi) {
		f = finding_add(fl, "bimi.not_bimi", FINDING_FAIL, "The record "
		    "does not start with v=BIMI1");
		finding_explain(f, "Receivers ignore a BIMI record unless its "
		    "first tag is exactly v=BIMI1.");
		strvec_pushf(&f->evidence, "record: %s", r->text ? r->text :
		    "");
		strvec_pushf(&f->remediation, "Publish: %s", example);
		strvec_push(&f->references, REF_BIMI);
		free(example);
		return;
	}
	if (r->declined) {
		f = finding_add(fl, "bimi.declined", FINDING_INFO, "%s declines "
		    "BIMI (empty l= and a=)", name);
		finding_explain(f, "An empty record is an explicit refusal: no "
		    "logo is shown for mail using this selector.");
		strvec_push(&f->references, REF_BIMI);
		free(example);
		return;
	}
	if (r->syntax.n > 0) {
		f = finding_add(fl, "bimi.syntax", FINDING_FAIL, "The BIMI "
		    "record has syntax errors");
		finding_explain(f, "BIMI records are read exactly: receivers "
		    "do not repair them.");
		for (size_t i = 0; i < r->syntax.n; i++)
			strvec_push(&f->evidence, r->syntax.v[i]);
		strvec_pushf(&f->remediation, "Publish: %s", example);
		strvec_push(&f->references, REF_BIMI);
	}
	if (r->l_error != NULL) {
		f = finding_add(fl, "bimi.location_invalid", FINDING_FAIL, "The "
		    "logo location (l=) is unusable: %s", r->l_error);
		finding_explain(f, "Receivers fetch the logo from l=, over "
		    "HTTPS only, as one SVG Tiny PS file.");
		if (r->l.n > 0)
			strvec_pushf(&f->evidence, "l=%s", r->l.v[0].text);
		strvec_pushf(&f->remediation, "Publish: %s", example);
		strvec_push(&f->references, REF_BIMI);
	} else if (r->has_l && r->format == BIMI_FMT_UNKNOWN) {
		f = finding_add(fl, "bimi.location_format", FINDING_WARNING,
		    "The logo URL does not end in .svg");
		finding_explain(f, "The logo must be an SVG (Tiny PS profile); "
		    "make sure the URL serves one.");
		strvec_pushf(&f->evidence, "l=%s", r->l.v[0].text);
		strvec_push(&f->references, REF_BIMI);
	} else if (r->has_l) {
		f = finding_add(fl, "bimi.location", FINDING_PASS, "Logo at %s",
		    r->l.v[0].text);
	}
	if (r->a_error != NULL) {
		f = finding_add(fl, "bimi.evidence_invalid", FINDING_FAIL, "The "
		    "certificate location (a=) is unusable: %s", r->a_error);
		finding_explain(f, "a= must be an https URL of the VMC or CMC "
		    "in PEM form.");
		strvec_pushf(&f->evidence, "a=%s", r->a.text);
		strvec_pushf(&f->remediation, "Publish: %s", example);
		strvec_push(&f->references, REF_BIMI);
	} else if (!r->has_a) {
		f = finding_add(fl, "bimi.evidence_missing", FINDING_WARNING,
		    "No mark certificate (a= is empty or absent)");
		finding_explain(f, "Gmail and Apple Mail show a BIMI logo only "
		    "with a Verified Mark Certificate or Common Mark "
		    "Certificate; without a=, only some receivers (Yahoo, "
		    "Fastmail) may show it.");
		strvec_push(&f->remediation, "Obtain a VMC or CMC for the "
		    "logo and publish its PEM at an https URL in a=.");
		trip_logo(f, "Gmail / Apple Mail BIMI (VMC or CMC required)");
		strvec_push(&f->references, REF_BIMI);
	} else if (r->a_not_pem) {
		f = finding_add(fl, "bimi.evidence_format", FINDING_INFO, "The "
		    "certificate URL does not end in .pem");
		finding_explain(f, "The a= document must be the certificate "
		    "chain in PEM form; make sure the URL serves that.");
		strvec_pushf(&f->evidence, "a=%s", r->a.text);
	}
	if (r->unknown.n > 0) {
		f = finding_add(fl, "bimi.tag_unknown", FINDING_INFO, "Unknown "
		    "BIMI tags are ignored");
		for (size_t i = 0; i < r->unknown.n; i++)
			strvec_pushf(&f->evidence, "unknown: %s",
			    r->unknown.v[i]);
		strvec_push(&f->references, REF_BIMI);
	}
	free(example);
}

void
bimi_judge_dmarc(const struct dmarc_discovery *d, struct finding_list *fl)
{
	const struct dmarc_record *rec = d->record;
	struct finding *f;
	struct strvec why = { 0 };

	if (d->walk.result == DMARC_RESULT_TEMPERROR) {
		f = finding_add(fl, "bimi.dmarc_temperror", FINDING_TEMPERROR,
		    "The DMARC policy of %s could not be looked up (temporary "
		    "failure)", d->domain);
		finding_explain(f, "BIMI depends on the DMARC policy; run the "
		    "check again.");
		return;
	}
	if (rec == NULL || rec->ignored) {
		f = finding_add(fl, "bimi.dmarc_missing", FINDING_FAIL, "No "
		    "usable DMARC policy for %s: BIMI is not processed",
		    d->domain);
		finding_explain(f, "Receivers process BIMI only for mail that "
		    "passes DMARC under a policy at enforcement.");
		strvec_pushf(&f->remediation, "Publish DMARC first: "
		    "_dmarc.%s. IN TXT \"v=DMARC1; p=none; "
		    "rua=mailto:dmarc-reports@%s\", then move to p=quarantine "
		    "or p=reject.", d->domain, d->domain);
		trip_logo(f, "BIMI DMARC requirement");
		strvec_push(&f->references, REF_BIMI_AUTH);
		return;
	}
	if (d->applied < DMARC_POLICY_QUARANTINE || rec->unenforced)
		strvec_pushf(&why, "the policy for %s is %s=%s", d->domain,
		    d->applied_tag, dmarc_policy_name(d->applied));
	if (rec->p == DMARC_POLICY_NONE && d->applied >= DMARC_POLICY_QUARANTINE)
		strvec_push(&why, "p=none");
	if (rec->tags[DMARC_TAG_SP].explicit && rec->sp == DMARC_POLICY_NONE &&
	    !rec->unenforced)
		strvec_push(&why, "sp=none");
	if (rec->tags[DMARC_TAG_PCT].explicit && rec->pct < 100)
		strvec_pushf(&why, "pct=%s (must be 100)",
		    rec->tags[DMARC_TAG_PCT].value);
	if (rec->testing && d->applied == DMARC_POLICY_QUARANTINE)
		strvec_push(&why, "t=y (quarantine in test mode acts as none)");
	if (why.n > 0) {
		f = finding_add(fl, "bimi.dmarc_not_enforcing", FINDING_FAIL,
		    "DMARC is not at enforcement: BIMI is not processed");
		finding_explain(f, "Receivers show BIMI logos only when the "
		    "DMARC policy is quarantine or reject, for the domain and "
		    "its subdomains, and applies to all mail.");
		for (size_t i = 0; i < why.n; i++)
			strvec_push(&f->evidence, why.v[i]);
		strvec_pushf(&f->evidence, "record at _dmarc.%s: %s",
		    d->policy_domain, rec->text);
		{
			/* The published record, raised to enforcement: a
			 * shallow copy, read only by the suggester. */
			struct dmarc_record tmp = *rec;
			char *rua = xasprintf("mailto:dmarc-reports@%s",
			    d->policy_domain), *fix;

			if (tmp.p < DMARC_POLICY_QUARANTINE) {
				tmp.p = DMARC_POLICY_QUARANTINE;
				tmp.tags[DMARC_TAG_P].explicit = true;
				tmp.tags[DMARC_TAG_P].valid = true;
			}
			if (tmp.sp == DMARC_POLICY_NONE)
				tmp.tags[DMARC_TAG_SP].explicit = false;
			tmp.tags[DMARC_TAG_PCT].explicit = false;
			tmp.tags[DMARC_TAG_T].explicit = false;
			fix = dmarc_record_suggest(&tmp, rua);
			strvec_pushf(&f->remediation, "When DMARC reports show "
			    "your mail passing, publish: _dmarc.%s. IN TXT "
			    "\"%s\" (later p=reject).", d->policy_domain, fix);
			free(fix);
			free(rua);
		}
		trip_logo(f, "BIMI DMARC requirement");
		strvec_push(&f->references, REF_BIMI_AUTH);
	} else {
		f = finding_add(fl, "bimi.dmarc_enforcing", FINDING_PASS,
		    "DMARC is at enforcement (%s)", dmarc_policy_name(
		    d->applied));
		strvec_pushf(&f->evidence, "record at _dmarc.%s: %s",
		    d->policy_domain, rec->text);
	}
	strvec_clear(&why);
}

static void
lookup_findings(const struct bimi_lookup *bl, struct finding_list *fl)
{
	struct finding *f;

	if (!bl->asked || !bl->done)
		return;
	if (bl->nbimi > 1) {
		f = finding_add(fl, "bimi.multiple", FINDING_FAIL, "%zu BIMI "
		    "records at %s", bl->nbimi, bl->name);
		finding_explain(f, "With more than one record, receivers "
		    "ignore them all.");
		for (size_t i = 0; i < bl->texts.n; i++)
			strvec_pushf(&f->evidence, "record: %s", bl->texts.v[i]);
		strvec_push(&f->remediation, "Keep exactly one v=BIMI1 "
		    "record.");
		strvec_push(&f->references, REF_BIMI_DISC);
	}
}

void
bimi_judge(const struct bimi_check *b, struct finding_list *fl)
{
	struct finding *f;

	if (b->draft) {
		f = finding_add(fl, "bimi.draft", FINDING_INFO, "Judging a "
		    "draft record for %s (not published)", b->primary.name);
		finding_explain(f, "The DMARC prerequisite was looked up "
		    "live.");
		bimi_judge_record(b->domain, b->primary.name, &b->draft_record,
		    fl);
		bimi_judge_dmarc(&b->dmarc, fl);
		return;
	}
	lookup_findings(&b->primary, fl);
	lookup_findings(&b->fallback, fl);
	if (dns_outcome_is_temporary(b->primary.outcome) ||
	    (b->fallback.asked &&
	    dns_outcome_is_temporary(b->fallback.outcome))) {
		const struct bimi_lookup *bl =
		    dns_outcome_is_temporary(b->primary.outcome) ?
		    &b->primary : &b->fallback;

		f = finding_add(fl, "bimi.temperror", FINDING_TEMPERROR, "The "
		    "BIMI lookup of %s failed temporarily", bl->name);
		strvec_pushf(&f->evidence, "%s: %s%s%s%s", bl->name,
		    dns_outcome_name(bl->outcome), bl->error[0] ? " (" : "",
		    bl->error, bl->error[0] ? ")" : "");
		finding_explain(f, "Run the check again.");
	} else if (b->record == NULL) {
		f = finding_add(fl, "bimi.none", FINDING_INFO, "No BIMI record "
		    "for %s", b->domain);
		finding_explain(f, "BIMI is optional: with a record (and DMARC "
		    "at enforcement), supporting mailboxes show your logo next "
		    "to your mail.");
		strvec_pushf(&f->evidence, "%s: %s", b->primary.name,
		    b->primary.nbimi > 1 ? "several records" :
		    dns_outcome_name(b->primary.outcome));
		if (b->fallback.asked)
			strvec_pushf(&f->evidence, "%s: %s", b->fallback.name,
			    b->fallback.nbimi > 1 ? "several records" :
			    dns_outcome_name(b->fallback.outcome));
		strvec_pushf(&f->remediation, "To show a logo: "
		    "default._bimi.%s. IN TXT \"v=BIMI1; "
		    "l=https://%s/bimi/logo.svg; a=https://%s/bimi/vmc.pem\"",
		    b->domain, b->domain, b->domain);
		strvec_push(&f->references, REF_BIMI_DISC);
	} else {
		f = finding_add(fl, "bimi.record", FINDING_PASS, "BIMI record "
		    "at %s", b->record_name);
		strvec_pushf(&f->evidence, "record: %s", b->record->text);
		if (b->record == &b->fallback.record)
			strvec_pushf(&f->evidence, "%s has none; the "
			    "organizational domain's default applies",
			    b->primary.name);
		bimi_judge_record(b->domain, b->record_name, b->record, fl);
	}
	bimi_judge_dmarc(&b->dmarc, fl);
}
