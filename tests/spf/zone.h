/* SPDX-License-Identifier: MIT */
/*
 * Test zones for the SPF tests, written one record per line
 * ("name TYPE data") and served by memdns, and a helper that runs a check
 * over them to completion.
 */
#ifndef MXDIAG_TESTS_SPF_ZONE_H
#define MXDIAG_TESTS_SPF_ZONE_H

#include <stdbool.h>

#include "memdns.h"
#include "spf/eval.h"

/*
 * Lines: "NAME A 192.0.2.1", "NAME AAAA 2001:db8::1", "NAME MX 10 HOST",
 * "NAME PTR HOST", "NAME CNAME HOST", "NAME TXT text" (the rest of the
 * line; '|' splits it into several strings), "NAME TIMEOUT TYPE" and
 * "NAME SERVFAIL TYPE" (TYPE "*" for every type). NULL ends the list.
 */
void zone_load(struct memdns *m, const char *const *lines);

/* Run a check to completion over m; the callback must run once. */
struct spf_check *zone_check(struct memdns *m, const struct spf_request *req);

#endif
