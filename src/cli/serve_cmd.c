/* SPDX-License-Identifier: MIT */
/*
 * `mxdiag serve`: parse the options, open the event loop and the
 * resolver, and hand over to src/serve.
 */
#include <event2/util.h>
#include <getopt.h>
#include <sys/socket.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/common.h"
#include "serve/serve.h"
#include "smtp/probe.h"

void
cmd_serve_usage(FILE *out)
{
	fputs("usage: mxdiag serve [OPTIONS]\n"
	    "\n"
	    "An HTTP server: the JSON API (/api/v1/check, audit, spf, dmarc,\n"
	    "bimi, dkim, bl; OpenAPI 3.1 at /api/v1/openapi.json), the web page\n"
	    "at /,"
	    " and /healthz. Only public addresses are checked unless\n"
	    "--allow-private. See docs/serve.md.\n"
	    "\n"
	    "Options:\n"
	    "  --listen ADDR:PORT    where to listen (repeatable; [IPv6]:PORT;\n"
	    "                        default 127.0.0.1:8025)\n"
	    "  --resolver IP[:PORT]  DNS server to ask (repeatable; [IPv6]:PORT);\n"
	    "                        default: the system's resolvers\n"
	    "  --timeout SECONDS     budget for each DNS query and each SMTP\n"
	    "                        phase (default 10)\n"
	    "  --ehlo NAME           name to send in EHLO/HELO\n"
	    "  --allow-private       also check private, loopback, link-local\n"
	    "                        and CGNAT addresses (refused by default)\n"
	    "  --ca-file FILE        trust these CAs (PEM) for STARTTLS and\n"
	    "                        MTA-STS instead of the system store\n"
	    "  --rate N              API requests per minute per client (IPv4\n"
	    "                        address or IPv6 /64; default 30; 0: no limit)\n"
	    "  --burst N             requests a client may make at once (10)\n"
	    "  --max-checks N        checks running at once, all clients (64)\n"
	    "  --max-connections N   open connections (512)\n"
	    "  --header-timeout S    time a client has to send its request (10)\n"
	    "  --idle-timeout S      keep-alive and write timeout (30)\n"
	    "  --quiet               no access log on stderr\n"
	    "  -h, --help            this help\n", out);
}

static int
serve_number(const char *opt, const char *arg, long min, long max, long *out)
{
	char *end;

	*out = strtol(arg, &end, 10);
	if (arg[0] == '\0' || *end != '\0' || *out < min || *out > max) {
		fprintf(stderr, "mxdiag: %s: a number from %ld to %ld\n", opt,
		    min, max);
		return -1;
	}
	return 0;
}

/* ADDR:PORT or [IPv6]:PORT, with a port. */
static int
serve_listen_check(const char *spec)
{
	struct sockaddr_storage ss;
	int len = sizeof(ss);
	const char *colon = strrchr(spec, ':');

	if (evutil_parse_sockaddr_port(spec, (struct sockaddr *)&ss,
	    &len) != 0 || colon == NULL || colon[1] == '\0' ||
	    strcmp(colon + 1, "0") == 0 || (ss.ss_family == AF_INET6 &&
	    spec[0] != '[')) {
		fprintf(stderr, "mxdiag: --listen %s: not ADDR:PORT "
		    "([IPv6]:PORT)\n", spec);
		return -1;
	}
	return 0;
}

int
cmd_serve(int argc, char **argv)
{
	enum { O_LISTEN = 1000, O_ALLOW, O_CA, O_RATE, O_BURST, O_CHECKS,
	    O_CONNS, O_HDR, O_IDLE, O_QUIET, O_EHLO };
	static const struct option longopts[] = {
		CLI_COMMON_LONGOPTS,
		{ "listen",	     required_argument, NULL, O_LISTEN },
		{ "ehlo",	     required_argument, NULL, O_EHLO },
		{ "allow-private",   no_argument,	NULL, O_ALLOW },
		{ "ca-file",	     required_argument, NULL, O_CA },
		{ "rate",	     required_argument, NULL, O_RATE },
		{ "burst",	     required_argument, NULL, O_BURST },
		{ "max-checks",	     required_argument, NULL, O_CHECKS },
		{ "max-connections", required_argument, NULL, O_CONNS },
		{ "header-timeout",  required_argument, NULL, O_HDR },
		{ "idle-timeout",    required_argument, NULL, O_IDLE },
		{ "quiet",	     no_argument,	NULL, O_QUIET },
		{ "help",	     no_argument,	NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct cli_common common;
	struct serve_config cfg;
	struct cli_loop loop;
	char ehlo[256];
	long n, rate = 30, burst = 10, checks = 64, conns = 512, hdr = 10,
	    idle = 30;
	int c, rc;

	cli_common_init(&common);
	memset(&cfg, 0, sizeof(cfg));
	cli_default_ehlo(ehlo, sizeof(ehlo));
	optind = 1;
	while ((c = getopt_long(argc, argv, "hv", longopts, NULL)) != -1) {
		int handled;

		if ((handled = cli_common_option(&common, c, optarg)) != 0) {
			if (handled < 0)
				goto usage;
			continue;
		}
		switch (c) {
		case O_LISTEN:
			if (serve_listen_check(optarg) != 0)
				goto usage;
			if (cfg.nlisten == SERVE_LISTEN_MAX) {
				fprintf(stderr, "mxdiag: at most %d --listen\n",
				    SERVE_LISTEN_MAX);
				goto usage;
			}
			cfg.listen[cfg.nlisten++] = optarg;
			break;
		case O_EHLO:
			if (cli_parse_ehlo(optarg, ehlo, sizeof(ehlo)) != 0)
				goto usage;
			break;
		case O_ALLOW:
			cfg.allow_private = true;
			break;
		case O_CA:
			cfg.ca_file = optarg;
			break;
		case O_RATE:
		case O_BURST:
		case O_CHECKS:
		case O_CONNS:
		case O_HDR:
		case O_IDLE:
			if (serve_number(argv[optind - 1], optarg,
			    c == O_RATE ? 0 : 1, c == O_RATE ? 600000 :
			    c == O_BURST ? 100000 : c == O_CONNS ? 65536 :
			    c == O_CHECKS ? 4096 : 3600, &n) != 0)
				goto usage;
			*(c == O_RATE ? &rate : c == O_BURST ? &burst :
			    c == O_CHECKS ? &checks : c == O_CONNS ? &conns :
			    c == O_HDR ? &hdr : &idle) = n;
			break;
		case O_QUIET:
			cfg.quiet = true;
			break;
		case 'h':
			cmd_serve_usage(stdout);
			return EXIT_PASS;
		default:
			goto usage;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "mxdiag: serve takes no operands\n");
		goto usage;
	}
	cli_common_finish(&common);
	if (cfg.nlisten == 0)
		cfg.listen[cfg.nlisten++] = "127.0.0.1:8025";
	if (cli_check_ca_file(cfg.ca_file) != 0)
		return EXIT_USAGE;
	cfg.rate_milli = cli_rate_milli(rate);
	cfg.burst = (uint32_t)burst;
	cfg.max_clients = 65536;
	cfg.max_checks = (unsigned)checks;
	cfg.max_conns = (unsigned)conns;
	cfg.header_timeout_ms = (int)hdr * 1000;
	cfg.idle_timeout_s = (int)idle;
	if ((rc = cli_loop_open(&loop, &common)) != 0)
		return rc;
	cfg.base = loop.base;
	cfg.res = loop.res;
	cfg.lookup = &loop.lookup;
	cfg.dns = &common.dns;
	cfg.timeout_ms = common.timeout_ms;
	cfg.ehlo = ehlo;
	rc = serve_run(&cfg) == 0 ? EXIT_PASS : EXIT_SOFTWARE;
	cli_loop_close(&loop);
	return rc;
usage:
	cmd_serve_usage(stderr);
	return EXIT_USAGE;
}
