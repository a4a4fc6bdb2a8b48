/* SPDX-License-Identifier: MIT */
/*
 * `mxdiag serve`: the JSON API (api.h), the OpenAPI document and the web
 * page over HTTP, with libevent's evhttp on the event loop the checks run
 * on. Safe to expose: only public addresses are checked (unless
 * allow_private), per-client token buckets, a cap on checks running at
 * once, on connections, on request and header sizes, and deadlines for
 * slow clients. No state is kept between requests. See docs/serve.md.
 */
#ifndef MXDIAG_SERVE_SERVE_H
#define MXDIAG_SERVE_SERVE_H

#include <event2/event.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dns/lookup.h"
#include "dns/resolver.h"

#define SERVE_LISTEN_MAX	8
#define SERVE_HEADERS_MAX	8192	/* bytes of a request's header block */
#define SERVE_URI_MAX		4096	/* bytes of a request line's target */

struct serve_config {
	struct event_base	*base;
	dns_resolver		*res;
	struct dns_lookup	*lookup;
	const struct dns_config	*dns;		/* named in the reports */
	const char		*listen[SERVE_LISTEN_MAX];	/* ADDR:PORT */
	size_t			 nlisten;
	bool			 allow_private;
	int			 timeout_ms;	/* DNS and SMTP phases */
	const char		*ehlo;
	const char		*ca_file;
	/* Per client: rate_milli requests per 1000 s, bursts of burst;
	 * rate_milli 0 lifts the limit (benchmarks). */
	uint32_t		 rate_milli;
	uint32_t		 burst;
	uint32_t		 max_clients;	/* buckets remembered */
	unsigned		 max_checks;	/* running at once */
	unsigned		 max_conns;	/* open connections */
	int			 header_timeout_ms;	/* to send a request */
	int			 idle_timeout_s;	/* keep-alive, writes */
	bool			 quiet;		/* no access log */
};

/* Serve until SIGINT or SIGTERM. Returns 0, or -1 when a listener could
 * not be set up (the message is printed). */
int serve_run(const struct serve_config *cfg);

#endif
