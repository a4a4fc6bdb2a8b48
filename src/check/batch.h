/* SPDX-License-Identifier: MIT */
/*
 * The identity check of a list of targets, as `mxdiag check` and the HTTP
 * API's /api/v1/check run it: parse the targets, resolve host names to
 * their addresses, check every address on one event loop (a bounded
 * number at once), then render the results in the order the targets were
 * given: the "mxdiag.check/1" document, or text.
 *
 * With the address gate on (a public server), an address that is not
 * public (addr_connect_allowed()) is not checked at all: the target gets
 * the finding target.address_refused and check_batch_refused() counts it.
 */
#ifndef MXDIAG_CHECK_BATCH_H
#define MXDIAG_CHECK_BATCH_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "check/identity.h"
#include "dns/lookup.h"
#include "report/report.h"

#define CHECK_TARGETS_MAX	1024
#define CHECK_ADDRS_PER_NAME	16	/* addresses checked per hostname */
/* Addresses checked at once: each holds a socket and a few queries, and
 * a long target list must not run out of descriptors. */
#define CHECK_RUNNING_MAX	64

struct check_batch_options {
	struct identity_options	 id;		/* smtp.ehlo_name etc. */
	int			 port;		/* unless a target names one */
	int			 family;	/* AF_UNSPEC, AF_INET, AF_INET6 */
	const char		*tls_name;	/* NULL: the target's host */
	int			 timeout_ms;	/* for the report's options */
	/* Render each address as text (style) rather than as JSON. */
	bool			 text;
	struct report_style	 style;
	/* Refuse addresses that are not public, unless allow_private. */
	bool			 gate;
	bool			 allow_private;
};

struct check_batch;
typedef void check_batch_done(struct check_batch *b, void *arg);

/*
 * A batch of specs (borrowed: they must outlive the batch). Returns NULL
 * with a message in err when a spec is not a target, or when a literal
 * address is of the wrong family.
 */
struct check_batch *check_batch_new(const struct check_batch_options *opt,
    const char *const *specs, size_t n, char *err, size_t errlen);
/*
 * Run it on base, asking lk (and res for the identity checks). done is
 * called once when every address has been checked, never from inside
 * this call.
 */
void check_batch_start(struct check_batch *b, struct event_base *base,
    dns_resolver *res, struct dns_lookup *lk, check_batch_done *done,
    void *arg);
/* Addresses the gate refused. */
size_t check_batch_refused(const struct check_batch *b);
/* The first refusal, as a sentence (NULL when none). */
const char *check_batch_refusal(const struct check_batch *b);
/* The exit status of the run: FINDING_EXIT_PASS/PROBLEMS/UNCHECKED. */
int check_batch_exit(const struct check_batch *b);
/* The "mxdiag.check/1" document (new); resolvers is consumed. */
json_t *check_batch_json(const struct check_batch *b, json_t *resolvers);
/* The text report, then the one-line tally. */
void check_batch_text(const struct check_batch *b, FILE *out);
void check_batch_free(struct check_batch *b);

#endif
