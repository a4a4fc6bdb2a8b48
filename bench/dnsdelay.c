/* SPDX-License-Identifier: MIT */
/*
 * dnsdelay: a UDP DNS relay for benchmarks that holds every answer for a
 * fixed delay, so a client's wall time shows how many of its lookups ran
 * one after another. Loopback only; exits by itself after --lifetime
 * seconds (default 300), whatever else it is told.
 *
 * --drop-every N drops every Nth query received from the client (the 1st
 * query counts as 1, so N = 3 drops the 3rd, 6th, ...): it is never sent
 * upstream and never answered, as a lossy path or resolver would do, so a
 * test can check that its client retries and that a lost answer stays a
 * temporary failure. 0 (the default) drops nothing. The count is exact,
 * so a run is repeatable.
 *
 *   dnsdelay --listen 127.0.0.1:5355 --upstream 127.0.0.1:5353 \
 *       --delay-ms 100 --lifetime 60 [--drop-every N]
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define SLOTS		4096
#define MSG_MAX		4096

struct slot {
	int			 used;
	unsigned short		 up_id;		/* ID sent upstream */
	unsigned short		 client_id;
	struct sockaddr_in	 client;
	long long		 due;		/* when to answer, ms */
	unsigned char		 answer[MSG_MAX];
	size_t			 len;		/* 0 until upstream answered */
};

static struct slot slots[SLOTS];

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int
parse_addr(const char *s, struct sockaddr_in *sin)
{
	char host[64];
	const char *colon = strrchr(s, ':');

	if (colon == NULL || (size_t)(colon - s) >= sizeof(host))
		return -1;
	memcpy(host, s, (size_t)(colon - s));
	host[colon - s] = '\0';
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_port = htons((unsigned short)atoi(colon + 1));
	if (inet_pton(AF_INET, host, &sin->sin_addr) != 1)
		return -1;
	/* Loopback only: this tool never talks to anything else. */
	return (ntohl(sin->sin_addr.s_addr) >> 24) == 127 ? 0 : -1;
}

/* A whole decimal number in [0, max], or -1. */
static long
parse_count(const char *s, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < 0 || v > max)
		return -1;
	return v;
}

static int
usage(void)
{
	fprintf(stderr, "usage: dnsdelay --listen 127.x.x.x:PORT "
	    "--upstream 127.x.x.x:PORT --delay-ms MS [--lifetime S] "
	    "[--drop-every N]\n");
	return 64;
}

int
main(int argc, char **argv)
{
	struct sockaddr_in listen_at = { 0 }, upstream = { 0 };
	long delay = -1, lifetime = 300, drop_every = 0;
	unsigned long received = 0;
	int fd, up, have_listen = 0, have_upstream = 0;
	long long end;
	unsigned short next_id = 1;

	for (int i = 1; i < argc; i += 2) {
		const char *opt = argv[i], *val = i + 1 < argc ? argv[i + 1] :
		    NULL;

		if (val == NULL)
			return usage();
		if (strcmp(opt, "--listen") == 0) {
			if (parse_addr(val, &listen_at) != 0)
				return usage();
			have_listen = 1;
		} else if (strcmp(opt, "--upstream") == 0) {
			if (parse_addr(val, &upstream) != 0)
				return usage();
			have_upstream = 1;
		} else if (strcmp(opt, "--delay-ms") == 0) {
			if ((delay = parse_count(val, 60000)) < 0)
				return usage();
		} else if (strcmp(opt, "--lifetime") == 0) {
			/* Bounded: a forgotten relay still goes away. */
			if ((lifetime = parse_count(val, 3600)) <= 0)
				return usage();
		} else if (strcmp(opt, "--drop-every") == 0) {
			if ((drop_every = parse_count(val, 1000000)) < 0)
				return usage();
		} else {
			return usage();
		}
	}
	if (!have_listen || !have_upstream || delay < 0)
		return usage();
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	up = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0 || up < 0 || bind(fd, (struct sockaddr *)&listen_at,
	    sizeof(listen_at)) != 0 || connect(up, (struct sockaddr *)&upstream,
	    sizeof(upstream)) != 0) {
		perror("dnsdelay");
		return 1;
	}
	end = now_ms() + (long long)lifetime * 1000;
	while (now_ms() < end) {
		struct pollfd p[2] = { { fd, POLLIN, 0 }, { up, POLLIN, 0 } };
		long long t = now_ms(), wait = 50;
		unsigned char buf[MSG_MAX];

		/* Send what is due. */
		for (int i = 0; i < SLOTS; i++) {
			struct slot *s = &slots[i];

			if (!s->used)
				continue;
			if (s->len == 0) {
				/* Upstream never answered: free the slot, so
				 * a lossy upstream cannot use them all up. */
				if (t - s->due > 10000)
					s->used = 0;
				continue;
			}
			if (s->due <= t) {
				s->answer[0] = (unsigned char)(s->client_id >> 8);
				s->answer[1] = (unsigned char)s->client_id;
				sendto(fd, s->answer, s->len, 0,
				    (struct sockaddr *)&s->client,
				    sizeof(s->client));
				s->used = 0;
			} else if (s->due - t < wait) {
				wait = s->due - t;
			}
		}
		if (poll(p, 2, (int)wait) <= 0)
			continue;
		if (p[0].revents & POLLIN) {
			struct sockaddr_in from;
			socklen_t fl = sizeof(from);
			ssize_t n = recvfrom(fd, buf, sizeof(buf), 0,
			    (struct sockaddr *)&from, &fl);
			int i;

			if (n >= 12 && drop_every > 0 &&
			    ++received % (unsigned long)drop_every == 0)
				n = 0;	/* lost on the way: never answered */
			if (n >= 12) {
				for (i = 0; i < SLOTS && slots[i].used; i++)
					;
				if (i < SLOTS) {
					struct slot *s = &slots[i];

					s->used = 1;
					s->len = 0;
					s->client = from;
					s->client_id = (unsigned short)(buf[0] << 8 | buf[1]);
					s->up_id = next_id++;
					s->due = now_ms() + delay;
					buf[0] = (unsigned char)(s->up_id >> 8);
					buf[1] = (unsigned char)s->up_id;
					send(up, buf, (size_t)n, 0);
				}
			}
		}
		if (p[1].revents & POLLIN) {
			ssize_t n = recv(up, buf, sizeof(buf), 0);

			if (n >= 12) {
				unsigned short id = (unsigned short)(buf[0] << 8 | buf[1]);

				for (int i = 0; i < SLOTS; i++)
					if (slots[i].used && slots[i].len == 0 &&
					    slots[i].up_id == id) {
						memcpy(slots[i].answer, buf, (size_t)n);
						slots[i].len = (size_t)n;
						break;
					}
			}
		}
	}
	return 0;
}
