/* SPDX-License-Identifier: MIT */
/*
 * The SMTP probe's state machine on a libevent bufferevent. One function,
 * probe_set_phase(), changes the phase and re-arms the phase deadline; one
 * read callback feeds the capped reply parser and dispatches on the phase.
 * The deadline is a timer of our own rather than bufferevent read
 * timeouts, so a server that dribbles a byte a second cannot stretch a
 * phase beyond its budget.
 */
#include "smtp/probe.h"

#include <errno.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <openssl/ssl.h>
#include <event2/event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smtp/tls.h"
#include "util/util.h"

#define PROBE_QUIT_TIMEOUT_MS	2000
#define PROBE_READ_CHUNK	4096

struct smtp_probe {
	struct event_base		*base;
	struct bufferevent		*bev;
	struct event			*deadline;
	struct event			*reap;
	struct smtp_probe_config	 cfg;
	char				*ehlo_name;
	smtp_probe_callback		*cb;
	void				*arg;
	enum smtp_probe_phase		 phase;
	long long			 started_ms;
	long long			 connected_ms;
	struct smtp_reply_parser	 parser;
	struct smtp_probe_result	 res;
	bool				 finished;
};

static const char *const phase_names[] = {
	[SMTP_PHASE_CONNECT] = "connect",
	[SMTP_PHASE_GREETING] = "greeting",
	[SMTP_PHASE_EHLO] = "ehlo",
	[SMTP_PHASE_HELO] = "helo",
	[SMTP_PHASE_STARTTLS] = "starttls",
	[SMTP_PHASE_HANDSHAKE] = "tls_handshake",
	[SMTP_PHASE_EHLO_TLS] = "ehlo_tls",
	[SMTP_PHASE_QUIT] = "quit",
	[SMTP_PHASE_DONE] = "done",
};

static const char *const status_names[] = {
	[SMTP_PROBE_OK] = "ok",
	[SMTP_PROBE_REFUSED] = "refused",
	[SMTP_PROBE_UNREACHABLE] = "unreachable",
	[SMTP_PROBE_TIMEOUT] = "timeout",
	[SMTP_PROBE_CLOSED] = "closed",
	[SMTP_PROBE_PROTOCOL] = "protocol_error",
	[SMTP_PROBE_REJECTED] = "rejected",
	[SMTP_PROBE_BUSY] = "busy",
	[SMTP_PROBE_EHLO_FAILED] = "ehlo_failed",
};

const char *
smtp_probe_phase_name(enum smtp_probe_phase ph)
{
	if ((size_t)ph < UTIL_ARRAY_LEN(phase_names))
		return phase_names[ph];
	return "unknown";
}

const char *
smtp_probe_status_name(enum smtp_probe_status st)
{
	if ((size_t)st < UTIL_ARRAY_LEN(status_names))
		return status_names[st];
	return "unknown";
}

bool
smtp_probe_status_is_temporary(enum smtp_probe_status st)
{
	switch (st) {
	case SMTP_PROBE_REFUSED:
	case SMTP_PROBE_UNREACHABLE:
	case SMTP_PROBE_TIMEOUT:
	case SMTP_PROBE_CLOSED:
	case SMTP_PROBE_BUSY:
		return true;
	default:
		return false;
	}
}

void
smtp_probe_result_clear(struct smtp_probe_result *res)
{
	smtp_reply_clear(&res->greeting);
	smtp_reply_clear(&res->ehlo);
	smtp_caps_clear(&res->caps);
	smtp_tls_result_clear(&res->tls);
}

static void probe_finish(struct smtp_probe *p);
static void probe_read(struct bufferevent *bev, void *arg);
static void probe_event(struct bufferevent *bev, short what, void *arg);
static void probe_reap(evutil_socket_t fd, short what, void *arg);

static void
probe_fail(struct smtp_probe *p, enum smtp_probe_status st, const char *fmt,
    ...) __attribute__((format(printf, 3, 4)));

static void
probe_fail(struct smtp_probe *p, enum smtp_probe_status st, const char *fmt,
    ...)
{
	va_list ap;

	p->res.status = st;
	va_start(ap, fmt);
	vsnprintf(p->res.error, sizeof(p->res.error), fmt, ap);
	va_end(ap);
	probe_finish(p);
}

static int
probe_phase_timeout(const struct smtp_probe *p, enum smtp_probe_phase ph)
{
	switch (ph) {
	case SMTP_PHASE_CONNECT:
		return p->cfg.connect_timeout_ms;
	case SMTP_PHASE_GREETING:
		return p->cfg.greeting_timeout_ms;
	case SMTP_PHASE_QUIT:
		return p->cfg.command_timeout_ms < PROBE_QUIT_TIMEOUT_MS ?
		    p->cfg.command_timeout_ms : PROBE_QUIT_TIMEOUT_MS;
	default:
		return p->cfg.command_timeout_ms;
	}
}

static void
probe_set_phase(struct smtp_probe *p, enum smtp_probe_phase ph)
{
	int ms = probe_phase_timeout(p, ph);
	struct timeval tv = { ms / 1000, (ms % 1000) * 1000 };

	p->phase = ph;
	p->res.phase = ph;
	smtp_reply_parser_reset(&p->parser);
	event_add(p->deadline, &tv);
}

static void
probe_send(struct smtp_probe *p, const char *cmd, const char *argument)
{
	struct evbuffer *out = bufferevent_get_output(p->bev);

	if (argument)
		evbuffer_add_printf(out, "%s %s\r\n", cmd, argument);
	else
		evbuffer_add_printf(out, "%s\r\n", cmd);
}

static bool
probe_in_tls_phase(const struct smtp_probe *p)
{
	return p->phase == SMTP_PHASE_STARTTLS ||
	    p->phase == SMTP_PHASE_HANDSHAKE || p->phase == SMTP_PHASE_EHLO_TLS;
}

/* Wrap the connection in TLS after the server's 220 to STARTTLS. */
static void
probe_start_tls(struct smtp_probe *p)
{
	SSL *ssl = SSL_new(p->cfg.ssl_ctx);
	struct bufferevent *tls;

	if (ssl == NULL) {
		smtp_tls_error(&p->res.tls, "cannot create a TLS session");
		probe_finish(p);
		return;
	}
	/* SNI: servers with several certificates pick by it. (The macro
	 * casts away const, hence the copy.) */
	if (p->cfg.tls_name != NULL && p->cfg.tls_name[0] != '\0') {
		char sni[256];

		snprintf(sni, sizeof(sni), "%s", p->cfg.tls_name);
		SSL_set_tlsext_host_name(ssl, sni);
	}
	tls = bufferevent_openssl_filter_new(p->base, p->bev, ssl,
	    BUFFEREVENT_SSL_CONNECTING, BEV_OPT_CLOSE_ON_FREE);
	if (tls == NULL) {
		SSL_free(ssl);
		smtp_tls_error(&p->res.tls, "cannot start TLS");
		probe_finish(p);
		return;
	}
	/* The filter owns the plain connection from now on. */
	p->bev = tls;
	bufferevent_setwatermark(p->bev, EV_READ, 0, 16384);
	bufferevent_setcb(p->bev, probe_read, NULL, probe_event, p);
	bufferevent_enable(p->bev, EV_READ | EV_WRITE);
	probe_set_phase(p, SMTP_PHASE_HANDSHAKE);
}

static void
probe_quit(struct smtp_probe *p)
{
	probe_send(p, "QUIT", NULL);
	probe_set_phase(p, SMTP_PHASE_QUIT);
}

static void
probe_on_greeting(struct smtp_probe *p, struct smtp_reply *r)
{
	p->res.greeting = *r;
	p->res.has_greeting = true;
	p->res.greeting_ms = (long)(util_now_ms() - p->connected_ms);
	if (r->code == 220) {
		probe_send(p, "EHLO", p->ehlo_name);
		probe_set_phase(p, SMTP_PHASE_EHLO);
	} else if (r->code >= 500) {
		/* RFC 5321 §3.1: a 554 server waits for QUIT. */
		p->res.status = SMTP_PROBE_REJECTED;
		snprintf(p->res.error, sizeof(p->res.error),
		    "the server refuses service (greeting %d)", r->code);
		probe_quit(p);
	} else if (r->code >= 400) {
		probe_fail(p, SMTP_PROBE_BUSY,
		    "the server is not accepting connections now (greeting %d)",
		    r->code);
	} else {
		probe_fail(p, SMTP_PROBE_PROTOCOL,
		    "unexpected greeting code %d", r->code);
	}
}

static void
probe_on_ehlo(struct smtp_probe *p, struct smtp_reply *r)
{
	if (p->phase == SMTP_PHASE_EHLO)
		p->res.ehlo_code = r->code;
	if (r->code == 250) {
		p->res.ehlo = *r;
		p->res.has_ehlo = true;
		p->res.used_helo = p->phase == SMTP_PHASE_HELO;
		smtp_caps_parse(&p->res.ehlo, &p->res.caps);
		if (p->cfg.ssl_ctx != NULL && p->res.caps.starttls &&
		    !p->res.used_helo) {
			p->res.tls.attempted = true;
			probe_send(p, "STARTTLS", NULL);
			probe_set_phase(p, SMTP_PHASE_STARTTLS);
			return;
		}
		probe_quit(p);
		return;
	}
	if (r->code == 421) {
		smtp_reply_clear(r);
		probe_fail(p, SMTP_PROBE_BUSY, "the server closed the session "
		    "(421 after %s)", p->phase == SMTP_PHASE_EHLO ? "EHLO" :
		    "HELO");
		return;
	}
	if (p->phase == SMTP_PHASE_EHLO && r->code >= 500) {
		/* RFC 5321 §4.1.4: fall back to HELO. */
		smtp_reply_clear(r);
		probe_send(p, "HELO", p->ehlo_name);
		probe_set_phase(p, SMTP_PHASE_HELO);
		return;
	}
	p->res.status = SMTP_PROBE_EHLO_FAILED;
	snprintf(p->res.error, sizeof(p->res.error), "%s refused with %d",
	    p->phase == SMTP_PHASE_EHLO ? "EHLO" : "EHLO and HELO", r->code);
	smtp_reply_clear(r);
	probe_quit(p);
}

/* Dispatch one complete reply on the current phase. */
static void
probe_on_reply(struct smtp_probe *p)
{
	struct smtp_reply r;

	smtp_reply_parser_take(&p->parser, &r);
	switch (p->phase) {
	case SMTP_PHASE_GREETING:
		probe_on_greeting(p, &r);
		break;
	case SMTP_PHASE_EHLO:
	case SMTP_PHASE_HELO:
		probe_on_ehlo(p, &r);
		break;
	case SMTP_PHASE_STARTTLS:
		p->res.tls.starttls_code = r.code;
		smtp_reply_clear(&r);
		if (p->res.tls.starttls_code == 220) {
			probe_start_tls(p);
		} else {
			snprintf(p->res.tls.error, sizeof(p->res.tls.error),
			    "STARTTLS refused with %d", p->res.tls.starttls_code);
			probe_quit(p);
		}
		break;
	case SMTP_PHASE_EHLO_TLS:
		if (r.code == 250) {
			p->res.tls.has_ehlo = true;
			smtp_caps_parse(&r, &p->res.tls.caps);
		} else {
			snprintf(p->res.tls.error, sizeof(p->res.tls.error),
			    "EHLO inside TLS refused with %d", r.code);
		}
		smtp_reply_clear(&r);
		probe_quit(p);
		break;
	case SMTP_PHASE_QUIT:
		smtp_reply_clear(&r);
		probe_finish(p);
		break;
	default:
		fprintf(stderr, "mxdiag: SMTP reply in phase %s\n",
		    smtp_probe_phase_name(p->phase));
		abort();
	}
}

static void
probe_read(struct bufferevent *bev, void *arg)
{
	struct smtp_probe *p = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	size_t len;

	while (!p->finished && (len = evbuffer_get_length(in)) > 0) {
		size_t n = len < PROBE_READ_CHUNK ? len : PROBE_READ_CHUNK;
		const char *data = (const char *)evbuffer_pullup(in, (ev_ssize_t)n);
		enum smtp_probe_phase before = p->phase;
		enum smtp_parse_status st;
		size_t used = 0;

		st = smtp_reply_parser_feed(&p->parser, data, n, &used);
		evbuffer_drain(in, used);
		if (st == SMTP_PARSE_MORE)
			continue;
		if (st != SMTP_PARSE_DONE) {
			probe_fail(p, SMTP_PROBE_PROTOCOL, "%s reply: %s",
			    smtp_probe_phase_name(p->phase),
			    smtp_parse_strerror(st));
			return;
		}
		/* We send one command and wait for its one reply: anything
		 * the server sent beyond that reply was not asked for. After
		 * the 220 to STARTTLS such bytes would be read as TLS, or be
		 * commands injected in clear text: do not go on in TLS. */
		if (before != SMTP_PHASE_QUIT && evbuffer_get_length(in) > 0) {
			p->res.early_data = true;
			evbuffer_drain(in, evbuffer_get_length(in));
			if (before == SMTP_PHASE_STARTTLS) {
				struct smtp_reply r;

				smtp_reply_parser_take(&p->parser, &r);
				smtp_reply_clear(&r);
				snprintf(p->res.tls.error,
				    sizeof(p->res.tls.error), "data after the "
				    "220 to STARTTLS: not starting TLS");
				probe_quit(p);
				return;
			}
		}
		probe_on_reply(p);
	}
}

static void
probe_event(struct bufferevent *bev, short what, void *arg)
{
	struct smtp_probe *p = arg;
	int err = EVUTIL_SOCKET_ERROR();

	if ((what & BEV_EVENT_CONNECTED) && p->phase == SMTP_PHASE_HANDSHAKE) {
		smtp_tls_inspect(bufferevent_openssl_get_ssl(bev),
		    p->cfg.tls_name, &p->res.tls);
		probe_send(p, "EHLO", p->ehlo_name);
		probe_set_phase(p, SMTP_PHASE_EHLO_TLS);
		return;
	}
	if (what & BEV_EVENT_CONNECTED) {
		p->connected_ms = util_now_ms();
		p->res.connect_ms = (long)(p->connected_ms - p->started_ms);
		probe_set_phase(p, SMTP_PHASE_GREETING);
		return;
	}
	if (probe_in_tls_phase(p)) {
		/* The plain session went through; only TLS failed. */
		if (p->phase == SMTP_PHASE_HANDSHAKE)
			smtp_tls_error(&p->res.tls, "TLS handshake failed");
		else
			snprintf(p->res.tls.error, sizeof(p->res.tls.error),
			    "connection %s during %s", (what & BEV_EVENT_EOF) ?
			    "closed by the server" : "lost",
			    smtp_probe_phase_name(p->phase));
		probe_finish(p);
		return;
	}
	if (p->phase == SMTP_PHASE_CONNECT) {
		probe_fail(p, err == ECONNREFUSED ? SMTP_PROBE_REFUSED :
		    SMTP_PROBE_UNREACHABLE, "connect: %s",
		    evutil_socket_error_to_string(err));
		return;
	}
	if (p->phase == SMTP_PHASE_QUIT) {
		/* Closing after QUIT is what servers do. */
		probe_finish(p);
		return;
	}
	if (p->res.status == SMTP_PROBE_OK || p->res.status ==
	    SMTP_PROBE_REJECTED)
		probe_fail(p, SMTP_PROBE_CLOSED, "connection %s during %s",
		    (what & BEV_EVENT_EOF) ? "closed by the server" :
		    evutil_socket_error_to_string(err),
		    smtp_probe_phase_name(p->phase));
	else
		probe_finish(p);
}

static void
probe_deadline(evutil_socket_t fd, short what, void *arg)
{
	struct smtp_probe *p = arg;

	if (p->phase == SMTP_PHASE_QUIT) {
		probe_finish(p);
		return;
	}
	if (probe_in_tls_phase(p)) {
		snprintf(p->res.tls.error, sizeof(p->res.tls.error),
		    "no answer within %d ms during %s",
		    probe_phase_timeout(p, p->phase),
		    smtp_probe_phase_name(p->phase));
		probe_finish(p);
		return;
	}
	probe_fail(p, SMTP_PROBE_TIMEOUT, "no %s within %d ms",
	    p->phase == SMTP_PHASE_CONNECT ? "connection" :
	    p->phase == SMTP_PHASE_GREETING ? "greeting" : "reply",
	    probe_phase_timeout(p, p->phase));
}

static void
probe_finish(struct smtp_probe *p)
{
	struct smtp_probe_result *res = &p->res;

	if (p->finished)
		return;
	p->finished = true;
	event_del(p->deadline);
	if (res->has_greeting)
		smtp_reply_hostname(&res->greeting, res->banner_hostname,
		    sizeof(res->banner_hostname));
	if (res->has_ehlo)
		smtp_reply_hostname(&res->ehlo, res->ehlo_hostname,
		    sizeof(res->ehlo_hostname));
	res->mta = smtp_detect_mta(res->has_greeting ? &res->greeting : NULL,
	    res->has_ehlo ? &res->ehlo : NULL);
	/* Free the socket before the callback, so a caller that starts a
	 * new probe from it is not limited by this one's descriptor. */
	if (p->bev) {
		bufferevent_free(p->bev);
		p->bev = NULL;
	}
	p->cb(res, p->arg);
	smtp_probe_result_clear(res);
	smtp_reply_parser_reset(&p->parser);
	/* Our callers are still on the stack (the read callback's loop):
	 * free from the event loop, once they have returned. */
	event_active(p->reap, EV_TIMEOUT, 0);
}

static void
probe_reap(evutil_socket_t fd, short what, void *arg)
{
	struct smtp_probe *p = arg;

	event_free(p->deadline);
	event_free(p->reap);
	free(p->ehlo_name);
	free(p);
}

static void
probe_start_failed(evutil_socket_t fd, short what, void *arg)
{
	struct smtp_probe *p = arg;

	probe_fail(p, SMTP_PROBE_UNREACHABLE, "connect: %s",
	    evutil_socket_error_to_string(EVUTIL_SOCKET_ERROR()));
}

struct smtp_probe *
smtp_probe_start(struct event_base *base, const struct sockaddr *sa,
    socklen_t salen, const struct smtp_probe_config *cfg,
    smtp_probe_callback *cb, void *arg)
{
	struct smtp_probe *p = xcalloc(1, sizeof(*p));

	p->base = base;
	p->cfg = *cfg;
	p->ehlo_name = xstrdup(cfg->ehlo_name);
	p->cb = cb;
	p->arg = arg;
	p->started_ms = util_now_ms();
	p->res.connect_ms = -1;
	p->res.greeting_ms = -1;
	p->res.caps.size = -1;
	smtp_reply_parser_init(&p->parser);
	p->deadline = evtimer_new(base, probe_deadline, p);
	p->reap = event_new(base, -1, 0, probe_reap, p);
	p->bev = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE);
	if (p->deadline == NULL || p->reap == NULL || p->bev == NULL) {
		fputs("mxdiag: cannot create SMTP probe events\n", stderr);
		abort();
	}
	/* Bound what libevent buffers for us; the parser bounds the rest. */
	bufferevent_setwatermark(p->bev, EV_READ, 0, 16384);
	bufferevent_setcb(p->bev, probe_read, NULL, probe_event, p);
	bufferevent_enable(p->bev, EV_READ | EV_WRITE);
	probe_set_phase(p, SMTP_PHASE_CONNECT);
	if (bufferevent_socket_connect(p->bev, sa, (int)salen) != 0) {
		/* Report from the loop: the callback never runs inside the
		 * caller's call to us. */
		event_base_once(base, -1, EV_TIMEOUT, probe_start_failed, p,
		    NULL);
	}
	return p;
}
