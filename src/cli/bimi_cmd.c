/* SPDX-License-Identifier: MIT */
/*
 * `mxdiag bimi DOMAIN [--selector S] [--record TEXT]`: find and check the
 * BIMI assertion record and its DMARC prerequisite (looked up live even
 * for a draft).
 */
#include <event2/event.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/common.h"
#include "policy/bimi.h"
#include "policy/render.h"
#include "util/util.h"

static void
bimi_usage(FILE *out)
{
	fputs("usage: mxdiag bimi [OPTIONS] DOMAIN\n"
	    "\n"
	    "Find and check the BIMI record of DOMAIN (<selector>._bimi.DOMAIN,\n"
	    "else default._bimi.<organizational domain>) and whether its DMARC\n"
	    "policy is at enforcement, as BIMI requires.\n"
	    "\n"
	    "Options:\n"
	    "  --selector S          BIMI selector (default: default)\n"
	    "  --record TEXT         judge this draft record instead of the\n"
	    "                        published one (DMARC is still looked up)\n"
	    "  --psl FILE            public suffix list (default: the system's)\n",
	    out);
	cli_common_usage(out);
	fputs("  -h, --help            this help\n"
	    "\n"
	    "Exit status: 0 all checks passed, 1 problems found, 2 some checks\n"
	    "could not be completed (and no problem was found), 64 usage error.\n",
	    out);
}


static void
bimi_done(struct bimi_check *b, void *arg)
{
	bool *done = arg;

	(void)b;
	*done = true;
}

int
cmd_bimi(int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_COMMON_LONGOPTS,
		{ "record",	required_argument, NULL, 'R' },
		{ "selector",	required_argument, NULL, 's' },
		{ "psl",	required_argument, NULL, 'P' },
		{ "help",	no_argument,	   NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct cli_common c;
	struct cli_loop loop;
	struct orgdomain_psl psl;
	struct bimi_check *b;
	struct finding_list fl = { 0 };
	const char *draft = NULL, *psl_path = NULL, *selector = NULL;
	char err[256];
	bool done = false, problems, temporary;
	int opt, handled, rc;

	cli_common_init(&c);
	optind = 1;
	while ((opt = getopt_long(argc, argv, "vh", longopts, NULL)) != -1) {
		if ((handled = cli_common_option(&c, opt, optarg)) != 0) {
			if (handled < 0) {
				bimi_usage(stderr);
				return EXIT_USAGE;
			}
			continue;
		}
		switch (opt) {
		case 'R':
			draft = optarg;
			break;
		case 's':
			selector = optarg;
			break;
		case 'P':
			psl_path = optarg;
			break;
		case 'h':
			bimi_usage(stdout);
			return EXIT_PASS;
		default:
			bimi_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (argc - optind != 1) {
		fprintf(stderr, "mxdiag: give exactly one DOMAIN\n");
		bimi_usage(stderr);
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
	/* Large (it holds a DMARC discovery): keep it off the stack. */
	b = xcalloc(1, sizeof(*b));
	if (bimi_check_start(&loop.lookup, &psl, argv[optind], selector, draft,
	    draft ? strlen(draft) : 0, b, bimi_done, &done) != 0) {
		fprintf(stderr, "mxdiag: \"%s\"%s%s is not a usable name\n",
		    argv[optind], selector ? " or selector " : "",
		    selector ? selector : "");
		free(b);
		cli_loop_close(&loop);
		orgdomain_psl_close(&psl);
		return EXIT_USAGE;
	}
	event_base_dispatch(loop.base);
	if (!done) {
		fprintf(stderr, "mxdiag: the BIMI lookups did not finish\n");
		free(b);
		cli_loop_close(&loop);
		orgdomain_psl_close(&psl);
		return EXIT_SOFTWARE;
	}
	bimi_judge(b, &fl);
	rc = cli_exit_status(&fl, &problems, &temporary);
	if (c.format == CLI_FORMAT_JSON) {
		json_t *doc = bimi_document(b, &fl);

		cli_print_json(doc);
		json_decref(doc);
	} else {
		bimi_text(stdout, b, &fl, &c.style);
		printf("\n%s\n", rc == EXIT_PASS ? "all checks passed" :
		    rc == EXIT_PROBLEMS ? "problems found" : "some checks "
		    "could not be completed");
	}
	finding_list_clear(&fl);
	bimi_check_clear(b);
	free(b);
	cli_loop_close(&loop);
	orgdomain_psl_close(&psl);
	return rc;
}
