/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by the domain-policy checks (DMARC, BIMI, MTA-STS,
 * TLS-RPT): domain-name handling, printable copies of untrusted text, and
 * reading the TXT records of an answer. Pure: nothing here does I/O.
 */
#ifndef MXDIAG_POLICY_COMMON_H
#define MXDIAG_POLICY_COMMON_H

#include <stdbool.h>
#include <stddef.h>

#include "dns/wire.h"

/* Printable copies of peer text are cut (with "...") at this size. */
#define POLICY_PRINT_MAX	1024
/* Presentation-form domain names we build or accept: 253 octets + NUL. */
#define POLICY_NAME_MAX		254

/* A newly allocated printable copy of len untrusted bytes (see
 * util_printable), at most POLICY_PRINT_MAX bytes long. Caller frees. */
char *policy_printable_dup(const char *s, size_t len);

/*
 * Copy the domain in into out lower-cased, without a trailing dot.
 * Accepts labels of letters, digits, '-' and '_' (1-63 octets each), 253
 * octets in all. Returns false (out set to "") when in is not such a name;
 * an internationalised name must be given in its A-label (xn--) form.
 */
bool policy_domain_normalize(const char *in, char *out, size_t outlen);

/* RFC 5321 Domain: LDH labels that neither start nor end with '-', no
 * trailing dot, at most 253 octets. len bytes of s are looked at. */
bool policy_hostname_valid(const char *s, size_t len);

/* Labels in a normalised domain ("" has none). */
size_t policy_domain_labels(const char *d);

/* The last n labels of the normalised domain d (d itself when it has
 * fewer). Points into d. */
const char *policy_domain_suffix(const char *d, size_t n);

/* True when d equals parent or is below it (case-insensitive). */
bool policy_domain_within(const char *d, const char *parent);

/* ASCII case-insensitive comparison of len bytes against a NUL-terminated
 * word: true when they are equal. */
bool policy_word_eq(const char *s, size_t len, const char *word);

/* RFC 8460/8461 extension names: (ALPHA / DIGIT) *31(ALPHA / DIGIT /
 * "_" / "-" / "."), and values: 1*(%x21-3A / %x3C / %x3E-7E). */
bool policy_ext_name_valid(const char *s, size_t len);
bool policy_ext_value_valid(const char *s, size_t len);

/* The TXT records of an answer: how many, and the i-th one's data. */
size_t policy_txt_count(const struct dns_answer *a);
const struct dns_rr *policy_txt_get(const struct dns_answer *a, size_t i);

/* "nxdomain (Timeout while ...)" style description of a failed answer,
 * into out. */
void policy_describe_answer(const struct dns_answer *a, char *out,
    size_t outlen);

#endif
