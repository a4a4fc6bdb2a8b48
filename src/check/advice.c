/* SPDX-License-Identifier: MIT */
/*
 * The words of every identity finding: explanation, remediation for the
 * detected MTA and provider, receiver rules tripped, references. A table
 * maps each stable code to the function that words it; the unit tests
 * check that every code judge.c can emit has an entry.
 */
#include "check/advice.h"

#include <stdio.h>
#include <string.h>

#include "util/util.h"

/* ---- MTA settings: the inbound face (banner, EHLO reply) and the
 * outbound face (the HELO it sends when delivering). ---- */

struct mta_setting {
	enum smtp_mta	 mta;
	const char	*inbound;
	const char	*outbound;
};

static const struct mta_setting mta_settings[] = {
	{ SMTP_MTA_POSTFIX,
	  "Postfix: set `myhostname = %s` in main.cf (`postconf -e "
	  "'myhostname = %s'`), keep `smtpd_banner = $myhostname ESMTP "
	  "$mail_name` free of any other name, then `postfix reload`.",
	  "Postfix sends `smtp_helo_name` (default `$myhostname`); with "
	  "several sending IPs, give each its own transport in master.cf "
	  "with `-o smtp_bind_address=ADDRESS -o smtp_helo_name=NAME`." },
	{ SMTP_MTA_ZIMBRA,
	  "Zimbra (Postfix inside): `zmprov ms $(zmhostname) "
	  "zimbraMtaMyHostname %s`, then `zmmtactl restart`.",
	  "Zimbra's MTA sends `$myhostname` as HELO (`smtp_helo_name`)." },
	{ SMTP_MTA_EXIM,
	  "Exim: set `primary_hostname = %s` in the main section (the "
	  "banner `smtp_banner` uses `$smtp_active_hostname`, which defaults "
	  "to it); on Debian put it in /etc/exim4/update-exim4.conf.conf "
	  "or a `MAIN_HARDCODE_PRIMARY_HOSTNAME = %s` macro, then "
	  "`update-exim4.conf` and restart.",
	  "Exim sends `helo_data` of the smtp transport (default "
	  "`$primary_hostname`): set `helo_data = NAME` on `remote_smtp` "
	  "when the outbound name must differ." },
	{ SMTP_MTA_OPENSMTPD,
	  "OpenSMTPD: `listen on ADDRESS hostname %s` in smtpd.conf "
	  "(without it, the name comes from /etc/mail/mailname or the "
	  "system hostname), then `smtpctl stop` and start it again.",
	  "OpenSMTPD sends the `helo` of the relay action: "
	  "`action \"outbound\" relay helo NAME`." },
	{ SMTP_MTA_EXCHANGE,
	  "Exchange: `Set-ReceiveConnector -Identity \"SERVER\\Default "
	  "Frontend SERVER\" -Fqdn %s` (Exchange Management Shell) for "
	  "the connector that faces the Internet.",
	  "Exchange sends the FQDN of the Send connector: `Set-SendConnector "
	  "-Identity \"Internet\" -Fqdn NAME`." },
	{ SMTP_MTA_SENDMAIL,
	  "Sendmail: `define(`confDOMAIN_NAME', `%s')dnl` in sendmail.mc, "
	  "rebuild sendmail.cf (`make -C /etc/mail`) and restart; the "
	  "greeting and HELO both use `$j`.",
	  "Sendmail sends `$j` (confDOMAIN_NAME) as HELO." },
	{ SMTP_MTA_QMAIL,
	  "qmail: put %s in /var/qmail/control/me and "
	  "control/smtpgreeting, then restart qmail-smtpd.",
	  "qmail sends control/helohost (default control/me) as HELO." },
	{ SMTP_MTA_HMAILSERVER,
	  "hMailServer: Settings > Protocols > SMTP > Delivery of e-mail > "
	  "Local host name = %s, and the SMTP welcome message.",
	  "hMailServer sends the same Local host name as HELO." },
	{ SMTP_MTA_GOOGLE,
	  "This is Google's server: its name is Google's to keep (%s is "
	  "what your DNS should point at, not what you can change).",
	  "Mail sent through Google uses Google's own names and IPs." },
	{ SMTP_MTA_MICROSOFT365,
	  "This is a Microsoft 365 front end: its name is Microsoft's to "
	  "keep (%s).",
	  "Mail sent through Microsoft 365 uses Microsoft's own names and "
	  "IPs." },
};

static const struct mta_setting mta_unknown = {
	SMTP_MTA_UNKNOWN,
	"The MTA could not be identified: set the hostname it announces "
	"(the name in its greeting and EHLO reply) to %s in its "
	"configuration.",
	"Set the HELO/EHLO name the MTA sends when it delivers mail to the "
	"same name (in most MTAs it defaults to the hostname above).",
};

static const struct mta_setting *
mta_setting(enum smtp_mta m)
{
	for (size_t i = 0; i < UTIL_ARRAY_LEN(mta_settings); i++)
		if (mta_settings[i].mta == m)
			return &mta_settings[i];
	return &mta_unknown;
}

const char *
advice_mta_inbound(enum smtp_mta m)
{
	return mta_setting(m)->inbound;
}

const char *
advice_mta_outbound(enum smtp_mta m)
{
	return mta_setting(m)->outbound;
}

/* Substitute name for every "%s" of a static template. */
static void
push_template(struct strvec *sv, const char *tmpl, const char *name)
{
	char out[1024];
	size_t o = 0;

	for (const char *p = tmpl; *p && o + 1 < sizeof(out); p++) {
		if (p[0] == '%' && p[1] == 's') {
			o += (size_t)snprintf(out + o, sizeof(out) - o, "%s", name);
			if (o >= sizeof(out))
				o = sizeof(out) - 1;
			p++;
		} else {
			out[o++] = *p;
		}
	}
	out[o] = '\0';
	strvec_push(sv, out);
}

static const char *
want(const struct advice_ctx *c)
{
	return c->want_name ? c->want_name : "mail.YOUR-DOMAIN";
}

static const char *
fwd_rr(const struct advice_ctx *c)
{
	return c->f->af == AF_INET6 ? "AAAA" : "A";
}

static void
fix_mta(struct finding *fd, const struct advice_ctx *c, const char *name)
{
	push_template(&fd->remediation, advice_mta_inbound(c->mta), name);
	strvec_push(&fd->remediation, advice_mta_outbound(c->mta));
}

/* How to get the PTR set: who owns the reverse zone and how. */
static void
fix_ptr(struct finding *fd, const struct advice_ctx *c, const char *name)
{
	const struct identity_facts *f = c->f;
	const struct provider *p = c->v->generic.provider ?
	    c->v->generic.provider : c->v->zone_provider;

	const struct dns_soa *soa = c->v->rzone_soa;

	strvec_pushf(&fd->remediation, "Have the PTR record %s set to %s "
	    "(only one PTR for the address). The reverse zone%s%s belongs "
	    "to whoever holds the address block, not to your domain's DNS "
	    "host.", f->revname, name, c->v->rzone_name ? " " : "",
	    c->v->rzone_name ? c->v->rzone_name : "");
	if (p != NULL)
		strvec_pushf(&fd->remediation, "%s: %s", p->name, p->set_ptr);
	else if (soa != NULL)
		strvec_pushf(&fd->remediation, "Ask the operator of the "
		    "reverse zone (SOA contact %s, primary server %s) to set "
		    "it; usually that is the hosting provider or ISP that "
		    "assigned the address.", soa->rname, soa->mname);
	else
		strvec_push(&fd->remediation, "Ask the provider that assigned "
		    "the address (your hosting provider, cloud or ISP) to set "
		    "it; most have a \"reverse DNS\" field in their panel.");
}

static void
fix_forward(struct finding *fd, const struct advice_ctx *c, const char *name)
{
	strvec_pushf(&fd->remediation, "Publish %s %s -> %s in the DNS zone "
	    "that holds %s (your domain's DNS host), so the name leads back "
	    "to the address.", fwd_rr(c), name, c->f->address, name);
}

static void
trip_no_ptr(struct finding *fd, const struct advice_ctx *c)
{
	char e[256];

	snprintf(e, sizeof(e), "450 4.7.25 Client host rejected: cannot find "
	    "your reverse hostname, [%s]", c->f->address);
	finding_trip(fd, "postfix", "reject_unknown_reverse_client_hostname",
	    e);
	snprintf(e, sizeof(e), "450 4.7.25 Client host rejected: cannot find "
	    "your hostname, [%s]", c->f->address);
	finding_trip(fd, "postfix", "reject_unknown_client_hostname", e);
	finding_trip(fd, "rspamd", "RDNS_NONE", "scored: no reverse DNS");
	finding_trip(fd, "rspamd", "HFILTER_HOSTNAME_UNKNOWN",
	    "scored: PTR missing or not forward-confirmed");
	finding_trip(fd, "spamassassin", "RDNS_NONE",
	    "scored: relay with no reverse DNS");
	finding_trip(fd, "mailbox-providers", "valid forward and reverse DNS "
	    "for sending IPs", "Gmail: 550-5.7.25 the sending IP has no PTR "
	    "record, or its forward DNS does not point back; Yahoo and "
	    "Microsoft require the same for bulk senders");
}

static void
trip_fcrdns(struct finding *fd, const struct advice_ctx *c)
{
	char e[256];

	snprintf(e, sizeof(e), "450 4.7.25 Client host rejected: cannot find "
	    "your hostname, [%s]", c->f->address);
	finding_trip(fd, "postfix", "reject_unknown_client_hostname", e);
	finding_trip(fd, "rspamd", "HFILTER_HOSTNAME_UNKNOWN",
	    "scored: PTR missing or not forward-confirmed");
	finding_trip(fd, "spamassassin", "RDNS_NONE", "scored: Postfix and "
	    "Sendmail write \"unknown\" as the client name in Received: "
	    "when the forward check fails, which reads as no rDNS");
	finding_trip(fd, "mailbox-providers", "valid forward and reverse DNS "
	    "for sending IPs", "Gmail: 421-4.7.23 / 550-5.7.25 the sending "
	    "IP does not match the IP of the hostname in its PTR record");
}

static void
trip_temp(struct finding *fd, const struct advice_ctx *c)
{
	char e[256];

	snprintf(e, sizeof(e), "450 4.7.25 Client host rejected: cannot find "
	    "your hostname, [%s] (always 450 on a temporary DNS failure)",
	    c->f->address);
	finding_trip(fd, "postfix", "reject_unknown_client_hostname", e);
}

/* The forward lookup of the name a face announced (the EHLO name is
 * looked up on its own only when it differs from the banner name). */
static const struct identity_forward *
announced_fwd(const struct advice_ctx *c, bool banner)
{
	const struct identity_facts *f = c->f;

	if (!banner && f->ehlo_fwd.done)
		return &f->ehlo_fwd;
	return f->banner_fwd.done ? &f->banner_fwd : NULL;
}

/* HELO rules: which ones trip depends on whether the name resolves. */
static void
trip_helo(struct finding *fd, const struct advice_ctx *c,
    const struct identity_forward *fw)
{
	if (fw == NULL)
		return;
	if (fw->ans.outcome == DNS_OUT_NXDOMAIN ||
	    fw->ans.outcome == DNS_OUT_NODATA) {
		finding_trip(fd, "rspamd", "HFILTER_HELO_NORES_A_OR_MX",
		    "scored: HELO name has no A or MX record");
		finding_trip(fd, "postfix", "reject_unknown_helo_hostname",
		    "450 4.7.1 Helo command rejected: Host not found");
	} else if (fw->ans.outcome == DNS_OUT_ANSWER) {
		finding_trip(fd, "rspamd", "HFILTER_HELO_IP_A",
		    "scored: the HELO name's A record is not the client "
		    "address");
	}
}

static void
ref(struct finding *fd, const char *r)
{
	strvec_push(&fd->references, r);
}

/* ---- one function per finding code ---- */

static void
a_ptr_present(struct finding *fd, const struct advice_ctx *c)
{
	finding_explain(fd, "The address has exactly one PTR record, which "
	    "is what receivers expect.");
	ref(fd, "RFC 1912 §2.1");
}

static void
a_ptr_multiple(struct finding *fd, const struct advice_ctx *c)
{
	finding_explain(fd, "The address has several PTR records. A "
	    "receiver's resolver returns them in any order and most MTAs "
	    "take the first, so the name a receiver sees changes from "
	    "connection to connection; any name that does not forward-confirm "
	    "or does not match the HELO fails some of the time.");
	fix_ptr(fd, c, want(c));
	ref(fd, "RFC 1912 §2.1");
}

static void
a_ptr_cname(struct finding *fd, const struct advice_ctx *c)
{
	finding_explain(fd, "The PTR is published through a CNAME into a "
	    "zone delegated to the address holder, the RFC 2317 scheme for "
	    "blocks smaller than /24. This works; the record to change is "
	    "in the zone at the end of the chain.");
	ref(fd, "RFC 2317");
}

static void
a_ptr_invalid(struct finding *fd, const struct advice_ctx *c)
{
	finding_explain(fd, "A PTR name must be a hostname (letters, digits "
	    "and hyphens, dot-separated). Receivers treat other names as "
	    "no name at all.");
	fix_ptr(fd, c, want(c));
	trip_fcrdns(fd, c);
}

static void
a_ptr_generic(struct finding *fd, const struct advice_ctx *c)
{
	finding_explain(fd, "The PTR name looks assigned by the address "
	    "owner, not chosen for a mail server: %s. Spam filters treat "
	    "such names as residential or unmanaged hosts even when they "
	    "forward-confirm.", c->v->generic.reason ?
	    c->v->generic.reason : "a generic pattern");
	fix_ptr(fd, c, c->f->smtp.ehlo_hostname[0] &&
	    strchr(c->f->smtp.ehlo_hostname, '.') ?
	    c->f->smtp.ehlo_hostname : "mail.YOUR-DOMAIN");
	fix_forward(fd, c, c->f->smtp.ehlo_hostname[0] ?
	    c->f->smtp.ehlo_hostname : "mail.YOUR-DOMAIN");
	finding_trip(fd, "spamassassin", "RDNS_DYNAMIC",
	    "scored: relay's rDNS looks dynamic");
	finding_trip(fd, "rspamd", "HFILTER_HOSTNAME_1..5",
	    "scored: hostname matches dynamic or generic patterns");
	if (c->v->generic.provider)
		ref(fd, c->v->generic.provider->reference);
}

static void
a_ptr_none(struct finding *fd, const struct advice_ctx *c)
{
	finding_explain(fd, "Nothing maps %s back to a name. Many receivers "
	    "refuse or defer mail from addresses without reverse DNS, and "
	    "the large mailbox providers require it of every sending IP.",
	    c->f->address);
	fix_ptr(fd, c, want(c));
	if (c->want_name)
		fix_forward(fd, c, want(c));
	trip_no_ptr(fd, c);
	ref(fd, "RFC 1912 §2.1");
	ref(fd, "RFC 8601 §3 (iprev)");
}

static void
a_ptr_permerror(struct finding *fd, const struct advice_ctx *c)
{
	finding_explain(fd, "The reverse lookup returned an answer that "
	    "cannot be used (malformed, unsupported, or a CNAME loop). "
	    "Receivers will treat the address as having no PTR.");
	fix_ptr(fd, c, want(c));
	trip_no_ptr(fd, c);
}

static void
a_ptr_temperror(struct finding *fd, const struct advice_ctx *c)
{
	finding_explain(fd, "The reverse lookup failed without an answer "
	    "(timeout, SERVFAIL or refusal). Receivers defer mail while "
	    "this lasts. A SERVFAIL that persists usually means the reverse "
	    "zone's delegation is lame or its DNSSEC is broken.");
	strvec_push(&fd->remediation, "Run the check again; if it persists, "
	    "ask the reverse zone's operator to fix the delegation (the name "
	    "servers listed for the zone must answer for it).");
	trip_temp(fd, c);
	ref(fd, "RFC 8601 §3 (iprev temperror)");
}

static void
a_zone_unknown(struct finding *fd, const struct advice_ctx *c)
{
	finding_explain(fd, "The negative answer carried no SOA record, so "
	    "it does not say which zone is authoritative. The resolver "
	    "asked may be stripping the authority section.");
	strvec_push(&fd->remediation, "Ask the provider that assigned the "
	    "address who runs its reverse zone.");
}

static void
a_undelegated(struct finding *fd, const struct advice_ctx *c)
{
	const struct provider *p = c->v->zone_provider;

	finding_explain(fd, "The answer came from a parent zone (%s), not "
	    "from a reverse zone for this block: nobody has been delegated "
	    "the reverse DNS of %s, so no PTR can exist until the block's "
	    "holder sets up the zone.", c->f->ptr.soa_zone, c->f->address);
	if (p != NULL)
		strvec_pushf(&fd->remediation, "%s: %s", p->name, p->set_ptr);
	strvec_push(&fd->remediation, "Ask the provider that assigned the "
	    "address to delegate its reverse zone (NS records in the "
	    "registry's zone) or to publish the PTR for you.");
	trip_no_ptr(fd, c);
	ref(fd, "RFC 2317");
}

static void
a_zone_owner(struct finding *fd, const struct advice_ctx *c)
{
	finding_explain(fd, "This is whom to ask for the PTR: the reverse "
	    "zone exists and its operator is named in its SOA record "
	    "(primary server %s, contact %s).", c->f->ptr.soa.mname,
	    c->f->ptr.soa.rname);
	if (c->v->zone_provider)
		strvec_pushf(&fd->remediation, "%s: %s",
		    c->v->zone_provider->name, c->v->zone_provider->set_ptr);
	else
		strvec_pushf(&fd->remediation, "Contact the zone's operator "
		    "(SOA contact %s) to have the PTR set.", c->f->ptr.soa.rname);
	if (c->v->zone_provider)
		ref(fd, c->v->zone_provider->reference);
}

static void
a_iprev_pass(struct finding *fd, const struct advice_ctx *c)
{
	finding_explain(fd, "The PTR name resolves back to the address: "
	    "forward-confirmed reverse DNS holds (iprev=pass).");
	ref(fd, "RFC 8601 §3 (iprev)");
}

static void
a_iprev_fail(struct finding *fd, const struct advice_ctx *c)
{
	finding_explain(fd, "No PTR name of %s has an %s record that leads "
	    "back to it. Receivers that verify reverse DNS treat the client "
	    "as unknown.", c->f->address, fwd_rr(c));
	if (c->ptrname) {
		fix_forward(fd, c, c->ptrname);
		strvec_pushf(&fd->remediation, "Or, if %s is not this "
		    "server's name, change the PTR instead:", c->ptrname);
		fix_ptr(fd, c, c->f->smtp.ehlo_hostname[0] ?
		    c->f->smtp.ehlo_hostname : "mail.YOUR-DOMAIN");
	}
	trip_fcrdns(fd, c);
	ref(fd, "RFC 8601 §3 (iprev)");
}

static void
a_iprev_temperror(struct finding *fd, const struct advice_ctx *c)
{
	finding_explain(fd, "A forward lookup of the PTR name failed "
	    "without an answer. Receivers defer mail while this lasts.");
	strvec_push(&fd->remediation, "Run the check again; if it persists, "
	    "check that every name server of the PTR name's zone answers.");
	trip_temp(fd, c);
	ref(fd, "RFC 8601 §3 (iprev temperror)");
}

static void
a_iprev_permerror(struct finding *fd, const struct advice_ctx *c)
{
	finding_explain(fd, "The forward lookup of the PTR name returned an "
	    "unusable answer (malformed, or a CNAME loop).");
	if (c->ptrname)
		fix_forward(fd, c, c->ptrname);
	trip_fcrdns(fd, c);
	ref(fd, "RFC 8601 §3 (iprev permerror)");
}

static void
a_smtp_skipped(struct finding *fd, const struct advice_ctx *c)
{
	finding_explain(fd, "Only DNS was checked; the banner and EHLO "
	    "names were not compared.");
}

static void
a_smtp_connect(struct finding *fd, const struct advice_ctx *c)
{
	finding_explain(fd, "No SMTP session could be opened, so the banner "
	    "and EHLO names are unknown. Outbound-only servers often do not "
	    "listen on port 25; port 25 is also often blocked by the network "
	    "in between.");
	strvec_pushf(&fd->remediation, "If this server receives mail, make "
	    "sure it listens on %s port %d and the firewall lets it through; "
	    "if it only sends, run with --no-smtp and check its HELO name "
	    "in its configuration.", c->f->address, c->f->port);
}

static void
a_smtp_greeting_timeout(struct finding *fd, const struct advice_ctx *c)
{
	finding_explain(fd, "The server accepted the connection but sent no "
	    "220 greeting in time. mxdiag never speaks first (servers such as "
	    "Postfix's postscreen and OpenSMTPD punish clients that do). A "
	    "long deliberate greeting delay, or a server stuck on its own "
	    "DNS lookup of the client, looks like this.");
	strvec_push(&fd->remediation, "Retry with a longer --timeout; if the "
	    "server is yours, check its logs for slow client lookups.");
}

static void
a_smtp_timeout(struct finding *fd, const struct advice_ctx *c)
{
	finding_explain(fd, "The server stopped answering in the middle of "
	    "the session.");
	strvec_push(&fd->remediation, "Retry with a longer --timeout.");
}

static void
a_smtp_closed(struct finding *fd, const struct advice_ctx *c)
{
	finding_explain(fd, "The server dropped the connection before the "
	    "session was done. Rate limits, connection filters (fail2ban, "
	    "tcpwrappers, postscreen) or a crashing server do this.");
	strvec_push(&fd->remediation, "Retry later; if the server is yours, "
	    "its log says why it closed.");
}

static void
a_smtp_protocol(struct finding *fd, const struct advice_ctx *c)
{
	finding_explain(fd, "A reply broke RFC 5321's syntax (a line over "
	    "512 octets, a malformed code, or a code that changes within a "
	    "multi-line reply). Senders give up on such servers.");
	strvec_push(&fd->remediation, "Check that the service on this port "
	    "is an SMTP server, and that nothing in front of it (a proxy or "
	    "filter) rewrites its replies.");
	ref(fd, "RFC 5321 §4.2, §4.5.3.1.5");
}

static void
a_smtp_rejected(struct finding *fd, const struct advice_ctx *c)
{
	finding_explain(fd, "The server answers connections with a 5xx "
	    "greeting, refusing service (to us, or to everyone). The name "
	    "in that greeting is still judged below.");
	strvec_push(&fd->remediation, "If this server should receive mail "
	    "from the Internet, check its access rules for the checking "
	    "host's address.");
	ref(fd, "RFC 5321 §3.1");
}

static void
a_smtp_busy(struct finding *fd, const struct advice_ctx *c)
{
	finding_explain(fd, "The server answered 4xx (service not "
	    "available) and closed: it is overloaded, rate-limiting, or "
	    "shutting down.");
	strvec_push(&fd->remediation, "Retry later.");
}

static void
a_smtp_ehlo_failed(struct finding *fd, const struct advice_ctx *c)
{
	finding_explain(fd, "The server refused both EHLO and HELO from us, "
	    "so its EHLO name and capabilities are unknown.");
	strvec_push(&fd->remediation, "Check its HELO restrictions against "
	    "the name mxdiag sent (--ehlo NAME sets it).");
}

static void
a_smtp_greeting_delay(struct finding *fd, const struct advice_ctx *c)
{
	finding_explain(fd, "The 220 greeting came late. Deliberate pauses "
	    "(postscreen's greet pause, Exim's delays, greylisting-style "
	    "tarpits) do this, and so does a server waiting on its own DNS "
	    "lookup of the client; senders wait up to 5 minutes (RFC 5321 "
	    "§4.5.3.2), so this is not a failure.");
	ref(fd, "RFC 5321 §4.5.3.2");
}

static void
a_smtp_unsolicited(struct finding *fd, const struct advice_ctx *c)
{
	finding_explain(fd, "The server sent bytes after a reply, before "
	    "being asked. Strict clients treat this as a protocol error.");
}

static void
a_smtp_bare_lf(struct finding *fd, const struct advice_ctx *c)
{
	finding_explain(fd, "SMTP lines end in CRLF; this server ends some "
	    "with a bare LF, which strict clients reject.");
	ref(fd, "RFC 5321 §2.3.8");
}

static void
a_smtp_helo_fallback(struct finding *fd, const struct advice_ctx *c)
{
	finding_explain(fd, "The server does not speak ESMTP: no STARTTLS, "
	    "no SIZE, no 8BITMIME. Senders fall back to plain SMTP.");
	strvec_push(&fd->remediation, "Enable ESMTP in the server (every "
	    "current MTA supports it).");
}

static void
a_smtp_starttls(struct finding *fd, const struct advice_ctx *c)
{
	if (fd->status == FINDING_PASS) {
		finding_explain(fd, "The EHLO reply offers STARTTLS, so mail "
		    "to this server can be encrypted in transit.");
		return;
	}
	finding_explain(fd, "The EHLO reply does not offer STARTTLS: mail to "
	    "this server travels in clear text, and senders with MTA-STS "
	    "or DANE policies will not deliver to it.");
	strvec_push(&fd->remediation, c->mta == SMTP_MTA_POSTFIX ?
	    "Postfix: set `smtpd_tls_cert_file`, `smtpd_tls_key_file` and "
	    "`smtpd_tls_security_level = may` in main.cf." :
	    "Configure a certificate and enable STARTTLS in the MTA.");
	ref(fd, "RFC 3207");
}

static void
a_no_hostname(struct finding *fd, const struct advice_ctx *c)
{
	if (strncmp(fd->code, "banner.", 7) == 0) {
		finding_explain(fd, "The greeting does not start with a "
		    "hostname. RFC 5321 asks for one, but receivers do not "
		    "judge a server's greeting: this is not a mismatch.");
		ref(fd, "RFC 5321 §4.3.1");
		return;
	}
	finding_explain(fd, "The EHLO reply does not start with a hostname, "
	    "so the name this server calls itself is unknown.");
	fix_mta(fd, c, want(c));
}

static void
a_not_fqdn(struct finding *fd, const struct advice_ctx *c)
{
	finding_explain(fd, "The server calls itself by a name nobody else "
	    "can resolve (localhost, a bare host name). When it sends mail "
	    "with that HELO, receivers reject or score it.");
	fix_mta(fd, c, want(c));
	finding_trip(fd, "postfix", "reject_non_fqdn_helo_hostname",
	    "504 5.5.2 Helo command rejected: need fully-qualified hostname");
	finding_trip(fd, "rspamd", "HFILTER_HELO_NOT_FQDN",
	    "scored: HELO name is not a FQDN");
}

static void
a_ptr_match(struct finding *fd, const struct advice_ctx *c)
{
	finding_explain(fd, "The name the server announces is its PTR name.");
}

static void
a_ptr_mismatch(struct finding *fd, const struct advice_ctx *c)
{
	bool banner = strncmp(fd->code, "banner.", 7) == 0;

	finding_explain(fd, "%s The two should be the same name, with the "
	    "PTR and %s records pointing at each other. Which one to change "
	    "depends on which name is right for this server.", banner ?
	    "The greeting (the server's inbound face) names a different host "
	    "than the PTR record. Checkers and humans reading logs see the "
	    "mismatch; receivers do not score a greeting they never see, but "
	    "the same setting usually drives the HELO this server sends." :
	    "The EHLO reply names a different host than the PTR record. "
	    "Most MTAs use the same name as their outbound HELO, and "
	    "receivers compare the HELO with the PTR name (a mismatch must "
	    "not by itself cause rejection, RFC 5321 §4.1.4, but it is "
	    "scored).", fwd_rr(c));
	const char *announced = banner ? c->f->smtp.banner_hostname :
	    c->f->smtp.ehlo_hostname;
	const struct identity_forward *fw = announced_fwd(c, banner);

	if (fw != NULL && fw->ans.outcome == DNS_OUT_ANSWER && !fw->confirms)
		strvec_pushf(&fd->remediation, "%s resolves to other addresses "
		    "(see the forward finding): this server announces another "
		    "machine's name, which usually means a copied "
		    "configuration. Give it its own name.", announced);
	if (c->ptrname != NULL && c->v->iprev == IPREV_PASS &&
	    c->v->generic.kind == GENERIC_NONE) {
		strvec_pushf(&fd->remediation, "The PTR name %s "
		    "forward-confirms: make the server announce it.",
		    c->ptrname);
		fix_mta(fd, c, c->ptrname);
	} else {
		strvec_pushf(&fd->remediation, "Make DNS match the server's "
		    "name %s:", announced);
		fix_ptr(fd, c, announced);
		fix_forward(fd, c, announced);
	}
	ref(fd, "RFC 5321 §4.1.4");
}

static void
a_forward_match(struct finding *fd, const struct advice_ctx *c)
{
	finding_explain(fd, "The announced name resolves back to this "
	    "address.");
}

static void
a_forward_mismatch(struct finding *fd, const struct advice_ctx *c)
{
	const char *name = strncmp(fd->code, "banner.", 7) == 0 ?
	    c->f->smtp.banner_hostname : c->f->smtp.ehlo_hostname;

	bool banner = strncmp(fd->code, "banner.", 7) == 0;

	finding_explain(fd, "The name the server announces does not resolve "
	    "to the address it was reached on, so a receiver checking the "
	    "HELO name against the client address will not match.");
	fix_forward(fd, c, name);
	if (!banner)
		trip_helo(fd, c, announced_fwd(c, false));
}

static void
a_forward_temperror(struct finding *fd, const struct advice_ctx *c)
{
	finding_explain(fd, "The announced name could not be resolved "
	    "(temporary DNS failure).");
	strvec_push(&fd->remediation, "Run the check again.");
}

static void
a_names_differ(struct finding *fd, const struct advice_ctx *c)
{
	finding_explain(fd, "The greeting and the EHLO reply use different "
	    "names. That is allowed (both are reported); the EHLO name is "
	    "the one that usually matches the HELO this server sends.");
}

static void
a_aligned(struct finding *fd, const struct advice_ctx *c)
{
	finding_explain(fd, "IP, PTR, %s and the names the server announces "
	    "all agree.", fwd_rr(c));
}

static void
a_tls_starttls_refused(struct finding *fd, const struct advice_ctx *c)
{
	finding_explain(fd, "The server advertises STARTTLS and then refuses "
	    "it, so senders that try TLS fall back to clear text or give "
	    "up. It usually means the certificate or key cannot be loaded.");
	strvec_push(&fd->remediation, c->mta == SMTP_MTA_POSTFIX ?
	    "Postfix: check that smtpd_tls_cert_file and smtpd_tls_key_file "
	    "name readable files (`postfix check`, the mail log)." :
	    "Check the MTA's TLS certificate and key settings and its log.");
	ref(fd, "RFC 3207 §4");
}

static void
a_tls_handshake_failed(struct finding *fd, const struct advice_ctx *c)
{
	finding_explain(fd, "STARTTLS was accepted but the TLS handshake "
	    "failed: no protocol version or cipher in common, or a broken "
	    "certificate setup. Senders then deliver in clear text or not "
	    "at all (MTA-STS, DANE).");
	strvec_push(&fd->remediation, "Enable TLS 1.2 and 1.3 with current "
	    "ciphers and a complete certificate chain; `openssl s_client "
	    "-starttls smtp -connect HOST:25` shows the failure.");
	ref(fd, "RFC 3207");
}

static void
a_tls_temperror(struct finding *fd, const struct advice_ctx *c)
{
	finding_explain(fd, "The TLS part of the session did not finish in "
	    "time or the connection was lost; nothing is known about the "
	    "certificate.");
	strvec_push(&fd->remediation, "Run the check again.");
}

static void
a_tls_protocol(struct finding *fd, const struct advice_ctx *c)
{
	if (fd->status == FINDING_PASS) {
		finding_explain(fd, "The protocol version and cipher "
		    "negotiated with a current client.");
		return;
	}
	finding_explain(fd, "TLS 1.0 and 1.1 are deprecated (RFC 8996); "
	    "senders that require TLS 1.2 will not deliver over them.");
	strvec_push(&fd->remediation, c->mta == SMTP_MTA_POSTFIX ?
	    "Postfix: `smtpd_tls_protocols = >=TLSv1.2` and update OpenSSL." :
	    "Enable TLS 1.2 and 1.3 in the MTA.");
	ref(fd, "RFC 8996");
}

static void
a_tls_no_certificate(struct finding *fd, const struct advice_ctx *c)
{
	finding_explain(fd, "An anonymous TLS session cannot be "
	    "authenticated at all.");
	strvec_push(&fd->remediation, "Configure a certificate for the "
	    "server's name.");
}

static void
a_tls_chain(struct finding *fd, const struct advice_ctx *c)
{
	if (fd->status == FINDING_PASS) {
		finding_explain(fd, "The certificate chains to a trusted "
		    "root.");
		return;
	}
	finding_explain(fd, "The certificate does not chain to a trusted "
	    "root (self-signed, a missing intermediate, or an unknown CA). "
	    "Opportunistic senders still encrypt, but senders honouring an "
	    "MTA-STS policy in enforce mode will not deliver.");
	strvec_push(&fd->remediation, "Install a certificate from a public "
	    "CA (ACME/Let's Encrypt works for SMTP) and serve the full chain "
	    "(the certificate followed by its intermediates).");
	ref(fd, "RFC 8461 §4.2");
}

static void
a_tls_name(struct finding *fd, const struct advice_ctx *c)
{
	if (fd->status == FINDING_PASS) {
		finding_explain(fd, "The certificate names the host it was "
		    "reached as.");
		return;
	}
	finding_explain(fd, "The certificate does not name the MX host, so "
	    "senders that check it (MTA-STS, DANE-less verification) reject "
	    "the connection.");
	strvec_push(&fd->remediation, "Get a certificate whose "
	    "subjectAltName includes the host name exactly as the MX record "
	    "names it.");
	ref(fd, "RFC 8461 §4.2");
	ref(fd, "RFC 6125");
}

static void
a_tls_expiry(struct finding *fd, const struct advice_ctx *c)
{
	if (fd->status == FINDING_PASS) {
		finding_explain(fd, "The certificate is within its validity "
		    "period.");
		return;
	}
	finding_explain(fd, "An expired (or soon expiring) certificate "
	    "fails verification: MTA-STS senders stop delivering when it "
	    "expires.");
	strvec_push(&fd->remediation, "Renew the certificate and automate "
	    "renewal (ACME), then reload the MTA.");
}

static void
a_tls_ehlo_failed(struct finding *fd, const struct advice_ctx *c)
{
	finding_explain(fd, "After TLS the client must send EHLO again "
	    "(RFC 3207 §4.2); this server did not accept it.");
	strvec_push(&fd->remediation, "Check the MTA's log for the session.");
	ref(fd, "RFC 3207 §4.2");
}

static void
a_tls_starttls_again(struct finding *fd, const struct advice_ctx *c)
{
	finding_explain(fd, "Inside TLS, STARTTLS must no longer be offered "
	    "(RFC 3207 §4.2): a sign of a proxy or a broken implementation.");
	strvec_push(&fd->remediation, "Check what sits in front of the MTA.");
	ref(fd, "RFC 3207 §4.2");
}

struct advice_entry {
	const char	*code;
	void		(*fn)(struct finding *, const struct advice_ctx *);
};

static const struct advice_entry advice_table[] = {
	{ "ptr.present", a_ptr_present },
	{ "ptr.multiple", a_ptr_multiple },
	{ "ptr.cname", a_ptr_cname },
	{ "ptr.invalid_name", a_ptr_invalid },
	{ "ptr.generic", a_ptr_generic },
	{ "ptr.none", a_ptr_none },
	{ "ptr.permerror", a_ptr_permerror },
	{ "ptr.temperror", a_ptr_temperror },
	{ "rdns.zone_unknown", a_zone_unknown },
	{ "rdns.undelegated", a_undelegated },
	{ "rdns.zone_owner", a_zone_owner },
	{ "iprev.pass", a_iprev_pass },
	{ "iprev.fail", a_iprev_fail },
	{ "iprev.temperror", a_iprev_temperror },
	{ "iprev.permerror", a_iprev_permerror },
	{ "smtp.skipped", a_smtp_skipped },
	{ "smtp.connect", a_smtp_connect },
	{ "smtp.greeting_timeout", a_smtp_greeting_timeout },
	{ "smtp.timeout", a_smtp_timeout },
	{ "smtp.closed", a_smtp_closed },
	{ "smtp.protocol", a_smtp_protocol },
	{ "smtp.rejected", a_smtp_rejected },
	{ "smtp.busy", a_smtp_busy },
	{ "smtp.ehlo_failed", a_smtp_ehlo_failed },
	{ "smtp.greeting_delay", a_smtp_greeting_delay },
	{ "smtp.unsolicited", a_smtp_unsolicited },
	{ "smtp.bare_lf", a_smtp_bare_lf },
	{ "smtp.helo_fallback", a_smtp_helo_fallback },
	{ "smtp.starttls", a_smtp_starttls },
	{ "smtp.names_differ", a_names_differ },
	{ "banner.no_hostname", a_no_hostname },
	{ "banner.not_fqdn", a_not_fqdn },
	{ "banner.ptr_match", a_ptr_match },
	{ "banner.ptr_mismatch", a_ptr_mismatch },
	{ "banner.forward_match", a_forward_match },
	{ "banner.forward_mismatch", a_forward_mismatch },
	{ "banner.forward_temperror", a_forward_temperror },
	{ "ehlo.no_hostname", a_no_hostname },
	{ "ehlo.not_fqdn", a_not_fqdn },
	{ "ehlo.ptr_match", a_ptr_match },
	{ "ehlo.ptr_mismatch", a_ptr_mismatch },
	{ "ehlo.forward_match", a_forward_match },
	{ "ehlo.forward_mismatch", a_forward_mismatch },
	{ "ehlo.forward_temperror", a_forward_temperror },
	{ "identity.aligned", a_aligned },
	{ "tls.starttls_refused", a_tls_starttls_refused },
	{ "tls.handshake_failed", a_tls_handshake_failed },
	{ "tls.temperror", a_tls_temperror },
	{ "tls.protocol", a_tls_protocol },
	{ "tls.no_certificate", a_tls_no_certificate },
	{ "tls.chain", a_tls_chain },
	{ "tls.name", a_tls_name },
	{ "tls.expiry", a_tls_expiry },
	{ "tls.ehlo_failed", a_tls_ehlo_failed },
	{ "tls.starttls_again", a_tls_starttls_again },
};

void
advice_apply(struct finding *fd, const struct advice_ctx *ctx)
{
	if (ctx->brief && !finding_status_is_problem(fd->status))
		return;
	for (size_t i = 0; i < UTIL_ARRAY_LEN(advice_table); i++)
		if (strcmp(advice_table[i].code, fd->code) == 0) {
			advice_table[i].fn(fd, ctx);
			return;
		}
}

bool
advice_known_code(const char *code)
{
	for (size_t i = 0; i < UTIL_ARRAY_LEN(advice_table); i++)
		if (strcmp(advice_table[i].code, code) == 0)
			return true;
	return false;
}
