/* SPDX-License-Identifier: MIT */
/*
 * One HTTPS GET with hard limits, for policies that live on the web
 * (MTA-STS, RFC 8461 §3.3): the connection goes to an address the caller
 * resolved with our own resolver, the certificate is verified against the
 * host name (recorded, so a bad one becomes a finding), redirects are
 * reported and never followed, the body is capped, and the whole request
 * has one deadline.
 */
#ifndef MXDIAG_HTTP_FETCH_H
#define MXDIAG_HTTP_FETCH_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

struct event_base;
struct ssl_ctx_st;

struct http_fetch_req {
	const char		*host;		/* Host header, SNI, name checked */
	const char		*path;		/* "/.well-known/mta-sts.txt" */
	const struct sockaddr	*addr;		/* where to connect (with port) */
	socklen_t		 addrlen;
	struct ssl_ctx_st	*ssl_ctx;	/* from smtp_tls_ctx_new() */
	size_t			 max_body;	/* larger bodies are an error */
	int			 timeout_ms;
};

struct http_fetch_result {
	bool	 connected;
	bool	 tls_ok;		/* handshake done */
	bool	 cert_ok;		/* chain verified and names host; a
					 * response without it must not be
					 * trusted */
	char	 cert_error[128];
	int	 status;		/* HTTP status, 0 when none */
	char	 content_type[128];
	char	 location[512];		/* a redirect's target, not followed */
	char	*body;			/* NUL-terminated, owned; may hold NULs */
	size_t	 body_len;
	bool	 too_large;
	char	 error[256];		/* why there is no response */
	long	 elapsed_ms;
};

typedef void http_fetch_callback(struct http_fetch_result *res, void *arg);

/* Start the GET; cb runs exactly once from the loop. The result is
 * borrowed for the call (take body by setting it to NULL). */
void http_fetch(struct event_base *base, const struct http_fetch_req *req,
    http_fetch_callback *cb, void *arg);

#endif
