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

#include "check/identity.h"
#include "check/names.h"
#include "cli/cli.h"
#include "cli/common.h"
#include "cli/target.h"
#include "dns/hostaddr.h"
#include "dns/resolver.h"
#include "report/report.h"
#include "util/util.h"

#define CHECK_ADDRS_PER_NAME	16	/* addresses checked per hostname */
#define CHECK_TARGETS_MAX	1024
/* Addresses checked at once: each holds a socket and a few queries, and
 * a long target list must not run out of descriptors. */
#define CHECK_RUNNING_MAX	64

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

struct check_addr {
	char		*text;		/* rendered text report */
	json_t		*json;
	enum finding_status worst;
	bool		 aligned;
};

struct check_target {
	struct check_ctx	*ctx;
	struct target		 t;
	const char		*spec;
	struct dns_answer	 a, aaaa;
	bool			 have_a, have_aaaa;
	struct finding_list	 findings;	/* target-level */
	size_t			 naddrs;
	struct check_addr	 addrs[CHECK_ADDRS_PER_NAME];
};

struct check_slot {
	struct check_slot	*next;
	struct check_target	*ct;
	size_t			 idx;
	int			 af;
	union {
		struct in_addr	 v4;
		struct in6_addr	 v6;
	} addr;
};

struct check_ctx {
	struct event_base	*base;
	dns_resolver		*res;
	struct check_opts	*opts;
	size_t			 ntargets;
	struct check_target	*targets;
	size_t			 running;
	struct check_slot	*head, *tail;	/* waiting to start */
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

static void check_pump(struct check_ctx *ctx);

static void
check_addr_done(struct identity_facts *f, void *arg)
{
	struct check_slot *slot = arg;
	struct check_target *ct = slot->ct;
	struct check_addr *ca = &ct->addrs[slot->idx];
	struct identity_verdict v;
	char *buf = NULL;
	size_t len = 0;
	FILE *mem;

	identity_judge(f, &v);
	ca->worst = finding_list_worst(&v.findings);
	ca->aligned = v.aligned;
	if (ct->ctx->opts->c.format == CLI_FORMAT_JSON) {
		ca->json = report_json_address(f, &v);
	} else if ((mem = open_memstream(&buf, &len)) != NULL) {
		report_text_address(mem, f, &v, &ct->ctx->opts->c.style);
		fclose(mem);
		ca->text = buf;
	}
	identity_verdict_clear(&v);
	free(slot);
	ct->ctx->running--;
	check_pump(ct->ctx);
}

/* Start queued addresses while fewer than CHECK_RUNNING_MAX run. */
static void
check_pump(struct check_ctx *ctx)
{
	while (ctx->head != NULL && ctx->running < CHECK_RUNNING_MAX) {
		struct check_slot *slot = ctx->head;

		ctx->head = slot->next;
		if (ctx->head == NULL)
			ctx->tail = NULL;
		struct identity_options id = ctx->opts->id;

		/* The certificate should name the host as the user named
		 * it; for an address, only --name says what to expect. */
		id.smtp.tls_name = ctx->opts->tls_name ? ctx->opts->tls_name :
		    slot->ct->t.af == AF_UNSPEC ? slot->ct->t.host : NULL;
		ctx->running++;
		identity_start(ctx->base, ctx->res, &id, slot->ct->spec,
		    slot->af, &slot->addr, slot->ct->t.port, check_addr_done,
		    slot);
	}
}

static void
check_start_addr(struct check_target *ct, int af, const void *addr)
{
	struct check_ctx *ctx = ct->ctx;
	struct check_slot *slot;

	if (ct->naddrs == CHECK_ADDRS_PER_NAME)
		return;
	slot = xcalloc(1, sizeof(*slot));
	slot->ct = ct;
	slot->idx = ct->naddrs++;
	slot->af = af;
	memcpy(&slot->addr, addr, af == AF_INET ? sizeof(struct in_addr) :
	    sizeof(struct in6_addr));
	if (ctx->tail)
		ctx->tail->next = slot;
	else
		ctx->head = slot;
	ctx->tail = slot;
	check_pump(ctx);
}

static void
check_name_done(const struct dns_hostaddr_result *r, void *arg)
{
	struct check_target *ct = arg;

	/* The answers stay for the report's evidence. */
	if (r->a != NULL) {
		dns_answer_copy(&ct->a, r->a);
		ct->have_a = true;
	}
	if (r->aaaa != NULL) {
		dns_answer_copy(&ct->aaaa, r->aaaa);
		ct->have_aaaa = true;
	}
	/* Both families answered: check every address, IPv4 first. */
	for (size_t i = 0; i < r->naddrs; i++)
		check_start_addr(ct, r->addrs[i].af, &r->addrs[i].u);
	if (ct->naddrs == 0)
		names_no_address_finding(&ct->findings, ct->t.host,
		    ct->have_a ? &ct->a : NULL,
		    ct->have_aaaa ? &ct->aaaa : NULL, ct->ctx->opts->family);
}

static json_t *
check_json_lookup(const struct dns_answer *ans)
{
	return json_pack("{s:s, s:s, s:o}", "name", ans->qname, "outcome",
	    dns_outcome_name(ans->outcome), "addresses",
	    report_json_addresses(ans));
}

/* Fold one status into the run's exit status. */
static void
check_tally(enum finding_status worst, bool *problems, bool *temporary)
{
	switch (worst) {
	case FINDING_FAIL:
	case FINDING_PERMERROR:
	case FINDING_WARNING:
		*problems = true;
		break;
	case FINDING_TEMPERROR:
		*temporary = true;
		break;
	default:
		break;
	}
}

static int
check_output(struct check_ctx *ctx)
{
	struct check_opts *o = ctx->opts;
	bool problems = false, temporary = false;
	size_t naddr = 0, naligned = 0;
	json_t *root = NULL, *targets = NULL;

	if (o->c.format == CLI_FORMAT_JSON) {
		json_t *resolvers = report_json_resolvers(&o->c.dns);

		targets = json_array();
		root = json_pack("{s:s, s:s, s:o, s:{s:i, s:i, s:s, s:b, s:s}}",
		    "schema", REPORT_CHECK_SCHEMA, "version", "0.1.0",
		    "resolvers", resolvers, "options", "port", o->port,
		    "timeout_ms", o->c.timeout_ms, "ehlo", o->ehlo,
		    "smtp", !o->id.no_smtp, "family",
		    o->family == AF_INET ? "ipv4" : o->family == AF_INET6 ?
		    "ipv6" : "any");
	}
	for (size_t i = 0; i < ctx->ntargets; i++) {
		struct check_target *ct = &ctx->targets[i];
		json_t *jt = NULL, *jaddrs = NULL;

		check_tally(finding_list_worst(&ct->findings), &problems,
		    &temporary);
		if (root) {
			jaddrs = json_array();
			jt = json_pack("{s:s, s:s, s:i, s:s}", "target", ct->spec,
			    "host", ct->t.host, "port", ct->t.port, "kind",
			    ct->t.af == AF_UNSPEC ? "hostname" : "address");
			json_object_set_new(jt, "resolution",
			    ct->t.af != AF_UNSPEC ? json_null() :
			    json_pack("{s:o, s:o}", "a", ct->have_a ?
			    check_json_lookup(&ct->a) : json_null(), "aaaa",
			    ct->have_aaaa ? check_json_lookup(&ct->aaaa) :
			    json_null()));
			json_object_set_new(jt, "findings",
			    report_json_findings(&ct->findings));
		} else if (ct->findings.n > 0) {
			printf("%s%s%s\n", o->c.style.color ? "\033[1m" : "",
			    ct->spec, o->c.style.color ? "\033[0m" : "");
			for (size_t k = 0; k < ct->findings.n; k++)
				report_text_finding(stdout, ct->findings.v[k],
				    &o->c.style);
			putchar('\n');
		}
		for (size_t k = 0; k < ct->naddrs; k++) {
			struct check_addr *ca = &ct->addrs[k];

			naddr++;
			naligned += ca->aligned;
			check_tally(ca->worst, &problems, &temporary);
			if (jaddrs && ca->json) {
				json_array_append(jaddrs, ca->json);
			} else if (ca->text) {
				fputs(ca->text, stdout);
			}
		}
		if (jt) {
			json_object_set_new(jt, "addresses", jaddrs);
			json_array_append_new(targets, jt);
		}
	}
	{
		int rc = problems ? EXIT_PROBLEMS : temporary ? EXIT_UNCHECKED :
		    EXIT_PASS;

		if (root) {
			json_object_set_new(root, "targets", targets);
			json_object_set_new(root, "summary", json_pack(
			    "{s:I, s:I, s:b, s:b, s:i}", "addresses",
			    (json_int_t)naddr, "aligned", (json_int_t)naligned,
			    "problems", problems, "temporary_failures",
			    temporary, "exit_code", rc));
			cli_print_json(root);
			json_decref(root);
		} else {
			printf("%zu address%s checked, %zu aligned: %s\n", naddr,
			    naddr == 1 ? "" : "es", naligned, rc == EXIT_PASS ?
			    "all checks passed" : rc == EXIT_PROBLEMS ?
			    "problems found" : "some checks could not be "
			    "completed");
		}
		return rc;
	}
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
	struct check_ctx ctx;
	struct cli_loop loop;
	char err[256];
	int first, rc;

	memset(&o, 0, sizeof(o));
	memset(&ctx, 0, sizeof(ctx));
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

	ctx.opts = &o;
	ctx.ntargets = (size_t)(argc - first);
	ctx.targets = xcalloc(ctx.ntargets, sizeof(*ctx.targets));
	for (size_t i = 0; i < ctx.ntargets; i++) {
		struct check_target *ct = &ctx.targets[i];

		ct->ctx = &ctx;
		ct->spec = argv[first + (int)i];
		if (target_parse(ct->spec, o.port, &ct->t, err,
		    sizeof(err)) != 0) {
			fprintf(stderr, "mxdiag: %s\n", err);
			free(ctx.targets);
			return EXIT_USAGE;
		}
		if (o.family != AF_UNSPEC && ct->t.af != AF_UNSPEC &&
		    ct->t.af != o.family) {
			fprintf(stderr, "mxdiag: target %s is not an %s "
			    "address\n", ct->spec, o.family == AF_INET ?
			    "IPv4" : "IPv6");
			free(ctx.targets);
			return EXIT_USAGE;
		}
	}

	if (o.starttls) {
		o.id.smtp.ssl_ctx = smtp_tls_ctx_new(o.ca_file, err,
		    sizeof(err));
		if (o.id.smtp.ssl_ctx == NULL) {
			fprintf(stderr, "mxdiag: %s\n", err);
			free(ctx.targets);
			return EXIT_USAGE;
		}
	}
	if ((rc = cli_loop_open(&loop, &o.c)) != 0) {
		smtp_tls_ctx_free(o.id.smtp.ssl_ctx);
		free(ctx.targets);
		return rc;
	}
	ctx.base = loop.base;
	ctx.res = loop.res;
	for (size_t i = 0; i < ctx.ntargets; i++) {
		struct check_target *ct = &ctx.targets[i];

		if (ct->t.af != AF_UNSPEC) {
			check_start_addr(ct, ct->t.af, &ct->t.addr);
			continue;
		}
		dns_hostaddr_resolve(&loop.lookup, ct->t.host, o.family,
		    check_name_done, ct);
	}
	event_base_dispatch(ctx.base);
	rc = check_output(&ctx);

	cli_loop_close(&loop);
	smtp_tls_ctx_free(o.id.smtp.ssl_ctx);
	for (size_t i = 0; i < ctx.ntargets; i++) {
		struct check_target *ct = &ctx.targets[i];

		for (size_t k = 0; k < ct->naddrs; k++) {
			free(ct->addrs[k].text);
			json_decref(ct->addrs[k].json);
		}
		dns_answer_clear(&ct->a);
		dns_answer_clear(&ct->aaaa);
		finding_list_clear(&ct->findings);
	}
	free(ctx.targets);
	return rc;
}
