/* SPDX-License-Identifier: MIT */
/*
 * `mxdiag bulk`: the identity check of every address a stream of targets
 * names, at the pace the DNS server allows, with memory that does not grow
 * with the input. Targets are read only while fewer than a window of
 * addresses are in flight; each result is written as one JSON line
 * (schema mxdiag.bulk/1, docs/bulk.md) as soon as it is complete, so the
 * output is in completion order and every line says which input line it
 * came from.
 */
#ifndef MXDIAG_BULK_BULK_H
#define MXDIAG_BULK_BULK_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

#include "bulk/seen.h"
#include "check/identity.h"
#include "dns/resolver.h"
#include "dnsbl/dnsbl.h"
#include "report/finding.h"

#define BULK_SCHEMA		"mxdiag.bulk/1"

enum bulk_check {
	BULK_CHECK_PTR		= 1 << 0,	/* the PTR lookup */
	BULK_CHECK_IPREV	= 1 << 1,	/* forward confirmation */
	BULK_CHECK_BANNER	= 1 << 2,	/* SMTP greeting and EHLO */
	BULK_CHECK_DNSBL	= 1 << 3,	/* blacklist lookups */
};
#define BULK_CHECKS_DEFAULT	(BULK_CHECK_PTR | BULK_CHECK_IPREV)

/* Parse "ptr,iprev,banner,dnsbl" into a mask; -1 on an unknown name. */
int bulk_checks_parse(const char *spec, unsigned *mask, char *err,
    size_t errlen);

#define BULK_WINDOW_DEFAULT	512	/* addresses in flight, DNS only */
#define BULK_WINDOW_MAX		65536
#define BULK_SMTP_DEFAULT	32	/* SMTP connections at once */
#define BULK_PER_DEST_DEFAULT	2	/* ... per /24 (IPv4) or /64 (IPv6) */

/*
 * A run split over threads (--jobs): every part reads the whole input and
 * takes the addresses whose key hashes to it (independently of --shard);
 * part 0 alone reports the input's bad lines. The parts share the output
 * stream (one fwrite per line: stdio's lock keeps lines whole), a stop
 * flag set by the thread that takes the signals, and once a second each
 * copies its progress here for that thread's progress line.
 */
struct bulk_part_progress {
	unsigned long	addresses, resumed, other_shard, input_errors;
	unsigned long	status[FINDING_SKIPPED + 1];
	long long	consumed;	/* input bytes read */
};

struct bulk_group {
	pthread_mutex_t			 lock;
	atomic_bool			 stop;
	struct bulk_part_progress	*parts;		/* part_n entries */
};

struct bulk_config {
	unsigned		 checks;	/* enum bulk_check mask */
	size_t			 window;
	size_t			 smtp_max;
	size_t			 per_dest;
	bool			 allow_huge;	/* IPv4 < /8, IPv6 < /104 */
	unsigned		 shard_k, shard_n;	/* shard_n 0: all */
	unsigned		 part_k, part_n;	/* part_n <= 1: all */
	struct bulk_group	*group;		/* with part_n > 1 */
	const struct bulk_seen	*seen;		/* --resume: skip these */
	int			 family;	/* of hostnames' addresses */
	int			 port;		/* SMTP, unless a line says */
	struct identity_options	 id;		/* strings borrowed */
	const struct dnsbl_set	*dnsbl;		/* with BULK_CHECK_DNSBL */
	bool			 detail;	/* every finding in full */
	bool			 progress;	/* a line on stderr */
	long long		 input_size;	/* bytes, for the ETA; 0: unknown */
};

/* Distinct finding codes counted for the summary. */
#define BULK_CODES_MAX		256

struct bulk_stats {
	unsigned long	lines;		/* input lines read */
	unsigned long	input_errors;	/* lines that are no target */
	unsigned long	targets;	/* target lines processed */
	unsigned long	addresses;	/* result lines written */
	unsigned long	resumed;	/* skipped: already in the output */
	unsigned long	other_shard;	/* skipped: another shard's */
	unsigned long	status[FINDING_SKIPPED + 1];	/* worst finding */
	/* Any finding of any line a problem / a temporary failure: a line
	 * whose worst is temperror may hold a problem too. */
	struct finding_tally tally;
	unsigned long	iprev[IPREV_PERMERROR + 1];
	size_t		ncodes;
	struct {
		char		code[48];
		unsigned long	n;
	}		codes[BULK_CODES_MAX];
	bool		interrupted;	/* stopped by a signal */
	bool		write_error;
	long long	elapsed_ms;
	struct dns_stats dns;
};

/*
 * Read targets from in until its end (or SIGINT/SIGTERM: the addresses in
 * flight are finished and the run stops reading), write result and error
 * lines to out, fill *st. Runs the loop of base until the work is done.
 * Returns 0, or -1 when out could not be written.
 */
int bulk_run(struct event_base *base, dns_resolver *res,
    struct dns_lookup *lookup, const struct bulk_config *cfg, FILE *in,
    FILE *out, struct bulk_stats *st);

/* Add a part's counts to *into (zeroed first by the caller); primary:
 * the part that counted the input's lines. */
void bulk_stats_merge(struct bulk_stats *into, const struct bulk_stats *part,
    bool primary);
/* The progress line of a parallel run, from the parts' last copies. */
void bulk_group_progress(struct bulk_group *g, unsigned nparts,
    long long input_size, long long started_ms, bool final);

/* The summary, for people (stderr). */
void bulk_stats_print(FILE *out, const struct bulk_stats *st);
/* The same for programs (--summary FILE): a new object, schema
 * mxdiag.bulk-summary/1. */
#define BULK_SUMMARY_SCHEMA	"mxdiag.bulk-summary/1"
json_t *bulk_stats_json(const struct bulk_stats *st, int exit_code);

#endif
