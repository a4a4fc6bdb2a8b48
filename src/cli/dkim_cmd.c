/* SPDX-License-Identifier: MIT */
/*
 * `mxdiag dkim DOMAIN [--selector S]... [--record TEXT --selector S]`:
 * look up DKIM keys at the given selectors (or the providers' common
 * ones), or judge a record not yet published, and print the findings.
 */
#include <event2/event.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/common.h"
#include "dkim/dkim.h"
#include "report/report.h"
#include "util/util.h"

void
cmd_dkim_usage(FILE *out)
{
	fputs("usage: mxdiag dkim [OPTIONS] DOMAIN\n"
	    "\n"
	    "Looks up the DKIM key records of DOMAIN at the given selectors, or\n"
	    "at the selectors common mail providers use, and checks each key:\n"
	    "syntax, version, key type, revocation, testing mode, hashes, and\n"
	    "the real key size (RSA under 1024 bits is invalid, 1024 weak).\n"
	    "\n"
	    "Options:\n"
	    "  --selector S          selector to look up (repeatable)\n"
	    "  --record TEXT         judge TEXT as the record of the one\n"
	    "                        --selector given, without DNS (a draft)\n", out);
	cli_common_usage(out);
	fputs("  -h, --help            this help\n"
	    "\n"
	    "Exit status: 0 all checks passed, 1 problems found, 2 some lookups\n"
	    "failed temporarily (and no problem was found), 64 usage error.\n",
	    out);
}

static void
dkim_done(struct dkim_report *rep, void *arg)
{
	(void)rep;
	(void)arg;
}

int
cmd_dkim(int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_COMMON_LONGOPTS,
		{ "selector",	required_argument, NULL, 's' },
		{ "record",	required_argument, NULL, 'R' },
		{ "help",	no_argument,	   NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct cli_common c;
	const char *selectors[DKIM_SELECTORS_MAX];
	size_t nsel = 0;
	const char *record = NULL;
	struct dkim_report *rep;
	char err[256];
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
		case 's':
			if (nsel == DKIM_SELECTORS_MAX) {
				fprintf(stderr, "mxdiag: at most %d selectors\n",
				    DKIM_SELECTORS_MAX);
				goto usage;
			}
			selectors[nsel++] = optarg;
			break;
		case 'R':
			if (strlen(optarg) > DKIM_TAGS_TEXT_MAX) {
				fprintf(stderr, "mxdiag: --record is longer than "
				    "%d characters\n", DKIM_TAGS_TEXT_MAX);
				goto usage;
			}
			record = optarg;
			break;
		case 'h':
			cmd_dkim_usage(stdout);
			return EXIT_PASS;
		default:
			goto usage;
		}
	}
	if (argc - optind != 1) {
		fprintf(stderr, "mxdiag: give exactly one DOMAIN\n");
		goto usage;
	}
	if (record != NULL && nsel != 1) {
		fprintf(stderr, "mxdiag: --record needs exactly one --selector\n");
		goto usage;
	}
	rep = dkim_report_new(argv[optind], selectors, nsel, err, sizeof(err));
	if (rep == NULL) {
		fprintf(stderr, "mxdiag: %s\n", err);
		goto usage;
	}
	cli_common_finish(&c);

	if (record != NULL) {
		dkim_report_judge_record(rep, 0, record, strlen(record));
		dkim_report_finish(rep);
	} else {
		struct cli_loop loop;

		if ((rc = cli_loop_open(&loop, &c)) != 0) {
			dkim_report_free(rep);
			return rc;
		}
		dkim_report_lookup(rep, &loop.lookup, dkim_done, NULL);
		event_base_dispatch(loop.base);
		cli_loop_close(&loop);
	}

	rc = dkim_report_exit_code(rep);
	if (c.format == CLI_FORMAT_JSON) {
		json_t *root = dkim_report_document(rep,
		    report_json_resolvers(&c.dns));

		cli_print_json(root);
		json_decref(root);
	} else {
		dkim_report_text(stdout, rep, &c.style);
		printf("\n%s\n", rc == EXIT_PASS ? "all checks passed" :
		    rc == EXIT_PROBLEMS ? "problems found" :
		    "some checks could not be completed");
	}
	dkim_report_free(rep);
	return rc;

usage:
	cmd_dkim_usage(stderr);
	return EXIT_USAGE;
}
