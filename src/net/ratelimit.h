/* SPDX-License-Identifier: MIT */
/*
 * Per-client token buckets for the network front ends (`mxdiag serve`,
 * `mxdiag mcp`). A client is an IPv4 address or an IPv6 /64 (one host is
 * usually given a whole /64; IPv4-mapped addresses count as IPv4). Each
 * bucket holds up to burst requests and refills at rate per second.
 *
 * Memory is fixed at creation: at most max_clients buckets, reused least
 * recently seen first. A full bucket and a forgotten one are the same
 * thing, so only clients flooding from more than max_clients sources at
 * once get a fresh bucket early; the front ends' global cap on
 * concurrent checks bounds the work they can cause.
 *
 * Pure: the caller passes the time, so tests control the clock.
 */
#ifndef MXDIAG_NET_RATELIMIT_H
#define MXDIAG_NET_RATELIMIT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#define RATELIMIT_CLIENTS_MAX	(1u << 20)

struct ratelimit_config {
	uint32_t	rate_milli;	/* requests per 1000 s (1000 = 1/s) */
	uint32_t	burst;		/* requests, at least 1 */
	uint32_t	max_clients;	/* 1 to RATELIMIT_CLIENTS_MAX */
};

struct ratelimit;

/* NULL when cfg is out of range (rate_milli 0, burst 0, ...). */
struct ratelimit *ratelimit_new(const struct ratelimit_config *cfg);
void ratelimit_free(struct ratelimit *rl);

/*
 * Take one token from the bucket of the client at sa (AF_INET or AF_INET6;
 * any other family shares one bucket) at now_ms (a monotonic clock).
 * Returns 0 when the request may go ahead, else how many milliseconds
 * until a token is there (at least 1).
 */
uint64_t ratelimit_take(struct ratelimit *rl, const struct sockaddr *sa,
    uint64_t now_ms);

/* Buckets in use (for statistics and tests). */
size_t ratelimit_clients(const struct ratelimit *rl);

#endif
