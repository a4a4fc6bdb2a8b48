/* SPDX-License-Identifier: MIT */
/*
 * dnsdelay: a UDP DNS relay for benchmarks that holds every answer for a
 * fixed delay, so a client's wall time shows how many of its lookups ran
 * one after another. Loopback only; exits by itself after --lifetime.
 *
 *   dnsdelay --listen 127.0.0.1:5355 --upstream 127.0.0.1:5353 --delay-ms 100
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

int
main(int argc, char **argv)
{
	struct sockaddr_in listen_at, upstream;
	int delay = 100, lifetime = 300, fd, up;
	long long end;
	unsigned short next_id = 1;

	if (argc != 9 || strcmp(argv[1], "--listen") || parse_addr(argv[2],
	    &listen_at) || strcmp(argv[3], "--upstream") ||
	    parse_addr(argv[4], &upstream) || strcmp(argv[5], "--delay-ms") ||
	    strcmp(argv[7], "--lifetime")) {
		fprintf(stderr, "usage: dnsdelay --listen 127.x.x.x:PORT "
		    "--upstream 127.x.x.x:PORT --delay-ms MS --lifetime S\n");
		return 64;
	}
	delay = atoi(argv[6]);
	lifetime = atoi(argv[8]);
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

			if (!s->used || s->len == 0)
				continue;
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
