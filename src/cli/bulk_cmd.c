/* SPDX-License-Identifier: MIT */
/*
 * `mxdiag bulk`: options, the input and output files (with --resume's
 * reading of what an earlier run wrote), the DNS engine sized for a large
 * run, and the exit status. The run itself is src/bulk/run.c.
 */
#include <errno.h>
#include <event2/event.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bulk/bulk.h"
#include "bulk/input.h"
#include "bulk/seen.h"
#include "cli/cli.h"
#include "cli/common.h"
#include "dnsbl/list.h"
#include "util/util.h"

/* The engine's defaults for a bulk run: enough in flight to keep a fast
 * server busy (the window adapts below this), several sockets so that the
 * server's threads share the load, and a receive buffer that a burst of
 * answers does not overflow. */
#define BULK_INFLIGHT_DEFAULT	300
#define BULK_INFLIGHT_MAX	10000
#define BULK_SOCKETS_DEFAULT	4
#define BULK_RCVBUF		(4 << 20)
#define BULK_TIMEOUT_MS		5000
#define BULK_TRIES		4

struct bulk_opts {
	struct cli_common	 c;
	struct bulk_config	 cfg;
	const char		*input, *output;
	const char		*lists;		/* --lists FILE */
	const char		*summary;	/* --summary FILE */
	bool			 resume;
	bool			 no_progress;
	bool			 timeout_given;
	char			 ehlo[256];
};

/* The output stream's buffer; it must outlive the stream (stdout's
 * until exit). */
static char bulk_outbuf[1 << 18];

void
cmd_bulk_usage(FILE *out)
{
	fputs("usage: mxdiag bulk [OPTIONS]\n"
	    "\n"
	    "Checks every address of a list of targets, one per line: IPv4 or\n"
	    "IPv6 addresses, CIDR ranges (expanded), hostnames (every A/AAAA\n"
	    "address), or JSON objects {\"target\": ..., \"port\": ...,\n"
	    "\"expected_name\": ...}. Writes one JSON line per address (schema\n"
	    "mxdiag.bulk/1, in completion order) and a summary on stderr.\n"
	    "\n"
	    "Options:\n"
	    "  --checks LIST         ptr,iprev,banner,dnsbl (default ptr,iprev:\n"
	    "                        DNS only, and always done; banner adds the\n"
	    "                        SMTP greeting and EHLO, dnsbl blacklists)\n"
	    "  --input FILE|-        targets (default -, standard input)\n"
	    "  --output FILE|-       results (default -, standard output)\n"
	    "  --resume              skip targets already in --output FILE and\n"
	    "                        append to it\n"
	    "  --shard K/N           only the targets of shard K (0..N-1) of N\n"
	    "  --allow-huge          ranges larger than an IPv4 /8 or an IPv6\n"
	    "                        /104 (IPv6 below /96 is always refused)\n"
	    "  --resolver IP[:PORT]  DNS server to ask (repeatable)\n"
	    "  --timeout SECONDS     budget of each DNS query, retries\n"
	    "                        included (default 5), and of each SMTP\n"
	    "                        phase\n"
	    "  --max-inflight N      ceiling of DNS queries in flight; the\n"
	    "                        window adapts below it (default 300)\n"
	    "  --sockets N           DNS client sockets (default 4)\n"
	    "  --window N            addresses in flight (default 512)\n"
	    "  --concurrency N       SMTP connections at once (default 32)\n"
	    "  --per-destination N   ... to one /24 or /64 (default 2)\n"
	    "  --port PORT           SMTP port (default 25)\n"
	    "  --ehlo NAME           name to send in EHLO\n"
	    "  --lists FILE          blacklists for dnsbl (format of `mxdiag bl\n"
	    "                        --show-lists`; default the built-in set)\n"
	    "  -4, -6                only IPv4 / IPv6 addresses of hostnames\n"
	    "  --summary FILE        the summary as JSON too (counts per\n"
	    "                        verdict, iprev, finding code; the DNS\n"
	    "                        engine's; the exit status)\n"
	    "  --detail              every finding in full (default: findings\n"
	    "                        that pass carry code, status and title)\n"
	    "  --no-progress         no progress line (it is shown only on a\n"
	    "                        terminal anyway)\n"
	    "  -h, --help            this help\n"
	    "\n"
	    "Exit status: 0 all passed, 1 problems found (or input lines that\n"
	    "are no target), 2 some checks could not be completed or the run\n"
	    "was interrupted, 64 usage error.\n", out);
}

static int
bulk_parse_count(const char *opt, const char *arg, size_t min, size_t max,
    size_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(arg, &end, 10);
	if (*arg < '0' || *arg > '9' || *end != '\0' || errno != 0 ||
	    v < min || v > max) {
		fprintf(stderr, "mxdiag: bad %s \"%s\" (%zu-%zu)\n", opt, arg,
		    min, max);
		return -1;
	}
	*out = (size_t)v;
	return 0;
}

static int
bulk_parse_args(int argc, char **argv, struct bulk_opts *o)
{
	static const struct option longopts[] = {
		{ "resolver",	     required_argument, NULL, 'r' },
		{ "timeout",	     required_argument, NULL, 't' },
		{ "checks",	     required_argument, NULL, 'c' },
		{ "input",	     required_argument, NULL, 'i' },
		{ "output",	     required_argument, NULL, 'o' },
		{ "resume",	     no_argument,	NULL, 'R' },
		{ "shard",	     required_argument, NULL, 's' },
		{ "allow-huge",	     no_argument,	NULL, 'H' },
		{ "max-inflight",    required_argument, NULL, 'm' },
		{ "sockets",	     required_argument, NULL, 'k' },
		{ "window",	     required_argument, NULL, 'w' },
		{ "concurrency",     required_argument, NULL, 'C' },
		{ "per-destination", required_argument, NULL, 'd' },
		{ "port",	     required_argument, NULL, 'p' },
		{ "ehlo",	     required_argument, NULL, 'e' },
		{ "no-progress",     no_argument,	NULL, 'P' },
		{ "lists",	     required_argument, NULL, 'L' },
		{ "detail",	     no_argument,	NULL, 'D' },
		{ "summary",	     required_argument, NULL, 'U' },
		{ "help",	     no_argument,	NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char err[256];
	size_t n;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "46h", longopts, NULL)) != -1) {
		switch (c) {
		case 'r':
			if (cli_common_option(&o->c, c, optarg) < 0)
				return -1;
			break;
		case 't':
			if (cli_common_option(&o->c, c, optarg) < 0)
				return -1;
			o->timeout_given = true;
			break;
		case 'c':
			if (bulk_checks_parse(optarg, &o->cfg.checks, err,
			    sizeof(err)) != 0) {
				fprintf(stderr, "mxdiag: --checks: %s\n", err);
				return -1;
			}
			break;
		case 'i':
			o->input = optarg;
			break;
		case 'o':
			o->output = optarg;
			break;
		case 'R':
			o->resume = true;
			break;
		case 's':
			if (bulk_shard_parse(optarg, &o->cfg.shard_k,
			    &o->cfg.shard_n, err, sizeof(err)) != 0) {
				fprintf(stderr, "mxdiag: --shard: %s\n", err);
				return -1;
			}
			break;
		case 'H':
			o->cfg.allow_huge = true;
			break;
		case 'm':
			if (bulk_parse_count("--max-inflight", optarg, 1,
			    BULK_INFLIGHT_MAX, &o->c.dns.max_inflight) != 0)
				return -1;
			break;
		case 'k':
			if (bulk_parse_count("--sockets", optarg, 1,
			    DNS_SOCKETS_MAX, &o->c.dns.nsockets) != 0)
				return -1;
			break;
		case 'w':
			if (bulk_parse_count("--window", optarg, 1,
			    BULK_WINDOW_MAX, &o->cfg.window) != 0)
				return -1;
			break;
		case 'C':
			if (bulk_parse_count("--concurrency", optarg, 1, 1024,
			    &o->cfg.smtp_max) != 0)
				return -1;
			break;
		case 'd':
			if (bulk_parse_count("--per-destination", optarg, 1,
			    1024, &n) != 0)
				return -1;
			o->cfg.per_dest = n;
			break;
		case 'p':
			if (cli_parse_port(optarg, &o->cfg.port) != 0)
				return -1;
			break;
		case 'e':
			if (cli_parse_ehlo(optarg, o->ehlo,
			    sizeof(o->ehlo)) != 0)
				return -1;
			break;
		case '4':
			o->cfg.family = AF_INET;
			break;
		case '6':
			o->cfg.family = AF_INET6;
			break;
		case 'P':
			o->no_progress = true;
			break;
		case 'L':
			o->lists = optarg;
			break;
		case 'D':
			o->cfg.detail = true;
			break;
		case 'U':
			o->summary = optarg;
			break;
		case 'h':
			cmd_bulk_usage(stdout);
			exit(EXIT_PASS);
		default:
			return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "mxdiag: bulk reads its targets from --input, "
		    "not from arguments (\"%s\")\n", argv[optind]);
		return -1;
	}
	if (o->resume && (o->output == NULL || strcmp(o->output, "-") == 0)) {
		fprintf(stderr, "mxdiag: --resume needs --output FILE\n");
		return -1;
	}
	return 0;
}

/*
 * --resume: read the keys of the results already in path, cut off a last
 * line that an interrupted run left half written, and open the file for
 * appending. Returns the stream, or NULL with the message printed.
 */
static FILE *
bulk_open_resume(const char *path, struct bulk_seen *seen)
{
	char err[256];
	size_t nlines = 0;
	off_t good_end = 0;
	FILE *f;
	int fd;

	fd = open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (fd < 0 || (f = fdopen(fd, "a+")) == NULL) {
		fprintf(stderr, "mxdiag: %s: %s\n", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	if (bulk_seen_load(seen, f, &nlines, &good_end, err,
	    sizeof(err)) != 0) {
		fprintf(stderr, "mxdiag: %s: %s\n", path, err);
		fclose(f);
		return NULL;
	}
	if (ftruncate(fd, good_end) != 0 || fseeko(f, 0, SEEK_END) != 0) {
		fprintf(stderr, "mxdiag: %s: %s\n", path, strerror(errno));
		fclose(f);
		return NULL;
	}
	fprintf(stderr, "mxdiag: resuming: %zu target%s already in %s\n",
	    bulk_seen_count(seen), bulk_seen_count(seen) == 1 ? "" : "s",
	    path);
	return f;
}

static int
bulk_exit_status(const struct bulk_stats *st)
{
	/* A problem on any line wins over a temporary failure on any. */
	if (st->tally.problems || st->input_errors)
		return EXIT_PROBLEMS;
	if (st->tally.temporary || st->interrupted)
		return EXIT_UNCHECKED;
	return EXIT_PASS;
}

int
cmd_bulk(int argc, char **argv)
{
	struct bulk_opts o;
	struct bulk_stats *st = NULL;
	struct bulk_seen *seen = NULL;
	struct dnsbl_set bl = { 0 };
	struct cli_loop loop;
	FILE *in = stdin, *out = stdout;
	struct stat sb;
	char err[256];
	int rc;

	memset(&o, 0, sizeof(o));
	cli_common_init(&o.c);
	o.cfg.checks = BULK_CHECKS_DEFAULT;
	o.cfg.window = BULK_WINDOW_DEFAULT;
	o.cfg.smtp_max = BULK_SMTP_DEFAULT;
	o.cfg.per_dest = BULK_PER_DEST_DEFAULT;
	o.cfg.port = 25;
	o.cfg.family = AF_UNSPEC;
	o.c.dns.max_inflight = BULK_INFLIGHT_DEFAULT;
	o.c.dns.nsockets = BULK_SOCKETS_DEFAULT;
	cli_default_ehlo(o.ehlo, sizeof(o.ehlo));
	if (bulk_parse_args(argc, argv, &o) != 0) {
		cmd_bulk_usage(stderr);
		return EXIT_USAGE;
	}
	if (!o.timeout_given)
		o.c.timeout_ms = BULK_TIMEOUT_MS;
	{
		/* cli_common_finish sets the engine for one-off checks;
		 * keep what bulk chose. */
		size_t inflight = o.c.dns.max_inflight;
		size_t socks = o.c.dns.nsockets;

		cli_common_finish(&o.c);
		o.c.dns.max_inflight = inflight;
		o.c.dns.nsockets = socks;
		o.c.dns.rcvbuf = BULK_RCVBUF;
		/* Four tries: a lost packet is asked again after a seventh
		 * of a second per second of budget, not after a third. */
		o.c.dns.tries = BULK_TRIES;
	}
	o.cfg.id.no_rzone = true;
	o.cfg.id.smtp.ehlo_name = o.ehlo;
	o.cfg.id.smtp.connect_timeout_ms = o.c.timeout_ms;
	o.cfg.id.smtp.greeting_timeout_ms = o.c.timeout_ms;
	o.cfg.id.smtp.command_timeout_ms = o.c.timeout_ms;
	if (o.cfg.checks & BULK_CHECK_BANNER && o.cfg.window > 4 * o.cfg.smtp_max)
		o.cfg.window = 4 * o.cfg.smtp_max;

	if (o.lists != NULL && !(o.cfg.checks & BULK_CHECK_DNSBL)) {
		fprintf(stderr, "mxdiag: --lists needs --checks ...,dnsbl\n");
		return EXIT_USAGE;
	}
	if (o.cfg.checks & BULK_CHECK_DNSBL) {
		if (o.lists == NULL)
			dnsbl_set_defaults(&bl);
		else if (dnsbl_set_load(&bl, o.lists, err, sizeof(err)) != 0) {
			fprintf(stderr, "mxdiag: %s: %s\n", o.lists, err);
			return EXIT_USAGE;
		}
		o.cfg.dnsbl = &bl;
	}
	if (o.input != NULL && strcmp(o.input, "-") != 0 &&
	    (in = fopen(o.input, "r")) == NULL) {
		fprintf(stderr, "mxdiag: %s: %s\n", o.input, strerror(errno));
		rc = EXIT_USAGE;
		goto done;
	}
	if (fstat(fileno(in), &sb) == 0 && S_ISREG(sb.st_mode))
		o.cfg.input_size = (long long)sb.st_size;
	if (o.resume) {
		seen = bulk_seen_new();
		if ((out = bulk_open_resume(o.output, seen)) == NULL) {
			rc = EXIT_USAGE;
			goto done;
		}
		o.cfg.seen = seen;
	} else if (o.output != NULL && strcmp(o.output, "-") != 0 &&
	    (out = fopen(o.output, "w")) == NULL) {
		fprintf(stderr, "mxdiag: %s: %s\n", o.output, strerror(errno));
		rc = EXIT_USAGE;
		goto done;
	}
	/* glibc takes setvbuf's size only with a buffer: given NULL it
	 * keeps st_blksize (4 KiB), one write(2) per four result lines. */
	setvbuf(out, bulk_outbuf, _IOFBF, sizeof(bulk_outbuf));
	o.cfg.progress = !o.no_progress && isatty(STDERR_FILENO);

	if ((rc = cli_loop_open(&loop, &o.c)) != 0)
		goto done;
	st = xcalloc(1, sizeof(*st));
	if (bulk_run(loop.base, loop.res, &loop.lookup, &o.cfg, in, out,
	    st) != 0)
		rc = EXIT_SOFTWARE;
	else
		rc = bulk_exit_status(st);
	bulk_stats_print(stderr, st);
	if (o.summary != NULL) {
		json_t *js = bulk_stats_json(st, rc);

		if (json_dump_file(js, o.summary, JSON_INDENT(2)) != 0) {
			fprintf(stderr, "mxdiag: cannot write %s\n", o.summary);
			rc = EXIT_SOFTWARE;
		}
		json_decref(js);
	}
	cli_loop_close(&loop);
done:
	if (in != NULL && in != stdin)
		fclose(in);
	if (out != NULL && out != stdout && fclose(out) != 0) {
		fprintf(stderr, "mxdiag: %s: %s\n", o.output, strerror(errno));
		rc = EXIT_SOFTWARE;
	}
	free(st);
	bulk_seen_free(seen);
	dnsbl_set_clear(&bl);
	return rc;
}
