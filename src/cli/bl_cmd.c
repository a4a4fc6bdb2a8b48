/* SPDX-License-Identifier: MIT */
/*
 * `mxdiag bl TARGET... [--lists FILE]`: every target (an IP address or a
 * domain) against the DNS blacklists of its kind, each list trusted only
 * after its RFC 5782 test entries answer correctly.
 */
#include <event2/event.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/common.h"
#include "dnsbl/dnsbl.h"
#include "report/report.h"
#include "util/util.h"

void
cmd_bl_usage(FILE *out)
{
	fputs("usage: mxdiag bl [OPTIONS] TARGET...\n"
	    "\n"
	    "Looks every TARGET up on DNS blacklists (RFC 5782): IPv4 and IPv6\n"
	    "addresses on IP lists, domain names on domain lists. Each list\n"
	    "is trusted only when its test entries answer as they must; an\n"
	    "answer in 127.255.255.0/24 is a refusal, never a listing.\n"
	    "\n"
	    "Options:\n"
	    "  --lists FILE          use the lists described in FILE instead\n"
	    "                        of the built-in set (format: see\n"
	    "                        docs/findings-dnsbl.md)\n"
	    "  --show-lists          print the built-in set in that format\n", out);
	cli_common_usage(out);
	fputs("  -h, --help            this help\n"
	    "\n"
	    "Exit status: 0 not listed anywhere checked, 1 listed (or another\n"
	    "problem), 2 some lists could not be checked (refused, failed their\n"
	    "test entries, or a temporary DNS failure) and nothing was listed,\n"
	    "64 usage error.\n", out);
}

static void
bl_done(struct dnsbl_report *rep, void *arg)
{
	(void)rep;
	(void)arg;
}

int
cmd_bl(int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_COMMON_LONGOPTS,
		{ "lists",	required_argument, NULL, 'l' },
		{ "show-lists",	no_argument,	   NULL, 'S' },
		{ "help",	no_argument,	   NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct cli_common c;
	struct dnsbl_set set = { 0 };
	struct dnsbl_report *rep;
	struct cli_loop loop;
	const char *lists_file = NULL;
	char err[512];
	int opt, handled, rc;

	cli_common_init(&c);
	optind = 1;
	while ((opt = getopt_long(argc, argv, "vh", longopts, NULL)) != -1) {
		if ((handled = cli_common_option(&c, opt, optarg)) != 0) {
			if (handled < 0)
				goto usage;
			continue;
		}
		switch (opt) {
		case 'l':
			lists_file = optarg;
			break;
		case 'S':
			fputs(dnsbl_default_config(), stdout);
			return EXIT_PASS;
		case 'h':
			cmd_bl_usage(stdout);
			return EXIT_PASS;
		default:
			goto usage;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "mxdiag: no target given\n");
		goto usage;
	}
	if (lists_file != NULL) {
		if (dnsbl_set_load(&set, lists_file, err, sizeof(err)) != 0) {
			fprintf(stderr, "mxdiag: %s\n", err);
			return EXIT_USAGE;
		}
	} else {
		dnsbl_set_defaults(&set);
	}
	rep = dnsbl_report_new(&set, (const char *const *)argv + optind,
	    (size_t)(argc - optind), err, sizeof(err));
	if (rep == NULL) {
		fprintf(stderr, "mxdiag: %s\n", err);
		dnsbl_set_clear(&set);
		goto usage;
	}
	cli_common_finish(&c);
	if ((rc = cli_loop_open(&loop, &c)) != 0) {
		dnsbl_report_free(rep);
		dnsbl_set_clear(&set);
		return rc;
	}
	dnsbl_report_lookup(rep, &loop.lookup, bl_done, NULL);
	event_base_dispatch(loop.base);
	cli_loop_close(&loop);

	rc = dnsbl_report_exit_code(rep);
	if (c.format == CLI_FORMAT_JSON) {
		json_t *root = dnsbl_report_document(rep,
		    report_json_resolvers(&c.dns));

		cli_print_json(root);
		json_decref(root);
	} else {
		dnsbl_report_text(stdout, rep, &c.style);
		printf("\n%s\n", rc == EXIT_PASS ? "not listed on any list "
		    "checked" : rc == EXIT_PROBLEMS ? "problems found" :
		    "some lists could not be checked");
	}
	dnsbl_report_free(rep);
	dnsbl_set_clear(&set);
	return rc;

usage:
	cmd_bl_usage(stderr);
	return EXIT_USAGE;
}
