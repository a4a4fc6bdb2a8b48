/* SPDX-License-Identifier: MIT */
/*
 * The judgement of DKIM key records: per selector (syntax, version, key
 * type, revocation, key size, hashes, services, flags) and for the domain
 * (no key anywhere, no usable key, ed25519 only). Pure: records and
 * answers in, findings out, with the words of each finding beside the
 * decision so the two cannot drift apart.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dkim/dkim.h"
#include "util/util.h"

#define DKIM_BITS_MIN		1024	/* RFC 8301 §3.2: below is invalid */
#define DKIM_BITS_GOOD		2048	/* RFC 8301 §3.2: SHOULD */
#define DKIM_BITS_VERIFIABLE	4096	/* RFC 8301 §3.2: verifiers MUST do up to */

/* ---- providers: the remediation differs for keys a provider manages ---- */

enum dkim_provider {
	PROV_NONE,
	PROV_GOOGLE,
	PROV_MICROSOFT,
	PROV_OTHER_ESP,		/* a CNAME into someone else's zone */
};

/* Guess who manages the key: the CNAME target says it best, the
 * selector name hints. */
static enum dkim_provider
judge_provider(const struct dkim_selector *s)
{
	const char *end = s->looked_up && s->ans.chain.n > 0 ?
	    s->ans.chain.v[s->ans.chain.n - 1] : NULL;

	if (end != NULL) {
		size_t n = strlen(end);

		if ((n >= 16 && strcasecmp(end + n - 16, ".onmicrosoft.com") == 0))
			return PROV_MICROSOFT;
		return PROV_OTHER_ESP;
	}
	if (strcasecmp(s->selector, "google") == 0)
		return PROV_GOOGLE;
	if (strcasecmp(s->selector, "selector1") == 0 ||
	    strcasecmp(s->selector, "selector2") == 0)
		return PROV_MICROSOFT;
	return PROV_NONE;
}

/* Steps to publish a fresh, strong key at a new selector. */
static void
judge_new_key_steps(struct finding *fd, const struct dkim_report *rep,
    const struct dkim_selector *s)
{
	switch (judge_provider(s)) {
	case PROV_GOOGLE:
		strvec_pushf(&fd->remediation, "Google Workspace: Admin console "
		    "> Apps > Google Workspace > Gmail > Authenticate email: "
		    "generate a new record with a 2048-bit key, publish it as "
		    "TXT at SELECTOR._domainkey.%s, wait for DNS, then press "
		    "Start authentication.", rep->domain);
		break;
	case PROV_MICROSOFT:
		strvec_pushf(&fd->remediation, "Microsoft 365: the key sits "
		    "behind the selector1/selector2 CNAMEs and Microsoft "
		    "rotates it: in Exchange Online PowerShell run "
		    "`Rotate-DkimSigningConfig -KeySize 2048 -Identity %s` "
		    "(or enable DKIM with `New-DkimSigningConfig -DomainName "
		    "%s -KeySize 2048 -Enabled $true`).", rep->domain,
		    rep->domain);
		break;
	case PROV_OTHER_ESP:
		strvec_pushf(&fd->remediation, "The selector is a CNAME to "
		    "%s: the key belongs to that sending service. Regenerate "
		    "the domain's DKIM key in its dashboard and update the "
		    "CNAME it gives you.", s->ans.chain.v[s->ans.chain.n - 1]);
		break;
	case PROV_NONE:
		break;
	}
	strvec_pushf(&fd->remediation, "Generate a 2048-bit key under a new "
	    "selector: `opendkim-genkey -b 2048 -s NEWSELECTOR -d %s` (the TXT "
	    "record to publish at NEWSELECTOR._domainkey.%s is in "
	    "NEWSELECTOR.txt; with rspamd: `rspamadm dkim_keygen -b 2048 -s "
	    "NEWSELECTOR -d %s`).", rep->domain, rep->domain, rep->domain);
	strvec_push(&fd->remediation, "Switch the signer (OpenDKIM KeyTable/"
	    "SigningTable, rspamd dkim_signing, your provider) to the new "
	    "selector, confirm that mail passes DKIM, then revoke the old key "
	    "by publishing it with an empty p= after a few days.");
}

static void
judge_trip_dkim_invalid(struct finding *fd)
{
	finding_trip(fd, "mailbox-providers", "DKIM authentication",
	    "signatures made with this key do not verify: Gmail, Yahoo and "
	    "Outlook.com require DKIM (aligned for DMARC) from bulk senders");
	finding_trip(fd, "rspamd", "R_DKIM_PERMFAIL",
	    "the key record is unusable: the signature counts as failed");
	finding_trip(fd, "spamassassin", "DKIM_INVALID",
	    "signed, but the signature does not verify");
}

static void
judge_ref(struct finding *fd, const char *r)
{
	strvec_push(&fd->references, r);
}

/* Evidence lines every record finding carries: where and what. */
static void
judge_evidence_record(struct finding *fd, const struct dkim_selector *s)
{
	char buf[1100];

	strvec_pushf(&fd->evidence, "name: %s", s->name);
	if (s->looked_up && s->ans.chain.n > 0)
		strvec_pushf(&fd->evidence, "CNAME: %s -> %s", s->name,
		    s->ans.chain.v[s->ans.chain.n - 1]);
	if (s->record != NULL) {
		util_printable(buf, sizeof(buf), s->record, s->record_len);
		strvec_pushf(&fd->evidence, "record: %s", buf);
	}
}

static struct finding *
judge_add(struct dkim_selector *s, const char *code, enum finding_status st,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static struct finding *
judge_add(struct dkim_selector *s, const char *code, enum finding_status st,
    const char *fmt, ...)
{
	struct finding *fd;
	va_list ap;
	char *title;

	va_start(ap, fmt);
	title = xvasprintf(fmt, ap);
	va_end(ap);
	fd = finding_add(&s->findings, code, st, "%s", title);
	free(title);
	/* The record itself only where something is to be fixed: passing
	 * findings would repeat it for nothing. */
	if (st == FINDING_PASS || st == FINDING_INFO)
		strvec_pushf(&fd->evidence, "name: %s", s->name);
	else
		judge_evidence_record(fd, s);
	return fd;
}

/* The key itself: revoked, unreadable, or its size. Returns whether a
 * verifier could use it. */
static bool
judge_key(const struct dkim_report *rep, struct dkim_selector *s)
{
	const struct dkim_key_record *r = &s->rec;
	const struct dkim_key_info *k = &s->key;
	struct finding *fd;

	switch (k->status) {
	case DKIM_KEYST_OK:
		break;
	case DKIM_KEYST_REVOKED:
		fd = judge_add(s, "dkim.revoked", FINDING_INFO,
		    "The key at selector %s is revoked (empty p=)", s->selector);
		finding_explain(fd, "An empty p= means the key was withdrawn "
		    "(RFC 6376 §3.6.1): every signature naming this selector "
		    "fails. That is right for a retired selector; it is a "
		    "problem if your mail is still signed with it.");
		strvec_push(&fd->remediation, "If mail is still signed with "
		    "this selector, point the signer at a selector with a live "
		    "key, or publish the current public key here.");
		judge_ref(fd, "RFC 6376 §3.6.1 (p=)");
		return false;
	case DKIM_KEYST_MISSING:
		/* Reported as malformed by the caller. */
		return false;
	case DKIM_KEYST_UNSUPPORTED:
		fd = judge_add(s, "dkim.unknown_key_type", FINDING_PERMERROR,
		    "Selector %s names an unknown key type k=%s", s->selector,
		    r->k);
		finding_explain(fd, "Verifiers know k=rsa (RFC 6376) and "
		    "k=ed25519 (RFC 8463); a record with another key type is "
		    "unusable, so every signature with this selector fails.");
		strvec_push(&fd->remediation, "Publish k=rsa (or leave k= out) "
		    "for an RSA key, k=ed25519 for an Ed25519 key.");
		judge_trip_dkim_invalid(fd);
		judge_ref(fd, "RFC 6376 §3.6.1 (k=)");
		judge_ref(fd, "RFC 8463 §4.2");
		return false;
	case DKIM_KEYST_BASE64:
	case DKIM_KEYST_DER:
	case DKIM_KEYST_MISMATCH:
	case DKIM_KEYST_LENGTH:
	case DKIM_KEYST_TOOLONG:
		fd = judge_add(s, "dkim.key_invalid", FINDING_PERMERROR,
		    "The public key at selector %s cannot be read: %s",
		    s->selector, k->detail);
		finding_explain(fd, "p= must hold the base64 of the public key: "
		    "for k=rsa a DER SubjectPublicKeyInfo, for k=ed25519 the "
		    "32-octet key itself (RFC 8463). A key that does not decode "
		    "as the type k= names makes every signature with this "
		    "selector fail. Common causes: a record cut short or split "
		    "into two TXT records, PEM headers pasted into p=, quotes "
		    "or spaces inside the key, the wrong k=.");
		strvec_pushf(&fd->evidence, "key: %zu octets decoded, type k=%s%s%s",
		    k->der_len, dkim_key_type_name(r->key_type),
		    k->found_name[0] ? ", found " : "", k->found_name);
		if (k->status == DKIM_KEYST_MISMATCH &&
		    k->found_type == DKIM_KEY_ED25519)
			strvec_push(&fd->remediation, "This is an Ed25519 key: "
			    "add k=ed25519 to the record.");
		else if (k->status == DKIM_KEYST_MISMATCH &&
		    k->found_type == DKIM_KEY_RSA)
			strvec_push(&fd->remediation, "This is an RSA key: use "
			    "k=rsa (or leave k= out).");
		else if (k->status == DKIM_KEYST_LENGTH &&
		    k->format == DKIM_FMT_SPKI)
			strvec_push(&fd->remediation, "Publish only the last 32 "
			    "octets of the SubjectPublicKeyInfo: `openssl pkey "
			    "-in key.pem -pubout -outform DER | tail -c 32 | "
			    "base64`.");
		else
			strvec_push(&fd->remediation, "Publish the public key "
			    "again, exactly as the key generator printed it "
			    "(only the base64 between the PEM header and footer, "
			    "no line breaks or quotes inside one string; long "
			    "keys as several strings of one TXT record).");
		judge_trip_dkim_invalid(fd);
		judge_ref(fd, "RFC 6376 §3.6.1 (p=)");
		if (r->key_type == DKIM_KEY_ED25519)
			judge_ref(fd, "RFC 8463 §4.2");
		return false;
	}

	if (k->format == DKIM_FMT_PKCS1) {
		fd = judge_add(s, "dkim.key_pkcs1", FINDING_WARNING,
		    "The key at selector %s is a bare RSAPublicKey, not a "
		    "SubjectPublicKeyInfo", s->selector);
		finding_explain(fd, "Practically every signer publishes the "
		    "SubjectPublicKeyInfo form (what `openssl rsa -pubout` "
		    "prints), and verifiers that parse only that form, such as "
		    "OpenDKIM, cannot read this key: signatures fail there.");
		strvec_push(&fd->remediation, "Publish the SubjectPublicKeyInfo "
		    "form: `openssl rsa -in private.pem -pubout -outform DER | "
		    "base64 -w0`.");
		judge_ref(fd, "RFC 6376 §3.6.1 (p=), Appendix C");
	}

	if (r->key_type == DKIM_KEY_ED25519) {
		fd = judge_add(s, "dkim.key_ok", FINDING_PASS,
		    "The key at selector %s is a valid Ed25519 key",
		    s->selector);
		finding_explain(fd, "An Ed25519 key (RFC 8463) of 32 octets.");
		judge_ref(fd, "RFC 8463 §4.2");
		return true;
	}
	if (k->bits < DKIM_BITS_MIN) {
		fd = judge_add(s, "dkim.key_too_small", FINDING_FAIL,
		    "The RSA key at selector %s has %d bits: too short to be "
		    "accepted", s->selector, k->bits);
		finding_explain(fd, "RFC 8301 forbids verifiers to accept "
		    "signatures made with RSA keys shorter than 1024 bits, and "
		    "such keys can be factored: mail signed with this key is "
		    "treated as if unsigned or failing DKIM.");
		strvec_pushf(&fd->evidence, "key: RSA %d bits (%s)", k->bits,
		    dkim_key_format_name(k->format));
		judge_new_key_steps(fd, rep, s);
		finding_trip(fd, "mailbox-providers", "DKIM key length",
		    "Gmail and other large providers ignore DKIM keys under "
		    "1024 bits; bulk senders then fail the DKIM requirement");
		judge_trip_dkim_invalid(fd);
		judge_ref(fd, "RFC 8301 §3.2");
		return false;
	}
	if (k->bits < DKIM_BITS_GOOD) {
		fd = judge_add(s, "dkim.key_weak", FINDING_WARNING,
		    "The RSA key at selector %s has %d bits: weak", s->selector,
		    k->bits);
		finding_explain(fd, "Verifiers still accept 1024-bit keys, but "
		    "RFC 8301 says signers should use at least 2048 bits, "
		    "mailbox providers ask for 2048, and 1024-bit RSA is within "
		    "reach of well-funded attackers.");
		strvec_pushf(&fd->evidence, "key: RSA %d bits (%s)", k->bits,
		    dkim_key_format_name(k->format));
		judge_new_key_steps(fd, rep, s);
		finding_trip(fd, "mailbox-providers", "DKIM key length",
		    "Google's sender guidelines ask for 2048-bit DKIM keys");
		judge_ref(fd, "RFC 8301 §3.2");
		return true;
	}
	if (k->bits > DKIM_BITS_VERIFIABLE) {
		fd = judge_add(s, "dkim.key_too_large", FINDING_WARNING,
		    "The RSA key at selector %s has %d bits: more than some "
		    "verifiers check", s->selector, k->bits);
		finding_explain(fd, "RFC 8301 requires verifiers to handle keys "
		    "of 1024 to 4096 bits; larger keys may not be verified at "
		    "all, and the record needs several TXT strings.");
		strvec_pushf(&fd->evidence, "key: RSA %d bits (%s)", k->bits,
		    dkim_key_format_name(k->format));
		strvec_push(&fd->remediation, "Use a 2048-bit key (or 3072/4096 "
		    "if you must).");
		judge_ref(fd, "RFC 8301 §3.2");
		return true;
	}
	fd = judge_add(s, "dkim.key_ok", FINDING_PASS,
	    "The RSA key at selector %s has %d bits", s->selector, k->bits);
	finding_explain(fd, "An RSA key of at least 2048 bits, as RFC 8301 "
	    "recommends.");
	judge_ref(fd, "RFC 8301 §3.2");
	return true;
}

/* Judge s->record (already set) into findings and s->valid. */
static void
judge_record(const struct dkim_report *rep, struct dkim_selector *s)
{
	struct dkim_key_record *r = &s->rec;
	struct finding *fd;
	bool ok = true;

	dkim_key_record_parse(s->record, s->record_len, r);
	if (r->syntax != DKIM_TAGS_OK || !r->has_p) {
		if (r->syntax != DKIM_TAGS_OK)
			fd = judge_add(s, "dkim.malformed", FINDING_PERMERROR,
			    "The record at selector %s is malformed: %s at "
			    "offset %zu", s->selector,
			    dkim_tags_strerror(r->syntax), r->syntax_off);
		else
			fd = judge_add(s, "dkim.malformed", FINDING_PERMERROR,
			    "The record at selector %s has no p= tag",
			    s->selector);
		finding_explain(fd, "A DKIM key record is a list of tag=value "
		    "pairs separated by \";\" (RFC 6376 §3.2) and must have a "
		    "p= tag with the public key. Verifiers ignore a record "
		    "that does not parse, so every signature with this "
		    "selector fails.");
		strvec_pushf(&fd->remediation, "Publish the record as "
		    "`v=DKIM1; k=rsa; p=BASE64KEY` at %s (one TXT record; split "
		    "a long key into several quoted strings of that record).",
		    s->name);
		judge_trip_dkim_invalid(fd);
		judge_ref(fd, "RFC 6376 §3.2");
		judge_ref(fd, "RFC 6376 §3.6.1");
		s->valid = false;
		return;
	}
	if (r->has_v && (!r->v_ok || !r->v_first)) {
		fd = judge_add(s, "dkim.version", FINDING_PERMERROR, r->v_ok ?
		    "v=DKIM1 is not the first tag of the record at selector %s" :
		    "The record at selector %s has a wrong version v=%s",
		    s->selector, r->v);
		finding_explain(fd, "v= is optional, but when present it must "
		    "be exactly \"DKIM1\" and the first tag (RFC 6376 §3.6.1); "
		    "verifiers discard the record otherwise.");
		strvec_push(&fd->remediation, "Start the record with "
		    "`v=DKIM1;` or leave v= out.");
		judge_trip_dkim_invalid(fd);
		judge_ref(fd, "RFC 6376 §3.6.1 (v=)");
		ok = false;
	}
	dkim_key_analyze(r, &s->key);
	if (!judge_key(rep, s))
		ok = false;

	if (r->has_h && !(r->hashes & DKIM_HASH_SHA256)) {
		bool sha1 = (r->hashes & DKIM_HASH_SHA1) != 0;

		fd = judge_add(s, sha1 ? "dkim.sha1_only" : "dkim.hash_unknown",
		    FINDING_FAIL, sha1 ? "Selector %s allows only SHA-1, which "
		    "verifiers no longer accept" : "Selector %s allows no hash "
		    "algorithm that verifiers know", s->selector);
		finding_explain(fd, "h= restricts the hash algorithms a "
		    "signature may use with this key. RFC 8301 obsoletes "
		    "rsa-sha1: signers must not use it and verifiers must not "
		    "accept it, so a key limited to SHA-1 (or to unknown "
		    "algorithms) verifies nothing.");
		strvec_push(&fd->remediation, "Remove h= (all algorithms are "
		    "then allowed) or set h=sha256, and sign with rsa-sha256 "
		    "(or ed25519-sha256).");
		judge_trip_dkim_invalid(fd);
		judge_ref(fd, "RFC 8301 §3.1");
		judge_ref(fd, "RFC 6376 §3.6.1 (h=)");
		ok = false;
	} else if (r->has_h && (r->hashes & DKIM_HASH_SHA1)) {
		fd = judge_add(s, "dkim.sha1_listed", FINDING_INFO,
		    "Selector %s still lists SHA-1 in h=", s->selector);
		finding_explain(fd, "SHA-1 is obsolete for DKIM (RFC 8301); "
		    "listing it does no harm while sha256 is listed too, but "
		    "signatures made with rsa-sha1 fail.");
		strvec_push(&fd->remediation, "Set h=sha256 or remove h=.");
		judge_ref(fd, "RFC 8301 §3.1");
	}
	if (!r->for_email) {
		fd = judge_add(s, "dkim.not_for_email", FINDING_FAIL,
		    "The key at selector %s is not for email (s=%s)", s->selector,
		    r->s);
		finding_explain(fd, "s= lists the services the key may be used "
		    "for; without \"*\" or \"email\" verifiers must not use it "
		    "for mail (RFC 6376 §3.6.1).");
		strvec_push(&fd->remediation, "Remove s= or set s=email.");
		judge_trip_dkim_invalid(fd);
		judge_ref(fd, "RFC 6376 §3.6.1 (s=)");
		ok = false;
	}
	if (r->testing) {
		fd = judge_add(s, "dkim.testing", FINDING_WARNING,
		    "Selector %s is in testing mode (t=y)", s->selector);
		finding_explain(fd, "t=y tells verifiers that the domain is "
		    "testing DKIM: RFC 6376 says they must not treat its signed "
		    "mail differently from unsigned mail, so the signature buys "
		    "no reputation and receivers may disregard it for DMARC.");
		strvec_push(&fd->remediation, "Once signatures verify, remove "
		    "y from t= (drop t= entirely unless you need t=s).");
		finding_trip(fd, "mailbox-providers", "DKIM authentication",
		    "a key in testing mode may be treated as no DKIM at all");
		judge_ref(fd, "RFC 6376 §3.6.1 (t=)");
	}
	if (r->strict) {
		fd = judge_add(s, "dkim.strict", FINDING_INFO,
		    "Selector %s has t=s: only the exact domain may sign",
		    s->selector);
		finding_explain(fd, "With t=s, a signature's i= domain must be "
		    "exactly the d= domain, not a subdomain of it.");
		judge_ref(fd, "RFC 6376 §3.6.1 (t=)");
	}
	if (r->has_g) {
		fd = judge_add(s, "dkim.obsolete_tag", FINDING_INFO,
		    "The record at selector %s has g=, removed from DKIM",
		    s->selector);
		finding_explain(fd, "g= (granularity) existed in RFC 4871 and "
		    "was removed by RFC 6376; current verifiers ignore it, old "
		    "ones may refuse signatures whose i= does not match it.");
		strvec_push(&fd->remediation, "Remove g= from the record.");
		judge_ref(fd, "RFC 4871 §3.6.1 (g=)");
		judge_ref(fd, "RFC 6376 Appendix E");
	}
	if (r->unknown_tags.n > 0) {
		char list[256];
		size_t off = 0;

		list[0] = '\0';
		for (size_t i = 0; i < r->unknown_tags.n && off < sizeof(list);
		    i++)
			off += (size_t)snprintf(list + off, sizeof(list) - off,
			    "%s%s=", i ? ", " : "", r->unknown_tags.v[i]);
		fd = judge_add(s, "dkim.unknown_tags", FINDING_INFO,
		    "The record at selector %s has tags DKIM does not define: %s",
		    s->selector, list);
		finding_explain(fd, "Verifiers ignore unknown tags (RFC 6376 "
		    "§3.6.1); they are harmless, but often a sign of a typo "
		    "(a misspelt k=, p= or t=).");
		judge_ref(fd, "RFC 6376 §3.6.1");
	}
	s->valid = ok;
}

static void
judge_selector_status(struct dkim_selector *s)
{
	s->status = s->findings.n ? finding_list_worst(&s->findings) :
	    FINDING_SKIPPED;
	s->done = true;
}

void
dkim_report_judge_record(struct dkim_report *rep, size_t i, const char *text,
    size_t len)
{
	struct dkim_selector *s = &rep->sel[i];

	rep->draft = true;
	s->found = true;
	s->nrecords = 1;
	s->record = xcalloc(1, len + 1);
	memcpy(s->record, text, len);
	s->record_len = len;
	judge_record(rep, s);
	judge_selector_status(s);
}

/* Whether a TXT record found at a guessed selector is meant as a DKIM key
 * record at all: it has p=, k= or v=DKIM1 (or, when it does not even
 * parse, mentions DKIM1 or starts with p=/k=). */
static bool
judge_looks_like_dkim(const char *text, size_t len)
{
	struct dkim_key_record r;
	bool like;
	size_t i = 0;

	dkim_key_record_parse(text, len, &r);
	if (r.syntax == DKIM_TAGS_OK)
		like = r.has_p || r.has_k || r.v_ok;
	else {
		while (i < len && dkim_is_space((unsigned char)text[i]))
			i++;
		like = memmem(text, len, "DKIM1", 5) != NULL ||
		    (len - i >= 2 && (text[i] == 'p' || text[i] == 'k') &&
		    text[i + 1] == '=');
	}
	dkim_key_record_clear(&r);
	return like;
}

void
dkim_report_judge_answer(struct dkim_report *rep, size_t i,
    const struct dns_answer *ans)
{
	struct dkim_selector *s = &rep->sel[i];
	struct finding *fd;

	dns_answer_copy(&s->ans, ans);
	s->looked_up = true;
	if (dns_outcome_is_temporary(ans->outcome)) {
		fd = judge_add(s, "dkim.temperror", FINDING_TEMPERROR,
		    "The key lookup for selector %s failed temporarily (%s)",
		    s->selector, dns_outcome_name(ans->outcome));
		finding_explain(fd, "The TXT lookup got no answer; whether a "
		    "key exists there is unknown. Verifiers return temperror "
		    "for signatures with this selector meanwhile.");
		strvec_pushf(&fd->evidence, "lookup: TXT %s: %s%s%s%s", s->name,
		    dns_outcome_name(ans->outcome), ans->error[0] ? " (" : "",
		    ans->error, ans->error[0] ? ")" : "");
		strvec_push(&fd->remediation, "Run the check again; if it "
		    "persists, check the domain's name servers.");
		judge_ref(fd, "RFC 6376 §6.1.2");
		judge_selector_status(s);
		return;
	}
	switch (ans->outcome) {
	case DNS_OUT_NXDOMAIN:
	case DNS_OUT_NODATA:
		if (rep->explicit_selectors) {
			fd = judge_add(s, "dkim.selector_not_found", FINDING_FAIL,
			    "No DKIM key at selector %s", s->selector);
			finding_explain(fd, "Signatures naming this selector "
			    "(s=%s in DKIM-Signature) fail with \"no key for "
			    "signature\": the record is not published, or not at "
			    "this name.", s->selector);
			strvec_pushf(&fd->evidence, "lookup: TXT %s: %s", s->name,
			    dns_outcome_name(ans->outcome));
			strvec_pushf(&fd->remediation, "Publish the public key "
			    "as a TXT record at %s (in most DNS panels the host "
			    "is `%s._domainkey`).", s->name, s->selector);
			judge_trip_dkim_invalid(fd);
			judge_ref(fd, "RFC 6376 §6.1.2");
		}
		judge_selector_status(s);
		return;
	case DNS_OUT_ANSWER:
		break;
	default:
		fd = judge_add(s, "dkim.dns_error", FINDING_PERMERROR,
		    "The key lookup for selector %s gave an unusable answer (%s)",
		    s->selector, dns_outcome_name(ans->outcome));
		finding_explain(fd, "The name servers answered with an error "
		    "that will not go away by itself (a malformed answer, "
		    "NOTIMP, or a CNAME loop).");
		strvec_pushf(&fd->evidence, "lookup: TXT %s: %s", s->name,
		    dns_outcome_name(ans->outcome));
		strvec_push(&fd->remediation, "Check the records at and "
		    "below this name in your DNS (CNAME chains in particular).");
		judge_ref(fd, "RFC 6376 §6.1.2");
		judge_selector_status(s);
		return;
	}

	s->nrecords = ans->nrr;
	s->record_len = ans->rr[0].u.txt.len;
	s->record = xcalloc(1, s->record_len + 1);
	memcpy(s->record, ans->rr[0].u.txt.data, s->record_len);
	if (!rep->explicit_selectors && !judge_looks_like_dkim(s->record,
	    s->record_len)) {
		/* A wildcard TXT (SPF, site verification) answers every
		 * guessed selector; that is not a key, nor a broken one. */
		s->foreign = true;
		judge_selector_status(s);
		return;
	}
	s->found = true;
	if (ans->chain.n > 0) {
		fd = judge_add(s, "dkim.cname", FINDING_INFO,
		    "Selector %s is delegated by CNAME to %s", s->selector,
		    ans->chain.v[ans->chain.n - 1]);
		finding_explain(fd, "The key is published by whoever runs the "
		    "CNAME's target (usually the sending service), who can "
		    "rotate it without touching your zone.");
		for (size_t k = 0; k < ans->chain.n; k++)
			strvec_pushf(&fd->evidence, "CNAME: %s -> %s", k == 0 ?
			    s->name : ans->chain.v[k - 1], ans->chain.v[k]);
	}
	if (ans->nrr > 1) {
		char buf[300];

		fd = judge_add(s, "dkim.multiple_records", FINDING_FAIL,
		    "Selector %s has %zu TXT records", s->selector, ans->nrr);
		finding_explain(fd, "A selector must have exactly one TXT "
		    "record; with several the result is undefined (RFC 6376 "
		    "§3.6.2.2): verifiers pick one, often at random, and "
		    "signatures fail whenever they pick the wrong one. A long "
		    "key published as two records instead of two strings of "
		    "one record looks like this too.");
		for (size_t k = 1; k < ans->nrr; k++) {
			util_printable(buf, sizeof(buf), ans->rr[k].u.txt.data,
			    ans->rr[k].u.txt.len);
			strvec_pushf(&fd->evidence, "record %zu: %s", k + 1, buf);
		}
		strvec_pushf(&fd->remediation, "Keep one TXT record at %s; "
		    "a key longer than 255 characters goes into one record as "
		    "several quoted strings (\"v=DKIM1; k=rsa; p=MIIB...\" "
		    "\"...IDAQAB\").", s->name);
		judge_trip_dkim_invalid(fd);
		judge_ref(fd, "RFC 6376 §3.6.2.2");
	}
	judge_record(rep, s);
	if (ans->nrr > 1)
		s->valid = false;
	judge_selector_status(s);
}

enum finding_status
dkim_report_worst(const struct dkim_report *rep)
{
	struct finding_list all = { 0 };
	enum finding_status w;

	/* Borrow the findings into one list to reuse the ordering. */
	for (size_t i = 0; i < rep->n; i++)
		for (size_t k = 0; k < rep->sel[i].findings.n; k++) {
			if (all.n == all.cap) {
				all.cap = all.cap ? all.cap * 2 : 16;
				all.v = xreallocarray(all.v, all.cap,
				    sizeof(*all.v));
			}
			all.v[all.n++] = rep->sel[i].findings.v[k];
		}
	for (size_t k = 0; k < rep->findings.n; k++) {
		if (all.n == all.cap) {
			all.cap = all.cap ? all.cap * 2 : 16;
			all.v = xreallocarray(all.v, all.cap, sizeof(*all.v));
		}
		all.v[all.n++] = rep->findings.v[k];
	}
	w = finding_list_worst(&all);
	free(all.v);
	return w;
}

void
dkim_report_finish(struct dkim_report *rep)
{
	size_t found = 0, valid = 0, temp = 0, ed = 0;
	char list[1024];
	size_t off = 0;
	struct finding *fd;

	for (size_t i = 0; i < rep->n; i++) {
		const struct dkim_selector *s = &rep->sel[i];

		found += s->found;
		if (s->valid) {
			valid++;
			ed += s->rec.key_type == DKIM_KEY_ED25519;
			if (off < sizeof(list))
				off += (size_t)snprintf(list + off,
				    sizeof(list) - off, "%s%s", valid > 1 ?
				    ", " : "", s->selector);
		}
		if (s->looked_up && dns_outcome_is_temporary(s->ans.outcome))
			temp++;
	}
	if (valid > 0) {
		fd = finding_add(&rep->findings, "dkim.found", FINDING_PASS,
		    "%s publishes %zu usable DKIM key%s (selector%s %s)",
		    rep->domain, valid, valid == 1 ? "" : "s", valid == 1 ?
		    "" : "s", list);
		finding_explain(fd, "Mail signed with d=%s and one of these "
		    "selectors can pass DKIM.", rep->domain);
		if (ed == valid) {
			fd = finding_add(&rep->findings, "dkim.ed25519_only",
			    FINDING_WARNING, "%s publishes only Ed25519 keys",
			    rep->domain);
			finding_explain(fd, "Many receivers do not verify "
			    "Ed25519 signatures yet (RFC 8463 §6 expects "
			    "signers to add an RSA signature too); where they "
			    "do not, the mail counts as unsigned.");
			strvec_push(&fd->remediation, "Sign every message "
			    "twice: with the Ed25519 key and with a 2048-bit RSA "
			    "key under another selector.");
			judge_ref(fd, "RFC 8463 §6");
		}
		return;
	}
	if (found > 0) {
		fd = finding_add(&rep->findings, "dkim.no_valid_key",
		    FINDING_FAIL, "%s publishes DKIM records, but none with a "
		    "usable key", rep->domain);
		finding_explain(fd, "Every record found is revoked, malformed "
		    "or unacceptable (see the findings of each selector), so no "
		    "signature of this domain can verify.");
		for (size_t i = 0; i < rep->n; i++)
			if (rep->sel[i].found)
				strvec_pushf(&fd->evidence, "%s: %s",
				    rep->sel[i].name,
				    finding_status_name(rep->sel[i].status));
		strvec_push(&fd->remediation, "Fix the record of the selector "
		    "your signer uses (see above), or publish a new 2048-bit "
		    "key under a new selector.");
		judge_trip_dkim_invalid(fd);
		judge_ref(fd, "RFC 6376 §3.6.1");
		return;
	}
	if (temp > 0 || rep->explicit_selectors || rep->draft)
		return;	/* the per-selector findings say it all */
	off = 0;
	list[0] = '\0';
	for (size_t i = 0; i < rep->n && off < sizeof(list); i++)
		off += (size_t)snprintf(list + off, sizeof(list) - off, "%s%s",
		    i ? ", " : "", rep->sel[i].selector);
	fd = finding_add(&rep->findings, "dkim.none_found", FINDING_WARNING,
	    "No DKIM key found for %s at any of %zu common selectors",
	    rep->domain, rep->n);
	finding_explain(fd, "A selector can be any name, so this does not "
	    "prove that the domain has no DKIM key, only that none of the "
	    "providers' usual selectors has one. The selector a message was "
	    "signed with is the s= tag of its DKIM-Signature header.");
	strvec_pushf(&fd->evidence, "selectors tried: %s", list);
	for (size_t i = 0; i < rep->n; i++)
		if (rep->sel[i].foreign) {
			char rec[200];

			util_printable(rec, sizeof(rec), rep->sel[i].record,
			    rep->sel[i].record_len);
			strvec_pushf(&fd->evidence, "%s answers with a TXT record "
			    "that is not DKIM (a wildcard?): %s",
			    rep->sel[i].name, rec);
			break;
		}
	strvec_pushf(&fd->remediation, "Look at the DKIM-Signature header of "
	    "a message from %s and run `mxdiag dkim %s --selector S` with its "
	    "s= value.", rep->domain, rep->domain);
	strvec_pushf(&fd->remediation, "If the domain does not sign: enable "
	    "DKIM at your mail provider (Google Workspace: Authenticate email; "
	    "Microsoft 365: Defender portal > Email authentication > DKIM) or "
	    "generate a key with `opendkim-genkey -b 2048 -s SELECTOR -d %s` "
	    "and configure your MTA to sign.", rep->domain);
	finding_trip(fd, "mailbox-providers", "bulk sender requirements",
	    "Gmail and Yahoo (since February 2024) and Outlook.com (since May "
	    "2025) require DKIM from bulk senders; unsigned bulk mail is "
	    "rejected or filed as spam");
	judge_ref(fd, "RFC 6376 §3.6.2.1");
}
