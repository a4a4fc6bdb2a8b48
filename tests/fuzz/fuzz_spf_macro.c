/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for SPF macro checking and expansion with a fixed
 * context. The first byte picks the use (domain-spec, modifier value,
 * explanation) and the address family; the rest, up to an optional
 * newline, is the macro-string, and what follows the newline is the
 * local-part, so the fuzzer also controls a value that gets split,
 * reversed and URL-escaped.
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "spf/macro.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum spf_macro_use uses[] = {
		SPF_MACRO_DOMAIN, SPF_MACRO_MODIFIER, SPF_MACRO_EXPLAIN,
	};
	struct spf_macro_vars v;
	enum spf_macro_use use;
	const char *s, *nl;
	size_t len;
	char err[200], *out = NULL, *local, *name;
	enum spf_expand_status st;
	int rc;

	if (size == 0)
		return 0;
	use = uses[data[0] % 3];
	s = (const char *)data + 1;
	len = size - 1;
	nl = memchr(s, '\n', len);
	local = strndup(nl ? nl + 1 : "strong-bad", nl ? (size_t)(s + len -
	    nl - 1) : 10);
	if (local == NULL)
		abort();
	if (nl != NULL)
		len = (size_t)(nl - s);

	memset(&v, 0, sizeof(v));
	v.sender = "strong-bad@email.example.com";
	v.local = local;
	v.sender_domain = "email.example.com";
	v.domain = "email.example.com";
	v.helo = "mx.example.org";
	v.af = (data[0] & 0x10) ? AF_INET6 : (data[0] & 0x20) ? AF_UNSPEC :
	    AF_INET;
	inet_pton(AF_INET, "192.0.2.3", &v.ip4);
	inet_pton(AF_INET6, "2001:db8::cb01", &v.ip6);
	v.ptr_name = "mx.example.org";
	v.receiver = "receiver.example";
	v.now = 1400000000;

	rc = spf_macro_check(s, len, use, err, sizeof(err));
	if (rc != 0 && err[0] == '\0')
		abort();
	(void)spf_macro_uses(s, len, 'p');
	st = spf_macro_expand(s, len, use, &v, &out, err, sizeof(err));
	/* Expansion accepts exactly what the check accepts. */
	if ((rc == 0) != (st != SPF_EXPAND_SYNTAX))
		abort();
	if (st == SPF_EXPAND_OK) {
		if (out == NULL || strlen(out) > SPF_EXPAND_MAX)
			abort();
		name = strdup(out);
		if (name == NULL)
			abort();
		if (spf_target_name(name) && strlen(name) > SPF_DOMAIN_MAX)
			abort();
		(void)spf_domain_valid(name, err, sizeof(err));
		free(name);
	} else if (out != NULL) {
		abort();
	}
	if (st == SPF_EXPAND_UNKNOWN && v.af != AF_UNSPEC)
		abort();
	free(out);
	free(local);
	return 0;
}
