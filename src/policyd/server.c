/* SPDX-License-Identifier: MIT */
/*
 * policyd's server: listeners (inet and unix), one read event and buffer
 * (plus a bufferevent for replies the socket does not take) per Postfix
 * connection, the policy protocol on it (one request at a time, many per
 * connection, replies in order), the decision log and the counters.
 *
 * Trouble of our own or a broken request is logged and the connection is
 * dropped without a reply, so that Postfix applies its
 * smtpd_policy_service_default_action. A connection that stops half-way
 * through a request is dropped after request_timeout_ms; an idle one after
 * idle_timeout_ms. Beyond max_conns the listeners pause until a
 * connection ends.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <event2/util.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "dns/cache.h"
#include "policyd/policyd.h"
#include "policyd/request.h"
#include "util/util.h"

#define PD_LOG_FLUSH_MS		200
#define PD_ACCEPT_PAUSE_MS	1000
#define PD_HISTO_BUCKETS	24	/* latency powers of two, µs */
/* A connection's input: one whole request and the start of the next line
 * fit, so that reading pauses (a check running, more than a request
 * waiting) before the buffer can fill. */
#define PD_INBUF		(POLICY_REQUEST_MAX + POLICY_LINE_MAX + 2)

struct pd_stats {
	unsigned long	requests;
	unsigned long	connections_total;
	unsigned long	protocol_errors;
	unsigned long	timeouts;
	unsigned long	exempt;
	unsigned long	repeats;	/* same instance: answered from memory */
	unsigned long	actions[PD_ACT_DUNNO + 1];
	unsigned long	iprev[IPREV_PERMERROR + 1];
	unsigned long	helo_mismatch;
	unsigned long	dns_temporary;	/* decisions with a temporary DNS failure */
	unsigned long	latency[PD_HISTO_BUCKETS];
	size_t		connections;
	size_t		connections_peak;
};

struct pd_conn;

struct pd_server {
	struct event_base		*base;
	const struct pd_server_config	*cfg;
	dns_resolver			*res;
	struct dns_cache		*cache;
	struct dns_lookup		 upstream;
	struct dns_lookup		 lk;
	struct evconnlistener		*ls[PD_LISTEN_MAX];
	size_t				 nls;
	struct evconnlistener		*stats_ls;
	bool				 paused;
	struct event			*resume_ev;
	FILE				*log;
	bool				 log_dirty;
	time_t				 log_sec;	/* of log_date */
	char				 log_date[32];
	long				 pid;
	struct event			*flush_ev;
	struct event			*sig[4];
	long long			 started_ms;
	struct pd_stats			 st;
	LIST_HEAD(, pd_conn)		 conns;
};

/* One request being checked. It outlives its connection if Postfix hangs
 * up first (conn is then NULL and the result is dropped). */
struct pd_job {
	struct pd_conn	*conn;
	struct timespec	 t0;
	char		 client[INET6_ADDRSTRLEN];
	char		 helo[256];
	char		 state[32];
	char		 queue_id[32];
	char		 instance[64];
};

/*
 * Requests are read with recv() into inbuf by an event of our own: the
 * bufferevent's reading (evbuffer_read) costs an ioctl(FIONREAD) system
 * call per read, a quarter of a request's system calls. The bufferevent
 * carries the replies that the socket does not take at once, and reports
 * errors and timeouts while writing them.
 */
struct pd_conn {
	struct pd_server	*srv;
	struct bufferevent	*bev;
	struct event		*rev;		/* readable, or the read timeout */
	struct pd_job		*job;
	LIST_ENTRY(pd_conn)	 entry;
	bool			 read_paused;
	bool			 eof;		/* the client sent all it will */
	/* The last decision: requests of the same message (instance) get
	 * no second header, and the same rejection again. */
	char			 last_instance[64];
	char			 last_client[INET6_ADDRSTRLEN];
	enum pd_action_kind	 last_kind;
	char			 last_action[PD_ACTION_MAX];
	struct policy_request	 rq;
	size_t			 ioff, ilen;	/* unparsed: inbuf[ioff, +ilen) */
	char			 inbuf[PD_INBUF];
};

static void pd_conn_process(struct pd_conn *c);

/* ---- log ---- */

/* The decision log's buffer (glibc takes setvbuf's size only with a
 * buffer of the caller's); static, as the log may be stderr. */
static char pd_logbuf[1 << 16];

static void
pd_log(struct pd_server *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
pd_log(struct pd_server *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (s->cfg->syslog) {
		char line[2048];

		vsnprintf(line, sizeof(line), fmt, ap);
		va_end(ap);
		syslog(LOG_MAIL | LOG_INFO, "%s", line);
		return;
	}
	{
		struct timeval tv;

		if (event_base_gettimeofday_cached(s->base, &tv) != 0)
			gettimeofday(&tv, NULL);
		/* The date changes once a second; the process id never. */
		if (tv.tv_sec != s->log_sec || s->log_date[0] == '\0') {
			struct tm tm;

			gmtime_r(&tv.tv_sec, &tm);
			strftime(s->log_date, sizeof(s->log_date),
			    "%Y-%m-%dT%H:%M:%S", &tm);
			s->log_sec = tv.tv_sec;
		}
		/* "DATE.mmmZ mxdiag-policyd[PID]: ", put together by hand:
		 * through fprintf it cost as much as the rest of the line. */
		{
			char pre[96];
			size_t n = strlen(s->log_date);
			unsigned ms = (unsigned)(tv.tv_usec / 1000);

			memcpy(pre, s->log_date, n);
			pre[n++] = '.';
			pre[n++] = (char)('0' + ms / 100 % 10);
			pre[n++] = (char)('0' + ms / 10 % 10);
			pre[n++] = (char)('0' + ms % 10);
			memcpy(pre + n, "Z mxdiag-policyd[", 17);
			n += 17;
			n += util_put_ulong(pre + n, (unsigned long)s->pid);
			memcpy(pre + n, "]: ", 3);
			n += 3;
			fwrite(pre, 1, n, s->log);
		}
		/* Straight into the stdio buffer: no second formatting pass. */
		vfprintf(s->log, fmt, ap);
		putc('\n', s->log);
	}
	va_end(ap);
	s->log_dirty = true;
}

static void
pd_log_flush(evutil_socket_t fd, short what, void *arg)
{
	struct pd_server *s = arg;

	if (s->log_dirty && s->log != NULL) {
		fflush(s->log);
		s->log_dirty = false;
	}
}

/* ---- counters ---- */

static double
pd_latency_quantile(const struct pd_stats *st, double q)
{
	unsigned long total = 0, seen = 0;

	for (size_t i = 0; i < PD_HISTO_BUCKETS; i++)
		total += st->latency[i];
	if (total == 0)
		return 0.0;
	for (size_t i = 0; i < PD_HISTO_BUCKETS; i++) {
		seen += st->latency[i];
		if ((double)seen >= q * (double)total)
			return (double)(1UL << i) / 1000.0;
	}
	return (double)(1UL << (PD_HISTO_BUCKETS - 1)) / 1000.0;
}

static json_t *
pd_stats_json(struct pd_server *s)
{
	struct dns_cache_stats cs;
	struct dns_stats ds;
	const struct pd_stats *st = &s->st;
	json_t *actions = json_object(), *iprev = json_object();

	dns_cache_stats(s->cache, &cs);
	dns_resolver_stats(s->res, &ds);
	for (int k = PD_ACT_PREPEND; k <= PD_ACT_DUNNO; k++)
		json_object_set_new(actions, pd_action_kind_name(k),
		    json_integer((json_int_t)st->actions[k]));
	for (int r = IPREV_PASS; r <= IPREV_PERMERROR; r++)
		json_object_set_new(iprev, iprev_result_name(r),
		    json_integer((json_int_t)st->iprev[r]));
	return json_pack("{s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, "
	    "s:I, s:o, s:o, s:I, s:I, s:{s:f, s:f}, "
	    "s:{s:I, s:I, s:I, s:I, s:I, s:I}, s:{s:I, s:I, s:I, s:I}}",
	    "schema", "mxdiag.policyd-stats/1",
	    "uptime_s", (json_int_t)((util_now_ms() - s->started_ms) / 1000),
	    "requests", (json_int_t)st->requests,
	    "connections", (json_int_t)st->connections,
	    "connections_peak", (json_int_t)st->connections_peak,
	    "connections_total", (json_int_t)st->connections_total,
	    "protocol_errors", (json_int_t)st->protocol_errors,
	    "timeouts", (json_int_t)st->timeouts,
	    "exempt", (json_int_t)st->exempt,
	    "repeats", (json_int_t)st->repeats,
	    "actions", actions, "iprev", iprev,
	    "helo_mismatch", (json_int_t)st->helo_mismatch,
	    "dns_temporary", (json_int_t)st->dns_temporary,
	    "latency_ms", "p50", pd_latency_quantile(st, 0.50),
	    "p99", pd_latency_quantile(st, 0.99),
	    "cache", "hits", (json_int_t)cs.hits,
	    "misses", (json_int_t)cs.misses,
	    "coalesced", (json_int_t)cs.coalesced,
	    "entries", (json_int_t)cs.entries,
	    "evicted", (json_int_t)cs.evicted,
	    "expired", (json_int_t)cs.expired,
	    "dns", "sent", (json_int_t)ds.sent,
	    "answered", (json_int_t)ds.answered,
	    "timeouts", (json_int_t)ds.timeouts,
	    "failures", (json_int_t)ds.failures);
}

static void
pd_log_stats(struct pd_server *s)
{
	json_t *js = pd_stats_json(s);
	char *txt = js ? json_dumps(js, JSON_COMPACT) : NULL;

	pd_log(s, "stats %s", txt ? txt : "{}");
	free(txt);
	json_decref(js);
}

/* ---- connections ---- */

static void
pd_listeners_set(struct pd_server *s, bool on)
{
	for (size_t i = 0; i < s->nls; i++) {
		if (on)
			evconnlistener_enable(s->ls[i]);
		else
			evconnlistener_disable(s->ls[i]);
	}
	s->paused = !on;
}

static void
pd_conn_close(struct pd_conn *c)
{
	struct pd_server *s = c->srv;

	if (c->job != NULL)
		c->job->conn = NULL;
	LIST_REMOVE(c, entry);
	event_free(c->rev);
	bufferevent_free(c->bev);
	free(c);
	s->st.connections--;
	if (s->paused && s->st.connections < s->cfg->max_conns &&
	    !evtimer_pending(s->resume_ev, NULL))
		pd_listeners_set(s, true);
}

/* A broken request or trouble of ours: log, no reply, hang up. */
static void
pd_conn_abort(struct pd_conn *c, const char *why)
{
	c->srv->st.protocol_errors++;
	pd_log(c->srv, "error: %s; closing the connection without a reply",
	    why);
	pd_conn_close(c);
}

static void
pd_conn_timeouts(struct pd_conn *c)
{
	const struct pd_server_config *cfg = c->srv->cfg;
	bool mid = c->rq.nattrs > 0 || c->ilen > 0;
	int ms = mid ? cfg->request_timeout_ms : cfg->idle_timeout_ms;
	struct timeval tv = { ms / 1000, (ms % 1000) * 1000 };

	/* While a check runs, Postfix waits for us: no read timeout. Adding
	 * an event already added changes its timeout, no system call. */
	if (!c->eof && !c->read_paused) {
		if (c->job != NULL) {
			event_add(c->rev, NULL);
			event_remove_timer(c->rev);
		} else
			event_add(c->rev, &tv);
	}
	if (evbuffer_get_length(bufferevent_get_output(c->bev)) > 0)
		bufferevent_set_timeouts(c->bev, NULL, &tv);
}

static void
pd_reply(struct pd_conn *c, const char *action)
{
	struct evbuffer *out = bufferevent_get_output(c->bev);
	char buf[sizeof("action=") - 1 + PD_ACTION_MAX + 2];
	size_t alen = strlen(action), len, off = 0;
	ssize_t n;

	if (alen > sizeof(buf) - 9) {	/* never: actions fit PD_ACTION_MAX */
		evbuffer_add(out, "action=", 7);
		evbuffer_add(out, action, alen);
		evbuffer_add(out, "\n\n", 2);
		return;
	}
	memcpy(buf, "action=", 7);
	memcpy(buf + 7, action, alen);
	memcpy(buf + 7 + alen, "\n\n", 2);
	len = alen + 9;
	/* One request at a time: the output is empty nearly always. Writing
	 * at once spares the bufferevent's arming and disarming of its write
	 * event, two epoll_ctl calls per reply (a third of the system calls
	 * of a request answered from the cache); what the socket does not
	 * take goes through the bufferevent as before, and so does any
	 * error. */
	if (evbuffer_get_length(out) == 0) {
		n = send(bufferevent_getfd(c->bev), buf, len,
		    MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n > 0)
			off = (size_t)n;
	}
	if (off < len)
		evbuffer_add(out, buf + off, len - off);
}

static unsigned long
pd_elapsed_us(const struct timespec *t0)
{
	struct timespec t1;
	long long us;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	us = (long long)(t1.tv_sec - t0->tv_sec) * 1000000 +
	    (t1.tv_nsec - t0->tv_nsec) / 1000;
	return us > 0 ? (unsigned long)us : 0;
}

static void
pd_latency_add(struct pd_stats *st, unsigned long us)
{
	size_t b = 0;

	while (b + 1 < PD_HISTO_BUCKETS && (1UL << b) < us)
		b++;
	st->latency[b]++;
}

/*
 * The decision line, appended piece by piece: written through printf
 * (thirteen arguments and a float) it cost a tenth of a cold request.
 * The text is the same: client=... helo=... ptr=... iprev=...[ reason="..."]
 * helo_form=... helo_ptr=... helo_fwd=... state=... queue_id=...
 * action=... ms=N.NNN. Every part is bounded; the line is cut, never
 * overrun, in the impossible case that they do not fit.
 */
struct pd_line {
	size_t	n;
	char	b[2048];
};

static void
pd_line_put(struct pd_line *l, const char *str)
{
	size_t room = sizeof(l->b) - 1 - l->n, k = strlen(str);

	if (k > room)
		k = room;
	memcpy(l->b + l->n, str, k);
	l->n += k;
}

static void
pd_line_kv(struct pd_line *l, const char *key, const char *val)
{
	pd_line_put(l, key);
	pd_line_put(l, val);
}

static void
pd_log_decision(struct pd_server *s, const struct pd_job *job,
    const struct pd_facts *f, const struct pd_verdict *v,
    const struct pd_decision *d, const char *ptr, unsigned long us)
{
	struct pd_line l;
	char ms[48];
	size_t k;

	l.n = 0;
	pd_line_kv(&l, "client=", job->client);
	pd_line_kv(&l, " helo=", job->helo[0] ? job->helo : "-");
	pd_line_kv(&l, " ptr=", ptr);
	pd_line_kv(&l, " iprev=", iprev_result_name(v->iprev));
	if (v->reason[0]) {
		pd_line_kv(&l, " reason=\"", v->reason);
		pd_line_put(&l, "\"");
	}
	pd_line_kv(&l, " helo_form=", pd_helo_form_name(f->helo_form));
	pd_line_kv(&l, " helo_ptr=", v->helo_ptr == PD_HELO_PTR_MATCH ?
	    "match" : v->helo_ptr == PD_HELO_PTR_MISMATCH ? "mismatch" : "-");
	pd_line_kv(&l, " helo_fwd=", !f->helo_looked_up ? "-" :
	    f->helo_confirms ? "pass" :
	    dns_outcome_is_temporary(f->helo_outcome) ? "temperror" : "fail");
	pd_line_kv(&l, " state=", job->state[0] ? job->state : "-");
	pd_line_kv(&l, " queue_id=", job->queue_id[0] ? job->queue_id : "-");
	pd_line_kv(&l, " action=", pd_action_kind_name(d->kind));
	/* us / 1000 with three decimals, as "%.3f" of us / 1000.0 prints
	 * it (exact: us is whole). */
	k = util_put_ulong(ms, us / 1000);
	ms[k++] = '.';
	ms[k++] = (char)('0' + us / 100 % 10);
	ms[k++] = (char)('0' + us / 10 % 10);
	ms[k++] = (char)('0' + us % 10);
	ms[k] = '\0';
	pd_line_kv(&l, " ms=", ms);
	l.b[l.n] = '\0';
	pd_log(s, "%s", l.b);
}

static void
pd_job_done(struct pd_facts *f, void *arg)
{
	struct pd_job *job = arg;
	struct pd_conn *c = job->conn;
	struct pd_server *s;
	struct pd_verdict v;
	struct pd_decision d;
	char ptr[256];
	unsigned long us;

	if (c == NULL) {	/* Postfix hung up meanwhile */
		free(job);
		return;
	}
	s = c->srv;
	pd_judge(f, &v);
	pd_decide(&s->cfg->policy, f, &v, &d);
	pd_reply(c, d.action);

	us = pd_elapsed_us(&job->t0);
	pd_latency_add(&s->st, us);
	s->st.actions[d.kind]++;
	s->st.iprev[v.iprev]++;
	if (v.helo_ptr == PD_HELO_PTR_MISMATCH)
		s->st.helo_mismatch++;
	if (v.iprev == IPREV_TEMPERROR || (f->helo_looked_up &&
	    dns_outcome_is_temporary(f->helo_outcome)))
		s->st.dns_temporary++;
	pd_safe_copy(ptr, sizeof(ptr), v.ptr_name);
	pd_log_decision(s, job, f, &v, &d, v.ptr_name ? ptr : "-", us);

	util_strlcpy(c->last_instance, job->instance, sizeof(c->last_instance));
	util_strlcpy(c->last_client, job->client, sizeof(c->last_client));
	c->last_kind = d.kind;
	util_strlcpy(c->last_action, d.action, sizeof(c->last_action));
	c->job = NULL;
	free(job);
	if (c->eof) {
		/* Complete requests still buffered are answered; the write
		 * callback closes when the last reply is out. */
		pd_conn_process(c);
		return;
	}
	/* Reading resumes in pd_conn_timeouts. */
	c->read_paused = false;
	pd_conn_process(c);
}

static bool
pd_exempt(const struct pd_config *cfg, const struct policy_request *rq,
    int af, const void *addr, const char **why)
{
	if (cfg->exempt_sasl && rq->sasl_username != NULL &&
	    rq->sasl_username[0] != '\0') {
		*why = "authenticated";
		return true;
	}
	for (size_t i = 0; i < cfg->nexempt; i++) {
		if (pd_net_contains(&cfg->exempt[i], af, addr)) {
			*why = "exempt network";
			return true;
		}
	}
	return false;
}

/* A whole request has been read: answer it, or start its check. Returns
 * false when the connection was closed. */
static bool
pd_conn_request(struct pd_conn *c)
{
	struct pd_server *s = c->srv;
	const struct policy_request *rq = &c->rq;
	char client[INET6_ADDRSTRLEN], helo[256];
	uint8_t addr[16];
	const char *why;
	struct pd_job *job;
	int af;

	s->st.requests++;
	if (rq->nattrs == 0)
		return pd_conn_abort(c, "empty request"), false;
	if (rq->request == NULL ||
	    strcmp(rq->request, "smtpd_access_policy") != 0) {
		char req[64];

		pd_safe_copy(req, sizeof(req), rq->request);
		pd_log(s, "error: request type \"%s\" is not "
		    "smtpd_access_policy", req);
		return pd_conn_abort(c, "unsupported request"), false;
	}
	if (rq->client_address == NULL)
		return pd_conn_abort(c, "request without client_address"),
		    false;
	if (inet_pton(AF_INET, rq->client_address, addr) == 1)
		af = AF_INET;
	else if (inet_pton(AF_INET6, rq->client_address, addr) == 1)
		af = AF_INET6;
	else {
		pd_safe_copy(client, sizeof(client), rq->client_address);
		pd_log(s, "error: client_address \"%s\" is no address",
		    client);
		return pd_conn_abort(c, "bad client_address"), false;
	}
	/* An IPv4 client on a dual-stack socket: judge the IPv4 address. */
	if (af == AF_INET6 && IN6_IS_ADDR_V4MAPPED((struct in6_addr *)addr)) {
		memmove(addr, addr + 12, 4);
		af = AF_INET;
	}
	util_ntop(af, addr, client, sizeof(client));
	pd_safe_copy(helo, sizeof(helo), rq->helo_name);

	if (pd_exempt(&s->cfg->policy, rq, af, addr, &why)) {
		s->st.exempt++;
		s->st.actions[PD_ACT_DUNNO]++;
		pd_reply(c, "DUNNO");
		pd_log(s, "client=%s helo=%s exempt=\"%s\" action=DUNNO",
		    client, helo[0] ? helo : "-", why);
		return true;
	}
	/* Postfix asks again for each recipient of one message: one header
	 * is enough, and a rejection stands. */
	if (rq->instance != NULL && rq->instance[0] != '\0' &&
	    strcmp(rq->instance, c->last_instance) == 0 &&
	    strcmp(client, c->last_client) == 0) {
		s->st.repeats++;
		if (c->last_kind == PD_ACT_PREPEND) {
			s->st.actions[PD_ACT_DUNNO]++;
			pd_reply(c, "DUNNO");
		} else {
			s->st.actions[c->last_kind]++;
			pd_reply(c, c->last_action);
		}
		return true;
	}

	job = xcalloc(1, sizeof(*job));
	job->conn = c;
	clock_gettime(CLOCK_MONOTONIC, &job->t0);
	util_strlcpy(job->client, client, sizeof(job->client));
	util_strlcpy(job->helo, helo, sizeof(job->helo));
	pd_safe_copy(job->state, sizeof(job->state), rq->protocol_state);
	pd_safe_copy(job->queue_id, sizeof(job->queue_id), rq->queue_id);
	util_strlcpy(job->instance, rq->instance ? rq->instance : "",
	    sizeof(job->instance));
	c->job = job;
	/* The raw HELO, not the log's copy: the check judges its syntax. */
	pd_check_start(&s->lk, af, addr, rq->helo_name, pd_job_done, job);
	return true;
}

/* Parse what has arrived; answer complete requests one at a time. */
static void
pd_conn_process(struct pd_conn *c)
{
	while (c->job == NULL) {
		size_t used = 0;
		enum policy_status st;

		if (c->ilen == 0)
			break;
		st = policy_request_feed(&c->rq, c->inbuf + c->ioff, c->ilen,
		    &used);
		c->ioff += used;
		c->ilen -= used;
		if (c->ilen == 0)
			c->ioff = 0;
		if (st == POLICY_MORE) {
			if (used == 0)
				break;
			continue;
		}
		if (st != POLICY_DONE) {
			pd_conn_abort(c, policy_status_str(st));
			return;
		}
		if (!pd_conn_request(c))
			return;
		policy_request_reset(&c->rq);
	}
	/* Postfix never sends a second request before the first is
	 * answered; whoever does waits, within one request's worth. */
	if (c->job != NULL && !c->read_paused && !c->eof &&
	    c->ilen > POLICY_REQUEST_MAX) {
		c->read_paused = true;
		event_del(c->rev);
	}
	/* The client is done and every answer is out (replies are often
	 * written straight to the socket, bypassing the write callback). */
	if (c->eof && c->job == NULL &&
	    evbuffer_get_length(bufferevent_get_output(c->bev)) == 0) {
		pd_conn_close(c);
		return;
	}
	pd_conn_timeouts(c);
}

static void
pd_conn_timeout(struct pd_conn *c)
{
	c->srv->st.timeouts++;
	if (c->rq.nattrs > 0 || c->ilen > 0)
		pd_log(c->srv, "error: request not completed within %d s; "
		    "closing", c->srv->cfg->request_timeout_ms / 1000);
	pd_conn_close(c);
}

static void
pd_conn_read(evutil_socket_t fd, short what, void *arg)
{
	struct pd_conn *c = arg;
	size_t room;
	ssize_t n;

	if (what & EV_TIMEOUT) {
		pd_conn_timeout(c);
		return;
	}
	if (c->ioff > 0) {
		memmove(c->inbuf, c->inbuf + c->ioff, c->ilen);
		c->ioff = 0;
	}
	room = sizeof(c->inbuf) - c->ilen;
	if (room == 0) {	/* never: reading pauses before */
		c->read_paused = true;
		event_del(c->rev);
		return;
	}
	n = recv(fd, c->inbuf + c->ilen, room, 0);
	if (n > 0) {
		c->ilen += (size_t)n;
		pd_conn_process(c);
		return;
	}
	if (n < 0) {
		int err = EVUTIL_SOCKET_ERROR();

		if (err == EAGAIN || err == EWOULDBLOCK || err == EINTR)
			return;
		if (err != ECONNRESET && err != EPIPE)
			pd_log(c->srv, "error: connection: %s",
			    evutil_socket_error_to_string(err));
		pd_conn_close(c);
		return;
	}
	/* End of file. A client that half-closes after its last request
	 * still gets the answers to what it sent: finish them, then
	 * close. */
	if (c->job != NULL ||
	    evbuffer_get_length(bufferevent_get_output(c->bev)) > 0) {
		c->eof = true;
		event_del(c->rev);
		return;
	}
	pd_conn_close(c);
}

/* After the client's end of file: close once every reply is out. */
static void
pd_conn_written(struct bufferevent *bev, void *arg)
{
	struct pd_conn *c = arg;

	if (c->eof && c->job == NULL)
		pd_conn_close(c);
}

/* The bufferevent writes only: its errors and timeouts are the
 * replies'. */
static void
pd_conn_event(struct bufferevent *bev, short what, void *arg)
{
	struct pd_conn *c = arg;

	if (what & BEV_EVENT_TIMEOUT) {
		pd_conn_timeout(c);
		return;
	}
	if (what & BEV_EVENT_ERROR) {
		int err = EVUTIL_SOCKET_ERROR();

		if (err != ECONNRESET && err != EPIPE)
			pd_log(c->srv, "error: connection: %s",
			    evutil_socket_error_to_string(err));
	}
	pd_conn_close(c);
}

static void
pd_accept(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa,
    int salen, void *arg)
{
	struct pd_server *s = arg;
	struct pd_conn *c;

	c = malloc(sizeof(*c));
	if (c == NULL) {
		evutil_closesocket(fd);
		return;
	}
	memset(c, 0, offsetof(struct pd_conn, rq));
	policy_request_reset(&c->rq);
	c->srv = s;
	c->ioff = c->ilen = 0;
	c->bev = bufferevent_socket_new(s->base, fd, BEV_OPT_CLOSE_ON_FREE);
	c->rev = event_new(s->base, fd, EV_READ | EV_PERSIST, pd_conn_read,
	    c);
	if (c->bev == NULL || c->rev == NULL) {
		if (c->rev != NULL)
			event_free(c->rev);
		if (c->bev != NULL)
			bufferevent_free(c->bev);
		else
			evutil_closesocket(fd);
		free(c);
		return;
	}
	LIST_INSERT_HEAD(&s->conns, c, entry);
	bufferevent_setcb(c->bev, NULL, pd_conn_written, pd_conn_event, c);
	bufferevent_enable(c->bev, EV_WRITE);
	s->st.connections++;
	s->st.connections_total++;
	if (s->st.connections > s->st.connections_peak)
		s->st.connections_peak = s->st.connections;
	pd_conn_timeouts(c);
	if (s->st.connections >= s->cfg->max_conns) {
		pd_log(s, "warning: %zu connections, the limit: not "
		    "accepting more until one ends", s->st.connections);
		pd_listeners_set(s, false);
	}
}

static void
pd_resume(evutil_socket_t fd, short what, void *arg)
{
	struct pd_server *s = arg;

	if (s->st.connections < s->cfg->max_conns)
		pd_listeners_set(s, true);
}

/* accept() failed (out of descriptors, most likely): pause a second
 * rather than spin on a listener that stays readable. */
static void
pd_accept_error(struct evconnlistener *l, void *arg)
{
	struct pd_server *s = arg;
	struct timeval tv = { PD_ACCEPT_PAUSE_MS / 1000, 0 };
	int err = EVUTIL_SOCKET_ERROR();

	pd_log(s, "error: accept: %s; pausing for %d ms",
	    evutil_socket_error_to_string(err), PD_ACCEPT_PAUSE_MS);
	pd_listeners_set(s, false);
	evtimer_add(s->resume_ev, &tv);
}

/* ---- the counters socket: one JSON document per connection ---- */

static void
pd_stats_written(struct bufferevent *bev, void *arg)
{
	bufferevent_free(bev);
}

static void
pd_stats_event(struct bufferevent *bev, short what, void *arg)
{
	bufferevent_free(bev);
}

static void
pd_stats_accept(struct evconnlistener *l, evutil_socket_t fd,
    struct sockaddr *sa, int salen, void *arg)
{
	struct pd_server *s = arg;
	struct bufferevent *bev;
	json_t *js;
	char *txt;

	bev = bufferevent_socket_new(s->base, fd, BEV_OPT_CLOSE_ON_FREE);
	if (bev == NULL) {
		evutil_closesocket(fd);
		return;
	}
	js = pd_stats_json(s);
	txt = js ? json_dumps(js, JSON_INDENT(2)) : NULL;
	json_decref(js);
	if (txt == NULL) {
		bufferevent_free(bev);
		return;
	}
	bufferevent_write(bev, txt, strlen(txt));
	bufferevent_write(bev, "\n", 1);
	free(txt);
	bufferevent_setcb(bev, NULL, pd_stats_written, pd_stats_event, s);
	bufferevent_enable(bev, EV_WRITE);
}

/* ---- listeners ---- */

int
pd_listen_addr(const char *spec, struct sockaddr_storage *ss, int *sslen,
    char *err, size_t errlen)
{
	memset(ss, 0, sizeof(*ss));
	if (strncmp(spec, "unix:", 5) == 0) {
		struct sockaddr_un *sun = (struct sockaddr_un *)ss;
		const char *path = spec + 5;

		if (path[0] == '\0' || strlen(path) >= sizeof(sun->sun_path)) {
			snprintf(err, errlen, "bad socket path \"%s\" (at most "
			    "%zu bytes)", path, sizeof(sun->sun_path) - 1);
			return -1;
		}
		sun->sun_family = AF_UNIX;
		memcpy(sun->sun_path, path, strlen(path) + 1);
		*sslen = (int)sizeof(*sun);
		return 0;
	}
	if (strncmp(spec, "inet:", 5) == 0)
		spec += 5;
	*sslen = (int)sizeof(*ss);
	if (evutil_parse_sockaddr_port(spec, (struct sockaddr *)ss,
	    sslen) != 0 || ((struct sockaddr_in *)ss)->sin_port == 0) {
		snprintf(err, errlen, "bad listen address \"%s\" "
		    "(inet:HOST:PORT, inet:[IPV6]:PORT or unix:PATH)", spec);
		return -1;
	}
	return 0;
}

static struct evconnlistener *
pd_listen(struct pd_server *s, const char *spec, evconnlistener_cb cb)
{
	const unsigned flags = LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC;
	struct sockaddr_storage ss;
	struct evconnlistener *l;
	char err[256];
	int sslen;
	bool local = strncmp(spec, "unix:", 5) == 0;
	struct stat sb;

	if (pd_listen_addr(spec, &ss, &sslen, err, sizeof(err)) != 0) {
		fprintf(stderr, "mxdiag: policyd: %s\n", err);
		return NULL;
	}
	/* A socket left by an earlier run; never anything else. */
	if (local && lstat(spec + 5, &sb) == 0 && S_ISSOCK(sb.st_mode))
		unlink(spec + 5);
	l = evconnlistener_new_bind(s->base, cb, s,
	    local ? flags : flags | LEV_OPT_REUSEABLE, 128,
	    (struct sockaddr *)&ss, sslen);
	if (l == NULL) {
		fprintf(stderr, "mxdiag: policyd: cannot listen on %s: %s\n",
		    spec, strerror(errno));
		return NULL;
	}
	if (local && chmod(spec + 5, (mode_t)s->cfg->socket_mode) != 0) {
		fprintf(stderr, "mxdiag: policyd: chmod %s: %s\n", spec + 5,
		    strerror(errno));
		evconnlistener_free(l);
		return NULL;
	}
	return l;
}

/* SIGHUP: a log file renamed by logrotate is let go, and the name opened
 * again. Standard error and syslog have nothing to reopen. */
static void
pd_log_reopen(struct pd_server *s)
{
	const char *path = s->cfg->log_path;
	FILE *f;

	if (s->cfg->syslog || path == NULL || strcmp(path, "-") == 0)
		return;
	if ((f = fopen(path, "ae")) == NULL) {
		pd_log(s, "error: cannot reopen %s: %s; logging on", path,
		    strerror(errno));
		return;
	}
	fclose(s->log);
	setvbuf(f, pd_logbuf, _IOFBF, sizeof(pd_logbuf));
	s->log = f;
	pd_log(s, "log reopened");
}

static void
pd_signal(evutil_socket_t sig, short what, void *arg)
{
	struct pd_server *s = arg;

	if (sig == SIGUSR1) {
		pd_log_stats(s);
		return;
	}
	if (sig == SIGHUP) {
		pd_log_reopen(s);
		return;
	}
	pd_log(s, "stopping on signal %d", (int)sig);
	event_base_loopexit(s->base, NULL);
}

static void
pd_server_free(struct pd_server *s)
{
	while (!LIST_EMPTY(&s->conns))
		pd_conn_close(LIST_FIRST(&s->conns));
	for (size_t i = 0; i < s->nls; i++)
		evconnlistener_free(s->ls[i]);
	if (s->stats_ls)
		evconnlistener_free(s->stats_ls);
	for (size_t i = 0; i < UTIL_ARRAY_LEN(s->sig); i++)
		if (s->sig[i])
			event_free(s->sig[i]);
	if (s->flush_ev)
		event_free(s->flush_ev);
	if (s->resume_ev)
		event_free(s->resume_ev);
	for (size_t i = 0; i < s->cfg->nlisten; i++)
		if (strncmp(s->cfg->listen[i], "unix:", 5) == 0)
			unlink(s->cfg->listen[i] + 5);
	if (s->log != NULL) {
		fflush(s->log);
		if (s->log != stderr)
			fclose(s->log);
	}
}

int
pd_server_run(struct event_base *base, dns_resolver *res,
    const struct pd_server_config *cfg)
{
	static const int sigs[] = { SIGTERM, SIGINT, SIGUSR1, SIGHUP };
	struct dns_cache_config cc = { 0 };
	struct timeval flush_tv = { 0, PD_LOG_FLUSH_MS * 1000 };
	struct pd_server s;
	int rc = -1;

	memset(&s, 0, sizeof(s));
	LIST_INIT(&s.conns);
	s.base = base;
	s.cfg = cfg;
	s.res = res;
	s.started_ms = util_now_ms();
	s.pid = (long)getpid();
	if (cfg->syslog) {
		openlog("mxdiag-policyd", LOG_PID | LOG_NDELAY, LOG_MAIL);
	} else if (cfg->log_path == NULL || strcmp(cfg->log_path, "-") == 0) {
		s.log = stderr;
	} else if ((s.log = fopen(cfg->log_path, "ae")) == NULL) {
		fprintf(stderr, "mxdiag: policyd: %s: %s\n", cfg->log_path,
		    strerror(errno));
		return -1;
	}
	/* Decisions are written in bursts and flushed every 200 ms: one
	 * write(2) per decision would cost more than the decision. */
	if (s.log != NULL)
		setvbuf(s.log, pd_logbuf, _IOFBF, sizeof(pd_logbuf));

	dns_lookup_from_resolver(&s.upstream, res);
	cc.max_entries = cfg->cache_entries;
	s.cache = dns_cache_new(base, &s.upstream, &cc);
	dns_cache_lookup(s.cache, &s.lk);

	s.resume_ev = evtimer_new(base, pd_resume, &s);
	s.flush_ev = event_new(base, -1, EV_PERSIST, pd_log_flush, &s);
	event_add(s.flush_ev, &flush_tv);
	for (size_t i = 0; i < UTIL_ARRAY_LEN(sigs); i++) {
		s.sig[i] = evsignal_new(base, sigs[i], pd_signal, &s);
		event_add(s.sig[i], NULL);
	}
	for (size_t i = 0; i < cfg->nlisten; i++) {
		s.ls[i] = pd_listen(&s, cfg->listen[i], pd_accept);
		if (s.ls[i] == NULL)
			goto out;
		evconnlistener_set_error_cb(s.ls[i], pd_accept_error);
		s.nls++;
	}
	if (cfg->stats_listen != NULL &&
	    (s.stats_ls = pd_listen(&s, cfg->stats_listen,
	    pd_stats_accept)) == NULL)
		goto out;

	pd_log(&s, "listening on %s%s (mode %s, require %s, %d on reject, "
	    "%s on temporary DNS failure, %zu exempt networks)",
	    cfg->listen[0], cfg->nlisten > 1 ? " and more" : "",
	    cfg->policy.mode == PD_MODE_ENFORCE ? "enforce" : "observe",
	    cfg->policy.require == PD_REQUIRE_PTR ? "ptr" : "iprev",
	    cfg->policy.reject_code,
	    cfg->policy.tempfail == PD_TEMPFAIL_DEFER ? "defer_if_permit" :
	    "dunno", cfg->policy.nexempt);
	pd_log_flush(-1, 0, &s);
	event_base_dispatch(base);
	pd_log_stats(&s);
	rc = 0;
out:
	pd_server_free(&s);
	/* Connections still open are freed with the base by the caller;
	 * the cache goes after the resolver so that pending lookups end. */
	dns_resolver_free(res);
	dns_cache_free(s.cache);
	return rc;
}
