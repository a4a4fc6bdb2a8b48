/* SPDX-License-Identifier: MIT */
/*
 * `mxdiag dmarc DOMAIN [--record TEXT]`: discover the domain's DMARC policy
 * by the RFC 9989 tree walk and the RFC 7489 public-suffix method, check
 * every tag and the report destinations, and print the findings. With
 * --record, a draft is judged before it is published.
 */
#include <event2/event.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/common.h"
#include "policy/dmarc.h"
#include "policy/render.h"
#include "util/util.h"

static void
dmarc_usage(FILE *out)
{
	fputs("usage: mxdiag dmarc [OPTIONS] DOMAIN\n"
	    "\n"
	    "Find and check the DMARC policy of DOMAIN: the RFC 9989 DNS tree\n"
	    "walk and, beside it, the RFC 7489 public-suffix method; every tag\n"
	    "with its default; report addresses and their authorization.\n"
	    "\n"
	    "Options:\n"
	    "  --record TEXT         judge this draft record as if published at\n"
	    "                        _dmarc.DOMAIN (the DNS is still asked for\n"
	    "                        what is published and for report\n"
	    "                        authorization)\n"
	    "  --psl FILE            public suffix list to use for the RFC 7489\n"
	    "                        method (default: the system's)\n", out);
	cli_common_usage(out);
	fputs("  -h, --help            this help\n"
	    "\n"
	    "Exit status: 0 all checks passed, 1 problems found, 2 some checks\n"
	    "could not be completed (and no problem was found), 64 usage error.\n",
	    out);
}

static void
dmarc_done(struct dmarc_discovery *d, void *arg)
{
	bool *done = arg;

	(void)d;
	*done = true;
}

int
cmd_dmarc(int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_COMMON_LONGOPTS,
		{ "record",	required_argument, NULL, 'R' },
		{ "psl",	required_argument, NULL, 'P' },
		{ "help",	no_argument,	   NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct cli_common c;
	struct cli_loop loop;
	struct orgdomain_psl psl;
	struct dmarc_discovery d;
	struct finding_list fl = { 0 };
	const char *draft = NULL, *psl_path = NULL;
	char err[256];
	bool done = false;
	int opt, handled, rc;

	cli_common_init(&c);
	optind = 1;
	while ((opt = getopt_long(argc, argv, "vh", longopts, NULL)) != -1) {
		if ((handled = cli_common_option(&c, opt, optarg)) != 0) {
			if (handled < 0) {
				dmarc_usage(stderr);
				return EXIT_USAGE;
			}
			continue;
		}
		switch (opt) {
		case 'R':
			draft = optarg;
			break;
		case 'P':
			psl_path = optarg;
			break;
		case 'h':
			dmarc_usage(stdout);
			return EXIT_PASS;
		default:
			dmarc_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (argc - optind != 1) {
		fprintf(stderr, "mxdiag: give exactly one DOMAIN\n");
		dmarc_usage(stderr);
		return EXIT_USAGE;
	}
	if (draft != NULL && strlen(draft) > TAGVALUE_INPUT_MAX) {
		fprintf(stderr, "mxdiag: --record is longer than %d bytes\n",
		    TAGVALUE_INPUT_MAX);
		return EXIT_USAGE;
	}
	cli_common_finish(&c);
	if (!orgdomain_psl_open(&psl, psl_path, err, sizeof(err)) &&
	    psl_path != NULL) {
		fprintf(stderr, "mxdiag: %s\n", err);
		return EXIT_USAGE;
	}
	if ((rc = cli_loop_open(&loop, &c)) != 0) {
		orgdomain_psl_close(&psl);
		return rc;
	}
	if (dmarc_discover_start(&loop.lookup, &psl, argv[optind], draft,
	    draft ? strlen(draft) : 0, &d, dmarc_done, &done) != 0) {
		fprintf(stderr, "mxdiag: \"%s\" is not a domain name (give the "
		    "A-label form of an internationalised name)\n",
		    argv[optind]);
		cli_loop_close(&loop);
		orgdomain_psl_close(&psl);
		return EXIT_USAGE;
	}
	event_base_dispatch(loop.base);
	if (!done) {
		fprintf(stderr, "mxdiag: the DMARC lookups did not finish\n");
		cli_loop_close(&loop);
		orgdomain_psl_close(&psl);
		return EXIT_SOFTWARE;
	}
	dmarc_judge(&d, &fl);
	rc = cli_exit_status(&fl, NULL, NULL);
	if (c.format == CLI_FORMAT_JSON) {
		json_t *doc = dmarc_document(&d, &fl);

		cli_print_json(doc);
		json_decref(doc);
	} else {
		dmarc_text(stdout, &d, &fl, &c.style);
		printf("\n%s\n", rc == EXIT_PASS ? "all checks passed" :
		    rc == EXIT_PROBLEMS ? "problems found" : "some checks "
		    "could not be completed");
	}
	finding_list_clear(&fl);
	dmarc_discovery_clear(&d);
	cli_loop_close(&loop);
	orgdomain_psl_close(&psl);
	return rc;
}
