/* SPDX-License-Identifier: MIT */
/*
 * The options and the loop that every subcommand shares, so that
 * --resolver, --timeout and --format mean the same everywhere.
 */
#include "cli/common.h"

#include <event2/event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "smtp/probe.h"
#include "smtp/reply.h"

void
cli_common_init(struct cli_common *c)
{
	memset(c, 0, sizeof(*c));
	c->timeout_ms = 10000;
	c->format = CLI_FORMAT_TEXT;
}

static int
cli_parse_timeout(const char *s, int *ms)
{
	char *end;
	double d = strtod(s, &end);

	if (*s == '\0' || *end != '\0' || !(d > 0.0) || d > 3600.0)
		return -1;
	*ms = (int)(d * 1000.0);
	return *ms > 0 ? 0 : -1;
}

int
cli_common_option(struct cli_common *c, int opt, const char *arg)
{
	char err[256];

	switch (opt) {
	case 'r':
		if (c->dns.nservers == DNS_SERVERS_MAX) {
			fprintf(stderr, "mxdiag: at most %d resolvers\n",
			    DNS_SERVERS_MAX);
			return -1;
		}
		if (dns_server_parse(arg, &c->dns.servers[c->dns.nservers],
		    err, sizeof(err)) != 0) {
			fprintf(stderr, "mxdiag: %s\n", err);
			return -1;
		}
		c->dns.nservers++;
		return 1;
	case 't':
		if (cli_parse_timeout(arg, &c->timeout_ms) != 0) {
			fprintf(stderr, "mxdiag: bad --timeout \"%s\" (seconds, "
			    "> 0, <= 3600)\n", arg);
			return -1;
		}
		return 1;
	case 'f':
		if (strcmp(arg, "text") == 0)
			c->format = CLI_FORMAT_TEXT;
		else if (strcmp(arg, "json") == 0)
			c->format = CLI_FORMAT_JSON;
		else {
			fprintf(stderr, "mxdiag: bad --format \"%s\" (text or "
			    "json)\n", arg);
			return -1;
		}
		return 1;
	case 'v':
		c->style.verbose = true;
		return 1;
	default:
		return 0;
	}
}

void
cli_common_finish(struct cli_common *c)
{
	c->style.color = c->format == CLI_FORMAT_TEXT &&
	    report_want_color(stdout);
	c->dns.timeout_ms = c->timeout_ms;
	c->dns.tries = 3;
	c->dns.max_inflight = 100;
}

void
cli_common_usage(FILE *out)
{
	fputs("  --resolver IP[:PORT]  DNS server to ask (repeatable; [IPv6]:PORT);\n"
	    "                        default: the system's resolvers\n"
	    "  --timeout SECONDS     budget for each DNS query (all retries) and\n"
	    "                        each network phase (default 10)\n"
	    "  --format text|json    output format (default text)\n"
	    "  -v, --verbose         details of passing findings too\n", out);
}

int
cli_loop_open(struct cli_loop *l, const struct cli_common *c)
{
	char err[256];

	memset(l, 0, sizeof(*l));
	l->base = event_base_new();
	if (l->base == NULL) {
		fprintf(stderr, "mxdiag: cannot create the event loop\n");
		return EXIT_SOFTWARE;
	}
	l->res = dns_resolver_new(l->base, &c->dns, err, sizeof(err));
	if (l->res == NULL) {
		fprintf(stderr, "mxdiag: %s\n", err);
		event_base_free(l->base);
		l->base = NULL;
		return EXIT_SOFTWARE;
	}
	dns_lookup_from_resolver(&l->lookup, l->res);
	return 0;
}

void
cli_loop_close(struct cli_loop *l)
{
	dns_resolver_free(l->res);
	if (l->base)
		event_base_free(l->base);
	memset(l, 0, sizeof(*l));
}

int
cli_parse_port(const char *arg, int *port)
{
	char *end;
	long p = strtol(arg, &end, 10);

	if (*arg == '\0' || *end != '\0' || p < 1 || p > 65535) {
		fprintf(stderr, "mxdiag: bad --port \"%s\" (1-65535)\n", arg);
		return -1;
	}
	*port = (int)p;
	return 0;
}

int
cli_parse_ehlo(const char *arg, char *out, size_t outlen)
{
	if (!smtp_hostname_valid(arg) || strlen(arg) >= outlen) {
		fprintf(stderr, "mxdiag: bad --ehlo \"%s\" (a hostname)\n",
		    arg);
		return -1;
	}
	snprintf(out, outlen, "%s", arg);
	return 0;
}

void
cli_default_ehlo(char *out, size_t outlen)
{
	char host[256];

	if (gethostname(host, sizeof(host)) == 0 &&
	    (host[sizeof(host) - 1] = '\0', strchr(host, '.') != NULL) &&
	    smtp_hostname_valid(host))
		snprintf(out, outlen, "%s", host);
	else
		snprintf(out, outlen, "mxdiag.invalid");
}

_Static_assert(FINDING_EXIT_PASS == EXIT_PASS &&
    FINDING_EXIT_PROBLEMS == EXIT_PROBLEMS &&
    FINDING_EXIT_UNCHECKED == EXIT_UNCHECKED,
    "reports' exit_code is the command's exit status");

int
cli_exit_status(const struct finding_list *fl, bool *problems,
    bool *temporary)
{
	struct finding_tally t = { false, false };

	finding_tally_add(&t, fl);
	if (problems)
		*problems = t.problems;
	if (temporary)
		*temporary = t.temporary;
	return finding_tally_exit(&t);
}

void
cli_print_json(json_t *doc)
{
	json_dumpf(doc, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	putchar('\n');
}

int
cli_check_ca_file(const char *path)
{
	char err[256];
	struct ssl_ctx_st *ctx;

	if (path == NULL)
		return 0;
	if ((ctx = smtp_tls_ctx_new(path, err, sizeof(err))) == NULL) {
		fprintf(stderr, "mxdiag: %s\n", err);
		return -1;
	}
	smtp_tls_ctx_free(ctx);
	return 0;
}

uint32_t
cli_rate_milli(long per_minute)
{
	uint32_t r = (uint32_t)(per_minute * 1000 / 60);

	return per_minute > 0 && r == 0 ? 1 : r;
}
