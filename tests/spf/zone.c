/* SPDX-License-Identifier: MIT */
/*
 * The test zone loader and check runner of zone.h.
 */
#include "zone.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dns/wire.h"

static uint16_t
qtype_of(const char *t)
{
	if (strcmp(t, "A") == 0)
		return DNS_T_A;
	if (strcmp(t, "AAAA") == 0)
		return DNS_T_AAAA;
	if (strcmp(t, "MX") == 0)
		return DNS_T_MX;
	if (strcmp(t, "PTR") == 0)
		return DNS_T_PTR;
	if (strcmp(t, "TXT") == 0)
		return DNS_T_TXT;
	if (strcmp(t, "*") == 0)
		return 0;
	fail_msg("unknown type %s", t);
	return 0;
}

void
zone_load(struct memdns *m, const char *const *lines)
{
	for (; *lines != NULL; lines++) {
		char name[300], type[16], data[4200];
		int n = 0;

		if (sscanf(*lines, "%299s %15s %n", name, type, &n) != 2)
			fail_msg("bad zone line: %s", *lines);
		snprintf(data, sizeof(data), "%s", *lines + n);
		if (strcmp(type, "A") == 0) {
			memdns_add_a(m, name, data);
		} else if (strcmp(type, "AAAA") == 0) {
			memdns_add_aaaa(m, name, data);
		} else if (strcmp(type, "PTR") == 0) {
			memdns_add_ptr(m, name, data);
		} else if (strcmp(type, "CNAME") == 0) {
			memdns_add_cname(m, name, data);
		} else if (strcmp(type, "MX") == 0) {
			unsigned pref;
			char host[300];

			if (sscanf(data, "%u %299s", &pref, host) != 2)
				fail_msg("bad MX: %s", *lines);
			memdns_add_mx(m, name, (uint16_t)pref, host);
		} else if (strcmp(type, "TXT") == 0) {
			const char *strs[64];
			size_t ns = 0;
			char *p = data, *bar;

			while ((bar = strchr(p, '|')) != NULL && ns < 63) {
				*bar = '\0';
				strs[ns++] = p;
				p = bar + 1;
			}
			strs[ns++] = p;
			memdns_add_txt(m, name, strs, ns);
		} else if (strcmp(type, "TIMEOUT") == 0) {
			memdns_set_outcome(m, name, qtype_of(data),
			    DNS_OUT_TIMEOUT);
		} else if (strcmp(type, "SERVFAIL") == 0) {
			memdns_set_outcome(m, name, qtype_of(data),
			    DNS_OUT_SERVFAIL);
		} else {
			fail_msg("bad zone line: %s", *lines);
		}
	}
}

static void
count_done(struct spf_check *c, void *arg)
{
	int *calls = arg;

	(*calls)++;
	assert_true(spf_check_done(c));
}

struct spf_check *
zone_check(struct memdns *m, const struct spf_request *req)
{
	struct spf_check *c = NULL;
	char err[256];
	int calls = 0;

	if (spf_check_new(memdns_lookup(m), req, &c, err, sizeof(err)) != 0)
		fail_msg("spf_check_new: %s", err);
	spf_check_run(c, count_done, &calls);
	memdns_run(m);
	assert_int_equal(calls, 1);
	assert_true(spf_check_done(c));
	return c;
}
