/* SPDX-License-Identifier: MIT */
/*
 * What every subcommand shares: the resolver, timeout, format and
 * verbosity options, and the event loop with its resolver.
 */
#ifndef MXDIAG_CLI_COMMON_H
#define MXDIAG_CLI_COMMON_H

#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>

#include "dns/lookup.h"
#include "dns/resolver.h"
#include "report/report.h"

enum cli_format { CLI_FORMAT_TEXT, CLI_FORMAT_JSON };

struct cli_common {
	struct dns_config	 dns;
	int			 timeout_ms;	/* --timeout, default 10 s */
	enum cli_format		 format;
	struct report_style	 style;
};

/* The long options every subcommand accepts; put them in its table. */
#define CLI_COMMON_LONGOPTS						\
	{ "resolver",	required_argument, NULL, 'r' },			\
	{ "timeout",	required_argument, NULL, 't' },			\
	{ "format",	required_argument, NULL, 'f' },			\
	{ "verbose",	no_argument,	   NULL, 'v' }

void cli_common_init(struct cli_common *c);

/*
 * Handle one option of CLI_COMMON_LONGOPTS (getopt's return value and
 * optarg). Returns 1 when handled, 0 when the option is not a common one,
 * -1 on a bad value (the message is printed).
 */
int cli_common_option(struct cli_common *c, int opt, const char *arg);

/* After option parsing: derive colour and the DNS settings. */
void cli_common_finish(struct cli_common *c);

/* The usage lines of the common options. */
void cli_common_usage(FILE *out);

struct cli_loop {
	struct event_base	*base;
	dns_resolver		*res;
	struct dns_lookup	 lookup;	/* asks res */
};

/* Returns 0, or EXIT_SOFTWARE with a message printed. */
int cli_loop_open(struct cli_loop *l, const struct cli_common *c);
void cli_loop_close(struct cli_loop *l);

/* SMTP options shared by check, tls, mx and audit. Each returns 0, or -1
 * with the message printed. */
int cli_parse_port(const char *arg, int *port);
int cli_parse_ehlo(const char *arg, char *out, size_t outlen);
/* The EHLO name when none is given: this host's FQDN, else
 * "mxdiag.invalid" (a name that can never be mistaken for a real one). */
void cli_default_ehlo(char *out, size_t outlen);

/* --ca-file for a server: a bad file is the user's error at start, not
 * every check's later. Returns 0, or -1 with the message printed. */
int cli_check_ca_file(const char *path);
/* A rate in requests per minute as the token buckets take it (requests
 * per 1000 s, at least 1 unless per_minute is 0: no limit). */
uint32_t cli_rate_milli(long per_minute);

/* The exit status of one list (finding_tally_*), and its two halves. */
int cli_exit_status(const struct finding_list *fl, bool *problems,
    bool *temporary);

/* Print a JSON document to stdout, indented, with a final newline. */
void cli_print_json(json_t *doc);

#endif
