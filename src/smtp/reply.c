/* SPDX-License-Identifier: MIT */
/*
 * The SMTP reply parser and the readings taken from replies: announced
 * hostname, EHLO capabilities and MTA software. Everything here treats the
 * peer as hostile: lines, lines per reply and bytes per reply are capped,
 * and text is escaped to printable ASCII the moment a line is complete.
 */
#include "smtp/reply.h"

#include <arpa/inet.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/util.h"

/* The text of a line, CRLF excluded, may not exceed this. */
#define REPLY_TEXT_MAX	(SMTP_LINE_MAX - 2)

static const char *const parse_errors[] = {
	[SMTP_PARSE_DONE] = "complete reply",
	[SMTP_PARSE_MORE] = "incomplete reply",
	[SMTP_PARSE_E_LONGLINE] = "reply line too long",
	[SMTP_PARSE_E_TOOMANY] = "reply has too many lines or bytes",
	[SMTP_PARSE_E_SYNTAX] = "malformed reply line",
	[SMTP_PARSE_E_CODE] = "reply code changed within a multi-line reply",
};

const char *
smtp_parse_strerror(enum smtp_parse_status st)
{
	if ((size_t)st < UTIL_ARRAY_LEN(parse_errors))
		return parse_errors[st];
	return "unknown parse status";
}

void
smtp_reply_parser_init(struct smtp_reply_parser *p)
{
	memset(p, 0, sizeof(*p));
	p->status = SMTP_PARSE_MORE;
}

void
smtp_reply_clear(struct smtp_reply *r)
{
	if (r == NULL)
		return;
	for (size_t i = 0; i < r->nlines; i++)
		free(r->lines[i]);
	memset(r, 0, sizeof(*r));
}

void
smtp_reply_parser_reset(struct smtp_reply_parser *p)
{
	smtp_reply_clear(&p->reply);
	smtp_reply_parser_init(p);
}

void
smtp_reply_parser_take(struct smtp_reply_parser *p, struct smtp_reply *out)
{
	*out = p->reply;
	/* The lines now belong to *out: forget them before the reset. */
	memset(&p->reply, 0, sizeof(p->reply));
	smtp_reply_parser_reset(p);
}

/* Record an error; it stays until reset so that a caller that forgets to
 * check one feed cannot resynchronise on garbage. */
static enum smtp_parse_status
parser_fail(struct smtp_reply_parser *p, enum smtp_parse_status st)
{
	p->status = st;
	p->failed = true;
	return st;
}

/*
 * Judge one complete line (terminator stripped, n <= REPLY_TEXT_MAX) and
 * store its text. Returns DONE when it was the last line of the reply, MORE
 * when a continuation follows, or an error.
 */
static enum smtp_parse_status
parser_line(struct smtp_reply_parser *p, const char *s, size_t n)
{
	char text[4 * REPLY_TEXT_MAX + 1];
	bool cont;
	int code;

	/* Three digits, as RFC 5321 §4.2 allows them: 2-5, 0-5, 0-9. */
	if (n < 3 || s[0] < '2' || s[0] > '5' || s[1] < '0' || s[1] > '5' ||
	    s[2] < '0' || s[2] > '9')
		return parser_fail(p, SMTP_PARSE_E_SYNTAX);
	if (n == 3)
		cont = false;	/* "220" alone: a last line with no text */
	else if (s[3] == ' ')
		cont = false;
	else if (s[3] == '-')
		cont = true;
	else
		return parser_fail(p, SMTP_PARSE_E_SYNTAX);

	code = (s[0] - '0') * 100 + (s[1] - '0') * 10 + (s[2] - '0');
	if (p->reply.nlines == 0)
		p->reply.code = code;
	else if (code != p->reply.code)
		return parser_fail(p, SMTP_PARSE_E_CODE);

	/* Four octets per byte and room to spare: util_printable never has
	 * to truncate, so the text is kept whole. */
	if (n > 4)
		util_printable(text, sizeof(text), s + 4, n - 4);
	else
		text[0] = '\0';
	p->reply.lines[p->reply.nlines++] = xstrdup(text);

	if (!cont)
		return SMTP_PARSE_DONE;
	/* A continuation on the last line we can hold promises one more. */
	if (p->reply.nlines == SMTP_REPLY_LINES_MAX)
		return parser_fail(p, SMTP_PARSE_E_TOOMANY);
	return SMTP_PARSE_MORE;
}

enum smtp_parse_status
smtp_reply_parser_feed(struct smtp_reply_parser *p, const char *data,
    size_t len, size_t *consumed)
{
	enum smtp_parse_status st;
	size_t i;

	if (consumed != NULL)
		*consumed = 0;
	if (p->status != SMTP_PARSE_MORE)
		return p->status;

	/*
	 * Byte by byte: a reply is at most SMTP_REPLY_BYTES_MAX bytes, and
	 * the per-byte checks make the cut-off points exact.
	 */
	for (i = 0; i < len; i++) {
		char c = data[i];

		if (++p->bytes > SMTP_REPLY_BYTES_MAX) {
			st = parser_fail(p, SMTP_PARSE_E_TOOMANY);
			goto out;
		}
		if (c != '\n') {
			/*
			 * The text may reach REPLY_TEXT_MAX and a CR may
			 * follow it; anything more can never become a legal
			 * line, so stop reading it now.
			 */
			if (p->linelen > REPLY_TEXT_MAX ||
			    (p->linelen == REPLY_TEXT_MAX && c != '\r')) {
				st = parser_fail(p, SMTP_PARSE_E_LONGLINE);
				goto out;
			}
			p->line[p->linelen++] = c;
			continue;
		}

		/* The check above leaves at most REPLY_TEXT_MAX octets once a
		 * final CR is gone. */
		if (p->linelen > 0 && p->line[p->linelen - 1] == '\r')
			p->linelen--;
		else
			p->reply.bare_lf = true;
		st = parser_line(p, p->line, p->linelen);
		p->linelen = 0;
		if (st == SMTP_PARSE_DONE) {
			p->status = SMTP_PARSE_DONE;
			goto out;
		}
		if (st != SMTP_PARSE_MORE)
			goto out;
	}
	st = SMTP_PARSE_MORE;
	if (consumed != NULL)
		*consumed = len;
	return st;

out:
	if (consumed != NULL)
		*consumed = i + 1;
	return st;
}

char *
smtp_reply_join(const struct smtp_reply *r)
{
	char code[16];
	size_t len, o;
	char *s;

	if (r == NULL || r->nlines == 0)
		return xstrdup("");

	/* The code as a number: a reply built by hand need not be 3 digits. */
	snprintf(code, sizeof(code), "%d", r->code);
	len = strlen(code) + 1 + strlen(r->lines[0]);
	for (size_t i = 1; i < r->nlines; i++)
		len += 3 + strlen(r->lines[i]);
	s = xcalloc(len + 1, 1);

	o = strlen(code);
	memcpy(s, code, o);
	if (r->lines[0][0] != '\0') {
		s[o++] = ' ';
		memcpy(s + o, r->lines[0], strlen(r->lines[0]));
		o += strlen(r->lines[0]);
	}
	for (size_t i = 1; i < r->nlines; i++) {
		size_t l = strlen(r->lines[i]);

		memcpy(s + o, " / ", 3);
		o += 3;
		memcpy(s + o, r->lines[i], l);
		o += l;
	}
	s[o] = '\0';
	return s;
}

static bool
is_ldh(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '-';
}

/* Labels in a name that smtp_hostname_valid() accepted. */
static size_t
hostname_labels(const char *name)
{
	size_t n = 1, len = strlen(name);

	for (size_t i = 0; i + 1 < len; i++)
		if (name[i] == '.')
			n++;
	return n;
}

bool
smtp_hostname_valid(const char *name)
{
	size_t len, label = 0;

	if (name == NULL)
		return false;
	len = strlen(name);
	if (len > 0 && name[len - 1] == '.')
		len--;
	if (len == 0 || len > 253)
		return false;

	for (size_t i = 0; i <= len; i++) {
		if (i == len || name[i] == '.') {
			/* Empty label, or one that begins or ends in '-'. */
			if (label == 0 || label > 63 || name[i - 1] == '-' ||
			    name[i - label] == '-')
				return false;
			label = 0;
			continue;
		}
		if (!is_ldh(name[i]))
			return false;
		label++;
	}
	return true;
}

/* "[192.0.2.1]" or "[IPv6:2001:db8::1]" with an address inet_pton takes. */
static bool
address_literal_valid(const char *w, size_t n)
{
	char addr[64];
	unsigned char bin[16];
	const char *a = w + 1;
	size_t alen;
	int af = AF_INET;

	if (n < 3 || w[0] != '[' || w[n - 1] != ']')
		return false;
	alen = n - 2;
	if (alen > 5 && strncasecmp(a, "IPv6:", 5) == 0) {
		af = AF_INET6;
		a += 5;
		alen -= 5;
	}
	if (alen >= sizeof(addr))
		return false;
	memcpy(addr, a, alen);
	addr[alen] = '\0';
	return inet_pton(af, addr, bin) == 1;
}

/* A top-level label is never all digits (RFC 3696 §2): such a word is
 * a dotted quad (kept: a server announcing its address is reported as a
 * mismatch) or not a name at all ("5.7.1"). */
static bool
numeric_tld_not_ipv4(const char *word)
{
	const char *tld = strrchr(word, '.');
	struct in_addr a;

	if (tld != NULL && tld[1] == '\0' && tld > word) {
		/* trailing dot: look at the label before it */
		const char *p = tld - 1;

		while (p > word && *p != '.')
			p--;
		tld = *p == '.' ? p : NULL;
	}
	tld = tld ? tld + 1 : word;
	if (*tld == '\0' || strspn(tld, "0123456789.") != strlen(tld))
		return false;
	return inet_pton(AF_INET, word, &a) != 1;
}

/* Length of a leading RFC 3463 enhanced status code followed by a space
 * ("5.7.1 "), class 2, 4 or 5, subject and detail 1-3 digits; else 0. */
static size_t
enhanced_status_len(const char *t)
{
	size_t i = 0;

	if (t[0] != '2' && t[0] != '4' && t[0] != '5')
		return 0;
	i = 1;
	for (int part = 0; part < 2; part++) {
		size_t digits = 0;

		if (t[i++] != '.')
			return 0;
		while (t[i] >= '0' && t[i] <= '9' && digits < 4) {
			i++;
			digits++;
		}
		if (digits == 0 || digits > 3)
			return 0;
	}
	return t[i] == ' ' ? i : 0;
}

bool
smtp_reply_hostname(const struct smtp_reply *r, char *out, size_t outlen)
{
	char word[SMTP_HOSTNAME_MAX];
	const char *text, *sp;
	size_t n;
	bool ok;

	if (out == NULL || outlen == 0)
		return false;
	out[0] = '\0';
	if (r == NULL || r->nlines == 0)
		return false;

	text = r->lines[0];
	/* "554 5.7.1 mx.example.com ..." : an RFC 3463 enhanced status code
	 * may come first; the name follows it. */
	n = enhanced_status_len(text);
	if (n > 0)
		text += n + 1;
	sp = strchr(text, ' ');
	n = sp != NULL ? (size_t)(sp - text) : strlen(text);
	if (n == 0 || n >= sizeof(word) || n >= outlen)
		return false;
	memcpy(word, text, n);
	word[n] = '\0';

	if (word[0] == '[')
		ok = address_literal_valid(word, n);
	else
		ok = smtp_hostname_valid(word) &&
		    (hostname_labels(word) >= 2 ||
		    util_name_eq(word, "localhost")) &&
		    !numeric_tld_not_ipv4(word);
	if (ok)
		memcpy(out, word, n + 1);
	return ok;
}

/* The SIZE parameter: digits only, clamped; anything else means no limit. */
static long
caps_size(const char *param)
{
	long v = 0;

	while (*param == ' ')
		param++;
	if (*param < '0' || *param > '9')
		return 0;
	for (; *param >= '0' && *param <= '9'; param++) {
		int d = *param - '0';

		if (v > (LONG_MAX - d) / 10)
			return LONG_MAX;
		v = v * 10 + d;
	}
	/* "SIZE 10M" is not a number we can trust. */
	if (*param != '\0' && *param != ' ')
		return 0;
	return v;
}

void
smtp_caps_parse(const struct smtp_reply *ehlo, struct smtp_caps *caps)
{
	memset(caps, 0, sizeof(*caps));
	caps->size = -1;
	if (ehlo == NULL)
		return;

	for (size_t i = 1; i < ehlo->nlines &&
	    caps->nkeywords < SMTP_REPLY_LINES_MAX; i++) {
		const char *line = ehlo->lines[i];
		size_t kw = strcspn(line, " ");

		caps->keywords[caps->nkeywords++] = xstrdup(line);

#define KW_IS(s) (kw == sizeof(s) - 1 && strncasecmp(line, s, kw) == 0)
		if (KW_IS("STARTTLS"))
			caps->starttls = true;
		else if (KW_IS("PIPELINING"))
			caps->pipelining = true;
		else if (KW_IS("8BITMIME"))
			caps->eightbitmime = true;
		else if (KW_IS("SMTPUTF8"))
			caps->smtputf8 = true;
		else if (KW_IS("CHUNKING"))
			caps->chunking = true;
		else if (KW_IS("AUTH") || strncasecmp(line, "AUTH=", 5) == 0)
			caps->auth = true;
		else if (KW_IS("SIZE") && caps->size < 0)
			caps->size = caps_size(line + kw);
#undef KW_IS
	}
}

void
smtp_caps_clear(struct smtp_caps *caps)
{
	if (caps == NULL)
		return;
	for (size_t i = 0; i < caps->nkeywords; i++)
		free(caps->keywords[i]);
	memset(caps, 0, sizeof(*caps));
	caps->size = -1;
}

static const char *const mta_names[SMTP_MTA_COUNT] = {
	[SMTP_MTA_POSTFIX] = "postfix",
	[SMTP_MTA_EXIM] = "exim",
	[SMTP_MTA_OPENSMTPD] = "opensmtpd",
	[SMTP_MTA_EXCHANGE] = "exchange",
	[SMTP_MTA_SENDMAIL] = "sendmail",
	[SMTP_MTA_QMAIL] = "qmail",
	[SMTP_MTA_HALON] = "halon",
	[SMTP_MTA_HMAILSERVER] = "hmailserver",
	[SMTP_MTA_MDAEMON] = "mdaemon",
	[SMTP_MTA_ZIMBRA] = "zimbra",
	[SMTP_MTA_GOOGLE] = "google",
	[SMTP_MTA_MICROSOFT365] = "microsoft365",
};

static const char *const mta_displays[SMTP_MTA_COUNT] = {
	[SMTP_MTA_UNKNOWN] = "unknown",
	[SMTP_MTA_POSTFIX] = "Postfix",
	[SMTP_MTA_EXIM] = "Exim",
	[SMTP_MTA_OPENSMTPD] = "OpenSMTPD",
	[SMTP_MTA_EXCHANGE] = "Microsoft Exchange",
	[SMTP_MTA_SENDMAIL] = "Sendmail",
	[SMTP_MTA_QMAIL] = "qmail",
	[SMTP_MTA_HALON] = "Halon",
	[SMTP_MTA_HMAILSERVER] = "hMailServer",
	[SMTP_MTA_MDAEMON] = "MDaemon",
	[SMTP_MTA_ZIMBRA] = "Zimbra",
	[SMTP_MTA_GOOGLE] = "Google",
	[SMTP_MTA_MICROSOFT365] = "Microsoft 365",
};

const char *
smtp_mta_name(enum smtp_mta m)
{
	if ((size_t)m < UTIL_ARRAY_LEN(mta_names))
		return mta_names[m];
	return NULL;
}

const char *
smtp_mta_display(enum smtp_mta m)
{
	if ((size_t)m < UTIL_ARRAY_LEN(mta_displays) && mta_displays[m] != NULL)
		return mta_displays[m];
	return mta_displays[SMTP_MTA_UNKNOWN];
}

enum mta_rule_kind {
	MTA_RULE_WORD,	/* words anywhere in the text */
	MTA_RULE_HOST,	/* domain suffix of the announced hostname */
};

struct mta_rule {
	enum mta_rule_kind	 kind;
	const char		*pattern;
	enum smtp_mta		 mta;
};

/*
 * First match wins, so order carries meaning: Microsoft 365 and Google by
 * hostname before Exchange's banner text that Microsoft 365 also sends;
 * Zimbra before the Postfix it runs on; the qmail forks by their own names
 * (a word match on "qmail" does not see them inside "netqmail").
 */
static const struct mta_rule mta_rules[] = {
	{ MTA_RULE_HOST, "outlook.com", SMTP_MTA_MICROSOFT365 },
	{ MTA_RULE_HOST, "office365.com", SMTP_MTA_MICROSOFT365 },
	{ MTA_RULE_HOST, "google.com", SMTP_MTA_GOOGLE },
	{ MTA_RULE_HOST, "gmail.com", SMTP_MTA_GOOGLE },
	{ MTA_RULE_HOST, "googlemail.com", SMTP_MTA_GOOGLE },
	{ MTA_RULE_WORD, "gsmtp", SMTP_MTA_GOOGLE },
	{ MTA_RULE_WORD, "Microsoft ESMTP MAIL Service", SMTP_MTA_EXCHANGE },
	{ MTA_RULE_WORD, "Microsoft Exchange", SMTP_MTA_EXCHANGE },
	{ MTA_RULE_WORD, "XEXCH50", SMTP_MTA_EXCHANGE },
	{ MTA_RULE_WORD, "Zimbra", SMTP_MTA_ZIMBRA },
	{ MTA_RULE_WORD, "Postfix", SMTP_MTA_POSTFIX },
	{ MTA_RULE_WORD, "Exim", SMTP_MTA_EXIM },
	{ MTA_RULE_WORD, "OpenSMTPD", SMTP_MTA_OPENSMTPD },
	{ MTA_RULE_WORD, "Sendmail", SMTP_MTA_SENDMAIL },
	{ MTA_RULE_WORD, "qmail", SMTP_MTA_QMAIL },
	{ MTA_RULE_WORD, "netqmail", SMTP_MTA_QMAIL },
	{ MTA_RULE_WORD, "notqmail", SMTP_MTA_QMAIL },
	{ MTA_RULE_WORD, "Halon", SMTP_MTA_HALON },
	{ MTA_RULE_WORD, "hMailServer", SMTP_MTA_HMAILSERVER },
	{ MTA_RULE_WORD, "MDaemon", SMTP_MTA_MDAEMON },
};

/* Characters that continue a word, or a hostname that holds one. */
static bool
is_wordch(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '_';
}

/*
 * pattern in text, case-insensitively, not inside a longer word. A dot
 * joins words into a hostname, so "postfix.example.com ESMTP Exim" is not
 * Postfix; a dot that ends a sentence ("by Postfix.") does not.
 */
static bool
text_has_word(const char *text, const char *pattern)
{
	size_t tlen = strlen(text), plen = strlen(pattern);

	for (size_t i = 0; i + plen <= tlen; i++) {
		const char *after = text + i + plen;

		if (i > 0 && (is_wordch(text[i - 1]) || text[i - 1] == '.'))
			continue;
		if (is_wordch(after[0]) || (after[0] == '.' &&
		    is_wordch(after[1])))
			continue;
		if (strncasecmp(text + i, pattern, plen) == 0)
			return true;
	}
	return false;
}

/* host is domain or below it; one trailing dot on host is ignored. */
static bool
host_in_domain(const char *host, const char *domain)
{
	size_t hlen = strlen(host), dlen = strlen(domain);

	if (hlen > 0 && host[hlen - 1] == '.')
		hlen--;
	if (hlen < dlen || strncasecmp(host + hlen - dlen, domain, dlen) != 0)
		return false;
	return hlen == dlen || host[hlen - dlen - 1] == '.';
}

static bool
mta_rule_matches(const struct mta_rule *rule, const struct smtp_reply *r)
{
	char host[SMTP_HOSTNAME_MAX];

	if (r == NULL)
		return false;
	if (rule->kind == MTA_RULE_HOST)
		return smtp_reply_hostname(r, host, sizeof(host)) &&
		    host_in_domain(host, rule->pattern);
	for (size_t i = 0; i < r->nlines; i++)
		if (text_has_word(r->lines[i], rule->pattern))
			return true;
	return false;
}

enum smtp_mta
smtp_detect_mta(const struct smtp_reply *greeting,
    const struct smtp_reply *ehlo)
{
	for (size_t i = 0; i < UTIL_ARRAY_LEN(mta_rules); i++) {
		const struct mta_rule *rule = &mta_rules[i];

		if (mta_rule_matches(rule, greeting) ||
		    mta_rule_matches(rule, ehlo))
			return rule->mta;
	}
	return SMTP_MTA_UNKNOWN;
}
