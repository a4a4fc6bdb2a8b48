/* SPDX-License-Identifier: MIT */
/*
 * The HTTPS GET of fetch.h on libevent's evhttp over an OpenSSL
 * bufferevent. evhttp would resolve names with its own resolver, so it is
 * given a numeric address and the Host header is set by hand.
 */
#include "http/fetch.h"

#include <arpa/inet.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/util.h"

struct http_fetch {
	struct event_base		*base;
	struct evhttp_connection	*conn;
	SSL				*ssl;
	char				*host;
	http_fetch_callback		*cb;
	void				*arg;
	struct http_fetch_result	 res;
	long long			 started;
	bool				 finished;
	struct event			*reap;
};

static void
fetch_reap(evutil_socket_t fd, short what, void *arg)
{
	struct http_fetch *f = arg;

	if (f->conn)
		evhttp_connection_free(f->conn);	/* frees bev and SSL */
	event_free(f->reap);
	free(f->res.body);
	free(f->host);
	free(f);
}

static void
fetch_finish(struct http_fetch *f)
{
	if (f->finished)
		return;
	f->finished = true;
	f->res.elapsed_ms = (long)(util_now_ms() - f->started);
	f->cb(&f->res, f->arg);
	/* evhttp is still on the stack: free from the loop. */
	event_active(f->reap, EV_TIMEOUT, 0);
}

/* Record what the certificate says, the moment the handshake is done:
 * evhttp may reset the connection (and the TLS session with it) before
 * it hands us the response. */
static void
fetch_check_cert(struct http_fetch *f, const SSL *ssl)
{
	X509 *cert;
	long v;

	if (f->res.tls_ok)
		return;
	f->res.tls_ok = true;
	cert = SSL_get1_peer_certificate(ssl);
	if (cert == NULL) {
		snprintf(f->res.cert_error, sizeof(f->res.cert_error),
		    "no certificate");
		return;
	}
	v = SSL_get_verify_result(ssl);
	if (v != X509_V_OK)
		snprintf(f->res.cert_error, sizeof(f->res.cert_error), "%s",
		    X509_verify_cert_error_string(v));
	else if (X509_check_host(cert, f->host, 0, 0, NULL) != 1)
		snprintf(f->res.cert_error, sizeof(f->res.cert_error),
		    "certificate does not name %s", f->host);
	else
		f->res.cert_ok = true;
	X509_free(cert);
}

static void
fetch_ssl_info(const SSL *ssl, int where, int ret)
{
	struct http_fetch *f = SSL_get_app_data(ssl);

	if ((where & SSL_CB_HANDSHAKE_DONE) && f != NULL)
		fetch_check_cert(f, ssl);
}

static void
fetch_done(struct evhttp_request *req, void *arg)
{
	struct http_fetch *f = arg;
	struct evkeyvalq *h;
	const char *v;

	if (!f->res.tls_ok && f->res.status == 0 && f->res.error[0] == '\0')
		snprintf(f->res.cert_error, sizeof(f->res.cert_error),
		    "no TLS handshake");
	if (req == NULL || evhttp_request_get_response_code(req) == 0) {
		if (f->res.error[0] == '\0')
			snprintf(f->res.error, sizeof(f->res.error), "%s",
			    f->res.tls_ok ? "no HTTP response" :
			    "connection or TLS handshake failed");
		fetch_finish(f);
		return;
	}
	f->res.connected = true;
	f->res.status = evhttp_request_get_response_code(req);
	h = evhttp_request_get_input_headers(req);
	if ((v = evhttp_find_header(h, "Content-Type")) != NULL)
		util_printable(f->res.content_type,
		    sizeof(f->res.content_type), v, strlen(v));
	if ((v = evhttp_find_header(h, "Location")) != NULL)
		util_printable(f->res.location, sizeof(f->res.location), v,
		    strlen(v));
	{
		struct evbuffer *b = evhttp_request_get_input_buffer(req);
		size_t n = evbuffer_get_length(b);

		f->res.body = xcalloc(1, n + 1);
		evbuffer_copyout(b, f->res.body, n);
		f->res.body_len = n;
	}
	fetch_finish(f);
}

static void
fetch_error(enum evhttp_request_error err, void *arg)
{
	struct http_fetch *f = arg;

	switch (err) {
	case EVREQ_HTTP_TIMEOUT:
		snprintf(f->res.error, sizeof(f->res.error), "timeout");
		break;
	case EVREQ_HTTP_EOF:
		snprintf(f->res.error, sizeof(f->res.error),
		    "connection closed before a complete response");
		break;
	case EVREQ_HTTP_INVALID_HEADER:
		snprintf(f->res.error, sizeof(f->res.error),
		    "invalid HTTP response header");
		break;
	case EVREQ_HTTP_DATA_TOO_LONG:
		f->res.too_large = true;
		snprintf(f->res.error, sizeof(f->res.error),
		    "response larger than the limit");
		break;
	default:
		snprintf(f->res.error, sizeof(f->res.error),
		    "connection failed");
		break;
	}
}

static void
fetch_fail_later(evutil_socket_t fd, short what, void *arg)
{
	fetch_finish(arg);
}

void
http_fetch(struct event_base *base, const struct http_fetch_req *req,
    http_fetch_callback *cb, void *arg)
{
	struct http_fetch *f = xcalloc(1, sizeof(*f));
	struct bufferevent *bev = NULL;
	struct evhttp_request *r;
	char ip[INET6_ADDRSTRLEN] = "";
	int port = 0;
	struct timeval tv = { req->timeout_ms / 1000,
	    (req->timeout_ms % 1000) * 1000 };

	f->base = base;
	f->host = xstrdup(req->host);
	f->cb = cb;
	f->arg = arg;
	f->started = util_now_ms();
	f->reap = event_new(base, -1, 0, fetch_reap, f);
	if (req->addr->sa_family == AF_INET) {
		const struct sockaddr_in *s = (const void *)req->addr;

		inet_ntop(AF_INET, &s->sin_addr, ip, sizeof(ip));
		port = ntohs(s->sin_port);
	} else if (req->addr->sa_family == AF_INET6) {
		const struct sockaddr_in6 *s = (const void *)req->addr;

		inet_ntop(AF_INET6, &s->sin6_addr, ip, sizeof(ip));
		port = ntohs(s->sin6_port);
	}
	f->ssl = SSL_new(req->ssl_ctx);
	if (f->ssl == NULL || ip[0] == '\0' || f->reap == NULL) {
		snprintf(f->res.error, sizeof(f->res.error),
		    "cannot set up the request");
		goto fail;
	}
	SSL_set_tlsext_host_name(f->ssl, f->host);
	SSL_set_app_data(f->ssl, f);
	SSL_set_info_callback(f->ssl, fetch_ssl_info);
	bev = bufferevent_openssl_socket_new(base, -1, f->ssl,
	    BUFFEREVENT_SSL_CONNECTING, BEV_OPT_CLOSE_ON_FREE);
	if (bev == NULL) {
		SSL_free(f->ssl);
		f->ssl = NULL;
		snprintf(f->res.error, sizeof(f->res.error),
		    "cannot create the TLS connection");
		goto fail;
	}
	/* A numeric address and no evdns: evhttp resolves nothing. */
	f->conn = evhttp_connection_base_bufferevent_new(base, NULL, bev, ip,
	    (unsigned short)port);
	if (f->conn == NULL) {
		bufferevent_free(bev);
		f->ssl = NULL;
		snprintf(f->res.error, sizeof(f->res.error),
		    "cannot create the HTTP connection");
		goto fail;
	}
	evhttp_connection_set_max_body_size(f->conn, (ev_ssize_t)req->max_body);
	evhttp_connection_set_max_headers_size(f->conn, 16384);
	evhttp_connection_set_timeout_tv(f->conn, &tv);
	evhttp_connection_set_retries(f->conn, 0);
	r = evhttp_request_new(fetch_done, f);
	evhttp_request_set_error_cb(r, fetch_error);
	evhttp_add_header(evhttp_request_get_output_headers(r), "Host",
	    f->host);
	evhttp_add_header(evhttp_request_get_output_headers(r), "User-Agent",
	    "mxdiag");
	evhttp_add_header(evhttp_request_get_output_headers(r), "Connection",
	    "close");
	if (evhttp_make_request(f->conn, r, EVHTTP_REQ_GET, req->path) != 0) {
		snprintf(f->res.error, sizeof(f->res.error),
		    "cannot send the request");
		goto fail;
	}
	return;
fail:
	event_base_once(base, -1, EV_TIMEOUT, fetch_fail_later, f, NULL);
}
