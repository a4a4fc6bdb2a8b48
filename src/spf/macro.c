/* SPDX-License-Identifier: MIT */
/*
 * SPF macro-strings (RFC 7208 §7): one tokenizer drives both the syntax
 * check of a record's terms and the expansion done at evaluation time, so
 * what the parser accepts is exactly what the evaluator can expand. The
 * input is untrusted TXT data: every byte is classified, lengths capped.
 */
#include "spf/macro.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/util.h"

enum tok_kind {
	TOK_LITERAL,	/* one byte copied as is */
	TOK_PERCENT,	/* %% */
	TOK_SPACE,	/* %_ */
	TOK_URLSPACE,	/* %- */
	TOK_EXPAND,	/* %{...} */
};

struct tok {
	enum tok_kind	 kind;
	char		 letter;	/* lower case */
	bool		 upper;		/* URL-escape the result */
	unsigned	 digits;	/* 0: keep every part */
	bool		 reverse;
	char		 delims[8];	/* default "." */
	size_t		 ndelims;
	size_t		 start, end;	/* bytes of s the token covers */
};

static void
seterr(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
seterr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

static bool
is_alpha(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool
is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static char
to_lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* Which letters a use allows: c, r and t only in explanation text. */
static bool
letter_allowed(char l, enum spf_macro_use use)
{
	if (strchr("slodiphv", l) != NULL)
		return true;
	return use == SPF_MACRO_EXPLAIN && strchr("crt", l) != NULL;
}

/* A byte shown in a message: itself when visible, else \xNN. */
static const char *
show_byte(unsigned char c, char buf[8])
{
	if (c > 0x20 && c < 0x7f && c != '\\')
		snprintf(buf, 8, "'%c'", c);
	else
		snprintf(buf, 8, "\\x%02x", c);
	return buf;
}

/*
 * The next token of s from *pos. Returns 1 with *t filled, 0 at the end,
 * -1 on a syntax error (err says why).
 */
static int
tok_next(const char *s, size_t len, size_t *pos, enum spf_macro_use use,
    struct tok *t, char *err, size_t errlen)
{
	size_t i = *pos;
	unsigned char c;
	char b[8];

	if (i >= len)
		return 0;
	memset(t, 0, sizeof(*t));
	t->start = i;
	c = (unsigned char)s[i];
	if (c != '%') {
		if ((c >= 0x21 && c <= 0x7e) ||
		    (c == ' ' && use == SPF_MACRO_EXPLAIN)) {
			t->kind = TOK_LITERAL;
			t->end = *pos = i + 1;
			return 1;
		}
		seterr(err, errlen, "byte %s at offset %zu is not allowed "
		    "(only visible ASCII characters%s)", show_byte(c, b), i,
		    use == SPF_MACRO_EXPLAIN ? " and spaces" : "");
		return -1;
	}
	if (i + 1 >= len) {
		seterr(err, errlen, "'%%' at the end: write %%%% for a "
		    "literal percent sign");
		return -1;
	}
	switch (s[i + 1]) {
	case '%':
		t->kind = TOK_PERCENT;
		t->end = *pos = i + 2;
		return 1;
	case '_':
		t->kind = TOK_SPACE;
		t->end = *pos = i + 2;
		return 1;
	case '-':
		t->kind = TOK_URLSPACE;
		t->end = *pos = i + 2;
		return 1;
	case '{':
		break;
	default:
		seterr(err, errlen, "'%%' followed by %s at offset %zu: a "
		    "macro is %%{letter}, %%%%, %%_ or %%-",
		    show_byte((unsigned char)s[i + 1], b), i);
		return -1;
	}
	i += 2;
	if (i >= len || !is_alpha((unsigned char)s[i])) {
		seterr(err, errlen, "macro at offset %zu has no letter",
		    t->start);
		return -1;
	}
	t->kind = TOK_EXPAND;
	t->letter = to_lower(s[i]);
	t->upper = s[i] >= 'A' && s[i] <= 'Z';
	if (!letter_allowed(t->letter, use)) {
		if (strchr("crt", t->letter) != NULL)
			seterr(err, errlen, "macro %%{%c} is only allowed in "
			    "explanation text", s[i]);
		else
			seterr(err, errlen, "unknown macro letter '%c' (valid: "
			    "s l o d i p h v%s)", s[i],
			    use == SPF_MACRO_EXPLAIN ? " c r t" : "");
		return -1;
	}
	i++;
	if (i < len && is_digit((unsigned char)s[i])) {
		unsigned long n = 0;

		while (i < len && is_digit((unsigned char)s[i])) {
			if (n <= SPF_MACRO_DIGITS_MAX)
				n = n * 10 + (unsigned)(s[i] - '0');
			i++;
		}
		if (n == 0) {
			seterr(err, errlen, "macro at offset %zu keeps 0 parts "
			    "(the digit transformer must be nonzero)",
			    t->start);
			return -1;
		}
		t->digits = n > SPF_MACRO_DIGITS_MAX ? SPF_MACRO_DIGITS_MAX :
		    (unsigned)n;
	}
	if (i < len && (s[i] == 'r' || s[i] == 'R')) {
		t->reverse = true;
		i++;
	}
	while (i < len && s[i] != '\0' && strchr(".-+,/_=", s[i]) != NULL) {
		if (t->ndelims < sizeof(t->delims) &&
		    memchr(t->delims, s[i], t->ndelims) == NULL)
			t->delims[t->ndelims++] = s[i];
		i++;
	}
	if (i >= len || s[i] != '}') {
		if (i >= len)
			seterr(err, errlen, "macro at offset %zu is not closed "
			    "with '}'", t->start);
		else
			seterr(err, errlen, "unexpected %s in the macro at "
			    "offset %zu", show_byte((unsigned char)s[i], b),
			    t->start);
		return -1;
	}
	if (t->ndelims == 0)
		t->delims[t->ndelims++] = '.';
	t->end = *pos = i + 1;
	return 1;
}

/* toplabel = ( *alphanum ALPHA *alphanum ) /
 *            ( 1*alphanum "-" *( alphanum / "-" ) alphanum ) */
static bool
toplabel_ok(const char *p, size_t n)
{
	bool alpha = false, dash = false;

	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];

		if (is_alpha(c))
			alpha = true;
		else if (c == '-')
			dash = true;
		else if (!is_digit(c))
			return false;
	}
	if (!dash)
		return alpha;
	return p[0] != '-' && p[n - 1] != '-';
}

int
spf_macro_check(const char *s, size_t len, enum spf_macro_use use,
    char *err, size_t errlen)
{
	struct tok t;
	size_t pos = 0, lit_start = 0, e, dot;
	bool ends_macro = false, found = false;
	int rc;

	while ((rc = tok_next(s, len, &pos, use, &t, err, errlen)) == 1) {
		if (t.kind == TOK_LITERAL) {
			ends_macro = false;
		} else {
			ends_macro = true;
			lit_start = t.end;
		}
	}
	if (rc < 0)
		return -1;
	if (use != SPF_MACRO_DOMAIN)
		return 0;
	/* domain-end = ( "." toplabel [ "." ] ) / macro-expand */
	if (len == 0) {
		seterr(err, errlen, "empty domain-spec");
		return -1;
	}
	if (ends_macro)
		return 0;
	e = len;
	if (e > lit_start && s[e - 1] == '.')
		e--;
	for (dot = e; dot > lit_start; dot--)
		if (s[dot - 1] == '.') {
			found = true;
			break;
		}
	if (!found) {
		seterr(err, errlen, "\"%.*s\" is not a fully qualified domain "
		    "(it must end in a top-level label such as .com, or in a "
		    "macro)", (int)(len > 64 ? 64 : len), s);
		return -1;
	}
	if (!toplabel_ok(s + dot, e - dot)) {
		bool numeric = e > dot;

		for (size_t i = dot; i < e; i++)
			if (!is_digit((unsigned char)s[i]))
				numeric = false;
		if (numeric)
			seterr(err, errlen, "top-level label \"%.*s\" is all "
			    "digits: an IP address here is not allowed (use "
			    "ip4: for addresses)", (int)(e - dot), s + dot);
		else
			seterr(err, errlen, "invalid top-level label \"%.*s\" "
			    "(letters, digits and inner hyphens, not all "
			    "digits)", (int)(e - dot > 64 ? 64 : e - dot),
			    s + dot);
		return -1;
	}
	return 0;
}

bool
spf_macro_uses(const char *s, size_t len, char letter)
{
	for (size_t i = 0; i + 1 < len; i++) {
		if (s[i] != '%')
			continue;
		if (s[i + 1] == '{' && i + 2 < len &&
		    to_lower(s[i + 2]) == to_lower(letter))
			return true;
		i++;	/* skip the byte after '%' (%%, %_, %-) */
	}
	return false;
}

/* A growable output buffer capped at SPF_EXPAND_MAX. */
struct obuf {
	char	*p;
	size_t	 n, cap;
	bool	 over;
};

static void
ob_put(struct obuf *b, const char *s, size_t n)
{
	if (b->over)
		return;
	if (b->n + n > SPF_EXPAND_MAX) {
		b->over = true;
		return;
	}
	if (b->n + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 64;

		while (cap < b->n + n + 1)
			cap *= 2;
		b->p = xreallocarray(b->p, cap, 1);
		b->cap = cap;
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = '\0';
}

void
spf_macro_ip_dotted(const struct spf_macro_vars *v, char *out, size_t outlen)
{
	static const char hex[] = "0123456789ABCDEF";

	if (v->af == AF_INET) {
		inet_ntop(AF_INET, &v->ip4, out, (socklen_t)outlen);
		return;
	}
	if (outlen < 64) {
		if (outlen)
			out[0] = '\0';
		return;
	}
	for (size_t i = 0; i < 16; i++) {
		out[4 * i] = hex[v->ip6.s6_addr[i] >> 4];
		out[4 * i + 1] = '.';
		out[4 * i + 2] = hex[v->ip6.s6_addr[i] & 15];
		out[4 * i + 3] = i == 15 ? '\0' : '.';
	}
}

/* The value of a macro letter, or NULL when not known. */
static const char *
letter_value(const struct spf_macro_vars *v, char l, char *buf, size_t buflen)
{
	switch (l) {
	case 's':	return v->sender;
	case 'l':	return v->local;
	case 'o':	return v->sender_domain;
	case 'd':	return v->domain;
	case 'h':	return v->helo;
	case 'r':	return v->receiver;
	case 'p':	return v->af == AF_UNSPEC ? NULL : v->ptr_name;
	case 'v':
		if (v->af == AF_UNSPEC)
			return NULL;
		return v->af == AF_INET ? "in-addr" : "ip6";
	case 'i':
		if (v->af == AF_UNSPEC)
			return NULL;
		spf_macro_ip_dotted(v, buf, buflen);
		return buf;
	case 'c':
		if (v->af == AF_UNSPEC)
			return NULL;
		inet_ntop(v->af, v->af == AF_INET ? (const void *)&v->ip4 :
		    (const void *)&v->ip6, buf, (socklen_t)buflen);
		return buf;
	case 't':
		snprintf(buf, buflen, "%lld", v->now);
		return buf;
	default:
		return NULL;
	}
}

/* RFC 3986 unreserved: ALPHA DIGIT - . _ ~ */
static bool
is_unreserved(unsigned char c)
{
	return is_alpha(c) || is_digit(c) || c == '-' || c == '.' ||
	    c == '_' || c == '~';
}

struct part {
	const char	*p;
	size_t		 n;
};

/* Split value on t's delimiters, reverse and keep the rightmost parts,
 * join with dots, URL-escape when upper case: RFC 7208 §7.3. */
static void
expand_one(struct obuf *b, const struct tok *t, const char *value)
{
	size_t vlen = strlen(value), nparts = 1, first = 0, k = 0;
	struct part *parts;
	struct obuf joined = { 0 };

	for (size_t i = 0; i < vlen; i++)
		if (memchr(t->delims, value[i], t->ndelims) != NULL)
			nparts++;
	parts = xcalloc(nparts, sizeof(*parts));
	parts[0].p = value;
	for (size_t i = 0; i < vlen; i++) {
		if (memchr(t->delims, value[i], t->ndelims) != NULL) {
			parts[++k].p = value + i + 1;
			continue;
		}
		parts[k].n++;
	}
	if (t->reverse)
		for (size_t i = 0; i < nparts / 2; i++) {
			struct part tmp = parts[i];

			parts[i] = parts[nparts - 1 - i];
			parts[nparts - 1 - i] = tmp;
		}
	if (t->digits > 0 && t->digits < nparts)
		first = nparts - t->digits;
	for (size_t i = first; i < nparts; i++) {
		if (i > first)
			ob_put(&joined, ".", 1);
		ob_put(&joined, parts[i].p, parts[i].n);
	}
	free(parts);
	if (joined.over) {
		b->over = true;
	} else if (!t->upper) {
		ob_put(b, joined.p ? joined.p : "", joined.n);
	} else {
		for (size_t i = 0; i < joined.n; i++) {
			unsigned char c = (unsigned char)joined.p[i];
			char esc[4];

			if (is_unreserved(c)) {
				ob_put(b, (const char *)&joined.p[i], 1);
			} else {
				snprintf(esc, sizeof(esc), "%%%02X", c);
				ob_put(b, esc, 3);
			}
		}
	}
	free(joined.p);
}

enum spf_expand_status
spf_macro_expand(const char *s, size_t len, enum spf_macro_use use,
    const struct spf_macro_vars *v, char **out, char *err, size_t errlen)
{
	struct obuf b = { 0 };
	struct tok t;
	size_t pos = 0;
	int rc;

	*out = NULL;
	if (spf_macro_check(s, len, use, err, errlen) != 0)
		return SPF_EXPAND_SYNTAX;
	ob_put(&b, "", 0);
	while ((rc = tok_next(s, len, &pos, use, &t, err, errlen)) == 1) {
		char buf[80];
		const char *val;

		switch (t.kind) {
		case TOK_LITERAL:
			ob_put(&b, s + t.start, 1);
			break;
		case TOK_PERCENT:
			ob_put(&b, "%", 1);
			break;
		case TOK_SPACE:
			ob_put(&b, " ", 1);
			break;
		case TOK_URLSPACE:
			ob_put(&b, "%20", 3);
			break;
		case TOK_EXPAND:
			val = letter_value(v, t.letter, buf, sizeof(buf));
			if (val == NULL) {
				seterr(err, errlen, "%%{%c} needs a value that is "
				    "not known here (%s)", t.letter,
				    strchr("icvp", t.letter) ? "no client "
				    "address" : "no sender or HELO name");
				free(b.p);
				return SPF_EXPAND_UNKNOWN;
			}
			expand_one(&b, &t, val);
			break;
		}
		if (b.over)
			break;
	}
	if (b.over) {
		seterr(err, errlen, "the expansion is longer than %d octets",
		    SPF_EXPAND_MAX);
		free(b.p);
		return SPF_EXPAND_TOO_LONG;
	}
	*out = b.p;
	return SPF_EXPAND_OK;
}

bool
spf_target_name(char *name)
{
	size_t n = strlen(name), label = 0;

	if (n > 0 && name[n - 1] == '.')
		name[--n] = '\0';
	while (n > SPF_DOMAIN_MAX) {
		char *dot = strchr(name, '.');

		if (dot == NULL)
			return false;
		n -= (size_t)(dot + 1 - name);
		memmove(name, dot + 1, n + 1);
	}
	if (n == 0)
		return false;
	for (size_t i = 0; i <= n; i++) {
		if (i == n || name[i] == '.') {
			if (label == 0 || label > 63)
				return false;
			label = 0;
		} else {
			label++;
		}
	}
	return true;
}

bool
spf_domain_valid(const char *name, char *why, size_t whylen)
{
	size_t n = strlen(name), label = 0, labels = 0;

	if (n > 0 && name[n - 1] == '.')
		n--;
	if (n == 0) {
		seterr(why, whylen, "the domain is empty");
		return false;
	}
	if (n > SPF_DOMAIN_MAX) {
		seterr(why, whylen, "the domain is longer than 253 octets");
		return false;
	}
	for (size_t i = 0; i <= n; i++) {
		unsigned char c = i < n ? (unsigned char)name[i] : '.';

		if (c == '.') {
			if (label == 0) {
				seterr(why, whylen, "the domain has an empty "
				    "label");
				return false;
			}
			if (label > 63) {
				seterr(why, whylen, "a label is longer than "
				    "63 octets");
				return false;
			}
			labels++;
			label = 0;
			continue;
		}
		if (!is_alpha(c) && !is_digit(c) && c != '-' && c != '_') {
			char b[8];

			seterr(why, whylen, "%s is not allowed in a domain "
			    "name", show_byte(c, b));
			return false;
		}
		label++;
	}
	if (labels < 2) {
		seterr(why, whylen, "not a fully qualified domain (one "
		    "label)");
		return false;
	}
	return true;
}
