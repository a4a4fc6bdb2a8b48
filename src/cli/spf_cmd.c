/* SPDX-License-Identifier: MIT */
/*
 * `mxdiag spf [DOMAIN] [--ip IP] [--sender S] [--helo H] [--record TEXT]`:
 * walk the domain's SPF include tree, run check_host() for the address
 * when one is given, judge both, and print the tree and the findings.
 * With no DOMAIN the checked domain is the sender's, else the HELO name
 * (RFC 7208 §2.3, §2.4).
 */
#include <event2/event.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/common.h"
#include "report/finding.h"
#include "spf/eval.h"
#include "spf/judge.h"
#include "spf/render.h"
#include "util/util.h"

#define SPF_ARG_MAX	1024	/* --sender, --helo, DOMAIN */

void
cmd_spf_usage(FILE *out)
{
	fputs("usage: mxdiag spf [OPTIONS] [DOMAIN]\n"
	    "\n"
	    "Walks DOMAIN's SPF record and every include and redirect below\n"
	    "it, counting DNS lookups per term and in total (limit 10), and\n"
	    "with --ip runs the RFC 7208 check_host() for that address.\n"
	    "Without DOMAIN, the sender's domain is checked, else the HELO\n"
	    "name.\n"
	    "\n"
	    "Options:\n"
	    "  --ip IP               the client address to evaluate\n"
	    "  --sender ADDRESS      MAIL FROM (local@domain); empty or absent:\n"
	    "                        postmaster@HELO\n"
	    "  --helo NAME           the HELO/EHLO name (%{h})\n"
	    "  --record 'TEXT'       judge this draft record as if published at\n"
	    "                        DOMAIN (its includes are still looked up)\n",
	    out);
	cli_common_usage(out);
	fputs("  -h, --help            this help\n"
	    "\n"
	    "Exit status: 0 all checks passed, 1 problems found, 2 some checks\n"
	    "could not be completed (and no problem was found), 64 usage error.\n",
	    out);
}

struct spf_opts {
	struct cli_common	 c;
	struct spf_request	 req;
};

/* Command-line strings end up in DNS names and reports: printable ASCII
 * of bounded length only. */
static bool
arg_ok(const char *what, const char *s, size_t max)
{
	if (strlen(s) > max) {
		fprintf(stderr, "mxdiag: %s is longer than %zu characters\n",
		    what, max);
		return false;
	}
	for (const char *p = s; *p != '\0'; p++)
		if (*p < 0x20 || *p > 0x7e) {
			fprintf(stderr, "mxdiag: %s must be printable ASCII "
			    "(use A-labels for international names)\n", what);
			return false;
		}
	return true;
}

static int
spf_parse_args(int argc, char **argv, struct spf_opts *o)
{
	static const struct option longopts[] = {
		CLI_COMMON_LONGOPTS,
		{ "ip",		required_argument, NULL, 'i' },
		{ "sender",	required_argument, NULL, 's' },
		{ "helo",	required_argument, NULL, 'H' },
		{ "record",	required_argument, NULL, 'R' },
		{ "help",	no_argument,	   NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int ch, handled;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "vh", longopts, NULL)) != -1) {
		if ((handled = cli_common_option(&o->c, ch, optarg)) != 0) {
			if (handled < 0)
				return -1;
			continue;
		}
		switch (ch) {
		case 'i':
			o->req.ip = optarg;
			break;
		case 's':
			if (!arg_ok("--sender", optarg, SPF_ARG_MAX))
				return -1;
			o->req.sender = optarg;
			break;
		case 'H':
			if (!arg_ok("--helo", optarg, SPF_ARG_MAX))
				return -1;
			o->req.helo = optarg;
			break;
		case 'R':
			if (strlen(optarg) > SPF_RECORD_MAX) {
				fprintf(stderr, "mxdiag: --record is longer "
				    "than %d octets\n", SPF_RECORD_MAX);
				return -1;
			}
			o->req.record = optarg;
			break;
		case 'h':
			cmd_spf_usage(stdout);
			exit(EXIT_PASS);
		default:
			return -1;
		}
	}
	if (argc - optind > 1) {
		fprintf(stderr, "mxdiag: one DOMAIN at most\n");
		return -1;
	}
	if (optind < argc) {
		if (!arg_ok("DOMAIN", argv[optind], SPF_ARG_MAX))
			return -1;
		o->req.domain = argv[optind];
	}
	if (o->req.domain == NULL && (o->req.sender == NULL ||
	    o->req.sender[0] == '\0') && o->req.helo == NULL) {
		fprintf(stderr, "mxdiag: give a DOMAIN, or --sender or --helo "
		    "to derive it from\n");
		return -1;
	}
	return 0;
}


int
cmd_spf(int argc, char **argv)
{
	struct spf_opts o;
	struct cli_loop loop;
	struct spf_check *chk = NULL;
	struct finding_list fl;
	char err[256];
	int rc;

	memset(&o, 0, sizeof(o));
	memset(&fl, 0, sizeof(fl));
	cli_common_init(&o.c);
	if (spf_parse_args(argc, argv, &o) != 0) {
		cmd_spf_usage(stderr);
		return EXIT_USAGE;
	}
	cli_common_finish(&o.c);
	o.req.audit = true;
	if ((rc = cli_loop_open(&loop, &o.c)) != 0)
		return rc;
	if (spf_check_new(&loop.lookup, &o.req, &chk, err, sizeof(err)) != 0) {
		fprintf(stderr, "mxdiag: %s\n", err);
		cli_loop_close(&loop);
		return EXIT_USAGE;
	}
	spf_check_run(chk, NULL, NULL);
	event_base_dispatch(loop.base);
	if (!spf_check_done(chk)) {
		/* Queries may still hold the check: leave both to exit. */
		fprintf(stderr, "mxdiag: the SPF check did not finish\n");
		return EXIT_SOFTWARE;
	}
	spf_judge(chk, &fl);
	rc = cli_exit_status(&fl, NULL, NULL);
	if (o.c.format == CLI_FORMAT_JSON) {
		json_t *doc = spf_render_json(chk, &fl, rc);

		cli_print_json(doc);
		json_decref(doc);
	} else {
		spf_render_text(stdout, chk, &fl, &o.c.style);
	}
	finding_list_clear(&fl);
	spf_check_free(chk);
	cli_loop_close(&loop);
	return rc;
}
