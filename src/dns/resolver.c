/* SPDX-License-Identifier: MIT */
/*
 * c-ares inside libevent. c-ares tells us which sockets it wants watched
 * (the socket-state callback) and when it next needs a timer tick; we map
 * those onto libevent events. Answers are parsed by our own bounds-checked
 * wire parser rather than c-ares' helpers, because we need what those drop:
 * TTLs, the CNAME chain, the AD bit, and the negative answer's SOA.
 *
 * Load control. Queries wait in a FIFO until the window has room. The
 * window works like TCP's congestion window: it starts small, grows by one
 * for every clean answer up to a threshold and by about one per window of
 * answers after it, and halves when a query needed a retry or timed out,
 * at most once per window of queries (a loss among queries sent before the
 * last halving says nothing new). A server that drops queries when its
 * receive buffer overflows therefore sets the pace, and the retries c-ares
 * makes on timeouts recover what was lost before any query is reported as
 * a timeout. Queries are dealt round-robin over several c-ares channels;
 * each opens its own socket, so the kernel can spread them over the
 * server's worker threads.
 *
 * Socket I/O in batches. c-ares does its I/O through socket functions we
 * give it (ares_set_socket_functions): on a UDP socket, the queries it
 * writes during one turn of the loop are collected and leave in one
 * sendmmsg(2) when the turn's callbacks are done, and its reads are
 * served from one recvmmsg(2) of up to DNS_BATCH answers. c-ares reads
 * until the socket is empty, so a batch that came back short answers
 * the next read with EAGAIN without asking the kernel. On this machine a
 * system call costs 5-8 µs, as much as c-ares' whole work on an answer.
 * TCP sockets pass straight through.
 */
#include "dns/resolver.h"
#include "dns/lookup.h"

#include <arpa/inet.h>
#include <ares.h>
#include <errno.h>
#include <pthread.h>
#include <event2/event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "util/util.h"

struct dns_chan;

/* Datagrams per sendmmsg/recvmmsg, and the room for each. */
#define DNS_BATCH	32
#define DNS_RECV_SLOT	4096	/* c-ares reads into 4097 bytes */
#define DNS_SEND_SLOT	512	/* our queries are at most DNS_QUERY_MAX */

/* A UDP socket c-ares opened through us, with its batches. */
struct dns_io {
	struct dns_chan		*ch;
	int			 fd;
	/* Received, not yet read by c-ares: rmsg[rhead .. rhead+rcount). */
	unsigned		 rhead, rcount;
	bool			 rshort;	/* the last batch emptied the socket */
	int			 err;		/* a send error, for the next read */
	struct mmsghdr		 rmsg[DNS_BATCH];
	struct iovec		 riov[DNS_BATCH];
	struct sockaddr_storage	 rfrom[DNS_BATCH];
	uint8_t			*rbuf;		/* DNS_BATCH * DNS_RECV_SLOT */
	/* Written by c-ares, not yet sent: smsg[0 .. scount). */
	unsigned		 scount;
	struct mmsghdr		 smsg[DNS_BATCH];
	struct iovec		 siov[DNS_BATCH];
	uint8_t			 sbuf[DNS_BATCH][DNS_SEND_SLOT];
	bool			 queued;	/* on the resolver's flush list */
	struct dns_io		*flush_next;
	struct event		*wev;		/* the socket was full */
};

struct dns_query {
	struct dns_query	*next;
	dns_resolver		*r;
	struct dns_chan		*chan;
	char			*name;		/* after the struct, same block */
	uint16_t		 qtype;
	dns_callback		*cb;
	void			*arg;
	long long		 started_ms;
	unsigned long		 seq;		/* send order, for the window */
	bool			 no_edns;	/* retried without EDNS */
};

struct dns_sock {
	ares_socket_t	 fd;
	struct event	*ev;
};

struct dns_chan {
	dns_resolver		*r;
	ares_channel		 channel;
	size_t			 nsocks;
	struct dns_sock		*socks;
};

struct dns_resolver {
	struct event_base	*base;
	struct dns_config	 cfg;
	size_t			 nchan;
	struct dns_chan		*chans;
	size_t			 next_chan;
	struct event		*timer;
	struct event		*pump;
	struct dns_query	*head, *tail;	/* waiting to be sent */
	size_t			 inflight;
	/* The window: cwnd in 1/1024ths of a query, so that growth by
	 * 1/window per answer needs no floating point. */
	unsigned long		 cwnd;
	unsigned long		 ssthresh;
	unsigned long		 seq;		/* next query's sequence */
	unsigned long		 recover_seq;	/* losses before it: ignored */
	struct dns_stats	 stats;
	bool			 closing;
	/* Our UDP sockets by descriptor, and those with queries to send. */
	struct dns_io		**io;
	size_t			 nio;
	struct dns_io		*flush_head;
	struct event		*flush;
	/* Nothing in flight: the sockets' events are off, so that an idle
	 * resolver does not keep the loop running (c-ares keeps its sockets
	 * open, ARES_FLAG_STAYOPEN). */
	bool			 idle;
	bool			 arm_pending;	/* re-arm the timer on flush */
	/* "HOST:PORT" of the one server, for every answer's record. */
	char			 server_label[sizeof(((struct dns_answer *)0)->server)];
};

#define CWND_ONE	1024UL

static void dns_resolver_arm_timer(dns_resolver *r);
static void dns_query_send(dns_resolver *r, struct dns_query *q);
static void dns_resolver_set_idle(dns_resolver *r, bool idle);

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

static struct dns_sock *dns_sock_find(struct dns_chan *ch, ares_socket_t fd);

static struct dns_io *
dns_io_get(dns_resolver *r, ares_socket_t fd)
{
	if (fd < 0 || (size_t)fd >= r->nio)
		return NULL;
	return r->io[fd];
}

/* Send what c-ares wrote. A full socket keeps the rest for when it can
 * take more; any other error drops the batch and is handed to c-ares on
 * its next read of the socket, as the kernel would have (c-ares then
 * moves the socket's queries on, as for an error it saw itself). */
static void
dns_io_flush(struct dns_io *io)
{
	unsigned sent = 0;

	while (sent < io->scount) {
		int n = sendmmsg(io->fd, io->smsg + sent, io->scount - sent,
		    MSG_DONTWAIT | MSG_NOSIGNAL);
		struct dns_sock *ds;

		if (n > 0) {
			sent += (unsigned)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK ||
		    errno == ENOBUFS)) {
			unsigned left = io->scount - sent;

			memmove(io->sbuf, io->sbuf[sent],
			    left * sizeof(io->sbuf[0]));
			for (unsigned i = 0; i < left; i++)
				io->siov[i].iov_len =
				    io->siov[i + sent].iov_len;
			io->scount = left;
			event_add(io->wev, NULL);
			return;
		}
		io->err = n < 0 ? errno : EIO;
		ds = dns_sock_find(io->ch, io->fd);
		if (ds != NULL)
			event_active(ds->ev, EV_READ, 0);
		break;
	}
	io->scount = 0;
}

static void
dns_io_writable(evutil_socket_t fd, short what, void *arg)
{
	dns_io_flush(arg);
}

/* After the loop turn's callbacks: every socket's queries leave. */
static void
dns_flush_event(evutil_socket_t fd, short what, void *arg)
{
	dns_resolver *r = arg;
	struct dns_io *io;

	while ((io = r->flush_head) != NULL) {
		r->flush_head = io->flush_next;
		io->queued = false;
		io->flush_next = NULL;
		if (!event_pending(io->wev, EV_WRITE, NULL))
			dns_io_flush(io);
	}
	if (r->arm_pending) {
		r->arm_pending = false;
		dns_resolver_arm_timer(r);
	}
}

static ares_socket_t
dns_io_socket(int domain, int type, int protocol, void *arg)
{
	struct dns_chan *ch = arg;
	dns_resolver *r = ch->r;
	struct dns_io *io;
	int fd = socket(domain, type, protocol);

	if (fd < 0 || type != SOCK_DGRAM)
		return fd;
	if ((size_t)fd >= r->nio) {
		size_t n = (size_t)fd + 16;

		r->io = xreallocarray(r->io, n, sizeof(*r->io));
		memset(r->io + r->nio, 0, (n - r->nio) * sizeof(*r->io));
		r->nio = n;
	}
	io = xcalloc(1, sizeof(*io));
	io->ch = ch;
	io->fd = fd;
	io->rbuf = xreallocarray(NULL, DNS_BATCH, DNS_RECV_SLOT);
	for (unsigned i = 0; i < DNS_BATCH; i++) {
		io->riov[i].iov_base = io->rbuf + (size_t)i * DNS_RECV_SLOT;
		io->riov[i].iov_len = DNS_RECV_SLOT;
		io->siov[i].iov_base = io->sbuf[i];
		io->smsg[i].msg_hdr.msg_iov = &io->siov[i];
		io->smsg[i].msg_hdr.msg_iovlen = 1;
	}
	io->wev = event_new(r->base, fd, EV_WRITE, dns_io_writable, io);
	if (io->wev == NULL) {
		fputs("mxdiag: cannot watch a DNS socket\n", stderr);
		abort();
	}
	r->io[fd] = io;
	return fd;
}

static int
dns_io_close(ares_socket_t fd, void *arg)
{
	struct dns_chan *ch = arg;
	dns_resolver *r = ch->r;
	struct dns_io *io = dns_io_get(r, fd);

	if (io != NULL) {
		struct dns_io **pp;

		for (pp = &r->flush_head; *pp != NULL; pp = &(*pp)->flush_next)
			if (*pp == io) {
				*pp = io->flush_next;
				break;
			}
		event_free(io->wev);
		free(io->rbuf);
		free(io);
		r->io[fd] = NULL;
	}
	return close(fd);
}

static int
dns_io_connect(ares_socket_t fd, const struct sockaddr *sa,
    ares_socklen_t salen, void *arg)
{
	return connect(fd, sa, salen);
}

static ares_ssize_t
dns_io_recvfrom(ares_socket_t fd, void *buf, size_t len, int flags,
    struct sockaddr *from, ares_socklen_t *fromlen, void *arg)
{
	struct dns_chan *ch = arg;
	struct dns_io *io = dns_io_get(ch->r, fd);
	struct mmsghdr *m;
	size_t n;

	if (io == NULL)
		return recvfrom(fd, buf, len, flags, from, fromlen);
	if (io->err != 0) {
		errno = io->err;
		io->err = 0;
		return -1;
	}
	if (io->rcount == 0) {
		int got;

		if (io->rshort) {
			/* The last batch emptied the socket: c-ares reads
			 * until EAGAIN, and this spares the call that says
			 * so. Anything newer wakes the loop again. */
			io->rshort = false;
			errno = EAGAIN;
			return -1;
		}
		for (unsigned i = 0; i < DNS_BATCH; i++) {
			io->rmsg[i].msg_hdr.msg_name = &io->rfrom[i];
			io->rmsg[i].msg_hdr.msg_namelen = sizeof(io->rfrom[i]);
			io->rmsg[i].msg_hdr.msg_iov = &io->riov[i];
			io->rmsg[i].msg_hdr.msg_iovlen = 1;
			io->rmsg[i].msg_hdr.msg_control = NULL;
			io->rmsg[i].msg_hdr.msg_controllen = 0;
			io->rmsg[i].msg_hdr.msg_flags = 0;
		}
		got = recvmmsg(fd, io->rmsg, DNS_BATCH, MSG_DONTWAIT, NULL);
		if (got <= 0)
			return got;
		io->rhead = 0;
		io->rcount = (unsigned)got;
		io->rshort = got < DNS_BATCH;
	}
	m = &io->rmsg[io->rhead++];
	io->rcount--;
	n = m->msg_len < len ? m->msg_len : len;
	memcpy(buf, m->msg_hdr.msg_iov->iov_base, n);
	if (from != NULL && fromlen != NULL) {
		ares_socklen_t fl = m->msg_hdr.msg_namelen;

		memcpy(from, m->msg_hdr.msg_name, fl < *fromlen ? fl : *fromlen);
		*fromlen = fl;
	}
	return (ares_ssize_t)n;
}

static ares_ssize_t
dns_io_sendv(ares_socket_t fd, const struct iovec *iov, int iovcnt,
    void *arg)
{
	struct dns_chan *ch = arg;
	dns_resolver *r = ch->r;
	struct dns_io *io = dns_io_get(r, fd);
	size_t len = 0, off = 0;

	for (int i = 0; i < iovcnt; i++)
		len += iov[i].iov_len;
	if (io == NULL || len > DNS_SEND_SLOT) {
		if (io != NULL)
			dns_io_flush(io);	/* keep the order */
		return writev(fd, iov, iovcnt);
	}
	if (io->scount == DNS_BATCH)
		dns_io_flush(io);
	if (io->scount == DNS_BATCH) {
		/* Still full: the socket takes nothing now. A lost query,
		 * which c-ares retries after its timeout. */
		return (ares_ssize_t)len;
	}
	for (int i = 0; i < iovcnt; i++) {
		memcpy(io->sbuf[io->scount] + off, iov[i].iov_base,
		    iov[i].iov_len);
		off += iov[i].iov_len;
	}
	io->siov[io->scount].iov_len = len;
	io->scount++;
	if (!io->queued) {
		io->queued = true;
		io->flush_next = r->flush_head;
		r->flush_head = io;
		event_active(r->flush, EV_TIMEOUT, 0);
	}
	return (ares_ssize_t)len;
}

static const struct ares_socket_functions dns_io_funcs = {
	dns_io_socket,
	dns_io_close,
	dns_io_connect,
	dns_io_recvfrom,
	dns_io_sendv,
};

static struct dns_sock *
dns_sock_find(struct dns_chan *ch, ares_socket_t fd)
{
	for (size_t i = 0; i < ch->nsocks; i++)
		if (ch->socks[i].fd == fd)
			return &ch->socks[i];
	return NULL;
}

static void
dns_sock_event(evutil_socket_t fd, short what, void *arg)
{
	struct dns_chan *ch = arg;

	ares_process_fd(ch->channel,
	    (what & EV_READ) ? (ares_socket_t)fd : ARES_SOCKET_BAD,
	    (what & EV_WRITE) ? (ares_socket_t)fd : ARES_SOCKET_BAD);
	/* The timer once the loop turn's socket events are done, not after
	 * each: c-ares' ares_timeout() walks every query in flight. */
	ch->r->arm_pending = true;
	event_active(ch->r->flush, EV_TIMEOUT, 0);
}

/* c-ares' socket-state callback: keep exactly one libevent event per
 * socket, with the interest c-ares asks for. */
static void
dns_sock_state(void *data, ares_socket_t fd, int readable, int writable)
{
	struct dns_chan *ch = data;
	struct dns_sock *s = dns_sock_find(ch, fd);
	short what = (short)((readable ? EV_READ : 0) | (writable ? EV_WRITE : 0));

	if (s != NULL) {
		event_free(s->ev);
		if (what == 0) {
			*s = ch->socks[--ch->nsocks];
			return;
		}
	} else {
		if (what == 0)
			return;
		ch->socks = xreallocarray(ch->socks, ch->nsocks + 1,
		    sizeof(*ch->socks));
		s = &ch->socks[ch->nsocks++];
		s->fd = fd;
	}
	s->ev = event_new(ch->r->base, (evutil_socket_t)fd, what | EV_PERSIST,
	    dns_sock_event, ch);
	if (s->ev == NULL ||
	    (!ch->r->idle && event_add(s->ev, NULL) != 0)) {
		fputs("mxdiag: cannot watch a DNS socket\n", stderr);
		abort();
	}
}

static void
dns_timer_event(evutil_socket_t fd, short what, void *arg)
{
	dns_resolver *r = arg;

	for (size_t i = 0; i < r->nchan; i++)
		ares_process_fd(r->chans[i].channel, ARES_SOCKET_BAD,
		    ARES_SOCKET_BAD);
	dns_resolver_arm_timer(r);
}

/* One timer for every channel: the earliest any of them needs. */
static void
dns_resolver_arm_timer(dns_resolver *r)
{
	struct timeval tv, best, *tvp = NULL;

	for (size_t i = 0; i < r->nchan; i++) {
		struct timeval *t = ares_timeout(r->chans[i].channel, tvp, &tv);

		if (t != NULL) {
			best = *t;
			tvp = &best;
		}
	}
	if (tvp == NULL) {
		event_del(r->timer);
		return;
	}
	event_add(r->timer, tvp);
}

/* A clean answer: slow start below the threshold, then about one more
 * query per window of answers. */
static void
dns_window_grow(dns_resolver *r)
{
	unsigned long cap = r->cfg.max_inflight * CWND_ONE;

	if (r->cwnd < r->ssthresh)
		r->cwnd += CWND_ONE;
	else
		r->cwnd += CWND_ONE * CWND_ONE / r->cwnd;
	if (r->cwnd > cap)
		r->cwnd = cap;
	if (r->cwnd / CWND_ONE > r->stats.window_peak)
		r->stats.window_peak = r->cwnd / CWND_ONE;
}

/* A query sent at seq needed a retry or got none: halve, once per
 * window. */
static void
dns_window_loss(dns_resolver *r, unsigned long seq)
{
	if (seq < r->recover_seq)
		return;
	r->cwnd /= 2;
	if (r->cwnd < DNS_WINDOW_MIN * CWND_ONE)
		r->cwnd = DNS_WINDOW_MIN * CWND_ONE;
	r->ssthresh = r->cwnd;
	r->recover_seq = r->seq;
	r->stats.backoffs++;
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
	free(q);	/* the name is in the same block */
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
		if (timeouts > 0) {
			r->stats.retried++;
			dns_window_loss(r, q->seq);
		} else {
			dns_window_grow(r);
		}
	} else {
		dns_answer_init(&ans, q->name, q->qtype,
		    dns_outcome_from_ares(status));
		snprintf(ans.error, sizeof(ans.error), "%s",
		    r->closing ? "resolver shut down" : ares_strerror(status));
		if (status == ARES_ETIMEOUT) {
			r->stats.timeouts++;
			dns_window_loss(r, q->seq);
		} else
			r->stats.failures++;
	}
	/* c-ares does not say which server answered; with one server we
	 * know, and a failure names nobody. */
	if (r->cfg.nservers == 1 && status == ARES_SUCCESS)
		memcpy(ans.server, r->server_label, sizeof(ans.server));
	ans.elapsed_ms = (long)(util_now_ms() - q->started_ms);
	r->inflight--;
	q->cb(&ans, q->arg);
	dns_answer_clear(&ans);
	dns_query_free(q);
	if (r->inflight == 0 && r->head == NULL && !r->closing)
		dns_resolver_set_idle(r, true);
	if (r->head != NULL && !r->closing)
		event_active(r->pump, EV_TIMEOUT, 0);
}

/* Turn the sockets' events off while nothing is in flight, and on again
 * before the next query leaves. */
static void
dns_resolver_set_idle(dns_resolver *r, bool idle)
{
	if (r->idle == idle)
		return;
	r->idle = idle;
	for (size_t i = 0; i < r->nchan; i++) {
		struct dns_chan *ch = &r->chans[i];

		for (size_t k = 0; k < ch->nsocks; k++) {
			if (idle)
				event_del(ch->socks[k].ev);
			else
				event_add(ch->socks[k].ev, NULL);
		}
	}
}

static void
dns_query_send(dns_resolver *r, struct dns_query *q)
{
	uint8_t buf[DNS_QUERY_MAX];
	size_t len;

	dns_resolver_set_idle(r, false);
	if (q->started_ms == 0)
		q->started_ms = util_now_ms();
	q->seq = r->seq++;
	r->inflight++;
	if (r->inflight > r->stats.inflight_peak)
		r->stats.inflight_peak = r->inflight;
	r->stats.sent++;
	/* Our own encoder: c-ares' does not read \DDD escapes, which our
	 * parser writes for odd bytes in names. c-ares sets the ID. */
	len = dns_query_encode(q->name, q->qtype, 0, q->no_edns ? 0 : 1232,
	    buf, sizeof(buf));
	if (len == 0) {
		dns_query_done(q, ARES_EBADNAME, 0, NULL, 0);
		return;
	}
	/* Round-robin; an EDNS retry stays on its channel. */
	if (q->chan == NULL) {
		q->chan = &r->chans[r->next_chan];
		r->next_chan = (r->next_chan + 1) % r->nchan;
	}
	ares_send(q->chan->channel, buf, (int)len, dns_query_done, q);
}

/* Move queued queries to c-ares while there is room. Runs from the loop
 * only, so that callbacks c-ares fires synchronously from ares_send() are
 * never run inside dns_resolver_query(). */
static void
dns_pump_event(evutil_socket_t fd, short what, void *arg)
{
	dns_resolver *r = arg;

	while (r->head != NULL && r->inflight < r->cwnd / CWND_ONE) {
		struct dns_query *q = r->head;

		r->head = q->next;
		if (r->head == NULL)
			r->tail = NULL;
		q->next = NULL;
		dns_query_send(r, q);
	}
	dns_resolver_arm_timer(r);
}

/* One c-ares channel with our socket callbacks and the servers of the
 * configuration. Returns 0, or -1 with a message in err. */
static int
dns_chan_open(dns_resolver *r, struct dns_chan *ch, char *err, size_t errlen)
{
	struct ares_options opts;
	int optmask, rc, tries;

	ch->r = r;
	tries = r->cfg.tries > 0 ? r->cfg.tries : 2;
	memset(&opts, 0, sizeof(opts));
	/* c-ares doubles the per-try timeout on every round over the server
	 * list: the whole budget is base * (2^tries - 1). */
	opts.timeout = r->cfg.timeout_ms / ((1 << tries) - 1);
	if (opts.timeout < 50)
		opts.timeout = 50;
	opts.tries = tries;
	/* NOCHECKRESP: hand SERVFAIL and REFUSED to us as answers instead
	 * of silently moving on; we classify them. */
	/* STAYOPEN: c-ares would close a socket whenever its last query is
	 * answered, and open a new one (eight calls) for the next. */
	opts.flags = ARES_FLAG_NOCHECKRESP | ARES_FLAG_STAYOPEN;
	opts.sock_state_cb = dns_sock_state;
	opts.sock_state_cb_data = ch;
	optmask = ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES | ARES_OPT_FLAGS |
	    ARES_OPT_SOCK_STATE_CB;
	if (r->cfg.rcvbuf > 0) {
		opts.socket_receive_buffer_size = r->cfg.rcvbuf;
		optmask |= ARES_OPT_SOCK_RCVBUF;
	}
	rc = ares_init_options(&ch->channel, &opts, optmask);
	if (rc != ARES_SUCCESS) {
		ch->channel = NULL;
		snprintf(err, errlen, "cannot start the DNS resolver: %s",
		    ares_strerror(rc));
		return -1;
	}
	ares_set_socket_functions(ch->channel, &dns_io_funcs, ch);
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
		rc = ares_set_servers_ports_csv(ch->channel, csv);
		if (rc != ARES_SUCCESS) {
			snprintf(err, errlen, "bad resolver list \"%s\": %s",
			    csv, ares_strerror(rc));
			return -1;
		}
	}
	return 0;
}

static pthread_once_t	dns_ares_once = PTHREAD_ONCE_INIT;
static int		dns_ares_init_rc;

static void
dns_ares_init(void)
{
	dns_ares_init_rc = ares_library_init(ARES_LIB_INIT_ALL);
}

dns_resolver *
dns_resolver_new(struct event_base *base, const struct dns_config *cfg,
    char *err, size_t errlen)
{
	dns_resolver *r = xcalloc(1, sizeof(*r));
	int rc;

	r->base = base;
	r->cfg = *cfg;
	if (r->cfg.max_inflight == 0)
		r->cfg.max_inflight = 100;
	if (r->cfg.timeout_ms <= 0)
		r->cfg.timeout_ms = 5000;
	if (r->cfg.nsockets == 0)
		r->cfg.nsockets = 1;
	if (r->cfg.nsockets > DNS_SOCKETS_MAX)
		r->cfg.nsockets = DNS_SOCKETS_MAX;
	r->cwnd = CWND_ONE * (r->cfg.max_inflight < DNS_WINDOW_START ?
	    r->cfg.max_inflight : DNS_WINDOW_START);
	r->ssthresh = CWND_ONE * r->cfg.max_inflight;
	r->stats.window_peak = r->cwnd / CWND_ONE;
	if (r->cfg.nservers == 1) {
		const struct dns_server *s = &r->cfg.servers[0];
		int v6 = strchr(s->host, ':') != NULL;

		snprintf(r->server_label, sizeof(r->server_label), "%s%s%s:%d",
		    v6 ? "[" : "", s->host, v6 ? "]" : "", s->port);
	}

	/* Once per process, whatever the threads (bulk --jobs): c-ares
	 * counts its initialisations without a lock. */
	pthread_once(&dns_ares_once, dns_ares_init);
	rc = dns_ares_init_rc;
	if (rc != ARES_SUCCESS) {
		snprintf(err, errlen, "cannot start the DNS resolver: %s",
		    ares_strerror(rc));
		free(r);
		return NULL;
	}
	r->chans = xcalloc(r->cfg.nsockets, sizeof(*r->chans));
	for (r->nchan = 0; r->nchan < r->cfg.nsockets; r->nchan++) {
		if (dns_chan_open(r, &r->chans[r->nchan], err, errlen) != 0) {
			if (r->chans[r->nchan].channel != NULL)
				r->nchan++;	/* opened: destroy it too */
			dns_resolver_free(r);
			return NULL;
		}
	}
	r->timer = evtimer_new(base, dns_timer_event, r);
	r->pump = event_new(base, -1, 0, dns_pump_event, r);
	r->flush = event_new(base, -1, 0, dns_flush_event, r);
	if (r->timer == NULL || r->pump == NULL || r->flush == NULL) {
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
	size_t len;

	if (r->closing) {
		/* Only callbacks run during dns_resolver_free() get here. */
		struct dns_answer ans;

		dns_answer_init(&ans, name, qtype, DNS_OUT_OTHER);
		snprintf(ans.error, sizeof(ans.error), "resolver shut down");
		cb(&ans, arg);
		dns_answer_clear(&ans);
		return;
	}
	/* One block, the name after the struct; malloc, as glibc's calloc
	 * skips the thread cache. */
	len = strlen(name) + 1;
	q = xreallocarray(NULL, 1, sizeof(*q) + len);
	memset(q, 0, sizeof(*q));
	q->r = r;
	q->name = memcpy(q + 1, name, len);
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
	st->window = r->cwnd / CWND_ONE;
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
	for (size_t i = 0; i < r->nchan; i++) {
		struct dns_chan *ch = &r->chans[i];

		ares_destroy(ch->channel);	/* runs the rest's callbacks */
		for (size_t k = 0; k < ch->nsocks; k++)
			event_free(ch->socks[k].ev);
		free(ch->socks);
	}
	free(r->chans);
	if (r->timer)
		event_free(r->timer);
	if (r->pump)
		event_free(r->pump);
	if (r->flush)
		event_free(r->flush);
	free(r->io);
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
