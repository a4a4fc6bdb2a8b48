/* SPDX-License-Identifier: MIT */
/*
 * `mxdiag policyd`: options, then the server of src/policyd/server.c.
 */
#include <errno.h>
#include <event2/event.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/common.h"
#include "policyd/policyd.h"
#include "smtp/reply.h"
#include "util/util.h"

#define PD_DEFAULT_LISTEN	"inet:127.0.0.1:10040"
#define PD_TIMEOUT_MS		5000
#define PD_INFLIGHT		300
/* One DNS socket: its queries all reach one of the server's threads.
 * Knot pins one UDP worker per CPU; with 4 sockets policyd shared its
 * CPU with one of them (bench/policyd, cold cache: 17,400 requests/s),
 * with one it keeps a CPU of its own (27,000-32,000). A resolver whose
 * threads should share the load: --sockets. */
#define PD_SOCKETS		1
#define PD_SOCKETS_MAX		32

void
cmd_policyd_usage(FILE *out)
{
	fputs("usage: mxdiag policyd [OPTIONS]\n"
	    "\n"
	    "A Postfix policy server (check_policy_service) that judges each\n"
	    "client: PTR, forward-confirmed reverse DNS (iprev), the HELO name\n"
	    "against the PTR and against the address, HELO syntax, generic\n"
	    "PTR names. It prepends an RFC 8601 Authentication-Results header\n"
	    "and, in enforce mode, rejects what --require names. A temporary\n"
	    "DNS failure never gives a permanent rejection, and the HELO name\n"
	    "never rejects by itself. One log line per decision.\n"
	    "\n"
	    "Options:\n"
	    "  --listen SPEC         inet:HOST:PORT, inet:[IPV6]:PORT or\n"
	    "                        unix:PATH (repeatable; default\n"
	    "                        " PD_DEFAULT_LISTEN ")\n"
	    "  --mode MODE           observe (default: header and log only) or\n"
	    "                        enforce\n"
	    "  --require WHAT        what enforce mode rejects without: iprev\n"
	    "                        (default: a PTR whose name resolves back,\n"
	    "                        as reject_unknown_client_hostname) or ptr\n"
	    "                        (any PTR, as\n"
	    "                        reject_unknown_reverse_client_hostname)\n"
	    "  --reject-code CODE    450 (default: the sender may fix it and\n"
	    "                        retry) or 550\n"
	    "  --tempfail ACTION     on a temporary DNS failure in enforce mode:\n"
	    "                        defer_if_permit (default) or dunno (accept,\n"
	    "                        with iprev=temperror in the header)\n"
	    "  --exempt NET          a client network never judged (repeatable;\n"
	    "                        none by default, loopback included)\n"
	    "  --no-exempt-authenticated\n"
	    "                        judge clients with sasl_username too\n"
	    "  --authserv-id NAME    the Authentication-Results server name\n"
	    "                        (default: this host's name)\n"
	    "  --stats-listen SPEC   where the counters can be read as JSON\n"
	    "                        (one document per connection)\n"
	    "  --log FILE|-          decision log (default -, standard error)\n"
	    "  --syslog              log to syslog (facility mail) instead\n"
	    "  --socket-mode OCTAL   mode of unix sockets (default 0666)\n"
	    "  --max-connections N   Postfix connections at once (default 1000)\n"
	    "  --idle-timeout S      close a connection idle this long (600)\n"
	    "  --request-timeout S   close one stuck inside a request (30)\n"
	    "  --cache-entries N     DNS answers kept (default 65536; TTLs are\n"
	    "                        honoured, negative ones too)\n"
	    "  --sockets N           DNS client sockets (default 1; more spread\n"
	    "                        the queries over a resolver's threads)\n", out);
	cli_common_usage(out);
	fputs("  -h, --help            this help\n"
	    "\n"
	    "SIGUSR1 logs the counters, SIGHUP reopens the --log file (after\n"
	    "logrotate), SIGTERM and SIGINT stop the server.\n",
	    out);
}

static int
pd_parse_num(const char *opt, const char *arg, long min, long max, int base,
    long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, base);
	if (*arg == '\0' || *end != '\0' || errno != 0 || v < min ||
	    v > max) {
		fprintf(stderr, "mxdiag: bad %s \"%s\"\n", opt, arg);
		return -1;
	}
	*out = v;
	return 0;
}

static int
pd_check_listen(const char *opt, const char *spec)
{
	struct sockaddr_storage ss;
	char err[256];
	int sslen;

	if (pd_listen_addr(spec, &ss, &sslen, err, sizeof(err)) != 0) {
		fprintf(stderr, "mxdiag: %s: %s\n", opt, err);
		return -1;
	}
	return 0;
}

static void
pd_default_authserv(char *out, size_t outlen)
{
	char host[256];

	if (gethostname(host, sizeof(host)) == 0 &&
	    (host[sizeof(host) - 1] = '\0', smtp_hostname_valid(host)))
		snprintf(out, outlen, "%s", host);
	else
		snprintf(out, outlen, "localhost");
}

static int
pd_parse_args(int argc, char **argv, struct cli_common *c,
    struct pd_server_config *sc)
{
	static const struct option longopts[] = {
		CLI_COMMON_LONGOPTS,
		{ "listen",		required_argument, NULL, 'l' },
		{ "mode",		required_argument, NULL, 'm' },
		{ "require",		required_argument, NULL, 'q' },
		{ "reject-code",	required_argument, NULL, 'c' },
		{ "tempfail",		required_argument, NULL, 'T' },
		{ "exempt",		required_argument, NULL, 'x' },
		{ "no-exempt-authenticated", no_argument,  NULL, 'A' },
		{ "authserv-id",	required_argument, NULL, 'a' },
		{ "stats-listen",	required_argument, NULL, 's' },
		{ "log",		required_argument, NULL, 'L' },
		{ "syslog",		no_argument,	   NULL, 'S' },
		{ "socket-mode",	required_argument, NULL, 'M' },
		{ "max-connections",	required_argument, NULL, 'n' },
		{ "idle-timeout",	required_argument, NULL, 'i' },
		{ "request-timeout",	required_argument, NULL, 'R' },
		{ "cache-entries",	required_argument, NULL, 'C' },
		{ "sockets",		required_argument, NULL, 'k' },
		{ "help",		no_argument,	   NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct pd_config *p = &sc->policy;
	char err[256];
	long v;
	int opt;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "vh", longopts, NULL)) != -1) {
		switch (opt) {
		case 'l':
			if (sc->nlisten == PD_LISTEN_MAX) {
				fprintf(stderr, "mxdiag: at most %d --listen\n",
				    PD_LISTEN_MAX);
				return -1;
			}
			if (pd_check_listen("--listen", optarg) != 0)
				return -1;
			sc->listen[sc->nlisten++] = optarg;
			break;
		case 'm':
			if (strcmp(optarg, "observe") == 0)
				p->mode = PD_MODE_OBSERVE;
			else if (strcmp(optarg, "enforce") == 0)
				p->mode = PD_MODE_ENFORCE;
			else {
				fprintf(stderr, "mxdiag: bad --mode \"%s\" "
				    "(observe or enforce)\n", optarg);
				return -1;
			}
			break;
		case 'q':
			if (strcmp(optarg, "ptr") == 0)
				p->require = PD_REQUIRE_PTR;
			else if (strcmp(optarg, "iprev") == 0)
				p->require = PD_REQUIRE_IPREV;
			else {
				fprintf(stderr, "mxdiag: bad --require \"%s\" "
				    "(iprev or ptr)\n", optarg);
				return -1;
			}
			break;
		case 'c':
			if (strcmp(optarg, "450") != 0 &&
			    strcmp(optarg, "550") != 0) {
				fprintf(stderr, "mxdiag: bad --reject-code "
				    "\"%s\" (450 or 550)\n", optarg);
				return -1;
			}
			p->reject_code = atoi(optarg);
			break;
		case 'T':
			if (strcmp(optarg, "defer_if_permit") == 0)
				p->tempfail = PD_TEMPFAIL_DEFER;
			else if (strcmp(optarg, "dunno") == 0)
				p->tempfail = PD_TEMPFAIL_DUNNO;
			else {
				fprintf(stderr, "mxdiag: bad --tempfail \"%s\" "
				    "(defer_if_permit or dunno)\n", optarg);
				return -1;
			}
			break;
		case 'x':
			if (p->nexempt == PD_EXEMPT_MAX) {
				fprintf(stderr, "mxdiag: at most %d --exempt\n",
				    PD_EXEMPT_MAX);
				return -1;
			}
			if (pd_net_parse(optarg, &p->exempt[p->nexempt], err,
			    sizeof(err)) != 0) {
				fprintf(stderr, "mxdiag: --exempt: %s\n", err);
				return -1;
			}
			p->nexempt++;
			break;
		case 'A':
			p->exempt_sasl = false;
			break;
		case 'a':
			if (!smtp_hostname_valid(optarg) ||
			    strlen(optarg) >= sizeof(p->authserv_id)) {
				fprintf(stderr, "mxdiag: bad --authserv-id "
				    "\"%s\" (a host name)\n", optarg);
				return -1;
			}
			snprintf(p->authserv_id, sizeof(p->authserv_id), "%s",
			    optarg);
			break;
		case 's':
			if (pd_check_listen("--stats-listen", optarg) != 0)
				return -1;
			sc->stats_listen = optarg;
			break;
		case 'L':
			sc->log_path = optarg;
			break;
		case 'S':
			sc->syslog = true;
			break;
		case 'M':
			if (pd_parse_num("--socket-mode", optarg, 0, 0777, 8,
			    &v) != 0)
				return -1;
			sc->socket_mode = (int)v;
			break;
		case 'n':
			if (pd_parse_num("--max-connections", optarg, 1, 100000,
			    10, &v) != 0)
				return -1;
			sc->max_conns = (size_t)v;
			break;
		case 'i':
			if (pd_parse_num("--idle-timeout", optarg, 1, 86400, 10,
			    &v) != 0)
				return -1;
			sc->idle_timeout_ms = (int)v * 1000;
			break;
		case 'R':
			if (pd_parse_num("--request-timeout", optarg, 1, 3600,
			    10, &v) != 0)
				return -1;
			sc->request_timeout_ms = (int)v * 1000;
			break;
		case 'C':
			if (pd_parse_num("--cache-entries", optarg, 1, 10000000,
			    10, &v) != 0)
				return -1;
			sc->cache_entries = (size_t)v;
			break;
		case 'k':
			if (pd_parse_num("--sockets", optarg, 1, PD_SOCKETS_MAX,
			    10, &v) != 0)
				return -1;
			sc->dns_sockets = (size_t)v;
			break;
		case 'h':
			cmd_policyd_usage(stdout);
			exit(EXIT_PASS);
		default:
			switch (cli_common_option(c, opt, optarg)) {
			case 1:
				break;
			case 0:
				return -1;
			default:
				return -1;
			}
		}
	}
	if (optind < argc) {
		fprintf(stderr, "mxdiag: policyd takes no arguments (\"%s\")\n",
		    argv[optind]);
		return -1;
	}
	if (c->format != CLI_FORMAT_TEXT) {
		fprintf(stderr, "mxdiag: policyd has no --format: it answers "
		    "Postfix, and its counters are JSON (--stats-listen)\n");
		return -1;
	}
	if (sc->syslog && sc->log_path != NULL) {
		fprintf(stderr, "mxdiag: --log and --syslog exclude each "
		    "other\n");
		return -1;
	}
	return 0;
}

int
cmd_policyd(int argc, char **argv)
{
	struct cli_common c;
	struct pd_server_config sc;
	struct event_base *base;
	dns_resolver *res;
	char err[256];
	int rc;

	cli_common_init(&c);
	c.timeout_ms = PD_TIMEOUT_MS;
	memset(&sc, 0, sizeof(sc));
	pd_config_init(&sc.policy);
	pd_default_authserv(sc.policy.authserv_id,
	    sizeof(sc.policy.authserv_id));
	sc.socket_mode = 0666;
	sc.max_conns = 1000;
	sc.idle_timeout_ms = 600 * 1000;
	sc.request_timeout_ms = 30 * 1000;
	sc.cache_entries = 65536;
	if (pd_parse_args(argc, argv, &c, &sc) != 0) {
		fputs("Try `mxdiag policyd --help'.\n", stderr);
		return EXIT_USAGE;
	}
	if (sc.nlisten == 0)
		sc.listen[sc.nlisten++] = PD_DEFAULT_LISTEN;
	cli_common_finish(&c);
	c.dns.max_inflight = PD_INFLIGHT;
	c.dns.nsockets = sc.dns_sockets ? sc.dns_sockets : PD_SOCKETS;

	base = event_base_new();
	if (base == NULL) {
		fprintf(stderr, "mxdiag: cannot create the event loop\n");
		return EXIT_SOFTWARE;
	}
	res = dns_resolver_new(base, &c.dns, err, sizeof(err));
	if (res == NULL) {
		fprintf(stderr, "mxdiag: %s\n", err);
		event_base_free(base);
		return EXIT_SOFTWARE;
	}
	rc = pd_server_run(base, res, &sc) == 0 ? EXIT_PASS : EXIT_SOFTWARE;
	event_base_free(base);
	return rc;
}
