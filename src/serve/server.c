/* SPDX-License-Identifier: MIT */
/*
 * The HTTP side of `mxdiag serve` (serve.h).
 *
 * evhttp parses requests; around it:
 *  - every connection's bufferevent is made here (srv_bevcb) and we keep
 *    a reference to it: that counts open connections (listeners pause at
 *    max_conns and resume when one closes), and a sweep every 250 ms
 *    cuts off a client that has not completed a request within
 *    header_timeout_ms of connecting or of its last answer, however
 *    slowly it trickles bytes (evhttp's own timeout only bounds the gap
 *    between two reads);
 *  - API requests take a token from the client's bucket (429), then a
 *    slot among max_checks (503), then run: /api/v1/check through the
 *    check batch with its address gate, the other endpoints through the
 *    tools that `mxdiag mcp` offers, which return the CLI's documents;
 *  - evhttp does not read while a request is being answered, so a client
 *    that leaves is noticed when its answer is written; its check runs
 *    to its end (bounded by the timeouts) and holds its slot till then.
 */
#include "serve/serve.h"

#include <arpa/inet.h>
#include <errno.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/listener.h>
#include <jansson.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "check/batch.h"
#include "mcp/tools.h"
#include "net/ratelimit.h"
#include "report/report.h"
#include "serve/api.h"
#include "serve/assets.h"
#include "util/util.h"

#define SRV_DRAIN_MS	30000	/* at exit: how long running checks get */
#define SRV_SWEEP_MS	250	/* connection upkeep */

struct srv;

/* One open connection. */
struct srv_conn {
	struct srv_conn		*next;
	struct bufferevent	*bev;		/* we hold a reference */
	evutil_socket_t		 fd;		/* -1 until indexed in byfd */
	long long		 since;		/* accepted or last answer */
	unsigned		 busy;		/* checks running for it */
	bool			 cut;		/* shut down by the sweep */
};

/* One API request being answered. */
struct srv_call {
	struct srv		*s;
	struct evhttp_request	*req;		/* NULL: the client left */
	struct evhttp_connection *evcon;
	struct srv_conn		*conn;		/* NULL: the client left */
	enum api_endpoint	 ep;
	long long		 t0;
	char			 target[256];	/* /check: the batch's spec */
	struct identity_options	 id;
	struct check_batch	*batch;
	struct srv_call		*prev, *next;
};

struct srv {
	const struct serve_config *cfg;
	struct event_base	*base;
	struct evhttp		*http;
	struct evconnlistener	*lev[SERVE_LISTEN_MAX];
	size_t			 nlev;
	bool			 paused;
	struct ratelimit	*rl;
	struct mcp_tool_ctx	 tools;
	unsigned		 nconns;
	struct srv_conn		*conns;
	/* conns by socket: a socket number cannot be reused while its
	 * record holds the bufferevent (and so the socket) open */
	struct srv_conn		**byfd;
	size_t			 nbyfd;
	struct event		*sweep;
	unsigned		 running;
	struct srv_call		*calls;		/* running */
	struct event		*sig[2];
	struct event		*drain;
	bool			 stopping;
	/* counters for the log at exit */
	unsigned long long	 served, limited, busy, dropped, cut;
};

/* ---- connections ---- */

static void
srv_listeners(struct srv *s, bool on)
{
	if (s->paused == !on)
		return;
	for (size_t i = 0; i < s->nlev; i++) {
		if (on)
			evconnlistener_enable(s->lev[i]);
		else
			evconnlistener_disable(s->lev[i]);
	}
	s->paused = !on;
}

/*
 * A new connection's bufferevent, for evhttp. We keep a reference: when
 * evhttp frees it, its callbacks are cleared but the object (and the
 * socket) stay until srv_sweep() sees that and lets go.
 */
static struct bufferevent *
srv_bevcb(struct event_base *base, void *arg)
{
	struct srv *s = arg;
	struct srv_conn *c;
	struct bufferevent *bev;

	bev = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE);
	if (bev == NULL)
		return NULL;
	bufferevent_incref(bev);
	c = xcalloc(1, sizeof(*c));
	c->bev = bev;
	c->fd = -1;
	c->since = util_now_ms();
	c->next = s->conns;
	s->conns = c;
	if (++s->nconns >= s->cfg->max_conns)
		srv_listeners(s, false);
	return bev;
}

/* The record of evcon's connection: by its socket, once it is known
 * (evhttp sets it after srv_bevcb), else by a walk that indexes it. */
static struct srv_conn *
srv_conn_of(struct srv *s, struct evhttp_connection *evcon)
{
	struct bufferevent *bev = evhttp_connection_get_bufferevent(evcon);
	evutil_socket_t fd = bufferevent_getfd(bev);
	struct srv_conn *c;

	if (fd >= 0 && (size_t)fd < s->nbyfd && s->byfd[fd] != NULL &&
	    s->byfd[fd]->bev == bev)
		return s->byfd[fd];
	for (c = s->conns; c != NULL; c = c->next)
		if (c->bev == bev)
			break;
	if (c != NULL && fd >= 0) {
		if ((size_t)fd >= s->nbyfd) {
			size_t n = (size_t)fd + 64;

			s->byfd = xreallocarray(s->byfd, n, sizeof(*s->byfd));
			memset(s->byfd + s->nbyfd, 0,
			    (n - s->nbyfd) * sizeof(*s->byfd));
			s->nbyfd = n;
		}
		s->byfd[fd] = c;
		c->fd = fd;
	}
	return c;
}

/*
 * Every SRV_SWEEP_MS: let go of connections evhttp has closed, and cut
 * off those that have not completed a request within header_timeout_ms
 * of connecting or of their last answer (a slow client, or an idle
 * keep-alive one), unless a check of theirs is running. Shutting the
 * socket down makes evhttp see the end of the stream and close it.
 */
static void
srv_sweep(evutil_socket_t fd, short what, void *arg)
{
	struct srv *s = arg;
	long long now = util_now_ms();
	struct srv_conn **pp = &s->conns, *c;

	while ((c = *pp) != NULL) {
		bufferevent_event_cb ecb;

		bufferevent_getcb(c->bev, NULL, NULL, &ecb, NULL);
		if (ecb == NULL) {
			*pp = c->next;
			if (c->fd >= 0)
				s->byfd[c->fd] = NULL;
			bufferevent_decref(c->bev);
			free(c);
			s->nconns--;
			continue;
		}
		if (c->busy == 0 && now - c->since > s->cfg->header_timeout_ms &&
		    !c->cut) {
			evutil_socket_t sock = bufferevent_getfd(c->bev);

			if (sock >= 0)
				shutdown(sock, SHUT_RDWR);
			c->cut = true;
			s->cut++;
		}
		pp = &c->next;
	}
	if (!s->stopping && s->nconns < s->cfg->max_conns)
		srv_listeners(s, true);
}

/* Let go of every connection record (at exit, after evhttp_free). */
static void
srv_conns_free(struct srv *s)
{
	struct srv_conn *c, *next;

	for (c = s->conns; c != NULL; c = next) {
		next = c->next;
		bufferevent_decref(c->bev);
		free(c);
	}
	s->conns = NULL;
	free(s->byfd);
	s->byfd = NULL;
	s->nbyfd = 0;
}

/* ---- answers ---- */

static void
srv_headers(struct evhttp_request *req, const char *type)
{
	struct evkeyvalq *h = evhttp_request_get_output_headers(req);

	evhttp_add_header(h, "Content-Type", type);
	evhttp_add_header(h, "X-Content-Type-Options", "nosniff");
	evhttp_add_header(h, "Referrer-Policy", "no-referrer");
	evhttp_add_header(h, "X-Frame-Options", "DENY");
}

/* A short, printable rendering of the request's path for the log. */
static void
srv_log(struct srv *s, struct evhttp_request *req, int status, long long t0)
{
	struct evhttp_connection *evcon = evhttp_request_get_connection(req);
	const char *uri = evhttp_request_get_uri(req);
	char addr[INET6_ADDRSTRLEN] = "-", path[121];
	size_t i;

	if (s->cfg->quiet)
		return;
	if (evcon != NULL) {
		const struct sockaddr *sa = evhttp_connection_get_addr(evcon);

		if (sa && sa->sa_family == AF_INET)
			inet_ntop(AF_INET, &((const struct sockaddr_in *)
			    (const void *)sa)->sin_addr, addr, sizeof(addr));
		else if (sa && sa->sa_family == AF_INET6)
			inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)
			    (const void *)sa)->sin6_addr, addr, sizeof(addr));
	}
	for (i = 0; uri && uri[i] && i < sizeof(path) - 1; i++)
		path[i] = uri[i] > 0x20 && uri[i] < 0x7f ? uri[i] : '?';
	path[i] = '\0';
	fprintf(stderr, "mxdiag serve: %s \"%s\" %d %lld ms\n", addr, path,
	    status, util_now_ms() - t0);
}

/* An answer is going out on req's connection: its clock restarts. */
static void
srv_answered(struct srv *s, struct evhttp_request *req, int status,
    long long t0)
{
	struct evhttp_connection *evcon = evhttp_request_get_connection(req);
	struct srv_conn *c = evcon ? srv_conn_of(s, evcon) : NULL;

	if (c != NULL)
		c->since = util_now_ms();
	srv_log(s, req, status, t0);
}

static void
srv_send_json(struct srv *s, struct evhttp_request *req, int status,
    json_t *doc, long long t0)
{
	struct evbuffer *body = evbuffer_new();
	char *text = json_dumps(doc, JSON_COMPACT);

	srv_headers(req, "application/json");
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Cache-Control", "no-store");
	if (text != NULL) {
		evbuffer_add(body, text, strlen(text));
		evbuffer_add(body, "\n", 1);
		free(text);
	}
	srv_answered(s, req, status, t0);
	evhttp_send_reply(req, status, status == 200 ? "OK" :
	    status == 400 ? "Bad Request" : status == 404 ? "Not Found" :
	    status == 405 ? "Method Not Allowed" : status == 422 ?
	    "Unprocessable Content" : status == 429 ? "Too Many Requests" :
	    status == 503 ? "Service Unavailable" : "Error", body);
	evbuffer_free(body);
}

static void
srv_send_error(struct srv *s, struct evhttp_request *req, int status,
    const char *code, long long t0, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

static void
srv_send_error(struct srv *s, struct evhttp_request *req, int status,
    const char *code, long long t0, const char *fmt, ...)
{
	va_list ap;
	char *msg;
	json_t *doc;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	doc = json_pack("{s:{s:s, s:s}}", "error", "code", code, "message",
	    msg);
	free(msg);
	srv_send_json(s, req, status, doc, t0);
	json_decref(doc);
}

static void
srv_retry_after(struct evhttp_request *req, unsigned long long seconds)
{
	char v[24];

	snprintf(v, sizeof(v), "%llu", seconds ? seconds : 1);
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Retry-After", v);
}

/* ---- API calls ---- */

/* Leave the loop once the last answers are written and the probes have
 * freed themselves (both take a turn or two of the loop). */
static void
srv_finish_soon(struct srv *s)
{
	struct timeval tv = { 0, 200 * 1000 };

	event_base_loopexit(s->base, &tv);
}

static void
srv_call_unlink(struct srv_call *c)
{
	struct srv *s = c->s;

	if (c->prev)
		c->prev->next = c->next;
	else
		s->calls = c->next;
	if (c->next)
		c->next->prev = c->prev;
	s->running--;
	if (s->stopping && s->running == 0)
		srv_finish_soon(s);
}

/* The client closed while its check runs: the request is gone with the
 * connection; the check's result will be dropped. */
static void
srv_call_orphan(struct evhttp_connection *evcon, void *arg)
{
	struct srv_call *c = arg;

	c->req = NULL;
	if (c->conn != NULL)
		c->conn->busy--;
	c->conn = NULL;
	c->s->dropped++;
}

/* Answer (unless the client left) and forget the call. */
static void
srv_call_finish(struct srv_call *c, int status, json_t *doc)
{
	if (c->req != NULL) {
		if (c->conn != NULL)
			c->conn->busy--;
		evhttp_connection_set_closecb(c->evcon, NULL, NULL);
		srv_send_json(c->s, c->req, status, doc, c->t0);
		c->s->served++;
	}
	json_decref(doc);
	srv_call_unlink(c);
	check_batch_free(c->batch);
	free(c);
}

static void
srv_tool_done(json_t *result, void *arg)
{
	struct srv_call *c = arg;
	json_t *sc = json_object_get(result, "structuredContent");

	if (json_is_true(json_object_get(result, "isError")) || sc == NULL) {
		json_t *text = json_object_get(json_array_get(
		    json_object_get(result, "content"), 0), "text");

		srv_call_finish(c, 400, json_pack("{s:{s:s, s:s}}", "error",
		    "code", "bad_request", "message", json_is_string(text) ?
		    json_string_value(text) : "the check could not start"));
	} else {
		srv_call_finish(c, 200, json_incref(sc));
	}
	json_decref(result);
}

static void
srv_check_done(struct check_batch *b, void *arg)
{
	struct srv_call *c = arg;

	if (check_batch_refused(b) > 0)
		srv_call_finish(c, 422, json_pack("{s:{s:s, s:s}}", "error",
		    "code", "refused_target", "message",
		    check_batch_refusal(b)));
	else
		srv_call_finish(c, 200, check_batch_json(b,
		    report_json_resolvers(c->s->cfg->dns)));
}

/* Start /api/v1/check: the target is an address or a host name, never a
 * URL or HOST:PORT (the port is its own parameter). */
static int
srv_start_check(struct srv_call *c, json_t *args, char *err, size_t errlen)
{
	const struct serve_config *cfg = c->s->cfg;
	const char *t = json_string_value(json_object_get(args, "target"));
	json_t *port = json_object_get(args, "port");
	struct check_batch_options bo;
	const char *spec = c->target;
	struct in6_addr a6;

	if (strlen(t) >= sizeof(c->target) || (strchr(t, ':') != NULL &&
	    inet_pton(AF_INET6, t, &a6) != 1) ||
	    strpbrk(t, "/?#@[] ") != NULL) {
		snprintf(err, errlen, "target: %s", mcp_target_problem(t));
		return -1;
	}
	memcpy(c->target, t, strlen(t) + 1);
	memset(&bo, 0, sizeof(bo));
	bo.id.no_smtp = json_is_true(json_object_get(args, "no_smtp"));
	bo.id.smtp.ehlo_name = cfg->ehlo;
	bo.id.smtp.connect_timeout_ms = cfg->timeout_ms;
	bo.id.smtp.greeting_timeout_ms = cfg->timeout_ms;
	bo.id.smtp.command_timeout_ms = cfg->timeout_ms;
	bo.port = port ? (int)json_integer_value(port) : 25;
	bo.family = AF_UNSPEC;
	bo.timeout_ms = cfg->timeout_ms;
	bo.gate = true;
	bo.allow_private = cfg->allow_private;
	c->batch = check_batch_new(&bo, &spec, 1, err, errlen);
	if (c->batch == NULL)
		return -1;
	check_batch_start(c->batch, c->s->base, cfg->res, cfg->lookup,
	    srv_check_done, c);
	return 0;
}

static void
srv_api(struct srv *s, struct evhttp_request *req, const char *path,
    long long t0)
{
	const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(req);
	struct evhttp_connection *evcon = evhttp_request_get_connection(req);
	const struct sockaddr *sa = evhttp_connection_get_addr(evcon);
	struct api_request ar;
	struct srv_call *c;
	char err[512];
	uint64_t wait;
	int status;

	if (s->rl != NULL && sa != NULL &&
	    (wait = ratelimit_take(s->rl, sa, (uint64_t)t0)) > 0) {
		s->limited++;
		srv_retry_after(req, (wait + 999) / 1000);
		srv_send_error(s, req, 429, "rate_limited", t0, "too many "
		    "requests from this address: ask again in %llu s",
		    (unsigned long long)(wait + 999) / 1000);
		return;
	}
	status = api_parse(path, evhttp_uri_get_query(uri), &ar, err,
	    sizeof(err));
	if (status != 0) {
		srv_send_error(s, req, status, status == 404 ? "not_found" :
		    "bad_request", t0, "%s", err);
		return;
	}
	if (s->running >= s->cfg->max_checks) {
		s->busy++;
		json_decref(ar.args);
		srv_retry_after(req, 2);
		srv_send_error(s, req, 503, "busy", t0, "%u checks are "
		    "running, the most this server runs at once: ask again "
		    "in a few seconds", s->running);
		return;
	}
	c = xcalloc(1, sizeof(*c));
	c->s = s;
	c->req = req;
	c->evcon = evcon;
	c->ep = ar.ep;
	c->t0 = t0;
	c->next = s->calls;
	if (s->calls)
		s->calls->prev = c;
	s->calls = c;
	s->running++;
	if ((c->conn = srv_conn_of(s, evcon)) != NULL)
		c->conn->busy++;
	evhttp_connection_set_closecb(evcon, srv_call_orphan, c);
	if (ar.ep == API_CHECK) {
		status = srv_start_check(c, ar.args, err, sizeof(err));
	} else {
		enum mcp_tools_status ts = mcp_tools_call(&s->tools, ar.tool,
		    ar.args, srv_tool_done, c, err, sizeof(err));

		/* A tool that refused its arguments never calls back. */
		status = ts == MCP_TOOLS_STARTED ? 0 : -1;
	}
	json_decref(ar.args);
	if (status != 0)
		srv_call_finish(c, 400, json_pack("{s:{s:s, s:s}}", "error",
		    "code", "bad_request", "message", err));
}

/* ---- everything else ---- */

static void
srv_asset(struct srv *s, struct evhttp_request *req,
    const struct serve_asset *a, long long t0)
{
	struct evkeyvalq *in = evhttp_request_get_input_headers(req);
	struct evkeyvalq *out = evhttp_request_get_output_headers(req);
	const char *inm = evhttp_find_header(in, "If-None-Match");
	struct evbuffer *body;

	srv_headers(req, a->type);
	evhttp_add_header(out, "ETag", a->etag);
	evhttp_add_header(out, "Cache-Control", "no-cache");
	if (strncmp(a->type, "text/html", 9) == 0)
		evhttp_add_header(out, "Content-Security-Policy",
		    "default-src 'self'; img-src 'self' data:; style-src "
		    "'self'; script-src 'self'; connect-src 'self'; "
		    "frame-ancestors 'none'; base-uri 'none'; form-action "
		    "'self'");
	if (inm != NULL && strcmp(inm, a->etag) == 0) {
		srv_answered(s, req, 304, t0);
		evhttp_send_reply(req, 304, "Not Modified", NULL);
		return;
	}
	body = evbuffer_new();
	evbuffer_add_reference(body, a->data, a->len, NULL, NULL);
	srv_answered(s, req, 200, t0);
	evhttp_send_reply(req, 200, "OK", body);
	evbuffer_free(body);
}

static void
srv_request(struct evhttp_request *req, void *arg)
{
	struct srv *s = arg;
	const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(req);
	const char *path = uri ? evhttp_uri_get_path(uri) : NULL;
	enum evhttp_cmd_type m = evhttp_request_get_command(req);
	long long t0 = util_now_ms();

	if (m != EVHTTP_REQ_GET && m != EVHTTP_REQ_HEAD) {
		evhttp_add_header(evhttp_request_get_output_headers(req),
		    "Allow", "GET, HEAD");
		srv_send_error(s, req, 405, "method_not_allowed", t0,
		    "only GET and HEAD");
		return;
	}
	if (path == NULL || path[0] != '/') {
		srv_send_error(s, req, 400, "bad_request", t0,
		    "the request target is not a path");
		return;
	}
	if (s->stopping) {
		evhttp_add_header(evhttp_request_get_output_headers(req),
		    "Connection", "close");
		srv_retry_after(req, 5);
		srv_send_error(s, req, 503, "busy", t0, "shutting down");
		return;
	}
	if (strcmp(path, "/healthz") == 0) {
		json_t *doc = json_pack("{s:s, s:i, s:i}", "status", "ok",
		    "checks_running", (int)s->running, "connections",
		    (int)s->nconns);

		srv_send_json(s, req, 200, doc, t0);
		json_decref(doc);
		return;
	}
	for (size_t i = 0; i < serve_nassets; i++)
		if (strcmp(path, serve_assets[i].path) == 0) {
			srv_asset(s, req, &serve_assets[i], t0);
			return;
		}
	if (strncmp(path, API_PREFIX, strlen(API_PREFIX)) == 0) {
		srv_api(s, req, path, t0);
		return;
	}
	srv_send_error(s, req, 404, "not_found", t0, "no such page");
}

/* ---- setup ---- */

static void
srv_drain_timeout(evutil_socket_t fd, short what, void *arg)
{
	struct srv *s = arg;

	fprintf(stderr, "mxdiag serve: %u checks still running after %d s; "
	    "leaving them\n", s->running, SRV_DRAIN_MS / 1000);
	event_base_loopbreak(s->base);
}

/* SIGINT/SIGTERM: stop accepting, let running checks finish. */
static void
srv_signal(evutil_socket_t sig, short what, void *arg)
{
	struct srv *s = arg;
	struct timeval tv = { SRV_DRAIN_MS / 1000, 0 };

	if (s->stopping)
		return;
	s->stopping = true;
	srv_listeners(s, false);
	fprintf(stderr, "mxdiag serve: signal %d: finishing %u running "
	    "checks\n", (int)sig, s->running);
	if (s->running == 0) {
		srv_finish_soon(s);
		return;
	}
	s->drain = evtimer_new(s->base, srv_drain_timeout, s);
	evtimer_add(s->drain, &tv);
}

/* Bind ADDR:PORT ([IPv6]:PORT). */
static int
srv_bind(struct srv *s, const char *spec)
{
	struct sockaddr_storage ss;
	int sslen = sizeof(ss);
	struct evconnlistener *lev;
	struct evhttp_bound_socket *bs;

	if (evutil_parse_sockaddr_port(spec, (struct sockaddr *)&ss,
	    &sslen) != 0 || strrchr(spec, ':') == NULL ||
	    (ss.ss_family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port :
	    ((struct sockaddr_in6 *)&ss)->sin6_port) == 0) {
		fprintf(stderr, "mxdiag serve: --listen %s: not ADDR:PORT\n",
		    spec);
		return -1;
	}
	lev = evconnlistener_new_bind(s->base, NULL, NULL,
	    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE | LEV_OPT_CLOSE_ON_EXEC,
	    1024, (struct sockaddr *)&ss, sslen);
	if (lev == NULL) {
		fprintf(stderr, "mxdiag serve: --listen %s: %s\n", spec,
		    strerror(errno));
		return -1;
	}
	bs = evhttp_bind_listener(s->http, lev);
	if (bs == NULL) {
		evconnlistener_free(lev);
		fprintf(stderr, "mxdiag serve: --listen %s: cannot serve "
		    "HTTP on it\n", spec);
		return -1;
	}
	s->lev[s->nlev++] = lev;
	return 0;
}

int
serve_run(const struct serve_config *cfg)
{
	struct srv s;
	struct timeval idle = { cfg->idle_timeout_s, 0 };
	struct timeval sweep_tv = { 0, SRV_SWEEP_MS * 1000 };
	int rc = -1;

	memset(&s, 0, sizeof(s));
	s.cfg = cfg;
	s.base = cfg->base;
	s.tools.base = cfg->base;
	s.tools.res = cfg->res;
	s.tools.allow_private = cfg->allow_private;
	s.tools.timeout_ms = cfg->timeout_ms;
	s.tools.ehlo = cfg->ehlo;
	s.tools.dns = cfg->dns;
	s.tools.ca_file = cfg->ca_file;
	if (cfg->rate_milli > 0) {
		struct ratelimit_config rc_cfg = { cfg->rate_milli,
		    cfg->burst, cfg->max_clients };

		if ((s.rl = ratelimit_new(&rc_cfg)) == NULL) {
			fprintf(stderr, "mxdiag serve: bad rate limit\n");
			return -1;
		}
	}
	s.http = evhttp_new(cfg->base);
	evhttp_set_allowed_methods(s.http, EVHTTP_REQ_GET | EVHTTP_REQ_HEAD |
	    EVHTTP_REQ_POST | EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE |
	    EVHTTP_REQ_OPTIONS | EVHTTP_REQ_PATCH);
	evhttp_set_max_headers_size(s.http, SERVE_HEADERS_MAX);
	evhttp_set_max_body_size(s.http, 0);
	evhttp_set_timeout_tv(s.http, &idle);
	evhttp_set_bevcb(s.http, srv_bevcb, &s);
	evhttp_set_gencb(s.http, srv_request, &s);
	for (size_t i = 0; i < cfg->nlisten; i++)
		if (srv_bind(&s, cfg->listen[i]) != 0)
			goto out;
	s.sig[0] = evsignal_new(cfg->base, SIGINT, srv_signal, &s);
	s.sig[1] = evsignal_new(cfg->base, SIGTERM, srv_signal, &s);
	evsignal_add(s.sig[0], NULL);
	evsignal_add(s.sig[1], NULL);
	s.sweep = event_new(cfg->base, -1, EV_PERSIST, srv_sweep, &s);
	event_add(s.sweep, &sweep_tv);
	signal(SIGPIPE, SIG_IGN);
	for (size_t i = 0; i < cfg->nlisten; i++)
		fprintf(stderr, "mxdiag serve: listening on http://%s/%s\n",
		    cfg->listen[i], cfg->allow_private ?
		    " (private addresses allowed)" : "");
	event_base_dispatch(cfg->base);
	fprintf(stderr, "mxdiag serve: done: %llu answered, %llu rate-"
	    "limited, %llu busy, %llu clients left early, %llu slow clients "
	    "cut off\n", s.served, s.limited, s.busy, s.dropped, s.cut);
	rc = 0;
out:
	/* Connections go first: their close callbacks orphan the calls
	 * that are left (only after the drain deadline). */
	s.stopping = true;
	evhttp_free(s.http);
	srv_conns_free(&s);
	if (s.sweep)
		event_free(s.sweep);
	for (size_t i = 0; i < 2; i++)
		if (s.sig[i])
			event_free(s.sig[i]);
	if (s.drain)
		event_free(s.drain);
	ratelimit_free(s.rl);
	return rc;
}
