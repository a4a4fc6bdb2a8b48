/* SPDX-License-Identifier: MIT */
/*
 * SPF macros (RFC 7208 §7): syntax checks of macro-strings and
 * domain-specs, their expansion against the values of one check_host()
 * evaluation, and the name rules applied to expanded target names. Pure:
 * the evaluator looks up the "p" macro's value and hands it in.
 */
#ifndef MXDIAG_SPF_MACRO_H
#define MXDIAG_SPF_MACRO_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>

/* Longest expansion we build; a domain is then cut to SPF_DOMAIN_MAX. */
#define SPF_EXPAND_MAX		8192
#define SPF_DOMAIN_MAX		253
/* Digit transformers past this keep every part (a name has at most 127
 * labels, RFC 7208 §7.3 asks for at least 127). */
#define SPF_MACRO_DIGITS_MAX	128

enum spf_macro_use {
	SPF_MACRO_DOMAIN,	/* domain-spec: no c, r, t; domain-end rule */
	SPF_MACRO_MODIFIER,	/* value of an unknown modifier: macro-string */
	SPF_MACRO_EXPLAIN,	/* explanation string: SP allowed, c r t too */
};

/*
 * The values of the macro letters for one evaluation. A NULL string (or
 * af == AF_UNSPEC for i, c, v, p) means "not known", which is not an
 * error for the checks but makes an expansion that needs it return
 * SPF_EXPAND_UNKNOWN (the audit walk has no client address).
 */
struct spf_macro_vars {
	const char	*sender;	/* s: local-part@domain */
	const char	*local;		/* l */
	const char	*sender_domain;	/* o */
	const char	*domain;	/* d: the current <domain> */
	const char	*helo;		/* h */
	int		 af;		/* AF_INET, AF_INET6, AF_UNSPEC */
	struct in_addr	 ip4;
	struct in6_addr	 ip6;
	const char	*ptr_name;	/* p: validated name, or "unknown" */
	const char	*receiver;	/* r */
	long long	 now;		/* t: seconds since the epoch */
};

enum spf_expand_status {
	SPF_EXPAND_OK = 0,
	SPF_EXPAND_SYNTAX,	/* not a valid macro-string for its use */
	SPF_EXPAND_TOO_LONG,	/* over SPF_EXPAND_MAX */
	SPF_EXPAND_UNKNOWN,	/* needs a value that vars does not have */
};

/*
 * Check s (len bytes, not NUL-terminated, any bytes) against the grammar
 * for its use. Returns 0, or -1 with a one-line reason in err (which
 * names the offending byte or macro, made printable).
 */
int spf_macro_check(const char *s, size_t len, enum spf_macro_use use,
    char *err, size_t errlen);

/* True when s holds a macro-expand of letter (either case), as "%{p...}". */
bool spf_macro_uses(const char *s, size_t len, char letter);

/*
 * Expand s for its use into a new string (*out, caller frees). s must pass
 * spf_macro_check() for the same use or SPF_EXPAND_SYNTAX is returned.
 * Domains are returned as expanded: see spf_target_name().
 */
enum spf_expand_status spf_macro_expand(const char *s, size_t len,
    enum spf_macro_use use, const struct spf_macro_vars *v, char **out,
    char *err, size_t errlen);

/*
 * Turn an expanded domain-spec into the name to query, in place: drop one
 * trailing dot, then, when longer than 253 octets, drop labels from the
 * left until it fits (RFC 7208 §7.3). Returns true when the result can be
 * asked for in DNS (labels of 1..63 octets); false otherwise, which the
 * evaluator treats as a name that does not exist.
 */
bool spf_target_name(char *name);

/*
 * A <domain> that check_host() accepts (RFC 7208 §4.3): at most 253
 * octets, at least two labels, each 1..63 octets of letters, digits, '-'
 * or '_'; one trailing dot allowed. Otherwise false, with why filled.
 */
bool spf_domain_valid(const char *name, char *why, size_t whylen);

/* The "i" value: dotted quad, or 32 dot-separated upper-case nibbles. */
void spf_macro_ip_dotted(const struct spf_macro_vars *v, char *out,
    size_t outlen);

#endif
