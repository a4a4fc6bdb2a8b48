/* SPDX-License-Identifier: MIT */
/*
 * c-ares inside libevent. c-ares tells us which sockets it wants watched
 * (the socket-state callback) and when it next needs a timer tick; we map
 * those onto libevent events. Queries wait in a FIFO until fewer than
 * max_inflight are with c-ares, so a long target list cannot overflow the
 * server's receive buffer. Answers are parsed by our own bounds-checked
 * wire parser rather than c-ares' helpers, because we need what those drop:
 * TTLs, the CNAME chain, the AD bit, and the negative answer's SOA.
 */
#include "dns/resolver.h"
#include "dns/lookup.h"

#include <arpa/inet.h>
#include <ares.h>
#include <event2/event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/util.h"

struct dns_query {
	struct dns_query	*next;
	dns_resolver		*r;
	char			*name;
	uint16_t		 qtype;
	dns_callback		*cb;
	void			*arg;
	long long		 started_ms;
	bool			 no_edns;	/* retried without EDNS */
};

struct dns_sock {
	ares_socket_t	 fd;
	struct event	*ev;
};

struct dns_resolver {
	struct event_base	*base;
	ares_channel		 channel;
	struct dns_config	 cfg;
	struct event		*timer;
	struct event		*pump;
	struct dns_query	*head, *tail;	/* waiting to be sent */
	size_t			 inflight;
	size_t			 nsocks;
	struct dns_sock		*socks;
	struct dns_stats	 stats;
	bool			 closing;
};

static void dns_resolver_arm_timer(dns_resolver *r);
static void dns_query_send(dns_resolver *r, struct dns_query *q);

int
dns_server_parse(const char *spec, struct dns_server *srv, char *err,
    size_t errlen)
{
	char host[64];
	const char *port = NULL;
	struct in6_addr a6;
	struct in_addr a4;
	size_t len;

	memset(srv, 0, sizeof(*srv));
	if (spec[0] == '[') {
		const char *end = strchr(spec, ']');

		if (end == NULL || (size_t)(end - spec - 1) >= sizeof(host))
			goto bad;
		memcpy(host, spec + 1, (size_t)(end - spec - 1));
		host[end - spec - 1] = '\0';
		if (end[1] == ':')
			port = end + 2;
		else if (end[1] != '\0')
			goto bad;
		if (inet_pton(AF_INET6, host, &a6) != 1)
			goto bad;
	} else {
		const char *colon = strchr(spec, ':');

		/* More than one colon: a bare IPv6 address, no port. */
		if (colon != NULL && strchr(colon + 1, ':') != NULL)
			colon = NULL;
		len = colon ? (size_t)(colon - spec) : strlen(spec);
		if (len >= sizeof(host))
			goto bad;
		memcpy(host, spec, len);
		host[len] = '\0';
		if (colon)
			port = colon + 1;
		if (inet_pton(AF_INET, host, &a4) != 1 &&
		    inet_pton(AF_INET6, host, &a6) != 1)
			goto bad;
	}
	srv->port = 53;
	if (port != NULL) {
		char *end;
		long p = strtol(port, &end, 10);

		if (*port == '\0' || *end != '\0' || p < 1 || p > 65535)
			goto bad;
		srv->port = (int)p;
	}
	snprintf(srv->host, sizeof(srv->host), "%s", host);
	return 0;
bad:
	snprintf(err, errlen, "bad resolver address \"%s\" (want IP, IP:PORT "
	    "or [IPv6]:PORT)", spec);
	return -1;
}

static struct dns_sock *
dns_sock_find(dns_resolver *r, ares_socket_t fd)
{
	for (size_t i = 0; i < r->nsocks; i++)
		if (r->socks[i].fd == fd)
			return &r->socks[i];
	return NULL;
}

static void
dns_sock_event(evutil_socket_t fd, short what, void *arg)
{
	dns_resolver *r = arg;

	ares_process_fd(r->channel,
	    (what & EV_READ) ? (ares_socket_t)fd : ARES_SOCKET_BAD,
	    (what & EV_WRITE) ? (ares_socket_t)fd : ARES_SOCKET_BAD);
	dns_resolver_arm_timer(r);
}

/* c-ares' socket-state callback: keep exactly one libevent event per
 * socket, with the interest c-ares asks for. */
static void
dns_sock_state(void *data, ares_socket_t fd, int readable, int writable)
{
	dns_resolver *r = data;
	struct dns_sock *s = dns_sock_find(r, fd);
	short what = (short)((readable ? EV_READ : 0) | (writable ? EV_WRITE : 0));

	if (s != NULL) {
		event_free(s->ev);
		if (what == 0) {
			*s = r->socks[--r->nsocks];
			return;
		}
	} else {
		if (what == 0)
			return;
		r->socks = xreallocarray(r->socks, r->nsocks + 1,
		    sizeof(*r->socks));
		s = &r->socks[r->nsocks++];
		s->fd = fd;
	}
	s->ev = event_new(r->base, (evutil_socket_t)fd, what | EV_PERSIST,
	    dns_sock_event, r);
	if (s->ev == NULL || event_add(s->ev, NULL) != 0) {
		fputs("mxdiag: cannot watch a DNS socket\n", stderr);
		abort();
	}
}

static void
dns_timer_event(evutil_socket_t fd, short what, void *arg)
{
	dns_resolver *r = arg;

	ares_process_fd(r->channel, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
	dns_resolver_arm_timer(r);
}

static void
dns_resolver_arm_timer(dns_resolver *r)
{
	struct timeval tv, *tvp;

	tvp = ares_timeout(r->channel, NULL, &tv);
	if (tvp == NULL) {
		event_del(r->timer);
		return;
	}
	event_add(r->timer, tvp);
}

static enum dns_outcome
dns_outcome_from_ares(int status)
{
	switch (status) {
	case ARES_ETIMEOUT:
		return DNS_OUT_TIMEOUT;
	case ARES_ESERVFAIL:
		return DNS_OUT_SERVFAIL;
	case ARES_EREFUSED:
		return DNS_OUT_REFUSED;
	case ARES_EFORMERR:
	case ARES_EBADRESP:
		return DNS_OUT_FORMERR;
	case ARES_ENOTIMP:
		return DNS_OUT_NOTIMP;
	default:
		return DNS_OUT_OTHER;
	}
}

static void
dns_query_free(struct dns_query *q)
{
	free(q->name);
	free(q);
}

static void
dns_query_done(void *arg, int status, int timeouts, unsigned char *abuf,
    int alen)
{
	struct dns_query *q = arg;
	dns_resolver *r = q->r;
	struct dns_answer ans;

	if (status == ARES_SUCCESS && abuf != NULL && alen > 0) {
		struct dns_msg msg;
		enum dns_wire_status ws;

		ws = dns_msg_parse(abuf, (size_t)alen, &msg);
		if (ws == DNS_WIRE_OK && msg.rcode == 1 && !q->no_edns &&
		    !r->closing) {
			/* FORMERR to a query with EDNS: an old server that
			 * does not know OPT (RFC 6891 §7). Ask again without. */
			dns_msg_clear(&msg);
			q->no_edns = true;
			r->inflight--;
			dns_query_send(r, q);
			return;
		}
		if (ws == DNS_WIRE_OK) {
			dns_answer_from_msg(&msg, q->name, q->qtype, &ans);
			dns_msg_clear(&msg);
		} else {
			dns_answer_init(&ans, q->name, q->qtype,
			    DNS_OUT_FORMERR);
			snprintf(ans.error, sizeof(ans.error),
			    "malformed answer: %s", dns_wire_strerror(ws));
		}
		r->stats.answered++;
	} else {
		dns_answer_init(&ans, q->name, q->qtype,
		    dns_outcome_from_ares(status));
		snprintf(ans.error, sizeof(ans.error), "%s",
		    r->closing ? "resolver shut down" : ares_strerror(status));
		if (status == ARES_ETIMEOUT)
			r->stats.timeouts++;
		else
			r->stats.failures++;
	}
	/* c-ares does not say which server answered; with one server we
	 * know, and a failure names nobody. */
	if (r->cfg.nservers == 1 && status == ARES_SUCCESS)
		snprintf(ans.server, sizeof(ans.server), "%s%s%s:%d",
		    strchr(r->cfg.servers[0].host, ':') ? "[" : "",
		    r->cfg.servers[0].host,
		    strchr(r->cfg.servers[0].host, ':') ? "]" : "",
		    r->cfg.servers[0].port);
	ans.elapsed_ms = (long)(util_now_ms() - q->started_ms);
	r->inflight--;
	q->cb(&ans, q->arg);
	dns_answer_clear(&ans);
	dns_query_free(q);
	if (r->head != NULL && !r->closing)
		event_active(r->pump, EV_TIMEOUT, 0);
}

static void
dns_query_send(dns_resolver *r, struct dns_query *q)
{
	uint8_t buf[DNS_QUERY_MAX];
	size_t len;

	if (q->started_ms == 0)
		q->started_ms = util_now_ms();
	r->inflight++;
	r->stats.sent++;
	/* Our own encoder: c-ares' does not read \DDD escapes, which our
	 * parser writes for odd bytes in names. c-ares sets the ID. */
	len = dns_query_encode(q->name, q->qtype, 0, q->no_edns ? 0 : 1232,
	    buf, sizeof(buf));
	if (len == 0) {
		dns_query_done(q, ARES_EBADNAME, 0, NULL, 0);
		return;
	}
	ares_send(r->channel, buf, (int)len, dns_query_done, q);
}

/* Move queued queries to c-ares while there is room. Runs from the loop
 * only, so that callbacks c-ares fires synchronously from ares_send() are
 * never run inside dns_resolver_query(). */
static void
dns_pump_event(evutil_socket_t fd, short what, void *arg)
{
	dns_resolver *r = arg;

	while (r->head != NULL && r->inflight < r->cfg.max_inflight) {
		struct dns_query *q = r->head;

		r->head = q->next;
		if (r->head == NULL)
			r->tail = NULL;
		q->next = NULL;
		dns_query_send(r, q);
	}
	dns_resolver_arm_timer(r);
}

dns_resolver *
dns_resolver_new(struct event_base *base, const struct dns_config *cfg,
    char *err, size_t errlen)
{
	dns_resolver *r = xcalloc(1, sizeof(*r));
	struct ares_options opts;
	int optmask, rc, tries;

	r->base = base;
	r->cfg = *cfg;
	if (r->cfg.max_inflight == 0)
		r->cfg.max_inflight = 100;
	tries = r->cfg.tries > 0 ? r->cfg.tries : 2;
	if (r->cfg.timeout_ms <= 0)
		r->cfg.timeout_ms = 5000;

	memset(&opts, 0, sizeof(opts));
	/* c-ares doubles the per-try timeout on every round over the server
	 * list: the whole budget is base * (2^tries - 1). */
	opts.timeout = r->cfg.timeout_ms / ((1 << tries) - 1);
	if (opts.timeout < 50)
		opts.timeout = 50;
	opts.tries = tries;
	/* NOCHECKRESP: hand SERVFAIL and REFUSED to us as answers instead
	 * of silently moving on; we classify them. */
	opts.flags = ARES_FLAG_NOCHECKRESP;
	opts.sock_state_cb = dns_sock_state;
	opts.sock_state_cb_data = r;
	optmask = ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES | ARES_OPT_FLAGS |
	    ARES_OPT_SOCK_STATE_CB;

	rc = ares_library_init(ARES_LIB_INIT_ALL);
	if (rc == ARES_SUCCESS)
		rc = ares_init_options(&r->channel, &opts, optmask);
	if (rc != ARES_SUCCESS) {
		snprintf(err, errlen, "cannot start the DNS resolver: %s",
		    ares_strerror(rc));
		free(r);
		return NULL;
	}
	if (r->cfg.nservers > 0) {
		char csv[DNS_SERVERS_MAX * 80] = "";
		size_t off = 0;

		for (size_t i = 0; i < r->cfg.nservers; i++) {
			const struct dns_server *s = &r->cfg.servers[i];
			int v6 = strchr(s->host, ':') != NULL;

			off += (size_t)snprintf(csv + off, sizeof(csv) - off,
			    "%s%s%s%s:%d", i ? "," : "", v6 ? "[" : "",
			    s->host, v6 ? "]" : "", s->port);
		}
		rc = ares_set_servers_ports_csv(r->channel, csv);
		if (rc != ARES_SUCCESS) {
			snprintf(err, errlen, "bad resolver list \"%s\": %s",
			    csv, ares_strerror(rc));
			ares_destroy(r->channel);
			free(r);
			return NULL;
		}
	}
	r->timer = evtimer_new(base, dns_timer_event, r);
	r->pump = event_new(base, -1, 0, dns_pump_event, r);
	if (r->timer == NULL || r->pump == NULL) {
		snprintf(err, errlen, "cannot create DNS events");
		dns_resolver_free(r);
		return NULL;
	}
	return r;
}

void
dns_resolver_query(dns_resolver *r, const char *name, uint16_t qtype,
    dns_callback *cb, void *arg)
{
	struct dns_query *q;

	if (r->closing) {
		/* Only callbacks run during dns_resolver_free() get here. */
		struct dns_answer ans;

		dns_answer_init(&ans, name, qtype, DNS_OUT_OTHER);
		snprintf(ans.error, sizeof(ans.error), "resolver shut down");
		cb(&ans, arg);
		dns_answer_clear(&ans);
		return;
	}
	q = xcalloc(1, sizeof(*q));
	q->r = r;
	q->name = xstrdup(name);
	q->qtype = qtype;
	q->cb = cb;
	q->arg = arg;
	if (r->tail)
		r->tail->next = q;
	else
		r->head = q;
	r->tail = q;
	event_active(r->pump, EV_TIMEOUT, 0);
}

void
dns_resolver_stats(const dns_resolver *r, struct dns_stats *st)
{
	*st = r->stats;
}

void
dns_resolver_free(dns_resolver *r)
{
	struct dns_query *q;

	if (r == NULL)
		return;
	r->closing = true;
	/* Queued queries never reached c-ares: complete them here. */
	while ((q = r->head) != NULL) {
		struct dns_answer ans;

		r->head = q->next;
		dns_answer_init(&ans, q->name, q->qtype, DNS_OUT_OTHER);
		snprintf(ans.error, sizeof(ans.error), "resolver shut down");
		q->cb(&ans, q->arg);
		dns_answer_clear(&ans);
		dns_query_free(q);
	}
	r->tail = NULL;
	if (r->channel)
		ares_destroy(r->channel);	/* runs the rest's callbacks */
	for (size_t i = 0; i < r->nsocks; i++)
		event_free(r->socks[i].ev);
	free(r->socks);
	if (r->timer)
		event_free(r->timer);
	if (r->pump)
		event_free(r->pump);
	free(r);
}

static void
dns_lookup_resolver_query(struct dns_lookup *lk, const char *name,
    uint16_t qtype, dns_callback *cb, void *arg)
{
	dns_resolver_query(lk->impl, name, qtype, cb, arg);
}

void
dns_lookup_from_resolver(struct dns_lookup *lk, dns_resolver *r)
{
	lk->query = dns_lookup_resolver_query;
	lk->impl = r;
}
