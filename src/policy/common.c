/* SPDX-License-Identifier: MIT */
/*
 * Domain-name helpers, printable copies and TXT access shared by the
 * policy checks. Every function takes lengths from its caller or from
 * names it has already bounded; none trusts peer text to be NUL-free.
 */
#include "policy/common.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/util.h"

char *
policy_printable_dup(const char *s, size_t len)
{
	char buf[POLICY_PRINT_MAX];

	util_printable(buf, sizeof(buf), s, len);
	return xstrdup(buf);
}

static bool
label_char(unsigned char c)
{
	return isalnum(c) || c == '-' || c == '_';
}

bool
policy_domain_normalize(const char *in, char *out, size_t outlen)
{
	size_t len, lab = 0;

	if (outlen == 0)
		return false;
	out[0] = '\0';
	if (in == NULL)
		return false;
	len = strlen(in);
	if (len > 1 && in[len - 1] == '.')
		len--;
	if (len == 0 || len > 253 || len >= outlen)
		return false;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)in[i];

		if (c == '.') {
			if (lab == 0)
				return false;
			lab = 0;
			continue;
		}
		if (!label_char(c) || ++lab > 63)
			return false;
	}
	if (lab == 0)
		return false;
	for (size_t i = 0; i < len; i++)
		out[i] = (char)tolower((unsigned char)in[i]);
	out[len] = '\0';
	return true;
}

bool
policy_hostname_valid(const char *s, size_t len)
{
	size_t lab = 0;

	if (len == 0 || len > 253)
		return false;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '.') {
			if (lab == 0 || s[i - 1] == '-')
				return false;
			lab = 0;
			continue;
		}
		if (!(isalnum(c) || c == '-') || ++lab > 63)
			return false;
		if (lab == 1 && c == '-')
			return false;
	}
	return lab > 0 && s[len - 1] != '-';
}

size_t
policy_domain_labels(const char *d)
{
	size_t n;

	if (d == NULL || d[0] == '\0')
		return 0;
	n = 1;
	for (; *d; d++)
		n += *d == '.';
	return n;
}

const char *
policy_domain_suffix(const char *d, size_t n)
{
	size_t have = policy_domain_labels(d);

	while (have > n) {
		const char *dot = strchr(d, '.');

		if (dot == NULL)
			break;
		d = dot + 1;
		have--;
	}
	return d;
}

bool
policy_domain_within(const char *d, const char *parent)
{
	size_t ld, lp;

	if (d == NULL || parent == NULL)
		return false;
	ld = strlen(d);
	lp = strlen(parent);
	if (ld < lp)
		return false;
	if (strcasecmp(d + (ld - lp), parent) != 0)
		return false;
	return ld == lp || d[ld - lp - 1] == '.';
}

bool
policy_word_eq(const char *s, size_t len, const char *word)
{
	return strlen(word) == len && strncasecmp(s, word, len) == 0;
}

size_t
policy_txt_count(const struct dns_answer *a)
{
	size_t n = 0;

	if (a == NULL || a->outcome != DNS_OUT_ANSWER)
		return 0;
	for (size_t i = 0; i < a->nrr; i++)
		n += a->rr[i].type == DNS_T_TXT;
	return n;
}

const struct dns_rr *
policy_txt_get(const struct dns_answer *a, size_t i)
{
	for (size_t k = 0; a != NULL && k < a->nrr; k++) {
		if (a->rr[k].type != DNS_T_TXT)
			continue;
		if (i-- == 0)
			return &a->rr[k];
	}
	return NULL;
}

void
policy_describe_answer(const struct dns_answer *a, char *out, size_t outlen)
{
	snprintf(out, outlen, "%s%s%s%s", dns_outcome_name(a->outcome),
	    a->error[0] ? " (" : "", a->error, a->error[0] ? ")" : "");
}

bool
policy_ext_name_valid(const char *s, size_t len)
{
	if (len == 0 || len > 32 || !isalnum((unsigned char)s[0]))
		return false;
	for (size_t i = 1; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (!isalnum(c) && c != '_' && c != '-' && c != '.')
			return false;
	}
	return true;
}

bool
policy_ext_value_valid(const char *s, size_t len)
{
	if (len == 0)
		return false;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x21 || c > 0x7e || c == ';' || c == '=')
			return false;
	}
	return true;
}
