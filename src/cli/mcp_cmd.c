/* SPDX-License-Identifier: MIT */
/*
 * `mxdiag mcp`: options, then the Model Context Protocol server of
 * src/mcp on stdin/stdout. stdout carries JSON-RPC only; every message
 * of ours goes to stderr.
 */
#include <event2/event.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/common.h"
#include "mcp/mcp.h"
#include "smtp/probe.h"

#ifndef MXDIAG_VERSION
#define MXDIAG_VERSION "0.1.0"
#endif

void
cmd_mcp_usage(FILE *out)
{
	fputs("usage: mxdiag mcp [OPTIONS]\n"
	    "\n"
	    "A Model Context Protocol server on stdin/stdout (newline-delimited\n"
	    "JSON-RPC 2.0), for AI assistants: protocol versions 2026-07-28\n"
	    "(server/discover, no handshake) and 2025-11-25 (initialize).\n"
	    "Tools: check_identity, check_spf, check_dmarc, check_bimi,\n"
	    "check_dkim, check_blacklists, audit_domain. Logs go to stderr.\n"
	    "See docs/mcp.md.\n"
	    "\n"
	    "Options:\n"
	    "  --resolver IP[:PORT]  DNS server to ask (repeatable; [IPv6]:PORT);\n"
	    "                        default: the system's resolvers\n"
	    "  --timeout SECONDS     budget for each DNS query and each SMTP\n"
	    "                        phase (default 10)\n"
	    "  --ehlo NAME           name to send in EHLO/HELO (default: this\n"
	    "                        host's FQDN, else mxdiag.invalid)\n"
	    "  --allow-private       also check private, loopback, link-local\n"
	    "                        and CGNAT addresses (refused by default)\n"
	    "  --ca-file FILE        trust these CAs (PEM) for audit_domain's\n"
	    "                        STARTTLS and MTA-STS fetch instead of the\n"
	    "                        system store\n"
	    "  --rate N              tool calls per minute (default 120; 0: no\n"
	    "                        limit); over it: error -32603 with\n"
	    "                        data.retryAfterMs\n"
	    "  --burst N             tool calls at once before the rate applies\n"
	    "                        (default 20)\n"
	    "  -h, --help            this help\n", out);
}

int
cmd_mcp(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "resolver",	   required_argument, NULL, 'r' },
		{ "timeout",	   required_argument, NULL, 't' },
		{ "ehlo",	   required_argument, NULL, 'e' },
		{ "allow-private", no_argument,	      NULL, 'P' },
		{ "ca-file",	   required_argument, NULL, 'C' },
		{ "rate",	   required_argument, NULL, 'R' },
		{ "burst",	   required_argument, NULL, 'B' },
		{ "help",	   no_argument,	      NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct cli_common common;
	struct mcp_config cfg;
	struct mcp_server *srv;
	struct cli_loop loop;
	char ehlo[256], *end;
	long rate = 120, burst = 20;
	int c, rc;

	cli_common_init(&common);
	memset(&cfg, 0, sizeof(cfg));
	cli_default_ehlo(ehlo, sizeof(ehlo));
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		int handled;

		if ((handled = cli_common_option(&common, c, optarg)) != 0) {
			if (handled < 0)
				goto usage;
			continue;
		}
		switch (c) {
		case 'e':
			if (cli_parse_ehlo(optarg, ehlo, sizeof(ehlo)) != 0)
				goto usage;
			break;
		case 'P':
			cfg.allow_private = true;
			break;
		case 'C':
			cfg.ca_file = optarg;
			break;
		case 'R':
		case 'B':
			*(c == 'R' ? &rate : &burst) = strtol(optarg, &end, 10);
			if (optarg[0] == '\0' || *end != '\0' || rate < 0 ||
			    rate > 600000 || burst < 1 || burst > 100000) {
				fprintf(stderr, "mxdiag: --%s: out of range\n",
				    c == 'R' ? "rate" : "burst");
				goto usage;
			}
			break;
		case 'h':
			cmd_mcp_usage(stdout);
			return EXIT_PASS;
		default:
			goto usage;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "mxdiag: mcp takes no operands\n");
		goto usage;
	}
	cli_common_finish(&common);
	if (cli_check_ca_file(cfg.ca_file) != 0)
		return EXIT_USAGE;
	if ((rc = cli_loop_open(&loop, &common)) != 0)
		return rc;
	cfg.base = loop.base;
	cfg.res = loop.res;
	cfg.timeout_ms = common.timeout_ms;
	cfg.ehlo = ehlo;
	cfg.dns = &common.dns;
	cfg.version = MXDIAG_VERSION;
	cfg.rate_milli = cli_rate_milli(rate);
	cfg.burst = (uint32_t)burst;
	srv = mcp_server_new(&cfg, mcp_stdio_reply, NULL);
	fprintf(stderr, "mxdiag mcp: serving MCP %s and %s on stdio%s\n",
	    MCP_VERSION_MODERN, MCP_VERSION_LEGACY, cfg.allow_private ?
	    " (private addresses allowed)" : "");
	rc = mcp_stdio_run(loop.base, srv) == 0 ? EXIT_PASS : EXIT_SOFTWARE;
	mcp_server_free(srv);
	cli_loop_close(&loop);
	fprintf(stderr, "mxdiag mcp: done\n");
	return rc;
usage:
	cmd_mcp_usage(stderr);
	return EXIT_USAGE;
}
