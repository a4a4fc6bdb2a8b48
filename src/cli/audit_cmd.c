/* SPDX-License-Identifier: MIT */
/*
 * `mxdiag audit DOMAIN` and its focused form `mxdiag mx DOMAIN`: parse
 * the command line, run the audit on one event loop, print it.
 */
#include <arpa/inet.h>
#include <event2/event.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "audit/audit.h"
#include "cli/cli.h"
#include "cli/common.h"
#include "cli/target.h"
#include "dkim/dkim.h"
#include "dnsbl/list.h"
#include "policy/orgdomain.h"
#include "smtp/reply.h"

struct audit_cmd {
	struct cli_common	 c;
	struct audit_config	 cfg;
	char			 ehlo[256];
	const char		*ca_file;
	bool			 no_tls;
	bool			 done;
	const char		*selectors[DKIM_SELECTORS_MAX];
	const char		*lists_file;
	const char		*psl_file;
};

static void
audit_cmd_usage(FILE *out, const char *cmd)
{
	fprintf(out, "usage: mxdiag %s [OPTIONS] DOMAIN\n\n", cmd);
	fputs(strcmp(cmd, "mx") == 0 ?
	    "The MX records of DOMAIN (null MX, implicit MX, aliases, address\n"
	    "literals) and, for every address of every MX host, the identity\n"
	    "check and STARTTLS.\n\n" :
	    "The whole mail setup of DOMAIN in one report: MX hosts with their\n"
	    "identity and STARTTLS, and every other section, with a grade and\n"
	    "the fixes that matter most.\n\n", out);
	fputs("Options:\n", out);
	cli_common_usage(out);
	fputs("  --port PORT           SMTP port of the MX hosts (default 25)\n"
	    "  --ehlo NAME           name to send in EHLO (default: this host's\n"
	    "                        FQDN, else mxdiag.invalid)\n"
	    "  --ca-file FILE        trust these CAs for STARTTLS (PEM) instead\n"
	    "                        of the system store\n"
	    "  --no-tls              do not try STARTTLS\n"
	    "  --no-smtp             DNS only: no SMTP connections\n"
	    "  -4, -6                only IPv4 / only IPv6 MX addresses\n"
	    "  --ip ADDRESS          a sending address: its reverse DNS identity\n"
	    "                        (and its SPF result); repeatable\n"
	    "  --helo NAME           the HELO name the sending addresses use\n"
	    "  --selector S          DKIM selector to check (repeatable; default:\n"
	    "                        common providers' selectors)\n"
	    "  --lists FILE          blacklists to ask instead of the default set\n"
	    "                        (format: docs/findings-dnsbl.md)\n"
	    "  --psl FILE            public suffix list for RFC 7489 DMARC\n"
	    "\nExit status: 0 all checks passed, 1 problems found, 2 some\n"
	    "checks could not be completed, 64 usage error.\n", out);
}

static void
audit_cmd_done(struct audit *a, void *arg)
{
	struct audit_cmd *ac = arg;

	ac->done = true;
}

static int
audit_cmd_parse(int argc, char **argv, struct audit_cmd *ac, const char *cmd)
{
	static const struct option longopts[] = {
		CLI_COMMON_LONGOPTS,
		{ "port",	required_argument, NULL, 'p' },
		{ "ehlo",	required_argument, NULL, 'e' },
		{ "ca-file",	required_argument, NULL, 'C' },
		{ "no-tls",	no_argument,	   NULL, 'T' },
		{ "no-smtp",	no_argument,	   NULL, 'n' },
		{ "ip",		required_argument, NULL, 'i' },
		{ "helo",	required_argument, NULL, 'H' },
		{ "selector",	required_argument, NULL, 's' },
		{ "lists",	required_argument, NULL, 'L' },
		{ "psl",	required_argument, NULL, 'P' },
		{ "help",	no_argument,	   NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c, handled;

	optind = 1;
	while ((c = getopt_long(argc, argv, "46vh", longopts, NULL)) != -1) {
		if ((handled = cli_common_option(&ac->c, c, optarg)) != 0) {
			if (handled < 0)
				return -1;
			continue;
		}
		switch (c) {
		case 'p':
			if (cli_parse_port(optarg, &ac->cfg.port) != 0)
				return -1;
			break;
		case 'e':
			if (cli_parse_ehlo(optarg, ac->ehlo, sizeof(ac->ehlo)) != 0)
				return -1;
			break;
		case 'C':
			ac->ca_file = optarg;
			break;
		case 'T':
			ac->no_tls = true;
			break;
		case 'n':
			ac->cfg.id.no_smtp = true;
			break;
		case 'i': {
			struct target t;
			char err[256];

			if (ac->cfg.nips == AUDIT_IPS_MAX) {
				fprintf(stderr, "mxdiag: at most %d --ip\n",
				    AUDIT_IPS_MAX);
				return -1;
			}
			if (target_parse(optarg, 25, &t, err, sizeof(err)) != 0 ||
			    t.af == AF_UNSPEC || t.port_given) {
				fprintf(stderr, "mxdiag: bad --ip \"%s\" (an IPv4 "
				    "or IPv6 address)\n", optarg);
				return -1;
			}
			ac->cfg.ips[ac->cfg.nips].af = t.af;
			memcpy(&ac->cfg.ips[ac->cfg.nips].addr, &t.addr,
			    sizeof(t.addr));
			inet_ntop(t.af, &t.addr, ac->cfg.ips[ac->cfg.nips].text,
			    sizeof(ac->cfg.ips[0].text));
			ac->cfg.nips++;
			break;
		}
		case 's':
			if (ac->cfg.nselectors == DKIM_SELECTORS_MAX ||
			    !dkim_selector_valid(optarg)) {
				fprintf(stderr, "mxdiag: bad or too many "
				    "--selector \"%s\"\n", optarg);
				return -1;
			}
			ac->selectors[ac->cfg.nselectors++] = optarg;
			break;
		case 'L':
			ac->lists_file = optarg;
			break;
		case 'P':
			ac->psl_file = optarg;
			break;
		case 'H':
			if (!smtp_hostname_valid(optarg)) {
				fprintf(stderr, "mxdiag: bad --helo \"%s\"\n",
				    optarg);
				return -1;
			}
			ac->cfg.helo = optarg;
			break;
		case '4':
			ac->cfg.family = ac->cfg.family == AF_INET6 ? -1 : AF_INET;
			break;
		case '6':
			ac->cfg.family = ac->cfg.family == AF_INET ? -1 : AF_INET6;
			break;
		case 'h':
			audit_cmd_usage(stdout, cmd);
			exit(EXIT_PASS);
		default:
			return -1;
		}
	}
	if (ac->cfg.family == -1) {
		fprintf(stderr, "mxdiag: -4 and -6 exclude each other\n");
		return -1;
	}
	if (argc - optind != 1) {
		fprintf(stderr, "mxdiag: %s takes one DOMAIN\n", cmd);
		return -1;
	}
	if (!smtp_hostname_valid(argv[optind])) {
		fprintf(stderr, "mxdiag: bad domain \"%s\"\n", argv[optind]);
		return -1;
	}
	ac->cfg.domain = argv[optind];
	return 0;
}

static int
audit_cmd_run(int argc, char **argv, const char *cmd, unsigned sections)
{
	struct audit_cmd ac;
	struct cli_loop loop;
	struct audit *a;
	struct orgdomain_psl psl;
	struct dnsbl_set lists;
	char err[256];
	int rc;

	memset(&ac, 0, sizeof(ac));
	cli_common_init(&ac.c);
	ac.cfg.port = 25;
	ac.cfg.family = AF_UNSPEC;
	ac.cfg.sections = sections;
	cli_default_ehlo(ac.ehlo, sizeof(ac.ehlo));
	if (audit_cmd_parse(argc, argv, &ac, cmd) != 0) {
		audit_cmd_usage(stderr, cmd);
		return EXIT_USAGE;
	}
	cli_common_finish(&ac.c);
	memset(&psl, 0, sizeof(psl));
	memset(&lists, 0, sizeof(lists));
	if (!orgdomain_psl_open(&psl, ac.psl_file, err, sizeof(err)) &&
	    ac.psl_file != NULL) {
		fprintf(stderr, "mxdiag: %s\n", err);
		return EXIT_USAGE;
	}
	if (ac.lists_file != NULL) {
		if (dnsbl_set_load(&lists, ac.lists_file, err,
		    sizeof(err)) != 0) {
			fprintf(stderr, "mxdiag: %s\n", err);
			orgdomain_psl_close(&psl);
			return EXIT_USAGE;
		}
	} else {
		dnsbl_set_defaults(&lists);
	}
	ac.cfg.psl = &psl;
	ac.cfg.lists = &lists;
	if (ac.cfg.nselectors > 0)
		ac.cfg.selectors = ac.selectors;
	ac.cfg.id.smtp.ehlo_name = ac.ehlo;
	ac.cfg.id.smtp.connect_timeout_ms = ac.c.timeout_ms;
	ac.cfg.id.smtp.greeting_timeout_ms = ac.c.timeout_ms;
	ac.cfg.id.smtp.command_timeout_ms = ac.c.timeout_ms;
	if (!ac.no_tls && !ac.cfg.id.no_smtp) {
		ac.cfg.id.smtp.ssl_ctx = smtp_tls_ctx_new(ac.ca_file, err,
		    sizeof(err));
		if (ac.cfg.id.smtp.ssl_ctx == NULL) {
			fprintf(stderr, "mxdiag: %s\n", err);
			return EXIT_USAGE;
		}
	}
	/* The MTA-STS policy is fetched over HTTPS whatever --no-tls says
	 * about SMTP. */
	ac.cfg.https_port = 443;
	ac.cfg.https_ctx = smtp_tls_ctx_new(ac.ca_file, err, sizeof(err));
	if (ac.cfg.https_ctx == NULL) {
		fprintf(stderr, "mxdiag: %s\n", err);
		smtp_tls_ctx_free(ac.cfg.id.smtp.ssl_ctx);
		return EXIT_USAGE;
	}
	if ((rc = cli_loop_open(&loop, &ac.c)) != 0) {
		smtp_tls_ctx_free(ac.cfg.id.smtp.ssl_ctx);
		smtp_tls_ctx_free(ac.cfg.https_ctx);
		return rc;
	}
	ac.cfg.base = loop.base;
	ac.cfg.res = loop.res;
	ac.cfg.lookup = &loop.lookup;
	a = audit_start(&ac.cfg, audit_cmd_done, &ac);
	event_base_dispatch(loop.base);
	if (!ac.done) {
		fprintf(stderr, "mxdiag: internal error: the audit did not "
		    "finish\n");
		rc = EXIT_SOFTWARE;
	} else {
		if (ac.c.format == CLI_FORMAT_JSON) {
			json_t *doc = audit_json(a);

			cli_print_json(doc);
			json_decref(doc);
		} else {
			audit_text(stdout, a, &ac.c.style);
		}
		rc = audit_exit_status(a);
	}
	audit_free(a);
	cli_loop_close(&loop);
	smtp_tls_ctx_free(ac.cfg.id.smtp.ssl_ctx);
	smtp_tls_ctx_free(ac.cfg.https_ctx);
	dnsbl_set_clear(&lists);
	orgdomain_psl_close(&psl);
	return rc;
}

int
cmd_audit(int argc, char **argv)
{
	return audit_cmd_run(argc, argv, "audit", 0);
}

int
cmd_mx(int argc, char **argv)
{
	return audit_cmd_run(argc, argv, "mx", 1u << AUDIT_MX);
}
