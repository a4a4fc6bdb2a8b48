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
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
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
 * server busy (the window adapts below this; 300 overflowed the 208 KiB
 * receive buffer of Knot's sockets in 3 of 4 runs of bench/bulk, each
 * loss a retry 0.33 s later, and 200 is as fast), several sockets so that
 * the server's threads share the load, and a receive buffer that a burst
 * of answers does not overflow. */
#define BULK_INFLIGHT_DEFAULT	200
#define BULK_INFLIGHT_MAX	10000
#define BULK_SOCKETS_DEFAULT	4
#define BULK_RCVBUF		(4 << 20)
#define BULK_TIMEOUT_MS		5000
#define BULK_TRIES		4
/* Parts of a parallel run (--jobs), at most. */
#define BULK_JOBS_MAX		16

struct bulk_opts {
	struct cli_common	 c;
	struct bulk_config	 cfg;
	const char		*input, *output;
	const char		*lists;		/* --lists FILE */
	const char		*summary;	/* --summary FILE */
	bool			 resume;
	bool			 no_progress;
	bool			 timeout_given;
	size_t			 jobs;		/* --jobs; 0: as many as CPUs */
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
	    "                        window adapts below it (default 200)\n"
	    "  --sockets N           DNS client sockets (default 4)\n"
	    "  --window N            addresses in flight (default 512)\n"
	    "  --jobs N              threads, each with its share of the\n"
	    "                        addresses and of the three limits above\n"
	    "                        (default: one per CPU, at most 16, when\n"
	    "                        --input is a file and banner is not\n"
	    "                        checked; else 1)\n"
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
		{ "jobs",	     required_argument, NULL, 'j' },
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
		case 'j':
			if (bulk_parse_count("--jobs", optarg, 1, BULK_JOBS_MAX,
			    &o->jobs) != 0)
				return -1;
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

/* ---- a run in parts (--jobs) ---- */

struct bulk_part {
	pthread_t		 tid;
	struct cli_common	 c;	/* the part's share of the engine */
	struct bulk_config	 cfg;	/* with part_k */
	FILE			*in, *out;
	struct bulk_stats	*st;
	int			 rc;	/* 0, -1 write error, EXIT_SOFTWARE */
	atomic_uint		*finished;
	pthread_t		 main;	/* told with SIGUSR1 when done */
};

static void *
bulk_part_main(void *arg)
{
	struct bulk_part *p = arg;
	struct cli_loop loop;

	if ((p->rc = cli_loop_open(&loop, &p->c)) == 0) {
		p->rc = bulk_run(loop.base, loop.res, &loop.lookup, &p->cfg,
		    p->in, p->out, p->st);
		cli_loop_close(&loop);
	}
	identity_pool_drain();
	atomic_fetch_add(p->finished, 1);
	/* Wake the main thread now, not at its next tick. */
	pthread_kill(p->main, SIGUSR1);
	return NULL;
}

/* A share of a limit: at least 1, and together at least the whole. */
static size_t
bulk_share(size_t whole, size_t jobs)
{
	size_t n = (whole + jobs - 1) / jobs;

	return n > 0 ? n : 1;
}

/*
 * Run the parts in threads, each with its own event loop, DNS engine and
 * input stream, while this thread takes SIGINT and SIGTERM (blocked in
 * the parts, which it asks to stop through the group's flag) and draws
 * the progress line. A part that ends wakes it with SIGUSR1. The parts' counts are merged into *st. Returns 0,
 * -1 when the output could not be written, or EXIT_SOFTWARE.
 */
static int
bulk_run_parts(const struct bulk_opts *o, size_t jobs, FILE *in, FILE *out,
    struct bulk_stats *st)
{
	struct bulk_part *parts = xcalloc(jobs, sizeof(*parts));
	struct bulk_group g;
	atomic_uint finished = 0;
	sigset_t sigs, old;
	long long started = util_now_ms(), drawn = started, stop_ms = 0;
	size_t started_parts = 0;
	int rc = 0;

	memset(&g, 0, sizeof(g));
	pthread_mutex_init(&g.lock, NULL);
	atomic_init(&g.stop, false);
	g.parts = xcalloc(jobs, sizeof(*g.parts));
	for (size_t k = 0; k < jobs; k++) {
		struct bulk_part *p = &parts[k];

		p->c = o->c;
		p->c.dns.max_inflight = bulk_share(o->c.dns.max_inflight, jobs);
		p->c.dns.nsockets = bulk_share(o->c.dns.nsockets, jobs);
		p->cfg = o->cfg;
		p->cfg.window = bulk_share(o->cfg.window, jobs);
		p->cfg.part_k = (unsigned)k;
		p->cfg.part_n = (unsigned)jobs;
		p->cfg.group = &g;
		p->cfg.progress = false;
		p->out = out;
		p->st = xcalloc(1, sizeof(*p->st));
		p->finished = &finished;
		p->main = pthread_self();
		if (k == 0) {
			p->in = in;
		} else if ((p->in = fopen(o->input, "r")) == NULL) {
			fprintf(stderr, "mxdiag: %s: %s\n", o->input,
			    strerror(errno));
			rc = EXIT_SOFTWARE;
			goto out;
		}
	}

	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGUSR1);	/* a part has ended */
	pthread_sigmask(SIG_BLOCK, &sigs, &old);
	for (; started_parts < jobs; started_parts++) {
		struct bulk_part *p = &parts[started_parts];

		if (pthread_create(&p->tid, NULL, bulk_part_main, p) != 0) {
			fprintf(stderr, "mxdiag: cannot start a thread\n");
			atomic_store(&g.stop, true);
			rc = EXIT_SOFTWARE;
			break;
		}
	}
	while (atomic_load(&finished) < started_parts) {
		struct timespec ts = { 0, 200 * 1000 * 1000 };
		int sig = sigtimedwait(&sigs, NULL, &ts);
		long long now = util_now_ms();

		if (sig == SIGINT || sig == SIGTERM) {
			if (stop_ms == 0) {
				stop_ms = now;
				fputs("\nmxdiag: stopping: finishing the addresses "
				    "in flight (again to quit now)\n", stderr);
				atomic_store(&g.stop, true);
			} else if (now - stop_ms >= 1000) {
				/* Again, and not the same keypress seen
				 * twice: the user means it. */
				signal(sig, SIG_DFL);
				pthread_sigmask(SIG_SETMASK, &old, NULL);
				raise(sig);
			}
		}
		if (o->cfg.progress && now - drawn >= 1000) {
			bulk_group_progress(&g, (unsigned)jobs,
			    o->cfg.input_size, started, false);
			drawn = now;
		}
	}
	for (size_t k = 0; k < started_parts; k++)
		pthread_join(parts[k].tid, NULL);
	{
		/* The parts' wake-ups still pending would kill the process
		 * once unblocked (SIGUSR1's default). */
		struct timespec zero = { 0, 0 };
		sigset_t usr1;

		sigemptyset(&usr1);
		sigaddset(&usr1, SIGUSR1);
		while (sigtimedwait(&usr1, NULL, &zero) == SIGUSR1)
			;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (o->cfg.progress)
		bulk_group_progress(&g, (unsigned)jobs, o->cfg.input_size,
		    started, true);
	for (size_t k = 0; k < started_parts; k++) {
		bulk_stats_merge(st, parts[k].st, k == 0);
		if (parts[k].rc == EXIT_SOFTWARE)
			rc = EXIT_SOFTWARE;
		else if (parts[k].rc != 0 && rc == 0)
			rc = -1;
	}
out:
	for (size_t k = 0; k < jobs; k++) {
		if (k > 0 && parts[k].in != NULL)
			fclose(parts[k].in);
		free(parts[k].st);
	}
	free(parts);
	free(g.parts);
	pthread_mutex_destroy(&g.lock);
	return rc;
}

/* --jobs, or as many as CPUs when the input can be read once per part
 * and no SMTP limit would be split. */
static size_t
bulk_jobs(const struct bulk_opts *o, bool input_is_file)
{
	long cpus;

	if (o->jobs > 0)
		return o->jobs;
	if (!input_is_file || (o->cfg.checks & BULK_CHECK_BANNER))
		return 1;
	cpus = sysconf(_SC_NPROCESSORS_ONLN);
	if (cpus < 1)
		return 1;
	return cpus > BULK_JOBS_MAX ? BULK_JOBS_MAX : (size_t)cpus;
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
	size_t jobs;
	bool input_is_file;
	int rc;

	memset(&o, 0, sizeof(o));
	memset(&loop, 0, sizeof(loop));
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
	input_is_file = in != stdin && o.cfg.input_size > 0;
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

	jobs = bulk_jobs(&o, input_is_file);
	if (jobs > 1 && (!input_is_file ||
	    (o.cfg.checks & BULK_CHECK_BANNER))) {
		/* Only when asked for: the default is 1 in these cases. */
		fprintf(stderr, "mxdiag: --jobs needs --input FILE (each "
		    "thread reads it) and no banner check (whose limits are "
		    "per run)\n");
		rc = EXIT_USAGE;
		goto done;
	}
	st = xcalloc(1, sizeof(*st));
	if (jobs > 1) {
		rc = bulk_run_parts(&o, jobs, in, out, st);
		if (rc == -1)
			rc = EXIT_SOFTWARE;
		else if (rc == 0)
			rc = bulk_exit_status(st);
	} else {
		if ((rc = cli_loop_open(&loop, &o.c)) != 0)
			goto done;
		if (bulk_run(loop.base, loop.res, &loop.lookup, &o.cfg, in,
		    out, st) != 0)
			rc = EXIT_SOFTWARE;
		else
			rc = bulk_exit_status(st);
	}
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
