/* SPDX-License-Identifier: MIT */
/*
 * URI checks for policy records. Bytes are looked at one by one against
 * the RFC 3986 character classes; nothing is decoded, so no percent escape
 * can smuggle a byte past the checks.
 */
#include "policy/uri.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "policy/common.h"
#include "util/util.h"

const char *
policy_uri_scheme_name(enum policy_uri_scheme s)
{
	switch (s) {
	case POLICY_URI_NONE:
		return "none";
	case POLICY_URI_MAILTO:
		return "mailto";
	case POLICY_URI_HTTPS:
		return "https";
	case POLICY_URI_HTTP:
		return "http";
	case POLICY_URI_OTHER:
		return "other";
	}
	return "other";
}

/* RFC 3986 unreserved, gen-delims and sub-delims; '%' is checked apart. */
static bool
uri_char(unsigned char c)
{
	if (isalnum(c))
		return true;
	return c != '\0' && strchr("-._~:/?#[]@!$&'()*+,;=", c) != NULL;
}

static bool
hex(unsigned char c)
{
	return isxdigit(c) != 0;
}

static char *
lower_dup(const char *s, size_t len)
{
	char *p = xcalloc(len + 1, 1);

	for (size_t i = 0; i < len; i++)
		p[i] = (char)tolower((unsigned char)s[i]);
	return p;
}

static bool
uri_fail(struct policy_uri *u, const char *why)
{
	u->valid = false;
	u->error = why;
	return false;
}

/* "!" 1*DIGIT [ "k" / "m" / "g" / "t" ] at the end of s[0..len): sets
 * *core to the length before the '!'. Returns false when a '!' is there
 * but is not such a suffix. */
static bool
uri_size_suffix(struct policy_uri *u, const char *s, size_t len,
    size_t *core)
{
	const char *bang = NULL;
	unsigned long long v = 0, mult = 1;
	size_t i, end;

	for (i = len; i > 0; i--)
		if (s[i - 1] == '!') {
			bang = s + i - 1;
			break;
		}
	*core = len;
	if (bang == NULL)
		return true;
	end = len;
	i = (size_t)(bang - s) + 1;
	if (end > i) {
		switch (tolower((unsigned char)s[end - 1])) {
		case 'k': mult = 1ULL << 10; end--; break;
		case 'm': mult = 1ULL << 20; end--; break;
		case 'g': mult = 1ULL << 30; end--; break;
		case 't': mult = 1ULL << 40; end--; break;
		default: break;
		}
	}
	if (end == i)
		return false;
	for (; i < end; i++) {
		if (!isdigit((unsigned char)s[i]))
			return false;
		if (v < 100000000000000ULL)
			v = v * 10 + (unsigned long long)(s[i] - '0');
	}
	u->has_size = true;
	u->size = v > ~0ULL / mult ? ~0ULL : v * mult;
	*core = (size_t)(bang - s);
	return true;
}

static bool
uri_mailto(struct policy_uri *u, const char *s, size_t len)
{
	const char *q = memchr(s, '?', len), *at;
	size_t alen = q ? (size_t)(q - s) : len, dlen;

	if (alen >= 2 && s[0] == '/' && s[1] == '/')
		return uri_fail(u, "mailto: takes an address, not \"//\"");
	at = memchr(s, '@', alen);
	if (at == NULL)
		return uri_fail(u, "the mailto: address has no '@'");
	if (at == s)
		return uri_fail(u, "the mailto: address has no local part");
	if (memchr(at + 1, '@', alen - (size_t)(at + 1 - s)) != NULL)
		return uri_fail(u, "the mailto: address has more than one '@' "
		    "(encode a second address's comma as %2C, or list it "
		    "separately)");
	dlen = alen - (size_t)(at + 1 - s);
	if (!policy_hostname_valid(at + 1, dlen))
		return uri_fail(u, "the domain of the mailto: address is not "
		    "a valid domain name");
	u->host = lower_dup(at + 1, dlen);
	u->mailbox = policy_printable_dup(s, alen);
	return true;
}

static bool
uri_http(struct policy_uri *u, const char *s, size_t len)
{
	size_t i = 2, hs, he;

	if (len < 2 || s[0] != '/' || s[1] != '/')
		return uri_fail(u, "an http(s) URL must start with \"//\" "
		    "after the scheme");
	hs = i;
	while (i < len && s[i] != '/' && s[i] != '?' && s[i] != '#')
		i++;
	if (memchr(s + hs, '@', i - hs) != NULL)
		return uri_fail(u, "the URL carries user information before "
		    "the host");
	he = i;
	for (size_t k = hs; k < i; k++)
		if (s[k] == ':') {
			unsigned long port = 0;

			he = k;
			if (k + 1 == i)
				return uri_fail(u, "empty port in the URL");
			for (size_t p = k + 1; p < i; p++) {
				if (!isdigit((unsigned char)s[p]))
					return uri_fail(u, "bad port in the "
					    "URL");
				port = port * 10 + (unsigned long)(s[p] - '0');
				if (port > 65535)
					return uri_fail(u, "bad port in the "
					    "URL");
			}
			if (port == 0)
				return uri_fail(u, "bad port in the URL");
			break;
		}
	if (he == hs)
		return uri_fail(u, "the URL has no host");
	if (!policy_hostname_valid(s + hs, he - hs))
		return uri_fail(u, "the URL's host is not a valid domain "
		    "name");
	u->host = lower_dup(s + hs, he - hs);
	u->path = policy_printable_dup(s + i, len - i);
	return true;
}

bool
policy_uri_parse(const char *s, size_t len, unsigned flags,
    struct policy_uri *u)
{
	size_t core = len, colon = 0;
	bool have_colon = false;

	memset(u, 0, sizeof(*u));
	u->valid = true;
	u->text = policy_printable_dup(s, len);
	if (len == 0)
		return uri_fail(u, "empty URI");
	if (len > POLICY_URI_MAX)
		return uri_fail(u, "URI longer than 1024 bytes");
	if ((flags & POLICY_URI_F_SIZE) && !uri_size_suffix(u, s, len, &core))
		return uri_fail(u, "a '!' must be encoded as %21, or start a "
		    "size limit such as !10m");
	for (size_t i = 0; i < core; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '%') {
			if (i + 2 >= core || !hex((unsigned char)s[i + 1]) ||
			    !hex((unsigned char)s[i + 2]))
				return uri_fail(u, "a '%' not followed by two "
				    "hex digits");
			i += 2;
			continue;
		}
		if (!uri_char(c) || (c == '!' && (flags & POLICY_URI_F_SIZE)) ||
		    c == ',' || c == ';')
			return uri_fail(u, "a character that a URI may not "
			    "hold here (encode it as %XX)");
	}
	for (size_t i = 0; i < core; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == ':') {
			colon = i;
			have_colon = true;
			break;
		}
		if (!(isalnum(c) || c == '+' || c == '-' || c == '.') ||
		    (i == 0 && !isalpha(c)))
			break;
	}
	if (!have_colon || colon == 0) {
		u->scheme = POLICY_URI_NONE;
		if (memchr(s, '@', core) != NULL) {
			char *fix = xasprintf("mailto:%s", u->text);
			struct policy_uri check;

			/* Offer the fix only when it is a good address. */
			if (policy_uri_parse(fix, strlen(fix), 0, &check))
				u->suggestion = fix;
			else
				free(fix);
			policy_uri_clear(&check);
			return uri_fail(u, "no scheme: an address must be "
			    "written mailto:ADDRESS");
		}
		return uri_fail(u, "not a URI (no scheme such as mailto: or "
		    "https:)");
	}
	if (policy_word_eq(s, colon, "mailto")) {
		u->scheme = POLICY_URI_MAILTO;
		return uri_mailto(u, s + colon + 1, core - colon - 1);
	}
	if (policy_word_eq(s, colon, "https")) {
		u->scheme = POLICY_URI_HTTPS;
		return uri_http(u, s + colon + 1, core - colon - 1);
	}
	if (policy_word_eq(s, colon, "http")) {
		u->scheme = POLICY_URI_HTTP;
		return uri_http(u, s + colon + 1, core - colon - 1);
	}
	u->scheme = POLICY_URI_OTHER;
	return true;
}

void
policy_uri_clear(struct policy_uri *u)
{
	if (u == NULL)
		return;
	free(u->text);
	free(u->host);
	free(u->mailbox);
	free(u->path);
	free(u->suggestion);
	memset(u, 0, sizeof(*u));
}

static bool
list_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

void
policy_uri_list_parse(const char *s, size_t len, unsigned flags,
    struct policy_uri_list *l)
{
	size_t pos = 0;

	memset(l, 0, sizeof(*l));
	l->v = xcalloc(POLICY_URI_LIST_MAX, sizeof(*l->v));
	while (pos <= len) {
		const char *comma = memchr(s + pos, ',', len - pos);
		size_t end = comma ? (size_t)(comma - s) : len, a = pos,
		    b = end;

		while (a < b && list_ws(s[a]))
			a++;
		while (b > a && list_ws(s[b - 1]))
			b--;
		if (a == b) {
			l->empty_item = true;
		} else if (l->n == POLICY_URI_LIST_MAX) {
			l->truncated = true;
			break;
		} else {
			policy_uri_parse(s + a, b - a, flags, &l->v[l->n++]);
		}
		if (comma == NULL)
			break;
		pos = end + 1;
	}
}

void
policy_uri_list_clear(struct policy_uri_list *l)
{
	if (l == NULL)
		return;
	for (size_t i = 0; i < l->n; i++)
		policy_uri_clear(&l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}
