/* SPDX-License-Identifier: MIT */
/*
 * The asynchronous DNS engine: c-ares driven by a libevent loop, with a
 * bound on queries in flight and a queue behind it. Every query ends in one
 * callback with a classified struct dns_answer (see wire.h), including
 * timeouts and local failures. Nothing here blocks the loop.
 */
#ifndef MXDIAG_DNS_RESOLVER_H
#define MXDIAG_DNS_RESOLVER_H

#include <stddef.h>
#include <stdint.h>

#include "dns/wire.h"

struct event_base;

#define DNS_SERVERS_MAX	8

struct dns_server {
	char	host[64];	/* numeric address, no brackets */
	int	port;		/* 53 unless given */
};

struct dns_config {
	size_t			nservers;	/* 0: the system's resolvers */
	struct dns_server	servers[DNS_SERVERS_MAX];
	int			timeout_ms;	/* a query's whole budget, all tries */
	int			tries;		/* attempts per server, >= 1 */
	size_t			max_inflight;	/* queries handed to c-ares at once */
};

/* Parse "IP", "IP:PORT", "[IPv6]:PORT" into *srv. Returns 0, or -1 with a
 * message in err. */
int dns_server_parse(const char *spec, struct dns_server *srv, char *err,
    size_t errlen);

typedef struct dns_resolver dns_resolver;

/*
 * Called exactly once per query, from the event loop (never from inside
 * dns_resolver_query()). ans is borrowed for the call: copy what you keep
 * (dns_answer_copy).
 */
typedef void dns_callback(const struct dns_answer *ans, void *arg);

/* Returns a resolver bound to base, or NULL with a message in err. */
dns_resolver *dns_resolver_new(struct event_base *base,
    const struct dns_config *cfg, char *err, size_t errlen);

/* Queue a query (class IN, RD and AD set). name is copied. */
void dns_resolver_query(dns_resolver *r, const char *name, uint16_t qtype,
    dns_callback *cb, void *arg);

/* Counters for reports and benchmarks. */
struct dns_stats {
	unsigned long	sent;
	unsigned long	answered;
	unsigned long	timeouts;
	unsigned long	failures;
};
void dns_resolver_stats(const dns_resolver *r, struct dns_stats *st);

/* Cancels what is pending (their callbacks run with DNS_OUT_OTHER) and
 * frees the resolver. NULL is a no-op. */
void dns_resolver_free(dns_resolver *r);

#endif
