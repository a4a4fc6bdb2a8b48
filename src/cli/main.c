/* SPDX-License-Identifier: MIT */
/*
 * mxdiag's entry point: dispatch to a subcommand.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

#ifndef MXDIAG_VERSION
#define MXDIAG_VERSION "0.1.0"
#endif

static const struct {
	const char	*name;
	int		(*run)(int, char **);
	const char	*help;
} commands[] = {
	{ "check", cmd_check, "PTR, forward-confirmed reverse DNS, SMTP banner "
	    "and EHLO alignment of mail servers" },
	{ "tls", cmd_tls, "the same check with STARTTLS: protocol, "
	    "certificate chain, name and expiry" },
	{ "audit", cmd_audit, "the whole mail setup of a domain, graded, with "
	    "the fixes that matter most" },
	{ "mx", cmd_mx, "MX records and the identity and STARTTLS of every "
	    "MX host" },
	{ "dkim", cmd_dkim, "DKIM key records at given or common selectors: "
	    "syntax, revocation, testing mode, real key size" },
	{ "bl", cmd_bl, "DNS blacklists (RFC 5782) for IP addresses and "
	    "domains, with each list sanity-checked" },
	{ "dmarc", cmd_dmarc, "DMARC policy: tree walk and public-suffix "
	    "discovery, every tag, report authorization" },
	{ "bimi", cmd_bimi, "BIMI record, logo and certificate URLs, and the "
	    "DMARC enforcement it needs" },
	{ "spf", cmd_spf, "SPF record, include tree, lookup counts and "
	    "check_host() for an address" },
	{ "bulk", cmd_bulk, "the identity check of every address of a large "
	    "list or range, as JSON lines, at the DNS server's pace" },
	{ "policyd", cmd_policyd, "a Postfix policy server that applies the "
	    "identity checks to connecting clients" },
	{ "mcp", cmd_mcp, "a Model Context Protocol server on stdio for AI "
	    "assistants: every check as a tool" },
	{ "serve", cmd_serve, "an HTTP server: JSON API, OpenAPI document "
	    "and web page, safe to expose" },
	/* subcommands: add yours above this line */
};

static void
usage(FILE *out)
{
	fputs("usage: mxdiag COMMAND [OPTIONS] ...\n\nCommands:\n", out);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  %-9s %s\n", commands[i].name, commands[i].help);
	fputs("  version   print the version\n"
	    "\n"
	    "`mxdiag COMMAND --help` lists a command's options.\n"
	    "\n"
	    "Exit status: 0 all checks passed, 1 problems found, 2 some checks\n"
	    "could not be completed (temporary DNS failure, server unreachable),\n"
	    "64 usage error, 70 internal error.\n", out);
}

int
main(int argc, char **argv)
{
	/* A server that closes while we write must not kill us. */
	signal(SIGPIPE, SIG_IGN);
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].run(argc - 1, argv + 1);
	if (strcmp(argv[1], "version") == 0 || strcmp(argv[1], "--version") == 0) {
		printf("mxdiag %s\n", MXDIAG_VERSION);
		return EXIT_PASS;
	}
	if (strcmp(argv[1], "help") == 0 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0) {
		usage(stdout);
		return EXIT_PASS;
	}
	fprintf(stderr, "mxdiag: unknown command \"%s\"\n", argv[1]);
	usage(stderr);
	return EXIT_USAGE;
}
