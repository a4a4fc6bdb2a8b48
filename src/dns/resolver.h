/* SPDX-License-Identifier: MIT */
/*
 * The asynchronous DNS engine: c-ares driven by a libevent loop, with a
 * queue in front of it and a window of queries in flight that adapts to
 * the server (it grows while answers come back and halves when queries
 * time out), spread over several c-ares channels so that the load leaves
 * from several sockets. Every query ends in one callback with a classified
 * struct dns_answer (see wire.h), including timeouts and local failures.
 * Nothing here blocks the loop. One engine serves every command, from a
 * single check to a bulk run of millions.
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
	/* The ceiling of the adaptive window: queries handed to c-ares at
	 * once never exceed it (0: 100). */
	size_t			max_inflight;
	/* c-ares channels, each with its own UDP socket per server (0: 1);
	 * at most DNS_SOCKETS_MAX. */
	size_t			nsockets;
	/* Socket receive buffer to ask the kernel for, bytes (0: the
	 * system's default). */
	int			rcvbuf;
};

#define DNS_SOCKETS_MAX		32
/* Where the adaptive window starts, and the floor it never goes under. */
#define DNS_WINDOW_START	32
#define DNS_WINDOW_MIN		4

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
	unsigned long	sent;		/* queries handed to c-ares */
	unsigned long	answered;	/* a response came back */
	unsigned long	timeouts;	/* no response after every try */
	unsigned long	failures;	/* local failures */
	unsigned long	retried;	/* answered, but only after a retry */
	unsigned long	backoffs;	/* times the window was halved */
	size_t		window;		/* the window now */
	size_t		window_peak;	/* the largest it has been */
	size_t		inflight_peak;	/* most queries with c-ares at once */
};
void dns_resolver_stats(const dns_resolver *r, struct dns_stats *st);

/* Cancels what is pending (their callbacks run with DNS_OUT_OTHER) and
 * frees the resolver. NULL is a no-op. */
void dns_resolver_free(dns_resolver *r);

#endif
