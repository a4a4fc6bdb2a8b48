/* SPDX-License-Identifier: MIT */
/*
 * SMTP replies from an untrusted server: an incremental parser that turns a
 * byte stream into complete replies (RFC 5321 §4.2), with hard caps, and the
 * readings mxdiag takes from them: the hostname a greeting or EHLO reply
 * announces, the EHLO capabilities, and the MTA software the text betrays.
 * Pure code: the SMTP probe feeds it bytes it read.
 */
#ifndef MXDIAG_SMTP_REPLY_H
#define MXDIAG_SMTP_REPLY_H

#include <stdbool.h>
#include <stddef.h>

/* RFC 5321 §4.5.3.1.5: a reply line is at most 512 octets with CRLF. */
#define SMTP_LINE_MAX		512
#define SMTP_REPLY_LINES_MAX	100	/* lines in one multi-line reply */
#define SMTP_REPLY_BYTES_MAX	16384	/* bytes in one reply */
/* Room for any name smtp_reply_hostname() accepts, with its NUL. */
#define SMTP_HOSTNAME_MAX	256

enum smtp_parse_status {
	SMTP_PARSE_DONE = 0,	/* a complete reply is in the parser */
	SMTP_PARSE_MORE,	/* all input consumed, reply not complete */
	SMTP_PARSE_E_LONGLINE,	/* a line over SMTP_LINE_MAX octets */
	SMTP_PARSE_E_TOOMANY,	/* over SMTP_REPLY_LINES_MAX or _BYTES_MAX */
	SMTP_PARSE_E_SYNTAX,	/* not three digits then ' ' or '-' or EOL */
	SMTP_PARSE_E_CODE,	/* a continuation line changed the code */
};

const char *smtp_parse_strerror(enum smtp_parse_status st);

/* One complete reply. Text is the part after "NNN " / "NNN-", made
 * printable (see util_printable), one entry per line. */
struct smtp_reply {
	int	 code;		/* 200..599 as sent; 0 before a reply */
	size_t	 nlines;
	char	*lines[SMTP_REPLY_LINES_MAX];
	bool	 bare_lf;	/* some line ended in LF without CR */
};

struct smtp_reply_parser {
	struct smtp_reply reply;
	char	 line[SMTP_LINE_MAX + 1];	/* partial line carried over */
	size_t	 linelen;
	size_t	 bytes;				/* bytes of this reply so far */
	bool	 failed;
	enum smtp_parse_status status;	/* MORE, DONE, or the sticky error */
};

void smtp_reply_parser_init(struct smtp_reply_parser *p);

/*
 * Feed len bytes. Parsing stops at the end of the first complete reply
 * (DONE), with *consumed set to the bytes used: what follows belongs to the
 * next reply, or is unsolicited. On MORE everything was consumed and kept.
 * An error is sticky until the parser is reset.
 *
 * Lines end in CRLF; a bare LF is accepted and noted in reply.bare_lf. A
 * line whose text before CRLF exceeds SMTP_LINE_MAX - 2 octets fails as
 * soon as the carried partial line proves it, without waiting for the
 * newline. On an error *consumed counts the bytes up to and including the
 * one that failed. Fed again after DONE (without take or reset) or after an
 * error, the parser returns the same status and consumes nothing.
 * consumed may be NULL.
 */
enum smtp_parse_status smtp_reply_parser_feed(struct smtp_reply_parser *p,
    const char *data, size_t len, size_t *consumed);

/* Hand the complete reply to *out (which the caller frees with
 * smtp_reply_clear()) and reset the parser for the next reply. *out is
 * overwritten, not freed. Called after an error it hands over the lines
 * read before the failure, for a caller that wants to show them.
 * smtp_reply_parser_reset() frees whatever the parser holds;
 * smtp_reply_clear(NULL) is a no-op. */
void smtp_reply_parser_take(struct smtp_reply_parser *p,
    struct smtp_reply *out);
void smtp_reply_parser_reset(struct smtp_reply_parser *p);
void smtp_reply_clear(struct smtp_reply *r);

/* The whole reply as one printable string: the code, a space and the
 * first line's text, then " / " and the text of each further line
 * ("250 mx.example.com / PIPELINING / SIZE 10240000"). A bare "220" stays
 * "220". An empty reply gives "". The caller frees the result. */
char *smtp_reply_join(const struct smtp_reply *r);

/*
 * The hostname a 220 greeting or a 250 EHLO/HELO reply announces: the first
 * word of the first line when it is a syntactically valid domain name or an
 * address literal ("[192.0.2.1]"). Returns false (and out = "") when the
 * first word is something else ("ESMTP", "Welcome", an empty line): such a
 * greeting carries no hostname, which is not a mismatch.
 *
 * The rule: the word (up to the first space) is taken when it is
 *  - a name passing smtp_hostname_valid() with at least two labels
 *    ("mx.example.com", "mx.example.com." - kept as sent, dot and case), or
 *  - "localhost" (any case, optional trailing dot): a single label, but one
 *    that is plainly a host announcement, and a finding of its own; or
 *  - an address literal "[192.0.2.1]" or "[IPv6:2001:db8::1]" whose
 *    address inet_pton() accepts.
 * Other single labels ("ESMTP", "mail", "Welcome") are not taken: they are
 * far more often banner words than names. A bare dotted quad ("192.0.2.1")
 * is LDH-valid and is returned as sent; a caller can tell it apart with
 * inet_pton(). A word that does not fit in outlen is not taken;
 * SMTP_HOSTNAME_MAX bytes always suffice.
 */
bool smtp_reply_hostname(const struct smtp_reply *r, char *out, size_t outlen);

/* Syntax check for a hostname (RFC 1035 letters-digits-hyphen labels,
 * 1..253 octets, at least one label; a trailing dot allowed). Labels are
 * 1..63 octets and neither start nor end with a hyphen (RFC 1123); an
 * underscore is refused. The 253 exclude the trailing dot. */
bool smtp_hostname_valid(const char *name);

/*
 * EHLO capabilities: the keywords from the second line on (the first line
 * is the greeting name). A keyword is the line's first word, matched
 * case-insensitively; "AUTH=LOGIN" (the pre-RFC 4954 form) counts as AUTH.
 * The first SIZE line sets size: its number (clamped to LONG_MAX), or 0 when
 * the number is missing, zero or unreadable. keywords[] holds copies of the
 * whole printable lines, as sent.
 */
struct smtp_caps {
	bool	 starttls;
	bool	 pipelining;
	bool	 eightbitmime;
	bool	 smtputf8;
	bool	 chunking;
	bool	 auth;
	long	 size;		/* SIZE value, -1 when absent, 0 for no limit */
	size_t	 nkeywords;
	char	*keywords[SMTP_REPLY_LINES_MAX];	/* owned, whole lines */
};

/* Fill *caps from ehlo (NULL gives empty caps). *caps is overwritten, not
 * freed: clear a previous result first (after STARTTLS, for instance). */
void smtp_caps_parse(const struct smtp_reply *ehlo, struct smtp_caps *caps);
/* Free the keywords and leave caps empty (size -1). NULL is a no-op. */
void smtp_caps_clear(struct smtp_caps *caps);

enum smtp_mta {
	SMTP_MTA_UNKNOWN = 0,
	SMTP_MTA_POSTFIX,
	SMTP_MTA_EXIM,
	SMTP_MTA_OPENSMTPD,
	SMTP_MTA_EXCHANGE,
	SMTP_MTA_SENDMAIL,
	SMTP_MTA_QMAIL,
	SMTP_MTA_HALON,
	SMTP_MTA_HMAILSERVER,
	SMTP_MTA_MDAEMON,
	SMTP_MTA_ZIMBRA,	/* Zimbra runs Postfix; banner says so */
	SMTP_MTA_GOOGLE,	/* Google's front ends ("mx.google.com ESMTP") */
	SMTP_MTA_MICROSOFT365,	/* *.outlook.com / protection.outlook.com */
	SMTP_MTA_COUNT
};

/*
 * Detect the MTA from the greeting and the EHLO reply (either may be
 * NULL). Returns SMTP_MTA_UNKNOWN when nothing identifies it: Postfix's
 * default banner says "ESMTP Postfix", Exim's "ESMTP Exim 4.96",
 * Sendmail's "ESMTP Sendmail 8.x", Exchange's "Microsoft ESMTP MAIL
 * Service", OpenSMTPD's "ESMTP OpenSMTPD"; a bare "ESMTP" is unknown.
 *
 * Rules are tried in order, each against the greeting then the EHLO reply;
 * the first match wins. Word rules match case-insensitively with word
 * boundaries anywhere in the text ("Exim" but not "Eximious"); host rules
 * match the announced hostname's domain suffix (*.outlook.com is Microsoft
 * 365 even though its banner is Exchange's, so host rules come first).
 * Banners are configurable and can lie: this names the software, it proves
 * nothing.
 */
enum smtp_mta smtp_detect_mta(const struct smtp_reply *greeting,
    const struct smtp_reply *ehlo);
const char *smtp_mta_name(enum smtp_mta m);	/* "postfix", "exim", ...; NULL for unknown */
const char *smtp_mta_display(enum smtp_mta m);	/* "Postfix", "Exim", ... */

#endif
