/* SPDX-License-Identifier: MIT */
/*
 * `mxdiag check TARGET...`: parse the command line, resolve hostnames to
 * their addresses, run the identity check of every address concurrently on
 * one event loop, and print the results in the order the targets were
 * given. Results are rendered as they complete and printed at the end.
 */
#include <arpa/inet.h>
#include <event2/event.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "check/batch.h"
#include "check/identity.h"
#include "cli/cli.h"
#include "cli/common.h"
#include "dns/resolver.h"
#include "report/report.h"
#include "util/util.h"

struct check_opts {
	struct cli_common	 c;
	struct identity_options	 id;
	int			 port;
	int			 family;	/* AF_UNSPEC, AF_INET, AF_INET6 */
	char			 ehlo[256];
	bool			 starttls;	/* --starttls / mxdiag tls */
	const char		*ca_file;
	const char		*tls_name;	/* --name */
};

void
cmd_check_usage(FILE *out)
{
	fputs("usage: mxdiag check [OPTIONS] TARGET...\n"
	    "\n"
	    "TARGET is an IPv4 or IPv6 address or a hostname (every A and AAAA\n"
	    "address is checked); HOST:PORT and [IPv6]:PORT name a port.\n"
	    "\n"
	    "Options:\n"
	    "  --resolver IP[:PORT]  DNS server to ask (repeatable; [IPv6]:PORT);\n"
	    "                        default: the system's resolvers\n"
	    "  --timeout SECONDS     budget for each DNS query and each SMTP\n"
	    "                        phase (default 10; the greeting gets\n"
	    "                        at least this, for postscreen-style delays)\n"
	    "  --port PORT           SMTP port when the target names none (25)\n"
	    "  --ehlo NAME           name to send in EHLO/HELO (default: this\n"
	    "                        host's FQDN, else mxdiag.invalid)\n"
	    "  --no-smtp             DNS only: no SMTP connection\n"
	    "  --starttls            also try STARTTLS: protocol, cipher,\n"
	    "                        certificate chain, name, expiry\n"
	    "                        (`mxdiag tls` implies it)\n"
	    "  --ca-file FILE        trust these CAs (PEM) instead of the\n"
	    "                        system store (implies --starttls)\n"
	    "  --name NAME           the name the certificate must carry\n"
	    "                        (default: the target's hostname)\n"
	    "  -4, -6                only IPv4 / only IPv6 addresses of names\n"
	    "  --format text|json    output format (default text)\n"
	    "  -v, --verbose         details of passing findings too\n"
	    "  -h, --help            this help\n"
	    "\n"
	    "Exit status: 0 all checks passed, 1 problems found, 2 some checks\n"
	    "could not be completed (and no problem was found), 64 usage error.\n"
	    "Colour is used on a terminal unless NO_COLOR is set.\n", out);
}

static void
check_done(struct check_batch *b, void *arg)
{
	event_base_loopbreak(arg);
}

static int
check_parse_args(int argc, char **argv, struct check_opts *o, int *first)
{
	static const struct option longopts[] = {
		CLI_COMMON_LONGOPTS,
		{ "port",	required_argument, NULL, 'p' },
		{ "ehlo",	required_argument, NULL, 'e' },
		{ "no-smtp",	no_argument,	   NULL, 'n' },
		{ "starttls",	no_argument,	   NULL, 'S' },
		{ "ca-file",	required_argument, NULL, 'C' },
		{ "name",	required_argument, NULL, 'N' },
		{ "help",	no_argument,	   NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c, handled;

	optind = 1;
	while ((c = getopt_long(argc, argv, "46vh", longopts, NULL)) != -1) {
		if ((handled = cli_common_option(&o->c, c, optarg)) != 0) {
			if (handled < 0)
				return -1;
			continue;
		}
		switch (c) {
		case 'p':
			if (cli_parse_port(optarg, &o->port) != 0)
				return -1;
			break;
		case 'e':
			if (cli_parse_ehlo(optarg, o->ehlo, sizeof(o->ehlo)) != 0)
				return -1;
			break;
		case 'n':
			o->id.no_smtp = true;
			break;
		case 'S':
			o->starttls = true;
			break;
		case 'C':
			o->ca_file = optarg;
			o->starttls = true;
			break;
		case 'N':
			if (!smtp_hostname_valid(optarg)) {
				fprintf(stderr, "mxdiag: bad --name \"%s\"\n",
				    optarg);
				return -1;
			}
			o->tls_name = optarg;
			o->starttls = true;
			break;
		case '4':
			o->family = o->family == AF_INET6 ? -1 : AF_INET;
			break;
		case '6':
			o->family = o->family == AF_INET ? -1 : AF_INET6;
			break;
		case 'h':
			cmd_check_usage(stdout);
			exit(EXIT_PASS);
		default:
			return -1;
		}
	}
	if (o->family == -1) {
		fprintf(stderr, "mxdiag: -4 and -6 exclude each other\n");
		return -1;
	}
	if (optind >= argc) {
		fprintf(stderr, "mxdiag: no target given\n");
		return -1;
	}
	if (argc - optind > CHECK_TARGETS_MAX) {
		fprintf(stderr, "mxdiag: at most %d targets (use bulk mode)\n",
		    CHECK_TARGETS_MAX);
		return -1;
	}
	*first = optind;
	return 0;
}

static int check_run(int argc, char **argv, bool starttls);

int
cmd_check(int argc, char **argv)
{
	return check_run(argc, argv, false);
}

/* `mxdiag tls`: the same check with STARTTLS inspected. */
int
cmd_tls(int argc, char **argv)
{
	return check_run(argc, argv, true);
}

static int
check_run(int argc, char **argv, bool starttls)
{
	struct check_opts o;
	struct check_batch_options bo;
	struct check_batch *b;
	struct cli_loop loop;
	char err[256];
	int first, rc;

	memset(&o, 0, sizeof(o));
	cli_common_init(&o.c);
	o.port = 25;
	o.starttls = starttls;
	o.family = AF_UNSPEC;
	cli_default_ehlo(o.ehlo, sizeof(o.ehlo));
	if (check_parse_args(argc, argv, &o, &first) != 0) {
		cmd_check_usage(stderr);
		return EXIT_USAGE;
	}
	cli_common_finish(&o.c);
	if (o.starttls && o.id.no_smtp) {
		fprintf(stderr, "mxdiag: --no-smtp leaves nothing for TLS\n");
		return EXIT_USAGE;
	}
	o.id.smtp.ehlo_name = o.ehlo;
	o.id.smtp.connect_timeout_ms = o.c.timeout_ms;
	o.id.smtp.greeting_timeout_ms = o.c.timeout_ms;
	o.id.smtp.command_timeout_ms = o.c.timeout_ms;

	if (o.starttls) {
		o.id.smtp.ssl_ctx = smtp_tls_ctx_new(o.ca_file, err,
		    sizeof(err));
		if (o.id.smtp.ssl_ctx == NULL) {
			fprintf(stderr, "mxdiag: %s\n", err);
			return EXIT_USAGE;
		}
	}
	memset(&bo, 0, sizeof(bo));
	bo.id = o.id;
	bo.port = o.port;
	bo.family = o.family;
	bo.tls_name = o.tls_name;
	bo.timeout_ms = o.c.timeout_ms;
	bo.text = o.c.format != CLI_FORMAT_JSON;
	bo.style = o.c.style;
	b = check_batch_new(&bo, (const char *const *)argv + first,
	    (size_t)(argc - first), err, sizeof(err));
	if (b == NULL) {
		fprintf(stderr, "mxdiag: %s\n", err);
		smtp_tls_ctx_free(o.id.smtp.ssl_ctx);
		return EXIT_USAGE;
	}
	if ((rc = cli_loop_open(&loop, &o.c)) != 0) {
		smtp_tls_ctx_free(o.id.smtp.ssl_ctx);
		check_batch_free(b);
		return rc;
	}
	check_batch_start(b, loop.base, loop.res, &loop.lookup, check_done,
	    loop.base);
	event_base_dispatch(loop.base);
	rc = check_batch_exit(b);
	if (o.c.format == CLI_FORMAT_JSON) {
		json_t *root = check_batch_json(b,
		    report_json_resolvers(&o.c.dns));

		cli_print_json(root);
		json_decref(root);
	} else {
		check_batch_text(b, stdout);
	}
	check_batch_free(b);
	cli_loop_close(&loop);
	smtp_tls_ctx_free(o.id.smtp.ssl_ctx);
	return rc;
}
