/* SPDX-License-Identifier: MIT */
/*
 * The SMTP probe: connect, wait for the greeting without speaking first,
 * EHLO (HELO when EHLO is refused), QUIT. It never sends MAIL, RCPT or
 * DATA. Every phase has its own timeout and every reply goes through the
 * capped parser in reply.h, so a hostile server costs at most a few
 * kilobytes and the configured time.
 */
#ifndef MXDIAG_SMTP_PROBE_H
#define MXDIAG_SMTP_PROBE_H

#include <stdbool.h>
#include <sys/socket.h>

#include "smtp/reply.h"
#include "util/util.h"

struct event_base;

enum smtp_probe_status {
	SMTP_PROBE_OK = 0,	/* greeting and EHLO/HELO reply read */
	SMTP_PROBE_REFUSED,	/* connection refused */
	SMTP_PROBE_UNREACHABLE,	/* other connect failure */
	SMTP_PROBE_TIMEOUT,	/* a phase ran out of time */
	SMTP_PROBE_CLOSED,	/* the server closed before we were done */
	SMTP_PROBE_PROTOCOL,	/* a reply we could not parse */
	SMTP_PROBE_REJECTED,	/* 554 (or other 5xx) greeting */
	SMTP_PROBE_BUSY,	/* 421 (or other 4xx) greeting */
	SMTP_PROBE_EHLO_FAILED,	/* both EHLO and HELO refused */
};

enum smtp_probe_phase {
	SMTP_PHASE_CONNECT = 0,
	SMTP_PHASE_GREETING,
	SMTP_PHASE_EHLO,
	SMTP_PHASE_HELO,
	SMTP_PHASE_STARTTLS,	/* STARTTLS sent, waiting for 220 */
	SMTP_PHASE_HANDSHAKE,	/* TLS handshake */
	SMTP_PHASE_EHLO_TLS,	/* EHLO again, inside TLS */
	SMTP_PHASE_QUIT,
	SMTP_PHASE_DONE,
};

const char *smtp_probe_status_name(enum smtp_probe_status st);
const char *smtp_probe_phase_name(enum smtp_probe_phase ph);
/* Temporary outcomes: worth trying again later. */
bool smtp_probe_status_is_temporary(enum smtp_probe_status st);

/* What STARTTLS showed (RFC 3207), when the probe was asked to try it. */
struct smtp_tls_result {
	bool		 attempted;	/* STARTTLS was offered and sent */
	int		 starttls_code;	/* reply to STARTTLS, 0 if none */
	bool		 handshake_ok;
	char		 error[256];	/* why it failed, printable */
	char		 protocol[32];	/* "TLSv1.3" */
	char		 cipher[96];
	int		 cipher_bits;
	bool		 has_cert;
	bool		 chain_ok;	/* verified against the trust store */
	long		 verify_code;	/* X509_V_OK or the error */
	char		 verify_error[128];
	char		 verified_name[256];	/* the name checked (MX host) */
	bool		 name_ok;	/* certificate matches verified_name */
	char		 subject[256];
	char		 issuer[256];
	struct strvec	 names;		/* subjectAltName DNS names (capped) */
	long		 days_left;	/* to notAfter; negative when expired */
	bool		 not_yet_valid;
	bool		 has_ehlo;	/* EHLO re-read inside TLS */
	struct smtp_caps caps;		/* capabilities inside TLS */
};

struct smtp_probe_result {
	enum smtp_probe_status	 status;
	enum smtp_probe_phase	 phase;		/* where it ended */
	char			 error[256];	/* printable detail */
	long			 connect_ms;	/* -1 when not connected */
	long			 greeting_ms;	/* connect to complete greeting, -1 */
	bool			 has_greeting;
	struct smtp_reply	 greeting;
	bool			 has_ehlo;	/* EHLO or HELO reply read */
	bool			 used_helo;	/* EHLO refused, HELO used */
	int			 ehlo_code;	/* the EHLO reply code, 0 if none */
	struct smtp_reply	 ehlo;		/* the accepted EHLO/HELO reply */
	struct smtp_caps	 caps;
	bool			 early_data;	/* bytes after a reply, unasked */
	char			 banner_hostname[256];	/* "" when none */
	char			 ehlo_hostname[256];
	enum smtp_mta		 mta;
	struct smtp_tls_result	 tls;
};

void smtp_probe_result_clear(struct smtp_probe_result *res);

struct ssl_ctx_st;

struct smtp_probe_config {
	const char	*ehlo_name;	/* the name we announce */
	int		 connect_timeout_ms;
	int		 greeting_timeout_ms;	/* covers greeting delays */
	int		 command_timeout_ms;
	/* STARTTLS: when ssl_ctx is set and the server offers it, upgrade,
	 * inspect the certificate against tls_name (the MX host name; NULL:
	 * no name check) and read the capabilities again. The context is
	 * borrowed; see smtp_tls_ctx_new(). */
	struct ssl_ctx_st *ssl_ctx;
	const char	*tls_name;
};

/*
 * A client TLS context for probing: verification is recorded, not
 * enforced (a bad certificate is a finding, not a reason to stop), with
 * the system trust store or ca_file (PEM) when given. Returns NULL with a
 * message in err.
 */
struct ssl_ctx_st *smtp_tls_ctx_new(const char *ca_file, char *err,
    size_t errlen);
void smtp_tls_ctx_free(struct ssl_ctx_st *ctx);

/* Called exactly once, from the event loop. res is borrowed for the call;
 * the callback may move its members out (then it must zero them). */
typedef void smtp_probe_callback(struct smtp_probe_result *res, void *arg);

struct smtp_probe;

/* Start a probe; the callback runs later even if the connect fails at once.
 * sa is copied. The probe frees itself after the callback returns. */
struct smtp_probe *smtp_probe_start(struct event_base *base,
    const struct sockaddr *sa, socklen_t salen,
    const struct smtp_probe_config *cfg, smtp_probe_callback *cb, void *arg);

#endif
