/* SPDX-License-Identifier: MIT */
/*
 * pdload: a load generator for Postfix policy servers (`mxdiag policyd`).
 * Each connection behaves like one smtpd process of Postfix: it writes one
 * whole request (31 attributes, about 600 bytes, as Postfix 3.7 sends them
 * in the RCPT state), waits for the whole "action=...\n\n" reply, then
 * writes the next. The client addresses come from a file and are used in
 * order, each connection taking the next one when it is ready; instance=
 * is unique per request, so a server's same-message shortcut never applies.
 *
 * Loopback use only; bounded by --requests and --duration, whichever ends
 * first, and by --timeout for any single reply. A connection closed by the
 * server, a reply that is not "action=TEXT\n\n" or one later than
 * --timeout counts as an error, and the connection is opened again.
 *
 * One line on standard output, key=value:
 *   requests=N seconds=S rps=R p50_ms= p99_ms= max_ms= errors=N
 *   prepend= reject= defer_if_permit= dunno= other= warmup=N
 *   warmup_errors=N
 * requests counts measured replies (after the warmup); reject counts
 * REJECT and numeric 4XX/5XX actions. Exit 0 when it ran (errors or not),
 * 2 on a usage error, 1 when it could not start.
 *
 *   pdload --connect 127.0.0.63:10040 --clients FILE [--connections 16]
 *       [--requests 100000] [--duration 20] [--warmup 0] [--timeout 10]
 *
 * FILE: one client per line, "ADDRESS [HELO]"; without a HELO name the
 * request's helo_name is empty (no HELO lookup). Lines starting with '#'
 * and empty lines are skipped.
 *
 * Cheap on purpose (it shares the machine with the server): poll(2), one
 * write and usually one read per request, requests assembled with memcpy
 * into each connection's buffer, no allocation after start-up, latencies
 * kept in one array and sorted at the end.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define CONNS_MAX	1024
#define REQ_BUF		2048
#define REPLY_BUF	4096
#define ADDR_MAX	64
#define HELO_MAX	256
#define RECONNECT_MS	100

/* The request around the client's own fields, as Postfix 3.7 orders them. */
static const char req_head[] =
    "request=smtpd_access_policy\n"
    "protocol_state=RCPT\n"
    "protocol_name=ESMTP\n";
/* client_address=ADDR then: */
static const char req_mid1[] =
    "client_name=unknown\n"
    "reverse_client_name=unknown\n"
    "client_port=48152\n"
    "server_address=127.0.0.1\n"
    "server_port=25\n";
/* helo_name=HELO then: */
static const char req_mid2[] =
    "sender=bounce-4821-alice=example.org@lists.example.com\n"
    "recipient=postmaster@example.net\n"
    "recipient_count=0\n"
    "queue_id=4VxK2M3HqCz9Qb\n";
/* instance=UNIQUE then: */
static const char req_tail[] =
    "size=18342\n"
    "etrn_domain=\n"
    "stress=\n"
    "sasl_method=\n"
    "sasl_username=\n"
    "sasl_sender=\n"
    "ccert_subject=\n"
    "ccert_issuer=\n"
    "ccert_fingerprint=\n"
    "ccert_pubkey_fingerprint=\n"
    "encryption_protocol=TLSv1.3\n"
    "encryption_cipher=TLS_AES_256_GCM_SHA384\n"
    "encryption_keysize=256\n"
    "policy_context=\n"
    "compatibility_level=3.6\n"
    "mail_version=3.7.11\n"
    "\n";

struct client {
	const char	*addr, *helo;
	size_t		 addrlen, helolen;
};

enum act { ACT_PREPEND, ACT_REJECT, ACT_DEFER, ACT_DUNNO, ACT_OTHER, NACT };

struct conn {
	int		 fd;
	bool		 busy;		/* a request written, reply awaited */
	bool		 measured;	/* that request counts */
	long long	 t0_ns;
	long long	 retry_ns;	/* closed: reopen not before */
	size_t		 reqlen, sent;
	size_t		 got;
	char		 req[REQ_BUF];
	char		 reply[REPLY_BUF];
};

static struct sockaddr_in target;
static struct client *clients;
static size_t nclients;
static struct conn *conns;
static size_t nconns = 16;
static unsigned long long seq;		/* requests issued (all phases) */
static unsigned long long issued;	/* in this phase */
static unsigned long long done_ok;	/* replies in this phase */
static unsigned long long errors;	/* in this phase */
static unsigned long long acts[NACT];
static float *lat_us;
static size_t nlat, lat_cap;
static unsigned long timeout_ms = 10000;

static long long
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void
usage(FILE *out)
{
	fputs("usage: pdload --connect HOST:PORT --clients FILE\n"
	    "    [--connections N (16)] [--requests N (100000)]\n"
	    "    [--duration S (20)] [--warmup N (0)] [--timeout S (10)]\n",
	    out);
}

static int
parse_target(const char *s)
{
	char host[64];
	const char *colon = strrchr(s, ':');
	char *end;
	long port;

	if (colon == NULL || (size_t)(colon - s) >= sizeof(host))
		return -1;
	memcpy(host, s, (size_t)(colon - s));
	host[colon - s] = '\0';
	port = strtol(colon + 1, &end, 10);
	if (*end != '\0' || port <= 0 || port > 65535)
		return -1;
	memset(&target, 0, sizeof(target));
	target.sin_family = AF_INET;
	target.sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, host, &target.sin_addr) != 1)
		return -1;
	/* Loopback only: this tool floods whatever it is pointed at. */
	if ((ntohl(target.sin_addr.s_addr) >> 24) != 127)
		return -1;
	return 0;
}

static bool
parse_count(const char *s, unsigned long long min, unsigned long long max,
    unsigned long long *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < min || v > max ||
	    s[0] == '-')
		return false;
	*out = v;
	return true;
}

/* Reads FILE whole and points the clients into it (never freed). */
static int
load_clients(const char *path)
{
	FILE *f = fopen(path, "r");
	struct stat sb;
	char *buf, *p, *end;
	size_t cap = 0;

	if (f == NULL || fstat(fileno(f), &sb) != 0) {
		fprintf(stderr, "pdload: %s: %s\n", path, strerror(errno));
		if (f)
			fclose(f);
		return -1;
	}
	buf = malloc((size_t)sb.st_size + 1);
	if (buf == NULL ||
	    fread(buf, 1, (size_t)sb.st_size, f) != (size_t)sb.st_size) {
		fprintf(stderr, "pdload: %s: cannot read\n", path);
		fclose(f);
		return -1;
	}
	fclose(f);
	buf[sb.st_size] = '\0';
	end = buf + sb.st_size;
	for (p = buf; p < end;) {
		char *nl = memchr(p, '\n', (size_t)(end - p)), *sp;
		struct client *c;

		if (nl == NULL)
			nl = end;
		*nl = '\0';
		if (nl > p && nl[-1] == '\r')
			nl[-1] = '\0';
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0' || *p == '#') {
			p = nl + 1;
			continue;
		}
		if (nclients == cap) {
			cap = cap ? cap * 2 : 1024;
			clients = realloc(clients, cap * sizeof(*clients));
			if (clients == NULL) {
				fprintf(stderr, "pdload: out of memory\n");
				return -1;
			}
		}
		c = &clients[nclients];
		c->addr = p;
		sp = strpbrk(p, " \t");
		c->helo = "";
		if (sp != NULL) {
			*sp++ = '\0';
			while (*sp == ' ' || *sp == '\t')
				sp++;
			c->helo = sp;
			sp = strpbrk(sp, " \t");
			if (sp != NULL)
				*sp = '\0';
		}
		c->addrlen = strlen(c->addr);
		c->helolen = strlen(c->helo);
		if (c->addrlen == 0 || c->addrlen >= ADDR_MAX ||
		    c->helolen >= HELO_MAX) {
			fprintf(stderr, "pdload: %s: bad line \"%.80s\"\n",
			    path, c->addr);
			return -1;
		}
		nclients++;
		p = nl + 1;
	}
	if (nclients == 0) {
		fprintf(stderr, "pdload: %s: no clients\n", path);
		return -1;
	}
	return 0;
}

#define PUT(dst, lit)	(memcpy((dst), (lit), sizeof(lit) - 1), \
			    (dst) += sizeof(lit) - 1)

/* The next request into c->req. */
static void
build_request(struct conn *c)
{
	const struct client *cl = &clients[seq % nclients];
	char *p = c->req;
	int n;

	PUT(p, req_head);
	PUT(p, "client_address=");
	memcpy(p, cl->addr, cl->addrlen);
	p += cl->addrlen;
	*p++ = '\n';
	PUT(p, req_mid1);
	PUT(p, "helo_name=");
	memcpy(p, cl->helo, cl->helolen);
	p += cl->helolen;
	*p++ = '\n';
	PUT(p, req_mid2);
	/* As Postfix spells it: hex fields, unique per message. */
	n = snprintf(p, 64, "instance=%x.%llx.%x.0\n", (unsigned)getpid() &
	    0xffff, seq, (unsigned)(c - conns));
	p += n;
	PUT(p, req_tail);
	c->reqlen = (size_t)(p - c->req);
	c->sent = 0;
	seq++;
}

static void
conn_close(struct conn *c, long long now)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	c->busy = false;
	c->got = 0;
	c->retry_ns = now + RECONNECT_MS * 1000000LL;
}

/* A failure: the request (if any) is lost, the connection reopened. */
static void
conn_error(struct conn *c, long long now, const char *why)
{
	static unsigned long said;

	errors++;
	if (said++ < 5)
		fprintf(stderr, "pdload: connection %zu: %s\n",
		    (size_t)(c - conns), why);
	conn_close(c, now);
}

static int
conn_open(struct conn *c)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	/* Blocking connect: on loopback it is answered at once. */
	if (connect(fd, (struct sockaddr *)&target, sizeof(target)) != 0) {
		close(fd);
		return -1;
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	c->fd = fd;
	c->busy = false;
	c->got = 0;
	return 0;
}

static void
conn_send(struct conn *c, long long now)
{
	ssize_t n = send(c->fd, c->req + c->sent, c->reqlen - c->sent,
	    MSG_NOSIGNAL);

	if (n < 0) {
		if (errno != EAGAIN && errno != EINTR)
			conn_error(c, now, strerror(errno));
		return;
	}
	c->sent += (size_t)n;
}

static enum act
classify(const char *a, size_t len)
{
#define IS(lit)	(len >= sizeof(lit) - 1 && memcmp(a, lit, sizeof(lit) - 1) == 0 \
		    && (len == sizeof(lit) - 1 || a[sizeof(lit) - 1] == ' '))
	if (IS("PREPEND"))
		return ACT_PREPEND;
	if (IS("DUNNO"))
		return ACT_DUNNO;
	if (IS("DEFER_IF_PERMIT"))
		return ACT_DEFER;
	if (IS("REJECT"))
		return ACT_REJECT;
	if (len >= 3 && (a[0] == '4' || a[0] == '5') &&
	    a[1] >= '0' && a[1] <= '9' && a[2] >= '0' && a[2] <= '9')
		return ACT_REJECT;
	return ACT_OTHER;
#undef IS
}

static void
conn_recv(struct conn *c, long long now)
{
	ssize_t n = recv(c->fd, c->reply + c->got, sizeof(c->reply) - c->got,
	    0);
	const char *nl;

	if (n == 0) {
		conn_error(c, now, c->busy ? "closed by the server before "
		    "the reply" : "closed by the server");
		return;
	}
	if (n < 0) {
		if (errno != EAGAIN && errno != EINTR)
			conn_error(c, now, strerror(errno));
		return;
	}
	if (!c->busy) {
		conn_error(c, now, "bytes while no request was pending");
		return;
	}
	c->got += (size_t)n;
	/* The reply is one "action=..." line and an empty line. */
	nl = memchr(c->reply, '\n', c->got);
	if (nl == NULL) {
		if (c->got == sizeof(c->reply))
			conn_error(c, now, "reply line too long");
		return;
	}
	if ((size_t)(nl - c->reply) + 2 > c->got) {
		/* the empty line is still to come */
		if (c->got == sizeof(c->reply))
			conn_error(c, now, "reply too long");
		return;
	}
	if (nl[1] != '\n' || (size_t)(nl - c->reply) + 2 != c->got ||
	    c->got < 8 || memcmp(c->reply, "action=", 7) != 0) {
		conn_error(c, now, "malformed reply");
		return;
	}
	if (c->measured) {
		acts[classify(c->reply + 7, (size_t)(nl - c->reply) - 7)]++;
		if (nlat < lat_cap)
			lat_us[nlat++] = (float)(now - c->t0_ns) / 1000.0f;
	}
	done_ok++;
	c->busy = false;
	c->got = 0;
}

/*
 * One phase: total requests over the connections, measured or not, until
 * all are answered or deadline_ns (then the ones outstanding are waited
 * for up to --timeout and counted as errors after it). Returns the phase's
 * wall time in ns, from the first request to the last reply.
 */
static long long
run_phase(unsigned long long total, long long deadline_ns, bool measured)
{
	struct pollfd pfd[CONNS_MAX];
	size_t map[CONNS_MAX];
	long long start = now_ns(), now = start, last = start;
	long long tmo = (long long)timeout_ms * 1000000LL;

	issued = done_ok = errors = 0;
	for (;;) {
		size_t np = 0, busy = 0;
		bool more = issued < total && now < deadline_ns;
		int wait_ms = 100, rc;

		for (size_t i = 0; i < nconns; i++) {
			struct conn *c = &conns[i];

			if (c->fd < 0) {
				if (!more || now < c->retry_ns)
					continue;
				if (conn_open(c) != 0) {
					conn_error(c, now, "cannot connect");
					continue;
				}
			}
			if (c->busy && now - c->t0_ns > tmo) {
				conn_error(c, now, "no reply within the "
				    "timeout");
				continue;
			}
			if (!c->busy && more) {
				build_request(c);
				c->busy = true;
				c->measured = measured;
				c->t0_ns = now_ns();
				issued++;
				more = issued < total;
				conn_send(c, now);
				if (c->fd < 0)
					continue;
			}
			if (c->busy)
				busy++;
			pfd[np].fd = c->fd;
			pfd[np].events = POLLIN |
			    (c->busy && c->sent < c->reqlen ? POLLOUT : 0);
			pfd[np].revents = 0;
			map[np++] = i;
		}
		if (busy == 0 && !more)
			break;
		if (busy == 0 && np == 0) {
			/* Every connection is waiting to be reopened. */
			wait_ms = RECONNECT_MS / 2;
		}
		rc = poll(pfd, (nfds_t)np, wait_ms);
		now = now_ns();
		if (rc < 0 && errno != EINTR) {
			perror("pdload: poll");
			exit(1);
		}
		for (size_t k = 0; rc > 0 && k < np; k++) {
			struct conn *c = &conns[map[k]];

			if (pfd[k].revents == 0)
				continue;
			if ((pfd[k].revents & POLLOUT) && c->fd >= 0)
				conn_send(c, now);
			if ((pfd[k].revents & (POLLIN | POLLHUP | POLLERR)) &&
			    c->fd >= 0) {
				unsigned long long before = done_ok;

				conn_recv(c, now);
				if (done_ok != before)
					last = now;
			}
		}
		/* Past the deadline the outstanding ones get --timeout more,
		 * then the loop above counts them as errors. */
	}
	return last - start;
}

static int
cmp_float(const void *a, const void *b)
{
	float x = *(const float *)a, y = *(const float *)b;

	return (x > y) - (x < y);
}

static double
quantile_ms(double q)
{
	size_t i;

	if (nlat == 0)
		return 0.0;
	/* Nearest rank. */
	i = (size_t)(q * (double)nlat + 0.999999);
	if (i == 0)
		i = 1;
	if (i > nlat)
		i = nlat;
	return (double)lat_us[i - 1] / 1000.0;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "connect", required_argument, NULL, 'c' },
		{ "connections", required_argument, NULL, 'n' },
		{ "requests", required_argument, NULL, 'r' },
		{ "duration", required_argument, NULL, 'd' },
		{ "clients", required_argument, NULL, 'f' },
		{ "warmup", required_argument, NULL, 'w' },
		{ "timeout", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long long requests = 100000, duration = 20, warmup = 0, v;
	unsigned long long w_errors = 0, w_ok = 0;
	const char *connect_to = NULL, *clients_path = NULL;
	long long wall, start;
	double secs;
	int ch;

	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			connect_to = optarg;
			break;
		case 'n':
			if (!parse_count(optarg, 1, CONNS_MAX, &v))
				goto bad;
			nconns = (size_t)v;
			break;
		case 'r':
			if (!parse_count(optarg, 1, 100000000ULL, &requests))
				goto bad;
			break;
		case 'd':
			if (!parse_count(optarg, 1, 3600, &duration))
				goto bad;
			break;
		case 'f':
			clients_path = optarg;
			break;
		case 'w':
			if (!parse_count(optarg, 0, 100000000ULL, &warmup))
				goto bad;
			break;
		case 't':
			if (!parse_count(optarg, 1, 600, &v))
				goto bad;
			timeout_ms = (unsigned long)v * 1000;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			goto bad;
		}
	}
	if (optind != argc || connect_to == NULL || clients_path == NULL)
		goto bad;
	if (parse_target(connect_to) != 0) {
		fprintf(stderr, "pdload: --connect wants IPv4-LOOPBACK:PORT, "
		    "not \"%s\"\n", connect_to);
		return 2;
	}
	if (load_clients(clients_path) != 0)
		return 1;
	conns = calloc(nconns, sizeof(*conns));
	lat_cap = (size_t)requests;
	lat_us = malloc(lat_cap * sizeof(*lat_us));
	if (conns == NULL || lat_us == NULL) {
		fprintf(stderr, "pdload: out of memory\n");
		return 1;
	}
	for (size_t i = 0; i < nconns; i++) {
		conns[i].fd = -1;
		if (conn_open(&conns[i]) != 0) {
			fprintf(stderr, "pdload: cannot connect to %s: %s\n",
			    connect_to, strerror(errno));
			return 1;
		}
	}

	start = now_ns();
	if (warmup > 0) {
		run_phase(warmup, start + (long long)duration * 1000000000LL,
		    false);
		w_errors = errors;
		w_ok = done_ok;
	}
	/* The duration bounds both phases together. */
	wall = run_phase(requests, start + (long long)duration *
	    1000000000LL, true);
	secs = (double)wall / 1e9;
	qsort(lat_us, nlat, sizeof(*lat_us), cmp_float);
	printf("requests=%llu seconds=%.3f rps=%.0f p50_ms=%.3f p99_ms=%.3f "
	    "max_ms=%.3f errors=%llu prepend=%llu reject=%llu "
	    "defer_if_permit=%llu dunno=%llu other=%llu warmup=%llu "
	    "warmup_errors=%llu\n", done_ok, secs,
	    secs > 0 ? (double)done_ok / secs : 0.0, quantile_ms(0.50),
	    quantile_ms(0.99), nlat ? (double)lat_us[nlat - 1] / 1000.0 : 0.0,
	    errors, acts[ACT_PREPEND], acts[ACT_REJECT], acts[ACT_DEFER],
	    acts[ACT_DUNNO], acts[ACT_OTHER], w_ok, w_errors);
	return 0;
bad:
	usage(stderr);
	return 2;
}
